import type { ConnectionId } from "../../sim/index.js";
import { TOPIC_CONFIG } from "../config/brokerConfig.js";
import type { PartitionState } from "../metadata/records.js";
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from "../protocol/configMessages.js";
import type { ControllerContext } from "./controllerContext.js";

/**
 * The controller's view of configs (Kafka `ConfigurationControlManager`): the effective value of a topic's
 * settings the controller decides with, and IncrementalAlterConfigs, which writes ConfigRecords.
 */
export class ConfigurationControlManager {
  constructor(
    private readonly c: ControllerContext,
    /** Called after config records are written (QuorumController.maybeScheduleNextElectUncleanLeaders runs after every write). */
    private readonly written: () => void,
  ) {}

  /**
   * unclean.leader.election.enable for `topic` (ConfigurationControlManager.uncleanLeaderElectionEnabledForTopic →
   * getTopicConfig): its override, else the dynamic cluster default, else the static config. A per-broker dynamic
   * value is not read: the controller resolves with its own node's config, and a broker's is not its own.
   */
  uncleanAllowed(topic: string): boolean {
    const image = this.c.image();
    const v = image.topicConfig(topic, "unclean.leader.election.enable") ?? image.brokerConfigs.get("")?.get("unclean.leader.election.enable");
    return v === undefined ? this.c.cfg.uncleanLeaderElectionEnable : v === true;
  }

  /**
   * ReplicationControlManager.getTopicEffectiveMinIsr: min(min.insync.replicas, RF), the setting resolved as
   * getTopicConfig does: the topic's, else the dynamic cluster default, else the static config.
   */
  effectiveMinIsr(p: PartitionState): number {
    const image = this.c.image();
    const v = image.topicConfig(p.topic, "min.insync.replicas") ?? (image.brokerConfigs.get("")?.get("min.insync.replicas") as number | undefined);
    return Math.min(v ?? this.c.cfg.minInsyncReplicas, p.replicas.length);
  }

  /**
   * ConfigurationControlManager.incrementalAlterConfigs for a topic (forwarded by a broker): each key is checked
   * as Kafka's LogConfig.validate would (INVALID_CONFIG), a ConfigRecord is written per change, and the answer
   * goes once they are committed. Errors: NOT_CONTROLLER (with a hint), UNKNOWN_TOPIC_OR_PARTITION.
   */
  handleIncrementalAlterConfigs(_from: string, req: IncrementalAlterConfigsRequest, conn: ConnectionId): void {
    const { ctx, raft } = this.c;
    const image = this.c.image();
    const reply = (error: IncrementalAlterConfigsResponse["error"], errorMessage: string | null = null) =>
      ctx.write(conn, { type: "IncrementalAlterConfigsResponse", correlationId: req.correlationId, topic: req.topic, error, errorMessage, leaderHint: raft.leader } satisfies IncrementalAlterConfigsResponse);
    if (!raft.isLeader()) return reply("NOT_CONTROLLER");
    if (req.broker !== undefined) return this.alterBrokerConfigs(req, reply);
    if (!image.topics.has(req.topic)) return reply("UNKNOWN_TOPIC_OR_PARTITION", `topic ${req.topic} does not exist`);
    for (const c of req.configs) {
      if (c.value === null) {
        if (!TOPIC_CONFIG.key(c.name)) return reply("INVALID_CONFIG", `unknown topic config ${c.name}`);
        continue;
      }
      const problems = TOPIC_CONFIG.validate({ [c.name]: c.value });
      if (problems.length > 0) return reply("INVALID_CONFIG", `${c.name}: ${problems[0].message}`);
    }
    let offset = -1;
    for (const c of req.configs) {
      ctx.trace("controller.alter-config", { topic: req.topic, name: c.name, value: c.value === null ? null : String(c.value) });
      offset = this.c.propose({ type: "Config", topic: req.topic, name: c.name, value: c.value });
    }
    this.written();
    if (offset < 0) return reply("NONE");
    this.c.afterCommit(offset, () => reply("NONE"));
  }

  /**
   * A BROKER resource (per broker, or "" the cluster default): the forwarding broker has checked its keys
   * (ConfigAdminManager.preprocess), so the controller's own check (ControllerConfigurationValidator) only takes
   * the change; a BROKER ConfigRecord is written per key and the answer goes once they are committed.
   */
  private alterBrokerConfigs(req: IncrementalAlterConfigsRequest, reply: (error: IncrementalAlterConfigsResponse["error"]) => void): void {
    const broker = req.broker!;
    let offset = -1;
    for (const c of req.configs) {
      this.c.ctx.trace("controller.alter-config", { broker, name: c.name, value: c.value === null ? null : String(c.value) });
      offset = this.c.propose({ type: "BrokerConfig", broker, name: c.name, value: c.value });
    }
    this.written();
    if (offset < 0) return reply("NONE");
    this.c.afterCommit(offset, () => reply("NONE"));
  }
}

import type { Actor, ActorContext, ConnectionId } from "../../sim/index.js";
import type { LogConfig } from "../config/brokerConfig.js";
import { MetadataImage } from "../metadata/metadataImage.js";
import { ConnectionRouter } from "../network/connectionRouter.js";
import { NetworkClient } from "../network/networkClient.js";
import { describeRecord, type MetadataRecord, type PartitionState } from "../metadata/records.js";
import type { ControllerMessages } from "../protocol/apis.js";
import { dispatch, type Handlers, type MessageOf } from "../protocol/dispatch.js";
import { TOPIC_CONFIG } from "../config/brokerConfig.js";
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from "../protocol/configMessages.js";
import type { AlterPartitionRequest, AlterPartitionResponse, BrokerHeartbeatRequest, BrokerHeartbeatResponse, BrokerRegistrationRequest, BrokerRegistrationResponse } from "../protocol/controllerMessages.js";
import type { RaftEntry } from "../protocol/raftMessages.js";
import { nextPartitionState, targetElr } from "./partitionChange.js";
import { type RaftConfig, RaftNode } from "./raft.js";

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** The configs the topic overrides. */
  config: Partial<LogConfig>;
}

export interface ControllerConfig {
  raft: RaftConfig;
  brokers: string[];
  topics: TopicSpec[];
  brokerSessionTimeoutMs: number;
  /** Cluster default for unclean.leader.election.enable (a topic may override it). */
  uncleanLeaderElectionEnable: boolean;
  /** unclean.leader.election.interval.ms: how long a leaderless partition waits for the periodic unclean election. */
  uncleanLeaderElectionCheckIntervalMs: number;
  /** socket.connection.setup.timeout.ms / .max.ms of the KRaft client's connections. */
  connectionSetupTimeoutMs: number;
  connectionSetupTimeoutMaxMs: number;
  /** Cluster default for min.insync.replicas (a topic may override it), for KIP-966 ELR. */
  minInsyncReplicas: number;
  /** KIP-966 ELR: the eligible.leader.replicas.version feature at 1 (Kafka 4.0's default is 0). */
  eligibleLeaderReplicasEnabled: boolean;
}

/** How often the active controller looks for expired broker sessions and leaderless partitions. */
const TICK_MS = 250;

/**
 * A KRaft controller (Kafka `QuorumController` + `ReplicationControlManager`, much reduced). All controllers replay
 * the metadata log into an image; the active one (the Raft leader) also registers brokers, tracks their heartbeats,
 * fences expired sessions, elects partition leaders and applies AlterPartition, by appending records. Responses to
 * brokers are sent once the records they depend on are committed.
 */
export function controllerActor(cfg: ControllerConfig) {
  return (ctx: ActorContext): ControllerActor => {
    let image = new MetadataImage();
    const pending: { offset: number; send: () => void }[] = [];
    let lastHeartbeatUs = new Map<string, number>();
    /** Brokers in controlled shutdown, with the log offset their leadership moves end at (BrokerHeartbeatManager). */
    let shuttingDown = new Map<string, number>();
    /** How far each broker had replayed the metadata log at its last heartbeat. */
    let metadataOffsets = new Map<string, number>();
    let tickTimer = -1;
    const router = ConnectionRouter.of(ctx);
    let correlation = 0;
    // KafkaRaftManager's NetworkClient: one request in flight per connection, reconnect back-off 50 ms up to 500 ms.
    const raftClient = new NetworkClient(
      ctx,
      {
        name: "raft-client",
        requestTimeoutMs: cfg.raft.requestTimeoutMs,
        reconnectBackoffMs: 50,
        reconnectBackoffMaxMs: 500,
        connectionSetupTimeoutMs: cfg.connectionSetupTimeoutMs,
        connectionSetupTimeoutMaxMs: cfg.connectionSetupTimeoutMaxMs,
        maxInFlightRequestsPerConnection: 1,
      },
      () => ++correlation,
    );
    /** QuorumController's uncleanScheduled: a periodic unclean election is waiting (its timer id), or none (-1). */
    let uncleanTimer = -1;
    const uncleanCheck = ctx.timer(() => {
      uncleanTimer = -1;
      if (raft.isLeader()) maybeElectUncleanLeaders();
    });
    /** The active controller's periodic check (every TICK_MS). */
    const tickPeriod = ctx.timer(() => {
      if (raft.isLeader()) tick();
    });
    const raft: RaftNode = new RaftNode(ctx, cfg.raft, {
      becameLeader: () => {
        lastHeartbeatUs = new Map();
        shuttingDown = new Map();
        metadataOffsets = new Map();
        // Every registered broker gets a full session from the moment this controller takes over.
        for (const b of image.brokers.keys()) lastHeartbeatUs.set(b, ctx.nowUs);
        tickTimer = tickPeriod.set(TICK_MS);
      },
      resigned: () => {
        pending.length = 0;
        if (tickTimer >= 0) tickPeriod.cancel(tickTimer);
        tickTimer = -1;
        // QuorumController.renounce → cancelMaybeNextElectUncleanLeaders.
        if (uncleanTimer >= 0) uncleanCheck.cancel(uncleanTimer);
        uncleanTimer = -1;
      },
      appended: (from) => {
        for (let i = from; i < raft.log.endOffset; i++) image.apply(raft.log.entries[i].record, i);
      },
      truncated: () => rebuildImage(),
      committed: (hw) => {
        while (pending.length > 0 && pending[0].offset < hw) pending.shift()!.send();
      },
    }, raftClient);

    function rebuildImage(): void {
      image = new MetadataImage();
      raft.log.entries.forEach((e, i) => image.apply(e.record, i));
    }

    function propose(record: MetadataRecord): number {
      const offset = raft.append(record);
      ctx.trace("controller.record", { offset, ...describeRecord(record) });
      return offset;
    }

    /** Sends after the record at `offset` is committed. */
    function afterCommit(offset: number, send: () => void): void {
      if (offset < raft.highWatermark) send();
      else pending.push({ offset, send });
    }

    function uncleanAllowed(topic: string): boolean {
      const v = image.topicConfig(topic, "unclean.leader.election.enable");
      return v === undefined ? cfg.uncleanLeaderElectionEnable : v === true;
    }

    /** ReplicationControlManager.getTopicEffectiveMinIsr: min(the topic's or the cluster's min.insync.replicas, RF). */
    function effectiveMinIsr(p: PartitionState): number {
      return Math.min(image.topicConfig(p.topic, "min.insync.replicas") ?? cfg.minInsyncReplicas, p.replicas.length);
    }

    /**
     * New leaders and ISRs after a broker event (ReplicationControlManager.generateLeaderAndIsrUpdates). An unclean
     * election is made where the topic allows it, except by the periodic check (`unclean: false`): a topic whose
     * unclean.leader.election.enable was turned on at run time waits for `maybeElectUncleanLeaders`, as in Kafka.
     */
    function changePartitions(reason: string, removed?: string, uncleanShutdown?: string, unclean = true): void {
      const gone = new Set(shuttingDown.keys());
      if (removed !== undefined) gone.add(removed);
      for (const p of [...image.partitions.values()]) {
        const next = nextPartitionState(p, image, { uncleanAllowed: unclean && uncleanAllowed(p.topic), elrEnabled: cfg.eligibleLeaderReplicasEnabled, minIsr: effectiveMinIsr(p) }, gone, uncleanShutdown);
        if (!next) continue;
        if (next.leader !== p.leader) {
          const fromElr = next.leader !== null && !p.isr.includes(next.leader) && (p.elr ?? []).includes(next.leader);
          const unclean = next.leader !== null && !p.isr.includes(next.leader) && !fromElr;
          ctx.trace(unclean ? "controller.unclean-election" : fromElr ? "controller.elr-election" : "controller.election", {
            tp: `${p.topic}-${p.partition}`,
            oldLeader: p.leader,
            newLeader: next.leader,
            leaderEpoch: next.leaderEpoch,
            isr: next.isr,
            ...(fromElr ? { elr: p.elr } : {}),
            reason,
          });
        }
        propose({ type: "Partition", state: next });
      }
    }

    function fence(broker: string, reason: string): void {
      ctx.trace("controller.fence", { broker, reason });
      // Leadership and ISR move off the broker before it is marked fenced.
      changePartitions(`${broker} ${reason}`, broker);
      propose({ type: "FenceBroker", broker });
    }

    function maybeCreateTopics(): void {
      const pendingTopics = cfg.topics.filter((t) => !image.topics.has(t.name));
      if (pendingTopics.length === 0) return;
      const active = cfg.brokers.filter((b) => image.isActive(b));
      // Topics from the scenario are created once every configured broker is up, as an operator would.
      if (active.length < cfg.brokers.length) return;
      for (const t of pendingTopics) {
        propose({ type: "Topic", name: t.name, partitions: t.partitions, config: t.config });
        for (let p = 0; p < t.partitions; p++) {
          // Replica placement: rotate over the brokers so leaders spread (a simple stand-in for StripedReplicaPlacer).
          const replicas = Array.from({ length: t.replicationFactor }, (_, i) => cfg.brokers[(p + i) % cfg.brokers.length]);
          const state: PartitionState = { topic: t.name, partition: p, replicas, isr: [...replicas], leader: replicas[0], leaderEpoch: 0, partitionEpoch: 0 };
          propose({ type: "Partition", state });
        }
      }
    }

    function tick(): void {
      tickTimer = tickPeriod.set(TICK_MS);
      const now = ctx.nowUs;
      for (const [b, reg] of image.brokers) {
        if (reg.fenced) continue;
        const last = lastHeartbeatUs.get(b) ?? now;
        if (now - last > cfg.brokerSessionTimeoutMs * 1000) fence(b, "session expired");
      }
      changePartitions("periodic election check", undefined, undefined, false);
      maybeCreateTopics();
      maybeScheduleNextElectUncleanLeaders();
    }

    /**
     * QuorumController.maybeScheduleNextElectUncleanLeaders (run after every write; here with the periodic check):
     * while some partition has no leader, an unclean election is scheduled unclean.leader.election.interval.ms ahead.
     */
    function maybeScheduleNextElectUncleanLeaders(): void {
      if (uncleanTimer >= 0) return;
      if (![...image.partitions.values()].some((p) => p.leader === null)) return;
      uncleanTimer = uncleanCheck.set(cfg.uncleanLeaderElectionCheckIntervalMs);
    }

    /**
     * ReplicationControlManager.maybeTriggerUncleanLeaderElectionForLeaderlessPartitions: every leaderless partition
     * whose topic allows it gets an unclean leader now (the one way a topic's unclean.leader.election.enable turned
     * on at run time takes effect before the next broker event).
     */
    function maybeElectUncleanLeaders(): void {
      changePartitions("periodic unclean election check");
      maybeScheduleNextElectUncleanLeaders();
    }

    /**
     * ConfigurationControlManager.incrementalAlterConfigs for a topic (forwarded by a broker): each key is checked
     * as Kafka's LogConfig.validate would (INVALID_CONFIG), a ConfigRecord is written per change, and the answer
     * goes once they are committed. Errors: NOT_CONTROLLER (with a hint), UNKNOWN_TOPIC_OR_PARTITION.
     */
    function handleIncrementalAlterConfigs(_from: string, req: IncrementalAlterConfigsRequest, conn: ConnectionId): void {
      const reply = (error: IncrementalAlterConfigsResponse["error"], errorMessage: string | null = null) =>
        ctx.write(conn, { type: "IncrementalAlterConfigsResponse", correlationId: req.correlationId, topic: req.topic, error, errorMessage, leaderHint: raft.leader } satisfies IncrementalAlterConfigsResponse);
      if (!raft.isLeader()) return reply("NOT_CONTROLLER");
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
        offset = propose({ type: "Config", topic: req.topic, name: c.name, value: c.value });
      }
      maybeScheduleNextElectUncleanLeaders();
      if (offset < 0) return reply("NONE");
      afterCommit(offset, () => reply("NONE"));
    }

    const notLeader = () => raft.leader;

    function handleRegistration(_from: string, req: BrokerRegistrationRequest, conn: ConnectionId): void {
      if (!raft.isLeader()) {
        ctx.write(conn, { type: "BrokerRegistrationResponse", correlationId: req.correlationId, error: "NOT_CONTROLLER", brokerEpoch: -1, leaderHint: notLeader() } satisfies BrokerRegistrationResponse);
        return;
      }
      const existing = image.brokers.get(req.broker);
      let offset: number;
      if (existing && existing.incarnation === req.incarnation) offset = existing.registrationOffset;
      else {
        if (existing && !existing.fenced) fence(req.broker, "re-registered after restart");
        shuttingDown.delete(req.broker);
        // KIP-966 (ReplicationControlManager.handleBrokerUncleanShutdown): a broker back without proof of a clean
        // shutdown may have lost its log tail; with ELR it leaves every ISR and ELR before it registers again.
        if (existing && cfg.eligibleLeaderReplicasEnabled && req.previousBrokerEpoch !== existing.brokerEpoch) {
          ctx.trace("controller.unclean-shutdown", { broker: req.broker, previousBrokerEpoch: req.previousBrokerEpoch, brokerEpoch: existing.brokerEpoch });
          changePartitions(`${req.broker} unclean shutdown`, undefined, req.broker);
        }
        offset = propose({ type: "RegisterBroker", broker: req.broker, brokerEpoch: raft.log.endOffset, incarnation: req.incarnation });
      }
      lastHeartbeatUs.set(req.broker, ctx.nowUs);
      const brokerEpoch = image.brokers.get(req.broker)!.brokerEpoch;
      afterCommit(offset, () =>
        ctx.write(conn, { type: "BrokerRegistrationResponse", correlationId: req.correlationId, error: "NONE", brokerEpoch, leaderHint: ctx.name } satisfies BrokerRegistrationResponse),
      );
    }

    /**
     * BrokerHeartbeatManager.calculateNextBrokerState for a controlled shutdown: the first wantShutDown moves the
     * broker's leaderships and ISR places away (it may not lead or rejoin an ISR from then on); it may stop
     * (shouldShutDown) once it leads nothing, the move is committed and every other active broker has replayed it
     * (lowestActiveOffset), so their clients find the new leaders at once; it is fenced then. A fenced broker may
     * stop at once.
     */
    function controlledShutdown(broker: string, fenced: boolean): boolean {
      if (fenced) return true;
      let offset = shuttingDown.get(broker);
      if (offset === undefined) {
        ctx.trace("controller.controlled-shutdown", { broker });
        shuttingDown.set(broker, -1);
        changePartitions(`${broker} controlled shutdown`);
        offset = raft.log.endOffset;
        shuttingDown.set(broker, offset);
      }
      if ([...image.partitions.values()].some((p) => p.leader === broker)) return false;
      if (raft.highWatermark < offset) return false;
      for (const [b, reg] of image.brokers) if (!reg.fenced && (metadataOffsets.get(b) ?? -1) < offset) return false;
      shuttingDown.delete(broker);
      fence(broker, "controlled shutdown");
      return true;
    }

    function handleHeartbeat(_from: string, req: BrokerHeartbeatRequest, conn: ConnectionId): void {
      const reply = (error: BrokerHeartbeatResponse["error"], isFenced: boolean, shouldShutDown = false) =>
        ctx.write(conn, { type: "BrokerHeartbeatResponse", correlationId: req.correlationId, error, isFenced, shouldShutDown, leaderHint: raft.leader } satisfies BrokerHeartbeatResponse);
      if (!raft.isLeader()) return reply("NOT_CONTROLLER", true);
      const reg = image.brokers.get(req.broker);
      if (!reg || reg.brokerEpoch !== req.brokerEpoch) return reply("STALE_BROKER_EPOCH", true);
      lastHeartbeatUs.set(req.broker, ctx.nowUs);
      metadataOffsets.set(req.broker, req.metadataOffset);
      if (req.wantShutDown) {
        const stop = controlledShutdown(req.broker, reg.fenced);
        return reply("NONE", stop || reg.fenced, stop);
      }
      if (reg.fenced && req.metadataOffset >= reg.registrationOffset) {
        // Caught up with its own registration: unfence, then offline partitions may elect it.
        const offset = propose({ type: "UnfenceBroker", broker: req.broker });
        ctx.trace("controller.unfence", { broker: req.broker });
        changePartitions(`${req.broker} unfenced`);
        maybeCreateTopics();
        afterCommit(offset, () => reply("NONE", false));
        return;
      }
      reply("NONE", reg.fenced);
    }

    function handleAlterPartition(_from: string, req: AlterPartitionRequest, conn: ConnectionId): void {
      const reply = (error: AlterPartitionResponse["error"], state: PartitionState | null) =>
        ctx.write(conn, { type: "AlterPartitionResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, state, leaderHint: raft.leader } satisfies AlterPartitionResponse);
      if (!raft.isLeader()) return reply("NOT_CONTROLLER", null);
      const reg = image.brokers.get(req.broker);
      if (!reg || reg.brokerEpoch !== req.brokerEpoch) return reply("STALE_BROKER_EPOCH", null);
      const p = image.partition(req.topic, req.partition);
      if (!p) return reply("UNKNOWN_TOPIC_OR_PARTITION", null);
      // ReplicationControlManager.alterPartition: only the current leader, in the current epochs, may change the ISR.
      if (p.leader !== req.broker) return reply("NOT_LEADER_OR_FOLLOWER", null);
      if (req.leaderEpoch !== p.leaderEpoch) return reply("FENCED_LEADER_EPOCH", null);
      if (req.partitionEpoch !== p.partitionEpoch) return reply("INVALID_UPDATE_VERSION", null);
      // ReplicationControlManager.isEligibleReplica: not fenced, and not in controlled shutdown.
      if (req.newIsr.some((b) => !p.isr.includes(b) && (!image.isActive(b) || shuttingDown.has(b)))) return reply("INELIGIBLE_REPLICA", null);
      const next: PartitionState = { ...p, isr: [...req.newIsr], partitionEpoch: p.partitionEpoch + 1 };
      // PartitionChangeBuilder.maybePopulateTargetElr: an ISR shrink below min ISR keeps the leavers eligible.
      if (cfg.eligibleLeaderReplicasEnabled) {
        const e = targetElr(p, next.isr, effectiveMinIsr(p));
        delete next.elr;
        delete next.lastKnownElr;
        if (e.elr.length > 0) next.elr = e.elr;
        if (e.lastKnownElr.length > 0) next.lastKnownElr = e.lastKnownElr;
      }
      ctx.trace("controller.alter-partition", { tp: `${p.topic}-${p.partition}`, oldIsr: p.isr, newIsr: next.isr, by: req.broker });
      const offset = propose({ type: "Partition", state: next });
      afterCommit(offset, () => reply("NONE", next));
    }

    /** ControllerApis and the KRaft client: every request a controller serves (answers go to the raft's NetworkClient). */
    const handlers: Handlers<ControllerMessages> = {
      Vote: (_from, req, conn) => raft.handleVote(req, conn),
      BeginQuorumEpoch: (_from, req) => raft.handleBeginQuorumEpoch(req),
      Fetch: (from, req, conn) => raft.handleFetch(from, req, conn),
      BrokerRegistration: handleRegistration,
      BrokerHeartbeat: handleHeartbeat,
      AlterPartition: handleAlterPartition,
      IncrementalAlterConfigs: handleIncrementalAlterConfigs,
    };

    return {
      inspect: () => ({
        isActive: raft.isLeader(),
        leader: raft.leader,
        epoch: raft.epoch,
        highWatermark: raft.highWatermark,
        log: raft.log.entries,
        leaderOf: (topic, partition) => image.partition(topic, partition)?.leader ?? null,
      }),
      onStart: () => {
        rebuildImage();
        raft.start();
      },
      onMessage: (from, msg, conn) => {
        if (router.onMessage(conn, msg)) return;
        const req = msg as MessageOf<ControllerMessages>;
        dispatch(handlers, req.type, from, req, conn);
      },
      // A peer went away: the quorum notices by its timeouts, as KRaft does.
      onConnection: (conn, _peer, event) => router.onConnection(conn, event),
    };
  };
}

/** End-of-run and fault-targeting view of a controller (the model never uses it). */
export interface ControllerActor extends Actor {
  inspect(): {
    isActive: boolean;
    /** The quorum leader this controller knows of (itself when active), or null while it knows none. */
    leader: string | null;
    epoch: number;
    highWatermark: number;
    log: readonly RaftEntry[];
    leaderOf(topic: string, partition: number): string | null;
  };
}

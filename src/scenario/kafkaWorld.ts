import { brokerActor } from "../kafka/broker/broker.js";
import { brokerSettings } from "../kafka/broker/brokerSettings.js";
import type { ConfigValue } from "../kafka/config/configDef.js";
import { producerSettings } from "../kafka/config/producerSettings.js";
import { type ControllerActor, controllerActor } from "../kafka/controller/controller.js";
import { CONSUMER_OFFSETS_TOPIC } from "../kafka/coordinator/offsetLog.js";
import { TRANSACTION_STATE_TOPIC } from "../kafka/coordinator/transactionLog.js";
import { consumerSettings } from "../kafka/config/consumerConfig.js";
import { consumerWorkloadActor } from "../workload/consumerWorkload.js";
import { producerWorkloadActor } from "../workload/producerWorkload.js";
import { groupConsumerWorkloadActor } from "../workload/groupConsumerWorkload.js";
import { PRODUCER_CONFIG } from "../kafka/config/producerConfig.js";
import { transactionalWorkloadActor } from "../workload/transactionalWorkload.js";
import type { World } from "./world.js";

/** Adds the scenario's KRaft controllers, brokers and Kafka clients to the world. */
export function addKafkaCluster(world: World): void {
  const { scenario: s, sim, history } = world;
  if (s.brokers.length === 0) return;
  const c = s.brokerConfig;
  const num = (k: string) => c.get(k) as number;
  for (const name of s.controllers)
    sim.addActor(
      name,
      controllerActor({
        raft: {
          voters: s.controllers,
          electionTimeoutMs: num("controller.quorum.election.timeout.ms"),
          fetchTimeoutMs: num("controller.quorum.fetch.timeout.ms"),
          electionBackoffMaxMs: num("controller.quorum.election.backoff.max.ms"),
          requestTimeoutMs: num("controller.quorum.request.timeout.ms"),
          fetchMaxWaitMs: 500,
        },
        brokers: s.brokers,
        topics: [
          ...s.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions,
            replicationFactor: t.replicationFactor,
            config: Object.fromEntries(t.config) as Record<string, ConfigValue>,
          })),
          // The transaction log, created (as Kafka does on first use) when the scenario has transactional producers.
          ...(s.transactional
            ? [
                {
                  name: TRANSACTION_STATE_TOPIC,
                  partitions: num("transaction.state.log.num.partitions"),
                  replicationFactor: num("transaction.state.log.replication.factor"),
                  config: { "min.insync.replicas": num("transaction.state.log.min.isr"), "unclean.leader.election.enable": false } as Record<string, ConfigValue>,
                },
              ]
            : []),
          // The offsets topic, when some client uses a consumer group (the group coordinator's log).
          ...(s.usesGroups
            ? [
                {
                  name: CONSUMER_OFFSETS_TOPIC,
                  partitions: num("offsets.topic.num.partitions"),
                  replicationFactor: num("offsets.topic.replication.factor"),
                  config: { "min.insync.replicas": 1, "unclean.leader.election.enable": false } as Record<string, ConfigValue>,
                },
              ]
            : []),
        ],
        brokerSessionTimeoutMs: num("broker.session.timeout.ms"),
        uncleanLeaderElectionEnable: c.get("unclean.leader.election.enable") as boolean,
      }),
    );
  const settings = brokerSettings(c, s.simulator.legacyHighWatermarkTruncation);
  s.brokers.forEach((name, i) =>
    sim.addActor(
      name,
      brokerActor({
        settings,
        controllers: s.controllers,
        brokerIndex: i + 1,
        controllerRequestTimeoutMs: num("controller.quorum.request.timeout.ms"),
        offsetsNumPartitions: num("offsets.topic.num.partitions"),
        groups: {
          initialRebalanceDelayMs: num("group.initial.rebalance.delay.ms"),
          minSessionTimeoutMs: num("group.min.session.timeout.ms"),
          maxSessionTimeoutMs: num("group.max.session.timeout.ms"),
          consumerGroups: {
            sessionTimeoutMs: num("group.consumer.session.timeout.ms"),
            heartbeatIntervalMs: num("group.consumer.heartbeat.interval.ms"),
            assignors: c.get("group.consumer.assignors") as string[],
          },
        },
        transactions: {
          numPartitions: num("transaction.state.log.num.partitions"),
          maxTimeoutMs: num("transaction.max.timeout.ms"),
          cleanupIntervalMs: num("transaction.abort.timed.out.transaction.cleanup.interval.ms"),
          verification: c.get("transaction.partition.verification.enable") as boolean,
          transactionVersion: s.features.transactionVersion,
        },
      }),
    ),
  );
  for (const cl of s.clients) {
    const startUs = Math.round(cl.startMs * 1000);
    if (cl.kind === "producer")
      sim.addActor(cl.id, producerWorkloadActor(s.brokers, producerSettings(cl.config, cl.explicit), { ...cl.workload, stopMs: cl.stopMs }, history), startUs);
    else if (cl.kind === "transactional-producer")
      sim.addActor(cl.id, transactionalWorkloadActor(s.brokers, producerSettings(cl.config, cl.explicit), { ...cl.workload, stopMs: cl.stopMs }, history), startUs);
    else if (cl.kind === "group-consumer") {
      // A read-process-write app's producer: transactional, Kafka defaults otherwise.
      const out = cl.workload.output;
      const producer = out ? producerSettings(PRODUCER_CONFIG.resolve({ "transactional.id": out.transactionalId }), new Set(["transactional.id"])) : null;
      sim.addActor(cl.id, groupConsumerWorkloadActor(s.brokers, consumerSettings(cl.config), producer, { ...cl.workload, stopMs: cl.stopMs }, history), startUs);
    } else sim.addActor(cl.id, consumerWorkloadActor(s.brokers, consumerSettings(cl.config), { ...cl.workload, stopMs: cl.stopMs }, history), startUs);
  }
}

/**
 * Role names a fault may target instead of an actor, resolved when the fault fires: `active-controller` (the KRaft
 * leader) and `leader:<topic>-<partition>` (that partition's leader as the active controller records it).
 */
export function kafkaRoles(world: World): (name: string) => string | undefined {
  const active = (): ControllerActor | undefined => {
    for (const c of world.scenario.controllers) {
      const a = world.sim.actorOf<ControllerActor>(c);
      if (a?.inspect().isActive) return a;
    }
    return undefined;
  };
  return (name) => {
    if (name === "active-controller") {
      for (const c of world.scenario.controllers) if (world.sim.actorOf<ControllerActor>(c)?.inspect().isActive) return c;
      return undefined;
    }
    const m = /^leader:(.+)-(\d+)$/.exec(name);
    if (m) return active()?.inspect().leaderOf(m[1], Number(m[2])) ?? undefined;
    return undefined;
  };
}

/** Whether a fault target names a role rather than an actor (for validation). */
export function isKafkaRole(name: string, topics: { name: string; partitions: number }[]): boolean {
  if (name === "active-controller") return true;
  const m = /^leader:(.+)-(\d+)$/.exec(name);
  return m !== null && topics.some((t) => t.name === m[1] && Number(m[2]) < t.partitions);
}

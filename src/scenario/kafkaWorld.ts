import { brokerActor } from "../kafka/broker/broker.js";
import { ClientCpu } from "../kafka/client/clientCpu.js";
import { BrokerRequestMetrics } from "../kafka/broker/requestMetrics.js";
import { type RequestPathSettings, ZERO_BROKER_CPU } from "../kafka/broker/requestPath.js";
import { brokerSettings } from "../kafka/broker/brokerSettings.js";
import { controllerActor } from "../kafka/controller/controller.js";
import { CONSUMER_OFFSETS_TOPIC } from "../kafka/coordinator/offsetLog.js";
import { TRANSACTION_STATE_TOPIC } from "../kafka/coordinator/transactionLog.js";
import { BlockDevice, type Simulation } from "../sim/index.js";
import { consumerWorkloadActor } from "../workload/consumerWorkload.js";
import { groupConsumerWorkloadActor } from "../workload/groupConsumerWorkload.js";
import type { History } from "../workload/history.js";
import { producerWorkloadActor } from "../workload/producerWorkload.js";
import { transactionalWorkloadActor } from "../workload/transactionalWorkload.js";
import type { ResolvedClient, ResolvedScenario } from "./resolved.js";

/**
 * Adds the scenario's KRaft controllers, brokers and Kafka clients to the simulation; clients record to `history`.
 * With `sendUntilMs` (a run with a liveness phase), producers send nothing new from then on (what they have in
 * flight still completes); consumers keep reading, so their groups can drain their lag.
 */
export function addKafkaCluster(sim: Simulation, s: ResolvedScenario, history: History, sendUntilMs: number | null = null, clientCpus: Map<string, ClientCpu> = new Map()): Map<string, BrokerRequestMetrics> {
  const brokerMetrics = new Map<string, BrokerRequestMetrics>();
  if (s.brokers.length === 0) return brokerMetrics;
  const c = s.brokerConfig;
  const snapshotPolicy = { maxBytesBetweenSnapshots: c["metadata.log.max.record.bytes.between.snapshots"], maxIntervalMs: c["metadata.log.max.snapshot.interval.ms"] };
  for (const name of s.controllers)
    sim.addActor(
      name,
      controllerActor({
        raft: {
          voters: s.controllers,
          electionTimeoutMs: c["controller.quorum.election.timeout.ms"],
          fetchTimeoutMs: c["controller.quorum.fetch.timeout.ms"],
          electionBackoffMaxMs: c["controller.quorum.election.backoff.max.ms"],
          requestTimeoutMs: c["controller.quorum.request.timeout.ms"],
          retryBackoffMs: c["controller.quorum.retry.backoff.ms"],
          fetchMaxWaitMs: 500,
          retention: { retentionBytes: c["metadata.max.retention.bytes"], retentionMs: c["metadata.max.retention.ms"] },
        },
        brokers: s.brokers,
        topics: [
          ...s.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions,
            replicationFactor: t.replicationFactor,
            config: t.config,
          })),
          // The transaction log, created (as Kafka does on first use) when the scenario has transactional producers.
          ...(s.transactional
            ? [
                {
                  name: TRANSACTION_STATE_TOPIC,
                  partitions: c["transaction.state.log.num.partitions"],
                  replicationFactor: c["transaction.state.log.replication.factor"],
                  config: { "min.insync.replicas": c["transaction.state.log.min.isr"], "unclean.leader.election.enable": false },
                },
              ]
            : []),
          // The offsets topic, when some client uses a consumer group (the group coordinator's log).
          ...(s.usesGroups
            ? [
                {
                  name: CONSUMER_OFFSETS_TOPIC,
                  partitions: c["offsets.topic.num.partitions"],
                  replicationFactor: c["offsets.topic.replication.factor"],
                  config: { "min.insync.replicas": 1, "unclean.leader.election.enable": false },
                },
              ]
            : []),
        ],
        brokerSessionTimeoutMs: c["broker.session.timeout.ms"],
        uncleanLeaderElectionEnable: c["unclean.leader.election.enable"],
        uncleanLeaderElectionCheckIntervalMs: c["unclean.leader.election.interval.ms"],
        leaderImbalanceCheckIntervalMs: c["auto.leader.rebalance.enable"] ? c["leader.imbalance.check.interval.seconds"] * 1000 : null,
        connectionSetupTimeoutMs: c["socket.connection.setup.timeout.ms"],
        connectionSetupTimeoutMaxMs: c["socket.connection.setup.timeout.max.ms"],
        minInsyncReplicas: c["min.insync.replicas"],
        eligibleLeaderReplicasEnabled: s.features.eligibleLeaderReplicasVersion >= 1,
        snapshots: snapshotPolicy,
      }),
    );
  const settings = brokerSettings(c, s.simulator.legacyHighWatermarkTruncation);
  // A disk needs the request path's threads (its fsyncs and throttled appends hold an I/O thread): without
  // brokerCpu they are there at no CPU cost.
  const cpu = s.capacity?.brokerCpu ?? ((s.capacity?.disks?.length ?? 0) > 0 ? ZERO_BROKER_CPU : null);
  const disks = new Map((s.capacity?.disks ?? []).map(({ name, disk }) => [name, disk]));
  const pathSettings: RequestPathSettings | null = cpu ? { numNetworkThreads: c["num.network.threads"], numIoThreads: c["num.io.threads"], queuedMaxRequests: c["queued.max.requests"], cpu } : null;
  s.brokers.forEach((name, i) => {
    // With `capacity:`, each broker's requests go through its request path (measured; timed with brokerCpu).
    let requestPath: { settings: RequestPathSettings | null; metrics: BrokerRequestMetrics } | undefined;
    if (s.capacity) {
      const metrics = new BrokerRequestMetrics(pathSettings?.numNetworkThreads ?? 0, pathSettings?.numIoThreads ?? 0);
      const diskSettings = disks.get(name);
      // The host's disk outlives the broker's restarts (the metrics hold it, for the run's figures).
      if (diskSettings) metrics.disk = new BlockDevice(diskSettings);
      brokerMetrics.set(name, metrics);
      requestPath = { settings: pathSettings, metrics };
    }
    sim.addActor(
      name,
      brokerActor({
        settings,
        ...(requestPath ? { requestPath } : {}),
        ...(requestPath?.metrics.disk ? { disk: requestPath.metrics.disk } : {}),
        controllers: s.controllers,
        brokerIndex: i + 1,
        controllerRequestTimeoutMs: c["controller.quorum.request.timeout.ms"],
        snapshots: snapshotPolicy,
        offsetsNumPartitions: c["offsets.topic.num.partitions"],
        groups: {
          initialRebalanceDelayMs: c["group.initial.rebalance.delay.ms"],
          minSessionTimeoutMs: c["group.min.session.timeout.ms"],
          maxSessionTimeoutMs: c["group.max.session.timeout.ms"],
          classicGroupMaxSize: c["group.max.size"],
          offsetsRetentionMs: c["offsets.retention.minutes"] * 60 * 1000,
          offsetsRetentionCheckIntervalMs: c["offsets.retention.check.interval.ms"],
          consumerGroups: {
            sessionTimeoutMs: c["group.consumer.session.timeout.ms"],
            heartbeatIntervalMs: c["group.consumer.heartbeat.interval.ms"],
            assignors: c["group.consumer.assignors"],
            maxSize: c["group.consumer.max.size"],
          },
        },
        transactions: {
          numPartitions: c["transaction.state.log.num.partitions"],
          maxTimeoutMs: c["transaction.max.timeout.ms"],
          cleanupIntervalMs: c["transaction.abort.timed.out.transaction.cleanup.interval.ms"],
          transactionalIdExpirationMs: c["transactional.id.expiration.ms"],
          removeExpiredIntervalMs: c["transaction.remove.expired.transaction.cleanup.interval.ms"],
          verification: c["transaction.partition.verification.enable"],
          transactionVersion: s.features.transactionVersion,
        },
      }),
    );
  });
  const sendStop = (stopMs: number | null) => (sendUntilMs === null ? stopMs : Math.min(stopMs ?? sendUntilMs, sendUntilMs));
  for (const client of s.clients) {
    const cl = s.capacity?.clientCpu ? withClientCpu(client, clientCpus) : client;
    const startUs = Math.round(cl.startMs * 1000);
    if (cl.kind === "producer") sim.addActor(cl.id, producerWorkloadActor(s.brokers, cl.settings, { ...cl.workload, stopMs: sendStop(cl.stopMs) }, history), startUs);
    else if (cl.kind === "transactional-producer") sim.addActor(cl.id, transactionalWorkloadActor(s.brokers, cl.settings, { ...cl.workload, stopMs: sendStop(cl.stopMs) }, history), startUs);
    else if (cl.kind === "group-consumer") sim.addActor(cl.id, groupConsumerWorkloadActor(s.brokers, cl.settings, cl.outputProducer, { ...cl.workload, stopMs: cl.stopMs }, history), startUs);
    else sim.addActor(cl.id, consumerWorkloadActor(s.brokers, cl.settings, { ...cl.workload, stopMs: cl.stopMs }, history), startUs);
  }
  return brokerMetrics;
}

/**
 * `capacity.clientCpu`: the client with a CPU of its own for its codecs (a fresh ClientCpu per run, recorded in
 * `clientCpus` by client id; a group consumer's output producer shares its application's CPU). The resolved client
 * is copied, never changed: a scenario may be run again.
 */
function withClientCpu(cl: ResolvedClient, clientCpus: Map<string, ClientCpu>): ResolvedClient {
  const cpu = new ClientCpu();
  clientCpus.set(cl.id, cpu);
  if (cl.kind === "group-consumer") return { ...cl, settings: { ...cl.settings, cpu }, outputProducer: cl.outputProducer ? { ...cl.outputProducer, cpu } : null };
  if (cl.kind === "consumer") return { ...cl, settings: { ...cl.settings, cpu } };
  return { ...cl, settings: { ...cl.settings, cpu } };
}

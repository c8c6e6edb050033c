import { type BrokerSettings, brokerSettings } from "../../src/kafka/broker/brokerSettings.js";
import { ReplicaManager } from "../../src/kafka/broker/replicaManager.js";
import { BROKER_CONFIG } from "../../src/kafka/config/brokerConfig.js";
import type { RecordBatch } from "../../src/kafka/log/recordBatch.js";
import { MetadataImage } from "../../src/kafka/metadata/metadataImage.js";
import { NetworkClient } from "../../src/kafka/network/networkClient.js";
import type { ActorContext } from "../../src/sim/index.js";
import { fakeContext } from "./fakeContext.js";

/**
 * A ReplicaManager on `ctx` with `settings`, its replica fetchers on a NetworkClient of their own (no reconnect
 * back-off, unbounded in-flight requests, replica.socket.timeout.ms as the request timeout) taking correlation ids
 * from `nextCorrelationId`; ISR changes go nowhere.
 */
export function newReplicaManager(ctx: ActorContext, settings: BrokerSettings, image = new MetadataImage(), nextCorrelationId = counter()): ReplicaManager {
  const fetcherClient = new NetworkClient(
    ctx,
    { name: "replica-fetcher", requestTimeoutMs: settings.replicaSocketTimeoutMs, reconnectBackoffMs: 0, reconnectBackoffMaxMs: 0, connectionSetupTimeoutMs: settings.connectionSetupTimeoutMs, connectionSetupTimeoutMaxMs: settings.connectionSetupTimeoutMaxMs, maxInFlightRequestsPerConnection: Infinity },
    nextCorrelationId,
  );
  return new ReplicaManager({ ctx, settings, image, fetcherClient, alterPartition: () => {} });
}

/**
 * One broker's ReplicaManager driven directly: broker-1 leads `t-0` (replicas broker-1..3 unless told) in leader
 * epoch 1, with Kafka's default broker settings. Requests go in through its handlers (on the connection `conn(peer)`), answers are read from `sent`.
 */
export function replicaManagerHarness(opts: { replicas?: string[]; isr?: string[]; leaderEpoch?: number } = {}) {
  const f = fakeContext("broker-1");
  const image = new MetadataImage();
  const settings = brokerSettings(BROKER_CONFIG.resolve({}), false);
  const nextCorrelationId = counter();
  const rm = newReplicaManager(f.ctx, settings, image, nextCorrelationId);
  const replicas = opts.replicas ?? ["broker-1", "broker-2", "broker-3"];
  rm.applyPartitionState({ topic: "t", partition: 0, replicas, isr: opts.isr ?? replicas, leader: "broker-1", leaderEpoch: opts.leaderEpoch ?? 1, partitionEpoch: 1 });
  const p = rm.partition("t-0")!;
  return {
    ...f,
    rm,
    p,
    nextCorrelationId,
    /** Appends a batch of these values as the leader, acks=1. */
    append(values: string[], batch: Partial<Omit<RecordBatch, "baseOffset" | "leaderEpoch">> = {}) {
      rm.appendRecords(p, { producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: values.map((value) => ({ key: null, value })), sizeBytes: 100, ...batch }, 1, 30000, -1, "app", () => {});
    },
  };
}

/** 1, 2, 3, ...: a correlation id source. */
function counter(): () => number {
  let n = 0;
  return () => ++n;
}

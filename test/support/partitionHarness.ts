import { BROKER_CONFIG } from "../../src/kafka/config/brokerConfig.js";
import { brokerSettings, type LogDefaults } from "../../src/kafka/broker/brokerSettings.js";
import { Partition, type PartitionHost } from "../../src/kafka/broker/partition.js";
import type { RecordBatch } from "../../src/kafka/log/recordBatch.js";
import type { PartitionState } from "../../src/kafka/metadata/records.js";
import { DelayedFetchPurgatory } from "../../src/kafka/broker/delayedFetch.js";
import type { ConsumerFetchRequest, FetchPartition, FetchRequest } from "../../src/kafka/protocol/messages.js";
import type { BlockDevice, Disk } from "../../src/sim/index.js";
import { LogDirDisk } from "../../src/kafka/broker/logDirDisk.js";
import { FakeContext } from "./fakeContext.js";

/** The replicas of the partition under test, "t-0": broker-1 first. */
export const REPLICAS = ["broker-1", "broker-2", "broker-3"];

/** Partition t-0's state as the metadata log would give it: led by broker-1 at leader epoch 1 unless said. */
export function partitionState(o: Partial<PartitionState> = {}): PartitionState {
  return { topic: "t", partition: 0, replicas: REPLICAS, isr: REPLICAS, leader: "broker-1", leaderEpoch: 1, partitionEpoch: 1, ...o };
}

/** A plain (non-idempotent) batch of the given values, as a leader append takes it. */
export function plainBatch(values: string[]): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> {
  return { producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: values.map((value) => ({ key: null, value })), sizeBytes: 100 };
}

/** Partition t-0 (or `partition` of "t") in a Fetch, from `fetchOffset`, at `currentLeaderEpoch`. */
export function fetchPartition(fetchOffset: number, currentLeaderEpoch: number, partition = 0, partitionMaxBytes = 1048576): FetchPartition {
  return { topic: "t", partition, currentLeaderEpoch, fetchOffset, partitionMaxBytes };
}

/** A follower's Fetch of t-0 from `fetchOffset`, at `currentLeaderEpoch`. */
export function followerFetch(replicaId: string, fetchOffset: number, currentLeaderEpoch: number, maxWaitMs = 500): FetchRequest {
  return { type: "Fetch", correlationId: 1, replicaId, maxWaitMs, minBytes: 1, maxBytes: 10485760, partitions: [fetchPartition(fetchOffset, currentLeaderEpoch)] };
}

/** A consumer's Fetch of t-0 (replica id -1). */
export function consumerFetch(fetchOffset: number, isolationLevel: ConsumerFetchRequest["isolationLevel"] = "read_uncommitted", maxWaitMs = 500): ConsumerFetchRequest {
  return { type: "Fetch", replicaId: -1, correlationId: 2, maxWaitMs, minBytes: 1, maxBytes: 52428800, isolationLevel, partitions: [fetchPartition(fetchOffset, -1)] };
}

/**
 * One Partition of topic "t" on one broker with a fake ReplicaManager around it: the clock is a `FakeContext`,
 * min.insync.replicas and the flush interval are the test's, brokers in `fenced` are not active (fenced or shutting
 * down), and AlterPartition requests are recorded in `alters` instead of going to a controller. `log` overrides the
 * topic's log config (compression.type, cleanup.policy, ...); `topic` names another topic than "t" (an internal one);
 * the CPU and disk time an append charges its I/O thread (PartitionHost.chargeIoNs) is recorded in `ioNs` (with
 * `chargeIo: false` the host has no chargeIoNs, as a broker without a request path);
 * `blockDevice` is the host's disk under the log directory (`capacity.disk`; none: writes cost nothing).
 */
export class PartitionHarness {
  readonly ctx: FakeContext;
  readonly alters: string[][] = [];
  readonly fenced = new Set<string>();
  /** Every charge of ns to the I/O thread handling the request (codec CPU, page-cache writes, fsyncs), in order. */
  readonly ioNs: number[] = [];
  minIsr: number;
  flushMessages: number;
  readonly p: Partition;
  /** The broker's fetch purgatory, holding fetches parked on this partition. */
  readonly delayedFetches: DelayedFetchPurgatory;

  constructor(opts: { broker?: string; minIsr?: number; lagMs?: number; flushMessages?: number; disk?: Disk; maxMessageBytes?: number; log?: Partial<LogDefaults>; topic?: string; blockDevice?: BlockDevice; chargeIo?: false } = {}) {
    this.ctx = new FakeContext(opts.broker ?? "broker-1", opts.disk);
    this.minIsr = opts.minIsr ?? 1;
    this.flushMessages = opts.flushMessages ?? Number.MAX_SAFE_INTEGER;
    const settings = brokerSettings(
      BROKER_CONFIG.resolve({ "replica.lag.time.max.ms": opts.lagMs ?? 10_000, ...(opts.maxMessageBytes !== undefined ? { "message.max.bytes": opts.maxMessageBytes } : {}) }),
      false,
    );
    const host: PartitionHost = {
      ctx: this.ctx,
      settings,
      logConfig: () => ({ ...settings.log, ...opts.log }),
      minIsr: (_topic, replicationFactor) => Math.min(this.minIsr, replicationFactor),
      flushMessages: () => this.flushMessages,
      isReplicaIsrEligible: (b) => !this.fenced.has(b),
      sendAlterPartition: (_p, newIsr) => this.alters.push(newIsr),
      tryCompleteDelayedFetch: (key) => this.delayedFetches.checkAndComplete(key),
      ...(opts.chargeIo === false ? {} : { chargeIoNs: (ns: number) => this.ioNs.push(ns) }),
      ...(opts.blockDevice ? { disk: new LogDirDisk(opts.blockDevice, () => this.ctx.nowUs) } : {}),
    };
    this.delayedFetches = new DelayedFetchPurgatory({ ctx: this.ctx, source: (key) => (key === this.p.key ? this.p : undefined), knowsTopic: (topic) => topic === "t", brokerFetchMaxBytes: 57671680 });
    this.p = new Partition(opts.topic ?? "t", 0, host);
  }

  /** Appends plain records as leader with acks=all; returns the outcome. */
  produce(values: string[], acks: -1 | 0 | 1 = -1) {
    return this.p.appendRecordsToLeader(plainBatch(values), acks, -1, "app");
  }

  /** A follower's fetch at the leader's current epoch. */
  fetch(replica: string, offset: number) {
    return this.p.fetchRecordsForFollower(replica, fetchPartition(offset, this.p.leaderEpoch));
  }
}

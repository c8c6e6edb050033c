import { describe, expect, it } from "vitest";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import { BlockDevice } from "../../../src/sim/index.js";
import { fetchPartition, PartitionHarness, partitionState, plainBatch } from "../../support/partitionHarness.js";

/**
 * What a partition leader does beside replicating (Kafka `core/.../cluster/Partition.scala`), driven with the fake
 * ReplicaManager of test/support/partitionHarness.ts: DeleteRecords (Partition.deleteRecordsOnLeader), the
 * validation an append goes through before it is written (UnifiedLog.analyzeAndValidateRecords, LogValidator), the
 * time an append costs its I/O thread, a follower fetch below the log start, a reassignment that adds a replica
 * (Partition.updateAssignmentAndIsr) and whether the HW may wait for a replica outside the ISR
 * (Partition.shouldWaitForReplicaToJoinIsr). partition.test.ts holds the replication rules themselves.
 */

const TWO = ["broker-1", "broker-2"];
const THREE = ["broker-1", "broker-2", "broker-3"];

type Batch = Omit<RecordBatch, "baseOffset" | "leaderEpoch">;

/** broker-1 leading t-0 (epoch 1) over `replicas` with `isr`, `records` plain records appended with acks=1. */
function leaderOf(h: PartitionHarness, opts: { replicas?: string[]; isr?: string[]; records?: number } = {}): PartitionHarness {
  const replicas = opts.replicas ?? TWO;
  h.p.applyState(partitionState({ replicas, isr: opts.isr ?? replicas }));
  if (opts.records) h.produce(Array.from({ length: opts.records }, (_, i) => `r${i}`), 1);
  return h;
}

describe("DeleteRecords on the leader (Partition.deleteRecordsOnLeader)", () => {
  it("moves the log start to the offset asked, at most the HW, and answers the new log start", () => {
    // UnifiedLog.maybeIncrementLogStartOffset, reason ClientRecordDeletion.
    const h = leaderOf(new PartitionHarness(), { isr: ["broker-1"], records: 5 });
    expect(h.p.highWatermark).toBe(5);
    expect(h.p.deleteRecordsOnLeader(3)).toEqual({ error: "NONE", lowWatermark: 3 });
    expect(h.p.log.logStartOffset).toBe(3);
    expect(h.ctx.tracesOf("log.start-offset").map((t) => t.data)).toEqual([{ tp: "t-0", oldLogStartOffset: 0, logStartOffset: 3, reason: "DeleteRecords" }]);
    expect(h.p.deleteRecordsOnLeader(5)).toEqual({ error: "NONE", lowWatermark: 5 });
  });

  it("-1 (DeleteRecordsRequest.HIGH_WATERMARK) deletes up to the high watermark", () => {
    const h = leaderOf(new PartitionHarness(), { records: 4 });
    h.fetch("broker-2", 2);
    expect(h.p.highWatermark).toBe(2);
    expect(h.p.deleteRecordsOnLeader(-1)).toEqual({ error: "NONE", lowWatermark: 2 });
  });

  it("an offset above the HW, or another negative one, is OFFSET_OUT_OF_RANGE and deletes nothing", () => {
    // Partition.deleteRecordsOnLeader: convertedOffset < 0 → OffsetOutOfRangeException; UnifiedLog.maybeIncrementLogStartOffset:
    // "Cannot increment the log start offset ... since it is larger than the high watermark" → OffsetOutOfRangeException.
    const h = leaderOf(new PartitionHarness(), { records: 4 });
    h.fetch("broker-2", 2);
    expect(h.p.deleteRecordsOnLeader(3)).toEqual({ error: "OFFSET_OUT_OF_RANGE", lowWatermark: -1 });
    expect(h.p.deleteRecordsOnLeader(-2)).toEqual({ error: "OFFSET_OUT_OF_RANGE", lowWatermark: -1 });
    expect(h.p.log.logStartOffset).toBe(0);
    expect(h.ctx.tracesOf("log.start-offset")).toEqual([]);
  });

  it("an offset below the log start moves nothing back and is not traced: the answer is the log start as it is", () => {
    const h = leaderOf(new PartitionHarness(), { isr: ["broker-1"], records: 4 });
    h.p.deleteRecordsOnLeader(3);
    expect(h.p.deleteRecordsOnLeader(1)).toEqual({ error: "NONE", lowWatermark: 3 });
    expect(h.p.deleteRecordsOnLeader(0)).toEqual({ error: "NONE", lowWatermark: 3 });
    expect(h.ctx.tracesOf("log.start-offset")).toHaveLength(1);
  });

  it("a replica that is not the leader deletes nothing: NOT_LEADER_OR_FOLLOWER", () => {
    const h = new PartitionHarness({ broker: "broker-2" });
    h.p.applyState(partitionState());
    expect(h.p.deleteRecordsOnLeader(0)).toEqual({ error: "NOT_LEADER_OR_FOLLOWER", lowWatermark: -1 });
  });

  it("a topic whose cleanup.policy has no `delete` refuses it with POLICY_VIOLATION and deletes nothing", () => {
    // Partition.deleteRecordsOnLeader: `if (!leaderLog.config.delete) throw new PolicyViolationException(...)`, before
    // the offset is looked at; ReplicaManager.deleteRecordsOnLocalLog answers the partition with that error.
    const h = leaderOf(new PartitionHarness({ log: { compact: true, delete: false } }), { isr: ["broker-1"], records: 4 });
    expect(h.p.deleteRecordsOnLeader(2)).toEqual({ error: "POLICY_VIOLATION", lowWatermark: -1 });
    expect(h.p.log.logStartOffset).toBe(0);
  });
});

describe("an append's validation before it is written (UnifiedLog.analyzeAndValidateRecords, LogValidator)", () => {
  it("a topic with compression.type gzip stores a producer's uncompressed batch recompressed, and charges the codec's CPU", () => {
    // BrokerCompressionType.targetCompression: the topic's codec wins over the producer's; LogValidator builds a new
    // batch (not inPlaceAssignment) whose size is the compressed one. The CPU is charged to the I/O thread.
    const h = leaderOf(new PartitionHarness({ log: { compressionType: "gzip" } }), { isr: ["broker-1"] });
    const batch: Batch = { ...plainBatch(["a", "b"]), sizeBytes: 10_061 };
    expect(h.p.appendRecordsToLeader(batch, 1, -1, "app")).toEqual({ ok: true, baseOffset: 0, lastOffset: 1 });
    const stored = h.p.log.batches[0];
    expect(stored.compression).toBe("gzip");
    expect(stored.sizeBytes).toBe(61 + Math.ceil(10_000 / 2.743));
    expect(h.ioNs).toHaveLength(1);
    expect(h.ioNs[0]).toBeCloseTo(10_000 * (1000 / 95), 0);
  });

  it("a batch whose recompressed size exceeds max.message.bytes is refused after recompression: MESSAGE_TOO_LARGE", () => {
    // UnifiedLog.append: `if (validateAndOffsetAssignResult.messageSizeMaybeChanged)` every batch is checked against
    // max.message.bytes again. A zstd batch of 461 bytes holds ~1,155 bytes of records; stored uncompressed it is larger.
    const h = leaderOf(new PartitionHarness({ maxMessageBytes: 1000, log: { compressionType: "uncompressed" } }), { isr: ["broker-1"] });
    const zstd: Batch = { ...plainBatch(["a"]), compression: "zstd", sizeBytes: 461 };
    expect(h.p.appendRecordsToLeader(zstd, 1, -1, "app")).toEqual({ ok: false, error: "MESSAGE_TOO_LARGE" });
    expect(h.p.log.logEndOffset).toBe(0);
    const rejected = h.ctx.tracesOf("partition.reject-produce").map((t) => t.data);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ error: "MESSAGE_TOO_LARGE", maxMessageBytes: 1000 });
    expect(rejected[0].sizeBytes as number).toBeGreaterThan(1000);
    // The decompression was done (and paid for) before the size check refused it.
    expect(h.ioNs).toHaveLength(1);
    // Within the limit once recompressed, it is stored uncompressed.
    const small: Batch = { ...plainBatch(["a"]), compression: "zstd", sizeBytes: 300 };
    expect(h.p.appendRecordsToLeader(small, 1, -1, "app")).toMatchObject({ ok: true, baseOffset: 0 });
    expect(h.p.log.batches[0].compression).toBeUndefined();
    expect(h.p.log.batches[0].sizeBytes).toBeLessThanOrEqual(1000);
  });

  it("a topic in a legacy message format refuses idempotent and transactional batches: UNSUPPORTED_FOR_MESSAGE_FORMAT", () => {
    // LogValidator.validateBatch (Kafka 0.11-3.x): magic 0 and 1 have no producer id, epoch or sequence, so a batch
    // carrying one is refused ("Idempotent records cannot be used with magic version 1"); a plain batch is written.
    const h = leaderOf(new PartitionHarness({ log: { recordMagic: 1 } }), { isr: ["broker-1"] });
    const idempotent: Batch = { ...plainBatch(["a"]), producerId: 7, producerEpoch: 0, baseSequence: 0 };
    expect(h.p.appendRecordsToLeader(idempotent, 1, -1, "app")).toEqual({ ok: false, error: "UNSUPPORTED_FOR_MESSAGE_FORMAT" });
    expect(h.p.appendRecordsToLeader({ ...idempotent, isTransactional: true }, 1, -1, "app")).toEqual({ ok: false, error: "UNSUPPORTED_FOR_MESSAGE_FORMAT" });
    expect(h.ctx.tracesOf("partition.reject-produce").map((t) => t.data.reason)).toEqual(["Idempotent records cannot be used with magic version 1", "Transactional records cannot be used with magic version 1"]);
    expect(h.p.log.logEndOffset).toBe(0);
    expect(h.p.appendRecordsToLeader(plainBatch(["b"]), 1, -1, "app")).toMatchObject({ ok: true, baseOffset: 0 });
    // From 0.11.0 on (magic 2) the same idempotent batch is written.
    const v2 = leaderOf(new PartitionHarness({ log: { recordMagic: 2 } }), { isr: ["broker-1"] });
    expect(v2.p.appendRecordsToLeader(idempotent, 1, -1, "app")).toMatchObject({ ok: true, baseOffset: 0 });
  });

  it("a recompressed batch exactly at max.message.bytes is appended (the limit is inclusive)", () => {
    // UnifiedLog.append: `if (batch.sizeInBytes > config.maxMessageSize)` refuses only what is larger.
    const probe = leaderOf(new PartitionHarness({ log: { compressionType: "uncompressed" } }), { isr: ["broker-1"] });
    const zstd: Batch = { ...plainBatch(["a"]), compression: "zstd", sizeBytes: 300 };
    probe.p.appendRecordsToLeader(zstd, 1, -1, "app");
    const storedBytes = probe.p.log.batches[0].sizeBytes;
    expect(storedBytes).toBeGreaterThan(300);
    const h = leaderOf(new PartitionHarness({ maxMessageBytes: storedBytes, log: { compressionType: "uncompressed" } }), { isr: ["broker-1"] });
    expect(h.p.appendRecordsToLeader(zstd, 1, -1, "app")).toMatchObject({ ok: true, baseOffset: 0 });
    const over = leaderOf(new PartitionHarness({ maxMessageBytes: storedBytes - 1, log: { compressionType: "uncompressed" } }), { isr: ["broker-1"] });
    expect(over.p.appendRecordsToLeader(zstd, 1, -1, "app")).toEqual({ ok: false, error: "MESSAGE_TOO_LARGE" });
  });

  it("a broker with no request path to charge (no chargeIoNs) still recompresses and appends", () => {
    const h = leaderOf(new PartitionHarness({ chargeIo: false, flushMessages: 1, blockDevice: new BlockDevice({ writeBytesPerSec: 1e6, fsyncUs: 40, dirtyLimitBytes: 1 }), log: { compressionType: "gzip" } }), { isr: ["broker-1"] });
    expect(h.produce(["a"], 1)).toMatchObject({ ok: true, baseOffset: 0 });
    expect(h.p.log.batches[0].compression).toBe("gzip");
  });

  it("an internal topic (__consumer_offsets) keeps the codec its writer sent, whatever the broker's compression.type", () => {
    // Kafka creates its internal topics with their own compression.type; the model leaves their batches untouched.
    const h = leaderOf(new PartitionHarness({ topic: "__consumer_offsets", log: { compressionType: "gzip" } }), { isr: ["broker-1"] });
    const batch: Batch = { ...plainBatch(["offset"]), sizeBytes: 1061 };
    expect(h.p.appendRecordsToLeader(batch, 1, -1, "group-coordinator")).toMatchObject({ ok: true });
    expect(h.p.log.batches[0].compression).toBeUndefined();
    expect(h.p.log.batches[0].sizeBytes).toBe(1061);
    expect(h.ioNs).toEqual([]);
  });

  it("an uncompressed batch on a topic that keeps the producer's codec costs no CPU", () => {
    // LogValidator.assignOffsetsNonCompressed: validated in place.
    const h = leaderOf(new PartitionHarness(), { isr: ["broker-1"] });
    h.produce(["a"], 1);
    expect(h.ioNs).toEqual([]);
  });

  it("a compacted topic refuses a record without a key: INVALID_RECORD, nothing written", () => {
    // LogValidator.validateKey: "Compacted topic cannot accept message without key" (InvalidRecordException).
    const h = leaderOf(new PartitionHarness({ log: { compact: true } }), { isr: ["broker-1"] });
    expect(h.produce(["no key"], 1)).toEqual({ ok: false, error: "INVALID_RECORD" });
    expect(h.p.log.logEndOffset).toBe(0);
    expect(h.ctx.tracesOf("partition.reject-produce").map((t) => t.data)).toEqual([
      { tp: "t-0", error: "INVALID_RECORD", reason: "Compacted topic cannot accept message without key (record 0)" },
    ]);
    const keyed: Batch = { ...plainBatch([]), records: [{ key: "k", value: "v" }] };
    expect(h.p.appendRecordsToLeader(keyed, 1, -1, "app")).toMatchObject({ ok: true, baseOffset: 0 });
    // The same keyless record on a topic that is not compacted is fine.
    const plain = leaderOf(new PartitionHarness(), { isr: ["broker-1"] });
    expect(plain.produce(["no key"], 1)).toMatchObject({ ok: true });
  });

  it("a producer the partition has no state for is accepted at any sequence, and traced as where idempotence ends", () => {
    // ProducerAppendInfo.checkSequence with no entry for the producer: any sequence goes (KIP-360).
    const h = leaderOf(new PartitionHarness(), { isr: ["broker-1"] });
    const batch: Batch = { producerId: 9, producerEpoch: 2, baseSequence: 42, isTransactional: false, isControl: false, records: [{ key: null, value: "x" }], sizeBytes: 100 };
    expect(h.p.appendRecordsToLeader(batch, 1, -1, "app")).toMatchObject({ ok: true, baseOffset: 0 });
    expect(h.ctx.tracesOf("partition.unknown-producer").map((t) => t.data)).toEqual([{ tp: "t-0", producerId: 9, producerEpoch: 2, baseSequence: 42, logStartOffset: 0 }]);
    // Its next batch continues a known producer; a new producer starting at sequence 0, or a plain batch, is not traced.
    h.p.appendRecordsToLeader({ ...batch, baseSequence: 43 }, 1, -1, "app");
    h.p.appendRecordsToLeader({ ...batch, producerId: 10, baseSequence: 0 }, 1, -1, "app");
    // Producer id 0 is a producer id like any other (the first one a cluster hands out).
    h.p.appendRecordsToLeader({ ...batch, producerId: 0, baseSequence: 5 }, 1, -1, "app");
    h.produce(["plain"], 1);
    expect(h.ctx.tracesOf("partition.unknown-producer").map((t) => t.data.producerId)).toEqual([9, 0]);
  });
});

describe("what an append costs its I/O thread (UnifiedLog.append on the request handler thread)", () => {
  it("a write throttled on the page cache's dirty limit, and a flush.messages fsync, are charged in ns", () => {
    // LocalLog.append → FileRecords.append into the page cache; UnifiedLog.append's flush when unflushed messages
    // reach flush.messages (an fsync). Both run on the I/O thread that handles the produce.
    const device = new BlockDevice({ writeBytesPerSec: 1_000_000, fsyncUs: 40, dirtyLimitBytes: 150 });
    const h = new PartitionHarness({ blockDevice: device, flushMessages: 2 });
    leaderOf(h, { isr: ["broker-1"] });
    h.produce(["a"], 1);
    expect(h.ioNs).toEqual([]);
    // No time passes, so nothing is written back: 200 dirty bytes, 50 over the limit at 1 MB/s, throttled 50 µs;
    // then the fsync of the log's 200 unflushed bytes (200 µs) and its fixed 40 µs. One charge for the append.
    h.produce(["b"], 1);
    expect(h.ioNs).toEqual([(50 + 200 + 40) * 1000]);
  });

  it("without a disk model an append charges nothing", () => {
    const h = new PartitionHarness({ flushMessages: 1 });
    leaderOf(h, { isr: ["broker-1"], records: 3 });
    expect(h.ioNs).toEqual([]);
    expect(h.p.log.flushedOffset).toBe(3);
  });
});

describe("a follower fetch below the log start (Partition.fetchRecords → UnifiedLog.read)", () => {
  it("is OFFSET_OUT_OF_RANGE, and changes nothing of the follower's state", () => {
    const h = leaderOf(new PartitionHarness(), { isr: ["broker-1"], records: 4 });
    h.p.deleteRecordsOnLeader(2);
    expect(h.fetch("broker-2", 1)).toEqual({ ok: false, error: "OFFSET_OUT_OF_RANGE", bytes: 0 });
    expect(h.alters).toEqual([]);
    expect(h.fetch("broker-2", 2)).toMatchObject({ ok: true, highWatermark: 4 });
  });

  it("readForFollower only reads: the follower's fetch state moves when followerFetched is called", () => {
    // ReplicaManager.readFromLog, then updateFollowerFetchState for each partition read.
    const h = leaderOf(new PartitionHarness(), { records: 3 });
    expect(h.p.readForFollower("broker-2", fetchPartition(3, 1), 1 << 20, true)).toMatchObject({ ok: true, highWatermark: 0, batches: [] });
    expect(h.p.highWatermark).toBe(0);
    h.p.followerFetched("broker-2", 3);
    expect(h.p.highWatermark).toBe(3);
    // A fetch from a broker the leader does not know moves nothing.
    h.p.followerFetched("broker-9", 3);
    expect(h.p.highWatermark).toBe(3);
  });
});

describe("a follower fetch's size (Partition.fetchRecords, fetch.max.bytes semantics)", () => {
  it("by default the first batch comes whole even when it is larger than the partition's max bytes", () => {
    // KIP-74: minOneMessage for the first partition of a fetch, so a follower can always make progress.
    const h = leaderOf(new PartitionHarness(), { records: 2 });
    h.produce(["c"], 1);
    const read = h.p.fetchRecordsForFollower("broker-2", fetchPartition(0, 1, 0, 10));
    expect(read.ok && read.batches.map((b) => b.baseOffset)).toEqual([0]);
  });
});

describe("a reassignment that adds a replica (Partition.updateAssignmentAndIsr)", () => {
  it("the added replica is a follower from then on, never caught up: it joins the ISR once it fetches up to the HW", () => {
    const h = leaderOf(new PartitionHarness(), { isr: ["broker-1"], records: 3 });
    expect(h.fetch("broker-3", 3)).toEqual({ ok: false, error: "UNKNOWN_LEADER_EPOCH", bytes: 0 });
    expect(h.p.applyState(partitionState({ replicas: THREE, isr: ["broker-1"], partitionEpoch: 2 }))).toBeNull();
    expect(h.p.replicas).toEqual(THREE);
    expect(h.p.mayWaitFor("broker-3")).toBe(false);
    expect(h.fetch("broker-3", 3)).toMatchObject({ ok: true });
    expect(h.alters).toEqual([["broker-1", "broker-3"]]);
  });

  it("keeps what it knows of the replicas it already had", () => {
    const h = leaderOf(new PartitionHarness(), { records: 3 });
    h.fetch("broker-2", 3);
    expect(h.p.highWatermark).toBe(3);
    h.p.applyState(partitionState({ replicas: THREE, isr: TWO, partitionEpoch: 2 }));
    h.produce(["d"], 1);
    // broker-2 is still at 3, caught up at its last fetch: in sync, and the HW waits for it.
    expect(h.p.outOfSyncReplicas(h.ctx.nowUs + 10_000_000)).toEqual([]);
    expect(h.p.highWatermark).toBe(3);
    h.fetch("broker-2", 4);
    expect(h.p.highWatermark).toBe(4);
  });
});

describe("may the HW wait for a replica outside the ISR? (Partition.shouldWaitForReplicaToJoinIsr)", () => {
  it("yes for a follower outside the maximal ISR that caught up within replica.lag.time.max.ms; no once it lags", () => {
    const h = leaderOf(new PartitionHarness(), { isr: ["broker-1"], records: 3 });
    expect(h.p.mayWaitFor("broker-2")).toBe(false);
    h.fenced.add("broker-2");
    h.fetch("broker-2", 3);
    expect(h.p.mayWaitFor("broker-2")).toBe(true);
    h.produce(["x"], 1);
    h.ctx.advance(10_000);
    expect(h.p.mayWaitFor("broker-2")).toBe(true);
    h.ctx.advance(1);
    expect(h.p.mayWaitFor("broker-2")).toBe(false);
  });

  it("no for an ISR member (the HW waits for it anyway), an unknown broker, or on a replica that is not leader", () => {
    const h = leaderOf(new PartitionHarness(), { records: 3 });
    expect(h.p.mayWaitFor("broker-2")).toBe(false);
    expect(h.p.mayWaitFor("broker-9")).toBe(false);
    const f = new PartitionHarness({ broker: "broker-2" });
    f.p.applyState(partitionState());
    expect(f.p.mayWaitFor("broker-3")).toBe(false);
  });
});

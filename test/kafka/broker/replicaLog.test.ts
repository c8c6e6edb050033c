import { describe, expect, it } from "vitest";
import { BROKER_CONFIG } from "../../../src/kafka/config/brokerConfig.js";
import { brokerSettings, type LogDefaults } from "../../../src/kafka/broker/brokerSettings.js";
import { ReplicaLog, type LogAppend } from "../../../src/kafka/broker/replicaLog.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import { FakeContext } from "../../support/fakeContext.js";
import { PartitionHarness, partitionState, plainBatch } from "../../support/partitionHarness.js";

/**
 * One replica's log services (src/kafka/broker/replicaLog.ts, Kafka's `UnifiedLog` for a replica): the segment roll
 * before an append (UnifiedLog.maybeRoll), the leader append's outcome (LogAppendInfo), retention
 * (UnifiedLog.deleteOldSegments), the cleaner's view and cleaning (LogCleanerManager, LogCleaner), a follower's log
 * start learnt from the leader (ReplicaFetcherThread.processPartitionData → UnifiedLog.maybeIncrementLogStartOffset)
 * and producer expiry (ProducerStateManager.removeExpiredProducers). Driven through a Partition with the fake
 * ReplicaManager of test/support/partitionHarness.ts, or, for the append's outcome, a bare ReplicaLog.
 */

type Batch = Omit<RecordBatch, "baseOffset" | "leaderEpoch">;

/** An idempotent batch of one record from producer `producerId` (epoch 0) at `baseSequence`. */
function idempotent(producerId: number, baseSequence: number): Batch {
  return { ...plainBatch(["x"]), producerId, producerEpoch: 0, baseSequence };
}

/** broker-1 leading t-0 alone (ISR broker-1, so an acks=1 append moves the HW at once), with `log` overrides. */
function soleLeader(log: Partial<LogDefaults> = {}): PartitionHarness {
  const h = new PartitionHarness({ log });
  h.p.applyState(partitionState({ replicas: ["broker-1"], isr: ["broker-1"] }));
  return h;
}

/** broker-2 following t-0 (led by broker-1), with `log` overrides. */
function follower(log: Partial<LogDefaults> = {}): PartitionHarness {
  const h = new PartitionHarness({ broker: "broker-2", log });
  h.p.applyState(partitionState());
  return h;
}

/** The leader's batch as a follower's fetch brings it: plain, one record, at `baseOffset`, epoch 1. */
function fetched(baseOffset: number, maxTimestampMs?: number): RecordBatch {
  return { ...plainBatch([`v${baseOffset}`]), baseOffset, leaderEpoch: 1, ...(maxTimestampMs !== undefined ? { maxTimestampMs } : {}) };
}

/** A bare ReplicaLog whose protected leader append a test may call (Partition's checks before it are not its concern). */
class BareReplicaLog extends ReplicaLog {
  append(batch: Batch): LogAppend {
    return this.appendAsLeader(batch, 1, 1, "app");
  }
}

/** A bare replica log of t-0 on broker-1 with the broker's default log config, and its clock and trace. */
function bareLog(): { log: BareReplicaLog; ctx: FakeContext } {
  const settings = brokerSettings(BROKER_CONFIG.resolve({}), false);
  const ctx = new FakeContext("broker-1");
  return { log: new BareReplicaLog("t", 0, { ctx, logConfig: () => settings.log, flushMessages: () => Number.MAX_SAFE_INTEGER }), ctx };
}

describe("the segment roll before an append (UnifiedLog.maybeRoll, LogSegment.shouldRoll)", () => {
  it("a leader append that would take the active segment past segment.bytes rolls a new one at the log end, traced", () => {
    // 100-byte batches, segment.bytes 250: the third does not fit beside the first two (200 + 100 > 250).
    const h = soleLeader({ segmentBytes: 250 });
    h.produce(["a"], 1);
    h.produce(["b"], 1);
    expect(h.ctx.tracesOf("log.roll")).toEqual([]);
    expect(h.p.log.segments).toHaveLength(1);
    h.produce(["c"], 1);
    expect(h.p.log.segments.map((s) => s.baseOffset)).toEqual([0, 2]);
    expect(h.ctx.tracesOf("log.roll").map((t) => t.data)).toEqual([{ tp: "t-0", baseOffset: 2, segments: 2 }]);
    // The batch went into the new segment.
    expect(h.p.log.segments[1].sizeBytes).toBe(100);
  });

  it("a leader append segment.ms after the active segment's first batch rolls, with a producer-state snapshot at its base", () => {
    // LocalLog.roll → ProducerStateManager.takeSnapshot: the new segment carries the producer state at its base offset.
    const h = soleLeader({ segmentMs: 1000 });
    h.p.appendRecordsToLeader(idempotent(7, 0), 1, -1, "app");
    h.ctx.advance(1000);
    h.produce(["b"], 1);
    expect(h.ctx.tracesOf("log.roll")).toEqual([]);
    h.ctx.advance(1);
    h.produce(["c"], 1);
    expect(h.ctx.tracesOf("log.roll").map((t) => t.data)).toEqual([{ tp: "t-0", baseOffset: 2, segments: 2 }]);
    expect(h.p.log.segments[1].producerSnapshot).toBeDefined();
  });

  it("a follower rolls by the fetched batch's own timestamp, not its clock", () => {
    // UnifiedLog.appendAsFollower → maybeRoll(validRecords.sizeInBytes, appendInfo): the batch's max timestamp.
    const h = follower({ segmentMs: 1000 });
    h.p.appendAsFollower(fetched(0, 100));
    h.p.appendAsFollower(fetched(1, 1100));
    expect(h.ctx.tracesOf("log.roll")).toEqual([]);
    // The follower's clock has not moved; the batch is 1,001 ms newer than the segment's first.
    h.p.appendAsFollower(fetched(2, 1101));
    expect(h.ctx.tracesOf("log.roll").map((t) => t.data)).toEqual([{ tp: "t-0", baseOffset: 2, segments: 2 }]);
    expect(h.p.log.logEndOffset).toBe(3);
  });

  it("a follower rolls by segment.bytes too; a hand-built batch without a timestamp counts as time 0", () => {
    const h = follower({ segmentBytes: 150, segmentMs: 1000 });
    h.ctx.advance(5000);
    h.p.appendAsFollower(fetched(0));
    h.p.appendAsFollower(fetched(1));
    expect(h.ctx.tracesOf("log.roll").map((t) => t.data)).toEqual([{ tp: "t-0", baseOffset: 1, segments: 2 }]);
  });
});

describe("the leader append's outcome at the log (UnifiedLog.appendAsLeader → LogAppendInfo)", () => {
  it("a batch written is `appended` at its offsets; a retry of it still in the producer's state is a `duplicate` of the same offsets", () => {
    // UnifiedLog.analyzeAndValidateProducerState: "if we find a duplicate, we return the metadata of the appended batch".
    const { log } = bareLog();
    expect(log.append(plainBatch(["a", "b"]))).toEqual({ kind: "appended", baseOffset: 0, lastOffset: 1 });
    expect(log.append(idempotent(7, 0))).toEqual({ kind: "appended", baseOffset: 2, lastOffset: 2 });
    expect(log.append(idempotent(7, 0))).toEqual({ kind: "duplicate", baseOffset: 2, lastOffset: 2 });
    expect(log.log.logEndOffset).toBe(3);
  });

  it("a batch without a producer id is never where idempotence ends, whatever its sequence field holds", () => {
    // ProducerAppendInfo is only built for batches with a producer id (`if (batch.hasProducerId)`).
    const { log, ctx } = bareLog();
    expect(log.append({ ...plainBatch(["a"]), baseSequence: 5 })).toMatchObject({ kind: "appended" });
    expect(ctx.tracesOf("partition.unknown-producer")).toEqual([]);
    // The same field on a batch with a producer id the partition has no state for is traced.
    log.append({ ...plainBatch(["b"]), producerId: 7, producerEpoch: 0, baseSequence: 5 });
    expect(ctx.tracesOf("partition.unknown-producer").map((t) => t.data.producerId)).toEqual([7]);
  });

  it("a refusal is traced with the error it answers: an idempotent batch on a legacy-format topic is UNSUPPORTED_FOR_MESSAGE_FORMAT", () => {
    // LogValidator.validateBatch: magic 0 and 1 have no producer id; nothing is written.
    const h = soleLeader({ recordMagic: 1 });
    expect(h.p.appendRecordsToLeader(idempotent(7, 0), 1, -1, "app")).toEqual({ ok: false, error: "UNSUPPORTED_FOR_MESSAGE_FORMAT" });
    expect(h.ctx.tracesOf("partition.reject-produce").map((t) => t.data)).toEqual([
      { tp: "t-0", error: "UNSUPPORTED_FOR_MESSAGE_FORMAT", reason: "Idempotent records cannot be used with magic version 1", producerId: 7 },
    ]);
    expect(h.p.log.logEndOffset).toBe(0);
  });
});

describe("retention on a replica (UnifiedLog.deleteOldSegments, run by LogManager.cleanupLogs)", () => {
  it("deletes segments past retention.ms below the HW, traces each deletion and returns how many segments went", () => {
    // One 100-byte batch per segment (segment.bytes 150); retention.ms 10 s. With the HW at the log end the active
    // segment goes too (UnifiedLog.deletableSegments: `upperBoundOffset` is the HW; deleteSegments rolls a new one).
    const h = soleLeader({ segmentBytes: 150, retentionMs: 10_000 });
    for (const v of ["a", "b", "c"]) h.produce([v], 1);
    expect(h.p.log.segments).toHaveLength(3);
    expect(h.p.deleteOldSegments(h.ctx.nowMs)).toBe(0);
    expect(h.ctx.tracesOf("log.delete-segments")).toEqual([]);
    h.ctx.advance(10_001);
    expect(h.p.deleteOldSegments(h.ctx.nowMs)).toBe(3);
    expect(h.p.log.logStartOffset).toBe(3);
    expect(h.ctx.tracesOf("log.delete-segments").map((t) => t.data)).toEqual([
      { tp: "t-0", reason: "retention-ms-breach", baseOffsets: [0, 1, 2], oldLogStartOffset: 0, logStartOffset: 3, highWatermark: 3 },
    ]);
  });

  it("keeps segments above the replica's HW, however old", () => {
    const h = new PartitionHarness({ log: { segmentBytes: 150, retentionMs: 10_000 } });
    h.p.applyState(partitionState({ replicas: ["broker-1", "broker-2"], isr: ["broker-1", "broker-2"] }));
    for (const v of ["a", "b", "c"]) h.produce([v], 1);
    h.fetch("broker-2", 1);
    expect(h.p.highWatermark).toBe(1);
    h.ctx.advance(10_001);
    expect(h.p.deleteOldSegments(h.ctx.nowMs)).toBe(1);
    expect(h.ctx.tracesOf("log.delete-segments").map((t) => t.data.baseOffsets)).toEqual([[0]]);
  });
});

describe("the log cleaner on a replica (LogCleanerManager.grabFilthiestCompactedLog, LogCleaner.Cleaner.clean)", () => {
  it("a compacted log's dirty segments are offered, cleaned to each key's last record, and the cleaning traced", () => {
    // One batch per segment (segment.bytes 150): three records of key k, the active segment not cleanable.
    const h = soleLeader({ compact: true, delete: false, segmentBytes: 150 });
    for (const v of ["1", "2", "3"]) h.p.appendRecordsToLeader({ ...plainBatch([]), records: [{ key: "k", value: v }] }, 1, -1, "app");
    const l = h.p.logToClean(h.ctx.nowMs);
    expect(l).toMatchObject({ firstDirtyOffset: 0, firstUncleanableDirtyOffset: 2, cleanBytes: 0, cleanableBytes: 200 });
    h.p.clean(l, h.ctx.nowMs);
    const cleaned = h.ctx.tracesOf("log.clean").map((t) => t.data);
    expect(cleaned).toHaveLength(1);
    expect(cleaned[0]).toMatchObject({ tp: "t-0", firstDirtyOffset: 0, highWatermark: 3 });
    // Offset 0's record (k=1) is gone; k=2 stays below the active segment, k=3 in it.
    expect(h.p.log.batches.flatMap((b) => b.records.map((r) => r.value))).toEqual(["2", "3"]);
  });

  it("a log with nothing cleanable is left alone and nothing is traced", () => {
    // Every batch still in the active segment: the first uncleanable offset is the log start.
    const h = soleLeader({ compact: true, delete: false });
    h.p.appendRecordsToLeader({ ...plainBatch([]), records: [{ key: "k", value: "1" }] }, 1, -1, "app");
    const l = h.p.logToClean(h.ctx.nowMs);
    expect(l).toMatchObject({ firstDirtyOffset: 0, firstUncleanableDirtyOffset: 0, cleanableBytes: 0 });
    h.p.clean(l, h.ctx.nowMs);
    expect(h.ctx.tracesOf("log.clean")).toEqual([]);
    expect(h.p.log.logEndOffset).toBe(1);
  });
});

describe("a follower's log start from the leader's (ReplicaFetcherThread.processPartitionData → UnifiedLog.maybeIncrementLogStartOffset)", () => {
  it("moves to the leader's log start, at most the follower's own HW, and is traced (LeaderOffsetIncremented)", () => {
    const h = follower();
    for (let o = 0; o < 6; o++) h.p.appendAsFollower(fetched(o));
    h.p.highWatermark = 3;
    // The leader's log start is 5; the follower has only 3 below its HW: its log start goes to 3.
    h.p.followerLogStartOffset(5);
    expect(h.p.log.logStartOffset).toBe(3);
    expect(h.ctx.tracesOf("log.start-offset").map((t) => t.data)).toEqual([{ tp: "t-0", oldLogStartOffset: 0, logStartOffset: 3, reason: "leader-offset-incremented" }]);
  });

  it("a leader's log start at or below the follower's moves nothing and is not traced", () => {
    const h = follower();
    for (let o = 0; o < 4; o++) h.p.appendAsFollower(fetched(o));
    h.p.highWatermark = 4;
    h.p.followerLogStartOffset(2);
    h.p.followerLogStartOffset(2);
    h.p.followerLogStartOffset(1);
    expect(h.p.log.logStartOffset).toBe(2);
    expect(h.ctx.tracesOf("log.start-offset").map((t) => t.data.logStartOffset)).toEqual([2]);
  });
});

describe("producer expiry (UnifiedLog's PeriodicProducerExpirationCheck → ProducerStateManager.removeExpiredProducers)", () => {
  it("forgets producers idle for producer.id.expiration.ms and traces their ids; a check that removes none is not traced", () => {
    const h = soleLeader();
    h.p.appendRecordsToLeader(idempotent(7, 0), 1, -1, "app");
    h.ctx.advance(500);
    h.p.appendRecordsToLeader(idempotent(8, 0), 1, -1, "app");
    h.ctx.advance(499);
    h.p.removeExpiredProducers(h.ctx.nowMs, 1000);
    expect(h.ctx.tracesOf("producer-state.expired")).toEqual([]);
    h.ctx.advance(1);
    h.p.removeExpiredProducers(h.ctx.nowMs, 1000);
    expect([...h.p.producerState.producers.keys()]).toEqual([8]);
    expect(h.ctx.tracesOf("producer-state.expired").map((t) => t.data)).toEqual([{ tp: "t-0", producerIds: [7], expirationMs: 1000 }]);
    h.p.removeExpiredProducers(h.ctx.nowMs, 1000);
    expect(h.ctx.tracesOf("producer-state.expired")).toHaveLength(1);
  });
});

// Vectors from Kafka's UnifiedLogTest (apache/kafka 1eb7644): the first unstable offset, hence the LSO, is lower
// bounded by the log start (UnifiedLog.maybeIncrementFirstUnstableOffset), so DeleteRecords or retention past an open
// transaction's first offset does not leave the LSO below the log start. Driven through a sole leader: Kafka's
// `log.maybeIncrementLogStartOffset(n, ClientRecordDeletion)` is DeleteRecords on the leader.
describe("the LSO never below the log start (UnifiedLog.maybeIncrementFirstUnstableOffset)", () => {
  /** UnifiedLogTest's setup: 5 transactional records of pid 1, 3 plain, a roll, 5 more of pid 1 (log end 13). */
  function openTransactionAcrossTwoSegments(): PartitionHarness {
    const h = soleLeader();
    const txn = (values: string[], baseSequence: number): Batch => ({ ...plainBatch(values), producerId: 1, producerEpoch: 0, baseSequence, isTransactional: true });
    h.p.appendRecordsToLeader(txn(["a", "b", "c", "d", "e"], 0), 1, -1, "app");
    h.produce(["x", "y", "z"], 1);
    expect(h.p.log.logEndOffset).toBe(8);
    h.p.log.roll(h.ctx.nowMs);
    expect(h.p.log.segments).toHaveLength(2);
    h.p.appendRecordsToLeader(txn(["f", "g", "h", "i", "j"], 5), 1, -1, "app");
    expect(h.p.highWatermark).toBe(13);
    expect(h.p.lastStableOffset).toBe(0);
    return h;
  }

  it("testLastStableOffsetDoesNotExceedLogStartOffsetMidSegment: DeleteRecords to 5 makes the first unstable offset 5", () => {
    const h = openTransactionAcrossTwoSegments();
    expect(h.p.deleteRecordsOnLeader(5)).toEqual({ error: "NONE", lowWatermark: 5 });
    expect(h.p.lastStableOffset).toBe(5);
  });

  it("testLastStableOffsetDoesNotExceedLogStartOffsetAfterSegmentDeletion: DeleteRecords to 8, then the first segment goes", () => {
    const h = openTransactionAcrossTwoSegments();
    h.p.deleteRecordsOnLeader(8);
    h.p.deleteOldSegments(h.ctx.nowMs);
    expect(h.p.log.segments).toHaveLength(1);
    expect(h.p.lastStableOffset).toBe(8);
  });
});

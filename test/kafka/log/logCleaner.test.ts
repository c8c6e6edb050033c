import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import { ProducerStateManager } from "../../../src/kafka/log/producerStateManager.js";
import { cleanableOffsets, cleanableRatio, cleanReplica, type CompactionConfig, doClean, logToClean, type LogToClean, shouldClean } from "../../../src/kafka/log/logCleaner.js";
import { RECORD_BATCH_OVERHEAD_BYTES, recordSizeInBytes } from "../../../src/kafka/log/recordSize.js";
import { compressedRecordsBytes } from "../../../src/kafka/log/compression.js";
import { type KafkaRecord, lastOffsetOf, offsetOfRecord, type RecordBatch } from "../../../src/kafka/log/recordBatch.js";

const CFG: CompactionConfig = { compact: true, delete: false, deleteRetentionMs: 1000, minCleanableDirtyRatio: 0.5, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, segmentBytes: 1 << 30 };

/** A log built batch by batch; `roll()` closes the active segment. Each record is `key=value` or `key=` (tombstone). */
class Builder {
  readonly log = new PartitionLog();
  readonly state = new ProducerStateManager();
  nowMs = 0;
  append(recs: string[], extra: Partial<RecordBatch> = {}): RecordBatch {
    const records: KafkaRecord[] = recs.map((s) => {
      const [k, v] = s.split("=");
      return v === "" ? { key: k, value: `del-${k}`, tombstone: true } : { key: k === "-" ? null : k, value: v };
    });
    const b = this.log.appendAsLeader({ producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records, sizeBytes: 100 * records.length, ...extra }, 0, this.nowMs);
    this.state.update(b);
    return b;
  }
  marker(producerId: number, commit: boolean): void {
    this.append([], { producerId, producerEpoch: 0, isControl: true, isTransactional: true, records: [{ key: commit ? "COMMIT" : "ABORT", value: "0" }], sizeBytes: 80 } as Partial<RecordBatch>);
  }
  roll(): void {
    this.log.roll(this.nowMs);
  }
  /** key=value pairs of the log as a reader from the start sees them (markers left out). */
  read(): string[] {
    const out: string[] = [];
    for (const b of this.log.batches) if (!b.isControl) b.records.forEach((r, i) => out.push(`${offsetOfRecord(b, i)}:${r.key}=${r.tombstone ? "" : r.value}`));
    return out;
  }
  clean(lso = this.log.logEndOffset, cfg = CFG) {
    const l = logToClean(this.log, lso, this.nowMs, cfg);
    return { l, r: cleanReplica({ log: this.log, producerState: this.state, lastStableOffset: lso }, l, this.nowMs, cfg) };
  }
}

describe("the log cleaner (Cleaner.doClean)", () => {
  it("keeps the latest record of each key, at its offset; the active segment is never cleaned", () => {
    const b = new Builder();
    b.append(["a=1", "b=1"]);
    b.append(["a=2"]);
    b.roll();
    b.append(["b=2", "a=3"]);
    const { l, r } = b.clean();
    expect(l.firstDirtyOffset).toBe(0);
    expect(l.firstUncleanableDirtyOffset).toBe(3);
    expect(r?.recordsRemoved).toBe(1);
    expect(b.read()).toEqual(["1:b=1", "2:a=2", "3:b=2", "4:a=3"]);
    expect(b.log.cleanerCheckpoint).toBe(3);
    expect(b.log.logEndOffset).toBe(5);
  });

  it("cleans the clean part again against newer keys, and the batch keeps its last offset when its last record goes", () => {
    const b = new Builder();
    b.append(["a=1", "b=1"]);
    b.roll();
    b.append(["c=1"]);
    b.clean();
    b.append(["b=2"]);
    b.roll();
    b.append(["x=1"]);
    b.clean();
    expect(b.read()).toEqual(["0:a=1", "2:c=1", "3:b=2", "4:x=1"]);
    const first = b.log.batches[0];
    expect(lastOffsetOf(first)).toBe(1);
    expect(first.offsetDeltas).toEqual([0]);
  });

  it("does not clean at or past the last stable offset (an open transaction or the HW)", () => {
    const b = new Builder();
    b.append(["a=1"]);
    b.roll();
    b.append(["a=2"]);
    b.roll();
    b.append(["z=1"]);
    const { r } = b.clean(1); // the LSO inside the second segment: only the first is cleanable, and it holds no dirty duplicate
    expect(r?.recordsRemoved ?? 0).toBe(0);
    expect(b.read()).toEqual(["0:a=1", "1:a=2", "2:z=1"]);
  });

  it("keeps a tombstone for delete.retention.ms after the cleaning that first saw it, then removes it", () => {
    const b = new Builder();
    b.append(["a=1"]);
    b.append(["a="]);
    b.roll();
    b.append(["z=1"]);
    b.clean();
    expect(b.read()).toEqual(["1:a=", "2:z=1"]);
    expect(b.log.batches.find((x) => x.records.some((r) => r.tombstone))?.deleteHorizonMs).toBe(1000);
    b.nowMs = 999;
    b.roll();
    b.append(["z=2"]);
    b.clean();
    expect(b.read()).toContain("1:a=");
    b.nowMs = 1000;
    b.roll();
    b.append(["z=3"]);
    b.clean();
    expect(b.read().some((s) => s.startsWith("1:"))).toBe(false);
  });

  it("does not clean while the dirty ratio is at most min.cleanable.dirty.ratio", () => {
    const b = new Builder();
    b.append(["a=1", "b=1", "c=1", "d=1"]);
    b.roll();
    b.append(["e=1"]);
    b.clean();
    b.append(["a=2"]);
    b.roll();
    b.append(["f=1"]);
    const l = logToClean(b.log, b.log.logEndOffset, 0, CFG);
    // clean: segment of 4 records (400 bytes); dirty: 200 bytes → ratio 1/3.
    expect(shouldClean(l, CFG)).toBe(false);
    expect(shouldClean(l, { ...CFG, minCleanableDirtyRatio: 0.3 })).toBe(true);
  });

  it("removes an aborted transaction's data, then its marker once nothing of it is left and its horizon passed", () => {
    const b = new Builder();
    const txn = { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true } as Partial<RecordBatch>;
    b.append(["a=1"], txn);
    b.marker(7, false);
    b.append(["a=2"]);
    b.roll();
    b.append(["z=1"]);
    expect(b.state.aborted).toHaveLength(1);
    b.clean();
    expect(b.read()).toEqual(["2:a=2", "3:z=1"]);
    // Its batch stays, emptied (the producer's last data offset: its state survives), so the marker and the index
    // entry stay too (CleanedTransactionMetadata: a marker goes only once none of its batches is walked).
    expect(b.log.batches[0].records).toEqual([]);
    expect(b.state.aborted).toHaveLength(1);
    // The producer expires (producer.id.expiration.ms): its empty batch goes; the marker is seen with no batch on the
    // next cleaning, gets its delete horizon, and goes on the first cleaning past it.
    b.state.producers.delete(7);
    const cleanAt = (ms: number) => {
      b.nowMs = ms;
      b.roll();
      b.append([`z=${ms}`]);
      b.clean();
    };
    cleanAt(10);
    expect(b.log.batches.some((x) => x.producerId === 7 && !x.isControl)).toBe(false);
    cleanAt(20);
    const marker = b.log.batches.find((x) => x.isControl)!;
    expect(marker.deleteHorizonMs).toBe(1020);
    expect(b.state.aborted).toHaveLength(0);
    cleanAt(1019);
    expect(b.log.batches.some((x) => x.isControl)).toBe(true);
    cleanAt(1020);
    expect(b.log.batches.some((x) => x.isControl)).toBe(false);
  });

  it("keeps the batch holding a producer's last data offset, emptied, so its sequence survives", () => {
    const b = new Builder();
    b.append(["a=1"], { producerId: 3, producerEpoch: 0, baseSequence: 0 });
    b.append(["a=2"]);
    b.roll();
    b.append(["z=1"]);
    b.clean();
    const kept = b.log.batches[0];
    expect(kept.producerId).toBe(3);
    expect(kept.records).toEqual([]);
    const rebuilt = new ProducerStateManager();
    rebuilt.rebuild(b.log.batches);
    expect(rebuilt.producers.get(3)?.batches.at(-1)?.lastSeq).toBe(0);
  });

  it("a read into a cleaned range returns the next batch that exists", () => {
    const b = new Builder();
    b.append(["a=1"]);
    b.append(["a=2"]);
    b.append(["a=3"]);
    b.roll();
    b.append(["z=1"]);
    b.clean();
    expect(b.log.read(0, 1 << 20)[0].baseOffset).toBe(2);
  });
});

describe("a follower's log after its leader cleaned", () => {
  it("appends a batch that starts past its log end (the batches in between were cleaned away) but never one behind it", () => {
    const follower = new PartitionLog();
    const batch = (baseOffset: number, n: number): RecordBatch => ({ baseOffset, leaderEpoch: 0, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${baseOffset + i}` })), sizeBytes: 100 });
    follower.appendAsFollower(batch(0, 2));
    follower.appendAsFollower(batch(7, 1));
    expect(follower.logEndOffset).toBe(8);
    expect(() => follower.appendAsFollower(batch(5, 1))).toThrow();
    expect(follower.read(3, 1 << 20).map((b) => b.baseOffset)).toEqual([7]);
    expect(follower.batchIndexFrom(8)).toBe(-1);
  });
});

describe("which offsets may be cleaned (LogCleanerManager.cleanableOffsets)", () => {
  /** Three closed segments of one 100-byte batch each at offsets 0, 1, 2 (newest at 10, 20, 30 ms) and an active one at 3. */
  function fourSegments(): Builder {
    const b = new Builder();
    for (const [i, ms] of [10, 20, 30].entries()) {
      b.nowMs = ms;
      b.append([`k${i}=1`]);
      b.roll();
    }
    b.append(["z=1"]);
    return b;
  }

  it("the first dirty offset is the cleaner checkpoint, or the log start when there is none", () => {
    const b = fourSegments();
    expect(cleanableOffsets(b.log, 4, 100, CFG)).toEqual({ firstDirtyOffset: 0, firstUncleanableDirtyOffset: 3 });
    b.log.cleanerCheckpoint = 2;
    expect(cleanableOffsets(b.log, 4, 100, CFG).firstDirtyOffset).toBe(2);
    b.log.maybeIncrementLogStartOffset(1);
    b.log.cleanerCheckpoint = -1;
    expect(cleanableOffsets(b.log, 4, 100, CFG).firstDirtyOffset).toBe(1);
  });

  it("a checkpoint below the log start, or past the log end, is reset to the log start", () => {
    // "the checkpointed offset is invalid" / "the dirty offset has gotten ahead of the log end offset".
    const b = fourSegments();
    b.log.maybeIncrementLogStartOffset(1);
    b.log.cleanerCheckpoint = 0;
    expect(cleanableOffsets(b.log, 4, 100, CFG).firstDirtyOffset).toBe(1);
    b.log.cleanerCheckpoint = 5;
    expect(cleanableOffsets(b.log, 4, 100, CFG).firstDirtyOffset).toBe(1);
    // The log end itself is a valid checkpoint (everything was cleaned).
    b.log.cleanerCheckpoint = 4;
    expect(cleanableOffsets(b.log, 4, 100, CFG).firstDirtyOffset).toBe(4);
  });

  it("nothing at or past the last stable offset or the active segment is cleaned; the uncleanable offset is never below the dirty one", () => {
    const b = fourSegments();
    expect(cleanableOffsets(b.log, 2, 100, CFG).firstUncleanableDirtyOffset).toBe(2);
    expect(cleanableOffsets(b.log, 9, 100, CFG).firstUncleanableDirtyOffset).toBe(3);
    b.log.cleanerCheckpoint = 3;
    expect(cleanableOffsets(b.log, 1, 100, CFG)).toEqual({ firstDirtyOffset: 3, firstUncleanableDirtyOffset: 3 });
  });

  it("min.compaction.lag.ms: the first dirty segment whose newest record is younger than the lag stops the cleaning there", () => {
    // isUncleanable = segment.largestTimestamp > now - minCompactionLagMs: a segment exactly the lag old is cleanable.
    const b = fourSegments();
    const lag = { ...CFG, minCompactionLagMs: 70 };
    // The segments' newest records are at 10, 20 and 30 ms.
    expect(cleanableOffsets(b.log, 4, 90, lag).firstUncleanableDirtyOffset).toBe(2); // k1's segment is exactly 70 ms old
    expect(cleanableOffsets(b.log, 4, 89, lag).firstUncleanableDirtyOffset).toBe(1);
    expect(cleanableOffsets(b.log, 4, 100, lag).firstUncleanableDirtyOffset).toBe(3);
    // Only dirty segments are looked at: a young segment below the checkpoint does not hold the cleaning back.
    b.log.segments[0].largestTimestampMs = 1000;
    expect(cleanableOffsets(b.log, 4, 100, lag).firstUncleanableDirtyOffset).toBe(0);
    b.log.cleanerCheckpoint = 1;
    expect(cleanableOffsets(b.log, 4, 100, lag).firstUncleanableDirtyOffset).toBe(3);
  });
});

describe("how dirty a log is (LogToClean, LogCleanerManager.grabFilthiestCompactedLog)", () => {
  it("clean bytes are the segments below the first dirty offset; cleanable bytes those from it up to the first uncleanable segment", () => {
    // calculateCleanableBytes: logSegments(firstDirtyOffset, firstUncleanableSegment.baseOffset).
    const b = new Builder();
    b.append(["a=1", "b=1"]); // 200 bytes
    b.roll();
    b.append(["c=1"]); // 100
    b.roll();
    b.append(["d=1", "e=1", "f=1"]); // 300
    b.roll();
    b.append(["z=1"]);
    b.log.cleanerCheckpoint = 2;
    const l = logToClean(b.log, b.log.logEndOffset, 0, CFG);
    expect(l).toMatchObject({ firstDirtyOffset: 2, firstUncleanableDirtyOffset: 6, firstUncleanableSegmentOffset: 6, cleanBytes: 200, cleanableBytes: 400 });
    expect(cleanableRatio(l)).toBeCloseTo(400 / 600);
    // An LSO inside the third segment: cleaning stops at that segment's base.
    const held = logToClean(b.log, 4, 0, CFG);
    expect(held).toMatchObject({ firstUncleanableDirtyOffset: 4, firstUncleanableSegmentOffset: 3, cleanableBytes: 100 });
  });

  it("max.compaction.lag.ms: a dirty segment whose first batch is older than the lag must be cleaned now, whatever the ratio", () => {
    // maxCompactionDelay: earliest first-batch timestamp of the dirty non-active segments < now - maxCompactionLagMs.
    const b = new Builder();
    b.nowMs = 50;
    b.append(["a=1"]);
    b.roll();
    b.append(["z=1"]);
    const lag = { ...CFG, maxCompactionLagMs: 100 };
    expect(logToClean(b.log, 2, 150, lag).needCompactionNow).toBe(false);
    expect(logToClean(b.log, 2, 151, lag).needCompactionNow).toBe(true);
    // The active segment's first batch does not count.
    const active = new Builder();
    active.nowMs = 5;
    active.append(["a=1"]);
    expect(logToClean(active.log, 1, 1000, lag).needCompactionNow).toBe(false);
  });

  it("a batch timestamp of 0 (none recorded) never makes a segment overdue", () => {
    // getFirstBatchTimestampForSegments(...).filter(_ > 0).
    const b = new Builder();
    b.append(["a=1"]); // at 0 ms
    b.roll();
    b.append(["z=1"]);
    expect(logToClean(b.log, 2, 1_000_000, { ...CFG, maxCompactionLagMs: 0 }).needCompactionNow).toBe(false);
  });

  it("worth cleaning only when the dirty ratio is above min.cleanable.dirty.ratio, or when overdue with something to clean", () => {
    const l = (cleanBytes: number, cleanableBytes: number, needCompactionNow = false): LogToClean => ({ firstDirtyOffset: 0, firstUncleanableDirtyOffset: 0, firstUncleanableSegmentOffset: 0, cleanBytes, cleanableBytes, needCompactionNow });
    expect(shouldClean(l(0, 0, true), CFG)).toBe(false);
    expect(cleanableRatio(l(0, 0))).toBe(0);
    expect(shouldClean(l(50, 50), CFG)).toBe(false); // exactly the ratio: not above it
    expect(shouldClean(l(49, 51), CFG)).toBe(true);
    expect(shouldClean(l(100, 0, true), CFG)).toBe(false); // overdue but nothing cleanable
    expect(shouldClean(l(99, 1, true), CFG)).toBe(true);
    expect(cleanableRatio(l(25, 75))).toBe(0.75);
  });
});

describe("what a cleaning keeps (Cleaner.cleanInto, shouldRetainRecord)", () => {
  it("nothing cleanable: no cleaning, no checkpoint", () => {
    const b = new Builder();
    b.append(["a=1"]);
    const { l, r } = b.clean();
    expect(l.firstUncleanableSegmentOffset).toBe(0);
    expect(r).toBeNull();
    expect(b.log.cleanerCheckpoint).toBe(-1);
  });

  it("a record without a key is removed from the cleaned segments (a compacted topic keeps records by key)", () => {
    // Cleaner.shouldRetainRecord: a record without a key is not retained (counted by stats.invalidMessage).
    const b = new Builder();
    b.append(["-=x", "a=1"]);
    b.roll();
    b.append(["-=y"]);
    b.clean();
    expect(b.read()).toEqual(["1:a=1", "2:null=y"]);
  });

  it("an aborted transaction's records do not supersede the committed value of their key", () => {
    // buildOffsetMap skips the batches of aborted transactions (CleanedTransactionMetadata.onBatchRead → true).
    const b = new Builder();
    b.append(["a=1"]);
    b.append(["a=2"], { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    b.marker(7, false);
    b.roll();
    b.append(["z=1"]);
    b.state.producers.delete(7);
    b.clean();
    expect(b.read()).toEqual(["0:a=1", "3:z=1"]);
  });

  it("a committed transaction's records do supersede older values", () => {
    const b = new Builder();
    b.append(["a=1"]);
    b.append(["a=2"], { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    b.marker(7, true);
    b.roll();
    b.append(["z=1"]);
    b.clean();
    expect(b.read()).toEqual(["1:a=2", "3:z=1"]);
  });

  it("the round's last batch stays, emptied, so the cleaned part keeps its last offset; an emptied batch before it goes", () => {
    // Cleaner.cleanInto's checkBatchRetention: "retain the last batch of the cleaning round, even if it's empty, so
    // that last offset information is not lost after cleaning" (batch.nextOffset == upperBoundOffsetOfCleaningRound).
    const b = new Builder();
    b.append(["a=1"]);
    b.append(["-=x"]);
    b.append(["-=y"]);
    b.roll();
    b.append(["z=1"]);
    const { r } = b.clean();
    expect(b.log.batches.map((x) => [x.baseOffset, x.records.length])).toEqual([
      [0, 1],
      [2, 0],
      [3, 1],
    ]);
    expect(lastOffsetOf(b.log.batches[1])).toBe(2);
    expect(r).toMatchObject({ recordsRemoved: 2, batchesRemoved: 1 });
  });

  it("counts what it removed: records, batches, tombstones and markers, and the bytes before and after", () => {
    const b = new Builder();
    b.append(["a=1"]); // superseded: batch removed
    b.append(["a="]); // tombstone, horizon set at first cleaning
    b.append(["c=1", "c=2"]); // c=1 removed, batch rebuilt
    b.roll();
    b.append(["z=1"]);
    const before = b.log.sizeBytes;
    const { r } = b.clean();
    expect(r).toMatchObject({ firstDirtyOffset: 0, endOffset: 4, recordsRemoved: 2, batchesRemoved: 1, tombstonesRemoved: 0, markersRemoved: 0, bytesBefore: before, bytesAfter: b.log.sizeBytes });
    expect(r!.bytesAfter).toBeLessThan(r!.bytesBefore);
    // Past the tombstone's horizon the tombstone goes, and is counted.
    b.nowMs = 5000;
    b.roll();
    b.append(["z=2"]);
    const again = b.clean().r;
    expect(again).toMatchObject({ tombstonesRemoved: 1 });
  });

  it("a rebuilt batch is recounted: the overhead and each kept record at its offset delta, never more than it was", () => {
    // MemoryRecords.buildRetainedRecordsInto writes the kept records with their original offset deltas.
    const b = new Builder();
    b.append(["c=1", "c=2", "dd=3"]);
    b.roll();
    b.append(["z=1"]);
    b.clean();
    const cleaned = b.log.batches[0];
    const expected = RECORD_BATCH_OVERHEAD_BYTES + recordSizeInBytes(1, 0, 1, 1) + recordSizeInBytes(2, 0, 2, 1);
    expect(cleaned.sizeBytes).toBe(Math.min(expected, 300));
    expect(cleaned.offsetDeltas).toEqual([1, 2]);
    expect(b.log.segments[0].sizeBytes).toBe(cleaned.sizeBytes);
  });

  it("a compressed batch is rebuilt with its own codec", () => {
    // MemoryRecords.filterTo writes the retained records with the batch's compression type.
    const b = new Builder();
    b.append(["c=1", "c=2"], { compression: "gzip", sizeBytes: 10_000 });
    b.roll();
    b.append(["z=1"]);
    b.clean();
    const cleaned = b.log.batches[0];
    expect(cleaned.compression).toBe("gzip");
    expect(cleaned.sizeBytes).toBe(RECORD_BATCH_OVERHEAD_BYTES + compressedRecordsBytes(recordSizeInBytes(1, 0, 1, 1), "gzip"));
  });

  it("a batch with nothing removed and no delete horizon to set is kept as it is", () => {
    const b = new Builder();
    const kept = b.append(["a=1", "b=1"]);
    b.roll();
    b.append(["z=1"]);
    b.clean();
    expect(b.log.batches[0]).toBe(kept);
  });

  it("the delete horizon is set once, at the first cleaning that sees the tombstone, and a batch without one loses none", () => {
    const b = new Builder();
    b.append(["a="]);
    b.roll();
    b.append(["z=1"]);
    b.nowMs = 100;
    b.clean();
    expect(b.log.batches[0].deleteHorizonMs).toBe(1100);
    b.nowMs = 200;
    b.roll();
    b.append(["z=2"]);
    b.clean();
    expect(b.log.batches[0].deleteHorizonMs).toBe(1100);
    expect(b.log.batches.filter((x) => !x.records.some((r) => r.tombstone)).every((x) => x.deleteHorizonMs === undefined)).toBe(true);
  });

  it("an emptied marker whose horizon passed is counted once as a removed marker", () => {
    const b = new Builder();
    b.append(["a=1"], { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    b.marker(7, false);
    b.roll();
    b.append(["z=1"]);
    b.state.producers.delete(7);
    const cleanAt = (ms: number) => {
      b.nowMs = ms;
      b.roll();
      b.append([`z=${ms}`]);
      return b.clean().r;
    };
    // The aborted batch goes; the next cleaning sees the marker alone and gives it its horizon (10 + 1000 ms).
    expect(b.clean().r?.markersRemoved).toBe(0);
    expect(cleanAt(10)?.markersRemoved).toBe(0);
    expect(cleanAt(1009)?.markersRemoved).toBe(0);
    expect(cleanAt(1010)?.markersRemoved).toBe(1);
    expect(b.log.batches.some((x) => x.isControl)).toBe(false);
  });
});

describe("cleaned segments are merged (Cleaner.groupSegmentsBySize)", () => {
  it("consecutive cleaned segments are merged while their sizes add up to at most segment.bytes; the active segment is not", () => {
    const b = new Builder();
    for (const k of ["a", "b", "c"]) {
      b.append([`${k}=1`]); // 100 bytes each
      b.roll();
    }
    b.append(["z=1"]);
    b.clean(b.log.logEndOffset, { ...CFG, segmentBytes: 200 });
    expect(b.log.segments.map((s) => [s.baseOffset, s.sizeBytes])).toEqual([
      [0, 200],
      [2, 100],
      [3, 100],
    ]);
  });

  it("a merged segment takes the newest timestamp of its parts and the first batch time of the first that has one", () => {
    const b = new Builder();
    b.nowMs = 10;
    b.append(["a=1"]);
    b.roll();
    b.nowMs = 20;
    b.append(["a=2"]);
    b.roll();
    b.append(["z=1"]);
    // The first segment is emptied (a=1 superseded): no first batch of its own, so the merged one takes the second's.
    b.clean();
    expect(b.log.segments).toEqual([
      { baseOffset: 0, sizeBytes: 100, firstBatchTimestampMs: 20, largestTimestampMs: 20 },
      { baseOffset: 2, sizeBytes: 100, firstBatchTimestampMs: 20, largestTimestampMs: 20 },
    ]);
  });
});

describe("doClean on its own", () => {
  it("returns the aborted transactions whose markers it kept, for the rewritten transaction index", () => {
    const b = new Builder();
    b.append(["a=1"], { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    b.marker(7, false);
    b.roll();
    b.append(["z=1"]);
    const l = logToClean(b.log, b.log.logEndOffset, 0, CFG);
    const done = doClean(b.log, l, b.state.aborted, b.state.lastRecordsOfActiveProducers(), 0, CFG);
    expect(done?.retainedAborted).toEqual([{ producerId: 7, firstOffset: 0, lastOffset: 1 }]);
  });
});

describe("LogCleaner edges the mutation run found unpinned", () => {
  it("clean bytes count a first segment of a single offset below the first dirty offset", () => {
    // calculateCleanableBytes / LogToClean.cleanBytes: logSegments(-1, firstDirtyOffset) is every segment below it.
    const b = new Builder();
    b.append(["a=1"]);
    b.roll();
    b.append(["b=1"]);
    b.roll();
    b.append(["z=1"]);
    b.log.cleanerCheckpoint = 1;
    expect(logToClean(b.log, 3, 0, CFG)).toMatchObject({ cleanBytes: 100, cleanableBytes: 100 });
  });

  it("max.compaction.lag.ms is judged by the earliest first batch of the dirty segments", () => {
    // maxCompactionDelay: firstBatchTimestamps.min.
    const b = new Builder();
    b.nowMs = 10;
    b.append(["a=1"]);
    b.roll();
    b.nowMs = 500;
    b.append(["b=1"]);
    b.roll();
    b.append(["z=1"]);
    expect(logToClean(b.log, 3, 200, { ...CFG, maxCompactionLagMs: 100 }).needCompactionNow).toBe(true);
  });

  it("a record in a one-record batch right at the first dirty offset is mapped: it supersedes the clean part", () => {
    // buildOffsetMap reads from the first dirty offset on (the checkpoint), that offset included.
    const b = new Builder();
    b.append(["a=1"]);
    b.roll();
    b.append(["a=2"]);
    b.roll();
    b.append(["z=1"]);
    b.log.cleanerCheckpoint = 1;
    b.clean();
    expect(b.read()).toEqual(["1:a=2", "2:z=1"]);
  });

  it("an aborted transaction wholly below the first dirty offset does not hide the producer's later committed records from the map", () => {
    // Only the aborted transactions overlapping the dirty range are given to the offset map's transaction metadata
    // (collectAbortedTransactions(startOffset, upper)); an older one would make the next transaction look aborted.
    const b = new Builder();
    const txn = { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true } as Partial<RecordBatch>;
    b.append(["x=1"]);
    b.append(["y=1"], txn);
    b.marker(7, false);
    b.roll();
    b.append(["w=1"]);
    b.clean(); // cleans [0, 3): checkpoint 3
    expect(b.log.cleanerCheckpoint).toBe(3);
    b.append(["x=2"], { ...txn, baseSequence: 1 });
    b.marker(7, true);
    b.roll();
    b.append(["z=1"]);
    b.clean();
    expect(b.read().filter((r) => r.includes(":x="))).toEqual(["4:x=2"]);
  });

  it("an ABORT marker read while building the map ends its transaction: the producer's next, committed, transaction supersedes", () => {
    // buildOffsetMap: control batches go to CleanedTransactionMetadata.onControlBatchRead, which closes the
    // aborted transaction; its later batches are then read as committed data.
    const b = new Builder();
    const txn = { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true } as Partial<RecordBatch>;
    b.append(["x=1"]);
    b.append(["y=1"], txn);
    b.marker(7, false);
    b.append(["x=2"], { ...txn, baseSequence: 1 });
    b.marker(7, true);
    b.roll();
    b.append(["z=1"]);
    b.clean();
    expect(b.read().filter((r) => r.includes(":x="))).toEqual(["3:x=2"]);
  });

  it("producer id 0 is a producer like any other: the batch holding its last data offset is kept, emptied", () => {
    // isBatchLastRecordOfProducer applies to every batch with a producer id (batch.hasProducerId: id >= 0).
    const b = new Builder();
    b.append(["a=1"], { producerId: 0, producerEpoch: 0, baseSequence: 0 });
    b.append(["a=2"]);
    b.roll();
    b.append(["z=1"]);
    b.clean();
    expect(b.log.batches[0]).toMatchObject({ baseOffset: 0, producerId: 0, records: [] });
  });

  it("a producer whose last write is a marker at a newer epoch keeps that marker, emptied, once its horizon passed; its aborted data goes", () => {
    // isBatchLastRecordOfProducer case 3: "the last entry in the log is a transaction marker. We retain this marker
    // since it has the last producer epoch, which is needed to ensure fencing" (KIP-890 bumps the epoch at the end).
    const b = new Builder();
    b.append(["a=1"], { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    b.append([], { producerId: 7, producerEpoch: 1, isControl: true, isTransactional: true, records: [{ key: "ABORT", value: "0" }], sizeBytes: 80 } as Partial<RecordBatch>);
    expect(b.state.lastRecordsOfActiveProducers().get(7)).toEqual({ lastDataOffset: -1, producerEpoch: 1 });
    const cleanAt = (ms: number) => {
      b.nowMs = ms;
      b.roll();
      b.append([`z=${ms}`]);
      return b.clean().r;
    };
    cleanAt(0);
    expect(b.log.batches.some((x) => x.baseOffset === 0)).toBe(false);
    cleanAt(10);
    const removed = [cleanAt(5000), cleanAt(6000)].map((r) => r?.markersRemoved);
    const marker = b.log.batches.find((x) => x.isControl);
    expect(marker).toMatchObject({ baseOffset: 1, producerEpoch: 1, records: [] });
    // Its record went once, and is counted once.
    expect(removed).toEqual([1, 0]);
    // Once the producer expires, the empty marker batch goes too, and no marker record is counted for it.
    b.state.producers.delete(7);
    expect(cleanAt(7000)?.markersRemoved).toBe(0);
    expect(b.log.batches.some((x) => x.isControl)).toBe(false);
  });

  it("counts an aborted batch removed whole: its records and the batch", () => {
    const b = new Builder();
    b.append(["a=1", "b=1"], { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    b.marker(7, false);
    b.roll();
    b.append(["z=1"]);
    b.state.producers.delete(7);
    expect(b.clean().r).toMatchObject({ recordsRemoved: 2, batchesRemoved: 1, markersRemoved: 0 });
  });

  it("segments above the cleaned range are not merged, however small", () => {
    // Cleaner.groupSegmentsBySize is given only the segments cleaned (below the first uncleanable offset).
    const b = new Builder();
    for (const k of ["a", "b", "c"]) {
      b.append([`${k}=1`]);
      b.roll();
    }
    b.append(["z=1"]);
    b.clean(1, { ...CFG, segmentBytes: 1 << 20 });
    expect(b.log.segments.map((s) => s.baseOffset)).toEqual([0, 1, 2, 3]);
  });

  it("a merged segment keeps the first batch time of its first part", () => {
    const b = new Builder();
    b.nowMs = 10;
    b.append(["a=1"]);
    b.roll();
    b.nowMs = 20;
    b.append(["b=1"]);
    b.roll();
    b.append(["z=1"]);
    b.clean();
    expect(b.log.segments[0]).toMatchObject({ baseOffset: 0, sizeBytes: 200, firstBatchTimestampMs: 10, largestTimestampMs: 20 });
  });
});

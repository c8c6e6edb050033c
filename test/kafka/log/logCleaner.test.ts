import { describe, expect, it } from "vitest";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import { ProducerStateManager } from "../../../src/kafka/log/producerStateManager.js";
import { cleanReplica, type CompactionConfig, logToClean, shouldClean } from "../../../src/kafka/log/logCleaner.js";
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
  clean(lso = this.log.logEndOffset) {
    const l = logToClean(this.log, lso, this.nowMs, CFG);
    return { l, r: cleanReplica({ log: this.log, producerState: this.state, lastStableOffset: lso }, l, this.nowMs, CFG) };
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

import { describe, expect, it } from "vitest";
import { ProducerStateManager } from "../../../src/kafka/log/producerStateManager.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";

let nextOffset = 0;
/** A batch of `n` records from producer 7 at `epoch`, starting at sequence `seq`, appended at the next offset. */
function b(epoch: number, seq: number, n = 1, pid = 7): RecordBatch {
  const batch: RecordBatch = {
    baseOffset: nextOffset,
    leaderEpoch: 0,
    producerId: pid,
    producerEpoch: epoch,
    baseSequence: seq,
    isTransactional: false,
    isControl: false,
    records: Array.from({ length: n }, (_, i) => ({ key: null, value: `v${seq + i}` })),
    sizeBytes: 100,
  };
  nextOffset += n;
  return batch;
}

/** Appends through the manager as the leader does: check, then update. */
function append(m: ProducerStateManager, batch: RecordBatch) {
  const r = m.check(batch, true);
  if (r.kind === "append") m.update(batch);
  return r;
}

describe("ProducerStateManager (kafka-facts §5.2)", () => {
  it("accepts a new producer at any sequence (no state: e.g. expired by retention)", () => {
    const m = new ProducerStateManager();
    expect(append(m, b(0, 42))).toEqual({ kind: "append" });
  });

  it("accepts the next sequence in the same epoch", () => {
    const m = new ProducerStateManager();
    append(m, b(0, 0, 3));
    expect(append(m, b(0, 3, 2))).toEqual({ kind: "append" });
  });

  it("refuses a gap in the same epoch with OUT_OF_ORDER_SEQUENCE_NUMBER", () => {
    const m = new ProducerStateManager();
    append(m, b(0, 0, 3));
    expect(append(m, b(0, 5))).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
  });

  it("answers a duplicate of one of the last five batches with its original offsets", () => {
    const m = new ProducerStateManager();
    const first = b(0, 0, 2);
    append(m, first);
    for (let s = 2; s < 12; s += 2) append(m, b(0, s, 2)); // five more batches
    const dupOfLast = { ...b(0, 10, 2) };
    expect(m.check(dupOfLast, true)).toMatchObject({ kind: "duplicate" });
    // The first batch fell out of the five-batch window: its retry is no longer recognised.
    expect(m.check({ ...first }, true)).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
  });

  it("the duplicate answer carries the offsets of the original append", () => {
    const m = new ProducerStateManager();
    const original = b(0, 0, 3);
    append(m, original);
    expect(m.check({ ...original, baseOffset: 999 }, true)).toEqual({ kind: "duplicate", firstOffset: original.baseOffset, lastOffset: original.baseOffset + 2 });
  });

  it("never takes a coordinator's NO_SEQUENCE write (a transactional offset commit) for a duplicate", () => {
    const m = new ProducerStateManager();
    const offsetsCommit = (): RecordBatch => ({ ...b(3, -1), isTransactional: true });
    expect(append(m, offsetsCommit())).toEqual({ kind: "append" });
    expect(append(m, offsetsCommit())).toEqual({ kind: "append" });
    // …but an older epoch is still fenced.
    expect(m.check({ ...offsetsCommit(), producerEpoch: 2 }, true)).toMatchObject({ kind: "error", error: "INVALID_PRODUCER_EPOCH" });
  });

  it("fences an older epoch with INVALID_PRODUCER_EPOCH on client appends", () => {
    const m = new ProducerStateManager();
    append(m, b(1, 0));
    expect(append(m, b(0, 1))).toMatchObject({ kind: "error", error: "INVALID_PRODUCER_EPOCH" });
  });

  it("replication appends an older epoch anyway (a warning in Kafka), keeping the newer state", () => {
    const m = new ProducerStateManager();
    append(m, b(1, 0));
    expect(m.check(b(0, 5), false)).toEqual({ kind: "append" });
  });

  it("a new epoch must start at sequence 0", () => {
    const m = new ProducerStateManager();
    append(m, b(0, 0, 5));
    expect(append(m, b(1, 3))).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(append(m, b(1, 0))).toEqual({ kind: "append" });
  });

  it("sequence numbers wrap: 0 follows Integer.MAX_VALUE", () => {
    const m = new ProducerStateManager();
    append(m, b(0, 2147483647));
    expect(append(m, b(0, 0))).toEqual({ kind: "append" });
  });

  it("non-idempotent batches (producer id -1) are always appended", () => {
    const m = new ProducerStateManager();
    expect(m.check(b(-1, -1, 1, -1), true)).toEqual({ kind: "append" });
  });

  it("rebuilds the same state by replaying the log (leader change, recovery)", () => {
    const m = new ProducerStateManager();
    const log = [b(0, 0, 2), b(0, 2, 2), b(0, 4, 1)];
    for (const x of log) append(m, x);
    const rebuilt = new ProducerStateManager();
    rebuilt.rebuild(log);
    expect([...rebuilt.producers]).toEqual([...m.producers]);
    expect(append(rebuilt, b(0, 5))).toEqual({ kind: "append" });
  });
});

describe("ProducerStateManager and transactions", () => {
  const txnBatch = (epoch: number, seq: number, offset: number, n = 1): RecordBatch => ({ ...b(epoch, seq, n), baseOffset: offset, isTransactional: true });
  const marker = (epoch: number, offset: number, commit: boolean, coordinatorEpoch = 0): RecordBatch => ({
    baseOffset: offset,
    leaderEpoch: 0,
    producerId: 7,
    producerEpoch: epoch,
    baseSequence: -1,
    isTransactional: true,
    isControl: true,
    records: [{ key: commit ? "COMMIT" : "ABORT", value: String(coordinatorEpoch) }],
    sizeBytes: 78,
  });

  it("the first transactional batch opens a transaction that bounds the LSO; a marker closes it", () => {
    const m = new ProducerStateManager();
    m.update(txnBatch(0, 0, 10, 2));
    m.update(txnBatch(0, 2, 12));
    expect(m.firstUnstableOffset()).toBe(10);
    m.update(marker(0, 13, true));
    expect(m.firstUnstableOffset()).toBe(Infinity);
  });

  it("an abort marker indexes the aborted range for read_committed", () => {
    const m = new ProducerStateManager();
    m.update(txnBatch(0, 0, 5, 2));
    m.update(marker(0, 7, false));
    expect(m.aborted).toEqual([{ producerId: 7, firstOffset: 5, lastOffset: 7 }]);
    expect(m.isAborted(7, 6)).toBe(true);
    expect(m.isAborted(7, 8)).toBe(false);
  });

  it("a non-transactional write during an open transaction is INVALID_TXN_STATE", () => {
    const m = new ProducerStateManager();
    m.update(txnBatch(0, 0, 0));
    expect(m.check(b(0, 1), true)).toMatchObject({ kind: "error", error: "INVALID_TXN_STATE" });
  });

  it("markers from an older coordinator epoch or producer epoch are refused", () => {
    const m = new ProducerStateManager();
    m.update(txnBatch(1, 0, 0));
    m.update(marker(1, 1, true, 5));
    expect(m.checkMarker(7, 1, 4)).toMatchObject({ kind: "error", error: "TRANSACTION_COORDINATOR_FENCED" });
    expect(m.checkMarker(7, 0, 5)).toMatchObject({ kind: "error", error: "INVALID_PRODUCER_EPOCH" });
    expect(m.checkMarker(7, 1, 5)).toEqual({ kind: "append" });
  });

  it("a marker at a newer epoch (TV2) fences writes of the old epoch", () => {
    const m = new ProducerStateManager();
    m.update(txnBatch(0, 0, 0));
    m.update(marker(1, 1, false));
    expect(m.check(txnBatch(0, 1, 2), true)).toMatchObject({ kind: "error", error: "INVALID_PRODUCER_EPOCH" });
  });
});

import { describe, expect, it } from "vitest";
import { markerOf, NUM_BATCHES_TO_RETAIN, ProducerStateManager } from "../../../src/kafka/log/producerStateManager.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";

/**
 * A partition's idempotent and transactional producer state (Kafka `ProducerStateManager`, `ProducerAppendInfo`,
 * `ProducerStateEntry`; kafka-facts §5.2), and the checks a leader makes before it appends a client's batch
 * (`UnifiedLog.analyzeAndValidateProducerState`). Cases named after a test are the ones of Kafka's
 * `ProducerStateManagerTest` that check the same rule.
 */

const INT_MAX = 2147483647;

/** A batch of `n` records from producer `pid` (7 unless said) at `epoch`, from sequence `seq`, at `offset`. */
function data(epoch: number, seq: number, offset: number, opts: { n?: number; pid?: number; transactional?: boolean } = {}): RecordBatch {
  const n = opts.n ?? 1;
  return {
    baseOffset: offset,
    leaderEpoch: 0,
    producerId: opts.pid ?? 7,
    producerEpoch: epoch,
    baseSequence: seq,
    isTransactional: opts.transactional ?? false,
    isControl: false,
    records: Array.from({ length: n }, (_, i) => ({ key: null, value: `v${offset + i}` })),
    sizeBytes: 100,
  };
}

/** A transactional batch (see `data`). */
const txn = (epoch: number, seq: number, offset: number, opts: { n?: number; pid?: number } = {}) => data(epoch, seq, offset, { ...opts, transactional: true });

/** A COMMIT or ABORT marker of producer `pid` (7 unless said) at `epoch`, written by a coordinator at `coordinatorEpoch`. */
function marker(kind: "COMMIT" | "ABORT", epoch: number, offset: number, coordinatorEpoch = 0, pid = 7): RecordBatch {
  return {
    baseOffset: offset,
    leaderEpoch: 0,
    producerId: pid,
    producerEpoch: epoch,
    baseSequence: -1,
    isTransactional: true,
    isControl: true,
    records: [{ key: kind, value: String(coordinatorEpoch) }],
    sizeBytes: 78,
  };
}

/** Appends as the leader does for a client: check, then record the batch if it is appended. */
function append(m: ProducerStateManager, batch: RecordBatch) {
  const r = m.check(batch, true);
  if (r.kind === "append") m.update(batch);
  return r;
}

/** The retained batches of producer 7 as [firstSeq, lastSeq, firstOffset, lastOffset]. */
const retained = (m: ProducerStateManager, pid = 7) => m.producers.get(pid)?.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset]);

describe("idempotence: sequence numbers within an epoch", () => {
  it("a producer the partition has no state for may start at any sequence", () => {
    // No entry (a new producer, or one whose state expired): ProducerAppendInfo accepts any sequence when the current
    // entry has no epoch (RecordBatch.NO_PRODUCER_EPOCH).
    const m = new ProducerStateManager();
    expect(append(m, data(0, 42, 0))).toEqual({ kind: "append" });
    expect(m.producers.get(7)).toEqual({ lastTimestampMs: 0, producerId: 7, producerEpoch: 0, batches: [{ firstSeq: 42, lastSeq: 42, firstOffset: 0, lastOffset: 0 }] });
  });

  it("accepts the next sequence, and remembers each batch's sequences and offsets", () => {
    // testBasicIdMapping.
    const m = new ProducerStateManager();
    append(m, data(0, 0, 0, { n: 3 }));
    expect(append(m, data(0, 3, 3, { n: 2 }))).toEqual({ kind: "append" });
    expect(retained(m)).toEqual([
      [0, 2, 0, 2],
      [3, 4, 3, 4],
    ]);
  });

  it("refuses a gap with OUT_OF_ORDER_SEQUENCE_NUMBER, saying which sequence it expected", () => {
    // A batch lost in flight: the producer must not get a later one written in its place (kafka-facts §5.2).
    const m = new ProducerStateManager();
    append(m, data(0, 0, 0, { n: 3 }));
    expect(append(m, data(0, 5, 3))).toEqual({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER", message: "expected sequence 3, got 5" });
    expect(retained(m)).toEqual([[0, 2, 0, 2]]);
  });

  it("refuses a sequence that goes back without being a retry of a whole retained batch", () => {
    // testBasicIdMapping: "duplicates are checked separately and should result in OutOfOrderSequence if appended".
    // A batch [0..2] is retained; [0..1] and [1..2] overlap it but are not it.
    const m = new ProducerStateManager();
    append(m, data(0, 0, 0, { n: 3 }));
    expect(append(m, data(0, 0, 9, { n: 2 }))).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(append(m, data(0, 1, 9, { n: 2 }))).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
  });

  it("sequence numbers wrap: 0 follows Integer.MAX_VALUE, and nothing else does", () => {
    // testProducerSequenceWrapAround / testProducerSequenceInvalidWrapAround (ProducerAppendInfo.inSequence).
    const m = new ProducerStateManager();
    append(m, data(15, INT_MAX, 735));
    expect(m.check(data(15, 1, 1235), true)).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(append(m, data(15, 0, 1235))).toEqual({ kind: "append" });
    expect(retained(m)).toEqual([
      [INT_MAX, INT_MAX, 735, 735],
      [0, 0, 1235, 1235],
    ]);
  });

  it("a batch may itself span the wrap", () => {
    // testProducerSequenceWithWrapAroundBatchRecord: first sequence MAX-10, eleven records later the last is... 0.
    const m = new ProducerStateManager();
    append(m, data(15, INT_MAX - 10, 2000, { n: 11 }));
    expect(retained(m)).toEqual([[INT_MAX - 10, INT_MAX, 2000, 2010]]);
    append(m, data(15, 0, 2011, { n: 10 }));
    expect(append(m, data(15, 10, 2021))).toEqual({ kind: "append" });
  });

  it("producer id 0 is a real producer, checked like any other", () => {
    // Producer ids are allocated from 0 (ProducerIdManager); only -1 (NO_PRODUCER_ID) means "not idempotent".
    const m = new ProducerStateManager();
    append(m, data(0, 0, 0, { pid: 0 }));
    expect(m.producers.has(0)).toBe(true);
    expect(append(m, data(0, 5, 1, { pid: 0 }))).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
  });

  it("a batch without a producer id (acks without idempotence) is never checked and leaves no state", () => {
    const m = new ProducerStateManager();
    const plain = data(-1, -1, 0, { pid: -1 });
    expect(append(m, plain)).toEqual({ kind: "append" });
    expect(append(m, plain)).toEqual({ kind: "append" });
    expect(m.producers.size).toBe(0);
  });
});

describe("idempotence: duplicates", () => {
  it("a retry of one of the last five batches is answered with the offsets the original got, and is not appended", () => {
    // UnifiedLog.analyzeAndValidateProducerState: "If we find a duplicate, we return the metadata of the appended
    // batch to the client" (ProducerStateEntry.findDuplicateBatch matches first and last sequence, same epoch).
    const m = new ProducerStateManager();
    const original = data(0, 0, 10, { n: 3 });
    append(m, original);
    expect(m.check({ ...original, baseOffset: 999 }, true)).toEqual({ kind: "duplicate", firstOffset: 10, lastOffset: 12 });
  });

  it("remembers exactly NUM_BATCHES_TO_RETAIN (5) batches: the oldest of five is still a duplicate, a sixth pushes it out", () => {
    expect(NUM_BATCHES_TO_RETAIN).toBe(5);
    const m = new ProducerStateManager();
    const batches = Array.from({ length: 6 }, (_, i) => data(0, 2 * i, 2 * i, { n: 2 }));
    for (const b of batches.slice(0, 5)) append(m, b);
    expect(m.check(batches[0], true)).toEqual({ kind: "duplicate", firstOffset: 0, lastOffset: 1 });
    append(m, batches[5]);
    expect(retained(m)).toHaveLength(5);
    expect(m.check(batches[5], true)).toEqual({ kind: "duplicate", firstOffset: 10, lastOffset: 11 });
    // The first batch fell out of the window: its retry is now out of order.
    expect(m.check(batches[0], true)).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
  });

  it("a batch with the same sequences at another epoch is not a duplicate", () => {
    // findDuplicateBatch: "if (batch.producerEpoch() != producerEpoch) return Optional.empty()". At a newer epoch a
    // batch from sequence 0 is the start of the new epoch.
    const m = new ProducerStateManager();
    append(m, data(0, 0, 0, { n: 2 }));
    expect(m.check(data(1, 0, 2, { n: 2 }), true)).toEqual({ kind: "append" });
  });

  it("never takes a coordinator's NO_SEQUENCE write (a transactional offset commit) for a duplicate", () => {
    // testSequenceNotValidatedForGroupMetadataTopic: the coordinator's writes carry no sequence and are checked for
    // epoch only (AppendOrigin.COORDINATOR). An older epoch is still fenced.
    const m = new ProducerStateManager();
    const offsetsCommit = (offset: number): RecordBatch => txn(3, -1, offset);
    expect(append(m, offsetsCommit(0))).toEqual({ kind: "append" });
    expect(append(m, offsetsCommit(1))).toEqual({ kind: "append" });
    expect(m.check({ ...offsetsCommit(2), producerEpoch: 2 }, true)).toMatchObject({ kind: "error", error: "INVALID_PRODUCER_EPOCH" });
  });
});

describe("fencing: producer epochs", () => {
  it("refuses an older epoch with INVALID_PRODUCER_EPOCH once a newer one has written (the zombie is fenced)", () => {
    // testBasicIdMapping "Change epoch … Incorrect epoch": a new instance of the producer (InitProducerId) writes at
    // epoch 1; the old instance, paused and now awake, still writes at epoch 0 and must be refused.
    const m = new ProducerStateManager();
    append(m, data(0, 0, 0, { n: 3 }));
    expect(append(m, data(1, 0, 3))).toEqual({ kind: "append" });
    expect(m.producers.get(7)?.producerEpoch).toBe(1);
    expect(append(m, data(0, 3, 4))).toEqual({ kind: "error", error: "INVALID_PRODUCER_EPOCH", message: "epoch 0 is older than the last seen 1" });
  });

  it("a new epoch starts a fresh entry: the old epoch's batches are forgotten", () => {
    // ProducerStateEntry.maybeUpdateProducerEpoch clears the batch metadata when the epoch changes.
    const m = new ProducerStateManager();
    append(m, data(0, 0, 0, { n: 3 }));
    append(m, data(1, 0, 3));
    expect(retained(m)).toEqual([[0, 0, 3, 3]]);
    expect(append(m, data(1, 1, 4))).toEqual({ kind: "append" });
  });

  it("a new epoch must start at sequence 0", () => {
    // ProducerAppendInfo.checkSequence: "Invalid sequence number for new epoch".
    const m = new ProducerStateManager();
    append(m, data(0, 0, 0, { n: 5 }));
    expect(append(m, data(1, 3, 5))).toEqual({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER", message: "new epoch 1 must start at sequence 0, got 3" });
    expect(append(m, data(1, 0, 5))).toEqual({ kind: "append" });
  });

  it("state with no epoch yet (NO_PRODUCER_EPOCH) accepts a new epoch, and the same epoch, at any sequence", () => {
    // checkSequence: "If there is no current producer epoch … accept writes with any sequence number".
    const m = new ProducerStateManager();
    m.update(data(-1, 4, 0));
    expect(m.check(data(0, 7, 1), true)).toEqual({ kind: "append" });
    expect(m.check(data(-1, 9, 1), true)).toEqual({ kind: "append" });
  });
});

describe("replication: the follower takes the leader's batches as they are", () => {
  it("appends an older epoch anyway (only a warning in Kafka), and its state follows the log", () => {
    // ProducerAppendInfo.checkProducerEpoch: "if (origin == AppendOrigin.REPLICATION) log.warn(message)"; the entry
    // then takes the batch's epoch (ProducerStateEntry.maybeUpdateProducerEpoch: any other epoch resets it).
    const m = new ProducerStateManager();
    m.update(data(1, 0, 0));
    const old = data(0, 5, 1);
    expect(m.check(old, false)).toEqual({ kind: "append" });
    m.update(old);
    expect(m.producers.get(7)).toEqual({ lastTimestampMs: 0, producerId: 7, producerEpoch: 0, batches: [{ firstSeq: 5, lastSeq: 5, firstOffset: 1, lastOffset: 1 }] });
  });

  it("appends a sequence gap, and does not look for duplicates", () => {
    // testAcceptAppendWithSequenceGapsOnReplica; duplicates are looked for only for AppendOrigin.CLIENT.
    const m = new ProducerStateManager();
    const first = data(0, 0, 0);
    m.update(first);
    expect(m.check(data(0, 3, 1), false)).toEqual({ kind: "append" });
    expect(m.check({ ...first, baseOffset: 1 }, false)).toEqual({ kind: "append" });
  });

  it("rebuilds the same state by replaying the log, from any sequence (leader change, recovery, truncation)", () => {
    // testNoValidationOnFirstEntryWhenLoadingLog: the log is loaded without validation.
    const m = new ProducerStateManager();
    const log = [data(5, 16, 735, { n: 2 }), data(5, 18, 737, { n: 2 }), data(5, 20, 739)];
    for (const x of log) append(m, x);
    const rebuilt = new ProducerStateManager();
    rebuilt.update(data(9, 0, 0, { pid: 8, transactional: true }));
    rebuilt.rebuild(log);
    expect([...rebuilt.producers]).toEqual([...m.producers]);
    expect([...rebuilt.ongoing]).toEqual([]);
    expect(append(rebuilt, data(5, 21, 740))).toEqual({ kind: "append" });
  });
});

describe("transactions: the open transaction and the LSO", () => {
  it("the first transactional batch opens a transaction; later ones do not move its start; a marker closes it", () => {
    // ProducerAppendInfo.appendDataBatch sets currentTxnFirstOffset once; appendEndTxnMarker clears it.
    // The partition's LSO is min(HW, this first offset).
    const m = new ProducerStateManager();
    expect(m.firstUnstableOffset()).toBe(Infinity);
    m.update(txn(0, 0, 10, { n: 2 }));
    m.update(txn(0, 2, 12));
    expect(m.firstUnstableOffset()).toBe(10);
    expect([...m.ongoing]).toEqual([[7, 10]]);
    m.update(marker("COMMIT", 0, 13));
    expect([...m.ongoing]).toEqual([]);
    // completeTxn: the transaction stays unstable until the HW passes its marker (at 13).
    expect(m.firstUnstableOffset()).toBe(10);
    m.onHighWatermarkUpdated(13);
    expect(m.firstUnstableOffset()).toBe(10);
    m.onHighWatermarkUpdated(14);
    expect(m.firstUnstableOffset()).toBe(Infinity);
  });

  it("testFirstUnstableOffset: the oldest transaction that is open or whose marker is not below the HW bounds it", () => {
    const m = new ProducerStateManager();
    m.update(txn(5, 0, 99));
    expect(m.firstUnstableOffset()).toBe(99);
    m.update(txn(5, 0, 105, { pid: 2 }));
    expect(m.firstUnstableOffset()).toBe(99);
    m.update(marker("COMMIT", 5, 109));
    // firstUndecidedOffset is 105 now, firstUnstableOffset still 99.
    expect([...m.ongoing]).toEqual([[2, 105]]);
    expect(m.firstUnstableOffset()).toBe(99);
    m.onHighWatermarkUpdated(100);
    expect(m.firstUnstableOffset()).toBe(99);
    m.onHighWatermarkUpdated(110);
    expect(m.firstUnstableOffset()).toBe(105);
    m.update(marker("ABORT", 5, 112, 0, 2));
    expect([...m.ongoing]).toEqual([]);
    expect(m.firstUnstableOffset()).toBe(105);
    m.onHighWatermarkUpdated(113);
    expect(m.firstUnstableOffset()).toBe(Infinity);
  });

  it("an open transaction older than an unreplicated one bounds it (min over both)", () => {
    const m = new ProducerStateManager();
    m.update(txn(5, 0, 99, { pid: 2 }));
    m.update(txn(5, 0, 105));
    m.update(marker("COMMIT", 5, 109));
    expect(m.firstUnstableOffset()).toBe(99);
    m.update(marker("COMMIT", 5, 110, 0, 2));
    expect(m.firstUnstableOffset()).toBe(99);
    m.onHighWatermarkUpdated(110);
    expect(m.firstUnstableOffset()).toBe(99);
    m.onHighWatermarkUpdated(111);
    expect(m.firstUnstableOffset()).toBe(Infinity);
  });

  it("a marker with no data of its producer here completes nothing (appendEndTxnMarker emits no CompletedTxn)", () => {
    const m = new ProducerStateManager();
    m.update(marker("COMMIT", 5, 3));
    expect(m.firstUnstableOffset()).toBe(Infinity);
    expect(m.aborted).toEqual([]);
  });

  it("onLogStartOffsetIncremented drops completed transactions whose marker is below the new log start", () => {
    const m = new ProducerStateManager();
    m.update(txn(5, 0, 10));
    m.update(marker("ABORT", 5, 12));
    m.onLogStartOffsetIncremented(12);
    expect(m.firstUnstableOffset()).toBe(10);
    m.onLogStartOffsetIncremented(13);
    expect(m.firstUnstableOffset()).toBe(Infinity);
  });

  it("a rebuild forgets unreplicated transactions, then replays the markers it reads into them again (truncateAndReload, loadProducersFromRecords)", () => {
    const m = new ProducerStateManager();
    m.update(txn(5, 0, 10));
    m.update(marker("COMMIT", 5, 12));
    m.onHighWatermarkUpdated(13);
    expect(m.firstUnstableOffset()).toBe(Infinity);
    // Replayed from the log: completeTxn again, until the caller's next HW update.
    m.rebuild([txn(5, 0, 10), marker("COMMIT", 5, 12)]);
    expect(m.firstUnstableOffset()).toBe(10);
    m.onHighWatermarkUpdated(13);
    expect(m.firstUnstableOffset()).toBe(Infinity);
    // A snapshot holds no unreplicated transaction: replaying only what follows it completes nothing older.
    m.update(txn(5, 1, 20));
    m.update(marker("COMMIT", 5, 22));
    const snap = m.snapshot(23);
    expect(Object.keys(snap)).not.toContain("unreplicated");
    m.rebuild([txn(5, 1, 20), marker("COMMIT", 5, 22)], snap);
    expect(m.firstUnstableOffset()).toBe(Infinity);
  });

  it("a non-transactional write while the producer's transaction is open is INVALID_TXN_STATE", () => {
    // testNonTransactionalAppendWithOngoingTransaction.
    const m = new ProducerStateManager();
    append(m, txn(0, 0, 0));
    expect(append(m, data(0, 1, 1))).toEqual({ kind: "error", error: "INVALID_TXN_STATE", message: "a non-transactional write while a transaction is open" });
    // Another producer's plain write is fine, and so is this producer's once the transaction is over.
    expect(append(m, data(0, 0, 1, { pid: 8 }))).toEqual({ kind: "append" });
    m.update(marker("COMMIT", 0, 2));
    expect(append(m, data(0, 1, 3))).toEqual({ kind: "append" });
  });

  it("the epoch and sequence are checked before the transaction state", () => {
    // ProducerAppendInfo.appendDataBatch validates epoch and sequence (maybeValidateDataBatch) before it looks at
    // currentTxnFirstOffset: a zombie's plain write during the new instance's transaction is an epoch error.
    const m = new ProducerStateManager();
    append(m, txn(1, 0, 0));
    expect(append(m, data(0, 1, 1))).toMatchObject({ kind: "error", error: "INVALID_PRODUCER_EPOCH" });
    expect(append(m, data(1, 5, 1))).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
  });
});

describe("transactions: markers", () => {
  it("a marker's type is in its key and the coordinator epoch in its value", () => {
    // EndTransactionMarker: the control record key holds COMMIT or ABORT, the value the coordinator epoch.
    expect(markerOf(marker("COMMIT", 0, 0, 4))).toEqual({ commit: true, coordinatorEpoch: 4 });
    expect(markerOf(marker("ABORT", 0, 0, 2))).toEqual({ commit: false, coordinatorEpoch: 2 });
  });

  it("an abort indexes the aborted range, from the transaction's first offset to the marker", () => {
    // CompletedTxn(producerId, firstOffset, markerOffset, isAborted) goes into the aborted-transaction index; a
    // read_committed consumer drops that producer's records in the range.
    const m = new ProducerStateManager();
    m.update(txn(0, 0, 5, { n: 2 }));
    m.update(marker("ABORT", 0, 7));
    expect(m.aborted).toEqual([{ producerId: 7, firstOffset: 5, lastOffset: 7 }]);
    expect([4, 5, 6, 7, 8].map((o) => m.isAborted(7, o))).toEqual([false, true, true, true, false]);
    expect(m.isAborted(8, 6)).toBe(false);
  });

  it("a commit indexes nothing", () => {
    const m = new ProducerStateManager();
    m.update(txn(0, 0, 5));
    m.update(marker("COMMIT", 0, 6));
    expect(m.aborted).toEqual([]);
    expect(m.isAborted(7, 5)).toBe(false);
  });

  it("a marker with no open transaction completes nothing and indexes nothing", () => {
    // testSkipEmptyTransactions: "Only emit the CompletedTxn for non-empty transactions" (the partition was added
    // to the transaction but nothing was written to it).
    const m = new ProducerStateManager();
    m.update(marker("ABORT", 0, 0));
    expect(m.aborted).toEqual([]);
    expect(m.firstUnstableOffset()).toBe(Infinity);
  });

  it("a marker for a producer with no state creates its entry: fencing and sequence checks work from the marker alone", () => {
    // testAppendTxnMarkerWithNoProducerState: an older epoch is fenced; a non-zero sequence at the marker's epoch
    // is out of order "so that the producer can reset its state"; sequence 0 is accepted.
    const m = new ProducerStateManager();
    m.update(marker("COMMIT", 2, 27));
    expect(m.producers.get(7)).toEqual({ lastTimestampMs: 0, producerId: 7, producerEpoch: 2, batches: [] });
    expect(m.check(data(0, 0, 28), true)).toMatchObject({ kind: "error", error: "INVALID_PRODUCER_EPOCH" });
    expect(m.check(data(2, 17, 28), true)).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(append(m, data(2, 0, 28))).toEqual({ kind: "append" });
  });

  it("a marker at a newer epoch (KIP-890 TV2 bumps on every end) fences the old epoch and resets the sequences", () => {
    // testControlRecordBumpsProducerEpoch / testOutOfSequenceAfterControlRecordEpochBump.
    const m = new ProducerStateManager();
    append(m, txn(0, 0, 0));
    append(m, txn(0, 1, 1));
    m.update(marker("ABORT", 1, 2));
    expect(m.producers.get(7)).toEqual({ lastTimestampMs: 0, producerId: 7, producerEpoch: 1, batches: [] });
    expect(m.check(txn(0, 2, 3), true)).toMatchObject({ kind: "error", error: "INVALID_PRODUCER_EPOCH" });
    expect(m.check(txn(1, 2, 3), true)).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(m.check(txn(2, 2, 3), true)).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(append(m, txn(1, 0, 3))).toEqual({ kind: "append" });
  });

  it("a marker at the producer's epoch keeps its retained batches", () => {
    // ProducerStateEntry.update with the same epoch does not clear the batch metadata: a retry after the commit is
    // still a duplicate.
    const m = new ProducerStateManager();
    const b = txn(0, 0, 0, { n: 2 });
    append(m, b);
    m.update(marker("COMMIT", 0, 2));
    expect(retained(m)).toEqual([[0, 1, 0, 1]]);
    expect(m.check(b, true)).toEqual({ kind: "duplicate", firstOffset: 0, lastOffset: 1 });
  });

  it("refuses a marker from an older coordinator (TRANSACTION_COORDINATOR_FENCED) or for an older producer epoch", () => {
    // testCoordinatorFencing / testOldEpochForControlRecord (ProducerAppendInfo.appendEndTxnMarker).
    const m = new ProducerStateManager();
    append(m, txn(5, 0, 99));
    m.update(marker("COMMIT", 5, 100, 1));
    expect(m.checkMarker(7, 5, 1)).toEqual({ kind: "append" }); // the current coordinator epoch
    expect(m.checkMarker(7, 5, 2)).toEqual({ kind: "append" }); // a newer coordinator
    expect(m.checkMarker(7, 5, 0)).toEqual({ kind: "error", error: "TRANSACTION_COORDINATOR_FENCED", message: "coordinator epoch 0 is older than 1" });
    expect(m.checkMarker(7, 3, 1)).toEqual({ kind: "error", error: "INVALID_PRODUCER_EPOCH", message: "marker epoch 3 is older than 5" });
    // A producer the partition knows nothing of: any marker is accepted.
    expect(m.checkMarker(8, 0, 0)).toEqual({ kind: "append" });
  });

  it("a marker that is stale on both counts is refused for its producer epoch first", () => {
    // appendEndTxnMarker calls checkProducerEpoch before checkCoordinatorEpoch.
    const m = new ProducerStateManager();
    append(m, txn(5, 0, 0));
    m.update(marker("COMMIT", 5, 1, 3));
    expect(m.checkMarker(7, 4, 2)).toMatchObject({ kind: "error", error: "INVALID_PRODUCER_EPOCH" });
  });

  it("a rebuild forgets aborted ranges, open transactions and coordinator epochs not in the replayed log", () => {
    // After a truncation the state is rebuilt from the log that is left (ProducerStateManager.truncateAndReload).
    const m = new ProducerStateManager();
    const log = [txn(0, 0, 0), marker("ABORT", 0, 1, 4), txn(0, 1, 2)];
    for (const b of log) m.update(b);
    expect(m.checkMarker(7, 0, 3)).toMatchObject({ error: "TRANSACTION_COORDINATOR_FENCED" });
    m.rebuild(log.slice(0, 1));
    expect(m.aborted).toEqual([]);
    expect([...m.ongoing]).toEqual([[7, 0]]);
    expect(m.checkMarker(7, 0, 3)).toEqual({ kind: "append" });
    m.rebuild(log);
    expect(m.aborted).toEqual([{ producerId: 7, firstOffset: 0, lastOffset: 1 }]);
    expect([...m.ongoing]).toEqual([[7, 2]]);
  });
});

describe("expiration: producer.id.expiration.ms (ProducerStateManager.removeExpiredProducers)", () => {
  /** A batch of producer `pid` written at `ms` (its max timestamp). */
  const at = (pid: number, epoch: number, seq: number, offset: number, ms: number, transactional = false): RecordBatch => ({ ...data(epoch, seq, offset, { pid, transactional }), maxTimestampMs: ms });

  it("forgets a producer idle for at least the expiration, keeps one idle a millisecond less, and says which went, in id order", () => {
    // isProducerExpired: currentTimeMs - lastTimestamp >= producerIdExpirationMs, and no open transaction.
    const m = new ProducerStateManager();
    m.update(at(9, 0, 0, 0, 1000));
    m.update(at(3, 0, 0, 1, 1000));
    m.update(at(5, 0, 0, 2, 1001));
    expect(m.removeExpiredProducers(1999, 1000)).toEqual([]);
    expect(m.removeExpiredProducers(2000, 1000)).toEqual([3, 9]);
    expect([...m.producers.keys()]).toEqual([5]);
  });

  it("an expired producer's next write may start at any sequence: the partition no longer knows it", () => {
    // The KAFKA-7190 family: after expiration the producer is new to the partition (no epoch, no batches).
    const m = new ProducerStateManager();
    append(m, at(7, 0, 0, 0, 0));
    m.removeExpiredProducers(5000, 5000);
    expect(append(m, at(7, 0, 42, 1, 5000))).toEqual({ kind: "append" });
  });

  it("a producer with an open transaction is never expired, however idle", () => {
    const m = new ProducerStateManager();
    m.update(at(7, 0, 0, 0, 0, true));
    expect(m.removeExpiredProducers(1_000_000, 1000)).toEqual([]);
    m.update({ ...marker("COMMIT", 0, 1), maxTimestampMs: 10 });
    expect(m.removeExpiredProducers(1_000_000, 1000)).toEqual([7]);
  });

  it("the idle time counts from the newest timestamp written: a batch with an older timestamp does not move it back", () => {
    // Kafka's ProducerStateEntry.addBatch takes each batch's max timestamp as it is. In the model the leader stamps
    // every batch with its append time, so timestamps never go back and the two agree; the model keeps the newest
    // (Math.max), so a batch with an older timestamp (only a hand-built one has it) cannot make a producer look idle.
    const m = new ProducerStateManager();
    m.update(at(7, 0, 0, 0, 5000));
    m.update(at(7, 0, 1, 1, 3000));
    expect(m.producers.get(7)?.lastTimestampMs).toBe(5000);
    expect(m.removeExpiredProducers(9999, 5000)).toEqual([]);
  });

  it("a marker counts as a write: it moves the producer's last timestamp, never back", () => {
    // appendEndTxnMarker → updatedEntry.update(producerEpoch, coordinatorEpoch, timestamp); "never back" is the
    // model's Math.max, as for data batches above.
    const m = new ProducerStateManager();
    m.update(at(7, 0, 0, 0, 1000, true));
    m.update({ ...marker("ABORT", 0, 1), maxTimestampMs: 4000 });
    expect(m.producers.get(7)?.lastTimestampMs).toBe(4000);
    m.update({ ...marker("COMMIT", 0, 2), maxTimestampMs: 2000 });
    expect(m.producers.get(7)?.lastTimestampMs).toBe(4000);
  });
});

describe("what the cleaner reads (UnifiedLog.lastRecordsOfActiveProducers, transaction index)", () => {
  it("each producer's last data offset is the last offset of its newest retained batch, with its epoch", () => {
    const m = new ProducerStateManager();
    m.update(data(0, 0, 0, { n: 3 }));
    m.update(data(0, 3, 3, { n: 4 }));
    m.update(data(2, 0, 7, { pid: 8 }));
    expect([...m.lastRecordsOfActiveProducers()]).toEqual([
      [7, { lastDataOffset: 6, producerEpoch: 0 }],
      [8, { lastDataOffset: 7, producerEpoch: 2 }],
    ]);
  });

  it("a producer whose last write was a marker at a newer epoch has no last data offset (-1)", () => {
    // The entry the bumped marker started holds no batch (ProducerStateEntry.lastDataOffset is -1 when empty).
    const m = new ProducerStateManager();
    m.update(txn(0, 0, 0));
    m.update(marker("COMMIT", 1, 1));
    expect(m.lastRecordsOfActiveProducers().get(7)).toEqual({ lastDataOffset: -1, producerEpoch: 1 });
  });

  it("after a cleaning, aborted transactions below the cleaned offset stay only if the cleaner kept them; those at or past it stay", () => {
    // Cleaner.cleanSegments rewrites the transaction index of the segments it cleaned (cleanedIndex of the aborted
    // transactions whose markers it retained); the index of the segments not cleaned is untouched.
    const m = new ProducerStateManager();
    for (const [pid, first, last] of [
      [1, 0, 4],
      [2, 2, 6],
      [3, 5, 9],
      [4, 8, 10],
    ])
      m.aborted.push({ producerId: pid, firstOffset: first, lastOffset: last });
    m.retainAbortedBelow(10, [{ producerId: 2, firstOffset: 2, lastOffset: 6 }]);
    expect(m.aborted).toEqual([
      { producerId: 2, firstOffset: 2, lastOffset: 6 },
      { producerId: 4, firstOffset: 8, lastOffset: 10 },
    ]);
  });

  it("a kept aborted transaction is matched by producer and first offset, not by producer alone", () => {
    const m = new ProducerStateManager();
    m.aborted.push({ producerId: 1, firstOffset: 0, lastOffset: 2 }, { producerId: 1, firstOffset: 3, lastOffset: 5 });
    m.retainAbortedBelow(10, [{ producerId: 1, firstOffset: 3, lastOffset: 5 }]);
    expect(m.aborted).toEqual([{ producerId: 1, firstOffset: 3, lastOffset: 5 }]);
  });
});

describe("snapshots (ProducerStateManager.takeSnapshot, truncateAndReload)", () => {
  it("a snapshot is a copy: later writes do not change it", () => {
    const m = new ProducerStateManager();
    m.update(txn(0, 0, 0));
    const snap = m.snapshot(1);
    m.update(txn(0, 1, 1));
    m.update(marker("ABORT", 0, 2, 3));
    expect(snap).toEqual({
      offset: 1,
      producers: [{ producerId: 7, producerEpoch: 0, lastTimestampMs: 0, batches: [{ firstSeq: 0, lastSeq: 0, firstOffset: 0, lastOffset: 0 }] }],
      ongoing: [[7, 0]],
      aborted: [],
      coordinatorEpochs: [],
    });
  });

  it("a rebuild from a snapshot restores producers, open transactions, aborted ranges and coordinator epochs, then replays the batches from the snapshot's offset", () => {
    // UnifiedLog.rebuildProducerState: loadFromSnapshot, then the log is read from the snapshot's offset on.
    const m = new ProducerStateManager();
    const log = [txn(0, 0, 0), marker("ABORT", 0, 1, 4), txn(0, 1, 2, { pid: 8 }), data(0, 0, 3, { pid: 9 })];
    for (const b of log.slice(0, 3)) m.update(b);
    const snap = m.snapshot(3);
    // The batches before the snapshot's offset are gone (retention); replaying them again would double-count.
    const rebuilt = new ProducerStateManager();
    rebuilt.rebuild([data(5, 0, 0, { pid: 7 }), ...log.slice(3)], snap);
    expect(rebuilt.producers.get(7)?.producerEpoch).toBe(0);
    expect([...rebuilt.ongoing]).toEqual([[8, 2]]);
    expect(rebuilt.aborted).toEqual([{ producerId: 7, firstOffset: 0, lastOffset: 1 }]);
    expect(rebuilt.checkMarker(7, 0, 3)).toMatchObject({ error: "TRANSACTION_COORDINATOR_FENCED" });
    expect(retained(rebuilt, 9)).toEqual([[0, 0, 3, 3]]);
    // The snapshot is copied in, not shared: the rebuilt state's next write leaves it as it was.
    rebuilt.update(txn(0, 1, 4));
    expect(snap.producers[0].batches).toHaveLength(1);
  });

  it("a batch straddling the snapshot's offset is replayed; one wholly below it is not", () => {
    const rebuilt = new ProducerStateManager();
    rebuilt.rebuild([data(0, 0, 0, { n: 2 }), data(0, 2, 2, { n: 3 })], { offset: 4, producers: [], ongoing: [], aborted: [], coordinatorEpochs: [] });
    expect(retained(rebuilt)).toEqual([[2, 4, 2, 4]]);
  });

  it("without a snapshot the log is replayed from the log start: batches wholly below it are not read", () => {
    // UnifiedLog.rebuildProducerState reads from logStartOffset (DeleteRecords may leave batches below it in a segment).
    const rebuilt = new ProducerStateManager();
    rebuilt.rebuild([data(0, 0, 0, { n: 2 }), data(0, 2, 2, { n: 2 }), data(0, 4, 4)], undefined, 3);
    expect(retained(rebuilt)).toEqual([
      [2, 3, 2, 3],
      [4, 4, 4, 4],
    ]);
  });
});

describe("cleaned markers", () => {
  it("an empty control batch (its transaction cleaned away) changes nothing: not the open transaction, not the coordinator epoch", () => {
    // ProducerAppendInfo.append: "an empty control batch means the entire transaction has been cleaned from the log".
    const m = new ProducerStateManager();
    m.update(txn(0, 0, 0));
    m.update(marker("COMMIT", 0, 1, 5));
    m.update(txn(0, 1, 2));
    m.update({ ...marker("ABORT", 1, 3, 9), records: [] });
    expect([...m.ongoing]).toEqual([[7, 2]]);
    expect(m.aborted).toEqual([]);
    expect(m.producers.get(7)?.producerEpoch).toBe(0);
    expect(m.checkMarker(7, 0, 5)).toEqual({ kind: "append" });
  });
});

import { describe, expect, it } from "vitest";
import { type AppendCheck, ProducerStateManager } from "../../../src/kafka/log/producerStateManager.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";

// Vectors from Kafka's storage/src/test/java/org/apache/kafka/storage/internals/log/ProducerStateManagerTest.java.
// Kafka's ProducerAppendInfo throws (OutOfOrderSequenceException, InvalidProducerEpochException, ...); kafkasim's
// ProducerStateManager.check returns the error name the broker answers with. kafkasim's check also does
// UnifiedLog's duplicate detection (analyzeAndValidateProducerState), which Kafka's test bypasses: where the test
// appends a retained batch again and expects OutOfOrderSequence, the broker path answers "duplicate" instead.

const PID = 1;
const INT_MAX = 2147483647;

function batch(epoch: number, seq: number, offset: number, o: { pid?: number; transactional?: boolean; n?: number; timestampMs?: number } = {}): RecordBatch {
  return {
    baseOffset: offset,
    leaderEpoch: 0,
    producerId: o.pid ?? PID,
    producerEpoch: epoch,
    baseSequence: seq,
    isTransactional: o.transactional ?? false,
    isControl: false,
    records: Array.from({ length: o.n ?? 1 }, (_, i) => ({ key: null, value: `v${offset + i}` })),
    sizeBytes: 100,
    maxTimestampMs: o.timestampMs ?? 0,
  };
}

function marker(kind: "COMMIT" | "ABORT", epoch: number, offset: number, coordinatorEpoch = 0, pid = PID): RecordBatch {
  return { baseOffset: offset, leaderEpoch: 0, producerId: pid, producerEpoch: epoch, baseSequence: -1, isTransactional: true, isControl: true, records: [{ key: kind, value: String(coordinatorEpoch) }], sizeBytes: 78 };
}

/** appendClientEntry: validate as for a client (AppendOrigin.CLIENT), then update on success. */
function appendClient(m: ProducerStateManager, b: RecordBatch): AppendCheck {
  const r = m.check(b, true);
  if (r.kind === "append") m.update(b);
  return r;
}

/** appendEndTxnMarker: the marker checks, then update on success. */
function appendMarker(m: ProducerStateManager, b: RecordBatch): AppendCheck {
  const r = m.checkMarker(b.producerId, b.producerEpoch, Number(b.records[0].value));
  if (r.kind === "append") m.update(b);
  return r;
}

/** appendReplicationEntry: AppendOrigin.REPLICATION is not validated. */
function appendReplication(m: ProducerStateManager, b: RecordBatch): AppendCheck {
  const r = m.check(b, false);
  m.update(b);
  return r;
}

const errorOf = (r: AppendCheck) => (r.kind === "error" ? r.error : r.kind);
const lastEntry = (m: ProducerStateManager, pid = PID) => {
  const e = m.producers.get(pid)!;
  const last = e.batches.at(-1);
  return { producerEpoch: e.producerEpoch, firstSeq: last?.firstSeq ?? -1, lastSeq: last?.lastSeq ?? -1, firstDataOffset: last?.firstOffset ?? -1, lastDataOffset: last?.lastOffset ?? -1 };
};

describe("ProducerStateManagerTest", () => {
  it("testBasicIdMapping", () => {
    const m = new ProducerStateManager();
    expect(errorOf(appendClient(m, batch(0, 0, 0)))).toBe("append");
    expect(errorOf(appendClient(m, batch(0, 1, 1)))).toBe("append");
    // Kafka's test: OutOfOrderSequence from ProducerAppendInfo; the broker's duplicate check answers first.
    expect(errorOf(appendClient(m, batch(0, 1, 1)))).toBe("duplicate");
    expect(errorOf(appendClient(m, batch(0, 5, 2)))).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
    expect(errorOf(appendClient(m, batch(1, 0, 3)))).toBe("append");
    expect(errorOf(appendClient(m, batch(0, 0, 4)))).toBe("INVALID_PRODUCER_EPOCH");
  });

  it("testAppendTxnMarkerWithNoProducerState", () => {
    const m = new ProducerStateManager();
    expect(errorOf(appendMarker(m, marker("COMMIT", 2, 27)))).toBe("append");
    expect(lastEntry(m)).toMatchObject({ producerEpoch: 2, lastSeq: -1 });
    expect(errorOf(appendClient(m, batch(0, 0, 4)))).toBe("INVALID_PRODUCER_EPOCH");
    expect(errorOf(appendClient(m, batch(2, 17, 4)))).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
    expect(errorOf(appendClient(m, batch(2, 0, 4)))).toBe("append");
    expect(lastEntry(m)).toMatchObject({ producerEpoch: 2, lastSeq: 0 });
  });

  it("testProducerSequenceWrapAround: 0 follows Integer.MAX_VALUE", () => {
    const m = new ProducerStateManager();
    appendReplication(m, batch(15, INT_MAX, 735));
    expect(errorOf(appendClient(m, batch(15, 0, 735 + 500)))).toBe("append");
    expect(lastEntry(m)).toMatchObject({ producerEpoch: 15, lastSeq: 0 });
    expect(m.producers.get(PID)!.batches.map((b) => b.firstSeq)).toEqual([INT_MAX, 0]);
  });

  it("testProducerSequenceWithWrapAroundBatchRecord: a batch may span the wrap", () => {
    const m = new ProducerStateManager();
    // firstSequence MAX - 10, 21 records: lastSequence 9, offsets 2000..2020.
    appendReplication(m, batch(15, INT_MAX - 10, 2000, { n: 21 }));
    expect(lastEntry(m)).toEqual({ producerEpoch: 15, firstSeq: INT_MAX - 10, lastSeq: 9, firstDataOffset: 2000, lastDataOffset: 2020 });
  });

  it("testProducerSequenceInvalidWrapAround: only 0 follows Integer.MAX_VALUE", () => {
    const m = new ProducerStateManager();
    appendReplication(m, batch(15, INT_MAX, 735));
    expect(errorOf(appendClient(m, batch(15, 1, 735 + 500)))).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
  });

  it("testNoValidationOnFirstEntryWhenLoadingLog", () => {
    const m = new ProducerStateManager();
    expect(errorOf(appendReplication(m, batch(5, 16, 735)))).toBe("append");
    expect(lastEntry(m)).toEqual({ producerEpoch: 5, firstSeq: 16, lastSeq: 16, firstDataOffset: 735, lastDataOffset: 735 });
  });

  it("testControlRecordBumpsProducerEpoch", () => {
    const m = new ProducerStateManager();
    appendClient(m, batch(0, 0, 0));
    expect(errorOf(appendMarker(m, marker("ABORT", 1, 1)))).toBe("append");
    expect(lastEntry(m)).toMatchObject({ producerEpoch: 1, firstSeq: -1, lastSeq: -1 });
    expect(m.ongoing.has(PID)).toBe(false);
    expect(errorOf(appendClient(m, batch(1, 0, 2)))).toBe("append");
    expect(lastEntry(m).firstSeq).toBe(0);
  });

  it("testOutOfSequenceAfterControlRecordEpochBump", () => {
    const m = new ProducerStateManager();
    appendClient(m, batch(0, 0, 0, { transactional: true }));
    appendClient(m, batch(0, 1, 1, { transactional: true }));
    appendMarker(m, marker("ABORT", 1, 1));
    expect(errorOf(appendClient(m, batch(1, 2, 2, { transactional: true })))).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
    expect(errorOf(appendClient(m, batch(2, 2, 2, { transactional: true })))).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
    expect(errorOf(appendClient(m, batch(1, 0, 0, { transactional: true })))).toBe("append");
    expect(lastEntry(m)).toMatchObject({ producerEpoch: 1, lastSeq: 0 });
  });

  it("testNonTransactionalAppendWithOngoingTransaction", () => {
    const m = new ProducerStateManager();
    appendClient(m, batch(0, 0, 0, { transactional: true }));
    expect(errorOf(appendClient(m, batch(0, 1, 1)))).toBe("INVALID_TXN_STATE");
  });

  it("testProducerStateAfterFencingAbortMarker: the fencing epoch survives expiration", () => {
    const m = new ProducerStateManager();
    appendClient(m, batch(0, 0, 0, { transactional: true }));
    appendMarker(m, marker("ABORT", 1, 1));
    expect(m.ongoing.has(PID)).toBe(false);
    expect(lastEntry(m)).toMatchObject({ firstDataOffset: -1, lastDataOffset: -1 });
    // Kafka keeps the entry (its marker's timestamp is "now"): a removal at the marker's own time removes nothing.
    expect(m.removeExpiredProducers(0, 86400000)).toEqual([]);
    expect(m.producers.has(PID)).toBe(true);
  });

  it("testPidExpirationTimeout", () => {
    const m = new ProducerStateManager();
    appendClient(m, batch(5, 0, 0, { timestampMs: 0 }));
    // producer.id.expiration.ms later (+1 in the test): the producer is gone, so any sequence is accepted again.
    expect(m.removeExpiredProducers(86400000 + 1, 86400000)).toEqual([PID]);
    expect(errorOf(appendClient(m, batch(5, 1, 1)))).toBe("append");
    expect(lastEntry(m).firstSeq).toBe(1);
  });

  it("testFirstUnstableOffset: open transactions and those whose marker the HW has not passed (onHighWatermarkUpdated)", () => {
    // firstUndecidedOffset is the first offset in `ongoing`.
    const undecided = (m: ProducerStateManager) => Math.min(Infinity, ...m.ongoing.values());
    const m = new ProducerStateManager();
    expect(undecided(m)).toBe(Infinity);
    appendClient(m, batch(5, 0, 99, { transactional: true }));
    expect(undecided(m)).toBe(99);
    expect(m.firstUnstableOffset()).toBe(99);
    appendClient(m, batch(5, 0, 105, { transactional: true, pid: 2 }));
    expect(undecided(m)).toBe(99);
    expect(m.firstUnstableOffset()).toBe(99);
    appendMarker(m, marker("COMMIT", 5, 109));
    expect(undecided(m)).toBe(105);
    expect(m.firstUnstableOffset()).toBe(99);
    m.onHighWatermarkUpdated(100);
    expect(m.firstUnstableOffset()).toBe(99);
    m.onHighWatermarkUpdated(110);
    expect(m.firstUnstableOffset()).toBe(105);
    appendMarker(m, marker("ABORT", 5, 112, 0, 2));
    expect(undecided(m)).toBe(Infinity);
    expect(m.firstUnstableOffset()).toBe(105);
    m.onHighWatermarkUpdated(113);
    expect(m.firstUnstableOffset()).toBe(Infinity);
    expect(m.aborted).toEqual([{ producerId: 2, firstOffset: 105, lastOffset: 112 }]);
  });

  it("testProducersWithOngoingTransactionsDontExpire", () => {
    const m = new ProducerStateManager();
    appendClient(m, batch(5, 0, 99, { transactional: true }));
    expect(m.removeExpiredProducers(86400000 + 1, 86400000)).toEqual([]);
    expect(m.producers.has(PID)).toBe(true);
    expect(m.firstUnstableOffset()).toBe(99);
  });

  it("testSequenceNotValidatedForGroupMetadataTopic: coordinator writes with NO_SEQUENCE are not duplicates", () => {
    const m = new ProducerStateManager();
    expect(errorOf(appendClient(m, batch(0, -1, 99, { transactional: true })))).toBe("append");
    expect(errorOf(appendClient(m, batch(0, -1, 100, { transactional: true })))).toBe("append");
  });

  it("testOldEpochForControlRecord", () => {
    const m = new ProducerStateManager();
    appendClient(m, batch(5, 0, 99, { transactional: true }));
    expect(errorOf(appendMarker(m, marker("COMMIT", 3, 100)))).toBe("INVALID_PRODUCER_EPOCH");
  });

  it("testCoordinatorFencing", () => {
    const m = new ProducerStateManager();
    appendClient(m, batch(5, 0, 99, { transactional: true }));
    expect(errorOf(appendMarker(m, marker("COMMIT", 5, 100, 1)))).toBe("append");
    expect(errorOf(appendMarker(m, marker("COMMIT", 5, 101, 1)))).toBe("append");
    expect(errorOf(appendMarker(m, marker("COMMIT", 5, 102, 2)))).toBe("append");
    expect(errorOf(appendMarker(m, marker("COMMIT", 5, 103, 1)))).toBe("TRANSACTION_COORDINATOR_FENCED");
  });
});

import { describe, expect, it } from "vitest";
import { CleanedTransactionMetadata } from "../../../src/kafka/log/cleanedTransactionMetadata.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";

/**
 * What the log cleaner knows of transactions as it walks a log (Kafka `LogCleaner.CleanedTransactionMetadata`): a
 * data batch of an aborted transaction may go; an ABORT marker stays until none of its transaction's batches is
 * left; a COMMIT marker goes only when the walk met none of its transaction's batches.
 */

const data = (producerId: number, baseOffset: number, n = 1, isTransactional = true): RecordBatch =>
  ({ baseOffset, leaderEpoch: 0, producerId, producerEpoch: 0, baseSequence: 0, isTransactional, isControl: false, records: Array.from({ length: n }, () => ({ key: "k", value: "v" })), sizeBytes: 100 }) as RecordBatch;
const marker = (producerId: number, baseOffset: number, type: string | null): RecordBatch =>
  ({ baseOffset, leaderEpoch: 0, producerId, producerEpoch: 0, baseSequence: -1, isTransactional: true, isControl: true, records: type === null ? [] : [{ key: type, value: "0" }], sizeBytes: 78, ...(type === null ? { lastOffsetDelta: 0 } : {}) }) as RecordBatch;

describe("CleanedTransactionMetadata", () => {
  it("an aborted transaction's batches may be removed, and its ABORT marker is retained (with its index entry) while they were walked", () => {
    const txn = { producerId: 1, firstOffset: 0, lastOffset: 2 };
    const m = new CleanedTransactionMetadata([txn]);
    expect(m.onBatchRead(data(1, 0, 2))).toBe(true);
    expect(m.onControlBatchRead(marker(1, 2, "ABORT"))).toBe(false);
    expect(m.retained).toEqual([txn]);
  });

  it("an ABORT marker whose batches are already gone may go, and its index entry with it", () => {
    const m = new CleanedTransactionMetadata([{ producerId: 1, firstOffset: 0, lastOffset: 2 }]);
    expect(m.onControlBatchRead(marker(1, 2, "ABORT"))).toBe(true);
    expect(m.retained).toEqual([]);
  });

  it("a committed transaction's batches stay, and its COMMIT marker stays while they were walked; a COMMIT with none walked may go", () => {
    const m = new CleanedTransactionMetadata([]);
    expect(m.onBatchRead(data(2, 0))).toBe(false);
    expect(m.onControlBatchRead(marker(2, 1, "COMMIT"))).toBe(false);
    expect(m.onControlBatchRead(marker(2, 5, "COMMIT"))).toBe(true);
  });

  it("a batch outside any transaction is never removed here, nor does it make a COMMIT stay", () => {
    const m = new CleanedTransactionMetadata([]);
    expect(m.onBatchRead(data(3, 0, 1, false))).toBe(false);
    expect(m.onControlBatchRead(marker(3, 1, "COMMIT"))).toBe(true);
  });

  it("an aborted transaction counts only from its first offset: a batch of the producer before it belongs to an earlier transaction", () => {
    const m = new CleanedTransactionMetadata([{ producerId: 1, firstOffset: 5, lastOffset: 7 }]);
    expect(m.onBatchRead(data(1, 0, 2))).toBe(false);
    expect(m.onBatchRead(data(1, 5))).toBe(true);
    // The first offset is reached by the batch's last offset, not only its base.
    const n = new CleanedTransactionMetadata([{ producerId: 4, firstOffset: 5, lastOffset: 7 }]);
    expect(n.onBatchRead(data(4, 4, 2))).toBe(true);
  });

  it("index entries are taken in offset order whatever order they are given in, each retained with its own marker", () => {
    const early = { producerId: 1, firstOffset: 0, lastOffset: 1 };
    const late = { producerId: 1, firstOffset: 3, lastOffset: 4 };
    const m = new CleanedTransactionMetadata([late, early]);
    expect(m.onBatchRead(data(1, 0))).toBe(true);
    expect(m.onControlBatchRead(marker(1, 1, "ABORT"))).toBe(false);
    expect(m.onBatchRead(data(1, 3))).toBe(true);
    expect(m.onControlBatchRead(marker(1, 4, "ABORT"))).toBe(false);
    expect(m.retained).toEqual([early, late]);
  });

  it("an empty control batch was already cleaned and may go; an unknown control type stays", () => {
    const m = new CleanedTransactionMetadata([]);
    expect(m.onControlBatchRead(marker(1, 0, null))).toBe(true);
    expect(m.onControlBatchRead(marker(1, 1, "LEADER_CHANGE"))).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { BATCH_OVERHEAD_BYTES, lastOffsetOf, lastSequenceOf, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, type RecordBatch, recordSizeBytes } from "../../../src/kafka/log/recordBatch.js";

/** A record batch (Kafka `DefaultRecordBatch`, message format v2): its last offset and last sequence, and sizes. */

function batchOf(n: number, baseOffset: number, baseSequence: number): RecordBatch {
  return {
    baseOffset,
    leaderEpoch: 0,
    producerId: 1,
    producerEpoch: 0,
    baseSequence,
    isTransactional: false,
    isControl: false,
    records: Array.from({ length: n }, (_, i) => ({ key: null, value: `v${i}` })),
    sizeBytes: 100,
  };
}

describe("RecordBatch", () => {
  it("uses Kafka's sentinels: NO_PRODUCER_ID, NO_PRODUCER_EPOCH and NO_SEQUENCE are -1", () => {
    // RecordBatch.NO_PRODUCER_ID / NO_PRODUCER_EPOCH / NO_SEQUENCE.
    expect([NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_SEQUENCE]).toEqual([-1, -1, -1]);
  });

  it("a batch's last offset is its base offset plus its records, less one", () => {
    expect(lastOffsetOf(batchOf(3, 10, 0))).toBe(12);
    expect(lastOffsetOf(batchOf(1, 0, 0))).toBe(0);
  });

  it("a batch's last sequence counts on from its base sequence", () => {
    expect(lastSequenceOf(batchOf(3, 10, 5))).toBe(7);
    expect(lastSequenceOf(batchOf(1, 10, 0))).toBe(0);
  });

  it("a batch without a sequence has none for its last record either", () => {
    // DefaultRecordBatch.lastSequence: "if (baseSequence == NO_SEQUENCE) return NO_SEQUENCE" — not -1 + n - 1.
    expect(lastSequenceOf(batchOf(3, 0, NO_SEQUENCE))).toBe(NO_SEQUENCE);
  });

  it("sequences wrap past Integer.MAX_VALUE to 0 (DefaultRecordBatch.incrementSequence)", () => {
    const MAX = 2147483647;
    expect(lastSequenceOf(batchOf(2, 0, MAX - 1))).toBe(MAX);
    expect(lastSequenceOf(batchOf(2, 0, MAX))).toBe(0);
    expect(lastSequenceOf(batchOf(5, 0, MAX - 1))).toBe(2);
  });

  it("sizes: Kafka's 61-byte batch header, and each record's framing, key, value and padding", () => {
    // DefaultRecordBatch.RECORD_BATCH_OVERHEAD is 61. A record's own framing (attributes, varint deltas and lengths)
    // is modelled as 8 bytes; `padBytes` stands for payload the model does not build as a string.
    expect(BATCH_OVERHEAD_BYTES).toBe(61);
    expect(recordSizeBytes({ key: null, value: "abcd" })).toBe(12);
    expect(recordSizeBytes({ key: "k1", value: "abcd" })).toBe(14);
    expect(recordSizeBytes({ key: "k1", value: "abcd", padBytes: 100 })).toBe(114);
  });
});

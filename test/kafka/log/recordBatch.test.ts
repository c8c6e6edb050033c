import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { zigZagVarintBytes } from "../../support/varintReference.js";
import { PackedRecordBatch, stampedBatch } from "../../../src/kafka/log/packedRecordBatch.js";
import { batchBelow, batchFrom, candidateBatch, compressionOf, keyBytesOf, lastOffsetOf, lastSequenceOf, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, offsetOfRecord, plainBatch, type RecordBatch, recordCountOf, recordIndexOf, recordValueAt, valueBytesOf, withStamps } from "../../../src/kafka/log/recordBatch.js";
import { batchSizeUpperBound, RECORD_BATCH_OVERHEAD_BYTES, recordSizeInBytes, sizeOfVarint, sizeOfVarlong, utf8Length } from "../../../src/kafka/log/recordSize.js";

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

  it("sizes: Kafka's 61-byte batch header and DefaultRecord.sizeInBytes for each record", () => {
    expect(RECORD_BATCH_OVERHEAD_BYTES).toBe(61);
    // A 100-byte value, null key, first in its batch: attributes 1, offsetDelta 1, timestampDelta 1, key -1 (1),
    // value length 2 (zig-zag 200 needs two 7-bit groups) + 100, headers count 1 = body 107, plus its own length
    // varint 2 = 109 (kafka-producer-perf-test's --record-size 100 records: 149 of them fill a 16384-byte batch).
    expect(recordSizeInBytes(0, 0, -1, 100)).toBe(109);
    expect(Math.floor((16384 - 61) / 109)).toBe(149);
    expect(recordSizeInBytes(0, 0, -1, 63)).toBe(1 + 1 + 1 + 1 + (1 + 63) + 1 + 2); // a 63-byte value: 1-byte length; body 69: 2
    // A 1 KiB value with a 3-byte key, 200th in its batch, 70 ms after the first: 2-byte value length, 2-byte offset
    // delta (200 > 63), 2-byte timestamp delta (70 > 63), 2-byte body length (body > 127).
    expect(recordSizeInBytes(200, 70, 3, 1024)).toBe(1 + 2 + 2 + (1 + 3) + (2 + 1024) + 1 + 2);
    // The producer's bound: header + MAX_RECORD_OVERHEAD (21) + key and value with their lengths + headers count.
    expect(batchSizeUpperBound(-1, 100)).toBe(61 + 21 + 1 + 102 + 1);
    expect(keyBytesOf({ key: null, value: "x" })).toBe(-1);
    expect(keyBytesOf({ key: "κ1", value: "x" })).toBe(3); // UTF-8
    expect(valueBytesOf({ key: null, value: "abcd", padBytes: 100 })).toBe(104);
  });

  // ByteUtils.writeVarint / writeVarlong: zig-zag, then 7 bits a byte.
  const encodedBytes = zigZagVarintBytes;
  test.prop([fc.integer()])("sizeOfVarint is the length of the zig-zag varint encoding", (v) => {
    expect(sizeOfVarint(v)).toBe(encodedBytes(BigInt(v), 32n));
  });
  test.prop([fc.integer({ min: -(2 ** 50), max: 2 ** 50 })])("sizeOfVarlong is the length of the zig-zag varlong encoding", (v) => {
    expect(sizeOfVarlong(v)).toBe(encodedBytes(BigInt(v), 64n));
  });
  test.prop([fc.string({ unit: "binary" })])("utf8Length is TextEncoder's byte count", (s) => {
    expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });
});

describe("a batch the cleaner rebuilt (offset deltas, MemoryRecords.buildRetainedRecordsInto)", () => {
  /** Records at offsets 10, 12 and 15 of a batch that held 10 … 16 (its last offset is kept: lastOffsetDelta 6). */
  const cleaned = (): RecordBatch => ({ ...batchOf(3, 10, 100), offsetDeltas: [0, 2, 5], lastOffsetDelta: 6 });

  it("keeps its last offset and last sequence whatever records were removed (DefaultRecordBatch.lastOffset / lastSequence)", () => {
    // The producer's last sequence must survive compaction: overrideLastOffset(originalBatch.lastOffset()).
    expect(lastOffsetOf(cleaned())).toBe(16);
    expect(lastSequenceOf(cleaned())).toBe(106);
    expect(lastOffsetOf({ ...cleaned(), records: [], offsetDeltas: [] })).toBe(16);
  });

  it("each record is at its offset delta; an offset the cleaner emptied holds no record", () => {
    const b = cleaned();
    expect([0, 1, 2].map((i) => offsetOfRecord(b, i))).toEqual([10, 12, 15]);
    expect([10, 11, 12, 15, 16, 9].map((o) => recordIndexOf(b, o))).toEqual([0, -1, 1, 2, -1, -1]);
  });

  it("an uncleaned batch's records are at consecutive offsets; outside the batch there is none", () => {
    const b = batchOf(3, 10, 0);
    expect([0, 1, 2].map((i) => offsetOfRecord(b, i))).toEqual([10, 11, 12]);
    expect([9, 10, 12, 13].map((o) => recordIndexOf(b, o))).toEqual([-1, 0, 2, -1]);
    // Far below the batch too: -1, not the negative distance to its base offset.
    expect(recordIndexOf(b, 5)).toBe(-1);
  });

  it("cut below an offset inside it: the records below stay, and its last offset becomes that of the cut", () => {
    // A truncation inside a cleaned batch (KIP-101): a rebuilt batch ends where the log now ends.
    expect(batchBelow(cleaned(), 13)).toMatchObject({ offsetDeltas: [0, 2], lastOffsetDelta: 2, records: [{ value: "v0" }, { value: "v1" }] });
    expect(lastOffsetOf(batchBelow(cleaned(), 13))).toBe(12);
    expect(batchBelow(cleaned(), 12)).toMatchObject({ offsetDeltas: [0], lastOffsetDelta: 1 });
    expect(batchBelow(cleaned(), 16)).toMatchObject({ offsetDeltas: [0, 2, 5], lastOffsetDelta: 5 });
  });

  it("cut below an offset inside an uncleaned batch: its first records, never a negative count", () => {
    expect(batchBelow(batchOf(4, 10, 0), 12).records.map((r) => r.value)).toEqual(["v0", "v1"]);
    expect(batchBelow(batchOf(4, 10, 0), 5).records).toEqual([]);
  });
});

describe("stamping a producer's batch (candidateBatch / withStamps)", () => {
  it("stamps the base offset, the leader epoch and the append time, shares the records and copies the producer's fields", () => {
    const b = batchOf(2, 0, 7);
    const s = candidateBatch({ ...b, isTransactional: true }, 40, 3, 99);
    expect(s).toEqual({ ...b, isTransactional: true, baseOffset: 40, leaderEpoch: 3, maxTimestampMs: 99 });
    expect(s.records).toBe(b.records);
  });

  it("copies the optional fields only when the batch has them", () => {
    const plain = withStamps(batchOf(1, 0, 0), [], 0, 0, 0);
    expect(Object.keys(plain).sort()).toEqual(["baseOffset", "baseSequence", "isControl", "isTransactional", "leaderEpoch", "maxTimestampMs", "producerEpoch", "producerId", "records", "sizeBytes"]);
    const full = withStamps({ ...batchOf(1, 0, 0), compression: "zstd", offsetDeltas: [1], lastOffsetDelta: 3, deleteHorizonMs: 500 }, [], 0, 0, 0);
    expect(full).toMatchObject({ compression: "zstd", offsetDeltas: [1], lastOffsetDelta: 3, deleteHorizonMs: 500 });
  });

  it("a plain batch is its own plain form; its count and values are its records'", () => {
    const b = batchOf(2, 5, 0);
    expect(plainBatch(b)).toBe(b);
    expect(recordCountOf(b)).toBe(2);
    expect(recordValueAt(b, 1)).toBe("v1");
  });

  it("a batch without a codec is 'none'; a tombstone's value is null on the wire (-1)", () => {
    expect(compressionOf({})).toBe("none");
    expect(compressionOf({ compression: "gzip" })).toBe("gzip");
    expect(valueBytesOf({ key: "k", value: "del-k", tombstone: true, padBytes: 10 })).toBe(-1);
    expect(valueBytesOf({ key: "k", value: "abc" })).toBe(3);
  });
});

describe("batchFrom at its edges (a legacy MessageSet read from an offset inside a batch; batchFrom.test.ts has the main case)", () => {
  /** Records at offsets 10, 12 and 15 of a cleaned batch that held 10 … 16 (lastOffsetDelta 6), 200 bytes. */
  const cleaned = (): RecordBatch => ({ ...batchOf(3, 10, 100), sizeBytes: 200, offsetDeltas: [0, 2, 5], lastOffsetDelta: 6 });

  it("a cut exactly at a record the cleaner kept keeps that record, at offset delta 0", () => {
    // Each legacy message carries its own offset: a read from offset 12 starts with the message at 12.
    const b = batchFrom(cleaned(), 12);
    expect(b.records.map((r) => r.value)).toEqual(["v1", "v2"]);
    expect(b.offsetDeltas).toEqual([0, 3]);
    expect(b.lastOffsetDelta).toBe(4);
    expect(b.baseSequence).toBe(102);
  });

  it("the size shrinks with the share of records kept, rounded up (a message is never a fraction of a byte)", () => {
    // 100 bytes over 3 records, 2 kept: 66.7 -> 67.
    expect(batchFrom(batchOf(3, 10, 0), 11).sizeBytes).toBe(67);
    // A cleaned batch: 200 bytes over its 3 records, 1 kept (offset 15): 66.7 -> 67.
    expect(batchFrom(cleaned(), 13).sizeBytes).toBe(67);
    expect(batchFrom(cleaned(), 13).records.map((r) => r.value)).toEqual(["v2"]);
  });

  it("a cleaned batch whose kept records all lie below the offset keeps none, and its last offset", () => {
    // Offset 16 is the batch's last offset (kept by the cleaner) but holds no record: an empty tail, 0 bytes.
    const b = batchFrom(cleaned(), 16);
    expect(b.records).toEqual([]);
    expect(b.offsetDeltas).toEqual([]);
    expect(lastOffsetOf(b)).toBe(16);
    expect(b.sizeBytes).toBe(0);
  });

  it("a batch without sequences keeps none; a sequence past Integer.MAX_VALUE wraps to 0 (DefaultRecordBatch.incrementSequence)", () => {
    expect(batchFrom(batchOf(3, 10, NO_SEQUENCE), 12).baseSequence).toBe(NO_SEQUENCE);
    expect(batchFrom({ ...cleaned(), baseSequence: NO_SEQUENCE }, 12).baseSequence).toBe(NO_SEQUENCE);
    expect(batchFrom(batchOf(4, 10, 2147483646), 13).baseSequence).toBe(1);
  });

  it("a batch with offset deltas but no lastOffsetDelta ends at its last record, as lastOffsetOf reads it", () => {
    const b = batchFrom({ ...batchOf(3, 10, 0), offsetDeltas: [0, 1, 2] }, 11);
    expect(b.offsetDeltas).toEqual([0, 1]);
    expect(lastOffsetOf(b)).toBe(12);
  });

  it("reads a packed batch as a plain one: its records, not its cells", () => {
    const packed = stampedBatch({ ...batchOf(3, 0, 5), records: [1, 2, 3].map((n) => ({ key: "k", value: `p-${n}` })) }, 20, 1, 7);
    const b = batchFrom(packed, 21);
    expect(b).not.toBeInstanceOf(PackedRecordBatch);
    expect(b.records).toEqual([{ key: "k", value: "p-2" }, { key: "k", value: "p-3" }]);
    expect([b.baseOffset, b.baseSequence, b.maxTimestampMs, lastOffsetOf(b)]).toEqual([21, 6, 7, 22]);
  });
});

describe("a packed batch in its plain form (plainBatch): the same batch, its records as objects", () => {
  it("keeps every stamp and producer field, the append time included, and builds its records", () => {
    // Code that copies a batch with a spread (truncation, the cleaner) must not copy a packed batch's private cells.
    const packed = stampedBatch({ ...batchOf(2, 0, 9), producerId: 4, producerEpoch: 2, isTransactional: true, sizeBytes: 77, compression: "lz4", records: [{ key: null, value: "a-1", padBytes: 5 }, { key: null, value: "a-2", padBytes: 5 }] }, 30, 6, 1234);
    expect(packed).toBeInstanceOf(PackedRecordBatch);
    expect(plainBatch(packed)).toStrictEqual({
      baseOffset: 30,
      leaderEpoch: 6,
      producerId: 4,
      producerEpoch: 2,
      baseSequence: 9,
      isTransactional: true,
      isControl: false,
      records: [{ key: null, value: "a-1", padBytes: 5 }, { key: null, value: "a-2", padBytes: 5 }],
      sizeBytes: 77,
      maxTimestampMs: 1234,
      compression: "lz4",
    });
  });
});

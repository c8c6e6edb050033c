import { describe, expect, it } from "vitest";
import { zigZagVarintBytes } from "../../support/varintReference.js";
import { murmur2, partitionForKey, toPositive } from "../../../src/kafka/partitioner.js";
import { lastSequenceOf, type RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import {
  batchSizeUpperBound,
  LEGACY_RECORD_OVERHEAD_V0_BYTES,
  LEGACY_RECORD_OVERHEAD_V1_BYTES,
  legacyRecordSizeInBytes,
  LOG_OVERHEAD_BYTES,
  MAX_RECORD_OVERHEAD_BYTES,
  RECORD_BATCH_OVERHEAD_BYTES,
  recordSizeInBytes,
  sizeOfVarint,
  sizeOfVarlong,
} from "../../../src/kafka/log/recordSize.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/common/utils/{ByteUtilsTest,UtilsTest}.java,
// clients/src/test/java/org/apache/kafka/common/record/DefaultRecordBatchTest.java and the constants of
// DefaultRecordBatch / DefaultRecord / LegacyRecord / Records those tests build on.

/** ByteUtilsTest.testVarintSerde / testVarlongSerde: value → its zig-zag encoding; the size is the encoding's length. */
const VARINT_ENCODINGS: [number, number[]][] = [
  [0, [0x00]],
  [-1, [0x01]],
  [1, [0x02]],
  [63, [0x7e]],
  [-64, [0x7f]],
  [64, [0x80, 0x01]],
  [-65, [0x81, 0x01]],
  [8191, [0xfe, 0x7f]],
  [-8192, [0xff, 0x7f]],
  [8192, [0x80, 0x80, 0x01]],
  [-8193, [0x81, 0x80, 0x01]],
  [1048575, [0xfe, 0xff, 0x7f]],
  [-1048576, [0xff, 0xff, 0x7f]],
  [1048576, [0x80, 0x80, 0x80, 0x01]],
  [-1048577, [0x81, 0x80, 0x80, 0x01]],
  [134217727, [0xfe, 0xff, 0xff, 0x7f]],
  [-134217728, [0xff, 0xff, 0xff, 0x7f]],
  [134217728, [0x80, 0x80, 0x80, 0x80, 0x01]],
  [-134217729, [0x81, 0x80, 0x80, 0x80, 0x01]],
  [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
  [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
];

/** ByteUtilsTest.testVarlongSerde's values beyond the int range (lengths of the expected encodings). */
const VARLONG_ONLY: [number, number][] = [
  [17179869183, 5],
  [-17179869184, 5],
  [17179869184, 6],
  [-17179869185, 6],
  [2199023255551, 6],
  [-2199023255552, 6],
  [2199023255552, 7],
  [-2199023255553, 7],
  [281474976710655, 7],
  [-281474976710656, 7],
];

describe("ByteUtilsTest", () => {
  it("testVarintSerde: ByteUtils.sizeOfVarint is the length of Kafka's encoding", () => {
    for (const [v, bytes] of VARINT_ENCODINGS) expect(sizeOfVarint(v), String(v)).toBe(bytes.length);
  });

  it("testVarlongSerde: ByteUtils.sizeOfVarlong is the length of Kafka's encoding", () => {
    for (const [v, bytes] of VARINT_ENCODINGS) expect(sizeOfVarlong(v), String(v)).toBe(bytes.length);
    for (const [v, n] of VARLONG_ONLY) expect(sizeOfVarlong(v), String(v)).toBe(n);
  });

  it("testSizeOfVarint / testSizeOfVarlong: agree with the simple loop for 0 and every power of two", () => {
    // The test's "old well-known implementation": zig-zag, then 7 bits a byte. Powers of two up to 2^52 here
    // (kafkasim's varlong is exact for |v| < 2^52, the model's offsets and timestamps).
    const simple = zigZagVarintBytes;
    expect(sizeOfVarint(0)).toBe(simple(0n, 32n));
    for (let i = 0; i < 31; i++) expect(sizeOfVarint(2 ** i), `2^${i}`).toBe(simple(BigInt(2 ** i), 32n));
    expect(sizeOfVarlong(0)).toBe(simple(0n, 64n));
    for (let i = 0; i <= 51; i++) expect(sizeOfVarlong(2 ** i), `2^${i}`).toBe(simple(BigInt(2 ** i), 64n));
  });
});

describe("UtilsTest.testMurmur2 and the built-in partitioner's key hash", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it("testMurmur2: Kafka's expected hashes", () => {
    expect(murmur2(enc("21"))).toBe(-973932308);
    expect(murmur2(enc("foobar"))).toBe(-790332482);
    expect(murmur2(enc("a-little-bit-long-string"))).toBe(-985981536);
    expect(murmur2(enc("a-little-bit-longer-string"))).toBe(-1486304829);
    expect(murmur2(enc("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"))).toBe(-58897971);
    expect(murmur2(new Uint8Array([0x61, 0x62, 0x63]))).toBe(479470107);
  });

  it("Utils.toPositive clears the sign bit: MIN_VALUE → 0 as UtilsTest.testAbs has for Utils.abs, but -1 → MAX_VALUE", () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(2147483647);
    expect(toPositive(2147483647)).toBe(2147483647);
    expect(toPositive(-790332482)).toBe(-790332482 & 0x7fffffff);
  });

  it("BuiltInPartitioner.partitionForKey = toPositive(murmur2(key)) % numPartitions (DefaultPartitionerTest.testKeyPartitionIsStable)", () => {
    for (const [k, h] of [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
    ] as const)
      for (const n of [1, 3, 6, 12]) expect(partitionForKey(k, n)).toBe((h & 0x7fffffff) % n);
    // Stable: the same key always lands on the same partition.
    expect(partitionForKey("key", 6)).toBe(partitionForKey(enc("key"), 6));
  });
});

describe("record and batch sizes (DefaultRecordBatch, DefaultRecord, LegacyRecord, Records constants)", () => {
  it("the overheads Kafka's size tests build on", () => {
    expect(RECORD_BATCH_OVERHEAD_BYTES).toBe(61); // DefaultRecordBatch.RECORD_BATCH_OVERHEAD
    expect(LOG_OVERHEAD_BYTES).toBe(12); // Records.LOG_OVERHEAD
    expect(MAX_RECORD_OVERHEAD_BYTES).toBe(21); // DefaultRecord.MAX_RECORD_OVERHEAD
    expect(LEGACY_RECORD_OVERHEAD_V0_BYTES).toBe(14); // LegacyRecord.RECORD_OVERHEAD_V0
    expect(LEGACY_RECORD_OVERHEAD_V1_BYTES).toBe(22); // LegacyRecord.RECORD_OVERHEAD_V1
  });

  it("DefaultRecord.sizeInBytes, byte by byte (DefaultRecordTest.testBasicSerde compares the written size with it)", () => {
    // attributes 1, offsetDelta varint(0) 1, timestampDelta varlong(0) 1, null key varint(-1) 1, value length
    // varint(100) 2 + 100, header count 1 = 107; the length prefix varint(107) is 2 more.
    expect(recordSizeInBytes(0, 0, -1, 100)).toBe(109);
    // key "key" (3) and value "value" (5) at offsetDelta 1, timestampDelta 10: 1+1+1+(1+3)+(1+5)+1 = 14, +1 prefix.
    expect(recordSizeInBytes(1, 10, 3, 5)).toBe(15);
    // Empty key and value take one length byte each, like null ones.
    expect(recordSizeInBytes(0, 0, 0, 0)).toBe(recordSizeInBytes(0, 0, -1, -1));
  });

  it("DefaultRecordBatchTest.testSizeInBytes: a batch is its 61-byte header plus its records", () => {
    const records = [recordSizeInBytes(0, 0, -1, 100), recordSizeInBytes(1, 0, -1, 100)];
    expect(RECORD_BATCH_OVERHEAD_BYTES + records[0] + records[1]).toBe(61 + 109 + 109);
  });

  it("DefaultRecordBatch.estimateBatchSizeUpperBound: 61 + 21 + key and value with their length varints + header count", () => {
    // AbstractRecords.estimateSizeInBytesUpperBound for magic v2 delegates to it: 61 + 21 + (1 + 3) + (1 + 5) + 1.
    expect(batchSizeUpperBound(3, 5)).toBe(93);
    expect(batchSizeUpperBound(-1, 100)).toBe(61 + 21 + 1 + 102 + 1);
  });

  it("LegacyRecord.recordSize(magic, key, value) + Records.LOG_OVERHEAD per message of a legacy MessageSet", () => {
    expect(legacyRecordSizeInBytes(0, -1, 100)).toBe(12 + 14 + 100);
    expect(legacyRecordSizeInBytes(1, -1, 100)).toBe(12 + 22 + 100);
    expect(legacyRecordSizeInBytes(1, 3, 5)).toBe(12 + 22 + 3 + 5);
  });

  it("DefaultRecordBatchTest.testIncrementSequence: a batch's last sequence wraps past Integer.MAX_VALUE", () => {
    // DefaultRecordBatch.lastSequence = incrementSequence(baseSequence, lastOffsetDelta).
    const batch = (baseSequence: number, n: number): RecordBatch => ({
      baseOffset: 100,
      leaderEpoch: 0,
      producerId: 1,
      producerEpoch: 0,
      baseSequence,
      isTransactional: false,
      isControl: false,
      records: Array.from({ length: n }, () => ({ key: null, value: "v" })),
      sizeBytes: 0,
    });
    expect(lastSequenceOf(batch(5, 6))).toBe(10); // incrementSequence(5, 5) == 10
    expect(lastSequenceOf(batch(2147483647, 2))).toBe(0); // incrementSequence(MAX, 1) == 0
    expect(lastSequenceOf(batch(2147483647 - 5, 11))).toBe(4); // incrementSequence(MAX - 5, 10) == 4
    expect(lastSequenceOf(batch(-1, 3))).toBe(-1); // NO_SEQUENCE stays NO_SEQUENCE
  });
});

import { describe, expect, it } from "vitest";
import { ProducerBatch } from "../../src/kafka/client/producer/producerBatch.js";
import { LEGACY_RECORD_OVERHEAD_V0_BYTES, LEGACY_RECORD_OVERHEAD_V1_BYTES, legacyRecordSizeInBytes, LOG_OVERHEAD_BYTES, magicOfMessageFormatVersion } from "../../src/kafka/log/recordSize.js";

/**
 * Legacy message sizes (magic 0 and 1) against Kafka's LegacyRecord and Records constants
 * (clients/src/main/java/org/apache/kafka/common/record/LegacyRecord.java, Records.java):
 * RECORD_OVERHEAD_V0 = CRC_LENGTH 4 + MAGIC_LENGTH 1 + ATTRIBUTES_LENGTH 1 + KEY_SIZE_LENGTH 4 + VALUE_SIZE_LENGTH 4,
 * RECORD_OVERHEAD_V1 = that + TIMESTAMP_LENGTH 8, LOG_OVERHEAD = OFFSET_LENGTH 8 + SIZE_LENGTH 4.
 */
describe("legacy message format sizes (LegacyRecord)", () => {
  it("matches Kafka's constants", () => {
    expect(LEGACY_RECORD_OVERHEAD_V0_BYTES).toBe(4 + 1 + 1 + 4 + 4);
    expect(LEGACY_RECORD_OVERHEAD_V1_BYTES).toBe(4 + 1 + 1 + 8 + 4 + 4);
    expect(LOG_OVERHEAD_BYTES).toBe(8 + 4);
  });

  it("sizes one message as LOG_OVERHEAD + LegacyRecord.recordSize(magic, key, value); a null key or value takes no bytes", () => {
    expect(legacyRecordSizeInBytes(0, -1, 100)).toBe(126);
    expect(legacyRecordSizeInBytes(1, -1, 100)).toBe(134);
    expect(legacyRecordSizeInBytes(0, 3, 100)).toBe(129);
    expect(legacyRecordSizeInBytes(1, 3, -1)).toBe(37);
  });

  it("a magic-0 MessageSet has no batch header: batch.size 8196 holds 65 messages of 126 bytes (8190 bytes)", () => {
    const b = new ProducerBatch("t", 0, 0, 8196);
    b.magic = 0;
    const values = { prefix: "p-1-", valueSize: 100 };
    const r = b.appendRun(values, 0, 1000, 0, 0);
    expect(r.appended).toBe(65);
    expect(b.sizeBytes).toBe(65 * 126);
    expect(b.wireBytes).toBe(65 * 126);
    // The same records in a v2 batch (DefaultRecord.sizeInBytes): the 61-byte header, then 109 bytes a record while
    // its offset delta's varint is one byte (64 records, 6976 bytes), 110 after: 10 more fit, 74 in all.
    const v2 = new ProducerBatch("t", 0, 0, 8196);
    expect(v2.appendRun(values, 0, 1000, 0, 0).appended).toBe(74);
    expect(v2.sizeBytes).toBe(61 + 64 * 109 + 10 * 110);
  });

  it("maps message.format.version to its magic (MetadataVersion.highestSupportedRecordVersion)", () => {
    expect(magicOfMessageFormatVersion("0.8.1")).toBe(0);
    expect(magicOfMessageFormatVersion("0.9.0")).toBe(0);
    expect(magicOfMessageFormatVersion("0.10.2")).toBe(1);
    expect(magicOfMessageFormatVersion("0.11.0")).toBe(2);
    expect(magicOfMessageFormatVersion("2.8")).toBe(2);
    expect(magicOfMessageFormatVersion("3.0-IV1")).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import { batchSizeUpperBound, legacyRecordSizeInBytes, magicOfMessageFormatVersion, recordSizeInBytes, sizeOfVarint, sizeOfVarlong, utf8Length } from "../../../src/kafka/log/recordSize.js";

/** Record batch v2 sizes, byte for byte as Kafka's `ByteUtils`, `DefaultRecord` and `DefaultRecordBatch` count them. */

describe("varints (ByteUtils.sizeOfVarint / sizeOfVarlong, zig-zag encoded)", () => {
  it("a 32-bit varint takes one byte per 7 bits of its zig-zag value: 63 and -64 fit one byte, 64 and -65 need two", () => {
    expect([0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 2 ** 31 - 1, -(2 ** 31)].map(sizeOfVarint)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 5, 5]);
  });

  it("a 64-bit varint does the same up to ten bytes (timestamps in ms need six or seven)", () => {
    expect([0, 63, -64, 64, -65, 8192, 2 ** 40, 2 ** 41, -(2 ** 41) - 1].map(sizeOfVarlong)).toEqual([1, 1, 1, 2, 2, 3, 6, 7, 7]);
  });
});

describe("utf8Length (Utils.utf8Length)", () => {
  it("counts 1 byte below U+0080, 2 below U+0800, 4 for a surrogate pair and 3 for the rest", () => {
    expect(["", "abc", "\u007f", "\u0080", "é", "\u07ff", "\u0800", "€", "\ud7ff", "😀", "\ue000", "a😀b"].map(utf8Length)).toEqual([0, 3, 1, 2, 2, 2, 3, 3, 3, 4, 3, 6]);
  });
});

describe("record and batch sizes (DefaultRecord.sizeInBytes, DefaultRecordBatch.estimateBatchSizeUpperBound)", () => {
  it("a record with a null key and a 10-byte value at the batch's first offset and timestamp is 17 bytes", () => {
    // attributes 1 + offsetDelta 1 + timestampDelta 1 + key -1 (1) + value length 1 + 10 + headers count 1 = 16, + its length varint 1.
    expect(recordSizeInBytes(0, 0, -1, 10)).toBe(17);
    expect(recordSizeInBytes(0, 0, 3, 10)).toBe(20);
    expect(recordSizeInBytes(0, 0, -1, -1)).toBe(7);
  });

  it("larger deltas, values and bodies take longer varints", () => {
    // value 100: length varint 2; body 1 + 1 + 1 + (1 + 102 + 1) = 107, whose varint takes 2.
    expect(recordSizeInBytes(0, 0, -1, 100)).toBe(109);
    expect(recordSizeInBytes(64, 0, -1, 10)).toBe(18);
    expect(recordSizeInBytes(0, 64, -1, 10)).toBe(18);
  });

  it("the upper bound of a one-record batch is the 61-byte header, 21 bytes of record framing, key and value", () => {
    expect(batchSizeUpperBound(-1, 10)).toBe(61 + 21 + 1 + 11 + 1);
    expect(batchSizeUpperBound(3, 200)).toBe(61 + 21 + 4 + 202 + 1);
  });
});

describe("legacy messages (magic 0 and 1: LegacyRecord) and the format a message.format.version names", () => {
  it("one message is LOG_OVERHEAD 12 + its overhead (14 in v0, 22 in v1) + key + value; a null key or value (-1) takes no bytes", () => {
    expect(legacyRecordSizeInBytes(0, -1, 100)).toBe(12 + 14 + 100);
    expect(legacyRecordSizeInBytes(1, -1, 100)).toBe(12 + 22 + 100);
    expect(legacyRecordSizeInBytes(0, 5, 100)).toBe(12 + 14 + 5 + 100);
    expect(legacyRecordSizeInBytes(1, 5, -1)).toBe(12 + 22 + 5);
    expect(legacyRecordSizeInBytes(1, 0, 0)).toBe(34);
  });

  it("before 0.10 magic 0, 0.10.x magic 1, from 0.11 on magic 2 (MetadataVersion.highestSupportedRecordVersion)", () => {
    const versions = ["0.8.0", "0.8.2", "0.9.0", "0.10.0", "0.10.2", "0.11.0", "1.0", "2.8", "3.0-IV1", "0.11.0-IV2"];
    expect(versions.map(magicOfMessageFormatVersion)).toEqual([0, 0, 0, 1, 1, 2, 2, 2, 2, 2]);
  });
});

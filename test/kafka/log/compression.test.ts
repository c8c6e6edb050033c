import { describe, expect, it } from "vitest";
import { CODECS, decompressionNs } from "../../../src/kafka/log/compression.js";

/** What a consumer pays to decompress a fetched batch (CompletedFetch.nextFetchedRecord → the batch's iterator). */
describe("decompressionNs: a batch's records, taken back from its size past the 61-byte header and the codec's ratio", () => {
  it("nothing for an uncompressed batch, whatever its size", () => {
    expect(decompressionNs(61 + 10_000, "none")).toBe(0);
  });

  it("each codec: (size - 61) / ratio record bytes at its decompression ns per byte", () => {
    for (const codec of ["gzip", "snappy", "lz4", "zstd"] as const) {
      const ns = decompressionNs(61 + 2000, codec);
      expect(ns).toBeCloseTo((2000 / CODECS[codec].ratio) * CODECS[codec].decompressNsPerByte, 6);
      expect(ns).toBeGreaterThan(0);
    }
    // gzip: 2,000 bytes at ratio 1/2.743 hold 5,486 record bytes, at 2.5 ns a byte (400 MB/s).
    expect(decompressionNs(61 + 2000, "gzip")).toBeCloseTo(2000 * 2.743 * 2.5, 6);
  });

  it("a size at or below the header has no records to decompress", () => {
    expect(decompressionNs(61, "zstd")).toBe(0);
    expect(decompressionNs(40, "gzip")).toBe(0);
  });
});

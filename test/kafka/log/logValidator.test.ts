import { describe, expect, it } from "vitest";
import { CODECS, CompressionRatioEstimator, compressedRecordsBytes, targetCompression, validationNs } from "../../../src/kafka/log/compression.js";
import { compactedTopicRecordError, legacyFormatProducerError, validateCompression } from "../../../src/kafka/log/logValidator.js";

/** The leader's checks of a batch before it is appended (Kafka `LogValidator`) and the codec table they use. */

describe("a compacted topic refuses a record without a key (LogValidator.validateKey)", () => {
  const batch = (keys: (string | null)[], isControl = false) => ({ isControl, records: keys.map((key) => ({ key, value: "v" })) });

  it("names the first keyless record of the batch", () => {
    expect(compactedTopicRecordError(batch(["a", null, null]), true)).toBe("Compacted topic cannot accept message without key (record 1)");
    expect(compactedTopicRecordError(batch([null]), true)).toBe("Compacted topic cannot accept message without key (record 0)");
  });

  it("accepts keyed records, any record on a topic that is not compacted, and a control batch (a marker has its own key)", () => {
    expect(compactedTopicRecordError(batch(["a", "b"]), true)).toBeNull();
    expect(compactedTopicRecordError(batch([null]), false)).toBeNull();
    expect(compactedTopicRecordError(batch([null], true), true)).toBeNull();
  });
});

describe("the codec step (validateMessagesAndAssignOffsetsCompressed)", () => {
  it("compression.type=producer keeps the batch as the producer sent it: uncompressed at no codec cost, compressed only decompressed to be checked", () => {
    const plain = { sizeBytes: 61 + 10_000, isControl: false };
    expect(validateCompression(plain, "producer")).toEqual({ batch: plain, cpuNs: 0, recompressed: false });
    const gz = { sizeBytes: 61 + 1_000, isControl: false, compression: "gzip" as const };
    const kept = validateCompression(gz, "producer");
    expect(kept.batch).toBe(gz);
    expect(kept).toEqual({ batch: gz, cpuNs: Math.round(1_000 / CODECS.gzip.ratio) * CODECS.gzip.decompressNsPerByte, recompressed: false });
    expect(targetCompression("producer", "gzip")).toBe("gzip");
    expect(targetCompression("producer", "none")).toBe("none");
    expect(targetCompression("uncompressed", "lz4")).toBe("none");
  });

  it("a control batch is kept as it is, whatever the topic's compression.type", () => {
    const marker = { sizeBytes: 78, isControl: true, compression: "gzip" as const };
    expect(validateCompression(marker, "zstd")).toEqual({ batch: marker, cpuNs: 0, recompressed: false });
  });

  it("an uncompressed batch recompressed into the topic's codec shrinks by the codec's ratio and costs its compression", () => {
    const plain = { sizeBytes: 61 + 10_000, isControl: false };
    const r = validateCompression(plain, "zstd");
    expect(r.recompressed).toBe(true);
    expect(r.batch).toEqual({ sizeBytes: 61 + compressedRecordsBytes(10_000, "zstd"), isControl: false, compression: "zstd" });
    expect(r.cpuNs).toBeCloseTo(10_000 * CODECS.zstd.compressNsPerByte, 6);
  });

  it("a compressed batch stored uncompressed loses its codec and grows back to its records' size", () => {
    const gz = { sizeBytes: 61 + 1_000, isControl: false, compression: "gzip" as const };
    const r = validateCompression(gz, "uncompressed");
    const records = Math.round(1_000 / CODECS.gzip.ratio);
    expect(r).toEqual({ batch: { sizeBytes: 61 + records, isControl: false }, cpuNs: records * CODECS.gzip.decompressNsPerByte, recompressed: true });
  });
});

describe("codec arithmetic", () => {
  it("compressed size is the records' bytes times the ratio, rounded up; none keeps them", () => {
    expect(compressedRecordsBytes(1000, "none")).toBe(1000);
    expect(compressedRecordsBytes(1000, "gzip")).toBe(Math.ceil(1000 / 2.743));
    expect(compressedRecordsBytes(1000, "lz4")).toBe(476);
  });

  it("validation decompresses the source, and compresses into the target only when it differs", () => {
    expect(validationNs(1000, "none", "none")).toBe(0);
    expect(validationNs(1000, "lz4", "lz4")).toBeCloseTo(1000 * (1000 / 4000), 9);
    expect(validationNs(1000, "lz4", "snappy")).toBeCloseTo(1000 * (1000 / 4000) + 1000 * (1000 / 530), 9);
    expect(targetCompression("gzip", "snappy")).toBe("gzip");
  });
});

describe("the producer's compression ratio estimate (CompressionRatioEstimator)", () => {
  it("starts at 1.0 per topic, falls by at most 0.005 per better batch, rises at once (at least 0.05) on a worse one", () => {
    const e = new CompressionRatioEstimator();
    expect(e.estimation("t")).toBe(1);
    expect(e.updateEstimation("t", 0.4)).toBe(Math.fround(0.995));
    expect(e.updateEstimation("t", 0.994)).toBe(Math.max(Math.fround(Math.fround(0.995) - 0.005), 0.994));
    const now = e.estimation("t");
    expect(e.updateEstimation("t", now)).toBe(now);
    expect(e.updateEstimation("t", 1.2)).toBe(1.2);
    expect(e.updateEstimation("t", 1.21)).toBe(Math.fround(1.25));
    expect(e.estimation("u")).toBe(1);
    e.setEstimation("u", 1.5);
    expect(e.estimation("u")).toBe(1.5);
  });
});

describe("a legacy-format log refuses producer ids (LogValidator.validateBatch: UNSUPPORTED_FOR_MESSAGE_FORMAT)", () => {
  it("magic 2 takes any batch; magic 0 and 1 refuse a transactional batch, then an idempotent one (producer id 0 is one), and take a plain one", () => {
    for (const b of [{ producerId: 5, isTransactional: true }, { producerId: 0, isTransactional: false }, { producerId: -1, isTransactional: false }]) expect(legacyFormatProducerError(b, 2)).toBeNull();
    expect(legacyFormatProducerError({ producerId: 5, isTransactional: true }, 1)).toBe("Transactional records cannot be used with magic version 1");
    expect(legacyFormatProducerError({ producerId: 0, isTransactional: false }, 0)).toBe("Idempotent records cannot be used with magic version 0");
    expect(legacyFormatProducerError({ producerId: 7, isTransactional: false }, 1)).toBe("Idempotent records cannot be used with magic version 1");
    expect(legacyFormatProducerError({ producerId: -1, isTransactional: false }, 0)).toBeNull();
    expect(legacyFormatProducerError({ producerId: -1, isTransactional: false }, 1)).toBeNull();
  });
});

describe("validateCompression of an uncompressed batch (LogValidator: the records are the stored bytes past the header)", () => {
  const plain: { sizeBytes: number; isControl: boolean; compression?: "gzip" } = { sizeBytes: 61 + 1000, isControl: false };

  it("kept as is, at no codec cost, when the topic keeps the producer's codec or stores uncompressed", () => {
    for (const topic of ["producer", "uncompressed"] as const) {
      const r = validateCompression(plain, topic);
      expect(r.batch).toBe(plain);
      expect(r.cpuNs).toBe(0);
      expect(r.recompressed).toBe(false);
    }
  });

  it("compressed when the topic asks for a codec: its 1,000 record bytes, not a ratio's guess, are compressed and paid for", () => {
    const r = validateCompression(plain, "gzip");
    expect(r.recompressed).toBe(true);
    expect(r.batch.sizeBytes).toBe(61 + compressedRecordsBytes(1000, "gzip"));
    expect(r.batch.compression).toBe("gzip");
    expect(r.cpuNs).toBe(validationNs(1000, "none", "gzip"));
    expect(r.cpuNs).toBe(1000 * CODECS.gzip.compressNsPerByte);
  });
});

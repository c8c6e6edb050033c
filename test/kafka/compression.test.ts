import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProducerBatch } from "../../src/kafka/client/producer/producerBatch.js";
import { RecordAccumulator } from "../../src/kafka/client/producer/recordAccumulator.js";
import { CODECS, CompressionRatioEstimator, compressedRecordsBytes, targetCompression } from "../../src/kafka/log/compression.js";
import { validateCompression } from "../../src/kafka/log/logValidator.js";
import { runScenario } from "../../src/runner/run.js";
import { parseScenario } from "../../src/scenario/load.js";
import { cli } from "../support/cli.js";

const rec = (i: number) => ({ key: "k", value: `v${i}`, padBytes: 90 });

describe("codecs, the broker's target codec and LogValidator's codec step", () => {
  it("targetCompression: producer keeps the batch's codec, uncompressed and a codec override it", () => {
    expect(targetCompression("producer", "gzip")).toBe("gzip");
    expect(targetCompression("producer", "none")).toBe("none");
    expect(targetCompression("uncompressed", "zstd")).toBe("none");
    expect(targetCompression("lz4", "gzip")).toBe("lz4");
    expect(targetCompression("lz4", "none")).toBe("lz4");
  });

  it("a batch keeps its codec at no codec cost when uncompressed; compressed, it is decompressed; another codec recompresses it", () => {
    const plain = { sizeBytes: 61 + 10_000, isControl: false };
    expect(validateCompression(plain, "producer")).toEqual({ batch: plain, cpuNs: 0, recompressed: false });
    const gz = { sizeBytes: 61 + compressedRecordsBytes(10_000, "gzip"), isControl: false, compression: "gzip" as const };
    const kept = validateCompression(gz, "producer");
    expect(kept.batch).toBe(gz);
    expect(kept.cpuNs).toBeCloseTo(10_000 * CODECS.gzip.decompressNsPerByte, -1); // bytes taken back from the size: ±1
    const toLz4 = validateCompression(gz, "lz4");
    expect(toLz4.recompressed).toBe(true);
    expect(toLz4.batch.compression).toBe("lz4");
    // The records' bytes are taken back from the gzip size: within a byte or two.
    expect(Math.abs(toLz4.batch.sizeBytes - (61 + compressedRecordsBytes(10_000, "lz4")))).toBeLessThanOrEqual(2);
    expect(toLz4.cpuNs).toBeCloseTo(10_000 * (CODECS.gzip.decompressNsPerByte + CODECS.lz4.compressNsPerByte), -1);
    const unpacked = validateCompression(gz, "uncompressed");
    expect(unpacked.batch.compression).toBeUndefined();
    expect(Math.abs(unpacked.batch.sizeBytes - (61 + 10_000))).toBeLessThanOrEqual(2);
    const packed = validateCompression(plain, "zstd");
    expect(packed.batch.sizeBytes).toBe(61 + Math.ceil(10_000 / 2.887));
    expect(packed.cpuNs).toBeCloseTo(10_000 * CODECS.zstd.compressNsPerByte, 0);
    // A marker is never recompressed.
    expect(validateCompression({ sizeBytes: 78, isControl: true }, "gzip").recompressed).toBe(false);
  });
});

describe("the producer's batch size with compression (CompressionRatioEstimator, estimatedBytesWritten)", () => {
  it("the estimate starts at 1.0, improves by 0.005 a batch and worsens at once", () => {
    const e = new CompressionRatioEstimator();
    expect(e.estimation("t")).toBe(1);
    expect(e.updateEstimation("t", 0.3)).toBeCloseTo(0.995, 5);
    for (let i = 0; i < 200; i++) e.updateEstimation("t", 0.3);
    expect(e.estimation("t")).toBe(0.3);
    expect(e.updateEstimation("t", 0.32)).toBeCloseTo(0.35, 5);
    expect(e.estimation("other")).toBe(1);
  });

  it("an open batch counts records × estimate × 1.05; the closed batch is its records × the codec's ratio", () => {
    const b = new ProducerBatch("t", 0, 0, 16384, "gzip", 0.5);
    for (let i = 0; i < 10; i++) b.add(rec(i), () => {}, 0);
    const records = b.recordsBytes;
    expect(b.sizeBytes).toBe(61 + Math.floor(records * 0.5 * 1.05));
    expect(b.wireBytes).toBe(61 + Math.ceil(records / 2.743));
    const none = new ProducerBatch("t", 0, 0, 16384);
    for (let i = 0; i < 10; i++) none.add(rec(i), () => {}, 0);
    expect(none.sizeBytes).toBe(61 + records);
    expect(none.wireBytes).toBe(none.sizeBytes);
  });

  it("compression packs more records per batch.size once the estimate has learnt the codec's ratio", () => {
    const fill = (acc: RecordAccumulator, at: number) => {
      let i = 0;
      while (acc.append("t", 0, rec(i++), () => {}, at).batch === acc.queues.get("t-0")![0]) if (i > 10_000) break;
      const first = acc.queues.get("t-0")!.shift()!;
      acc.onClose(first);
      acc.release(first);
      acc.queues.get("t-0")!.length = 0;
      return first;
    };
    const plain = new RecordAccumulator(16384, 5, 1 << 25, "none");
    const gzip = new RecordAccumulator(16384, 5, 1 << 25, "gzip");
    const plainRecords = fill(plain, 0).records.length;
    // The first gzip batch is cut as if uncompressed (estimate 1.0 × 1.05): a few records fewer.
    const first = fill(gzip, 0);
    expect(first.records.length).toBeLessThanOrEqual(plainRecords);
    expect(first.wireBytes).toBeLessThan(0.45 * first.sizeBytes);
    let last = first;
    for (let n = 0; n < 200; n++) last = fill(gzip, n);
    // Learnt: 1 / (ratio × 1.05) ≈ 2.6 × the records in the same batch.size.
    expect(gzip.estimator.estimation("t")).toBeCloseTo(CODECS.gzip.ratio, 2);
    expect(last.records.length / plainRecords).toBeGreaterThan(2.4);
    expect(last.records.length / plainRecords).toBeLessThan(2.8);
    expect(last.sizeBytes).toBeLessThanOrEqual(16384);
  });
});

/** One producer on a 2-broker cluster (RF 2: the follower fetches the batches as stored), NICs counting bytes. */
function run(opts: { producer: string; topic?: string; capacity?: string; brokerConfig?: string }) {
  const text = `
name: compression
description: a producer's codec and a topic's
duration: 6s
cluster:
  brokers: 2
  config: ${opts.brokerConfig ?? "{}"}
  topics: [{ name: t, partitions: 1, replicationFactor: 2${opts.topic ? `, config: { compression.type: ${opts.topic} }` : ""} }]
capacity: ${opts.capacity ?? "{ nicMbitPerSec: 1000 }"}
clients:
  - { id: p, kind: producer, start: 3s, config: { acks: all, compression.type: ${opts.producer} }, workload: { topic: t, rate: 5000, keys: { distribution: none }, valueSize: 1000 } }
`;
  const r = runScenario(parseScenario(text, "compression.yaml"), {});
  expect(r.status).toBe("ok");
  const p = r.performance!;
  const part = p.partitions.find((x) => x.topic === "t" && x.partition === 0)!;
  const acked = p.producers[0].acknowledged;
  return { r, p, part, acked, producerTxMiB: p.nics.find((n) => n.host === "p")!.txMiB };
}

describe("compression in a run: bytes sent and stored, and the broker's recompression", () => {
  const none = run({ producer: "none" });
  const gzip = run({ producer: "gzip" });

  it("gzip shrinks the bytes produced, the producer's NIC bytes and the bytes stored (fetched by the follower)", () => {
    expect(gzip.acked).toBeGreaterThan(10_000);
    const perRecord = (b: number, n: number) => b / n;
    const inRatio = perRecord(gzip.part.inMiB, gzip.acked) / perRecord(none.part.inMiB, none.acked);
    // Records × 1/2.743 plus the uncompressed 61-byte header per batch.
    expect(inRatio).toBeGreaterThan(CODECS.gzip.ratio);
    expect(inRatio).toBeLessThan(CODECS.gzip.ratio + 0.05);
    const storedRatio = perRecord(gzip.part.replicationOutMiB, gzip.acked) / perRecord(none.part.replicationOutMiB, none.acked);
    expect(storedRatio).toBeGreaterThan(CODECS.gzip.ratio);
    expect(storedRatio).toBeLessThan(CODECS.gzip.ratio + 0.05);
    expect(gzip.producerTxMiB / gzip.acked).toBeLessThan(0.5 * (none.producerTxMiB / none.acked));
  });

  it("a topic codec other than the producer's: the leader recompresses (bytes in as sent, bytes stored in the topic's codec)", () => {
    const toGzip = run({ producer: "none", topic: "gzip" });
    const near = (a: number, b: number) => expect(Math.abs(a / b - 1)).toBeLessThan(0.01);
    near(toGzip.part.inMiB / toGzip.acked, none.part.inMiB / none.acked);
    near(toGzip.part.replicationOutMiB / toGzip.acked, gzip.part.replicationOutMiB / gzip.acked);
    const unpacked = run({ producer: "gzip", topic: "uncompressed" });
    near(unpacked.part.inMiB / unpacked.acked, gzip.part.inMiB / gzip.acked);
    expect(unpacked.part.replicationOutMiB / unpacked.acked).toBeGreaterThan(0.95 * (none.part.replicationOutMiB / none.acked));
  });

  it("with brokerCpu, decompression and recompression cost I/O thread time; the same codec only decompression", () => {
    // Only the codecs cost anything here: no per-request or per-byte cost.
    const cpu = "{ nicMbitPerSec: 1000, brokerCpu: { requestUs: 0, produceNsPerByte: 0, networkRequestUs: 0, networkNsPerByte: 0 } }";
    const io = (o: { producer: string; topic?: string }) => run({ ...o, capacity: cpu, brokerConfig: "{ num.io.threads: 1 }" }).p.brokers.reduce((s, b) => s + (b.ioThreadUtilisation ?? 0), 0);
    expect(io({ producer: "none" })).toBe(0);
    // ~15 MB of records (5,000 records/s of ~1 KB for 3 s) over a 6 s run, on one I/O thread: gzip decompression
    // (2.5 ns a byte) ~0.6 % of the run; compression into gzip (10.5 ns a byte) ~2.6 %.
    const kept = io({ producer: "gzip" });
    expect(kept).toBeGreaterThan(0.004);
    expect(kept).toBeLessThan(0.009);
    const recompressed = io({ producer: "none", topic: "gzip" });
    expect(recompressed).toBeGreaterThan(0.02);
    expect(recompressed).toBeLessThan(0.032);
    // gzip to lz4: decompress gzip, compress lz4 (1.4 ns a byte): ~0.6 % + ~0.35 %.
    const toLz4 = io({ producer: "gzip", topic: "lz4" });
    expect(toLz4).toBeGreaterThan(kept + 0.002);
  });

  it("a batch that fits max.message.bytes compressed but not once the topic stores it uncompressed is refused (MESSAGE_TOO_LARGE) and split", () => {
    // Three ~1 KB records a batch (batch.size 4000): ~1.2 KB in gzip, ~3.1 KB uncompressed, over the topic's 3000.
    const text = `
name: recompressed-too-large
description: recompression grows a batch past max.message.bytes
duration: 5s
cluster:
  brokers: 1
  topics: [{ name: t, partitions: 1, replicationFactor: 1, config: { compression.type: uncompressed, max.message.bytes: 3000 } }]
clients:
  - { id: p, kind: producer, start: 3s, config: { acks: all, compression.type: gzip, batch.size: 4000, linger.ms: 50 }, workload: { topic: t, rate: 200, keys: { distribution: none }, valueSize: 1000 } }
`;
    const rejected: { sizeBytes: number }[] = [];
    const r = runScenario(parseScenario(text, "too-large.yaml"), {
      observe: (t) => {
        if (t.type === "partition.reject-produce" && (t.data as { error: string }).error === "MESSAGE_TOO_LARGE") rejected.push(t.data as { sizeBytes: number });
      },
    });
    expect(r.status).toBe("ok");
    expect(rejected.length).toBeGreaterThan(0);
    // Refused at its recompressed (uncompressed) size, not at the size it arrived with.
    for (const x of rejected) expect(x.sizeBytes).toBeGreaterThan(3000);
    const sends = r.history.ops.filter((o) => o.f === "send" && o.type !== "invoke");
    expect(sends.length).toBeGreaterThan(300);
    expect(sends.every((o) => o.type === "ok")).toBe(true);
  });

  it("with the default (none) and no codec anywhere nothing changes: compression.type none is the run without it", () => {
    const text = (cfg: string) => `
name: same
description: default codec
duration: 4s
cluster: { brokers: 1, topics: [{ name: t, partitions: 2, replicationFactor: 1 }] }
capacity: { nicMbitPerSec: 1000, brokerCpu: {} }
clients:
  - { id: p, kind: producer, config: { acks: all${cfg} }, workload: { topic: t, rate: 500 } }
`;
    const a = runScenario(parseScenario(text(""), "a.yaml"), {});
    const b = runScenario(parseScenario(text(", compression.type: none"), "b.yaml"), {});
    expect(b.digest).toBe(a.digest);
  });
});

describe("compression.type in scenario files", () => {
  it("an unknown codec exits 2 at its path with the allowed list", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kafkasim-codec-"));
    const f = join(dir, "bad.yaml");
    const scenario = (topicCodec: string, producerCodec: string) => `name: t
description: a test
duration: 5s
cluster:
  brokers: 1
  topics: [{ name: t, partitions: 1, replicationFactor: 1, config: { compression.type: ${topicCodec} } }]
clients:
  - { id: p, kind: producer, config: { compression.type: ${producerCodec} }, workload: { topic: t } }
`;
    const bad = async (text: string, ...needles: string[]) => {
      writeFileSync(f, text);
      const r = await cli("run", f);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      for (const needle of needles) expect(r.stderr).toContain(needle);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    };
    await bad(scenario("gzip", "brotli"), f, "clients[0].config.compression.type", 'must be one of "none", "gzip", "snappy", "lz4", "zstd" (got "brotli")');
    await bad(scenario("none", "gzip"), "cluster.topics[0].config.compression.type", 'must be one of "uncompressed", "zstd", "lz4", "snappy", "gzip", "producer" (got "none")');
  });
});

import { describe, expect, it } from "vitest";
import { CODECS } from "../../src/kafka/log/compression.js";
import { runScenario } from "../../src/runner/run.js";
import { parseScenario } from "../../src/scenario/load.js";

/**
 * `capacity.clientCpu` (src/kafka/client/clientCpu.ts): a producer's compression on its sender path, a consumer's
 * decompression before poll() hands out the records. One broker, a producer from 3 s for 2 s, a consumer polling
 * every millisecond, 1 ms links, 1000-byte values (10,000 to find the cap).
 */
function run(opts: { codec: string; clientCpu: boolean; rate: number; valueSize?: number; batchSize?: number; partitions?: number; reader?: string }) {
  const text = `
name: client-cpu
description: a producer and a consumer with codecs
duration: 5s
cluster:
  brokers: 1
  topics: [{ name: t, partitions: ${opts.partitions ?? 1}, replicationFactor: 1 }]
network: { latency: { model: constant, value: 1ms } }
capacity: { clientCpu: ${opts.clientCpu} }
clients:
  - id: app
    kind: producer
    start: 3s
    config: { acks: 1, linger.ms: 5, compression.type: ${opts.codec}, batch.size: ${opts.batchSize ?? 16384} }
    workload: { topic: t, rate: ${opts.rate}, keys: { distribution: none }, valueSize: ${opts.valueSize ?? 1000} }
  - { id: reader, kind: consumer, workload: { assign: { topic: t }, ${opts.reader ?? "pollInterval: 1ms"} } }
`;
  return runScenario(parseScenario(text, "client-cpu.yaml")).performance!;
}

describe("capacity.clientCpu: compression costs the clients' CPU", () => {
  it("a consumer blocked in poll(Duration) wakes once its records are decompressed, and fetches again from that poll", () => {
    // Newcomer's finding: the blocked poll was woken only by its timeout (100 ms), and the Fetch sent on the answer
    // left out the partitions still being decompressed and held the node's one Fetch in flight, so lz4's few µs
    // became ~14 ms at p50. Java sends fetches only from poll(), after collecting (KafkaConsumer.pollForFetches).
    const reader = "pollTimeout: 100ms";
    const free = run({ codec: "lz4", clientCpu: false, rate: 5000, partitions: 4, reader });
    const paid = run({ codec: "lz4", clientCpu: true, rate: 5000, partitions: 4, reader });
    const freeP50 = free.consumers[0].endToEnd!.p50Ms;
    const paidP50 = paid.consumers[0].endToEnd!.p50Ms;
    expect(paidP50).toBeGreaterThanOrEqual(freeP50);
    // lz4 decompresses a 5 ms batch of 1 KB records in ~10 µs: the end-to-end latency moves by well under a millisecond.
    expect(paidP50 - freeP50).toBeLessThan(0.5);
    expect(paid.consumers[0].endToEnd!.p99Ms - free.consumers[0].endToEnd!.p99Ms).toBeLessThan(1);
  });

  it("gzip shrinks the bytes; with clientCpu the producer's thread spends its compress time and the consumer's its decompress time", () => {
    const plain = run({ codec: "none", clientCpu: true, rate: 5000 });
    const free = run({ codec: "gzip", clientCpu: false, rate: 5000 });
    const paid = run({ codec: "gzip", clientCpu: true, rate: 5000 });
    // Bytes: gzip's ratio (0.365) on the records, with or without CPU.
    expect(free.partitions[0].inMiB).toBeLessThan(0.4 * plain.partitions[0].inMiB);
    // (batches cut a little differently while the producer's thread is busy: within 1 %)
    expect(Math.abs(paid.partitions[0].inMiB - free.partitions[0].inMiB)).toBeLessThan(0.01 * free.partitions[0].inMiB);
    // Uncompressed batches cost no codec time; without the switch nothing is measured.
    expect(plain.clientCpu!.every((c) => c.jobs === 0 && c.busyMs === 0)).toBe(true);
    expect(free.clientCpu).toEqual([]);
    // ~10,000 records of ~1,010 bytes at 10.5 ns a byte: ~106 ms of the producer's thread.
    const producer = paid.clientCpu!.find((c) => c.client === "app")!;
    const records = paid.producers[0].acknowledged;
    const expectedMs = (records * 1010 * CODECS.gzip.compressNsPerByte) / 1e6;
    expect(producer.busyMs).toBeGreaterThan(0.95 * expectedMs);
    expect(producer.busyMs).toBeLessThan(1.1 * expectedMs);
    expect(producer.utilisation).toBeCloseTo(producer.busyMs / 5000, 2);
    const consumer = paid.clientCpu!.find((c) => c.client === "reader")!;
    const decompressMs = (records * 1010 * CODECS.gzip.decompressNsPerByte) / 1e6;
    expect(consumer.busyMs).toBeGreaterThan(0.9 * decompressMs);
    expect(consumer.busyMs).toBeLessThan(1.1 * decompressMs);
    // The batch waits for its compression (a 5 ms linger of 1 KB records: ~25 records, ~0.27 ms of gzip) and the
    // records for their decompression: latency rises by about that much.
    const rise = paid.producers[0].latency!.p50Ms - free.producers[0].latency!.p50Ms;
    expect(rise).toBeGreaterThan(0.1);
    expect(rise).toBeLessThan(1);
    expect(paid.consumers[0].endToEnd!.p50Ms).toBeGreaterThan(free.consumers[0].endToEnd!.p50Ms);
  });

  it("one thread at the codec's speed caps the producer's throughput", () => {
    // gzip compresses ~95 MB/s: 10,010-byte records at most ~9,500 a second; 15,000 offered, in batches of up to
    // 512 KiB (with 16 KiB ones the five requests in flight, a batch each, would be the limit, not the CPU).
    const p = run({ codec: "gzip", clientCpu: true, rate: 15_000, valueSize: 10_000, batchSize: 524_288 });
    const cap = 1e9 / (10_010 * CODECS.gzip.compressNsPerByte);
    expect(p.producers[0].recordsPerSec).toBeLessThan(1.03 * cap);
    expect(p.producers[0].recordsPerSec).toBeGreaterThan(0.8 * cap);
    expect(p.clientCpu!.find((c) => c.client === "app")!.utilisation).toBeGreaterThan(0.35);
  });
});

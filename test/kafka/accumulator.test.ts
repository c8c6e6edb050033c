import { describe, expect, it } from "vitest";
import { runProducer } from "../support/producerHarness.js";

// Records of ~100 bytes each (value padding), sent after metadata has arrived (t ≥ 100ms).
const rec = (i: number, key: string | null = "k") => ({ topic: "t", key, value: `v${i}`, padBytes: 90 });

describe("RecordAccumulator: batches close on batch.size or linger.ms, whichever first", () => {
  it("a full batch is sent at once, long before linger.ms; the last, not full, waits linger.ms", () => {
    const sends = Array.from({ length: 12 }, (_, i) => ({ atMs: 100 + i * 0.01, record: rec(i) }));
    const { requests } = runProducer({ config: { "linger.ms": 5000, "batch.size": 500 }, sends });
    // batch.size 500 holds 4 records of ~103 bytes plus the 61-byte batch overhead.
    expect(requests.map((r) => r.records)).toEqual([4, 4, 4]);
    expect(requests[1].atUs).toBeLessThan(110_000);
    expect(requests[2].atUs).toBe(5_100_580); // opened by the 9th record at 100.08ms, lingered 5000ms, 0.5ms on the wire
  });

  it("a batch that does not fill waits linger.ms, then leaves with everything that arrived meanwhile", () => {
    const sends = Array.from({ length: 5 }, (_, i) => ({ atMs: 100 + i * 10, record: rec(i) }));
    const { requests } = runProducer({ config: { "linger.ms": 100, "batch.size": 16384 }, sends });
    expect(requests.map((r) => r.records)).toEqual([5]);
    // Created at 100ms, sent at 200ms (linger), received 0.5ms later.
    expect(requests[0].atUs).toBe(200_500);
  });

  it("with linger.ms=0 each record leaves as soon as the sender runs", () => {
    const sends = Array.from({ length: 3 }, (_, i) => ({ atMs: 100 + i * 10, record: rec(i) }));
    const { requests } = runProducer({ config: { "linger.ms": 0 }, sends });
    expect(requests.map((r) => r.records)).toEqual([1, 1, 1]);
  });
});

describe("the sender wakes when a batch is ready, not on every send (KafkaProducer.doSend, RecordAccumulator.ready)", () => {
  it("records that join an open batch cost no sender pass: twice the records in one batch, a handful more events", () => {
    // One batch, lingering 100 ms, filled by n sends. Each send is one event (its timer); if each also woke the
    // sender, the run would grow by two events per record (the wake-up and nothing else).
    const run = (n: number) => runProducer({ config: { "linger.ms": 100, "batch.size": 1_000_000 }, sends: Array.from({ length: n }, (_, i) => ({ atMs: 100 + i * 0.1, record: rec(i) })) });
    const small = run(20);
    const large = run(40);
    expect(small.requests.map((r) => r.records)).toEqual([20]);
    expect(large.requests.map((r) => r.records)).toEqual([40]);
    // The twenty extra sends add their own twenty events (and their callbacks' nothing).
    expect(large.events - small.events).toBe(20);
    // Still sent when the linger ends: created at 100 ms, sent at 200 ms, received 0.5 ms later.
    expect(large.requests[0].atUs).toBe(200_500);
  });

  it("a batch that fills wakes the sender at once, and so does a second batch queued behind the first", () => {
    const sends = Array.from({ length: 5 }, (_, i) => ({ atMs: 100 + i * 0.01, record: rec(i) }));
    const { requests } = runProducer({ config: { "linger.ms": 60_000, "batch.size": 500, "delivery.timeout.ms": 120_000 }, sends, untilMs: 70_000 });
    // The fifth record opens a second batch: the first (4 records) leaves at once, the second lingers.
    expect(requests.map((r) => [r.records, r.atUs < 101_000])).toEqual([
      [4, true],
      [1, false],
    ]);
  });
});

describe("buffer.memory back-pressure and max.block.ms", () => {
  it("sends block while the buffer is full and fail after max.block.ms; earlier ones stay pending", () => {
    // Each batch takes batch.size (500) from a 1000-byte buffer; the broker never answers, so nothing frees.
    const sends = Array.from({ length: 12 }, (_, i) => ({ atMs: 100 + i, record: rec(i) }));
    const { results, requests } = runProducer({
      config: { "batch.size": 500, "buffer.memory": 1000, "max.block.ms": 2000, "linger.ms": 0, "request.timeout.ms": 60000, "delivery.timeout.ms": 120000 },
      sends,
      silent: true,
      untilMs: 5000,
    });
    expect(requests.length).toBe(2);
    const blocked = results.filter((r) => !r.result.ok && r.result.error === "BUFFER_EXHAUSTED");
    expect(blocked.length).toBe(10);
    for (const b of blocked) expect(b.atUs).toBeGreaterThanOrEqual(2_100_000);
  });
});

describe("buffer.memory: sends blocked behind each other", () => {
  it("when an answer frees the buffer, the blocked sends go on in order (several blocked: none is starved, the loop ends)", () => {
    // Two batches fill the buffer; the broker answers after 50 ms, so the ten blocked sends get in as room frees.
    const sends = Array.from({ length: 12 }, (_, i) => ({ atMs: 100 + i * 0.01, record: rec(i) }));
    const { results, requests } = runProducer({
      config: { "batch.size": 500, "buffer.memory": 1000, "max.block.ms": 60_000, "linger.ms": 0 },
      sends,
      delayMs: () => 50,
      untilMs: 5000,
    });
    expect(results.filter((r) => r.result.ok)).toHaveLength(12);
    expect(requests.reduce((n, r) => n + r.records, 0)).toBe(12);
    // Acknowledged in send order.
    expect(results.map((r) => r.value)).toEqual(sends.map((x) => x.record.value));
  });
});

describe("delivery.timeout.ms", () => {
  it("a record that cannot be delivered fails with a timeout after delivery.timeout.ms, as unknown outcome once sent", () => {
    const { results } = runProducer({
      config: { "delivery.timeout.ms": 3000, "request.timeout.ms": 1000, "linger.ms": 0 },
      sends: [{ atMs: 100, record: rec(0) }],
      silent: true,
    });
    expect(results).toHaveLength(1);
    expect(results[0].result).toMatchObject({ ok: false, error: "DELIVERY_TIMEOUT", indeterminate: true });
    expect(results[0].atUs).toBeGreaterThanOrEqual(3_100_000);
    expect(results[0].atUs).toBeLessThan(3_200_000);
  });
});

describe("partitioning in the producer", () => {
  it("keyless records stick to a partition for batch.size bytes, then move, spreading over all partitions", () => {
    const sends = Array.from({ length: 300 }, (_, i) => ({ atMs: 100 + i, record: rec(i, null) }));
    const run = (seed: number) => runProducer({ config: { "batch.size": 1000, "linger.ms": 0 }, partitions: 3, sends, seed, untilMs: 2000 });
    const { results } = run(1);
    const parts = results.map((r) => (r.result.ok ? r.result.partition : -1));
    // linger.ms=0: each record leaves in its own batch, so a batch is never full when the next record comes and the
    // switch waits for 2 × batch.size (updatePartitionInfo). Each record counts its new batch's bytes
    // (RecordAppendResult.appendedBytes: 61-byte header + a 100-byte record = 161), so a partition takes 13 records
    // (13 × 161 ≥ 2000). The next partition is drawn at random among all three, so it may be the same one again.
    const runs: number[] = [];
    let len = 1;
    for (let i = 1; i < parts.length; i++) {
      if (parts[i] === parts[i - 1]) len++;
      else {
        runs.push(len);
        len = 1;
      }
    }
    for (const r of runs.slice(0, -1)) expect(r % 13).toBe(0);
    expect(runs.filter((r) => r === 13).length).toBeGreaterThan(runs.length / 2);
    expect(new Set(parts)).toEqual(new Set([0, 1, 2]));
    for (const p of [0, 1, 2]) expect(parts.filter((x) => x === p).length).toBeGreaterThan(50);
    // Reproducible from the seed.
    expect(run(1).results.map((r) => (r.result.ok ? r.result.partition : -1))).toEqual(parts);
  });

  it("an explicit partition wins; partitioner.ignore.keys makes keyed records sticky", () => {
    const explicit = runProducer({ config: {}, partitions: 3, sends: [{ atMs: 100, record: { ...rec(0), partition: 2 } }] });
    expect(explicit.results[0].result).toMatchObject({ ok: true, partition: 2 });
    const sends = Array.from({ length: 30 }, (_, i) => ({ atMs: 100 + i, record: rec(i, `key-${i}`) }));
    const ignored = runProducer({ config: { "partitioner.ignore.keys": true, "batch.size": 100000 }, partitions: 3, sends });
    expect(new Set(ignored.results.map((r) => (r.result.ok ? r.result.partition : -1))).size).toBe(1);
  });
});

describe("idempotence on the client (KIP-360)", () => {
  it("an out-of-order refusal of the next batch in sequence is a gap: the producer bumps its epoch locally and retries it at sequence 0 (Kafka 4 TransactionManager.canRetry)", () => {
    // The broker refuses the first batch as out of order although it is the next expected: a real gap.
    const sends = Array.from({ length: 3 }, (_, i) => ({ atMs: 100 + i * 20, record: rec(i) }));
    const { requests, results } = runProducer({ config: { "linger.ms": 0 }, sends, answer: (_req, n) => (n === 0 ? "OUT_OF_ORDER_SEQUENCE_NUMBER" : "NONE") });
    // The retry leads the new epoch; the records queued behind it follow in order.
    expect(requests.map((r) => [r.producerEpoch, r.baseSequence])).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(results.map((r) => r.result.ok)).toEqual([true, true, true]);
  });

  it("UNKNOWN_PRODUCER_ID (an older broker that lost the producer's state) is retried the same way", () => {
    const sends = [{ atMs: 100, record: rec(0) }];
    const { requests, results } = runProducer({ config: { "linger.ms": 0 }, sends, answer: (_req, n) => (n === 0 ? "UNKNOWN_PRODUCER_ID" : "NONE") });
    expect(requests.map((r) => [r.producerEpoch, r.baseSequence])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(results[0].result.ok).toBe(true);
  });

  it("a retriable failure keeps the batch's sequence, so the broker can recognise the retry as a duplicate", () => {
    const sends = [{ atMs: 100, record: rec(0) }];
    const { requests } = runProducer({ config: { "linger.ms": 0 }, sends, answer: (_req, n) => (n === 0 ? "NOT_LEADER_OR_FOLLOWER" : "NONE") });
    expect(requests.map((r) => [r.producerEpoch, r.baseSequence])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
});

describe("adaptive partitioning (KIP-794) in the producer", () => {
  it("keyless records go less to a partition whose broker is slow, because its queue is longer", () => {
    // Each partition has its own leader; partition 0's (broker-1's) answers take 200ms. With max.in.flight=1 its
    // batches queue up, so the CFT weights it down. (On one broker the partitions would share each request.)
    const sends = Array.from({ length: 1500 }, (_, i) => ({ atMs: 100 + i * 2, record: rec(i, null) }));
    const run = (adaptive: boolean) =>
      runProducer({
        config: { "batch.size": 500, "linger.ms": 0, "max.in.flight.requests.per.connection": 1, "partitioner.adaptive.partitioning.enable": adaptive, "enable.idempotence": false },
        partitions: 3,
        brokers: 3,
        sends,
        delayMs: (p) => (p === 0 ? 200 : 0),
        untilMs: 110_000, // long enough for every record to complete
      });
    const share = (r: ReturnType<typeof run>) => {
      expect(r.results).toHaveLength(1500);
      return r.results.filter((x) => x.result.ok && x.result.partition === 0).length / r.results.length;
    };
    const adaptive = share(run(true));
    const uniform = share(run(false));
    expect(uniform).toBeGreaterThan(0.25);
    expect(adaptive).toBeLessThan(uniform * 0.75);
  });
});

import { describe, expect, it } from "vitest";
import { runProducer } from "../support/producerHarness.js";

// Records of ~100 bytes (value padding), sent after metadata has arrived (t ≥ 100ms).
const rec = (i: number, padBytes = 90) => ({ topic: "t", key: "k", value: `v${i}`, padBytes });

describe("max.request.size and buffer.memory: KafkaProducer.ensureValidRecordSize", () => {
  it("a record whose batch bound exceeds max.request.size fails at once with RECORD_TOO_LARGE and is never sent", () => {
    // Bound of a 1000-byte value with a 1-byte key: 61 + 21 + (1 + 1) + (2 + 1000) + 1 = 1087 > 1000.
    const { results, requests } = runProducer({ config: { "max.request.size": 1000 }, sends: [{ atMs: 100, record: rec(0, 998) }, { atMs: 101, record: rec(1) }] });
    expect(results[0]).toMatchObject({ atUs: 100_000, value: "v0", result: { ok: false, error: "RECORD_TOO_LARGE", indeterminate: false } });
    expect(results[1].result.ok).toBe(true);
    expect(requests.map((r) => r.values)).toEqual([["v1"]]);
  });

  it("one byte under the limit is sent", () => {
    // 61 + 21 + 2 + (2 + 912) + 1 = 999 ≤ 999.
    const { results } = runProducer({ config: { "max.request.size": 999 }, sends: [{ atMs: 100, record: rec(0, 910) }] });
    expect(results[0].result.ok).toBe(true);
    const over = runProducer({ config: { "max.request.size": 998 }, sends: [{ atMs: 100, record: rec(0, 910) }] });
    expect(over.results[0].result).toMatchObject({ ok: false, error: "RECORD_TOO_LARGE" });
  });

  it("a record larger than buffer.memory fails the same way", () => {
    const { results } = runProducer({ config: { "buffer.memory": 4096, "batch.size": 1024 }, sends: [{ atMs: 100, record: rec(0, 5000) }] });
    expect(results[0].result).toMatchObject({ ok: false, error: "RECORD_TOO_LARGE" });
  });

  it("a record larger than batch.size gets a batch of its own, as large as it needs", () => {
    const sends = [0, 1, 2].map((i) => ({ atMs: 100, record: rec(i, i === 1 ? 3000 : 90) }));
    const { requests, results } = runProducer({ config: { "batch.size": 1024, "linger.ms": 50 }, sends });
    expect(results.every((r) => r.result.ok)).toBe(true);
    expect(requests.map((r) => r.values)).toEqual([["v0"], ["v1"], ["v2"]]);
  });
});

describe("MESSAGE_TOO_LARGE from the broker (max.message.bytes): Sender.completeBatch splits and resends", () => {
  it("a batch of several records is split until each part fits; every record is acknowledged once, in order", () => {
    // 12 records of ~100 bytes fill a 16 KiB batch by linger; the broker takes no batch above 400 bytes.
    const sends = Array.from({ length: 12 }, (_, i) => ({ atMs: 100, record: rec(i) }));
    const { requests, results } = runProducer({
      config: { "linger.ms": 10 },
      sends,
      answer: (d) => (d.batch.sizeBytes > 400 ? "MESSAGE_TOO_LARGE" : "NONE"),
    });
    expect(results.map((r) => r.result.ok)).toEqual(Array(12).fill(true));
    expect(results.map((r) => (r.result.ok ? r.result.offset : -1))).toEqual([...Array(12).keys()]);
    // Each part's records keep their tags: every callback names its own send (the harness's value is by tag).
    expect(results.map((r) => r.value)).toEqual(sends.map((s) => s.record.value));
    // First the whole batch, then the same (it is under batch.size), then halves until each is ≤ 400 bytes.
    expect(requests[0].records).toBe(12);
    expect(requests[1].records).toBe(12);
    const accepted = requests.filter((r) => r.records <= 3);
    expect(accepted.flatMap((r) => r.values)).toEqual(sends.map((s) => s.record.value));
    // The idempotent producer hands the big batch's sequences on to its parts.
    expect(accepted.map((r) => r.baseSequence)).toEqual(accepted.map((_, i, a) => a.slice(0, i).reduce((n, x) => n + x.records, 0)));
  });

  it("a single record the broker finds too large fails with MESSAGE_TOO_LARGE, not retried", () => {
    const { requests, results } = runProducer({ config: {}, sends: [{ atMs: 100, record: rec(0, 2000) }], answer: () => "MESSAGE_TOO_LARGE" });
    expect(requests).toHaveLength(1);
    expect(results[0].result).toMatchObject({ ok: false, error: "MESSAGE_TOO_LARGE" });
  });
});

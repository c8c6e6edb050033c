import { describe, expect, it } from "vitest";
import { runProducer, type SeenRequest } from "../support/producerHarness.js";

/**
 * One ProduceRequest per leader (Kafka `RecordAccumulator.drain` / `Sender.sendProduceRequests`): the sender drains,
 * for each leader with a sendable batch, the first batch of every partition that leader leads (lingered or not) into
 * one request, up to max.request.size; max.in.flight.requests.per.connection counts those requests.
 */

// Records of ~100 bytes each (value padding) to an explicit partition, sent after metadata has arrived (t ≥ 100ms).
const rec = (i: number, partition: number) => ({ topic: "t", key: null, value: `v${i}`, padBytes: 90, partition });

/** The requests the fake brokers saw, as the partitions each carried (in order). */
function byRequest(requests: SeenRequest[]): number[][] {
  const out = new Map<number, number[]>();
  for (const r of requests) out.set(r.correlationId, [...(out.get(r.correlationId) ?? []), r.partition]);
  return [...out.values()];
}

describe("one ProduceRequest per leader, one batch per partition in it", () => {
  it("a lingered batch takes the other partitions' batches of its leader along, though their linger has not ended", () => {
    // Partition 0's batch opens at 100ms, partition 1's at 150ms; linger.ms=100: partition 0 is ready at 200ms and
    // the drain takes both (RecordAccumulator.drain checks readiness per leader, not per partition).
    const { requests } = runProducer({ config: { "linger.ms": 100 }, partitions: 2, sends: [{ atMs: 100, record: rec(0, 0) }, { atMs: 150, record: rec(1, 1) }] });
    expect(byRequest(requests)).toEqual([[0, 1]]);
    expect(requests[0].atUs).toBe(200_500);
  });

  it("partitions led by different brokers go in different requests", () => {
    const { requests } = runProducer({ config: { "linger.ms": 100 }, partitions: 2, brokers: 2, sends: [{ atMs: 100, record: rec(0, 0) }, { atMs: 100, record: rec(1, 1) }] });
    expect(byRequest(requests).sort()).toEqual([[0], [1]]);
    expect(new Set(requests.map((r) => r.broker))).toEqual(new Set(["broker-1", "broker-2"]));
  });

  it("max.request.size caps a request: the batch that would pass it waits for the next request (the first always goes)", () => {
    // Each batch is one ~165-byte record batch; 400 bytes hold two of them.
    const sends = [0, 1, 2].map((p) => ({ atMs: 100, record: rec(p, p) }));
    const capped = runProducer({ config: { "linger.ms": 0, "max.request.size": 400 }, partitions: 3, sends });
    expect(byRequest(capped.requests).map((ps) => ps.length)).toEqual([2, 1]);
    const roomy = runProducer({ config: { "linger.ms": 0 }, partitions: 3, sends });
    expect(byRequest(roomy.requests).map((ps) => ps.length)).toEqual([3]);
  });

  it("max.in.flight.requests.per.connection counts requests: with 1, three partitions' batches still leave together", () => {
    const sends = [0, 1, 2].map((p) => ({ atMs: 100, record: rec(p, p) }));
    const { requests, results } = runProducer({ config: { "linger.ms": 0, "max.in.flight.requests.per.connection": 1 }, partitions: 3, sends, delayMs: () => 50 });
    expect(byRequest(requests)).toEqual([[0, 1, 2]]);
    expect(results.map((r) => r.result.ok)).toEqual([true, true, true]);
  });

  it("each batch completes from its own partition's entry in the answer: one partition's error retries only that batch", () => {
    const sends = [0, 1].map((p) => ({ atMs: 100, record: rec(p, p) }));
    const { requests, results } = runProducer({ config: { "linger.ms": 0 }, partitions: 2, sends, answer: (d, n) => (n === 1 && d.partition === 1 ? "NOT_LEADER_OR_FOLLOWER" : "NONE") });
    // The first request carried both; partition 1's batch alone was sent again.
    expect(byRequest(requests)).toEqual([[0, 1], [1]]);
    expect(results.map((r) => r.result.ok)).toEqual([true, true]);
  });

  it("a second batch of the same partition waits for a later request (one batch per partition per request)", () => {
    // batch.size 300 holds two ~103-byte records: six records to partition 0 make three batches, three requests.
    const sends = Array.from({ length: 6 }, (_, i) => ({ atMs: 100 + i * 0.01, record: rec(i, 0) }));
    const { requests } = runProducer({ config: { "linger.ms": 0, "batch.size": 300 }, sends });
    expect(byRequest(requests).every((ps) => ps.length === 1)).toBe(true);
    expect(requests.length).toBeGreaterThan(1);
  });

  it("a batch left at the head by a drain leaves when its own linger ends (the sender wakes for it)", () => {
    // Ten records sent before metadata arrives fill two batches of four and start a third of two. When the leader is
    // known the two full ones leave at once; the third was opened before that pass and lingers 2s from its creation.
    // acks=0, so no answer wakes the sender meanwhile: only the linger of the batch now at the head can.
    const sends = Array.from({ length: 10 }, (_, i) => ({ atMs: 0, record: rec(i, 0) }));
    const { requests } = runProducer({ config: { "linger.ms": 2000, "batch.size": 500, acks: "0", "enable.idempotence": false }, sends });
    expect(requests.map((r) => r.records)).toEqual([4, 4, 2]);
    expect(requests[2].atUs).toBe(2_002_500); // appended once metadata came (2ms), lingered 2s, 0.5ms on the wire
  });
});

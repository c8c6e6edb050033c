import { describe, expect, it } from "vitest";
import { KafkaConsumer } from "../../../../src/kafka/client/consumer/consumer.js";
import { CONSUMER_CONFIG, consumerSettings } from "../../../../src/kafka/config/consumerConfig.js";
import type { RecordBatch } from "../../../../src/kafka/log/recordBatch.js";
import type { ConsumerFetchRequest, ConsumerFetchResponsePartition } from "../../../../src/kafka/protocol/messages.js";
import { FakeContext, type SentMessage } from "../../../support/fakeContext.js";

/**
 * The consumer's Fetch requests (Kafka `AbstractFetch.prepareFetchRequests`): one consumer in assign() mode on t-0,
 * t-1 (led by broker-1) and t-2 (led by broker-2), every position reset to offset 0. Requests are read from what it
 * sent; answers are written by hand on the request's connection.
 */
function consumer(config: Record<string, number> = {}) {
  const ctx = new FakeContext("reader");
  const c = new KafkaConsumer(ctx, ["broker-1", "broker-2"], consumerSettings(CONSUMER_CONFIG.resolve({ "auto.offset.reset": "earliest", ...config })));
  const leaders = ["broker-1", "broker-1", "broker-2"];
  const taken: SentMessage[] = [];
  /** What was sent since the last call, of one type. */
  const sentOf = (type: string) => {
    ctx.advance(0);
    const all = ctx.takeSent();
    taken.push(...all);
    return all.filter((m) => (m.msg as { type: string }).type === type);
  };
  c.start();
  const [meta] = sentOf("Metadata");
  ctx.receive(meta.conn!, {
    type: "MetadataResponse",
    correlationId: (meta.msg as { correlationId: number }).correlationId,
    partitions: leaders.map((leader, partition) => ({ topic: "t", partition, leader, leaderEpoch: 1, replicas: leaders, isr: leaders })),
  });
  c.assign([0, 1, 2].map((partition) => ({ topic: "t", partition })));
  for (const m of sentOf("ListOffsets")) {
    const req = m.msg as { correlationId: number; partition: number };
    ctx.receive(m.conn!, { type: "ListOffsetsResponse", correlationId: req.correlationId, topic: "t", partition: req.partition, error: "NONE", offset: 0 });
  }
  /** The Fetch requests sent since the last look (broker-1's first): to whom and which partitions from which offsets. */
  const fetches = () =>
    sentOf("Fetch")
      .map((m) => ({ to: m.to, conn: m.conn!, req: m.msg as ConsumerFetchRequest, parts: (m.msg as ConsumerFetchRequest).partitions.map((p) => `${p.partition}@${p.fetchOffset}`) }))
      .sort((a, b) => a.to.localeCompare(b.to));
  const answer = (f: { conn: number; req: ConsumerFetchRequest }, parts: Partial<ConsumerFetchResponsePartition>[]) =>
    ctx.receive(f.conn, {
      type: "FetchResponse",
      correlationId: f.req.correlationId,
      partitions: f.req.partitions.map((p, i) => ({ topic: p.topic, partition: p.partition, error: "NONE", highWatermark: 10, lastStableOffset: 10, logStartOffset: 0, batches: [], abortedTransactions: null, ...parts[i] })),
    });
  return { ctx, c, fetches, answer };
}

function batch(baseOffset: number, n: number): RecordBatch {
  return { baseOffset, leaderEpoch: 1, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: Array.from({ length: n }, (_, i) => ({ key: null, value: `v${baseOffset + i}` })), sizeBytes: 100 };
}

describe("the consumer's Fetch: one per node for all its partitions there (AbstractFetch.prepareFetchRequests)", () => {
  it("partitions led by one node share a Fetch; another node gets its own", () => {
    const h = consumer();
    const sent = h.fetches();
    // The resets answered one by one: t-0's Fetch went to broker-1 before t-1 was positioned, so t-1 waits for it.
    expect(sent.map((f) => [f.to, f.parts])).toEqual([
      ["broker-1", ["0@0"]],
      ["broker-2", ["2@0"]],
    ]);
    h.answer(sent[0], [{}]);
    expect(h.fetches().map((f) => [f.to, f.parts])).toEqual([["broker-1", ["0@0", "1@0"]]]);
  });

  it("carries fetch.min.bytes, fetch.max.bytes and max.partition.fetch.bytes (Kafka's defaults: 1, 52428800, 1048576)", () => {
    const [f] = consumer().fetches();
    expect(f.req).toMatchObject({ minBytes: 1, maxBytes: 52428800, partitions: [{ partitionMaxBytes: 1048576 }] });
    const [g] = consumer({ "fetch.min.bytes": 1000, "fetch.max.bytes": 30000, "max.partition.fetch.bytes": 5000 }).fetches();
    expect(g.req).toMatchObject({ minBytes: 1000, maxBytes: 30000, partitions: [{ partitionMaxBytes: 5000 }] });
  });

  it("reads in its fetch session's order: a partition that returned records goes last next time (KIP-74 round robin)", () => {
    const h = consumer();
    const [first] = h.fetches();
    h.answer(first, [{}]);
    const [both] = h.fetches();
    expect(both.parts).toEqual(["0@0", "1@0"]);
    expect(both.req.readOrder).toEqual([0, 1]);
    h.answer(both, [{ batches: [batch(0, 2)] }, {}]);
    // t-0's records wait for poll(): it is left out (forgotten by the session), t-1 fetches alone.
    const [alone] = h.fetches();
    expect(alone.parts).toEqual(["1@0"]);
    expect(h.c.poll().ok).toBe(true);
    h.answer(alone, [{}]);
    const [next] = h.fetches();
    // t-0 rejoins the session at its end: the leader reads t-1 first now.
    expect(next.parts).toEqual(["0@2", "1@0"]);
    expect(next.req.readOrder).toEqual([1, 0]);
  });

  it("no new Fetch to a node while one is in flight to it (nodesWithPendingFetchRequests)", () => {
    const h = consumer();
    const [first] = h.fetches();
    h.answer(first, [{}]);
    const [both] = h.fetches();
    // poll() hands out nothing and asks for nothing new: broker-1 still has the Fetch for t-0 and t-1.
    expect(h.c.poll()).toEqual({ ok: true, partitions: [] });
    expect(h.fetches()).toEqual([]);
    h.answer(both, [{ batches: [batch(0, 2)] }, {}]);
    // t-0 has records waiting for poll() (not fetchable: AbstractFetch.fetchablePartitions); t-1 fetches alone.
    const [alone] = h.fetches();
    expect(alone.parts).toEqual(["1@0"]);
    const polled = h.c.poll();
    expect(polled.ok && polled.partitions.map((p) => [p.partition, p.records.map((r) => r.offset)])).toEqual([[0, [0, 1]]]);
    // t-0 is fetchable again, but broker-1 has t-1's Fetch: t-0 waits for its answer, then both go in one.
    expect(h.fetches()).toEqual([]);
    h.answer(alone, [{}]);
    expect(h.fetches().map((f) => [f.to, f.parts])).toEqual([["broker-1", ["0@2", "1@0"]]]);
  });

  it("each partition's error is its own: one partition backs off, the other's records are handed out", () => {
    const h = consumer();
    const [first] = h.fetches();
    h.answer(first, [{}]);
    const [both] = h.fetches();
    h.answer(both, [{ error: "NOT_LEADER_OR_FOLLOWER" }, { batches: [batch(0, 3)] }]);
    expect(h.ctx.tracesOf("consumer.retry").map((t) => t.data)).toEqual([{ tp: "t-0", error: "NOT_LEADER_OR_FOLLOWER" }]);
    const polled = h.c.poll();
    expect(polled.ok && polled.partitions.map((p) => [p.partition, p.records.map((r) => r.offset)])).toEqual([[1, [0, 1, 2]]]);
    // t-0 waits retry.backoff.ms; t-1 fetches on alone meanwhile.
    expect(h.fetches().map((f) => f.parts)).toEqual([["1@3"]]);
  });

  it("UNKNOWN_LEADER_EPOCH asks no new metadata (ours is the newer: FetchCollector.handleInitializeErrors only logs it); NOT_LEADER_OR_FOLLOWER does", () => {
    const types = () => {
      h.ctx.advance(0);
      return h.ctx.takeSent().map((m) => (m.msg as { type: string }).type);
    };
    const h = consumer();
    const [first] = h.fetches();
    h.answer(first, [{}]);
    const [both] = h.fetches();
    h.answer(both, [{ error: "UNKNOWN_LEADER_EPOCH" }, { batches: [batch(0, 3)] }]);
    expect(h.ctx.tracesOf("consumer.retry").map((t) => t.data)).toEqual([{ tp: "t-0", error: "UNKNOWN_LEADER_EPOCH" }]);
    expect(types()).not.toContain("Metadata");
    h.c.poll();
    // t-1 fetches on alone while t-0 waits retry.backoff.ms; then both go in one Fetch.
    const [alone] = h.fetches();
    expect(alone.parts).toEqual(["1@3"]);
    h.ctx.advance(h.c.settings.retryBackoffMs);
    h.answer(alone, [{}]);
    const [later] = h.fetches();
    expect(later.parts).toEqual(["0@0", "1@3"]);
    h.answer(later, [{ error: "NOT_LEADER_OR_FOLLOWER" }]);
    expect(types()).toContain("Metadata");
  });

  it("a Fetch whose connection fails sends every partition in it to retry.backoff.ms", () => {
    const h = consumer();
    const [first] = h.fetches();
    h.answer(first, [{}]);
    h.fetches();
    h.ctx.advance(h.c.settings.fetchMaxWaitMs + h.c.settings.requestTimeoutMs);
    expect(h.ctx.tracesOf("consumer.retry").map((t) => t.data).sort((a, b) => String(a.tp).localeCompare(String(b.tp)))).toEqual([
      { tp: "t-0", error: "REQUEST_TIMED_OUT" },
      { tp: "t-1", error: "REQUEST_TIMED_OUT" },
      { tp: "t-2", error: "REQUEST_TIMED_OUT" },
    ]);
  });
});

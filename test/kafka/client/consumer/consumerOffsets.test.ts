import { describe, expect, it } from "vitest";
import { KafkaConsumer } from "../../../../src/kafka/client/consumer/consumer.js";
import { CONSUMER_CONFIG, consumerSettings } from "../../../../src/kafka/config/consumerConfig.js";
import type { RecordBatch } from "../../../../src/kafka/log/recordBatch.js";
import type { ErrorName } from "../../../../src/kafka/protocol/errors.js";
import { FakeContext } from "../../../support/fakeContext.js";

/**
 * A consumer's position when the log under it changes (issue 11 item 5), driven message by message: one consumer in
 * assign() mode on partition t-0, led by broker-1. What it asks for is read from what it sent; the brokers' answers
 * are written by hand, on the connection the request went on (the fake context brings a connection up on its next
 * `advance`, so the helpers advance 0 ms before they look). Follows Kafka's FetchCollector.handleInitializeErrors (OFFSET_OUT_OF_RANGE),
 * OffsetFetcherUtils / SubscriptionState (KIP-320 validation) and SubscriptionState.resetInitializingPositions.
 */

type Sent = { type: string; correlationId: number } & Record<string, unknown>;

function consumer(autoOffsetReset: "earliest" | "latest" | "none") {
  const ctx = new FakeContext("reader");
  const c = new KafkaConsumer(ctx, ["broker-1"], consumerSettings(CONSUMER_CONFIG.resolve({ "auto.offset.reset": autoOffsetReset })));
  let mark = 0;
  const sent = (from = 0) => {
    ctx.advance(0);
    return ctx.sent.slice(from);
  };
  /** The last request of a type the consumer sent since the test's last `look()`, if any. */
  const last = (type: string): Sent | undefined => [...sent(mark)].reverse().find((m) => (m.msg as Sent).type === type)?.msg as Sent | undefined;
  /** The last request of a type ever sent (with its connection): the one an answer written by the test answers. */
  const pendingOn = (type: string) => [...sent()].reverse().find((m) => (m.msg as Sent).type === type);
  /** broker-1's answer to the last request of `type`, on that request's connection. */
  const answer = (type: string, res: (req: Sent) => object) => {
    const m = pendingOn(type);
    if (!m) throw new Error(`no ${type} request`);
    ctx.receive(m.conn!, res(m.msg as Sent));
  };
  /** From now on, `last` sees only what is sent after this. */
  const look = () => {
    ctx.advance(0);
    mark = ctx.sent.length;
  };
  const metadata = (leaderEpoch: number) => {
    answer("Metadata", (req) => ({ type: "MetadataResponse", correlationId: req.correlationId, partitions: [{ topic: "t", partition: 0, leader: "broker-1", leaderEpoch, replicas: ["broker-1"], isr: ["broker-1"] }] }));
  };
  const listOffsets = (offset: number) => {
    answer("ListOffsets", (req) => ({ type: "ListOffsetsResponse", correlationId: req.correlationId, topic: "t", partition: 0, error: "NONE", offset }));
  };
  const fetch = (error: ErrorName, batches: RecordBatch[] = []) => {
    answer("Fetch", (req) => ({ type: "FetchResponse", correlationId: req.correlationId, partitions: [{ topic: "t", partition: 0, error, highWatermark: 100, lastStableOffset: 100, logStartOffset: 0, batches, abortedTransactions: null }] }));
  };
  const offsetsForLeaderEpoch = (leaderEpoch: number, endOffset: number) => {
    answer("OffsetsForLeaderEpoch", (req) => ({ type: "OffsetsForLeaderEpochResponse", correlationId: req.correlationId, topic: "t", partition: 0, error: "NONE", leaderEpoch, endOffset }));
  };
  c.start();
  metadata(3);
  look();
  return { ctx, c, last, look, metadata, listOffsets, fetch, offsetsForLeaderEpoch };
}

/** A batch of `n` plain records from `baseOffset`, written at `leaderEpoch`. */
function batch(baseOffset: number, n: number, leaderEpoch: number): RecordBatch {
  return { baseOffset, leaderEpoch, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: Array.from({ length: n }, (_, i) => ({ key: null, value: `v${baseOffset + i}` })), sizeBytes: 100 };
}

describe("no position yet: auto.offset.reset (SubscriptionState.resetInitializingPositions)", () => {
  it("earliest asks ListOffsets for the log start, latest for the end", () => {
    for (const [policy, timestamp] of [["earliest", -2], ["latest", -1]] as const) {
      const { c, last } = consumer(policy);
      c.assign([{ topic: "t", partition: 0 }]);
      expect(last("ListOffsets")).toMatchObject({ timestamp, currentLeaderEpoch: 3 });
    }
  });

  it("none sends nothing and poll() throws NoOffsetForPartitionException", () => {
    const { c, last } = consumer("none");
    c.assign([{ topic: "t", partition: 0 }]);
    expect(last("ListOffsets")).toBeUndefined();
    expect(c.poll()).toEqual({ ok: false, error: { exception: "NoOffsetForPartitionException", error: "NO_OFFSET_FOR_PARTITION", partitions: [{ topic: "t", partition: 0, offset: null }] } });
  });
});

describe("a fetch answered OFFSET_OUT_OF_RANGE (FetchCollector.handleInitializeErrors)", () => {
  /** A consumer fetching t-0 from offset 50 (a reset position, so with no epoch to validate). */
  function fetchingAt50(policy: "earliest" | "latest" | "none") {
    const h = consumer(policy === "none" ? "earliest" : policy);
    h.c.assign([{ topic: "t", partition: 0 }]);
    h.listOffsets(50);
    expect(h.last("Fetch")).toMatchObject({ replicaId: -1, partitions: [{ topic: "t", partition: 0, fetchOffset: 50, currentLeaderEpoch: 3 }] });
    if (policy === "none") (h.c.settings as { autoOffsetReset: string }).autoOffsetReset = "none";
    h.look();
    return h;
  }

  it("earliest or latest: the position is reset by ListOffsets and fetching resumes there", () => {
    for (const [policy, timestamp] of [["earliest", -2], ["latest", -1]] as const) {
      const h = fetchingAt50(policy);
      h.fetch("OFFSET_OUT_OF_RANGE");
      expect(h.last("ListOffsets")).toMatchObject({ timestamp });
      h.listOffsets(7);
      expect(h.last("Fetch")).toMatchObject({ partitions: [{ fetchOffset: 7 }] });
    }
  });

  it("none: the next poll() throws OffsetOutOfRangeException naming the offset, and nothing is reset", () => {
    const h = fetchingAt50("none");
    h.fetch("OFFSET_OUT_OF_RANGE");
    expect(h.last("ListOffsets")).toBeUndefined();
    expect(h.c.poll()).toEqual({ ok: false, error: { exception: "OffsetOutOfRangeException", error: "OFFSET_OUT_OF_RANGE", partitions: [{ topic: "t", partition: 0, offset: 50 }] } });
    // Thrown once; the position stays where it was until the application seeks.
    expect(h.c.poll()).toEqual({ ok: true, partitions: [] });
  });
});

describe("KIP-320: a position checked against a new leader epoch (OffsetFetcherUtils.validatePositionsOnMetadataChange)", () => {
  /** A consumer that has read offsets 0-9, written at leader epoch 3; its position is (10, epoch 3). */
  function readTen(policy: "earliest" | "latest" | "none") {
    const h = consumer(policy === "none" ? "earliest" : policy);
    h.c.assign([{ topic: "t", partition: 0 }]);
    h.listOffsets(0);
    h.fetch("NONE", [batch(0, 10, 3)]);
    const polled = h.c.poll();
    expect(polled.ok && polled.partitions[0].records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    if (policy === "none") (h.c.settings as { autoOffsetReset: string }).autoOffsetReset = "none";
    h.look();
    return h;
  }

  it("the fetch carries the leader epoch the consumer knows (the leader refuses a stale one: FENCED_LEADER_EPOCH)", () => {
    const h = readTen("earliest");
    h.fetch("NONE");
    expect(h.last("Fetch")).toMatchObject({ partitions: [{ fetchOffset: 10, currentLeaderEpoch: 3 }] });
  });

  it("a new leader epoch: OffsetsForLeaderEpoch for the position's epoch before any fetch", () => {
    const h = readTen("earliest");
    h.ctx.advance(200);
    h.c["metadata"].requestUpdate();
    h.look();
    h.metadata(4);
    expect(h.last("OffsetsForLeaderEpoch")).toMatchObject({ replicaId: -1, leaderEpoch: 3, currentLeaderEpoch: 4 });
    expect(h.last("Fetch")).toBeUndefined();
  });

  it("the epoch ends at or past the position: fetching goes on from it", () => {
    const h = readTen("earliest");
    h.ctx.advance(200);
    h.c["metadata"].requestUpdate();
    h.metadata(4);
    h.offsetsForLeaderEpoch(3, 10);
    // The Fetch sent at epoch 3 is still in flight to broker-1, and no new Fetch goes to a node while one is
    // (AbstractFetch.nodesWithPendingFetchRequests); its answer (fenced) is ignored for the revalidated partition.
    expect(h.last("Fetch")).toBeUndefined();
    h.fetch("FENCED_LEADER_EPOCH");
    expect(h.ctx.tracesOf("consumer.retry")).toEqual([]);
    expect(h.last("Fetch")).toMatchObject({ partitions: [{ fetchOffset: 10, currentLeaderEpoch: 4 }] });
  });

  it("the epoch ends below the position (the log was truncated): the position moves back to that end", () => {
    const h = readTen("latest");
    h.ctx.advance(200);
    h.c["metadata"].requestUpdate();
    h.metadata(4);
    h.offsetsForLeaderEpoch(3, 6);
    // The Fetch sent at epoch 3 is still in flight to broker-1, and no new Fetch goes to a node while one is
    // (AbstractFetch.nodesWithPendingFetchRequests); its answer (fenced) is ignored for the revalidated partition.
    expect(h.last("Fetch")).toBeUndefined();
    h.fetch("FENCED_LEADER_EPOCH");
    expect(h.ctx.tracesOf("consumer.retry")).toEqual([]);
    expect(h.last("Fetch")).toMatchObject({ partitions: [{ fetchOffset: 6, currentLeaderEpoch: 4 }] });
    expect(h.ctx.tracesOf("consumer.truncation-detected").map((t) => t.data)).toEqual([{ tp: "t-0", offset: 10, offsetEpoch: 3, leaderEpoch: 3, endOffset: 6, action: "seek" }]);
  });

  it("auto.offset.reset=none: poll() throws LogTruncationException with the divergent offset, and nothing is fetched", () => {
    const h = readTen("none");
    h.ctx.advance(200);
    h.c["metadata"].requestUpdate();
    h.metadata(4);
    h.offsetsForLeaderEpoch(3, 6);
    expect(h.last("Fetch")).toBeUndefined();
    expect(h.c.poll()).toEqual({ ok: false, error: { exception: "LogTruncationException", error: "LOG_TRUNCATION", partitions: [{ topic: "t", partition: 0, offset: 10, divergentOffset: 6 }] } });
  });
});

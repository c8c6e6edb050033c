import { describe, expect, it } from "vitest";
import { brokerSettings } from "../../../src/kafka/broker/brokerSettings.js";
import { fetcherId } from "../../../src/kafka/broker/replicaFetcherThread.js";
import { BROKER_CONFIG } from "../../../src/kafka/config/brokerConfig.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import type { FetchRequest, FetchResponsePartition, OffsetsForLeaderEpochRequest } from "../../../src/kafka/protocol/messages.js";
import { FakeContext } from "../../support/fakeContext.js";
import { newReplicaManager } from "../../support/replicaManagerHarness.js";

/**
 * A follower's replica fetchers (Kafka `ReplicaFetcherManager` → `ReplicaFetcherThread`): broker-2 follows
 * partitions of "t" whose leaders the test sets. Its Fetch requests are read from what it sent; answers are
 * written back on the request's connection.
 */
function follower(config: Record<string, number> = {}) {
  const ctx = new FakeContext("broker-2");
  const settings = brokerSettings(BROKER_CONFIG.resolve(config), false);
  const rm = newReplicaManager(ctx, settings);
  const follow = (partition: number, leader: string, leaderEpoch = 1) =>
    rm.applyPartitionState({ topic: "t", partition, replicas: ["broker-1", "broker-2", "broker-3"], isr: ["broker-1", "broker-2", "broker-3"], leader, leaderEpoch, partitionEpoch: leaderEpoch });
  /** The Fetch requests sent since the last call: to whom, and which partitions from which offsets. */
  const fetches = () => {
    ctx.advance(0);
    return ctx
      .takeSent()
      .filter((m) => (m.msg as { type: string }).type === "Fetch")
      .map((m) => ({ to: m.to, conn: m.conn!, req: m.msg as FetchRequest, parts: (m.msg as FetchRequest).partitions.map((p) => `${p.topic}-${p.partition}@${p.fetchOffset}`) }));
  };
  /** The leader's answer to `req`, one entry per partition (in the request's order). */
  const answer = (f: { conn: number; req: FetchRequest }, parts: Partial<FetchResponsePartition>[]) => {
    ctx.receive(
      f.conn,
      { type: "FetchResponse", correlationId: f.req.correlationId, partitions: f.req.partitions.map((p, i) => ({ topic: p.topic, partition: p.partition, error: "NONE", highWatermark: 0, logStartOffset: 0, batches: [], ...parts[i] })) },
    );
  };
  return { ctx, rm, follow, fetches, answer, settings };
}

/** A batch of `n` records from `baseOffset` at leader epoch 1, as the leader's log holds it. */
function batch(baseOffset: number, n: number): RecordBatch {
  return { baseOffset, leaderEpoch: 1, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: Array.from({ length: n }, (_, i) => ({ key: null, value: `v${baseOffset + i}` })), sizeBytes: 100 };
}

describe("ReplicaFetcherThread: one Fetch per source broker (num.replica.fetchers = 1)", () => {
  it("the partitions followed from one leader travel in one Fetch; those of another leader in another", () => {
    const h = follower();
    h.follow(0, "broker-1");
    h.follow(1, "broker-1");
    h.follow(2, "broker-3");
    const sent = h.fetches();
    // The thread runs after the metadata change added both partitions, so its first Fetch carries them both.
    expect(sent.map((f) => [f.to, f.parts])).toEqual([
      ["broker-1", ["t-0@0", "t-1@0"]],
      ["broker-3", ["t-2@0"]],
    ]);
    expect([...h.rm.replicaFetcherManager.fetcherThreads.keys()]).toEqual(["broker-1/0", "broker-3/0"]);
  });

  it("no second Fetch while one is in flight; the answer's data is appended per partition and the next Fetch follows at once", () => {
    const h = follower();
    h.follow(0, "broker-1");
    h.follow(1, "broker-1");
    const [first] = h.fetches();
    h.follow(3, "broker-1");
    expect(h.fetches()).toEqual([]);
    h.answer(first, [{ batches: [batch(0, 2)], highWatermark: 0 }, { batches: [batch(0, 1)], highWatermark: 0 }]);
    expect(h.rm.partition("t-0")!.log.logEndOffset).toBe(2);
    expect(h.rm.partition("t-1")!.log.logEndOffset).toBe(1);
    expect(h.fetches().map((f) => f.parts)).toEqual([["t-0@2", "t-1@1", "t-3@0"]]);
  });

  it("per-partition errors: one partition backs off replica.fetch.backoff.ms while the others keep fetching", () => {
    // AbstractFetcherThread.processFetchRequest: NOT_LEADER_OR_FOLLOWER puts that partition in partitionsWithError
    // (delayPartitions); the rest of the answer is processed as usual.
    const h = follower();
    h.follow(0, "broker-1");
    h.follow(1, "broker-1");
    const [first] = h.fetches();
    h.answer(first, [{ batches: [batch(0, 1)] }, { error: "NOT_LEADER_OR_FOLLOWER" }]);
    expect(h.fetches().map((f) => f.parts)).toEqual([["t-0@1"]]);
    expect(h.rm.partition("t-0")!.log.logEndOffset).toBe(1);
    h.ctx.advance(h.settings.replicaFetchBackoffMs);
    expect(h.fetches()).toEqual([]); // the Fetch for t-0 is still in flight
  });

  it("FENCED_LEADER_EPOCH: the partition stops fetching until the metadata's new state adds it again (onPartitionFenced)", () => {
    // AbstractFetcherThread.onPartitionFenced: the request's epoch is the fetch state's, so markPartitionFailed.
    const h = follower();
    h.follow(0, "broker-1");
    const [first] = h.fetches();
    h.answer(first, [{ error: "FENCED_LEADER_EPOCH" }]);
    expect(h.fetches()).toEqual([]);
    expect(h.rm.replicaFetcherManager.fetcherThreads.get("broker-1/0")!.partitionStates.size).toBe(0);
    // Not after replica.fetch.backoff.ms either: only the new leader epoch brings it back.
    h.ctx.advance(h.settings.replicaFetchBackoffMs * 3);
    expect(h.fetches()).toEqual([]);
    h.follow(0, "broker-1", 2);
    expect(h.fetches().map((f) => f.req.partitions.map((p) => [p.partition, p.currentLeaderEpoch]))).toEqual([[[0, 2]]]);
  });

  it("a fenced partition's thread shut down as idle meanwhile: removing or re-adding the partition later still works", () => {
    const h = follower();
    h.follow(0, "broker-1");
    h.follow(1, "broker-1");
    const [first] = h.fetches();
    h.answer(first, [{ error: "FENCED_LEADER_EPOCH" }, {}]);
    // t-1 leaves for another leader: broker-1's thread follows nothing and is shut down.
    h.follow(1, "broker-3", 2);
    expect([...h.rm.replicaFetcherManager.fetcherThreads.keys()]).toEqual(["broker-3/0"]);
    h.follow(0, "broker-3", 2);
    expect([...h.rm.replicaFetcherManager.fetcherThreads.get("broker-3/0")!.partitionStates.keys()].sort()).toEqual(["t-0", "t-1"]);
  });

  it("UNKNOWN_LEADER_EPOCH: the partition only backs off replica.fetch.backoff.ms, then fetches again at its epoch", () => {
    // AbstractFetcherThread.processFetchRequest: UNKNOWN_LEADER_EPOCH → partitionsWithError (delayed), not fenced.
    const h = follower();
    h.follow(0, "broker-1");
    const [first] = h.fetches();
    h.answer(first, [{ error: "UNKNOWN_LEADER_EPOCH" }]);
    expect(h.fetches()).toEqual([]);
    expect([...h.rm.replicaFetcherManager.fetcherThreads.get("broker-1/0")!.partitionStates.keys()]).toEqual(["t-0"]);
    h.ctx.advance(h.settings.replicaFetchBackoffMs);
    expect(h.fetches().map((f) => f.req.partitions.map((p) => [p.partition, p.currentLeaderEpoch]))).toEqual([[[0, 1]]]);
  });

  it("a partition whose leader moves leaves the old leader's Fetch and its answer there is ignored", () => {
    const h = follower();
    h.follow(0, "broker-1");
    h.follow(1, "broker-1");
    const [first] = h.fetches();
    h.follow(1, "broker-3", 2);
    const toNew = h.fetches();
    expect(toNew.map((f) => [f.to, f.parts])).toEqual([["broker-3", ["t-1@0"]]]);
    // The old leader's answer carries data for t-1: no longer followed from broker-1, so it is not appended.
    h.answer(first, [{}, { batches: [batch(0, 3)] }]);
    expect(h.rm.partition("t-1")!.log.logEndOffset).toBe(0);
    expect(h.fetches().map((f) => [f.to, f.parts])).toEqual([["broker-1", ["t-0@0"]]]);
  });

  it("a fetcher that follows nothing any more is shut down (shutdownIdleFetcherThreads)", () => {
    const h = follower();
    h.follow(0, "broker-1");
    h.fetches();
    h.follow(0, "broker-2", 2); // broker-2 becomes leader
    expect([...h.rm.replicaFetcherManager.fetcherThreads.keys()]).toEqual([]);
  });

  it("a Fetch that fails delays all its partitions, then one Fetch carries them again", () => {
    const h = follower();
    h.follow(0, "broker-1");
    h.follow(1, "broker-1");
    h.fetches();
    // No answer within replica.fetch.wait.max.ms + replica.socket.timeout.ms: the request times out.
    h.ctx.advance(h.settings.replicaFetchWaitMaxMs + h.settings.replicaSocketTimeoutMs);
    h.fetches();
    h.ctx.advance(h.settings.replicaFetchBackoffMs);
    const again = h.fetches();
    expect(again.map((f) => [f.to, f.parts])).toEqual([["broker-1", ["t-0@0", "t-1@0"]]]);
  });

  it("num.replica.fetchers = 2 spreads one leader's partitions over two threads by Kafka's fetcher id", () => {
    const h = follower({ "num.replica.fetchers": 2 });
    for (let p = 0; p < 4; p++) h.follow(p, "broker-1");
    const ids = [0, 1, 2, 3].map((p) => fetcherId("t", p, 2));
    expect(new Set(ids).size).toBe(2);
    const sent = h.fetches();
    expect(sent.length).toBe(2);
    expect(sent.flatMap((f) => f.parts).sort()).toEqual(["t-0@0", "t-1@0", "t-2@0", "t-3@0"]);
  });
});

describe("num.replica.fetchers = 2: which thread fetches which partition", () => {
  it("each thread's Fetch holds exactly the partitions Kafka's hash gives it", () => {
    // "clicks".hashCode() = -1357714453; Utils.abs(31 * it + p) % 2 for p = 0..5 is 1, 0, 1, 0, 1, 0 (computed
    // independently with Java's int arithmetic).
    expect([0, 1, 2, 3, 4, 5].map((p) => fetcherId("clicks", p, 2))).toEqual([1, 0, 1, 0, 1, 0]);
    expect([0, 1, 2, 3, 4, 5].map((p) => fetcherId("clicks", p, 3))).toEqual([0, 1, 2, 0, 1, 2]);
    const h = follower({ "num.replica.fetchers": 2 });
    for (let p = 0; p < 6; p++)
      h.rm.applyPartitionState({ topic: "clicks", partition: p, replicas: ["broker-1", "broker-2", "broker-3"], isr: ["broker-1", "broker-2", "broker-3"], leader: "broker-1", leaderEpoch: 1, partitionEpoch: 1 });
    const sent = h.fetches();
    expect(sent.map((f) => f.parts.sort()).sort()).toEqual([
      ["clicks-0@0", "clicks-2@0", "clicks-4@0"],
      ["clicks-1@0", "clicks-3@0", "clicks-5@0"],
    ]);
    expect([...h.rm.replicaFetcherManager.fetcherThreads.keys()].sort()).toEqual(["broker-1/0", "broker-1/1"]);
  });

  it("a Fetch carries the replication limits: replica.fetch.max.bytes a partition, replica.fetch.response.max.bytes and replica.fetch.min.bytes", () => {
    const h = follower({ "replica.fetch.max.bytes": 65536, "replica.fetch.response.max.bytes": 200000, "replica.fetch.min.bytes": 10 });
    h.follow(0, "broker-1");
    const [f] = h.fetches();
    expect(f.req).toMatchObject({ minBytes: 10, maxBytes: 200000, partitions: [{ partitionMaxBytes: 65536 }] });
    const d = follower();
    d.follow(0, "broker-1");
    expect(d.fetches()[0].req).toMatchObject({ minBytes: 1, maxBytes: 10485760, partitions: [{ partitionMaxBytes: 1048576 }] });
  });
});

describe("fetcherId (AbstractFetcherManager.getFetcherId)", () => {
  it("is abs(31 * topic.hashCode + partition) % num.replica.fetchers, with Java's String.hashCode", () => {
    // "t".hashCode() = 116; 31 * 116 + 3 = 3599.
    expect(fetcherId("t", 3, 7)).toBe(3599 % 7);
    expect(fetcherId("t", 3, 1)).toBe(0);
    // A long topic name overflows 32 bits as Java's int arithmetic does, and the result is never negative.
    const id = fetcherId("a-rather-long-topic-name-for-overflow", 5, 3);
    expect(id >= 0 && id < 3).toBe(true);
  });
});

describe("a follower's HW is the leader's, bounded by its own log (UnifiedLog.maybeUpdateHighWatermark → updateHighWatermark)", () => {
  it("follows a lower leader HW back (a new leader whose HW lags), and is capped at the follower's log end", () => {
    const h = follower();
    h.follow(0, "broker-1");
    const [first] = h.fetches();
    h.answer(first, [{ batches: [batch(0, 5)], highWatermark: 9 }]);
    const p = h.rm.partition("t-0")!;
    // Capped at the log end (5), not the leader's 9.
    expect([p.log.logEndOffset, p.highWatermark]).toEqual([5, 5]);
    // broker-3 leads at epoch 2 with HW 3 (it learnt the old leader's HW late): the follower's HW goes back to 3.
    h.follow(0, "broker-3", 2);
    h.ctx.advance(0);
    const ask = h.ctx.takeSent().find((m) => (m.msg as { type: string }).type === "OffsetsForLeaderEpoch")!;
    const req = ask.msg as OffsetsForLeaderEpochRequest;
    h.ctx.receive(ask.conn!, { type: "OffsetsForLeaderEpochResponse", correlationId: req.correlationId, topic: "t", partition: 0, error: "NONE", leaderEpoch: 1, endOffset: 5 });
    const [next] = h.fetches().filter((f) => f.to === "broker-3");
    h.answer(next, [{ batches: [], highWatermark: 3 }]);
    expect(p.highWatermark).toBe(3);
  });
});

describe("a follower's last stable offset follows the HW of the leader's answers (ReplicaFetcherThread.processPartitionData)", () => {
  /** Producer 7's transactional batch of `n` records at `baseOffset`, or its COMMIT marker there. */
  const txn = (baseOffset: number, n: number): RecordBatch => ({ ...batch(baseOffset, n), producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true });
  const commit = (baseOffset: number): RecordBatch => ({ baseOffset, leaderEpoch: 1, producerId: 7, producerEpoch: 0, baseSequence: -1, isTransactional: true, isControl: true, records: [{ key: "COMMIT", value: "0" }], sizeBytes: 78 });

  it("a replicated COMMIT marker keeps the transaction unstable until an answer's HW passes it (UnifiedLog.maybeUpdateHighWatermark → onHighWatermarkUpdated)", () => {
    const h = follower();
    h.follow(0, "broker-1");
    const [first] = h.fetches();
    h.answer(first, [{ batches: [txn(0, 2), commit(2)], highWatermark: 2 }]);
    const p = h.rm.partition("t-0")!;
    expect([p.log.logEndOffset, p.highWatermark, p.lastStableOffset]).toEqual([3, 2, 0]);
    const [second] = h.fetches();
    // An answer with no data still moves the HW, and with it the LSO.
    h.answer(second, [{ batches: [], highWatermark: 3 }]);
    expect([p.highWatermark, p.lastStableOffset]).toEqual([3, 3]);
  });

  it("a truncation that rebuilds the producer state replays the marker as unstable; the HW update at the new log end releases it (UnifiedLog.truncateTo)", () => {
    // UnifiedLog.truncateTo: rebuildProducerState (loadProducersFromRecords → completeTxn), then
    // `if (highWatermark >= localLog.logEndOffset) updateHighWatermark(logEndOffsetMetadata)`: here HW = new log end = 4.
    const h = follower();
    h.follow(0, "broker-1");
    const [first] = h.fetches();
    h.answer(first, [{ batches: [txn(0, 2), commit(2), batch(3, 2)], highWatermark: 4 }]);
    const p = h.rm.partition("t-0")!;
    expect([p.log.logEndOffset, p.highWatermark, p.lastStableOffset]).toEqual([5, 4, 4]);
    // broker-3 leads at epoch 2; it has epoch 1 up to offset 4 only: the follower truncates its last record.
    h.follow(0, "broker-3", 2);
    h.ctx.advance(0);
    const ask = h.ctx.takeSent().find((m) => (m.msg as { type: string }).type === "OffsetsForLeaderEpoch")!;
    const req = ask.msg as OffsetsForLeaderEpochRequest;
    h.ctx.receive(ask.conn!, { type: "OffsetsForLeaderEpochResponse", correlationId: req.correlationId, topic: "t", partition: 0, error: "NONE", leaderEpoch: 1, endOffset: 4 });
    expect(h.ctx.tracesOf("partition.truncate").map((t) => [t.data.from, t.data.to])).toEqual([[5, 4]]);
    expect([p.log.logEndOffset, p.highWatermark, p.lastStableOffset]).toEqual([4, 4, 4]);
  });
});

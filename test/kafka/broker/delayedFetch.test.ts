import { describe, expect, it } from "vitest";
import { type ConsumerRead, consumerFetchPartition, DelayedFetchPurgatory, delayedFetchResponse, type FetchSource, followerFetchPartition, maxConsumerOffset, readRecordsForConsumer, responsePartitionBytes, unknownPartitionError } from "../../../src/kafka/broker/delayedFetch.js";
import type { ConsumerFetchRequest, FetchRequest } from "../../../src/kafka/protocol/messages.js";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import { ProducerStateManager } from "../../../src/kafka/log/producerStateManager.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import { FakeContext } from "../../support/fakeContext.js";
import { consumerFetch, fetchPartition, followerFetch } from "../../support/partitionHarness.js";

/**
 * What a fetch reads from the leader (Kafka `ReplicaManager.readFromLog`, `Partition.readRecords`) and the fetches
 * that wait for data (`DelayedFetch` in the fetch purgatory): a follower's until the leader's log grows, a
 * consumer's until the HW (or, under read_committed, the LSO) passes its offset; each at most its max wait.
 */

type Source = FetchSource & { role: "leader" | "follower" | "none"; highWatermark: number; lastStableOffset: number };

/** A leader's partition t-0 whose log, HW and LSO the test sets. */
function source(): Source & { leaderEpoch: number } {
  const s = {
    topic: "t",
    partition: 0,
    role: "leader" as Source["role"],
    highWatermark: 0,
    lastStableOffset: 0,
    log: new PartitionLog(),
    producerState: new ProducerStateManager(),
    leaderEpoch: 0,
    // Partition.getLocalLog: the epoch (-1, a client that does not say, always passes), then the role.
    // A method on `this`, so a copy (`{ ...source(), partition: 1 }`) checks its own role and epoch.
    checkLeaderAndEpoch(this: { role: string; leaderEpoch: number }, e: number) {
      if (e !== -1 && e !== this.leaderEpoch) return e < this.leaderEpoch ? "FENCED_LEADER_EPOCH" : "UNKNOWN_LEADER_EPOCH";
      return this.role === "leader" ? "NONE" : "NOT_LEADER_OR_FOLLOWER";
    },
  };
  return s as Source & { leaderEpoch: number };
}

/** Appends a batch to the source's log and producer state, as the leader does. */
function append(s: Source, values: string[], opts: { pid?: number; transactional?: boolean; control?: boolean; sizeBytes?: number } = {}): RecordBatch {
  const b = s.log.appendAsLeader(
    {
      producerId: opts.pid ?? -1,
      producerEpoch: opts.pid === undefined ? -1 : 0,
      baseSequence: -1,
      isTransactional: opts.transactional ?? false,
      isControl: opts.control ?? false,
      records: values.map((value) => ({ key: opts.control ? value : `k-${value}`, value: opts.control ? "0" : value })),
      sizeBytes: opts.sizeBytes ?? 100,
    },
    0,
  );
  s.producerState.update(b);
  return b;
}

/** A consumer's one-partition Fetch as `readRecordsForConsumer` reads it. */
const consumerRead = (s: FetchSource, req: ConsumerFetchRequest) => readRecordsForConsumer(s, req.partitions[0], req.isolationLevel, req.partitions[0].partitionMaxBytes, true);
/** The same Fetch at another leader epoch. */
const withEpoch = (req: ConsumerFetchRequest, currentLeaderEpoch: number): ConsumerFetchRequest => ({ ...req, partitions: [{ ...req.partitions[0], currentLeaderEpoch }] });
/** The base offsets of the batches a read returned, or its error. */
const read = (r: ConsumerRead) => (r.ok ? r.batches.map((b) => b.baseOffset) : r.error);

describe("readRecordsForConsumer: what a consumer's fetch returns", () => {
  it("read_uncommitted reads whole batches that end below the high watermark, from the batch holding the fetch offset", () => {
    // LocalLog.read returns the batch containing the fetch offset; the client skips the records before it.
    const s = source();
    append(s, ["a", "b", "c"]); // 0-2
    append(s, ["d", "e"]); // 3-4
    s.highWatermark = 4;
    expect(maxConsumerOffset(s, "read_uncommitted")).toBe(4);
    expect(read(consumerRead(s, consumerFetch(1)))).toEqual([0]);
    s.highWatermark = 5;
    expect(read(consumerRead(s, consumerFetch(1)))).toEqual([0, 3]);
  });

  it("nothing, and no error, from the limit up to the log end", () => {
    const s = source();
    append(s, ["a", "b"]);
    s.highWatermark = 2;
    expect(read(consumerRead(s, consumerFetch(2)))).toEqual([]);
    s.highWatermark = 0;
    expect(read(consumerRead(s, consumerFetch(0)))).toEqual([]);
  });

  it("OFFSET_OUT_OF_RANGE beyond the log end or below the log start (UnifiedLog.read, checkLogStartOffset)", () => {
    const s = source();
    append(s, ["a", "b"]);
    s.highWatermark = 2;
    expect(read(consumerRead(s, consumerFetch(3)))).toBe("OFFSET_OUT_OF_RANGE");
    s.log.logStartOffset = 1; // as retention or DeleteRecords would move it (the model has neither yet)
    expect(read(consumerRead(s, consumerFetch(0)))).toBe("OFFSET_OUT_OF_RANGE");
  });

  it("a follower or a stale epoch is refused before the log is read (KIP-320)", () => {
    const s = source();
    append(s, ["a"]);
    s.highWatermark = 1;
    s.leaderEpoch = 3;
    expect(read(consumerRead(s, withEpoch(consumerFetch(0), 2)))).toBe("FENCED_LEADER_EPOCH");
    expect(read(consumerRead(s, withEpoch(consumerFetch(0), 4)))).toBe("UNKNOWN_LEADER_EPOCH");
    expect(read(consumerRead(s, withEpoch(consumerFetch(0), 3)))).toEqual([0]);
    s.role = "follower";
    expect(read(consumerRead(s, consumerFetch(0)))).toBe("NOT_LEADER_OR_FOLLOWER");
  });

  it("read_committed reads up to the last stable offset, control batches included, and lists the aborted transactions", () => {
    // The client drops aborted data with the response's aborted-transaction list and skips markers itself.
    const s = source();
    append(s, ["p0"]); // 0
    append(s, ["x1", "x2"], { pid: 7, transactional: true }); // 1-2
    append(s, ["ABORT"], { pid: 7, transactional: true, control: true }); // 3
    append(s, ["y4"], { pid: 8, transactional: true }); // 4
    append(s, ["COMMIT"], { pid: 8, transactional: true, control: true }); // 5
    append(s, ["z6"], { pid: 9, transactional: true }); // 6, still open
    s.highWatermark = 7;
    s.lastStableOffset = 6;
    expect(maxConsumerOffset(s, "read_committed")).toBe(6);
    const committed = consumerRead(s, consumerFetch(0, "read_committed"));
    expect(read(committed)).toEqual([0, 1, 3, 4, 5]);
    expect(committed.ok && committed.abortedTransactions).toEqual([{ producerId: 7, firstOffset: 1 }]);
    // read_uncommitted reads to the HW and lists nothing.
    const uncommitted = consumerRead(s, consumerFetch(0, "read_uncommitted"));
    expect(read(uncommitted)).toEqual([0, 1, 3, 4, 5, 6]);
    expect(uncommitted.ok && uncommitted.abortedTransactions).toBeNull();
    // A fetch past the aborted transaction is not told about it.
    const later = consumerRead(s, consumerFetch(4, "read_committed"));
    expect(later.ok && later.abortedTransactions).toEqual([]);
  });

  it("reads at most max.partition.fetch.bytes (1 MiB by default) a partition, and always at least one batch", () => {
    const s = source();
    append(s, ["a"], { sizeBytes: 1_048_576 - 10 });
    append(s, ["b"], { sizeBytes: 100 });
    s.highWatermark = 2;
    expect(read(consumerRead(s, consumerFetch(0)))).toEqual([0]);
  });
});

describe("fetch responses", () => {
  it("a follower's partition carries the leader's batches as they are, its HW and log start", () => {
    const b = { baseOffset: 0 } as RecordBatch;
    expect(followerFetchPartition(fetchPartition(0, 3), "NONE", 7, 0, [b])).toEqual({ topic: "t", partition: 0, error: "NONE", highWatermark: 7, logStartOffset: 0, batches: [b] });
  });

  it("a consumer's partition carries the batches, the HW, the LSO, the log start, and under read_committed the aborted list", () => {
    expect(consumerFetchPartition(fetchPartition(0, -1), "read_uncommitted", "NONE", 7, 5, 0, null)).toEqual({ topic: "t", partition: 0, error: "NONE", highWatermark: 7, lastStableOffset: 5, logStartOffset: 0, batches: [], abortedTransactions: null });
    expect(consumerFetchPartition(fetchPartition(0, -1), "read_committed", "NONE", 7, 5, 0, null)).toMatchObject({ batches: [], abortedTransactions: [] });
  });
});

/** Two partitions of "t" on the leader, t-0 and t-1, and the broker's purgatory over them. */
function purgatorySetup() {
  const ctx = new FakeContext("broker-1");
  const s = source();
  const s1 = { ...source(), partition: 1 };
  const sources = new Map<string, Source & { leaderEpoch: number }>([
    ["t-0", s],
    ["t-1", s1],
  ]);
  const purgatory = new DelayedFetchPurgatory({ ctx, source: (key) => sources.get(key), knowsTopic: (topic) => topic === "t", brokerFetchMaxBytes: 57671680 });
  type Part = { partition: number; error: string; highWatermark: number; logStartOffset: number; batches: RecordBatch[] };
  /** Every answer since the last call: to whom, when, and per partition its error and batch offsets. */
  const answers = () =>
    ctx.takeSent().map((m) => ({ to: m.to, atMs: m.atUs / 1000, partitions: (m.msg as { partitions: Part[] }).partitions.map((p) => ({ partition: p.partition, error: p.error, offsets: p.batches.map((b) => b.baseOffset) })) }));
  /** What the first partition of each answer says (for one-partition fetches). */
  const firsts = () => answers().map((a) => ({ to: a.to, atMs: a.atMs, ...a.partitions[0] }));
  return { ctx, s, s1, sources, purgatory, answers, firsts };
}

/** A follower's Fetch of t-0 and t-1. */
function followerFetchBoth(replicaId: string, offset0: number, offset1: number): FetchRequest {
  return { type: "Fetch", correlationId: 5, replicaId, maxWaitMs: 500, minBytes: 1, maxBytes: 10485760, partitions: [fetchPartition(offset0, 0, 0), fetchPartition(offset1, 0, 1)] };
}

describe("DelayedFetchPurgatory: follower fetches", () => {
  it("a parked follower fetch is answered as soon as the leader's log grows", () => {
    const { s, purgatory, firsts, ctx } = purgatorySetup();
    append(s, ["a"]);
    purgatory.watch(ctx.conn("broker-2"), followerFetch("broker-2", 1, 0, 500));
    purgatory.checkAndComplete("t-0");
    expect(firsts()).toEqual([]);
    append(s, ["b"]);
    purgatory.checkAndComplete("t-0");
    expect(firsts()).toEqual([{ to: "broker-2", atMs: 0, partition: 0, error: "NONE", offsets: [1] }]);
    ctx.advance(1000);
    expect(firsts()).toEqual([]);
    expect(purgatory.size).toBe(0);
  });

  it("waits replica.fetch.wait.max.ms at most, then answers with what there is", () => {
    const { ctx, s, purgatory, firsts } = purgatorySetup();
    append(s, ["a"]);
    purgatory.watch(ctx.conn("broker-2"), followerFetch("broker-2", 1, 0, 500));
    ctx.advance(499);
    expect(firsts()).toEqual([]);
    ctx.advance(1);
    expect(firsts()).toEqual([{ to: "broker-2", atMs: 500, partition: 0, error: "NONE", offsets: [] }]);
  });

  it("one Fetch for two partitions: data on either completes it, and the answer carries both (DelayedFetch.tryComplete)", () => {
    // ReplicaFetcherThread.buildFetch puts every partition the follower follows from this leader in one Fetch;
    // the leader parks it under both partitions' keys and answers it whole when any of them has data.
    const { ctx, s, s1, purgatory, answers } = purgatorySetup();
    append(s, ["a"]);
    append(s1, ["x"]);
    purgatory.watch(ctx.conn("broker-2"), followerFetchBoth("broker-2", 1, 1));
    purgatory.checkAndComplete("t-0");
    expect(answers()).toEqual([]);
    append(s1, ["y"]);
    purgatory.checkAndComplete("t-1");
    expect(answers()).toEqual([
      {
        to: "broker-2",
        atMs: 0,
        partitions: [
          { partition: 0, error: "NONE", offsets: [] },
          { partition: 1, error: "NONE", offsets: [1] },
        ],
      },
    ]);
    // Answered once: neither key holds it any more, nor does its timer fire.
    append(s, ["b"]);
    purgatory.checkAndComplete("t-0");
    ctx.advance(1000);
    expect(answers()).toEqual([]);
  });

  it("each partition has its own error in the one answer: one that lost its leadership does not hide the other's data", () => {
    const { ctx, s, s1, purgatory, answers } = purgatorySetup();
    append(s, ["a"]);
    append(s1, ["x"]);
    s.highWatermark = 1;
    purgatory.watch(ctx.conn("broker-2"), followerFetchBoth("broker-2", 1, 1));
    s1.role = "follower";
    purgatory.checkAndComplete("t-1");
    expect(answers()).toEqual([
      {
        to: "broker-2",
        atMs: 0,
        partitions: [
          { partition: 0, error: "NONE", offsets: [] },
          { partition: 1, error: "NOT_LEADER_OR_FOLLOWER", offsets: [] },
        ],
      },
    ]);
  });

  it("a partition this broker no longer hosts answers NOT_LEADER_OR_FOLLOWER at once", () => {
    const { ctx, sources, purgatory, answers } = purgatorySetup();
    purgatory.watch(ctx.conn("broker-2"), followerFetchBoth("broker-2", 0, 0));
    sources.delete("t-1");
    purgatory.checkAndComplete("t-1");
    expect(answers().map((a) => a.partitions.map((p) => p.error))).toEqual([["NONE", "NOT_LEADER_OR_FOLLOWER"]]);
  });

  it("when leadership moves away, parked fetches learn it at once: NOT_LEADER_OR_FOLLOWER", () => {
    const { ctx, s, purgatory, firsts } = purgatorySetup();
    purgatory.watch(ctx.conn("broker-2"), followerFetch("broker-2", 0, 0, 500));
    purgatory.watch(ctx.conn("app"), consumerFetch(0, "read_uncommitted", 500));
    s.role = "follower";
    purgatory.checkAndComplete("t-0");
    expect(firsts().map((a) => [a.to, a.error])).toEqual([
      ["broker-2", "NOT_LEADER_OR_FOLLOWER"],
      ["app", "NOT_LEADER_OR_FOLLOWER"],
    ]);
    ctx.advance(1000);
    expect(firsts()).toEqual([]);
  });

  it("the answer carries the partition's HW and log start at the time it is sent", () => {
    const { ctx, s, purgatory } = purgatorySetup();
    append(s, ["a"]);
    purgatory.watch(ctx.conn("broker-2"), followerFetch("broker-2", 1, 0, 500));
    s.highWatermark = 1;
    ctx.advance(500);
    expect(ctx.sent[0].msg).toMatchObject({ correlationId: 1, partitions: [{ highWatermark: 1, logStartOffset: 0 }] });
  });
});

describe("DelayedFetchPurgatory: consumer fetches", () => {
  it("a parked consumer fetch is answered when the HW passes its offset, and not before", () => {
    // DelayedFetch.tryComplete: enough bytes (fetch.min.bytes, 1 by default) below the HW; a fetch above the HW
    // waits too (no Case F: the model's log is one segment).
    const { ctx, s, purgatory, firsts } = purgatorySetup();
    append(s, ["a"]);
    append(s, ["b"]);
    purgatory.watch(ctx.conn("app"), consumerFetch(0, "read_uncommitted", 500));
    purgatory.watch(ctx.conn("other"), consumerFetch(1, "read_uncommitted", 500));
    purgatory.checkAndComplete("t-0");
    expect(firsts()).toEqual([]);
    s.highWatermark = 1;
    purgatory.checkAndComplete("t-0");
    expect(firsts()).toEqual([{ to: "app", atMs: 0, partition: 0, error: "NONE", offsets: [0] }]);
    s.highWatermark = 2;
    purgatory.checkAndComplete("t-0");
    expect(firsts()).toEqual([{ to: "other", atMs: 0, partition: 0, error: "NONE", offsets: [1] }]);
    ctx.advance(1000);
    expect(firsts()).toEqual([]);
  });

  it("one Fetch per node: the HW moving on one of its partitions answers it with every partition read again", () => {
    const { ctx, s, s1, purgatory, answers } = purgatorySetup();
    append(s, ["a"]);
    append(s1, ["x"]);
    const req: ConsumerFetchRequest = { type: "Fetch", replicaId: -1, correlationId: 9, maxWaitMs: 500, minBytes: 1, maxBytes: 52428800, isolationLevel: "read_uncommitted", partitions: [fetchPartition(0, -1, 0), fetchPartition(0, -1, 1)] };
    purgatory.watch(ctx.conn("app"), req);
    purgatory.checkAndComplete("t-0");
    expect(answers()).toEqual([]);
    s1.highWatermark = 1;
    purgatory.checkAndComplete("t-1");
    expect(answers()).toEqual([
      {
        to: "app",
        atMs: 0,
        partitions: [
          { partition: 0, error: "NONE", offsets: [] },
          { partition: 1, error: "NONE", offsets: [0] },
        ],
      },
    ]);
  });

  it("fetch.min.bytes: waits until its partitions' bytes below the HW add up to it (DelayedFetch.tryComplete, Case G)", () => {
    const { ctx, s, s1, purgatory, answers } = purgatorySetup();
    const req: ConsumerFetchRequest = { type: "Fetch", replicaId: -1, correlationId: 9, maxWaitMs: 500, minBytes: 250, maxBytes: 52428800, isolationLevel: "read_uncommitted", partitions: [fetchPartition(0, -1, 0), fetchPartition(0, -1, 1)] };
    purgatory.watch(ctx.conn("app"), req);
    append(s, ["a"]); // 100 bytes on t-0
    s.highWatermark = 1;
    purgatory.checkAndComplete("t-0");
    append(s1, ["x"]); // 100 on t-1, not yet below its HW
    purgatory.checkAndComplete("t-1");
    expect(answers()).toEqual([]);
    s1.highWatermark = 1;
    purgatory.checkAndComplete("t-1");
    expect(answers()).toEqual([]);
    append(s, ["b"]);
    s.highWatermark = 2;
    purgatory.checkAndComplete("t-0");
    // 300 bytes ≥ 250: answered with all of them.
    expect(answers()).toEqual([
      {
        to: "app",
        atMs: 0,
        partitions: [
          { partition: 0, error: "NONE", offsets: [0, 1] },
          { partition: 1, error: "NONE", offsets: [0] },
        ],
      },
    ]);
  });

  it("a parked fetch's answer keeps to its limits: max_bytes over its partitions, the first batch whole", () => {
    const { ctx, s, s1, purgatory, answers } = purgatorySetup();
    const req: ConsumerFetchRequest = { type: "Fetch", replicaId: -1, correlationId: 9, maxWaitMs: 500, minBytes: 1, maxBytes: 150, isolationLevel: "read_uncommitted", partitions: [fetchPartition(0, -1, 0, 50), fetchPartition(0, -1, 1, 50)] };
    purgatory.watch(ctx.conn("app"), req);
    append(s, ["a"]);
    append(s1, ["x"]);
    s.highWatermark = 1;
    s1.highWatermark = 1;
    purgatory.checkAndComplete("t-1");
    // t-0's 100-byte batch comes whole (first with data); t-1's does not fit the 50 bytes left: nothing.
    expect(answers()).toEqual([
      {
        to: "app",
        atMs: 0,
        partitions: [
          { partition: 0, error: "NONE", offsets: [0] },
          { partition: 1, error: "NONE", offsets: [] },
        ],
      },
    ]);
  });

  it("waits fetch.max.wait.ms at most, then answers with what there is", () => {
    const { ctx, s, purgatory, firsts } = purgatorySetup();
    append(s, ["a"]);
    purgatory.watch(ctx.conn("app"), consumerFetch(0, "read_uncommitted", 500));
    ctx.advance(499);
    expect(firsts()).toEqual([]);
    ctx.advance(1);
    expect(firsts()).toEqual([{ to: "app", atMs: 500, partition: 0, error: "NONE", offsets: [] }]);
  });

  it("a consumer fetch that expires after the replica stopped leading is told NOT_LEADER_OR_FOLLOWER", () => {
    const { ctx, s, purgatory, firsts } = purgatorySetup();
    append(s, ["a"]);
    s.highWatermark = 1;
    purgatory.watch(ctx.conn("app"), consumerFetch(1, "read_uncommitted", 500));
    s.role = "follower";
    ctx.advance(500);
    expect(firsts()).toEqual([{ to: "app", atMs: 500, partition: 0, error: "NOT_LEADER_OR_FOLLOWER", offsets: [] }]);
  });

  it("a consumer fetch that expires on the leader gets the batches there are by then", () => {
    const { ctx, s, purgatory, firsts } = purgatorySetup();
    append(s, ["a", "b"]);
    append(s, ["c"]);
    purgatory.watch(ctx.conn("app"), consumerFetch(0, "read_uncommitted", 500));
    s.highWatermark = 2;
    ctx.advance(500);
    expect(firsts()).toEqual([{ to: "app", atMs: 500, partition: 0, error: "NONE", offsets: [0] }]);
  });

  it("its answer carries the HW and the LSO", () => {
    const { ctx, s, purgatory } = purgatorySetup();
    append(s, ["a"]);
    append(s, ["b"]);
    s.highWatermark = 2;
    s.lastStableOffset = 1;
    purgatory.watch(ctx.conn("app"), consumerFetch(0, "read_committed", 500));
    purgatory.checkAndComplete("t-0");
    expect(ctx.sent[0].msg).toMatchObject({ correlationId: 2, partitions: [{ highWatermark: 2, lastStableOffset: 1, logStartOffset: 0 }] });
  });
});

describe("fetch answers: the edges the mutation run found unpinned", () => {
  it("a cut batch's head travels as partialBytes in a follower's and a consumer's partition, and counts in its bytes", () => {
    // KIP-74: the partition's bytes include the head of a batch cut at the limit (FetchResponse records).
    const follower = followerFetchPartition(fetchPartition(0, 0), "NONE", 3, 0, [], 40);
    expect(follower.partialBytes).toBe(40);
    expect("partialBytes" in followerFetchPartition(fetchPartition(0, 0), "NONE", 3, 0, [])).toBe(false);
    const s = source();
    const a = append(s, ["a"], { sizeBytes: 100 });
    const b = append(s, ["b"], { sizeBytes: 30 });
    expect(responsePartitionBytes({ ...follower, batches: [a, b] })).toBe(170);
    expect(responsePartitionBytes(followerFetchPartition(fetchPartition(0, 0), "NONE", 3, 0, [a]))).toBe(100);
    const read: ConsumerRead = { ok: true, batches: [a], partialBytes: 25, bytes: 125, abortedTransactions: null };
    expect(consumerFetchPartition(fetchPartition(0, -1), "read_uncommitted", "NONE", 2, 2, 0, read).partialBytes).toBe(25);
  });

  it("read_committed with nothing to read lists no aborted transactions (and reads no batch to bound them)", () => {
    const s = source();
    append(s, ["a"], { pid: 7, transactional: true });
    s.highWatermark = 1;
    s.lastStableOffset = 0;
    expect(consumerRead(s, consumerFetch(0, "read_committed"))).toMatchObject({ ok: true, batches: [], abortedTransactions: null });
  });

  it("read_committed lists an aborted transaction whose marker is at the fetch offset, and none that starts past the read", () => {
    // UnifiedLog.collectAbortedTransactions(startOffset = fetch offset, upperBoundOffset): lastOffset >= startOffset
    // and firstOffset < the end of the read.
    const s = source();
    append(s, ["x"], { pid: 7, transactional: true }); // 0
    append(s, ["ABORT"], { pid: 7, transactional: true, control: true }); // 1: the marker
    append(s, ["y"]); // 2
    append(s, ["z"], { pid: 8, transactional: true }); // 3
    append(s, ["ABORT"], { pid: 8, transactional: true, control: true }); // 4
    s.highWatermark = 5;
    s.lastStableOffset = 5;
    expect(s.producerState.aborted).toEqual([
      { producerId: 7, firstOffset: 0, lastOffset: 1 },
      { producerId: 8, firstOffset: 3, lastOffset: 4 },
    ]);
    const req = consumerFetch(1, "read_committed");
    const r = readRecordsForConsumer(s, req.partitions[0], "read_committed", 230, true);
    // 100-byte batches: the read ends with the batch at 2 (offsets 1 and 2), so producer 8's, from 3, is not listed.
    expect(r).toMatchObject({ ok: true, abortedTransactions: [{ producerId: 7, firstOffset: 0 }] });
    expect(read(r)).toEqual([1, 2]);
    // A read ending exactly where producer 8's transaction starts does not list it either.
    expect(readRecordsForConsumer(s, fetchPartition(2, -1), "read_committed", 100, true)).toMatchObject({ abortedTransactions: [] });
  });

  it("read_committed lists an aborted transaction that starts in the read's last batch", () => {
    // collectAbortedTransactions' upper bound is the end of the read (one past its last offset).
    const s = source();
    append(s, ["y"]); // 0
    append(s, ["z"], { pid: 8, transactional: true }); // 1
    append(s, ["ABORT"], { pid: 8, transactional: true, control: true }); // 2
    s.highWatermark = 3;
    s.lastStableOffset = 3;
    expect(readRecordsForConsumer(s, fetchPartition(0, -1), "read_committed", 200, true)).toMatchObject({ abortedTransactions: [{ producerId: 8, firstOffset: 1 }] });
  });

  it("a partition this broker does not host: NOT_LEADER_OR_FOLLOWER for a known topic, UNKNOWN_TOPIC_OR_PARTITION else, with no offsets", () => {
    // KafkaApis / ReplicaManager.readFromLog: a partition not hosted here answers -1 for HW, LSO and log start.
    expect([unknownPartitionError(true), unknownPartitionError(false)]).toEqual(["NOT_LEADER_OR_FOLLOWER", "UNKNOWN_TOPIC_OR_PARTITION"]);
    const ctx = new FakeContext("broker-1");
    const s = source();
    append(s, ["a"]);
    s.highWatermark = 1;
    const host = { ctx, source: (key: string) => (key === "t-0" ? s : undefined), knowsTopic: (topic: string) => topic === "t", brokerFetchMaxBytes: 57671680 };
    const consumer: ConsumerFetchRequest = { ...consumerFetch(0), partitions: [fetchPartition(0, -1, 0), fetchPartition(0, -1, 1), { ...fetchPartition(0, -1, 0), topic: "u" }] };
    const answer = delayedFetchResponse(consumer, host);
    expect(answer.type).toBe("FetchResponse");
    expect(answer.partitions.map((p) => [p.topic, p.partition, p.error, p.highWatermark, (p as { lastStableOffset: number }).lastStableOffset, p.logStartOffset, p.batches.length])).toEqual([
      ["t", 0, "NONE", 1, 0, 0, 1],
      ["t", 1, "NOT_LEADER_OR_FOLLOWER", -1, -1, -1, 0],
      ["u", 0, "UNKNOWN_TOPIC_OR_PARTITION", -1, -1, -1, 0],
    ]);
    const follower: FetchRequest = { ...followerFetch("broker-2", 0, 0), partitions: [fetchPartition(0, 0, 0), fetchPartition(0, 0, 1)] };
    const fanswer = delayedFetchResponse(follower, host);
    expect(fanswer.type).toBe("FetchResponse");
    expect(fanswer.partitions.map((p) => [p.partition, p.error, p.highWatermark, p.logStartOffset, p.batches.length])).toEqual([
      [0, "NONE", 1, 0, 1],
      [1, "NOT_LEADER_OR_FOLLOWER", -1, -1, 0],
    ]);
  });

  it("a parked fetch whose partition errs completes at once, whatever its min bytes (DelayedFetch.tryComplete cases A-E)", () => {
    const { ctx, s, purgatory, firsts } = purgatorySetup();
    purgatory.watch(ctx.conn("app"), { ...consumerFetch(0), minBytes: 1_000_000 });
    s.role = "follower";
    purgatory.checkAndComplete("t-0");
    expect(firsts()).toEqual([{ to: "app", atMs: 0, partition: 0, error: "NOT_LEADER_OR_FOLLOWER", offsets: [] }]);
  });

  it("a parked fetch with fetch.min.bytes 0 completes at the first check (accumulatedSize >= minBytes)", () => {
    const { ctx, purgatory, firsts } = purgatorySetup();
    purgatory.watch(ctx.conn("app"), { ...consumerFetch(0), minBytes: 0 });
    purgatory.checkAndComplete("t-0");
    expect(firsts()).toHaveLength(1);
  });
});

// Vectors from Kafka's core/src/test/scala/unit/kafka/server/AbstractFetcherThreadTest.scala (apache/kafka 1eb7644):
// a follower whose log diverged from its leader's truncates and fetches until both logs are the same, run against
// kafkasim's ReplicaFetcherThread (through a ReplicaManager on a FakeContext, as test/kafka/broker/
// replicaFetcherThread.test.ts builds it). Kafka's MockLeaderEndPoint answers from a leader PartitionState; here the
// test answers the follower's OffsetsForLeaderEpoch and Fetch requests from a leader PartitionLog the same way
// (LeaderEpochFileCache.endOffsetFor for the first, the log from the fetch offset for the second), until the logs
// match (Kafka's `waitUntilTrue(... log == leader log)`).
//
// kafkasim's fetcher truncates by OffsetsForLeaderEpoch (KIP-101/279), which is Kafka's path without truncate-on-fetch
// (`truncateOnFetch = false`, IBP before 2.7): the test class runs with that setting as one of its parameterizations.
// `mkBatch(baseOffset, leaderEpoch, record)` is a one-record batch; PartitionState(log, leaderEpoch, highWatermark).
//
// Not ported, with why: the DivergingEpoch path (truncate on fetch, KIP-595 for replicas), tiered storage, metrics,
// topic ids, corrupt messages, and the exceptions of a misbehaving leader.
import { describe, expect, it } from "vitest";
import { brokerSettings } from "../../../src/kafka/broker/brokerSettings.js";
import { ReplicaManager } from "../../../src/kafka/broker/replicaManager.js";
import { BROKER_CONFIG } from "../../../src/kafka/config/brokerConfig.js";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import type { FetchRequest, OffsetsForLeaderEpochRequest } from "../../../src/kafka/protocol/messages.js";
import { FakeContext } from "../../support/fakeContext.js";
import { newReplicaManager } from "../../support/replicaManagerHarness.js";

/** AbstractFetcherThreadTest.mkBatch: one record at `baseOffset`, stamped with `leaderEpoch`. */
function mkBatch(baseOffset: number, leaderEpoch: number, value: string): RecordBatch {
  return { baseOffset, leaderEpoch, producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: [{ key: null, value }], sizeBytes: 70 };
}

function logOf(batches: RecordBatch[]): PartitionLog {
  const log = new PartitionLog();
  for (const b of batches) log.appendAsFollower(b);
  return log;
}

const view = (log: PartitionLog) => log.batches.map((b) => `${b.baseOffset}:${b.leaderEpoch}:${b.records.map((r) => r.value).join()}`);

/**
 * broker-2 follows t-0 from broker-1 at `leaderEpoch`, its log `replicaLog` (on its disk before it starts), and
 * broker-1's log is `leader` with high watermark `leaderHw`. Answers every request until the logs match or 20 rounds.
 */
function reconcile(replicaLog: RecordBatch[], leader: PartitionLog, leaderEpoch: number, leaderHw: number) {
  const { ctx, replica, rm } = follow(replicaLog, leaderEpoch);
  const asked: string[] = [];
  for (let round = 0; round < 20 && view(replica).join("|") !== view(leader).join("|"); round++) {
    ctx.advance(0);
    for (const m of ctx.takeSent()) {
      const msg = m.msg as FetchRequest | OffsetsForLeaderEpochRequest;
      if (msg.type === "OffsetsForLeaderEpoch") {
        asked.push(`epoch ${msg.leaderEpoch}`);
        const { epoch, endOffset } = leader.epochCache.endOffsetFor(msg.leaderEpoch, leader.logEndOffset);
        ctx.receive(m.conn!, { type: "OffsetsForLeaderEpochResponse", correlationId: msg.correlationId, topic: "t", partition: 0, error: "NONE", leaderEpoch: epoch, endOffset });
      } else if (msg.type === "Fetch") {
        const p = msg.partitions[0];
        asked.push(`fetch ${p.fetchOffset}`);
        ctx.receive(m.conn!, { type: "FetchResponse", correlationId: msg.correlationId, partitions: [{ topic: "t", partition: 0, error: "NONE", highWatermark: leaderHw, logStartOffset: leader.logStartOffset, batches: leader.read(p.fetchOffset, Infinity) }] });
      }
    }
  }
  return { replica, partition: rm.partition("t-0")!, asked };
}

/**
 * broker-2 starts following t-0 from broker-1 at `leaderEpoch` with `replicaLog` on its disk (its HW checkpoint
 * `highWatermark`; `withEpochs` false: the log's leader-epoch cache is empty, Kafka's `latestEpoch = None`).
 * `legacy`: the fetcher cannot use OffsetsForLeaderEpoch (kafkasim's legacyHighWatermarkTruncation switch).
 */
function follow(replicaLog: RecordBatch[], leaderEpoch: number, opts: { highWatermark?: number; withEpochs?: boolean; legacy?: boolean } = {}) {
  const ctx = new FakeContext("broker-2");
  const replica = ctx.disk.open("log/t-0", () => logOf(replicaLog));
  replica.highWatermarkCheckpoint = opts.highWatermark ?? 0;
  if (opts.withEpochs === false) replica.epochCache.entries = [];
  const settings = brokerSettings(BROKER_CONFIG.resolve({}), opts.legacy ?? false);
  const rm = newReplicaManager(ctx, settings);
  rm.applyPartitionState({ topic: "t", partition: 0, replicas: ["broker-1", "broker-2"], isr: ["broker-1", "broker-2"], leader: "broker-1", leaderEpoch, partitionEpoch: leaderEpoch });
  return { ctx, replica, rm };
}

describe("AbstractFetcherThreadTest (truncateOnFetch = false)", () => {
  it("testTruncation: epochs 0,2,4 against the leader's 1,3,5 — the follower ends with the leader's log, start, end and HW", () => {
    const leader = logOf([mkBatch(0, 1, "a"), mkBatch(1, 3, "b"), mkBatch(2, 5, "c")]);
    const { replica, partition } = reconcile([mkBatch(0, 0, "a"), mkBatch(1, 2, "b"), mkBatch(2, 4, "c")], leader, 5, 2);
    expect(view(replica)).toEqual(view(leader));
    expect(replica.logStartOffset).toBe(leader.logStartOffset);
    expect(replica.logEndOffset).toBe(leader.logEndOffset);
    expect(partition.highWatermark).toBe(2);
  });

  it("testDivergingEpochs: the leader's epoch 5 replaced the follower's epoch 4 at offset 2; only that record goes", () => {
    const leader = logOf([mkBatch(0, 0, "a"), mkBatch(1, 2, "b"), mkBatch(2, 5, "d")]);
    const { replica, asked } = reconcile([mkBatch(0, 0, "a"), mkBatch(1, 2, "b"), mkBatch(2, 4, "c")], leader, 5, 2);
    expect(view(replica)).toEqual(view(leader));
    // Kafka's verifyLastFetchedEpoch(Some(2)) (truncate-on-fetch only): after the truncation the follower's last
    // epoch is 2, so it fetches again from offset 2 and never below it.
    expect(asked.filter((a) => a.startsWith("fetch"))).toEqual(["fetch 2"]);
  });

  const replicaLog = [mkBatch(0, 0, "a"), mkBatch(1, 2, "b"), mkBatch(2, 4, "c")];

  /** The follower's first round: its log end and what it sent (no OffsetsForLeaderEpoch; a Fetch from the HW). */
  function firstRound(opts: { withEpochs?: boolean; legacy?: boolean }) {
    const { ctx, replica } = follow(replicaLog, 5, { highWatermark: 2, ...opts });
    ctx.advance(0);
    const sent = ctx.takeSent().map((m) => m.msg as FetchRequest | OffsetsForLeaderEpochRequest);
    return { logEndOffset: replica.logEndOffset, sent: sent.map((m) => (m.type === "Fetch" ? `fetch ${m.partitions[0].fetchOffset}` : `epoch ${m.leaderEpoch}`)) };
  }

  it("testTruncateToHighWatermarkIfLeaderEpochRequestNotSupported: truncates to the HW (2) and fetches from it", () => {
    expect(firstRound({ legacy: true })).toEqual({ logEndOffset: 2, sent: ["fetch 2"] });
  });

  it("testTruncateToHighWatermarkIfLeaderEpochInfoNotAvailable: no local epoch, so truncate to the HW (2) and fetch from it", () => {
    expect(firstRound({ withEpochs: false })).toEqual({ logEndOffset: 2, sent: ["fetch 2"] });
  });
});

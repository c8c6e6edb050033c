import { describe, expect, it } from "vitest";
import type { RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import { readRecordsForConsumer } from "../../../src/kafka/broker/delayedFetch.js";
import { consumerFetch, fetchPartition, followerFetch, PartitionHarness, partitionState } from "../../support/partitionHarness.js";

/**
 * One partition's replica on its broker (Kafka `core/.../cluster/Partition.scala`), driven directly with a fake
 * ReplicaManager (test/support/partitionHarness.ts): becoming leader or follower, the leader's appends, its followers'
 * fetch state, the ISR (shrink, expand, AlterPartition) and the high watermark. Cases named after a test are the ones
 * of Kafka's `PartitionTest.scala` that check the same rule. Replication lag is 10 s (replica.lag.time.max.ms), so the
 * leader's ISR check runs every 5 s.
 */

const TWO = ["broker-1", "broker-2"];

/** broker-1 leading t-0 at `leaderEpoch` with `isr`, having appended `records` plain records. */
function leader(opts: { replicas?: string[]; isr?: string[]; leaderEpoch?: number; records?: number; minIsr?: number; flushMessages?: number } = {}) {
  const h = new PartitionHarness({ minIsr: opts.minIsr, flushMessages: opts.flushMessages });
  const replicas = opts.replicas ?? TWO;
  h.p.applyState(partitionState({ replicas, isr: opts.isr ?? replicas, leaderEpoch: opts.leaderEpoch ?? 1 }));
  if (opts.records) h.produce(Array.from({ length: opts.records }, (_, i) => `r${i}`), 1);
  return h;
}

/** An idempotent batch of producer 7 at epoch 0 from sequence `seq`. */
function idempotent(seq: number, values: string[], transactional = false): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> {
  return { producerId: 7, producerEpoch: 0, baseSequence: seq, isTransactional: transactional, isControl: false, records: values.map((value) => ({ key: null, value })), sizeBytes: 100 };
}

/** A COMMIT/ABORT marker for producer 7 at epoch 0 from a coordinator at `coordinatorEpoch`. */
function marker(kind: "COMMIT" | "ABORT", coordinatorEpoch = 0): Omit<RecordBatch, "baseOffset" | "leaderEpoch"> {
  return { producerId: 7, producerEpoch: 0, baseSequence: -1, isTransactional: true, isControl: true, records: [{ key: kind, value: String(coordinatorEpoch) }], sizeBytes: 78 };
}

describe("becoming leader (Partition.makeLeader)", () => {
  it("takes the leader epoch and ISR from the metadata, records where its epoch starts, and says it became leader", () => {
    // testMakeLeaderUpdatesEpochCache: the new leader stamps its epoch's start offset (PR #5678) so it can answer
    // OffsetsForLeaderEpoch for it.
    const h = leader({ leaderEpoch: 4, records: 3 });
    expect(h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leaderEpoch: 5, partitionEpoch: 2 }))).toBe("leader");
    expect([h.p.role, h.p.leader, h.p.leaderEpoch, h.p.partitionEpoch]).toEqual(["leader", "broker-1", 5, 2]);
    expect(h.p.isrState).toEqual({ kind: "committed", isr: TWO, maximalIsr: TWO });
    expect(h.p.log.epochCache.entries).toEqual([
      { epoch: 4, startOffset: 0 },
      { epoch: 5, startOffset: 3 },
    ]);
    expect(h.ctx.tracesOf("partition.become-leader").map((t) => t.data)).toEqual([
      { tp: "t-0", leaderEpoch: 4, isr: TWO, logEndOffset: 0, highWatermark: 0, wasLeader: false },
      { tp: "t-0", leaderEpoch: 5, isr: TWO, logEndOffset: 3, highWatermark: 0, wasLeader: true },
    ]);
  });

  it("a leader alone in the ISR moves the high watermark to its log end at once", () => {
    // makeLeader ends with maybeIncrementLeaderHW: with no follower to wait for, everything is committed.
    const h = new PartitionHarness();
    h.p.applyState(partitionState({ replicas: TWO, isr: TWO }));
    h.produce(["a", "b"], 1);
    expect(h.p.highWatermark).toBe(0);
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leaderEpoch: 2, partitionEpoch: 2 }));
    expect(h.p.highWatermark).toBe(2);
  });

  it("the same leader epoch with a newer partition epoch only updates the ISR, keeping what it knows of its followers", () => {
    // testDoNotResetReplicaStateIfLeaderEpochIsNotBumped / testDoNotUpdateEpochStartOffsetIfLeaderEpochIsNotBumped.
    const h = leader({ replicas: ["broker-1", "broker-2", "broker-3"], records: 3 });
    h.fetch("broker-2", 3);
    h.fetch("broker-3", 3);
    expect(h.p.highWatermark).toBe(3);
    h.produce(["d"], 1);
    // The controller fenced broker-3 and took it out of the ISR.
    h.fenced.add("broker-3");
    expect(h.p.applyState(partitionState({ isr: ["broker-1", "broker-2"], partitionEpoch: 2 }))).toBeNull();
    expect([h.p.isrState.isr, h.p.partitionEpoch]).toEqual([["broker-1", "broker-2"], 2]);
    expect(h.p.log.epochCache.entries).toEqual([{ epoch: 1, startOffset: 0 }]);
    // broker-2's position (3) is still known: the HW waits for it, and moves when it fetches the new record.
    expect(h.p.highWatermark).toBe(3);
    h.fetch("broker-2", 4);
    expect(h.p.highWatermark).toBe(4);
  });

  it("ignores an update with an older or the same partition epoch", () => {
    // testIgnoreLeaderPartitionStateChangeWithOlderPartitionEpoch.
    const h = new PartitionHarness();
    h.p.applyState(partitionState({ partitionEpoch: 3 }));
    expect(h.p.applyState(partitionState({ isr: ["broker-1"], partitionEpoch: 2 }))).toBeNull();
    expect(h.p.applyState(partitionState({ isr: ["broker-1"], partitionEpoch: 3 }))).toBeNull();
    expect([h.p.isrState.isr, h.p.partitionEpoch]).toEqual([partitionState().isr, 3]);
  });
});

describe("becoming follower (Partition.makeFollower)", () => {
  it("follows the new leader, and a leader that steps down fails what waited on it", () => {
    // Kafka's delayed operations complete with NOT_LEADER_OR_FOLLOWER once the replica is no longer leader.
    const h = leader({ records: 2 });
    const done: string[] = [];
    h.p.delayedProduces.tryCompleteElseWatch(2, 0, 30_000, (error) => done.push(error));
    h.delayedFetches.watch(h.ctx.conn("broker-2"), followerFetch("broker-2", 2, 1));
    h.delayedFetches.watch(h.ctx.conn("app"), consumerFetch(2));
    expect(h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leader: "broker-2", leaderEpoch: 2, partitionEpoch: 2 }))).toBe("follower");
    expect([h.p.role, h.p.leader, h.p.leaderEpoch, h.p.partitionEpoch]).toEqual(["follower", "broker-2", 2, 2]);
    expect(done).toEqual(["NOT_LEADER_OR_FOLLOWER"]);
    // The follower's fetch named epoch 1, older than the partition's 2 now: Partition.fetchRecords checks the epoch
    // before the role (getLocalLog), so it learns FENCED_LEADER_EPOCH; the consumer's named none.
    expect(h.ctx.sent.map((s) => [s.to, (s.msg as { partitions: { error: string }[] }).partitions[0].error])).toEqual([
      ["broker-2", "FENCED_LEADER_EPOCH"],
      ["app", "NOT_LEADER_OR_FOLLOWER"],
    ]);
    expect(h.ctx.tracesOf("partition.become-follower").map((t) => t.data)).toEqual([{ tp: "t-0", leader: "broker-2", leaderEpoch: 2, logEndOffset: 2, highWatermark: 0 }]);
  });

  it("a former leader stops checking its ISR", () => {
    const h = leader({ records: 2 });
    h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leader: "broker-2", leaderEpoch: 2 }));
    expect(h.ctx.pendingTimers).toBe(0);
    h.ctx.advance(60_000);
    expect(h.alters).toEqual([]);
  });

  it("a partition with no leader is served by nobody", () => {
    // Kafka's leader -1 (offline partition).
    const h = leader();
    expect(h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leader: null, leaderEpoch: 2 }))).toBe("follower");
    expect([h.p.role, h.p.leader]).toEqual(["none", null]);
  });

  it("a new leader at the same epoch, or a new epoch of the same leader, makes it follow again; the same state does not", () => {
    // makeFollower returns true when the leader epoch or the leader changed (isNewLeaderEpoch || leader changed).
    const h = new PartitionHarness({ broker: "broker-2" });
    expect(h.p.applyState(partitionState({ leaderEpoch: 3 }))).toBe("follower");
    expect(h.p.applyState(partitionState({ leaderEpoch: 3, partitionEpoch: 2 }))).toBeNull();
    expect(h.p.partitionEpoch).toBe(2);
    expect(h.p.applyState(partitionState({ leaderEpoch: 3, partitionEpoch: 1 }))).toBeNull();
    expect(h.p.partitionEpoch).toBe(2);
    expect(h.p.applyState(partitionState({ leader: "broker-3", leaderEpoch: 3, partitionEpoch: 3 }))).toBe("follower");
    expect(h.p.leader).toBe("broker-3");
    expect(h.p.applyState(partitionState({ leader: "broker-3", leaderEpoch: 4, partitionEpoch: 3 }))).toBe("follower");
  });

  it("a follower named leader becomes leader even at the epoch it already knew", () => {
    const h = new PartitionHarness();
    h.p.applyState(partitionState({ leader: "broker-2", leaderEpoch: 3 }));
    expect(h.p.applyState(partitionState({ leaderEpoch: 3, partitionEpoch: 2 }))).toBe("leader");
  });

  it("stop() leaves the partition served by nobody and fails what waited on it", () => {
    const h = leader({ records: 1 });
    const done: string[] = [];
    h.p.delayedProduces.tryCompleteElseWatch(1, 0, 30_000, (error) => done.push(error));
    h.p.stop();
    expect([h.p.role, done]).toEqual(["none", ["NOT_LEADER_OR_FOLLOWER"]]);
    expect(h.ctx.pendingTimers).toBe(0);
  });
});

describe("leader epochs in requests (Partition.checkCurrentLeaderEpoch, KIP-320)", () => {
  it("no epoch (-1) or the current one passes; an older one is FENCED_LEADER_EPOCH; a newer one UNKNOWN_LEADER_EPOCH", () => {
    const h = leader({ leaderEpoch: 5 });
    expect([-1, 5, 4, 6].map((e) => h.p.checkLeaderEpoch(e))).toEqual(["NONE", "NONE", "FENCED_LEADER_EPOCH", "UNKNOWN_LEADER_EPOCH"]);
  });

  it("appends, follower fetches and OffsetsForLeaderEpoch all check it", () => {
    // testLeaderEpochValidationOnLeader / testOffsetForLeaderEpochValidationForLeader.
    const h = leader({ leaderEpoch: 5, records: 1 });
    expect(h.p.appendRecordsToLeader(idempotent(0, ["x"]), 1, 4, "app")).toEqual({ ok: false, error: "FENCED_LEADER_EPOCH" });
    expect(h.p.fetchRecordsForFollower("broker-2", fetchPartition(0, 6))).toEqual({ ok: false, error: "UNKNOWN_LEADER_EPOCH", bytes: 0 });
    expect(h.p.lastOffsetForLeaderEpoch(4, 5)).toEqual({ error: "FENCED_LEADER_EPOCH", leaderEpoch: -1, endOffset: -1 });
    expect(h.p.log.logEndOffset).toBe(1);
  });
});

describe("appends (Partition.appendRecordsToLeader)", () => {
  it("appends at the log end, stamped with the leader epoch, and says where", () => {
    const h = leader({ leaderEpoch: 3, records: 2 });
    expect(h.produce(["x", "y", "z"], 1)).toEqual({ ok: true, baseOffset: 2, lastOffset: 4 });
    expect(h.p.log.batches[1]).toMatchObject({ baseOffset: 2, leaderEpoch: 3 });
    expect(h.ctx.tracesOf("partition.append").at(-1)?.data).toEqual({ tp: "t-0", baseOffset: 2, lastOffset: 4, acks: 1, producerId: -1, producerEpoch: -1, baseSequence: -1, transactional: false, leaderEpoch: 3, from: "app" });
  });

  it("a replica that is not the leader appends nothing: NOT_LEADER_OR_FOLLOWER", () => {
    const h = new PartitionHarness({ broker: "broker-2" });
    h.p.applyState(partitionState());
    expect(h.produce(["x"], 1)).toEqual({ ok: false, error: "NOT_LEADER_OR_FOLLOWER" });
    expect(h.p.log.logEndOffset).toBe(0);
  });

  it("acks=all is refused before the append when the ISR is below min.insync.replicas: NOT_ENOUGH_REPLICAS", () => {
    // appendRecordsToLeader: "if (inSyncSize < minIsr && requiredAcks == -1) throw NotEnoughReplicasException";
    // nothing is written. acks=1 is not checked. At exactly min.insync.replicas the append goes ahead.
    const h = leader({ isr: ["broker-1"], minIsr: 2 });
    expect(h.produce(["x"], -1)).toEqual({ ok: false, error: "NOT_ENOUGH_REPLICAS" });
    expect(h.p.log.logEndOffset).toBe(0);
    expect(h.ctx.tracesOf("partition.reject-produce").map((t) => t.data)).toEqual([{ tp: "t-0", error: "NOT_ENOUGH_REPLICAS", isr: ["broker-1"], minIsr: 2 }]);
    expect(h.produce(["x"], 1)).toMatchObject({ ok: true, baseOffset: 0 });
    const atMin = leader({ minIsr: 2 });
    expect(atMin.produce(["x"], -1)).toMatchObject({ ok: true });
  });

  it("a batch larger than max.message.bytes is refused before any producer-state check: MESSAGE_TOO_LARGE", () => {
    // UnifiedLog.analyzeAndValidateRecords: "if (batch.sizeInBytes > config.maxMessageSize) throw new
    // RecordTooLargeException", which the produce response carries as MESSAGE_TOO_LARGE; nothing is written and the
    // producer's sequence is not consumed. The default is 1048588 (1 MiB + the 12-byte log overhead).
    const h = new PartitionHarness({ maxMessageBytes: 100 });
    h.p.applyState(partitionState());
    expect(h.p.appendRecordsToLeader({ ...idempotent(5, ["x"]), sizeBytes: 101 }, 1, -1, "app")).toEqual({ ok: false, error: "MESSAGE_TOO_LARGE" });
    expect(h.p.log.logEndOffset).toBe(0);
    expect(h.ctx.tracesOf("partition.reject-produce").map((t) => t.data)).toEqual([{ tp: "t-0", error: "MESSAGE_TOO_LARGE", sizeBytes: 101, maxMessageBytes: 100 }]);
    expect(h.p.appendRecordsToLeader({ ...idempotent(0, ["x"]), sizeBytes: 100 }, 1, -1, "app")).toMatchObject({ ok: true, baseOffset: 0 });
    expect(new PartitionHarness().p["host"].logConfig("t").maxMessageBytes).toBe(1048588);
  });

  it("min.insync.replicas is the topic's, capped at the replication factor", () => {
    // Partition.effectiveMinIsr: min(minInSyncReplicas, replicas).
    const h = leader({ minIsr: 3 });
    expect(h.p.effectiveMinIsr).toBe(2);
    expect(h.produce(["x"], -1)).toMatchObject({ ok: true });
  });

  it("a producer-state error appends nothing and is traced with its reason", () => {
    const h = leader();
    h.p.appendRecordsToLeader(idempotent(0, ["a"]), 1, -1, "app");
    expect(h.p.appendRecordsToLeader(idempotent(5, ["b"]), 1, -1, "app")).toEqual({ ok: false, error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(h.p.log.logEndOffset).toBe(1);
    expect(h.ctx.tracesOf("partition.reject-produce").at(-1)?.data).toEqual({ tp: "t-0", error: "OUT_OF_ORDER_SEQUENCE_NUMBER", reason: "expected sequence 1, got 5", producerId: 7, producerEpoch: 0, baseSequence: 5 });
  });

  it("a retried batch is answered with the offsets of the original, and not written twice", () => {
    // UnifiedLog: "if we find a duplicate, we return the metadata of the appended batch".
    const h = leader({ records: 2 });
    const batch = idempotent(0, ["a", "b"]);
    expect(h.p.appendRecordsToLeader(batch, 1, -1, "app")).toEqual({ ok: true, baseOffset: 2, lastOffset: 3 });
    expect(h.p.appendRecordsToLeader(batch, 1, -1, "app")).toEqual({ ok: true, baseOffset: 2, lastOffset: 3 });
    expect(h.p.log.logEndOffset).toBe(4);
    expect(h.ctx.tracesOf("partition.duplicate-batch").map((t) => t.data)).toEqual([{ tp: "t-0", producerId: 7, baseSequence: 0, baseOffset: 2 }]);
  });

  it("a marker is checked as a marker (its coordinator epoch), appended, and closes the transaction", () => {
    const h = leader();
    h.p.appendRecordsToLeader(idempotent(0, ["a"], true), 1, -1, "app");
    expect(h.p.lastStableOffset).toBe(0);
    expect(h.p.appendRecordsToLeader(marker("COMMIT", 2), 1, -1, "coordinator")).toEqual({ ok: true, baseOffset: 1, lastOffset: 1 });
    expect(h.ctx.tracesOf("partition.marker").map((t) => t.data)).toEqual([{ tp: "t-0", baseOffset: 1, lastOffset: 1, acks: 1, producerId: 7, producerEpoch: 0, marker: "COMMIT", leaderEpoch: 1, from: "coordinator" }]);
    // A marker from an older coordinator is fenced (ProducerAppendInfo.checkCoordinatorEpoch).
    expect(h.p.appendRecordsToLeader(marker("ABORT", 1), 1, -1, "coordinator")).toEqual({ ok: false, error: "TRANSACTION_COORDINATOR_FENCED" });
  });

  it("fsyncs once log.flush.interval.messages records are unflushed", () => {
    const h = leader({ flushMessages: 3 });
    h.produce(["a", "b"], 1);
    expect(h.p.log.flushedOffset).toBe(0);
    h.produce(["c"], 1);
    expect(h.p.log.flushedOffset).toBe(3);
  });

  it("a follower's fetch parked for data is answered as soon as the log grows", () => {
    // Partition.tryCompleteDelayedRequests after an append completes DelayedFetch.
    const h = leader({ records: 1 });
    h.delayedFetches.watch(h.ctx.conn("broker-2"), followerFetch("broker-2", 1, 1));
    h.produce(["b"], 1);
    expect(h.ctx.sent.map((s) => [s.to, (s.msg as { partitions: { batches: RecordBatch[] }[] }).partitions[0].batches.map((b) => b.baseOffset)])).toEqual([["broker-2", [1]]]);
  });

  it("a consumer's fetch parked under read_committed is answered when a marker moves the LSO", () => {
    // The transaction's records are below the HW but not below the LSO until the commit marker.
    const h = leader({ isr: ["broker-1"] });
    h.p.appendRecordsToLeader(idempotent(0, ["a"], true), 1, -1, "app");
    h.delayedFetches.watch(h.ctx.conn("app"), consumerFetch(0, "read_committed"));
    expect(h.ctx.sent).toEqual([]);
    h.p.appendRecordsToLeader(marker("COMMIT"), 1, -1, "coordinator");
    // The answer carries the transaction's batch and its marker (the client skips the marker, moving past it).
    expect(h.ctx.sent.map((s) => (s.msg as { partitions: { batches: RecordBatch[] }[] }).partitions[0].batches.map((b) => [b.baseOffset, b.isControl]))).toEqual([
      [
        [0, false],
        [1, true],
      ],
    ]);
  });
});

describe("the high watermark (Partition.maybeIncrementLeaderHW)", () => {
  it("is the smallest log end over the leader and the ISR, and never moves back", () => {
    const h = leader({ replicas: ["broker-1", "broker-2", "broker-3"], records: 5 });
    h.fetch("broker-2", 5);
    expect(h.p.highWatermark).toBe(0);
    h.fetch("broker-3", 3);
    expect(h.p.highWatermark).toBe(3);
    h.fetch("broker-3", 5);
    expect(h.p.highWatermark).toBe(5);
    h.fetch("broker-3", 2);
    expect(h.p.highWatermark).toBe(5);
    expect(h.ctx.tracesOf("partition.hw").map((t) => t.data.highWatermark)).toEqual([3, 5]);
  });

  it("does not move while the ISR is below min.insync.replicas (KIP-966)", () => {
    // testHighWatermarkAdvanceShouldNotAdvanceWhenUnderMinISR.
    const h = leader({ isr: ["broker-1"], minIsr: 2, records: 4 });
    expect(h.p.highWatermark).toBe(0);
    expect(h.p.maybeIncrementHighWatermark()).toBe(false);
  });

  it("waits for a replica being added to the ISR: the maximal ISR counts", () => {
    // prepareIsrExpand: "we assume that the new replica will make it into the ISR before we receive confirmation".
    const h = leader({ replicas: ["broker-1", "broker-2", "broker-3"], isr: ["broker-1", "broker-2"], records: 4 });
    h.fetch("broker-2", 4);
    expect(h.p.highWatermark).toBe(4);
    h.fetch("broker-3", 4);
    expect(h.p.isrState).toMatchObject({ kind: "pendingExpand", maximalIsr: ["broker-1", "broker-2", "broker-3"] });
    h.produce(["e"], 1);
    h.fetch("broker-2", 5);
    expect(h.p.highWatermark).toBe(4);
    h.fetch("broker-3", 5);
    expect(h.p.highWatermark).toBe(5);
  });

  it("also waits for a caught-up replica outside the ISR that may join it, but not for a fenced one", () => {
    // testHighWatermarkIncreasesWithFencedOrShutdownFollower (kafka-facts §5.1): the controller removed broker-2 from
    // the ISR although it is caught up; while it is eligible, the HW waits for it; once fenced, it does not.
    const h = leader({ records: 10 });
    h.fetch("broker-2", 10);
    expect(h.p.highWatermark).toBe(10);
    h.produce(Array.from({ length: 10 }, (_, i) => `s${i}`), 1);
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], partitionEpoch: 2 }));
    expect(h.p.highWatermark).toBe(10);
    h.fenced.add("broker-2");
    h.produce(["x"], 1);
    expect(h.p.highWatermark).toBe(21);
  });

  it("a replica outside the ISR that has not caught up within replica.lag.time.max.ms holds nothing back", () => {
    const h = leader({ isr: ["broker-1"], records: 5 });
    h.fetch("broker-2", 2);
    h.produce(["x"], 1);
    expect(h.p.highWatermark).toBe(6);
  });
});

describe("the ISR shrinks (Partition.maybeShrinkIsr, every replica.lag.time.max.ms / 2)", () => {
  it("a follower that stops fetching while the leader takes writes is removed once it lags replica.lag.time.max.ms", () => {
    // testMaybeShrinkIsr. broker-2 caught up at 0 s, then fell silent; a write at 1 s leaves it behind. It is still
    // in sync at the 10 s check (lag ≤ 10 s), out at the 15 s one.
    const h = leader({ records: 10 });
    h.fetch("broker-2", 10);
    h.ctx.advance(1000);
    h.produce(["late"], 1);
    h.ctx.advance(13_999);
    expect(h.alters).toEqual([]);
    h.ctx.advance(1);
    expect(h.alters).toEqual([["broker-1"]]);
    expect(h.p.isrState).toEqual({ kind: "pendingShrink", isr: TWO, maximalIsr: TWO, removing: ["broker-2"] });
    expect(h.ctx.tracesOf("partition.isr-shrink").map((t) => t.data)).toEqual([{ tp: "t-0", outOfSync: ["broker-2"], oldIsr: TWO, newIsr: ["broker-1"], lagMaxMs: 10_000 }]);
    // The HW waits for the controller: the ISR is still the committed one.
    expect(h.p.highWatermark).toBe(10);
    h.p.alterPartitionDone("NONE", partitionState({ replicas: TWO, isr: ["broker-1"], partitionEpoch: 2 }));
    expect([h.p.isrState.kind, h.p.isrState.isr, h.p.partitionEpoch, h.p.highWatermark]).toEqual(["committed", ["broker-1"], 2, 11]);
  });

  it("a follower at the leader's log end stays, however long it has not fetched", () => {
    // testShouldNotShrinkIsrIfFollowerCaughtUpToLogEnd (Replica.isCaughtUp: leaderEndOffset == logEndOffset).
    const h = leader({ records: 10 });
    h.fetch("broker-2", 10);
    h.ctx.advance(30_001);
    expect(h.alters).toEqual([]);
  });

  it("a follower that reached, at its last fetch, the log end of its fetch before counts as caught up then", () => {
    // testShouldNotShrinkIsrIfPreviousFetchIsCaughtUp (Replica.updateFetchStateOrThrow): at 6 s broker-2 fetches
    // from 5 while the leader ends at 10; at 12 s it fetches from 10, so it was caught up at 6 s, and is in sync at
    // the 15 s check (9 s ago). At 20 s it lags 14 s and goes.
    const h = leader({ records: 10 });
    h.ctx.advance(6000);
    h.fetch("broker-2", 5);
    h.produce(["a", "b", "c", "d", "e"], 1);
    h.ctx.advance(6000);
    h.fetch("broker-2", 10);
    h.ctx.advance(3000);
    expect(h.alters).toEqual([]);
    h.ctx.advance(5000);
    expect(h.alters).toEqual([["broker-1"]]);
  });

  it("a follower that fetches at the log end is caught up now, whatever it did before", () => {
    const h = leader({ records: 10 });
    h.ctx.advance(9000);
    h.fetch("broker-2", 10);
    h.produce(["x"], 1);
    h.ctx.advance(10_000);
    expect(h.alters).toEqual([]);
    h.ctx.advance(5000);
    expect(h.alters).toEqual([["broker-1"]]);
  });

  it("on becoming leader, a follower in the ISR is taken as caught up then; one outside it never was", () => {
    // Replica.resetReplicaState: lastCaughtUpTimeMs = now if in the ISR, else 0.
    const h = leader({ replicas: ["broker-1", "broker-2", "broker-3"], records: 2 });
    expect(h.p.outOfSyncReplicas(h.ctx.nowUs + 10_000_000)).toEqual([]);
    expect(h.p.outOfSyncReplicas(h.ctx.nowUs + 10_000_001)).toEqual(["broker-2", "broker-3"]);
  });

  it("an ISR member the leader has no replica for is out of sync; the leader never is", () => {
    // Partition.isFollowerOutOfSync: getReplica(replicaId).fold(true)(…).
    const h = new PartitionHarness();
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1", "broker-2", "broker-9"] }));
    expect(h.p.outOfSyncReplicas(0)).toEqual(["broker-9"]);
  });

  it("does nothing while an ISR change is in flight, or once the replica is no longer leader", () => {
    // testSingleInFlightAlterIsr: one AlterPartition at a time.
    const h = leader({ records: 10 });
    h.produce(["x"], 1);
    h.ctx.advance(15_000);
    expect(h.alters).toHaveLength(1);
    h.ctx.advance(15_000);
    expect(h.alters).toHaveLength(1);
    expect(h.p.maybeShrinkIsr()).toBe(false);
    const f = leader({ records: 1 });
    f.p.applyState(partitionState({ replicas: TWO, isr: TWO, leader: "broker-2", leaderEpoch: 2 }));
    expect(f.p.maybeShrinkIsr()).toBe(false);
  });

  it("checks every replica.lag.time.max.ms / 2", () => {
    const h = leader({ records: 1 });
    h.produce(["x"], 1);
    h.ctx.advance(10_001);
    expect(h.alters).toEqual([]);
    h.ctx.advance(4999);
    expect(h.alters).toEqual([["broker-1"]]);
  });
});

describe("the ISR expands (Partition.maybeExpandIsr)", () => {
  it("a follower rejoins once it reaches the high watermark and the start of the leader's epoch (KIP-320)", () => {
    // testFollowerDoesNotJoinISRUntilCaughtUpToOffsetWithinCurrentLeaderEpoch. broker-1 leads epoch 8 with ISR
    // {1, 3}, writes [0-1] and [2-4]; broker-3 fetches up to 2 (HW 2). broker-1 steps down and is leader again at
    // epoch 10 with nothing new: epoch 10 starts at 5. broker-2, outside the ISR, fetches from 0 and from 2 (the
    // HW): it has reached the HW but not epoch 10's start, where its log may still differ from the leader's.
    const h = new PartitionHarness();
    const replicas = ["broker-1", "broker-2", "broker-3"];
    const isr = ["broker-1", "broker-3"];
    h.p.applyState(partitionState({ replicas, isr, leaderEpoch: 8 }));
    h.produce(["k1", "k2"], 0);
    h.produce(["k3", "k4", "k5"], 0);
    h.fetch("broker-3", 0);
    h.fetch("broker-3", 2);
    expect(h.p.highWatermark).toBe(2);
    h.p.applyState(partitionState({ replicas, isr, leader: "broker-3", leaderEpoch: 9 }));
    h.p.applyState(partitionState({ replicas, isr, leaderEpoch: 10 }));
    h.produce(["k6", "k7"], 0);
    h.fetch("broker-2", 0);
    h.fetch("broker-2", 2);
    expect(h.alters).toEqual([]);
    expect(h.p.isrState.kind).toBe("committed");
    h.fetch("broker-2", 5);
    expect(h.p.isrState).toEqual({ kind: "pendingExpand", isr, maximalIsr: [...isr, "broker-2"], adding: "broker-2" });
    expect(h.alters).toEqual([[...isr, "broker-2"]]);
    expect(h.ctx.tracesOf("partition.isr-expand").map((t) => t.data)).toEqual([{ tp: "t-0", replica: "broker-2", oldIsr: isr, followerLogEndOffset: 5 }]);
  });

  it("a follower below the high watermark stays out", () => {
    const h = leader({ replicas: ["broker-1", "broker-2", "broker-3"], isr: ["broker-1", "broker-2"], records: 4 });
    h.fetch("broker-2", 4);
    h.fetch("broker-3", 3);
    expect(h.alters).toEqual([]);
    h.fetch("broker-3", 4);
    expect(h.alters).toEqual([["broker-1", "broker-2", "broker-3"]]);
  });

  it("a fenced or shutting-down broker is not added, however caught up", () => {
    // testIsrNotExpandedIfReplicaIsFencedOrShutdown (Partition.isReplicaIsrEligible).
    const h = leader({ isr: ["broker-1"], records: 3 });
    h.fenced.add("broker-2");
    h.fetch("broker-2", 3);
    expect(h.alters).toEqual([]);
    h.fenced.delete("broker-2");
    h.fetch("broker-2", 3);
    expect(h.alters).toEqual([TWO]);
  });

  it("only one change at a time: a second follower waits for the first one's AlterPartition", () => {
    const h = leader({ replicas: ["broker-1", "broker-2", "broker-3"], isr: ["broker-1"], records: 3 });
    h.fetch("broker-2", 3);
    h.fetch("broker-3", 3);
    expect(h.alters).toEqual([TWO]);
    h.p.alterPartitionDone("NONE", partitionState({ isr: TWO, partitionEpoch: 2 }));
    h.fetch("broker-3", 3);
    expect(h.alters).toEqual([TWO, ["broker-1", "broker-2", "broker-3"]]);
  });

  it("a refused AlterPartition puts the ISR back as it was committed, and the follower may try again", () => {
    // testIsrNotExpandedIfUpdateFails / handleAlterPartitionError (INELIGIBLE_REPLICA: reset to the last committed state).
    const h = leader({ isr: ["broker-1"], records: 3 });
    h.fetch("broker-2", 3);
    h.p.alterPartitionDone("INELIGIBLE_REPLICA", null);
    expect(h.p.isrState).toEqual({ kind: "committed", isr: ["broker-1"], maximalIsr: ["broker-1"] });
    expect(h.ctx.tracesOf("partition.alter-failed").map((t) => t.data)).toEqual([{ tp: "t-0", error: "INELIGIBLE_REPLICA" }]);
    h.fetch("broker-2", 3);
    expect(h.alters).toEqual([TWO, TWO]);
  });

  it("an AlterPartition answer for another leader epoch or an older partition epoch commits nothing; one at the same partition epoch commits", () => {
    // handleAlterPartitionUpdate ignores a stale leader epoch and an older partition epoch (the change stays
    // pending); a partition epoch equal to ours means the controller had nothing to change, and commits.
    const h = leader({ isr: ["broker-1"], records: 3 });
    h.fetch("broker-2", 3);
    h.p.alterPartitionDone("NONE", partitionState({ isr: TWO, leaderEpoch: 2, partitionEpoch: 2 }));
    expect([h.p.isrState.kind, h.p.isrState.isr, h.p.partitionEpoch]).toEqual(["pendingExpand", ["broker-1"], 1]);
    h.p.alterPartitionDone("NONE", partitionState({ isr: TWO, partitionEpoch: 0 }));
    expect([h.p.isrState.kind, h.p.isrState.isr, h.p.partitionEpoch]).toEqual(["pendingExpand", ["broker-1"], 1]);
    h.p.alterPartitionDone("NONE", partitionState({ isr: TWO, partitionEpoch: 1 }));
    expect([h.p.isrState.kind, h.p.isrState.isr, h.p.partitionEpoch]).toEqual(["committed", TWO, 1]);
  });

  it("an answer for a proposal the metadata already overtook is ignored, not taken for a failure of the newer one", () => {
    // Partition.submitAlterPartition's completion: partitionState != proposedIsrState means the answer is out of
    // date. Here the first expand's answer arrives after the metadata committed it and a second expand is in
    // flight; undoing the second would leave the controller's next ISR with a replica the maximal ISR lacks.
    const THREE = ["broker-1", "broker-2", "broker-3"];
    const h = leader({ replicas: THREE, isr: ["broker-1"], records: 3 });
    h.fetch("broker-2", 3);
    const first = h.p.isrState;
    h.p.applyState(partitionState({ replicas: THREE, isr: TWO, partitionEpoch: 2 }));
    h.fetch("broker-3", 3);
    const second = h.p.isrState;
    expect(second).toMatchObject({ kind: "pendingExpand", maximalIsr: THREE });
    h.p.alterPartitionDone("NONE", partitionState({ replicas: THREE, isr: TWO, partitionEpoch: 2 }), first);
    expect(h.p.isrState).toBe(second);
    expect(h.ctx.tracesOf("partition.alter-failed")).toEqual([]);
    h.p.alterPartitionDone("NONE", partitionState({ replicas: THREE, isr: THREE, partitionEpoch: 3 }), second);
    expect([h.p.isrState.kind, h.p.isrState.isr, h.p.partitionEpoch]).toEqual(["committed", THREE, 3]);
  });

  it("an answer after leadership moved away is ignored", () => {
    const h = leader({ isr: ["broker-1"], records: 3 });
    h.fetch("broker-2", 3);
    h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leader: "broker-2", leaderEpoch: 2, partitionEpoch: 2 }));
    h.p.alterPartitionDone("NONE", partitionState({ isr: TWO, partitionEpoch: 3 }));
    expect(h.p.partitionEpoch).toBe(2);
  });
});

describe("follower fetches (Partition.fetchRecords for a follower)", () => {
  it("returns the batches from the fetch offset", () => {
    const h = leader({ records: 2 });
    h.produce(["c"], 1);
    const read = h.fetch("broker-2", 1);
    expect(read.ok && read.batches.map((b) => b.baseOffset)).toEqual([0, 2]);
    const atEnd = h.fetch("broker-2", 3);
    expect(atEnd).toMatchObject({ ok: true, batches: [] });
  });

  it("a fetch beyond the log end is OFFSET_OUT_OF_RANGE; a replica that is not leader refuses it", () => {
    const h = leader({ records: 2 });
    expect(h.fetch("broker-2", 3)).toEqual({ ok: false, error: "OFFSET_OUT_OF_RANGE", bytes: 0 });
    const f = new PartitionHarness({ broker: "broker-2" });
    f.p.applyState(partitionState());
    expect(f.fetch("broker-3", 0)).toEqual({ ok: false, error: "NOT_LEADER_OR_FOLLOWER", bytes: 0 });
  });

  it("a broker that is not one of the partition's replicas is refused", () => {
    // testFetchFromUnrecognizedFollower (Partition.followerReplicaOrThrow): UNKNOWN_LEADER_EPOCH when the fetch
    // carries the leader epoch (the follower may know of a reassignment the leader has not seen yet), else
    // NOT_LEADER_OR_FOLLOWER.
    const h = leader({ records: 2 });
    expect(h.p.fetchRecordsForFollower("broker-9", fetchPartition(0, 1))).toEqual({ ok: false, error: "UNKNOWN_LEADER_EPOCH", bytes: 0 });
    expect(h.p.fetchRecordsForFollower("broker-9", fetchPartition(0, -1))).toEqual({ ok: false, error: "NOT_LEADER_OR_FOLLOWER", bytes: 0 });
    expect(h.p.highWatermark).toBe(0);
  });
});

describe("acks=all once the HW passes the batch (Partition.checkEnoughReplicasReachOffset)", () => {
  it("NONE when the maximal ISR still reaches min.insync.replicas, else NOT_ENOUGH_REPLICAS_AFTER_APPEND", () => {
    // The data is in the log either way; the error tells the producer it may not be durable (kafka-facts §5.1).
    const ok = leader({ minIsr: 2 });
    expect(ok.p.enoughReplicasError()).toBe("NONE");
    const short = leader({ isr: ["broker-1"], minIsr: 2 });
    expect(short.p.enoughReplicasError()).toBe("NOT_ENOUGH_REPLICAS_AFTER_APPEND");
    // A follower being added counts: Kafka compares with the maximal ISR.
    short.produce(["a"], 1);
    short.fetch("broker-2", 1);
    expect(short.p.isrState.kind).toBe("pendingExpand");
    expect(short.p.enoughReplicasError()).toBe("NONE");
  });

  it("a waiting acks=all append completes when the followers' fetches move the HW past it", () => {
    const h = leader({ replicas: ["broker-1", "broker-2", "broker-3"], minIsr: 2 });
    const appended = h.produce(["a", "b"]);
    const done: [string, number][] = [];
    if (appended.ok) h.p.delayedProduces.tryCompleteElseWatch(appended.lastOffset + 1, appended.baseOffset, 30_000, (e, o) => done.push([e, o]));
    h.fetch("broker-2", 2);
    expect(done).toEqual([]);
    h.fetch("broker-3", 2);
    expect(done).toEqual([["NONE", 0]]);
  });
});

describe("OffsetsForLeaderEpoch on the leader (Partition.lastOffsetForLeaderEpoch, KIP-101)", () => {
  it("answers the largest epoch at or below the one asked and where it ends", () => {
    const h = leader({ leaderEpoch: 2, records: 3 });
    h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leaderEpoch: 4, partitionEpoch: 2 }));
    h.produce(["x"], 1);
    expect(h.p.lastOffsetForLeaderEpoch(4, 2)).toEqual({ error: "NONE", leaderEpoch: 2, endOffset: 3 });
    expect(h.p.lastOffsetForLeaderEpoch(-1, 3)).toEqual({ error: "NONE", leaderEpoch: 2, endOffset: 3 });
    expect(h.p.lastOffsetForLeaderEpoch(4, 4)).toEqual({ error: "NONE", leaderEpoch: 4, endOffset: 4 });
  });

  it("a replica that is not leader does not answer", () => {
    const h = new PartitionHarness({ broker: "broker-2" });
    h.p.applyState(partitionState());
    expect(h.p.lastOffsetForLeaderEpoch(1, 1)).toEqual({ error: "NOT_LEADER_OR_FOLLOWER", leaderEpoch: -1, endOffset: -1 });
  });
});

describe("restart: the log, its producer state and the HW checkpoint", () => {
  it("a restarted replica takes its HW from the checkpoint and rebuilds producer state from its log", () => {
    // testUseCheckpointToInitializeHighWatermark; ProducerStateManager is reloaded from the log on recovery.
    const h = leader({ isr: ["broker-1"] });
    h.p.appendRecordsToLeader(idempotent(0, ["a", "b"]), 1, -1, "app");
    h.p.checkpointHighWatermark();
    h.produce(["c"], 1);
    const restarted = new PartitionHarness({ disk: h.ctx.disk });
    expect([restarted.p.log.logEndOffset, restarted.p.highWatermark]).toEqual([3, 2]);
    restarted.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leaderEpoch: 2 }));
    expect(restarted.p.appendRecordsToLeader(idempotent(0, ["a", "b"]), 1, -1, "app")).toEqual({ ok: true, baseOffset: 0, lastOffset: 1 });
  });

  it("a checkpoint above the log that survived a power loss is capped at the log end", () => {
    const h = leader({ isr: ["broker-1"], records: 4 });
    h.p.checkpointHighWatermark();
    h.p.log.loseUnflushed();
    expect(new PartitionHarness({ disk: h.ctx.disk }).p.highWatermark).toBe(0);
  });
});

describe("the last stable offset", () => {
  it("is the HW, or the first offset of the oldest open transaction when that is lower", () => {
    const h = leader({ isr: ["broker-1"], records: 2 });
    expect(h.p.lastStableOffset).toBe(2);
    h.p.appendRecordsToLeader(idempotent(0, ["t"], true), 1, -1, "app");
    h.produce(["p"], 1);
    expect([h.p.highWatermark, h.p.lastStableOffset]).toEqual([4, 2]);
  });

  /** What a consumer's fetch of t-0 from `offset` reads at the leader: [base offset, control?] per batch. */
  const consumerRead = (h: PartitionHarness, offset: number, isolation: "read_committed" | "read_uncommitted") => {
    const r = readRecordsForConsumer(h.p, fetchPartition(offset, -1), isolation, 1048576, true);
    return r.ok ? r.batches.map((b) => [b.baseOffset, b.isControl]) : r.error;
  };

  it("a committed transaction stays unstable until the HW passes its COMMIT marker: read_committed reads none of it before (acks=all, a slow follower)", () => {
    // ProducerStateManager.completeTxn keeps the transaction among unreplicatedTxns; UnifiedLog.updateHighWatermarkMetadata
    // → onHighWatermarkUpdated drops it once the HW is past the marker; LSO = min(HW, firstUnstableOffset).
    const h = leader();
    expect(h.p.appendRecordsToLeader(idempotent(0, ["a", "b"], true), -1, -1, "app")).toEqual({ ok: true, baseOffset: 0, lastOffset: 1 });
    h.fetch("broker-2", 2);
    expect([h.p.highWatermark, h.p.lastStableOffset]).toEqual([2, 0]);
    expect(h.p.appendRecordsToLeader(marker("COMMIT"), -1, -1, "coordinator")).toEqual({ ok: true, baseOffset: 2, lastOffset: 2 });
    // The marker is in the leader's log only: the HW is 2, below it; the transaction's records, below the HW, are
    // readable by read_uncommitted but not by read_committed.
    expect(h.p.producerState.ongoing.size).toBe(0);
    expect([h.p.highWatermark, h.p.lastStableOffset]).toEqual([2, 0]);
    expect(consumerRead(h, 0, "read_uncommitted")).toEqual([[0, false]]);
    expect(consumerRead(h, 0, "read_committed")).toEqual([]);
    // The follower fetches from 2: it has the records, not yet the marker, and the HW stays at 2 (no update is a
    // move past the marker).
    h.fetch("broker-2", 2);
    expect([h.p.highWatermark, h.p.lastStableOffset]).toEqual([2, 0]);
    // The follower has the marker: the HW passes it, and the whole transaction and its marker are stable at once.
    h.fetch("broker-2", 3);
    expect([h.p.highWatermark, h.p.lastStableOffset]).toEqual([3, 3]);
    expect(consumerRead(h, 0, "read_committed")).toEqual([
      [0, false],
      [2, true],
    ]);
  });

  it("an aborted transaction is listed to read_committed only once the HW passes its ABORT marker (the fetch stops at the LSO)", () => {
    const h = leader();
    h.p.appendRecordsToLeader(idempotent(0, ["a"], true), -1, -1, "app");
    h.produce(["p"], -1);
    h.fetch("broker-2", 2);
    h.p.appendRecordsToLeader(marker("ABORT"), -1, -1, "coordinator");
    expect([h.p.highWatermark, h.p.lastStableOffset]).toEqual([2, 0]);
    expect(readRecordsForConsumer(h.p, fetchPartition(0, -1), "read_committed", 1048576, true)).toMatchObject({ ok: true, batches: [], abortedTransactions: null });
    h.fetch("broker-2", 3);
    expect(h.p.lastStableOffset).toBe(3);
    expect(readRecordsForConsumer(h.p, fetchPartition(0, -1), "read_committed", 1048576, true)).toMatchObject({ ok: true, abortedTransactions: [{ producerId: 7, firstOffset: 0 }] });
  });

  it("a parked read_committed fetch is not answered by the marker's append but by the HW passing it", () => {
    const h = leader();
    h.p.appendRecordsToLeader(idempotent(0, ["a"], true), -1, -1, "app");
    h.fetch("broker-2", 1);
    h.delayedFetches.watch(h.ctx.conn("app"), consumerFetch(0, "read_committed"));
    h.p.appendRecordsToLeader(marker("COMMIT"), -1, -1, "coordinator");
    expect(h.ctx.sent).toEqual([]);
    h.fetch("broker-2", 2);
    expect(h.ctx.sent.map((s) => (s.msg as { partitions: { batches: RecordBatch[] }[] }).partitions[0].batches.map((b) => [b.baseOffset, b.isControl]))).toEqual([
      [
        [0, false],
        [1, true],
      ],
    ]);
  });

  it("a restarted replica replays completed transactions as unstable, and the HW from the checkpoint releases those below it", () => {
    // LogLoader rebuilds the producer state (loadProducersFromRecords → completeTxn), then Partition.createLog sets
    // the HW from the checkpoint (updateHighWatermark → onHighWatermarkUpdated).
    const h = leader({ isr: ["broker-1"] });
    h.p.appendRecordsToLeader(idempotent(0, ["a"], true), 1, -1, "app");
    h.p.appendRecordsToLeader(marker("COMMIT"), 1, -1, "coordinator");
    expect([h.p.highWatermark, h.p.lastStableOffset]).toEqual([2, 2]);
    h.p.checkpointHighWatermark();
    const restarted = new PartitionHarness({ disk: h.ctx.disk });
    expect([restarted.p.highWatermark, restarted.p.lastStableOffset]).toEqual([2, 2]);
  });

  it("a restarted replica whose checkpointed HW is below a marker keeps that transaction unstable", () => {
    const h = leader();
    h.p.appendRecordsToLeader(idempotent(0, ["a"], true), -1, -1, "app");
    h.fetch("broker-2", 1);
    h.p.appendRecordsToLeader(marker("COMMIT"), -1, -1, "coordinator");
    h.p.checkpointHighWatermark();
    const restarted = new PartitionHarness({ disk: h.ctx.disk });
    expect([restarted.p.highWatermark, restarted.p.lastStableOffset]).toEqual([1, 0]);
  });
});

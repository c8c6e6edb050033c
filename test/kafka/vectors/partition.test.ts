import { describe, expect, it } from "vitest";
import { readRecordsForConsumer } from "../../../src/kafka/broker/delayedFetch.js";
import type { Replica } from "../../../src/kafka/broker/replica.js";
import type { PartitionState } from "../../../src/kafka/metadata/records.js";
import type { ErrorName } from "../../../src/kafka/protocol/errors.js";
import { fetchPartition, PartitionHarness, partitionState, plainBatch } from "../../support/partitionHarness.js";

// Vectors from Kafka's core/src/test/scala/unit/kafka/cluster/PartitionTest.scala (apache/kafka 1eb7644): the leader's
// and the follower's answers to fetches and OffsetsForLeaderEpoch by leader epoch, makeLeader / makeFollower by leader
// and partition epoch, the followers' fetch state, ISR expansion and shrinking through AlterPartition and the high
// watermark under min.insync.replicas, run against kafkasim's Partition (src/kafka/broker/partition.ts) through
// test/support/partitionHarness.ts.
//
// Shapes adapted:
// - Kafka's brokerId (101) is "broker-1", brokerId + 1 "broker-2", brokerId + 2 "broker-3", and so on.
// - `partition.makeLeader(state)` / `makeFollower(state)` is `applyState(state)`: Kafka's `true` is "leader" /
//   "follower", `false` is null.
// - `seedLogData(log, n, epoch)` appends n one-record batches to the log at that epoch (UnifiedLog.appendAsLeader,
//   no Partition checks), as kafkasim's PartitionLog.appendAsLeader does.
// - `fetchFollower` is `fetchRecordsForFollower`, `fetchConsumer` is `readRecordsForConsumer` (the consumer's read of
//   a partition, kafkasim's Partition.fetchRecords for replica id -1); an exception Kafka throws is the error kafkasim
//   answers. LogReadInfo.logEndOffset is the leader's log end.
// - Kafka's MockTime starts at the wall clock, and a replica that never caught up has lastCaughtUpTimeMs 0; here the
//   clock starts at T0 and kafkasim's "never" (-Infinity) is shown as 0. UnifiedLog.UnknownOffset is -1 in both.
//   replica.lag.time.max.ms is Kafka's default, 30 s; kafkasim's ISR check runs by itself every 15 s on the clock,
//   which the tests below never let it see a lagging follower before Kafka's test calls maybeShrinkIsr.
// - `alterPartitionManager.isrUpdates` is what the partition sent (`h.alters`, never drained here);
//   `completeIsrUpdate(n)` answers NONE with the proposed ISR at partition epoch n, `failIsrUpdate(e)` answers e.
//
// Not ported, with why: testLastFetchedOffsetValidation (the Fetch's lastFetchedEpoch / divergingEpoch: kafkasim's
// followers truncate by OffsetsForLeaderEpoch, not on fetch, see AbstractFetcherThreadTest's vectors); future
// replicas and log directories (testMaybeReplaceCurrentWithFutureReplica*); fetchOffsetSnapshot, ListOffsets by
// timestamp and follower fetching with client metadata (KIP-392: kafkasim's consumers read from leaders only); the
// ZooKeeper and broker-epoch tests (testIsrCanExpandedIfBrokerEpochsMatchWithKraftMetadataCache,
// testFenceFollowerFetchWithStaleBrokerEpoch: no broker epochs in fetches); isAtMinIsr / isUnderMinIsr (not exposed:
// the HW test below checks the rule they feed); listeners, metrics, topic ids and log configs;
// testAlterIsrLeaderAndIsrRace (one in-flight AlterPartition per partition in DefaultAlterPartitionManager).

const LEADER = "broker-1";
const R1 = "broker-2";
const R2 = "broker-3";
/** MockTime's start (ms): any time past 0, so a replica caught up at makeLeader is told from one that never was. */
const T0 = 1_000_000;
/** ReplicationConfigs.REPLICA_LAG_TIME_MAX_MS_DEFAULT. */
const REPLICA_LAG_TIME_MAX_MS = 30_000;

function harness(o: { minIsr?: number } = {}): PartitionHarness {
  const h = new PartitionHarness({ lagMs: REPLICA_LAG_TIME_MAX_MS, ...o });
  h.ctx.advance(T0);
  return h;
}

const nowMs = (h: PartitionHarness) => h.ctx.nowMs;
const sleep = (h: PartitionHarness, ms: number) => h.ctx.advance(ms);

/** PartitionTest.seedLogData: `n` one-record batches ("k$i" → "v$i") written at `leaderEpoch`. */
function seedLogData(h: PartitionHarness, n: number, leaderEpoch: number): void {
  for (let i = 0; i < n; i++) h.p.log.appendAsLeader({ ...plainBatch([`v${i}`]), records: [{ key: `k${i}`, value: `v${i}` }] }, leaderEpoch);
}

/** A LeaderAndIsrPartitionState led by `leader`. */
function state(o: { leader?: string | null; leaderEpoch: number; isr: string[]; replicas: string[]; partitionEpoch?: number }): PartitionState {
  return partitionState({ leader: o.leader === undefined ? LEADER : o.leader, leaderEpoch: o.leaderEpoch, isr: o.isr, replicas: o.replicas, partitionEpoch: o.partitionEpoch ?? 1 });
}

/** PartitionTest.assertReplicaState, without the log start offset (kafkasim's Replica does not keep it). */
function replicaState(h: PartitionHarness, id: string): { lastCaughtUpTimeMs: number; logEndOffset: number } | undefined {
  const r = (h.p["followers"] as Map<string, Replica>).get(id);
  if (!r) return undefined;
  return { lastCaughtUpTimeMs: r.lastCaughtUpTimeUs === Number.NEGATIVE_INFINITY ? 0 : r.lastCaughtUpTimeUs / 1000, logEndOffset: r.logEndOffset };
}

/** A follower's fetch; "NONE" when it read, else the error Kafka's fetchFollower throws. */
function fetchFollower(h: PartitionHarness, replicaId: string, fetchOffset: number, leaderEpoch?: number): ErrorName {
  const r = h.p.fetchRecordsForFollower(replicaId, fetchPartition(fetchOffset, leaderEpoch ?? -1));
  return r.ok ? "NONE" : r.error;
}

/** A consumer's read of the partition (replica id -1, HIGH_WATERMARK isolation). */
function fetchConsumer(h: PartitionHarness, fetchOffset: number, leaderEpoch?: number): ErrorName {
  const r = readRecordsForConsumer(h.p, fetchPartition(fetchOffset, leaderEpoch ?? -1), "read_uncommitted", 2147483647, true);
  return r.ok ? "NONE" : r.error;
}

const lastOffsetForLeaderEpochError = (h: PartitionHarness, currentLeaderEpoch?: number) => h.p.lastOffsetForLeaderEpoch(currentLeaderEpoch ?? -1, 0).error;

/** alterPartitionManager.completeIsrUpdate(newPartitionEpoch): the last proposal committed as it was sent. */
function completeIsrUpdate(h: PartitionHarness, newPartitionEpoch: number): void {
  const isr = h.alters[h.alters.length - 1];
  h.p.alterPartitionDone("NONE", partitionState({ leader: LEADER, leaderEpoch: h.p.leaderEpoch, isr, replicas: h.p.replicas, partitionEpoch: newPartitionEpoch }));
}

const isr = (h: PartitionHarness) => [...h.p.isrState.isr].sort();
const maximalIsr = (h: PartitionHarness) => [...h.p.isrState.maximalIsr].sort();

describe("PartitionTest: leader epochs (Partition.getLocalLog / checkCurrentLeaderEpoch)", () => {
  it("testMakeLeaderUpdatesEpochCache: a leader at epoch 8 over a log of epochs 0 and 5 ends epoch 8 at its log end, 4", () => {
    const h = harness();
    h.p.log.appendAsLeader({ ...plainBatch(["v1", "v2"]) }, 0);
    h.p.log.appendAsLeader({ ...plainBatch(["v3", "v4"]) }, 5);
    expect(h.p.log.logEndOffset).toBe(4);
    h.p.applyState(state({ leaderEpoch: 8, isr: [LEADER, R1], replicas: [LEADER, R1] }));
    expect(h.p.log.logEndOffset).toBe(4);
    const epochEndOffset = h.p.lastOffsetForLeaderEpoch(8, 8);
    expect([epochEndOffset.endOffset, epochEndOffset.leaderEpoch]).toEqual([4, 8]);
  });

  it("testLeaderEpochValidationOnLeader: fetches at no epoch and at 5 read; 4 is FENCED_LEADER_EPOCH, 6 UNKNOWN_LEADER_EPOCH", () => {
    const h = harness();
    h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER, R1], replicas: [LEADER, R1] }));
    expect(fetchFollower(h, R1, 0)).toBe("NONE");
    expect(h.p.log.logEndOffset).toBe(0);
    expect(fetchFollower(h, R1, 0, 5)).toBe("NONE");
    expect(fetchFollower(h, R1, 0, 4)).toBe("FENCED_LEADER_EPOCH");
    expect(fetchFollower(h, R1, 0, 6)).toBe("UNKNOWN_LEADER_EPOCH");
  });

  it("testOffsetForLeaderEpochValidationForLeader: NONE with no epoch or 5; FENCED_LEADER_EPOCH at 4, UNKNOWN_LEADER_EPOCH at 6", () => {
    const h = harness();
    h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER, R1], replicas: [LEADER, R1] }));
    expect([undefined, 5, 4, 6].map((e) => lastOffsetForLeaderEpochError(h, e))).toEqual(["NONE", "NONE", "FENCED_LEADER_EPOCH", "UNKNOWN_LEADER_EPOCH"]);
  });

  it("testOffsetForLeaderEpochValidationForFollower (fetchOnlyLeader = true): NOT_LEADER_OR_FOLLOWER with no epoch or the current one", () => {
    const h = harness();
    h.p.applyState(state({ leader: R1, leaderEpoch: 5, isr: [LEADER, R1], replicas: [LEADER, R1] }));
    expect(lastOffsetForLeaderEpochError(h)).toBe("NOT_LEADER_OR_FOLLOWER");
    expect(lastOffsetForLeaderEpochError(h, 5)).toBe("NOT_LEADER_OR_FOLLOWER");
  });

  // Kafka's getLocalLog checks the leader epoch before it checks leadership, so a follower answers a stale or future
  // epoch with FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH (Partition.checkLeaderAndEpoch).
  it("testOffsetForLeaderEpochValidationForFollower (fetchOnlyLeader = true): a follower answers 4 FENCED_LEADER_EPOCH, 6 UNKNOWN_LEADER_EPOCH", () => {
    const h = harness();
    h.p.applyState(state({ leader: R1, leaderEpoch: 5, isr: [LEADER, R1], replicas: [LEADER, R1] }));
    expect(lastOffsetForLeaderEpochError(h, 4)).toBe("FENCED_LEADER_EPOCH");
    expect(lastOffsetForLeaderEpochError(h, 6)).toBe("UNKNOWN_LEADER_EPOCH");
  });

  it("testReplicaFetchToFollower: a follower at epoch 8 refuses a replica's fetch with no epoch or epoch 8: NOT_LEADER_OR_FOLLOWER", () => {
    const h = harness();
    const replicas = [LEADER, R1, R2];
    expect(h.p.applyState(state({ leader: R2, leaderEpoch: 8, isr: replicas, replicas }))).toBe("follower");
    expect(fetchFollower(h, R1, 0)).toBe("NOT_LEADER_OR_FOLLOWER");
    expect(fetchFollower(h, R1, 0, 8)).toBe("NOT_LEADER_OR_FOLLOWER");
  });

  // The same order in Partition.readForFollower.
  it("testReplicaFetchToFollower: ... epoch 9 is UNKNOWN_LEADER_EPOCH and epoch 7 FENCED_LEADER_EPOCH", () => {
    const h = harness();
    const replicas = [LEADER, R1, R2];
    h.p.applyState(state({ leader: R2, leaderEpoch: 8, isr: replicas, replicas }));
    expect(fetchFollower(h, R1, 0, 9)).toBe("UNKNOWN_LEADER_EPOCH");
    expect(fetchFollower(h, R1, 0, 7)).toBe("FENCED_LEADER_EPOCH");
  });

  it("testLeaderEpochValidationOnFollower (no client metadata): a consumer's fetch from a follower at no epoch or 5 is NOT_LEADER_OR_FOLLOWER", () => {
    const h = harness();
    h.p.applyState(state({ leader: R1, leaderEpoch: 5, isr: [LEADER, R1], replicas: [LEADER, R1] }));
    expect(fetchConsumer(h, 0)).toBe("NOT_LEADER_OR_FOLLOWER");
    expect(fetchConsumer(h, 0, 5)).toBe("NOT_LEADER_OR_FOLLOWER");
  });

  // The same order in delayedFetch.ts fetchError.
  it("testLeaderEpochValidationOnFollower (no client metadata): ... 4 is FENCED_LEADER_EPOCH, 6 UNKNOWN_LEADER_EPOCH", () => {
    const h = harness();
    h.p.applyState(state({ leader: R1, leaderEpoch: 5, isr: [LEADER, R1], replicas: [LEADER, R1] }));
    expect(fetchConsumer(h, 0, 4)).toBe("FENCED_LEADER_EPOCH");
    expect(fetchConsumer(h, 0, 6)).toBe("UNKNOWN_LEADER_EPOCH");
  });

  it("testFetchFromUnrecognizedFollower: a non-replica is refused (UNKNOWN_LEADER_EPOCH with an epoch, else NOT_LEADER_OR_FOLLOWER) until a reassignment adds it", () => {
    const h = harness();
    const [leader, validReplica, addingReplica1, addingReplica2] = [LEADER, R1, R2, "broker-4"];
    expect(h.p.applyState(state({ leaderEpoch: 8, isr: [leader, validReplica], replicas: [leader, validReplica] }))).toBe("leader");
    expect(fetchFollower(h, addingReplica1, 0, 8)).toBe("UNKNOWN_LEADER_EPOCH");
    expect(replicaState(h, addingReplica1)).toBeUndefined();
    expect(fetchFollower(h, addingReplica2, 0)).toBe("NOT_LEADER_OR_FOLLOWER");
    expect(replicaState(h, addingReplica2)).toBeUndefined();
    // The replicas are added as part of a reassignment: same leader epoch, partition epoch 2.
    const newReplicas = [leader, validReplica, addingReplica1, addingReplica2];
    expect(h.p.applyState(state({ leaderEpoch: 8, isr: [leader, validReplica], replicas: newReplicas, partitionEpoch: 2 }))).toBeNull();
    expect(fetchFollower(h, addingReplica1, 0, 8)).toBe("NONE");
    expect(h.p.log.logEndOffset).toBe(0);
    expect(replicaState(h, addingReplica1)?.logEndOffset).toBe(0);
    expect(fetchFollower(h, addingReplica2, 0)).toBe("NONE");
    expect(replicaState(h, addingReplica2)?.logEndOffset).toBe(0);
  });
});

describe("PartitionTest: makeLeader / makeFollower", () => {
  it("testMakeFollowerWithNoLeaderIdChange: the same leader at a new epoch is a become-follower; the same epoch again is not", () => {
    const h = harness();
    const replicas = ["broker-0", R1, R2, LEADER];
    h.p.applyState(state({ leader: R1, leaderEpoch: 1, isr: replicas, replicas }));
    expect(h.p.applyState(state({ leader: R1, leaderEpoch: 4, isr: replicas, replicas }))).toBe("follower");
    expect(h.p.applyState(state({ leader: R1, leaderEpoch: 4, isr: replicas, replicas }))).toBeNull();
  });

  it("testDoNotResetReplicaStateIfLeaderEpochIsNotBumped: a newer partition epoch at the same leader epoch keeps the followers' fetch state", () => {
    const h = harness();
    const replicas = [LEADER, R1];
    expect(h.p.applyState(state({ leaderEpoch: 8, isr: [LEADER], replicas }))).toBe("leader");
    expect([h.p.partitionEpoch, h.p.leaderEpoch, isr(h)]).toEqual([1, 8, [LEADER]]);
    // Not in the ISR: never caught up, log end unknown.
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: 0, logEndOffset: -1 });
    fetchFollower(h, R1, 0);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: nowMs(h), logEndOffset: 0 });
    expect(h.p.applyState(state({ leaderEpoch: 8, isr: [LEADER], replicas, partitionEpoch: 2 }))).toBeNull();
    expect([h.p.partitionEpoch, h.p.leaderEpoch, isr(h)]).toEqual([2, 8, [LEADER]]);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: nowMs(h), logEndOffset: 0 });
  });

  it("testDoNotUpdateEpochStartOffsetIfLeaderEpochIsNotBumped: the epoch cache keeps (8, 0) after writes and a newer partition epoch", () => {
    const h = harness();
    const replicas = [LEADER, R1];
    expect(h.p.applyState(state({ leaderEpoch: 8, isr: [LEADER], replicas }))).toBe("leader");
    expect(h.p.log.epochCache.entries.at(-1)).toEqual({ epoch: 8, startOffset: 0 });
    h.p.log.appendAsLeader({ ...plainBatch(["v1", "v1"]) }, 8);
    expect(h.p.applyState(state({ leaderEpoch: 8, isr: [LEADER], replicas, partitionEpoch: 2 }))).toBeNull();
    expect([h.p.partitionEpoch, h.p.leaderEpoch, isr(h)]).toEqual([2, 8, [LEADER]]);
    expect(h.p.log.epochCache.startOffsetOf(8)).toBe(0);
    expect(h.p.log.epochCache.entries.at(-1)).toEqual({ epoch: 8, startOffset: 0 });
  });

  it("testIgnoreLeaderPartitionStateChangeWithOlderPartitionEpoch: partition epoch 0 after 1 changes nothing", () => {
    const h = harness();
    expect(h.p.applyState(state({ leaderEpoch: 8, isr: [LEADER], replicas: [LEADER] }))).toBe("leader");
    expect([h.p.partitionEpoch, h.p.leaderEpoch]).toEqual([1, 8]);
    expect(h.p.applyState(state({ leaderEpoch: 8, isr: [LEADER], replicas: [LEADER], partitionEpoch: 0 }))).toBeNull();
    expect([h.p.partitionEpoch, h.p.leaderEpoch]).toEqual([1, 8]);
  });

  it("testIgnoreFollowerPartitionStateChangeWithOlderPartitionEpoch: the same follower state twice is no become-follower", () => {
    const h = harness();
    const replicas = [LEADER, R1];
    expect(h.p.applyState(state({ leader: R1, leaderEpoch: 8, isr: replicas, replicas }))).toBe("follower");
    expect([h.p.partitionEpoch, h.p.leaderEpoch]).toEqual([1, 8]);
    expect(h.p.applyState(state({ leader: R1, leaderEpoch: 8, isr: replicas, replicas }))).toBeNull();
    expect([h.p.partitionEpoch, h.p.leaderEpoch]).toEqual([1, 8]);
  });

  it("testFollowerShouldNotHaveAnyRemoteReplicaStates: as leader it tracks both followers, with the whole ISR", () => {
    const h = harness();
    const replicas = [LEADER, R1, R2];
    expect(h.p.applyState(state({ leaderEpoch: 1, isr: replicas, replicas }))).toBe("leader");
    expect([h.p.partitionEpoch, h.p.leaderEpoch, h.p.leader]).toEqual([1, 1, LEADER]);
    expect(isr(h)).toEqual(replicas);
    expect([...(h.p["followers"] as Map<string, Replica>).keys()]).toEqual([R1, R2]);
    expect(h.p.replicas).toEqual(replicas);
    expect(h.p.applyState(state({ leader: R1, leaderEpoch: 2, isr: replicas, replicas, partitionEpoch: 2 }))).toBe("follower");
    expect([h.p.partitionEpoch, h.p.leaderEpoch, h.p.leader, h.p.replicas]).toEqual([2, 2, R1, replicas]);
  });

  // Kafka's makeFollower sets the partition state to an empty ISR and updateAssignmentAndIsr drops the remote replicas
  // (a follower keeps no follower state).
  it("testFollowerShouldNotHaveAnyRemoteReplicaStates: ... and as follower keeps an empty ISR and no remote replica state", () => {
    const h = harness();
    const replicas = [LEADER, R1, R2];
    h.p.applyState(state({ leaderEpoch: 1, isr: replicas, replicas }));
    h.p.applyState(state({ leader: R1, leaderEpoch: 2, isr: replicas, replicas, partitionEpoch: 2 }));
    expect(isr(h)).toEqual([]);
    expect([...(h.p["followers"] as Map<string, Replica>).keys()]).toEqual([]);
  });
});

describe("PartitionTest: followers' fetch state and ISR expansion (updateFollowerFetchState, maybeExpandIsr)", () => {
  it("testUpdateFollowerFetchState: caught up at makeLeader; a fetch below the log end keeps that time, one at it is caught up now", () => {
    const h = harness();
    seedLogData(h, 6, 4);
    const replicas = [LEADER, R1];
    const initializeTimeMs = nowMs(h);
    expect(h.p.applyState(state({ leaderEpoch: 5, isr: replicas, replicas }))).toBe("leader");
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: initializeTimeMs, logEndOffset: -1 });
    sleep(h, 500);
    fetchFollower(h, R1, 3);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: initializeTimeMs, logEndOffset: 3 });
    sleep(h, 500);
    fetchFollower(h, R1, 6);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: nowMs(h), logEndOffset: 6 });
  });

  it("testIsrExpansion: a follower at 3 stays out; at the log end 10 it is proposed, and in the ISR once the AlterPartition commits", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1];
    expect(h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER], replicas }))).toBe("leader");
    expect(isr(h)).toEqual([LEADER]);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: 0, logEndOffset: -1 });
    fetchFollower(h, R1, 3);
    expect(isr(h)).toEqual([LEADER]);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: 0, logEndOffset: 3 });
    fetchFollower(h, R1, 10);
    expect(h.alters).toEqual([[LEADER, R1]]);
    expect(isr(h)).toEqual([LEADER]);
    expect(maximalIsr(h)).toEqual([LEADER, R1]);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: nowMs(h), logEndOffset: 10 });
    completeIsrUpdate(h, 2);
    expect(isr(h)).toEqual([LEADER, R1]);
  });

  it("testFollowerDoesNotJoinISRUntilCaughtUpToOffsetWithinCurrentLeaderEpoch: at the HW but below the epoch's start it stays out", () => {
    const h = harness();
    const [leader, follower1, follower2] = [LEADER, R1, R2];
    const replicas = [leader, follower1, follower2];
    const isrList = [leader, follower2];
    const leaderEpoch = 8;
    expect(h.p.applyState(state({ leaderEpoch, isr: isrList, replicas }))).toBe("leader");
    expect(h.p.leaderEpoch).toBe(leaderEpoch);
    expect(isr(h)).toEqual([leader, follower2]);
    const first = h.produce(["v1", "v2"], 0);
    h.produce(["v1", "v2", "v3"], 0);
    expect(h.p.highWatermark).toBe(h.p.log.logStartOffset);
    const lastOffsetOfFirstBatch = first.ok ? first.lastOffset : -1;
    expect(lastOffsetOfFirstBatch).toBe(1);
    // The follower in the ISR moves the HW further, below the log end.
    fetchFollower(h, follower2, 0);
    fetchFollower(h, follower2, lastOffsetOfFirstBatch);
    expect(h.p.highWatermark).toBe(lastOffsetOfFirstBatch);
    // Leader becomes follower, then leader again, with no records appended in between.
    h.p.applyState(state({ leader: follower2, leaderEpoch: leaderEpoch + 1, isr: isrList, replicas }));
    expect(h.p.applyState(state({ leaderEpoch: leaderEpoch + 2, isr: isrList, replicas }))).toBe("leader");
    const currentLeaderEpochStartOffset = h.p.log.logEndOffset;
    h.produce(["v1", "v2"], 0);
    // A follower outside the ISR fetching from the log start, then at the HW, is not added.
    fetchFollower(h, follower1, 0);
    fetchFollower(h, follower1, lastOffsetOfFirstBatch);
    expect(isr(h)).toEqual([leader, follower2]);
    // From the start of the current leader epoch, it is.
    fetchFollower(h, follower1, currentLeaderEpochStartOffset);
    expect(isr(h)).toEqual([leader, follower2]);
    expect(maximalIsr(h)).toEqual([leader, follower1, follower2]);
    expect([...h.alters[0]].sort()).toEqual([leader, follower1, follower2]);
  });

  it("testIsrNotExpandedIfUpdateFails: a caught-up follower is proposed; the ISR stays the leader alone", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    expect(h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER], replicas: [LEADER, R1] }))).toBe("leader");
    fetchFollower(h, R1, 10);
    expect(isr(h)).toEqual([LEADER]);
    expect(maximalIsr(h)).toEqual([LEADER, R1]);
    expect(h.alters.length).toBe(1);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: nowMs(h), logEndOffset: 10 });
  });

  // Partition.handleAlterPartitionError resets to the last committed state only for OPERATION_NOT_ATTEMPTED and
  // INELIGIBLE_REPLICA; after INVALID_UPDATE_VERSION / INVALID_REQUEST (and the other non-retried errors) the pending
  // state stays, with no retry, until new metadata replaces it.
  it("testIsrNotExpandedIfUpdateFails: after INVALID_UPDATE_VERSION the pending expansion stays (maximal ISR [leader, follower]), not retried", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER], replicas: [LEADER, R1] }));
    fetchFollower(h, R1, 10);
    h.p.alterPartitionDone("INVALID_UPDATE_VERSION", null);
    expect(isr(h)).toEqual([LEADER]);
    expect(maximalIsr(h)).toEqual([LEADER, R1]);
    expect(h.alters.length).toBe(1);
  });

  // The same for INVALID_REQUEST.
  it("testInvalidAlterPartitionRequestsAreNotRetried: after INVALID_REQUEST the maximal ISR stays [leader, follower] and nothing is resent", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER], replicas: [LEADER, R1] }));
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: 0, logEndOffset: -1 });
    fetchFollower(h, R1, 10);
    expect([isr(h), maximalIsr(h), h.alters]).toEqual([[LEADER], [LEADER, R1], [[LEADER, R1]]]);
    h.p.alterPartitionDone("INVALID_REQUEST", null);
    expect([isr(h), maximalIsr(h), h.alters.length]).toEqual([[LEADER], [LEADER, R1], 1]);
  });
});

describe("PartitionTest: ISR shrinking and the high watermark (maybeShrinkIsr, maybeIncrementLeaderHW)", () => {
  it("testMaybeShrinkIsr: caught up at makeLeader, a silent follower is dropped after replica.lag.time.max.ms; the HW moves once it commits", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1, R2];
    const initializeTimeMs = nowMs(h);
    expect(h.p.applyState(state({ leaderEpoch: 5, isr: replicas, replicas }))).toBe("leader");
    expect(h.p.highWatermark).toBe(0);
    fetchFollower(h, R1, h.p.log.logEndOffset);
    expect(replicaState(h, R2)).toEqual({ lastCaughtUpTimeMs: initializeTimeMs, logEndOffset: -1 });
    // On initialization the replica is caught up and not removed.
    expect(h.p.maybeShrinkIsr()).toBe(false);
    expect(h.alters.length).toBe(0);
    expect(isr(h)).toEqual(replicas);
    sleep(h, REPLICA_LAG_TIME_MAX_MS + 1);
    h.p.maybeShrinkIsr();
    expect(h.alters).toEqual([[LEADER, R1]]);
    expect(isr(h)).toEqual(replicas);
    expect(maximalIsr(h)).toEqual(replicas);
    expect(h.p.highWatermark).toBe(0);
    completeIsrUpdate(h, 2);
    expect(h.p.partitionEpoch).toBe(2);
    expect(isr(h)).toEqual([LEADER, R1]);
    expect(maximalIsr(h)).toEqual([LEADER, R1]);
    expect(h.p.highWatermark).toBe(h.p.log.logEndOffset);
  });

  it("testRetryShrinkIsr: the shrink is proposed with the ISR kept; once it commits at partition epoch 2 the HW reaches the log end", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1];
    expect(h.p.applyState(state({ leaderEpoch: 5, isr: replicas, replicas }))).toBe("leader");
    expect(h.p.highWatermark).toBe(0);
    sleep(h, REPLICA_LAG_TIME_MAX_MS + 1);
    h.p.maybeShrinkIsr();
    expect(h.alters).toEqual([[LEADER]]);
    expect([isr(h), maximalIsr(h)]).toEqual([replicas, replicas]);
    completeIsrUpdate(h, 2);
    expect(h.p.partitionEpoch).toBe(2);
    expect([isr(h), maximalIsr(h)]).toEqual([[LEADER], [LEADER]]);
    expect(h.p.highWatermark).toBe(h.p.log.logEndOffset);
  });

  // An unexpected AlterPartition error (NETWORK_EXCEPTION) is retried at once, the shrink still pending
  // (handleAlterPartitionError returns true).
  it("testRetryShrinkIsr: after NETWORK_EXCEPTION the shrink stays pending and is sent again at once", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1];
    h.p.applyState(state({ leaderEpoch: 5, isr: replicas, replicas }));
    sleep(h, REPLICA_LAG_TIME_MAX_MS + 1);
    h.p.maybeShrinkIsr();
    h.p.alterPartitionDone("NETWORK_EXCEPTION", null);
    expect(h.p.partitionEpoch).toBe(1);
    expect(h.p.isrState.kind).toBe("pendingShrink");
    expect(h.alters).toEqual([[LEADER], [LEADER]]);
    expect(h.p.highWatermark).toBe(0);
  });

  it("testIsrNotShrunkIfUpdateFails: the proposed shrink leaves the ISR as it was and the HW at 0", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1];
    h.p.applyState(state({ leaderEpoch: 5, isr: replicas, replicas }));
    expect(h.p.highWatermark).toBe(0);
    sleep(h, 30_001);
    h.p.maybeShrinkIsr();
    expect(isr(h)).toEqual(replicas);
    expect(h.alters.length).toBe(1);
    expect(h.p.highWatermark).toBe(0);
  });

  // As testIsrNotExpandedIfUpdateFails: PendingShrinkIsr stays after INVALID_UPDATE_VERSION.
  it("testIsrNotShrunkIfUpdateFails: after INVALID_UPDATE_VERSION the state is still PendingShrinkIsr", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1];
    h.p.applyState(state({ leaderEpoch: 5, isr: replicas, replicas }));
    sleep(h, 30_001);
    h.p.maybeShrinkIsr();
    h.p.alterPartitionDone("INVALID_UPDATE_VERSION", null);
    expect(h.p.isrState.kind).toBe("pendingShrink");
    expect(isr(h)).toEqual(replicas);
    expect(h.p.highWatermark).toBe(0);
  });

  it("testShouldNotShrinkIsrIfPreviousFetchIsCaughtUp: a fetch at the previous fetch's leader log end counts as caught up then", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1];
    const initializeTimeMs = nowMs(h);
    h.p.applyState(state({ leaderEpoch: 5, isr: replicas, replicas }));
    expect(h.p.highWatermark).toBe(0);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: initializeTimeMs, logEndOffset: -1 });
    sleep(h, 5000);
    const firstFetchTimeMs = nowMs(h);
    fetchFollower(h, R1, 5);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: initializeTimeMs, logEndOffset: 5 });
    expect(h.p.highWatermark).toBe(5);
    sleep(h, 5001);
    seedLogData(h, 5, 5);
    fetchFollower(h, R1, 10);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: firstFetchTimeMs, logEndOffset: 10 });
    expect(h.p.highWatermark).toBe(10);
    h.p.maybeShrinkIsr();
    expect(isr(h)).toEqual(replicas);
    expect(h.alters.length).toBe(0);
  });

  it("testShouldNotShrinkIsrIfFollowerCaughtUpToLogEnd: a follower at the log end is never dropped, however long it is silent", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1];
    const initializeTimeMs = nowMs(h);
    h.p.applyState(state({ leaderEpoch: 5, isr: replicas, replicas }));
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: initializeTimeMs, logEndOffset: -1 });
    fetchFollower(h, R1, 10);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: nowMs(h), logEndOffset: 10 });
    expect(h.p.highWatermark).toBe(10);
    sleep(h, 30_001);
    h.p.maybeShrinkIsr();
    expect(isr(h)).toEqual(replicas);
    expect(h.alters.length).toBe(0);
  });

  it("testHighWatermarkAdvanceShouldNotAdvanceWhenUnderMinISR: min.insync.replicas 3 with ISR 2 holds the HW at 0 until the ISR is 3", () => {
    const h = harness({ minIsr: 3 });
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1, R2];
    expect(h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER, R1], replicas }))).toBe("leader");
    expect(h.p.highWatermark).toBe(0);
    fetchFollower(h, R1, h.p.log.logEndOffset);
    expect(h.p.highWatermark).toBe(0);
    // Though the maximal ISR is larger than min ISR, the HW cannot advance.
    fetchFollower(h, R2, h.p.log.logEndOffset);
    expect(h.p.highWatermark).toBe(0);
    expect(h.p.isrState.maximalIsr.length).toBe(3);
    expect(h.alters.length).toBe(1);
    completeIsrUpdate(h, 2);
    expect(h.p.highWatermark).toBe(h.p.log.logEndOffset);
  });
});

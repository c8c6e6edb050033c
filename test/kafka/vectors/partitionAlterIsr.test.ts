import { describe, expect, it } from "vitest";
import type { Replica } from "../../../src/kafka/broker/replica.js";
import type { PartitionState } from "../../../src/kafka/metadata/records.js";
import { fetchPartition, PartitionHarness, partitionState, plainBatch } from "../../support/partitionHarness.js";

// More vectors from Kafka's core/src/test/scala/unit/kafka/cluster/PartitionTest.scala (apache/kafka 1eb7644), the
// ISR methods partition.test.ts does not port: AlterPartition answers (handleAlterIsrFailure and its four tests, the
// retry of an unexpected error, one request in flight), ISR expansion refused for a fenced or shutting-down follower
// (KIP-841), and the high watermark once such a follower is out of the ISR. Run against kafkasim's Partition
// (src/kafka/broker/partition.ts) through test/support/partitionHarness.ts, with partition.test.ts's shapes:
// - brokerId (101) is "broker-1", brokerId + n is "broker-<n+1>"; `makeLeader(state)` is `applyState(state)`;
//   `seedLogData` appends one-record batches at the given epoch; MockTime starts at T0 (a replica never caught up
//   shows lastCaughtUpTimeMs 0).
// - `alterPartitionManager.isrUpdates` is the AlterPartition requests sent and not answered yet (`h.alters`, from
//   which an answer here removes the oldest, as Kafka's MockAlterPartitionManager does); `completeIsrUpdate(n)`
//   answers NONE with the proposed ISR at partition epoch n, `failIsrUpdate(e)` answers e.
//   `partitionState.isInflight` is the ISR state not being "committed".
// - The metadata cache's isBrokerFenced / isBrokerShuttingDown are the harness's `fenced` set (kafkasim's
//   PartitionHost.isReplicaIsrEligible reads both from the image: neither fenced nor in controlled shutdown), so the
//   "fenced" and "shutdown" cases run the same way here.
// - testPartitionShouldRetryAlterPartitionRequest's DefaultAlterPartitionManager and mocked channel are the same
//   harness answering UNKNOWN_SERVER_ERROR, then NONE with the expanded ISR at partition epoch 2.
//
// Not ported, with why: the "zk" parameterization of testIsrNotExpandedIfReplicaIsFencedOrShutdown (no ZooKeeper),
// testUnderReplicatedPartitionsCorrectSemantics (isUnderReplicated is a metric kafkasim does not keep),
// testUpdateAssignmentAndIsr (Kafka's assignment-state objects; reassignment has its own tests), and
// testIsReplicaIsrEligibleWithEmptyReplicaMap (a race with topic deletion inside fetchRecords: kafkasim's actor
// handles one event at a time).

const LEADER = "broker-1";
const R1 = "broker-2";
const R2 = "broker-3";
const R3 = "broker-4";
const T0 = 1_000_000;
const REPLICA_LAG_TIME_MAX_MS = 30_000;

function harness(): PartitionHarness {
  const h = new PartitionHarness({ lagMs: REPLICA_LAG_TIME_MAX_MS });
  h.ctx.advance(T0);
  return h;
}

function seedLogData(h: PartitionHarness, n: number, leaderEpoch: number): void {
  for (let i = 0; i < n; i++) h.p.log.appendAsLeader({ ...plainBatch([`v${i}`]), records: [{ key: `k${i}`, value: `v${i}` }] }, leaderEpoch);
}

function state(o: { leaderEpoch: number; isr: string[]; replicas: string[]; partitionEpoch?: number }): PartitionState {
  return partitionState({ leader: LEADER, leaderEpoch: o.leaderEpoch, isr: o.isr, replicas: o.replicas, partitionEpoch: o.partitionEpoch ?? 1 });
}

function fetchFollower(h: PartitionHarness, replicaId: string, fetchOffset: number): void {
  h.p.fetchRecordsForFollower(replicaId, fetchPartition(fetchOffset, -1));
}

function replicaState(h: PartitionHarness, id: string): { lastCaughtUpTimeMs: number; logEndOffset: number } | undefined {
  const r = (h.p["followers"] as Map<string, Replica>).get(id);
  if (!r) return undefined;
  return { lastCaughtUpTimeMs: r.lastCaughtUpTimeUs === Number.NEGATIVE_INFINITY ? 0 : r.lastCaughtUpTimeUs / 1000, logEndOffset: r.logEndOffset };
}

/** MockAlterPartitionManager.completeIsrUpdate: the oldest request committed as proposed, at `newPartitionEpoch`. */
function completeIsrUpdate(h: PartitionHarness, newPartitionEpoch: number): void {
  const isr = h.alters.shift()!;
  h.p.alterPartitionDone("NONE", partitionState({ leader: LEADER, leaderEpoch: h.p.leaderEpoch, isr, replicas: h.p.replicas, partitionEpoch: newPartitionEpoch }));
}

/** MockAlterPartitionManager.failIsrUpdate: the oldest request answered with `error`. */
function failIsrUpdate(h: PartitionHarness, error: string): void {
  h.alters.shift();
  h.p.alterPartitionDone(error, null);
}

const isr = (h: PartitionHarness) => [...h.p.isrState.isr].sort();
const maximalIsr = (h: PartitionHarness) => [...h.p.isrState.maximalIsr].sort();
const isInflight = (h: PartitionHarness) => h.p.isrState.kind !== "committed";

/** PartitionTest.handleAlterIsrFailure: a follower's expansion is proposed, then answered `error`. */
function handleAlterIsrFailure(error: string): PartitionHarness {
  const h = harness();
  seedLogData(h, 10, 4);
  expect(h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER], replicas: [LEADER, R1] }))).toBe("leader");
  expect(h.p.highWatermark).toBe(10);
  expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: 0, logEndOffset: -1 });
  // This will attempt to expand the ISR.
  const firstFetchTimeMs = h.ctx.nowMs;
  fetchFollower(h, R1, 10);
  // Follower state is updated, but the ISR has not expanded.
  expect(isr(h)).toEqual([LEADER]);
  expect(maximalIsr(h)).toEqual([LEADER, R1]);
  expect(h.alters.length).toBe(1);
  expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: firstFetchTimeMs, logEndOffset: 10 });
  failIsrUpdate(h, error);
  return h;
}

describe("PartitionTest: AlterPartition answers (handleAlterIsrFailure)", () => {
  for (const [name, error, retried] of [
    ["testAlterIsrNewLeaderElected", "NEW_LEADER_ELECTED", false],
    ["testAlterIsrUnknownTopic", "UNKNOWN_TOPIC_OR_PARTITION", false],
    ["testAlterIsrInvalidVersion", "INVALID_UPDATE_VERSION", false],
    ["testAlterIsrUnexpectedError", "UNKNOWN_SERVER_ERROR", true],
  ] as const) {
    it(name, () => {
      const h = handleAlterIsrFailure(error);
      expect(isr(h)).toEqual([LEADER]);
      expect(maximalIsr(h)).toEqual([LEADER, R1]);
      // UNKNOWN_SERVER_ERROR is retried (one request in flight again); the others wait for new metadata.
      expect(h.alters.length).toBe(retried ? 1 : 0);
    });
  }

  it("testPartitionShouldRetryAlterPartitionRequest", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1, R2, R3];
    expect(h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER, R1, R2], replicas, partitionEpoch: 1 }))).toBe("leader");
    expect(h.p.highWatermark).toBe(0);
    // Expand ISR: the first AlterPartition fails with a retriable error, the retry succeeds.
    fetchFollower(h, R3, 10);
    failIsrUpdate(h, "UNKNOWN_SERVER_ERROR");
    completeIsrUpdate(h, 2);
    expect(isr(h)).toEqual([LEADER, R1, R2, R3]);
    expect(h.p.partitionEpoch).toBe(2);
    expect(h.alters.length).toBe(0);
    expect(isInflight(h)).toBe(false);
  });

  it("testSingleInFlightAlterIsr", () => {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1, R2, R3];
    expect(h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER, R1, R2], replicas }))).toBe("leader");
    expect(h.p.highWatermark).toBe(0);
    // Expand ISR.
    fetchFollower(h, R3, 10);
    expect(isr(h)).toEqual([LEADER, R1, R2]);
    expect(maximalIsr(h)).toEqual([LEADER, R1, R2, R3]);
    // One AlterIsr request in-flight.
    expect(h.alters.length).toBe(1);
    // Try to modify ISR again, should do nothing.
    h.ctx.advance(REPLICA_LAG_TIME_MAX_MS + 1);
    h.p.maybeShrinkIsr();
    expect(h.alters.length).toBe(1);
  });
});

describe("PartitionTest: fenced and shutting-down followers (KIP-841)", () => {
  for (const brokerState of ["fenced", "shutdown", "unfenced"] as const) {
    it(`testHighWatermarkIncreasesWithFencedOrShutdownFollower(${brokerState})`, () => {
      const h = harness();
      seedLogData(h, 10, 4);
      const replicas = [LEADER, R1];
      expect(h.p.applyState(state({ leaderEpoch: 5, isr: replicas, replicas }))).toBe("leader");
      expect(isr(h)).toEqual(replicas);
      expect(maximalIsr(h)).toEqual(replicas);
      // Fetch to let the follower catch up to the log end offset.
      fetchFollower(h, R1, h.p.log.logEndOffset);
      expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: h.ctx.nowMs, logEndOffset: h.p.log.logEndOffset });
      // The leader updated the HWM to the LEO, which is what the follower has.
      expect(h.p.highWatermark).toBe(h.p.log.logEndOffset);
      if (brokerState !== "unfenced") h.fenced.add(R1);
      // Append records to the log as leader of the current epoch.
      seedLogData(h, 10, 5);
      // The controller shrinks the ISR.
      expect(h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER], replicas, partitionEpoch: 2 }))).toBe(null);
      expect(h.p.role).toBe("leader");
      expect(isr(h)).toEqual([LEADER]);
      expect(maximalIsr(h)).toEqual([LEADER]);
      expect(h.p.outOfSyncReplicas(h.ctx.nowUs)).toEqual([]);
      // Unfenced, the caught-up follower still holds the HWM back (it may rejoin the ISR); fenced or shutting down,
      // it is not counted.
      expect(h.p.highWatermark).toBe(brokerState === "unfenced" ? 10 : 20);
    });
  }

  /** The body of testIsrNotExpandedIfReplicaIsFencedOrShutdown (kraft) and testIsrNotExpandedIfReplicaIsInControlledShutdown. */
  function isrNotExpandedWhileIneligible(): void {
    const h = harness();
    seedLogData(h, 10, 4);
    const replicas = [LEADER, R1];
    expect(h.p.applyState(state({ leaderEpoch: 5, isr: [LEADER], replicas }))).toBe("leader");
    expect(isr(h)).toEqual([LEADER]);
    expect(maximalIsr(h)).toEqual([LEADER]);
    // Fetch to let the follower catch up to the log end offset and to check if an expansion is possible.
    fetchFollower(h, R1, h.p.log.logEndOffset);
    expect(replicaState(h, R1)).toEqual({ lastCaughtUpTimeMs: h.ctx.nowMs, logEndOffset: h.p.log.logEndOffset });
    // Expansion is triggered.
    expect(isr(h)).toEqual([LEADER]);
    expect(maximalIsr(h)).toEqual(replicas);
    expect(h.alters.length).toBe(1);
    // The controller rejects the expansion because the broker is fenced, offline or in controlled shutdown.
    failIsrUpdate(h, "INELIGIBLE_REPLICA");
    // The leader reverts back to the previous ISR.
    expect(isr(h)).toEqual([LEADER]);
    expect(maximalIsr(h)).toEqual([LEADER]);
    expect(isInflight(h)).toBe(false);
    expect(h.alters.length).toBe(0);
    // The leader eventually learns about it; the follower fetches again: expansion is not triggered.
    h.fenced.add(R1);
    fetchFollower(h, R1, h.p.log.logEndOffset);
    expect(isr(h)).toEqual([LEADER]);
    expect(maximalIsr(h)).toEqual([LEADER]);
    expect(isInflight(h)).toBe(false);
    expect(h.alters.length).toBe(0);
    // The broker eventually comes back; the follower fetches again: expansion is triggered.
    h.fenced.delete(R1);
    fetchFollower(h, R1, h.p.log.logEndOffset);
    expect(isr(h)).toEqual([LEADER]);
    expect(maximalIsr(h)).toEqual(replicas);
    expect(isInflight(h)).toBe(true);
    expect(h.alters.length).toBe(1);
    // Expansion succeeds: the ISR is committed.
    completeIsrUpdate(h, 1);
    expect(isr(h)).toEqual(replicas);
    expect(maximalIsr(h)).toEqual(replicas);
    expect(isInflight(h)).toBe(false);
    expect(h.alters.length).toBe(0);
  }

  it("testIsrNotExpandedIfReplicaIsFencedOrShutdown(kraft)", () => {
    isrNotExpandedWhileIneligible();
  });

  it("testIsrNotExpandedIfReplicaIsInControlledShutdown", () => {
    isrNotExpandedWhileIneligible();
  });
});

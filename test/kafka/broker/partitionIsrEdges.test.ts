import { describe, expect, it } from "vitest";
import { fetchPartition, PartitionHarness, partitionState, plainBatch } from "../../support/partitionHarness.js";

/**
 * The edges of a partition's leadership, ISR and high watermark (Kafka `core/.../cluster/Partition.scala`) that
 * partition.test.ts's main cases do not reach: the state before any metadata, leadership lost and regained, epoch 0,
 * fetches that fail, the order followers are looked at, the traces of ISR changes, and AlterPartition answers that
 * must change nothing. Replication lag is 10 s (replica.lag.time.max.ms): the ISR check runs every 5 s.
 */

const TWO = ["broker-1", "broker-2"];
const THREE = ["broker-1", "broker-2", "broker-3"];

/** broker-1 leading t-0 at `leaderEpoch` with `isr`, having appended `records` plain records (acks=1). */
function leader(opts: { replicas?: string[]; isr?: string[]; leaderEpoch?: number; records?: number } = {}) {
  const h = new PartitionHarness();
  const replicas = opts.replicas ?? TWO;
  h.p.applyState(partitionState({ replicas, isr: opts.isr ?? replicas, leaderEpoch: opts.leaderEpoch ?? 1 }));
  if (opts.records) h.produce(Array.from({ length: opts.records }, (_, i) => `r${i}`), 1);
  return h;
}

describe("before any metadata (Partition's initial state)", () => {
  it("a replica created before the metadata names it serves nobody: no replicas, no leader, epochs -1, empty ISR", () => {
    // Kafka's Partition starts with leaderEpoch/partitionEpoch LeaderAndIsr.INITIAL... and no leader (-1).
    const h = new PartitionHarness();
    expect([h.p.replicas, h.p.leader, h.p.leaderEpoch, h.p.partitionEpoch, h.p.role]).toEqual([[], null, -1, -1, "none"]);
    expect(h.p.isrState).toEqual({ kind: "committed", isr: [], maximalIsr: [] });
    expect(h.produce(["x"], 1)).toEqual({ ok: false, error: "NOT_LEADER_OR_FOLLOWER" });
  });
});

describe("leadership lost and regained (Partition.makeLeader / makeFollower)", () => {
  it("a leader re-elected after following checks its ISR again, once every replica.lag.time.max.ms / 2", () => {
    const h = leader({ records: 2 });
    h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leader: "broker-2", leaderEpoch: 2 }));
    expect(h.ctx.pendingTimers).toBe(0);
    h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leaderEpoch: 3, partitionEpoch: 2 }));
    expect(h.ctx.pendingTimers).toBe(1);
    h.produce(["x"], 1);
    h.ctx.advance(15_000);
    expect(h.alters).toEqual([["broker-1"]]);
  });

  it("a leader re-elected at a newer epoch keeps one ISR check, not two", () => {
    const h = leader({ records: 2 });
    h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leaderEpoch: 2, partitionEpoch: 2 }));
    expect(h.ctx.pendingTimers).toBe(1);
  });

  it("a follower never moves its HW as a leader would (it keeps no state of its former followers)", () => {
    // Only the leader computes the HW from its followers (maybeIncrementLeaderHW); a follower takes the leader's.
    const h = leader({ records: 3 });
    h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leader: "broker-2", leaderEpoch: 2 }));
    expect(h.p.maybeIncrementHighWatermark()).toBe(false);
    expect(h.p.highWatermark).toBe(0);
  });

  it("a former leader alone in its ISR does not take its own log end for the HW once it follows", () => {
    // ISR {broker-1} when it stepped down: as leader its HW was its log end. As follower, what it replicates moves
    // its log end, never its HW (the leader's answers do).
    const h = leader({ isr: ["broker-1"], records: 3 });
    expect(h.p.highWatermark).toBe(3);
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leader: "broker-2", leaderEpoch: 2 }));
    h.p.appendAsFollower({ ...plainBatch(["d", "e"]), baseOffset: 3, leaderEpoch: 2 });
    expect(h.p.log.logEndOffset).toBe(5);
    expect(h.p.maybeIncrementHighWatermark()).toBe(false);
    expect(h.p.highWatermark).toBe(3);
  });

  it("a former leader no longer says its HW may wait for a follower it knew was caught up", () => {
    const h = leader({ isr: ["broker-1"], records: 3 });
    h.fenced.add("broker-2");
    h.fetch("broker-2", 3);
    expect(h.p.mayWaitFor("broker-2")).toBe(true);
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leader: "broker-2", leaderEpoch: 2 }));
    expect(h.p.mayWaitFor("broker-2")).toBe(false);
  });

  it("a follower runs no ISR check, however long its former followers have been silent", () => {
    const h = leader({ records: 3 });
    h.p.applyState(partitionState({ replicas: TWO, isr: TWO, leader: "broker-2", leaderEpoch: 2 }));
    h.ctx.advance(60_000);
    expect(h.p.maybeShrinkIsr()).toBe(false);
    expect(h.alters).toEqual([]);
  });
});

describe("leader epoch 0 (Kafka's first epoch) in requests", () => {
  it("a request at epoch 0 is checked like any other: fenced when the leader is at a later epoch", () => {
    // Partition.checkCurrentLeaderEpoch: only -1 (RecordBatch.NO_PARTITION_LEADER_EPOCH) skips the check.
    const h = leader({ leaderEpoch: 5 });
    expect(h.p.checkLeaderEpoch(0)).toBe("FENCED_LEADER_EPOCH");
    const first = leader({ leaderEpoch: 0 });
    expect(first.p.checkLeaderEpoch(0)).toBe("NONE");
    expect(first.p.checkLeaderEpoch(1)).toBe("UNKNOWN_LEADER_EPOCH");
  });

  it("a fetch from an unknown broker naming epoch 0 is UNKNOWN_LEADER_EPOCH (it names an epoch)", () => {
    // Partition.followerReplicaOrThrow: NotLeaderOrFollower only when the fetch carries no epoch (-1).
    const h = leader({ leaderEpoch: 0, records: 1 });
    expect(h.p.fetchRecordsForFollower("broker-9", fetchPartition(0, 0))).toEqual({ ok: false, error: "UNKNOWN_LEADER_EPOCH", bytes: 0 });
  });
});

describe("a follower fetch that fails changes nothing (Partition.fetchRecords)", () => {
  it("a fetch beyond the log end (OFFSET_OUT_OF_RANGE) does not count as the follower's position", () => {
    // updateFollowerFetchState runs only for a read that succeeded.
    const h = leader({ records: 4 });
    expect(h.fetch("broker-2", 5)).toEqual({ ok: false, error: "OFFSET_OUT_OF_RANGE", bytes: 0 });
    expect(h.p.highWatermark).toBe(0);
    expect(h.p.outOfSyncReplicas(h.ctx.nowUs + 10_000_001)).toEqual(["broker-2"]);
  });
});

describe("the high watermark over several followers (Partition.maybeIncrementLeaderHW)", () => {
  it("is the smallest log end whatever order the followers are looked at: a follower ahead does not raise it", () => {
    const h = leader({ replicas: THREE, records: 5 });
    h.fetch("broker-2", 2);
    h.fetch("broker-3", 5);
    expect(h.p.highWatermark).toBe(2);
  });

  it("a follower's fetch that leaves its log end where it was does not recompute the HW", () => {
    // Partition.updateFollowerFetchState: `if (prevFollowerEndOffset != replica.stateSnapshot.logEndOffset)
    // maybeIncrementLeaderHW(...)`. broker-3, outside the ISR and kept out by broker-4's pending expand, caught up at
    // 0 s and holds the HW at 3 (shouldWaitForReplicaToJoinIsr). Past replica.lag.time.max.ms it no longer may, but
    // its fetch from 3 again moves nothing: the HW waits for something that moves a log end.
    const h = leader({ replicas: [...THREE, "broker-4"], isr: TWO, records: 3 });
    h.fetch("broker-2", 3);
    h.fetch("broker-4", 3);
    expect(h.p.isrState.kind).toBe("pendingExpand");
    h.fetch("broker-3", 3);
    h.produce(["x"], 1);
    h.fetch("broker-2", 4);
    h.fetch("broker-4", 4);
    expect(h.p.highWatermark).toBe(3);
    h.ctx.advance(10_001);
    h.fetch("broker-3", 3);
    expect(h.p.highWatermark).toBe(3);
    h.fetch("broker-2", 4);
    expect(h.p.highWatermark).toBe(3);
    h.produce(["y"], 1);
    expect(h.p.highWatermark).toBe(4);
  });

  it("says whether it moved: true when it moved, false when there was nothing to move it", () => {
    const h = leader({ records: 3 });
    h.fetch("broker-2", 3);
    expect(h.p.highWatermark).toBe(3);
    expect(h.p.maybeIncrementHighWatermark()).toBe(false);
    expect(h.ctx.tracesOf("partition.hw")).toHaveLength(1);
    // The controller took broker-2 out of the ISR; caught up and eligible, it still holds the HW at 3.
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], partitionEpoch: 2 }));
    h.produce(["x"], 1);
    expect(h.p.highWatermark).toBe(3);
    // Fenced, it no longer counts: the next look moves the HW, and says so.
    h.fenced.add("broker-2");
    expect(h.p.maybeIncrementHighWatermark()).toBe(true);
    expect(h.p.highWatermark).toBe(4);
  });
});

describe("the ISR's changes, traced (Partition.maybeShrinkIsr / maybeExpandIsr / AlterPartition)", () => {
  it("every ISR state change is traced with its kind, both ISRs, the partition epoch and why", () => {
    const h = leader({ records: 2 });
    h.produce(["x"], 1);
    h.ctx.advance(15_000);
    expect(h.p.maybeShrinkIsr()).toBe(false); // one change at a time: the shrink is in flight
    h.p.alterPartitionDone("NONE", partitionState({ replicas: TWO, isr: ["broker-1"], partitionEpoch: 2 }));
    h.fetch("broker-2", 3);
    h.p.alterPartitionDone("INELIGIBLE_REPLICA", null);
    h.p.applyState(partitionState({ replicas: TWO, isr: TWO, partitionEpoch: 3 }));
    expect(h.ctx.tracesOf("partition.isr").map((t) => t.data)).toEqual([
      { tp: "t-0", kind: "pendingShrink", isr: TWO, maximalIsr: TWO, partitionEpoch: 1, why: "shrink requested" },
      { tp: "t-0", kind: "committed", isr: ["broker-1"], maximalIsr: ["broker-1"], partitionEpoch: 2, why: "AlterPartition committed" },
      { tp: "t-0", kind: "pendingExpand", isr: ["broker-1"], maximalIsr: TWO, partitionEpoch: 2, why: "expand requested" },
      { tp: "t-0", kind: "committed", isr: ["broker-1"], maximalIsr: ["broker-1"], partitionEpoch: 2, why: "AlterPartition failed: INELIGIBLE_REPLICA" },
      { tp: "t-0", kind: "committed", isr: TWO, maximalIsr: TWO, partitionEpoch: 3, why: "metadata" },
    ]);
  });

  it("maybeShrinkIsr says whether it asked: true when it sent a shrink, false when every follower is in sync", () => {
    const h = leader({ records: 2 });
    h.fetch("broker-2", 2);
    expect(h.p.maybeShrinkIsr()).toBe(false);
    h.produce(["x"], 1);
    h.ctx.nowUs += 10_000_001;
    expect(h.p.maybeShrinkIsr()).toBe(true);
    expect(h.alters).toEqual([["broker-1"]]);
  });
});

describe("AlterPartition answers that change nothing (Partition.submitAlterPartition's completion)", () => {
  it("an error answer is a failure even when it carries a newer state: INVALID_UPDATE_VERSION keeps the change pending, unsent", () => {
    // handleAlterPartitionError: the response's partition data is not read on an error; INVALID_UPDATE_VERSION waits
    // for new metadata, with nothing sent again.
    const h = leader({ isr: ["broker-1"], records: 3 });
    h.fetch("broker-2", 3);
    const sent = h.alters.length;
    h.p.alterPartitionDone("INVALID_UPDATE_VERSION", partitionState({ replicas: TWO, isr: TWO, partitionEpoch: 2 }));
    expect([h.p.isrState.kind, h.p.isrState.isr, h.p.isrState.maximalIsr, h.p.partitionEpoch]).toEqual(["pendingExpand", ["broker-1"], TWO, 1]);
    expect(h.alters.length).toBe(sent);
  });

  it("OPERATION_NOT_ATTEMPTED and INELIGIBLE_REPLICA put the last committed ISR back, with nothing sent again", () => {
    for (const error of ["OPERATION_NOT_ATTEMPTED", "INELIGIBLE_REPLICA"]) {
      const h = leader({ isr: ["broker-1"], records: 3 });
      h.fetch("broker-2", 3);
      const sent = h.alters.length;
      h.p.alterPartitionDone(error, null);
      expect([error, h.p.isrState]).toEqual([error, { kind: "committed", isr: ["broker-1"], maximalIsr: ["broker-1"] }]);
      expect(h.alters.length).toBe(sent);
    }
  });

  it("an unexpected error (REQUEST_TIMED_OUT) keeps the expansion pending and sends it again at once", () => {
    const h = leader({ isr: ["broker-1"], records: 3 });
    h.fetch("broker-2", 3);
    h.p.alterPartitionDone("REQUEST_TIMED_OUT", null);
    expect([h.p.isrState.kind, h.p.isrState.maximalIsr]).toEqual(["pendingExpand", TWO]);
    expect(h.alters.slice(-2)).toEqual([TWO, TWO]);
  });

  it("an answer that arrives when nothing is pending is not a failure: no trace, no change", () => {
    const h = leader({ isr: ["broker-1"], records: 3 });
    h.fetch("broker-2", 3);
    h.p.alterPartitionDone("NONE", partitionState({ replicas: TWO, isr: TWO, partitionEpoch: 2 }));
    const traced = h.ctx.traces.length;
    const committed = h.p.isrState;
    h.p.alterPartitionDone("NONE", partitionState({ replicas: TWO, isr: TWO, partitionEpoch: 2 }));
    h.p.alterPartitionDone("OPERATION_NOT_ATTEMPTED", null);
    expect(h.p.isrState).toBe(committed);
    expect(h.ctx.traces.length).toBe(traced);
  });

  it("an answer reaching a replica that is no longer leader touches neither its ISR nor its epochs", () => {
    const h = leader({ isr: ["broker-1"], records: 3 });
    h.fetch("broker-2", 3);
    expect(h.p.isrState.kind).toBe("pendingExpand");
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leader: "broker-2", leaderEpoch: 2, partitionEpoch: 2 }));
    // Partition.makeFollower: a follower's ISR is empty (updateAssignmentAndIsr with isr = Set.empty).
    const asFollower = h.p.isrState;
    expect(asFollower).toEqual({ kind: "committed", isr: [], maximalIsr: [] });
    h.p.alterPartitionDone("NONE", partitionState({ replicas: TWO, isr: TWO, leaderEpoch: 2, partitionEpoch: 3 }));
    h.p.alterPartitionDone("INELIGIBLE_REPLICA", null);
    expect([h.p.isrState, h.p.partitionEpoch]).toEqual([asFollower, 2]);
    expect(h.ctx.tracesOf("partition.alter-failed")).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import type { PartitionState } from "../../src/kafka/metadata/records.js";
import { buildPartitionChange, mergePartitionChange } from "../../src/kafka/controller/partitionChangeBuilder.js";
import { startReassignment } from "../../src/kafka/controller/partitionReassignment.js";
import { runTraced } from "../support/tracedRun.js";

/**
 * Partition reassignment (issue 16 item 4): `reassign: { partition, replicas }` is AlterPartitionReassignments,
 * forwarded to the active controller (ReplicationControlManager.alterPartitionReassignments); the move completes when
 * the target replicas are all in the ISR (PartitionChangeBuilder.completeReassignmentIfNeeded).
 */
function scenario(faults: string, duration = "25s"): string {
  return `name: t
description: reassign test
duration: ${duration}
cluster:
  brokers: 4
  topics:
    - { name: orders, partitions: 1, replicationFactor: 3, config: { min.insync.replicas: 2 } }
clients:
  - id: app
    kind: producer
    config: { acks: all }
    workload: { topic: orders, rate: 100 }
faults:
${faults}
expect:
  - noLostAcknowledgedWrites
`;
}

const run = runTraced;

const state = (over: Partial<PartitionState> = {}): PartitionState => ({ topic: "t", partition: 0, replicas: ["b1", "b2", "b3"], isr: ["b1", "b2", "b3"], leader: "b1", leaderEpoch: 5, partitionEpoch: 9, ...over });
/** The leader's AlterPartition to `isr` (PartitionChangeBuilder.build with that target ISR); null when nothing changes. */
const alterIsr = (p: PartitionState, isr: string[]) => {
  const record = buildPartitionChange(p, { isAcceptableLeader: () => true, minIsr: 1, targetIsr: isr });
  return record && mergePartitionChange(p, record);
};
const bad = (faults: string) => () => parseScenario(scenario(faults), "t.yaml");

describe("reassign: AlterPartitionReassignments", () => {
  it("starts with target ++ removing, adding and removing sets, the leader kept (PartitionReassignmentReplicas)", () => {
    const p = state();
    const next = startReassignment(p, ["b2", "b3", "b4"])!;
    expect(next).toMatchObject({ replicas: ["b2", "b3", "b4", "b1"], addingReplicas: ["b4"], removingReplicas: ["b1"], isr: ["b1", "b2", "b3"], leader: "b1", leaderEpoch: 5, partitionEpoch: 10 });
  });

  it("completes once every target replica is in the ISR: removed leader replaced, leader epoch bumped", () => {
    const p = startReassignment(state(), ["b2", "b3", "b4"])!;
    // b4 not in the ISR yet: not complete.
    expect(alterIsr(p, p.isr)).toBeNull();
    expect(alterIsr(p, ["b1", "b2", "b3"])).toBeNull();
    const done = alterIsr(p, ["b1", "b2", "b3", "b4"])!;
    expect(done).toMatchObject({ replicas: ["b2", "b3", "b4"], isr: ["b2", "b3", "b4"], leader: "b2", leaderEpoch: 6, partitionEpoch: 11 });
    expect(done.addingReplicas).toBeUndefined();
    expect(done.removingReplicas).toBeUndefined();
  });

  it("a pure removal completes at once; the same replicas change nothing; adding only keeps the leader epoch", () => {
    expect(startReassignment(state(), ["b1", "b2"])).toMatchObject({ replicas: ["b1", "b2"], isr: ["b1", "b2"], leader: "b1", leaderEpoch: 6 });
    expect(startReassignment(state(), ["b1", "b2", "b3"])).toBeNull();
    const grow = startReassignment(state(), ["b1", "b2", "b3", "b4"])!;
    const done = alterIsr(grow, ["b1", "b2", "b3", "b4"])!;
    expect(done).toMatchObject({ replicas: ["b1", "b2", "b3", "b4"], leader: "b1", leaderEpoch: 5 });
  });

  it("under load: the new replica catches up, joins the ISR, the leader moves off the removed broker, nothing acknowledged is lost", () => {
    const { r, of } = run(scenario("  - { at: 8s, reassign: { partition: orders-0, replicas: [2, 3, 4] } }"));
    expect(of("admin.alter-partition-reassignments").map((t) => t.data)).toEqual([expect.objectContaining({ tp: "orders-0", error: "NONE" })]);
    const phases = of("controller.reassignment").map((t) => t.data!.phase);
    expect(phases).toEqual(["started", "completed"]);
    const [started, completed] = of("controller.reassignment");
    const expand = of("partition.isr-expand").find((t) => t.data!.replica === "broker-4")!;
    expect(expand.t).toBeGreaterThan(started.t);
    expect(completed.t).toBeGreaterThan(expand.t);
    expect(of("controller.election").find((t) => t.data!.reason === "reassignment completed")!.data).toMatchObject({ oldLeader: "broker-1", newLeader: "broker-2" });
    expect(of("partition.become-leader").some((t) => t.actor === "broker-2" && t.t > completed.t)).toBe(true);
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([["noLostAcknowledgedWrites", true]]);
    // The removed replica's log is deleted (ReplicaManager.stopPartitions, deleteLocalLog); the others keep theirs.
    expect(r.logs.filter((l) => l.topic === "orders").map((l) => l.broker).sort()).toEqual(["broker-2", "broker-3", "broker-4"]);
  });

  it("a target replica that is down never catches up: the move stays in progress and the leader stays", () => {
    const { of } = run(scenario("  - { at: 5s, crash: broker-4 }\n  - { at: 8s, reassign: { partition: orders-0, replicas: [2, 3, 4] } }"));
    expect(of("controller.reassignment").map((t) => t.data!.phase)).toEqual(["started"]);
    expect(of("controller.election").filter((t) => t.data!.reason === "reassignment completed")).toEqual([]);
    expect(of("partition.become-leader").filter((t) => t.actor !== "broker-1")).toEqual([]);
  });

  it("refuses an unknown partition, an unknown broker, a broker twice, an empty list, at the path", () => {
    expect(bad("  - { at: 5s, reassign: { partition: orders-3, replicas: [1, 2] } }")).toThrow(/faults\[0\]\.reassign\.partition: "orders-3" is not a partition/);
    expect(bad("  - { at: 5s, reassign: { partition: orders-0, replicas: [1, 9] } }")).toThrow(/faults\[0\]\.reassign\.replicas\[1\]: 9 is not a broker of the cluster/);
    expect(bad("  - { at: 5s, reassign: { partition: orders-0, replicas: [1, broker-1] } }")).toThrow(/faults\[0\]\.reassign\.replicas\[1\]: broker-1 is listed twice/);
    expect(bad("  - { at: 5s, reassign: { partition: orders-0, replicas: [] } }")).toThrow(/faults\[0\]\.reassign\.replicas: must name at least one broker/);
    expect(bad("  - { at: 5s, for: 2s, reassign: { partition: orders-0, replicas: [1] } }")).toThrow(/faults\[0\]\.for: does not apply to reassign/);
    expect(bad("  - { at: 5s, reassign: { partition: orders-0, replicas: 1 } }")).toThrow(/faults\[0\]\.reassign\.replicas/);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runTraced } from "../support/tracedRun.js";

/**
 * KIP-704 in a whole cluster (scenarios/unclean-leader-election.yaml and its -disabled pair): the controller marks
 * the unclean leader's partition RECOVERING (PartitionChangeBuilder.tryElection), the new leader marks it RECOVERED
 * at once (Partition.makeLeader) and says so with the AlterPartition that adds the first follower back, in one
 * record (ReplicationControlManager.alterPartition, setTargetLeaderRecoveryState). While RECOVERING, no record holds
 * more than the leader in the ISR (validateAlterPartitionData).
 */

const data = (r: { data?: Record<string, unknown> }) => r.data ?? {};

describe("leader recovery state (KIP-704) over a run", () => {
  it("unclean election: RECOVERING, the leader recovers, and its first ISR expansion carries RECOVERED", () => {
    const { trace, of } = runTraced(readFileSync("scenarios/unclean-leader-election.yaml", "utf8"));
    const unclean = of("controller.unclean-election");
    expect(unclean.map((t) => [data(t).newLeader, data(t).leaderRecoveryState])).toEqual([["broker-3", "RECOVERING"]]);
    const recovered = of("partition.leader-recovered");
    expect(recovered.map((t) => [t.actor, data(t).leaderEpoch])).toEqual([["broker-3", data(unclean[0]).leaderEpoch]]);
    // The first AlterPartition after the election is broker-3's expansion, and it ends the recovery.
    const alters = of("controller.alter-partition").filter((t) => t.t > unclean[0].t);
    expect([data(alters[0]).by, (data(alters[0]).newIsr as string[]).length, data(alters[0]).leaderRecoveryState]).toEqual(["broker-3", 2, "RECOVERING -> RECOVERED"]);
    expect(alters.slice(1).every((t) => data(t).leaderRecoveryState === undefined)).toBe(true);
    // Every record of the partition while RECOVERING holds the leader alone in the ISR.
    const records = trace.filter((t) => t.type === "controller.record" && data(t).record === "Partition");
    const recovering = records.filter((t) => data(t).leaderRecoveryState === "RECOVERING");
    expect(recovering.length).toBeGreaterThan(0);
    expect(recovering.every((t) => (data(t).isr as string[]).length === 1)).toBe(true);
  });

  it("quiet without unclean elections: no RECOVERING record, no recovery traced, no AlterPartition ends one", () => {
    const { trace, of } = runTraced(readFileSync("scenarios/unclean-leader-election-disabled.yaml", "utf8"));
    expect(of("controller.unclean-election")).toEqual([]);
    expect(of("partition.leader-recovered")).toEqual([]);
    expect(of("controller.alter-partition").some((t) => data(t).leaderRecoveryState !== undefined)).toBe(false);
    expect(trace.some((t) => t.type === "controller.record" && data(t).leaderRecoveryState !== undefined)).toBe(false);
  });
});

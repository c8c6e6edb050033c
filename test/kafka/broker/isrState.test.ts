import { describe, expect, it } from "vitest";
import { committedIsr, pendingExpand, pendingShrink } from "../../../src/kafka/broker/isrState.js";

/**
 * The leader's ISR state while an AlterPartition is in flight (Kafka `Partition.scala`: `CommittedPartitionState`,
 * `PendingExpandIsr`, `PendingShrinkIsr`). `isr` is always the last committed ISR; `maximalIsr` is the set the high
 * watermark must wait for: a replica being added counts at once, a replica being removed still counts until the
 * controller commits its removal.
 */
describe("IsrState (Partition.scala PartitionState)", () => {
  it("committed: the ISR and the maximal ISR are the same, and each a copy of the list given", () => {
    // CommittedPartitionState.maximalIsr = isr.
    const given = ["broker-1", "broker-2"];
    const s = committedIsr(given);
    expect(s).toEqual({ kind: "committed", isr: ["broker-1", "broker-2"], maximalIsr: ["broker-1", "broker-2"] });
    given.push("broker-3");
    s.maximalIsr.push("broker-9");
    expect(s.isr).toEqual(["broker-1", "broker-2"]);
  });

  it("pending expand: the committed ISR stays, and the replica being added already counts in the maximal ISR", () => {
    // PendingExpandIsr: isr = lastCommittedState.isr; maximalIsr = isr + newInSyncReplicaId.
    const committed = committedIsr(["broker-1"]);
    const s = pendingExpand(committed, "broker-2");
    expect(s).toEqual({ kind: "pendingExpand", isr: ["broker-1"], maximalIsr: ["broker-1", "broker-2"], adding: "broker-2" });
    expect(committed.maximalIsr).toEqual(["broker-1"]);
  });

  it("pending shrink: the replicas being removed still count in the maximal ISR until the controller commits", () => {
    // PendingShrinkIsr: maximalIsr = isr: until the controller commits the shrink, the HW still waits for the
    // replica being removed (the controller may yet refuse the AlterPartition).
    const s = pendingShrink(committedIsr(["broker-1", "broker-2", "broker-3"]), ["broker-3"]);
    expect(s).toEqual({ kind: "pendingShrink", isr: ["broker-1", "broker-2", "broker-3"], maximalIsr: ["broker-1", "broker-2", "broker-3"], removing: ["broker-3"] });
  });
});

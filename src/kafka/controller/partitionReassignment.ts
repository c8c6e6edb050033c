import type { PartitionState } from "../metadata/records.js";
import { buildPartitionChange, mergePartitionChange, type PartitionChangeOptions } from "./partitionChangeBuilder.js";

/** The builder's options a reassignment takes from the controller: who may lead, min ISR, ELR. */
export type ReassignmentPolicy = Pick<PartitionChangeOptions, "isAcceptableLeader" | "minIsr" | "elrEnabled">;

/** Any broker may lead; min ISR 1; no ELR (for callers that only look at the replica sets). */
const ANY: ReassignmentPolicy = { isAcceptableLeader: () => true, minIsr: 1 };

/**
 * A reassignment's start (Kafka `ReplicationControlManager.changePartitionReassignment`, with
 * `PartitionReassignmentReplicas(current, target)`): removing = current − target, adding = target − current (in list
 * order where Kafka sorts by broker id), and the replica set while it moves = target then removing (so the target's
 * first replica is the preferred leader). As in Kafka, a new target while a move is in progress starts from the
 * current replicas, and an empty removing or adding set keeps the partition's own (the builder's targets default to
 * them). The leader and ISR stay; new replicas start fetching and join the ISR when they catch up. Returns the state
 * to record (`PartitionChangeBuilder.build`: completed at once when the target is already in the ISR, as a pure
 * removal or a revert is, with the leader epoch bumped when a replica leaves), or null when nothing changes.
 */
export function startReassignment(p: PartitionState, target: readonly string[], policy: ReassignmentPolicy = ANY): PartitionState | null {
  const removing = p.replicas.filter((r) => !target.includes(r));
  const adding = target.filter((r) => !p.replicas.includes(r));
  const replicas = [...target, ...removing];
  const record = buildPartitionChange(p, {
    ...policy,
    ...(same(replicas, p.replicas) ? {} : { targetReplicas: replicas }),
    ...(removing.length > 0 ? { targetRemoving: removing } : {}),
    ...(adding.length > 0 ? { targetAdding: adding } : {}),
  });
  return record ? mergePartitionChange(p, record) : null;
}

/** Whether a reassignment of this partition is in progress (`PartitionReassignmentReplicas.isReassignmentInProgress`). */
export function isReassigning(p: PartitionState): boolean {
  return p.addingReplicas !== undefined || p.removingReplicas !== undefined;
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

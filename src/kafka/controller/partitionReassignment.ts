import type { PartitionState } from "../metadata/records.js";

/**
 * A reassignment's start (Kafka `PartitionReassignmentReplicas(current, target)` as
 * `ReplicationControlManager.changePartitionReassignment` uses it): removing = current − target, adding = target −
 * current, and the replica set while it moves = target then removing (so the target's first replica is the
 * preferred leader). The leader and ISR stay; new replicas start fetching and join the ISR when they catch up.
 * A new target while one is in progress starts from the original replicas (the current ones without those being
 * added). Returns the state to record (partition epoch bumped), already completed when the target is in the ISR
 * (a pure removal), or null when the target is the current assignment.
 */
export function startReassignment(p: PartitionState, target: readonly string[]): PartitionState | null {
  const original = p.replicas.filter((r) => !(p.addingReplicas ?? []).includes(r));
  const removing = original.filter((r) => !target.includes(r));
  const adding = target.filter((r) => !original.includes(r));
  const replicas = [...target, ...removing];
  if (adding.length === 0 && removing.length === 0 && !p.addingReplicas && !p.removingReplicas && same(replicas, p.replicas)) return null;
  const next: PartitionState = { ...p, replicas, isr: p.isr.filter((r) => replicas.includes(r)), partitionEpoch: p.partitionEpoch + 1 };
  delete next.addingReplicas;
  delete next.removingReplicas;
  if (adding.length > 0) next.addingReplicas = adding;
  if (removing.length > 0) next.removingReplicas = removing;
  return completeReassignmentIfNeeded(p, next);
}

/**
 * `PartitionChangeBuilder.completeReassignmentIfNeeded` (`PartitionReassignmentReplicas.maybeCompleteReassignment`)
 * on a partition's next state `next` (whose ISR is the target ISR): once every target replica is in the ISR without
 * the removing ones, the replicas become the target, the removing replicas leave the ISR, and the reassignment
 * fields are cleared. Then, as `tryElection` does, a leader that was removed gives way to the first target replica
 * in the ISR, and `triggerLeaderEpochBumpForReplicaReassignmentIfNeeded` bumps the leader epoch when replicas were
 * removed (so their fetches are fenced). Returns `next` unchanged when it is not complete.
 */
export function completeReassignmentIfNeeded(p: PartitionState, next: PartitionState): PartitionState {
  const removing = next.removingReplicas ?? [];
  if (!next.addingReplicas && !next.removingReplicas) return next;
  const isr = next.isr.filter((r) => !removing.includes(r));
  const replicas = next.replicas.filter((r) => !removing.includes(r));
  if (isr.length === 0 || replicas.length === 0 || !replicas.every((r) => isr.includes(r))) return next;
  const done: PartitionState = { ...next, replicas, isr };
  delete done.addingReplicas;
  delete done.removingReplicas;
  if (done.leader !== null && !isr.includes(done.leader)) done.leader = replicas.find((r) => isr.includes(r)) ?? null;
  const removed = p.replicas.some((r) => !replicas.includes(r));
  if (done.leader !== p.leader || removed) done.leaderEpoch = p.leaderEpoch + 1;
  return done;
}

/** Whether a reassignment of this partition is in progress (`PartitionReassignmentReplicas.isReassignmentInProgress`). */
export function isReassigning(p: PartitionState): boolean {
  return p.addingReplicas !== undefined || p.removingReplicas !== undefined;
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Where a new partition's replicas go (a stand-in for Kafka's `StripedReplicaPlacer.place` with one rack, used at
 * topic creation and by CreatePartitions): partition `partition` takes `replicationFactor` brokers in turn from the
 * unfenced ones of the usable brokers (`usable`; ClusterControlManager.usableBrokers leaves out those whose controlled
 * shutdown the controller drives), starting at `partition` mod their count, so leaders spread; only when too few are
 * unfenced does it fill up with the fenced ones (`fenced`), as the placer uses a rack's fenced list only once its
 * unfenced list is exhausted. The first replica is always an unfenced broker (the caller picks the leader from the
 * active replicas).
 * Simplified: Kafka's placer starts its rotation at a random offset and strides over racks; the model's rotation
 * starts at broker 0, so with every broker usable partition p's replicas are brokers p, p+1, … (mod their count).
 * Returns the replicas (broker names), or the InvalidReplicationFactorException's message when they cannot be
 * placed, checked in StripedReplicaPlacer.place's order: `throwInvalidReplicationFactorIfNonPositive`,
 * `throwInvalidReplicationFactorIfZero` (no unfenced broker), `throwInvalidReplicationFactorIfTooFewBrokers`.
 */
export function placeReplicas(usable: readonly string[], fenced: readonly string[], partition: number, replicationFactor: number): string[] | { error: string } {
  if (replicationFactor <= 0) return { error: `Invalid replication factor ${replicationFactor}: the replication factor must be positive.` };
  if (usable.length === 0) return { error: "All brokers are currently fenced." };
  if (usable.length + fenced.length < replicationFactor)
    return { error: `The target replication factor of ${replicationFactor} cannot be reached because only ${usable.length + fenced.length} broker(s) are registered.` };
  const replicas: string[] = [];
  for (let i = 0; i < Math.min(replicationFactor, usable.length); i++) replicas.push(usable[(partition + i) % usable.length]);
  for (let i = 0; replicas.length < replicationFactor; i++) replicas.push(fenced[(partition + i) % fenced.length]);
  return replicas;
}

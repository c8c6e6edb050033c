import type { MetadataImage } from "../metadata/metadataImage.js";
import type { PartitionState } from "../metadata/records.js";

export interface ElectionPolicy {
  /** unclean.leader.election.enable for this topic. */
  uncleanAllowed: boolean;
}

/**
 * Builds a partition's next state when brokers come and go (Kafka `PartitionChangeBuilder`): shrink the ISR to
 * active brokers but never to empty (the last replica stays, "last replica standing" — KIP-966 motivation), keep a
 * valid leader, otherwise elect the first replica (in assignment order) that is in the ISR and active; with unclean
 * election allowed and no such replica, the first active replica becomes leader with ISR = [it].
 * `removed`: brokers to treat as gone although they are active (a broker whose session expired, one in controlled
 * shutdown: it may neither lead nor stay in an ISR).
 * Returns null when nothing changes. Leader changes bump the leader epoch; every change bumps the partition epoch.
 * Simplification: no ELR (KIP-966 eligible leader replicas; off by default in Kafka 4.0).
 */
export function nextPartitionState(p: PartitionState, image: MetadataImage, policy: ElectionPolicy, removed?: ReadonlySet<string>): PartitionState | null {
  const active = (b: string) => !removed?.has(b) && image.isActive(b);
  let isr = p.isr.filter(active);
  if (isr.length === 0) isr = p.isr.length > 0 ? [p.isr.includes(p.leader ?? "") ? p.leader! : p.isr[0]] : [];
  let leader = p.leader !== null && active(p.leader) && isr.includes(p.leader) ? p.leader : null;
  let unclean = false;
  if (leader === null) leader = p.replicas.find((r) => isr.includes(r) && active(r)) ?? null;
  if (leader === null && policy.uncleanAllowed) {
    leader = p.replicas.find(active) ?? null;
    if (leader !== null) {
      isr = [leader];
      unclean = true;
    }
  }
  const sameIsr = isr.length === p.isr.length && isr.every((b, i) => b === p.isr[i]);
  if (leader === p.leader && sameIsr) return null;
  return {
    ...p,
    isr,
    leader,
    leaderEpoch: leader !== p.leader || unclean ? p.leaderEpoch + 1 : p.leaderEpoch,
    partitionEpoch: p.partitionEpoch + 1,
  };
}

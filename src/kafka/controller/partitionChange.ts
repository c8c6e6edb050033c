import type { MetadataImage } from "../metadata/metadataImage.js";
import type { PartitionState } from "../metadata/records.js";
import { buildPartitionChange, mergePartitionChange } from "./partitionChangeBuilder.js";

export { targetElr, type ElrState } from "./partitionChangeBuilder.js";

export interface ElectionPolicy {
  /** unclean.leader.election.enable for this topic. */
  uncleanAllowed: boolean;
  /** KIP-966 ELR (the eligible.leader.replicas.version feature at 1). */
  elrEnabled: boolean;
  /** The topic's effective min.insync.replicas: min(its setting, the replication factor). */
  minIsr: number;
  /**
   * PartitionChangeBuilder.Election.PREFERRED (the leader balancing of auto.leader.rebalance.enable): the preferred
   * replica leads if it is a valid new leader, else as Election.ONLINE. Never unclean.
   */
  preferred?: boolean;
}

/** Whether the partition is led by its preferred replica, the first in its replica list (PartitionRegistration.hasPreferredLeader). */
export function hasPreferredLeader(p: PartitionState): boolean {
  return p.replicas.length > 0 && p.leader === p.replicas[0];
}

/**
 * A partition's next state when brokers come and go (Kafka `ReplicationControlManager.generateLeaderAndIsrUpdates`
 * building a `PartitionChangeBuilder`, here `buildPartitionChange`): the target ISR is the active members of the
 * ISR (without `removed` — brokers to treat as gone although they are active: one whose session expired, one in
 * controlled shutdown; they may neither lead nor stay in an ISR — and `uncleanShutdown`, one that came back from an
 * unclean shutdown); the election is UNCLEAN where the policy allows it, else ONLINE; acceptable leaders are the
 * active brokers. Without ELR the ISR never becomes empty ("last replica standing", KIP-966's motivation). Kafka
 * removes one broker per call; kafkasim may remove several at once, and when that would empty the ISR without ELR
 * it keeps the leader (else the first ISR member), where Kafka keeps the one removed last. Returns null when nothing
 * changes; a leader change bumps the leader epoch, every change the partition epoch. With `policy.preferred` the
 * election is PREFERRED (the balance check of auto.leader.rebalance.enable): the first replica leads when it is a
 * valid new leader, ahead of a valid current leader; never unclean.
 */
export function nextPartitionState(p: PartitionState, image: MetadataImage, policy: ElectionPolicy, removed?: ReadonlySet<string>, uncleanShutdown?: string): PartitionState | null {
  const active = (b: string) => !removed?.has(b) && b !== uncleanShutdown && image.isActive(b);
  let targetIsr = p.isr.filter(active);
  if (!policy.elrEnabled && targetIsr.length === 0 && p.isr.length > 1) targetIsr = [p.isr.includes(p.leader ?? "") ? p.leader! : p.isr[0]];
  const record = buildPartitionChange(p, {
    isAcceptableLeader: active,
    minIsr: policy.minIsr,
    elrEnabled: policy.elrEnabled,
    election: policy.preferred ? "PREFERRED" : policy.uncleanAllowed ? "UNCLEAN" : "ONLINE",
    targetIsr,
    ...(uncleanShutdown !== undefined ? { uncleanShutdownReplicas: [uncleanShutdown] } : {}),
  });
  return record ? mergePartitionChange(p, record) : null;
}

import type { MetadataImage } from "../metadata/metadataImage.js";
import type { PartitionState } from "../metadata/records.js";

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

/** The ELR fields after an ISR change, as `PartitionChangeBuilder.maybePopulateTargetElr` computes them. */
export interface ElrState {
  elr: string[];
  lastKnownElr: string[];
}

/**
 * `PartitionChangeBuilder.maybePopulateTargetElr` (KIP-966): with the target ISR at or above min ISR, ELR and
 * last known ELR are cleared; below it, ELR = (current ELR ∪ current ISR) minus the target ISR minus a replica that
 * shut down uncleanly, and the last known ELR collects the others that are in neither. Order: the replica list's.
 */
export function targetElr(p: PartitionState, targetIsr: readonly string[], minIsr: number, uncleanShutdown?: string): ElrState {
  if (targetIsr.length >= minIsr) return { elr: [], lastKnownElr: [] };
  const candidates = new Set([...(p.elr ?? []), ...p.isr]);
  const elr = p.replicas.filter((r) => candidates.has(r) && !targetIsr.includes(r) && r !== uncleanShutdown);
  for (const r of p.lastKnownElr ?? []) candidates.add(r);
  const lastKnownElr = p.replicas.filter((r) => candidates.has(r) && !targetIsr.includes(r) && !elr.includes(r));
  return { elr, lastKnownElr };
}

const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) => {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/**
 * Builds a partition's next state when brokers come and go (Kafka `PartitionChangeBuilder.build`, as
 * `ReplicationControlManager.generateLeaderAndIsrUpdates` calls it): the target ISR is the active members of the
 * ISR (without `removed` — brokers to treat as gone although they are active: one whose session expired, one in
 * controlled shutdown; they may neither lead nor stay in an ISR — and `uncleanShutdown`, one that came back from an
 * unclean shutdown). Without ELR the ISR never becomes empty: the last replica stays ("last replica standing", KIP-966's
 * motivation). With ELR (`policy.elrEnabled`) the ISR may become empty, the ELR keeps the replicas that left it
 * while it was below min ISR, and a leader may come from the ELR when the ISR is empty (`isValidNewLeader`); it
 * then becomes the ISR alone and leaves the ELR (`tryElection`). The current leader stays if still valid, else the
 * first valid replica in assignment order; with unclean election allowed and none valid, the first active replica
 * leads with ISR = [it] and the ELR is cleared. Not modelled: the last-known-leader election of balanced recovery
 * (off by default in Kafka). With `policy.preferred` (Election.PREFERRED) the first replica is elected when valid
 * (in the target ISR, or in the ELR when that is empty, and active: registered, unfenced, not `removed`), ahead of
 * a valid current leader. Returns null when nothing changes. Leader changes bump the leader epoch; every change
 * bumps the partition epoch.
 */
export function nextPartitionState(p: PartitionState, image: MetadataImage, policy: ElectionPolicy, removed?: ReadonlySet<string>, uncleanShutdown?: string): PartitionState | null {
  const active = (b: string) => !removed?.has(b) && b !== uncleanShutdown && image.isActive(b);
  let isr = p.isr.filter(active);
  let elr: ElrState = { elr: [], lastKnownElr: [] };
  if (policy.elrEnabled) elr = targetElr(p, isr, policy.minIsr, uncleanShutdown);
  else if (isr.length === 0) isr = p.isr.length > 0 ? [p.isr.includes(p.leader ?? "") ? p.leader! : p.isr[0]] : [];
  const valid = (r: string) => (isr.includes(r) || (isr.length === 0 && elr.elr.includes(r))) && active(r);
  // electPreferredLeader tries the first replica before the current leader; electAnyLeader keeps a valid leader.
  const preferred = policy.preferred && p.replicas.length > 0 && valid(p.replicas[0]) ? p.replicas[0] : null;
  let leader = preferred ?? (p.leader !== null && valid(p.leader) ? p.leader : (p.replicas.find(valid) ?? null));
  let unclean = false;
  if (leader !== null && leader !== p.leader && !isr.includes(leader)) {
    // Elected from the ELR: it becomes the ISR alone and leaves the ELR.
    isr = [leader];
    elr = { elr: elr.elr.filter((r) => r !== leader), lastKnownElr: elr.lastKnownElr };
  }
  if (leader === null && policy.uncleanAllowed && !policy.preferred) {
    leader = p.replicas.find(active) ?? null;
    if (leader !== null) {
      isr = [leader];
      unclean = true;
      elr = { elr: [], lastKnownElr: [] }; // maybeUpdateRecordElr: an unclean election clears the ELR
    }
  }
  if (leader === p.leader && same(isr, p.isr) && same(elr.elr, p.elr) && same(elr.lastKnownElr, p.lastKnownElr)) return null;
  const next: PartitionState = {
    ...p,
    isr,
    leader,
    leaderEpoch: leader !== p.leader || unclean ? p.leaderEpoch + 1 : p.leaderEpoch,
    partitionEpoch: p.partitionEpoch + 1,
  };
  delete next.elr;
  delete next.lastKnownElr;
  if (elr.elr.length > 0) next.elr = elr.elr;
  if (elr.lastKnownElr.length > 0) next.lastKnownElr = elr.lastKnownElr;
  return next;
}

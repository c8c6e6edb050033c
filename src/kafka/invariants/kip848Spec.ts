import type { TraceRecord } from "../../sim/index.js";
import type { Invariant } from "./invariant.js";

/**
 * Properties of the KIP-848 consumer group protocol from Jack Vanlightly's TLA+ specification (kafka-tlaplus,
 * `groupprotocol/consumer_group_protocol_kip_848_v2.tla`), over the group coordinator's traces: target assignments
 * (`group-coordinator.target-assignment`), each member's reconciled state (`group-coordinator.member-reconciled`:
 * epoch, state, assigned and still-revoking partitions) and members leaving (`member-removed`,
 * `static-member-replaced`, and a coordinator loading the group afresh).
 */
interface MemberView {
  epoch: number;
  state: string;
  assigned: string[];
  revoking: string[];
}

interface GroupView {
  targetEpoch: number;
  target: Map<string, string[]>;
  members: Map<string, MemberView>;
}

/**
 * Each coordinator's view of each KIP-848 group, rebuilt from its traces. Views are kept per coordinator (the
 * broker that traced them): when leadership of a `__consumer_offsets` partition moves while the old coordinator is
 * paused, the old one may still trace state changes on waking whose records it can no longer write (Kafka's
 * CoordinatorRuntime reverts them when the append fails and answers no client with them); the spec's properties are
 * about one coordinator's state, so records of two coordinators are never mixed. `converged` reads the view of the
 * coordinator that loaded the group last.
 */
export class Kip848GroupViews {
  private readonly views = new Map<string, GroupView>();
  /** groupId → the broker whose view is the group's current one (the last to load it, or the first to trace it). */
  private readonly current = new Map<string, string>();
  static readonly TYPES = ["group-coordinator.target-assignment", "group-coordinator.member-reconciled", "group-coordinator.member-removed", "group-coordinator.static-member-replaced", "group-coordinator.loaded"];

  /** The view of `groupId` held by `coordinator` (default: the group's current coordinator). */
  of(groupId: string, coordinator = this.current.get(groupId) ?? ""): GroupView {
    const key = `${coordinator}\u0000${groupId}`;
    let g = this.views.get(key);
    if (!g) this.views.set(key, (g = { targetEpoch: -1, target: new Map(), members: new Map() }));
    return g;
  }

  /** Applies a record; returns the view (of the coordinator that traced it) it changed, if any. */
  apply(r: TraceRecord): GroupView | null {
    const d = r.data as Record<string, unknown> | undefined;
    if (!d || typeof d.groupId !== "string") return null;
    if (r.type === "group-coordinator.loaded") {
      // A coordinator (re)loaded the group from its log: what it traced before says nothing of its members now.
      this.views.delete(`${r.actor}\u0000${d.groupId}`);
      this.current.set(d.groupId, r.actor);
      return null;
    }
    if (!this.current.has(d.groupId)) this.current.set(d.groupId, r.actor);
    const g = this.of(d.groupId, r.actor);
    switch (r.type) {
      case "group-coordinator.target-assignment":
        g.targetEpoch = d.epoch as number;
        g.target = new Map(Object.entries(d.assignment as Record<string, string[]>));
        return g;
      case "group-coordinator.member-reconciled":
        g.members.set(d.memberId as string, { epoch: d.memberEpoch as number, state: d.state as string, assigned: d.assigned as string[], revoking: d.revoking as string[] });
        return g;
      case "group-coordinator.member-removed":
        g.members.delete(d.memberId as string);
        return g;
      case "group-coordinator.static-member-replaced":
        g.members.delete(d.oldMemberId as string);
        return g;
    }
    return null;
  }

  /**
   * The spec's `Converged` predicate for a group: every member is STABLE at the target assignment's epoch, holds
   * exactly its target partitions and has nothing left to revoke. (The spec's liveness property EventuallyConverges
   * asks that this becomes true once perturbations stop: for a run's liveness phase.)
   */
  converged(groupId: string): boolean {
    const coordinator = this.current.get(groupId);
    if (coordinator === undefined) return true;
    const g = this.of(groupId, coordinator);
    for (const [id, m] of g.members) {
      const target = [...(g.target.get(id) ?? [])].sort().join(",");
      if (m.state !== "STABLE" || m.epoch !== g.targetEpoch || m.revoking.length > 0 || [...m.assigned].sort().join(",") !== target) return false;
    }
    return true;
  }
}

const at = (t: number) => `${(t / 1e6).toFixed(3)}s`;

/**
 * NoDoubleClientAssignment ("the most important safety property: no two clients, which are current group members,
 * can both believe they are assigned the same partition"), on the coordinator's side: no partition is both in one
 * member's assigned-or-still-revoking set and in another's. KIP-848 gives a partition to its new owner only after
 * the old one revoked it (UNRELEASED_PARTITIONS until then).
 */
export function kip848NoDoubleAssignment(): Invariant {
  const views = new Kip848GroupViews();
  return {
    name: "Kip848NoDoubleAssignment",
    types: Kip848GroupViews.TYPES,
    observe(r, v) {
      const g = views.apply(r);
      if (!g || r.type !== "group-coordinator.member-reconciled") return;
      const d = r.data as { groupId: string; memberId: string };
      const mine = g.members.get(d.memberId)!;
      const held = new Set([...mine.assigned, ...mine.revoking]);
      for (const [other, m] of g.members) {
        if (other === d.memberId) continue;
        const both = [...m.assigned, ...m.revoking].filter((tp) => held.has(tp));
        if (both.length > 0) v.push(`Kip848NoDoubleAssignment: group ${d.groupId} at ${at(r.t)}: ${d.memberId} and ${other} both hold ${both.join(",")}`);
      }
    },
  };
}

/**
 * LegalTargetAssignment (its "cannot assign any partition twice" half): a target assignment gives each partition
 * to at most one member. (Its other half, every subscribed partition assigned, needs the subscriptions, which are
 * not traced.)
 */
export function kip848LegalTargetAssignment(): Invariant {
  return {
    name: "Kip848LegalTargetAssignment",
    types: ["group-coordinator.target-assignment"],
    observe(r, v) {
      const d = r.data as { groupId: string; epoch: number; assignment: Record<string, string[]> };
      const owner = new Map<string, string>();
      for (const [member, tps] of Object.entries(d.assignment))
        for (const tp of tps) {
          const first = owner.get(tp);
          if (first !== undefined) v.push(`Kip848LegalTargetAssignment: group ${d.groupId} target epoch ${d.epoch} at ${at(r.t)} gives ${tp} to both ${first} and ${member}`);
          else owner.set(tp, member);
        }
    },
  };
}

/**
 * ValidMemberEpoch: "A member cannot have reached the target epoch if it has partitions that are assigned to
 * another member": a member at the target assignment's epoch holds none of another member's target partitions.
 */
export function kip848ValidMemberEpoch(): Invariant {
  const views = new Kip848GroupViews();
  return {
    name: "Kip848ValidMemberEpoch",
    types: Kip848GroupViews.TYPES,
    observe(r, v) {
      const g = views.apply(r);
      if (!g || r.type !== "group-coordinator.member-reconciled") return;
      const d = r.data as { groupId: string; memberId: string; memberEpoch: number; assigned: string[] };
      if (d.memberEpoch !== g.targetEpoch) return;
      for (const [other, tps] of g.target) {
        if (other === d.memberId) continue;
        const theirs = d.assigned.filter((tp) => tps.includes(tp));
        if (theirs.length > 0) v.push(`Kip848ValidMemberEpoch: group ${d.groupId} at ${at(r.t)}: ${d.memberId} reached target epoch ${g.targetEpoch} holding ${theirs.join(",")}, which the target gives ${other}`);
      }
    },
  };
}

export function kip848SpecInvariants(): Invariant[] {
  return [kip848NoDoubleAssignment(), kip848LegalTargetAssignment(), kip848ValidMemberEpoch()];
}

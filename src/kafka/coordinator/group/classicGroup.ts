import type { ConnectionId } from "../../../sim/index.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { GroupProtocol, Subscription } from "../../protocol/groupMessages.js";
import type { StoredMember } from "../offsetLog.js";

/**
 * A classic consumer group as the coordinator holds it (Kafka `group-coordinator/.../classic/ClassicGroup.java`,
 * `ClassicGroupMember.java`, `ClassicGroupState.java`; kafka-facts §5.4). Pure state: the coordinator drives it.
 */
export type ClassicGroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

/** ClassicGroupState.validPreviousStates. */
const VALID_PREVIOUS: Record<ClassicGroupState, readonly ClassicGroupState[]> = {
  Empty: ["PreparingRebalance"],
  PreparingRebalance: ["Stable", "CompletingRebalance", "Empty"],
  CompletingRebalance: ["PreparingRebalance"],
  Stable: ["CompletingRebalance"],
  Dead: ["Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead"],
};

/** A parked JoinGroup or SyncGroup: who to answer, on which connection, under which correlation id. */
export interface Parked {
  from: string;
  conn: ConnectionId;
  correlationId: number;
}

/** A member: what the GroupMetadata record keeps of it, and the coordinator's live bookkeeping. */
export interface ClassicGroupMember extends StoredMember {
  awaitingJoin: Parked | null;
  awaitingSync: Parked | null;
  /** Joined in the current rebalance and has not had a JoinGroup answer yet. */
  isNew: boolean;
  /** Session deadline (simulated µs): the member is removed if no heartbeat arrives by then. */
  deadlineUs: number;
}

export class ClassicGroup {
  state: ClassicGroupState = "Empty";
  /**
   * When the group entered its current state (ms; ClassicGroup.currentStateTimestamp, kept in the GroupMetadata
   * record): an Empty group's offsets expire offsets.retention.minutes after it (KIP-211). Null until a transition.
   */
  currentStateTimestampMs: number | null = null;
  /** "consumer" once a member joined (ClassicGroup.add); null for a group only used to store offsets (`assign()`). */
  protocolType: "consumer" | null = null;
  generationId = 0;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicGroupMember>();
  /** Dynamic members given an id by MEMBER_ID_REQUIRED, not yet rejoined with it: id → deadline µs. */
  readonly pendingMembers = new Map<string, number>();
  /** group.instance.id → member id (KIP-345). */
  readonly staticMembers = new Map<string, string>();
  /** Members that have not sent SyncGroup for this generation (Kafka's pendingSyncMembers). */
  readonly pendingSync = new Set<string>();
  /** In the group.initial.rebalance.delay.ms phase of a rebalance (InitialDelayedJoin cannot complete early). */
  initialDelay = false;
  newMemberAdded = false;
  /** Bumped at each rebalance start, so a stale join or sync timer does nothing. */
  rebalanceToken = 0;

  constructor(readonly groupId: string) {}

  /** ClassicGroup.transitionTo at `nowMs` (ms); throws on a transition Kafka's validPreviousStates refuses. */
  transitionTo(next: ClassicGroupState, nowMs: number): void {
    if (!VALID_PREVIOUS[next].includes(this.state)) throw new Error(`group ${this.groupId}: illegal transition ${this.state} → ${next}`);
    this.state = next;
    this.currentStateTimestampMs = nowMs;
  }

  add(member: ClassicGroupMember): void {
    if (this.members.size === 0) this.protocolType = "consumer";
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
  }

  remove(memberId: string): ClassicGroupMember | undefined {
    const m = this.members.get(memberId);
    if (!m) return undefined;
    this.members.delete(memberId);
    this.pendingSync.delete(memberId);
    if (m.groupInstanceId !== null && this.staticMembers.get(m.groupInstanceId) === memberId) this.staticMembers.delete(m.groupInstanceId);
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    return m;
  }

  /** ClassicGroup.replaceStaticMember: the instance keeps its assignment under a new member id. */
  replaceStaticMember(instanceId: string, oldId: string, newId: string): ClassicGroupMember {
    const m = this.members.get(oldId)!;
    this.members.delete(oldId);
    this.pendingSync.delete(oldId);
    m.memberId = newId;
    this.members.set(newId, m);
    this.staticMembers.set(instanceId, newId);
    if (this.leaderId === oldId) this.leaderId = newId;
    return m;
  }

  /** ClassicGroup.isStaticMemberFenced: the instance id is registered to another member id. */
  isFenced(memberId: string, instanceId: string | null): boolean {
    if (instanceId === null) return false;
    const registered = this.staticMembers.get(instanceId);
    return registered !== undefined && registered !== memberId;
  }

  /** ClassicGroup.validateMember: FENCED_INSTANCE_ID or UNKNOWN_MEMBER_ID, or null when the member is current. */
  validateMember(memberId: string, instanceId: string | null): ErrorName | null {
    if (instanceId !== null) {
      const registered = this.staticMembers.get(instanceId);
      if (registered === undefined) return "UNKNOWN_MEMBER_ID";
      if (registered !== memberId) return "FENCED_INSTANCE_ID";
      return null;
    }
    return this.members.has(memberId) ? null : "UNKNOWN_MEMBER_ID";
  }

  /**
   * ClassicGroup.validateOffsetCommit, shared by OffsetCommit and TxnOffsetCommit (KIP-447). Kafka
   * `core/.../group/GroupCoordinator.scala` validateOffsetCommit.
   */
  validateOffsetCommit(generationId: number, memberId: string, instanceId: string | null, transactional: boolean): ErrorName | null {
    if (this.state === "Dead") return "COORDINATOR_NOT_AVAILABLE";
    // Generation -1 from the admin client or an assign()-mode consumer: allowed while the group is empty.
    if (generationId < 0 && this.state === "Empty") return null;
    if (generationId >= 0 || memberId !== "" || instanceId !== null) {
      const invalid = this.validateMember(memberId, instanceId);
      if (invalid) return invalid;
      return generationId !== this.generationId ? "ILLEGAL_GENERATION" : null;
    }
    // A non-empty group takes offsets only from members (transactional commits of old clients excepted).
    return !transactional && this.state !== "Empty" ? "UNKNOWN_MEMBER_ID" : null;
  }

  /** Protocols every member supports (ClassicGroup.candidateProtocols), in the first member's preference order. */
  candidateProtocols(): string[] {
    const all = [...this.members.values()];
    if (all.length === 0) return [];
    return all[0].protocols.map((p) => p.name).filter((n) => all.every((m) => m.protocols.some((p) => p.name === n)));
  }

  /** ClassicGroup.supportsProtocols: a (re)joining member must share a protocol with the others. */
  supportsProtocols(protocols: GroupProtocol[], exceptMember?: string): boolean {
    const others = [...this.members.values()].filter((m) => m.memberId !== exceptMember);
    if (others.length === 0) return protocols.length > 0;
    return protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  /**
   * ClassicGroup.selectProtocol: each member votes for its most preferred candidate; most votes wins (a tie: the
   * first candidate, where Kafka's HashMap order decides). Throws on an empty group, as Kafka's IllegalStateException.
   */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error(`group ${this.groupId}: Cannot select protocol for empty group (no members)`);
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => votes.has(p.name))!.name;
      votes.set(choice, votes.get(choice)! + 1);
    }
    let best = candidates[0];
    for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c;
    return best;
  }

  subscriptionOf(m: ClassicGroupMember): Subscription {
    return (m.protocols.find((p) => p.name === this.protocolName) ?? m.protocols[0]).metadata;
  }

  /** The rebalance timeout is the largest of the members' (ClassicGroup.rebalanceTimeoutMs). */
  rebalanceTimeoutMs(): number {
    let t = 0;
    for (const m of this.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
    return t;
  }

  /** ClassicGroup.hasAllMembersJoined. */
  hasAllMembersJoined(): boolean {
    for (const m of this.members.values()) if (m.awaitingJoin === null) return false;
    return this.pendingMembers.size === 0;
  }

  /** Same protocols in the same order (ClassicGroupMember.matches). */
  static sameProtocols(a: GroupProtocol[], b: GroupProtocol[]): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
  }
}

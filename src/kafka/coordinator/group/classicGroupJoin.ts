import type { ActorContext, ConnectionId, Timer } from "../../../sim/index.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { JoinGroupRequest, JoinGroupResponse, SyncGroupResponse, TopicPartitionRef } from "../../protocol/groupMessages.js";
import { ClassicGroup, type ClassicGroupMember, type Parked } from "./classicGroup.js";

/** What joining needs from the classic group manager it runs in. */
export interface ClassicJoinHost {
  ctx: ActorContext;
  /** group.initial.rebalance.delay.ms, group.min.session.timeout.ms, group.max.session.timeout.ms. */
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.max.size (default Integer.MAX_VALUE, GroupMetadataManager.Builder's): the most members a group takes. */
  classicGroupMaxSize?: number;
  /** The classic groups of this coordinator, by id. */
  groups: Map<string, ClassicGroup>;
  isCoordinatorFor(groupId: string): boolean;
  /** Whether the group id is a KIP-848 consumer group with members (a classic member may not join it). */
  isConsumerGroup(groupId: string): boolean;
  /** (Re)starts a member's session timeout. */
  scheduleSession(g: ClassicGroup, m: ClassicGroupMember, timeoutMs?: number): void;
  /** Writes the group's GroupMetadata record (with the assignment given, else the members' own). */
  storeGroup(g: ClassicGroup, done: (error: ErrorName) => void, assignment?: Map<string, TopicPartitionRef[]>): void;
  /** A new generation waits for its members' SyncGroup, for at most the rebalance timeout. */
  awaitSync(g: ClassicGroup): void;
}

/** GroupCoordinator.NewMemberJoinTimeoutMs: how long a new member's first JoinGroup may wait. */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

/** The JoinGroupResponse (one place builds it): unset fields are a failed join's. */
export function sendJoinResponse(ctx: ActorContext, to: Parked, r: Partial<JoinGroupResponse> & { error: ErrorName }): void {
  ctx.write(to.conn, { type: "JoinGroupResponse", correlationId: to.correlationId, generationId: -1, protocolName: null, leader: "", memberId: "", members: [], ...r } satisfies JoinGroupResponse);
}

/** The SyncGroupResponse (one place builds it). */
export function sendSyncResponse(ctx: ActorContext, to: Parked, error: ErrorName, assignment: TopicPartitionRef[]): void {
  ctx.write(to.conn, { type: "SyncGroupResponse", correlationId: to.correlationId, error, assignment } satisfies SyncGroupResponse);
}

/**
 * Joining a classic group and rebalancing it (Kafka GroupMetadataManager `classicGroupJoin`, `prepareRebalance`,
 * `completeClassicGroupJoin`): JoinGroup with MEMBER_ID_REQUIRED (KIP-394), static members taking over their
 * registration (KIP-345), the initial-rebalance delay, and a join that completes when every member has rejoined or
 * the rebalance timeout fires, starting the next generation.
 */
export class ClassicGroupJoin {
  private memberSeq = 0;
  private readonly remainingDelay = new Map<string, number>();
  /** KIP-394: a new member given an id must join with it within its session timeout. */
  private readonly pendingMemberTimeout: Timer<{ group: string; member: string }>;
  /** The initial-rebalance delay, or the rebalance timeout, of one rebalance (its token). */
  private readonly joinTimeout: Timer<{ group: string; token: number }>;

  constructor(private readonly host: ClassicJoinHost) {
    this.pendingMemberTimeout = host.ctx.timer(({ group, member }) => {
      const g = this.host.groups.get(group);
      if (!g) return;
      const deadline = g.pendingMembers.get(member);
      if (deadline === undefined || this.ctx.nowUs < deadline) return;
      g.pendingMembers.delete(member);
      this.ctx.trace("group-coordinator.pending-member-expired", { groupId: g.groupId, memberId: member });
      this.tryCompleteJoin(g);
    });
    this.joinTimeout = host.ctx.timer(({ group, token }) => {
      const g = this.host.groups.get(group);
      if (g) this.onJoinTimer(g, token);
    });
  }

  private get ctx(): ActorContext {
    return this.host.ctx;
  }

  /** The JoinGroup answer for a member of the current generation (the leader also gets the members). */
  joinResult(g: ClassicGroup, m: ClassicGroupMember): Partial<JoinGroupResponse> & { error: ErrorName } {
    const leader = g.leaderId === m.memberId;
    return {
      error: "NONE",
      generationId: g.generationId,
      protocolName: g.protocolName,
      leader: g.leaderId ?? "",
      memberId: m.memberId,
      members: leader ? [...g.members.values()].map((x) => ({ memberId: x.memberId, groupInstanceId: x.groupInstanceId, metadata: g.subscriptionOf(x) })) : [],
    };
  }

  // ---- JoinGroup (GroupMetadataManager.classicGroupJoin) ----

  handleJoinGroup(from: string, req: JoinGroupRequest, conn: ConnectionId): void {
    const parked: Parked = { from, conn, correlationId: req.correlationId };
    if (!this.host.isCoordinatorFor(req.groupId)) return sendJoinResponse(this.ctx, parked, { error: "NOT_COORDINATOR" });
    if (this.host.isConsumerGroup(req.groupId)) return sendJoinResponse(this.ctx, parked, { error: "INCONSISTENT_GROUP_PROTOCOL", memberId: req.memberId });
    if (req.sessionTimeoutMs < this.host.minSessionTimeoutMs || req.sessionTimeoutMs > this.host.maxSessionTimeoutMs) return sendJoinResponse(this.ctx, parked, { error: "INVALID_SESSION_TIMEOUT", memberId: req.memberId });
    let g = this.host.groups.get(req.groupId);
    if (!g) {
      if (req.memberId !== "") return sendJoinResponse(this.ctx, parked, { error: "UNKNOWN_MEMBER_ID", memberId: req.memberId });
      this.host.groups.set(req.groupId, (g = new ClassicGroup(req.groupId)));
    }
    // GroupMetadataManager.classicGroupJoinToClassicGroup: a member the group has no room for is removed (a pending
    // one too) and told GROUP_MAX_SIZE_REACHED with no member id; the rebalance goes on without it.
    if (!this.acceptJoiningMember(g, req.memberId)) {
      g.remove(req.memberId);
      g.pendingMembers.delete(req.memberId);
      this.ctx.trace("group-coordinator.group-max-size-reached", { groupId: g.groupId, memberId: req.memberId, state: g.state, members: g.members.size, maxSize: this.maxSize });
      return sendJoinResponse(this.ctx, parked, { error: "GROUP_MAX_SIZE_REACHED", memberId: "" });
    }
    if (g.state === "Dead") return sendJoinResponse(this.ctx, parked, { error: "COORDINATOR_NOT_AVAILABLE", memberId: req.memberId });
    if (!g.supportsProtocols(req.protocols, req.memberId || undefined) && !(g.members.size === 1 && g.members.has(req.memberId)))
      return sendJoinResponse(this.ctx, parked, { error: "INCONSISTENT_GROUP_PROTOCOL", memberId: req.memberId });
    if (req.memberId === "") this.joinUnknownMember(g, parked, req);
    else this.joinKnownMember(g, parked, req);
    if (g.state === "PreparingRebalance") this.tryCompleteJoin(g);
  }

  private get maxSize(): number {
    return this.host.classicGroupMaxSize ?? 2147483647;
  }

  /**
   * GroupMetadataManager.acceptJoiningMember (group.max.size): an Empty or Dead group takes anyone; one preparing a
   * rebalance takes a member already awaiting its join, or anyone while fewer than group.max.size members await
   * theirs (so the last members to rejoin a group that has grown too big, the limit lowered, are the ones left out);
   * a CompletingRebalance or Stable group takes its members, and others while it has fewer than group.max.size.
   */
  private acceptJoiningMember(g: ClassicGroup, memberId: string): boolean {
    const m = memberId === "" ? undefined : g.members.get(memberId);
    switch (g.state) {
      case "Empty":
      case "Dead":
        return true;
      case "PreparingRebalance": {
        let awaiting = 0;
        for (const x of g.members.values()) if (x.awaitingJoin !== null) awaiting++;
        return (m !== undefined && m.awaitingJoin !== null) || awaiting < this.maxSize;
      }
      case "CompletingRebalance":
      case "Stable":
        return m !== undefined || g.members.size < this.maxSize;
    }
  }

  private newMemberId(from: string): string {
    // Kafka: clientId + "-" + UUID. Deterministic here: the broker incarnation and a counter keep ids unique.
    return `${from}-${this.ctx.name}.${this.ctx.incarnation}-${++this.memberSeq}`;
  }

  private joinUnknownMember(g: ClassicGroup, parked: Parked, req: JoinGroupRequest): void {
    const memberId = this.newMemberId(parked.from);
    if (req.groupInstanceId !== null) {
      const oldId = g.staticMembers.get(req.groupInstanceId);
      if (oldId !== undefined) return this.rejoinStaticMember(g, parked, req, oldId, memberId);
      return this.addMemberAndRebalance(g, parked, req, memberId);
    }
    // KIP-394: a new dynamic member first gets its id, and must join again with it within the session timeout.
    g.pendingMembers.set(memberId, this.ctx.nowUs + req.sessionTimeoutMs * 1000);
    this.pendingMemberTimeout.set(req.sessionTimeoutMs, { group: g.groupId, member: memberId });
    sendJoinResponse(this.ctx, parked, { error: "MEMBER_ID_REQUIRED", memberId });
  }

  /**
   * GroupMetadataManager.updateStaticMemberAndRebalance: a known instance rejoining with a new member id takes over
   * its registration (the old id is fenced at once). In a Stable group with the same protocols it gets its old
   * assignment back without a rebalance (KIP-345).
   */
  private rejoinStaticMember(g: ClassicGroup, parked: Parked, req: JoinGroupRequest, oldId: string, newId: string): void {
    const old = g.members.get(oldId)!;
    if (old.awaitingJoin) sendJoinResponse(this.ctx, old.awaitingJoin, { error: "FENCED_INSTANCE_ID", memberId: oldId });
    if (old.awaitingSync) sendSyncResponse(this.ctx, old.awaitingSync, "FENCED_INSTANCE_ID", []);
    old.awaitingJoin = old.awaitingSync = null;
    const sameProtocols = ClassicGroup.sameProtocols(old.protocols.map((p) => ({ ...p, metadata: { ...p.metadata, ownedPartitions: [], generationId: -1 } })), req.protocols.map((p) => ({ ...p, metadata: { ...p.metadata, ownedPartitions: [], generationId: -1 } })));
    const m = g.replaceStaticMember(req.groupInstanceId!, oldId, newId);
    m.protocols = req.protocols;
    m.sessionTimeoutMs = req.sessionTimeoutMs;
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    m.clientId = parked.from;
    this.host.scheduleSession(g, m);
    this.ctx.trace("group-coordinator.static-member-replaced", { groupId: g.groupId, groupInstanceId: req.groupInstanceId, oldMemberId: oldId, memberId: newId, state: g.state });
    if (g.state === "Stable" && sameProtocols) {
      // Persist the new member id, then answer with the current generation: no rebalance.
      return this.host.storeGroup(g, (error) => {
        if (error !== "NONE") return sendJoinResponse(this.ctx, parked, { error, memberId: newId });
        const cur = g.members.get(newId);
        if (cur) sendJoinResponse(this.ctx, parked, { ...this.joinResult(g, cur), members: [] });
      });
    }
    m.awaitingJoin = parked;
    if (g.state === "Stable" || g.state === "CompletingRebalance") this.prepareRebalance(g, `static member ${req.groupInstanceId} rejoined with new metadata`);
  }

  private addMemberAndRebalance(g: ClassicGroup, parked: Parked, req: JoinGroupRequest, memberId: string): void {
    const m: ClassicGroupMember = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: parked.from,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      assignment: [],
      awaitingJoin: parked,
      awaitingSync: null,
      isNew: true,
      deadlineUs: 0,
    };
    if (g.state === "PreparingRebalance" && g.generationId === 0) g.newMemberAdded = true;
    g.add(m);
    // A new member cannot heartbeat until its JoinGroup is answered: it gets NewMemberJoinTimeoutMs (5 minutes).
    this.host.scheduleSession(g, m, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.ctx.trace("group-coordinator.member-added", { groupId: g.groupId, memberId, groupInstanceId: req.groupInstanceId, client: parked.from });
    if (g.state === "Stable" || g.state === "CompletingRebalance" || g.state === "Empty") this.prepareRebalance(g, `adding new member ${memberId}`);
  }

  private joinKnownMember(g: ClassicGroup, parked: Parked, req: JoinGroupRequest): void {
    if (g.pendingMembers.has(req.memberId)) {
      g.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(g, parked, req, req.memberId);
    }
    if (g.isFenced(req.memberId, req.groupInstanceId)) return sendJoinResponse(this.ctx, parked, { error: "FENCED_INSTANCE_ID", memberId: req.memberId });
    const m = g.members.get(req.memberId);
    if (!m || g.state === "Empty" || g.state === "Dead") return sendJoinResponse(this.ctx, parked, { error: "UNKNOWN_MEMBER_ID", memberId: req.memberId });
    const changed = !ClassicGroup.sameProtocols(m.protocols, req.protocols);
    const update = () => {
      if (m.awaitingJoin && (m.awaitingJoin.conn !== parked.conn || m.awaitingJoin.correlationId !== parked.correlationId)) sendJoinResponse(this.ctx, m.awaitingJoin, { error: "UNKNOWN_MEMBER_ID", memberId: m.memberId });
      m.protocols = req.protocols;
      m.sessionTimeoutMs = req.sessionTimeoutMs;
      m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
      m.awaitingJoin = parked;
    };
    switch (g.state) {
      case "PreparingRebalance":
        update();
        return;
      case "CompletingRebalance":
        // The member missed the JoinGroup answer: same metadata → answer again; else start over.
        if (!changed) return sendJoinResponse(this.ctx, parked, this.joinResult(g, m));
        update();
        return this.prepareRebalance(g, `member ${m.memberId} rejoined with new metadata during CompletingRebalance`);
      case "Stable":
        if (g.leaderId === m.memberId || changed) {
          update();
          return this.prepareRebalance(g, g.leaderId === m.memberId ? `leader ${m.memberId} rejoined` : `member ${m.memberId} rejoined with new metadata`);
        }
        return sendJoinResponse(this.ctx, parked, this.joinResult(g, m));
    }
  }

  /** GroupMetadataManager.prepareRebalance. */
  prepareRebalance(g: ClassicGroup, reason: string): void {
    if (g.state === "CompletingRebalance") {
      // resetAndPropagateAssignmentWithError: members parked in SyncGroup learn of the new rebalance.
      for (const m of g.members.values()) {
        m.assignment = [];
        if (m.awaitingSync) sendSyncResponse(this.ctx, m.awaitingSync, "REBALANCE_IN_PROGRESS", []);
        m.awaitingSync = null;
      }
    }
    g.pendingSync.clear();
    const token = ++g.rebalanceToken;
    const wasEmpty = g.state === "Empty";
    g.transitionTo("PreparingRebalance", this.ctx.nowMs);
    if (wasEmpty) {
      // InitialDelayedJoin: wait group.initial.rebalance.delay.ms for more members, up to the rebalance timeout.
      g.initialDelay = true;
      g.newMemberAdded = false;
      const delay = Math.min(this.host.initialRebalanceDelayMs, g.rebalanceTimeoutMs());
      this.joinTimeout.set(delay, { group: g.groupId, token });
      this.remainingDelay.set(g.groupId, Math.max(g.rebalanceTimeoutMs() - delay, 0));
    } else {
      g.initialDelay = false;
      this.joinTimeout.set(g.rebalanceTimeoutMs(), { group: g.groupId, token });
    }
    this.ctx.trace("group-coordinator.prepare-rebalance", { groupId: g.groupId, generationId: g.generationId, reason, members: g.members.size });
  }

  tryCompleteJoin(g: ClassicGroup): void {
    if (g.state === "PreparingRebalance" && !g.initialDelay && g.hasAllMembersJoined()) this.completeJoin(g);
  }

  private onJoinTimer(g: ClassicGroup, token: number): void {
    if (g.state !== "PreparingRebalance" || token !== g.rebalanceToken) return;
    if (g.initialDelay) {
      const remaining = this.remainingDelay.get(g.groupId) ?? 0;
      if (g.newMemberAdded && remaining > 0) {
        // A member arrived during the delay: wait another delay, within what is left of the rebalance timeout.
        g.newMemberAdded = false;
        const delay = Math.min(this.host.initialRebalanceDelayMs, remaining);
        this.remainingDelay.set(g.groupId, Math.max(remaining - delay, 0));
        this.joinTimeout.set(delay, { group: g.groupId, token });
        return;
      }
      g.initialDelay = false;
    }
    this.completeJoin(g);
  }

  /** GroupMetadataManager.completeClassicGroupJoin: the next generation, with whoever rejoined. */
  private completeJoin(g: ClassicGroup): void {
    // Dynamic members that did not rejoin in time are removed; static ones keep their place (KIP-345).
    for (const m of [...g.members.values()])
      if (m.awaitingJoin === null && m.groupInstanceId === null) {
        g.remove(m.memberId);
        this.ctx.trace("group-coordinator.member-removed", { groupId: g.groupId, memberId: m.memberId, reason: "did not rejoin before the rebalance timeout" });
      }
    if (g.leaderId !== null && g.members.get(g.leaderId)?.awaitingJoin === null) {
      const joined = [...g.members.values()].find((m) => m.awaitingJoin !== null);
      if (joined) g.leaderId = joined.memberId;
    }
    g.generationId++;
    if (g.members.size === 0) {
      g.protocolName = null;
      g.transitionTo("Empty", this.ctx.nowMs); // initNextGeneration of a group nobody rejoined
      this.ctx.trace("group-coordinator.generation", { groupId: g.groupId, generationId: g.generationId, state: "Empty", members: [] });
      this.host.storeGroup(g, () => {});
      return;
    }
    g.protocolName = g.selectProtocol();
    g.transitionTo("CompletingRebalance", this.ctx.nowMs);
    this.ctx.trace("group-coordinator.generation", { groupId: g.groupId, generationId: g.generationId, state: g.state, protocol: g.protocolName, leader: g.leaderId, members: [...g.members.keys()] });
    for (const m of g.members.values()) {
      g.pendingSync.add(m.memberId);
      if (m.awaitingJoin) sendJoinResponse(this.ctx, m.awaitingJoin, this.joinResult(g, m));
      m.awaitingJoin = null;
      m.isNew = false;
      this.host.scheduleSession(g, m);
    }
    // Members that never send SyncGroup are removed after the rebalance timeout (Kafka's pending-sync timeout).
    this.host.awaitSync(g);
  }
}

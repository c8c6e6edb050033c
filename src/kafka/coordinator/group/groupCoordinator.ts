import type { ActorContext } from "../../../sim/index.js";
import type { Partition } from "../../broker/partition.js";
import type { ErrorName } from "../../protocol/errors.js";
import type {
  ConsumerGroupHeartbeatRequest,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  SyncGroupRequest,
  SyncGroupResponse,
  TopicPartitionRef,
} from "../../protocol/groupMessages.js";
import type { OffsetEntry, OffsetFetchRequest, OffsetFetchResponse, TxnOffsetCommitRequest, TxnOffsetCommitResponse } from "../../protocol/transactionMessages.js";
import { NO_SEQUENCE, type RecordBatch } from "../../log/recordBatch.js";
import { encodeGroup, encodeOffsets, offsetsPartitionFor, replayOffsets, type StoredConsumerGroup, type StoredGroup } from "../offsetLog.js";
import { ClassicGroup, type ClassicGroupMember, type Parked } from "./classicGroup.js";
import { ConsumerGroupCoordinator, type ConsumerGroupSettings, type ConsumerGroupTimer } from "./consumerGroupCoordinator.js";

export interface GroupCoordinatorHost {
  ctx: ActorContext;
  /** KIP-848 settings (group.consumer.*). */
  consumerGroups: ConsumerGroupSettings;
  /** A topic's partition count from the broker's metadata. */
  partitionCount(topic: string): number | undefined;
  numPartitions: number;
  /** This broker's replica of a `__consumer_offsets` partition. */
  logPartition(index: number): Partition | undefined;
  /** group.initial.rebalance.delay.ms, group.min.session.timeout.ms, group.max.session.timeout.ms. */
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
}

export type GroupTimer =
  | ConsumerGroupTimer
  | { t: "group-session"; group: string; member: string }
  | { t: "group-pending"; group: string; member: string }
  | { t: "group-join"; group: string; token: number }
  | { t: "group-sync"; group: string; token: number };

/** GroupCoordinator.NewMemberJoinTimeoutMs: how long a new member's first JoinGroup may wait. */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

/** offsets.commit.timeout.ms (GroupCoordinatorConfig default 5000): how long an offsets append waits for acks=all. */
const COMMIT_TIMEOUT_MS = 5000;

/**
 * The group coordinator of a broker for the classic protocol: one `ClassicGroup` per group whose `__consumer_offsets`
 * partition this broker leads, loaded from that partition's log when leadership arrives and dropped when it leaves.
 * Follows Kafka's GroupCoordinator.scala / GroupMetadataManager.java (classic groups): JoinGroup with MEMBER_ID_REQUIRED,
 * the initial-rebalance delay, parked joins completed when every member has rejoined or the rebalance timeout fires,
 * SyncGroup stored as a GroupMetadata record before Stable, session expiry, static membership (KIP-345), and offset
 * commits validated against the generation (also for TxnOffsetCommit, KIP-447). KIP-848 groups on the same
 * partitions are handled by its `ConsumerGroupCoordinator`; offsets are shared.
 * Simplified: group metadata and offsets are JSON records; no group.max.size, offset expiry or tombstones; loading
 * is instantaneous (no COORDINATOR_LOAD_IN_PROGRESS window).
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private memberSeq = 0;
  /** KIP-848 groups (group.protocol=consumer), kept apart from classic ones. */
  readonly consumerGroups: ConsumerGroupCoordinator;

  constructor(private readonly host: GroupCoordinatorHost) {
    this.consumerGroups = new ConsumerGroupCoordinator({
      ctx: host.ctx,
      settings: host.consumerGroups,
      isCoordinatorFor: (groupId) => this.leaderPartition(groupId) !== null,
      partitionCount: (topic) => host.partitionCount(topic),
      store: (groupId, record, done) => this.writeGroupRecord(groupId, record, done),
    });
  }

  handleConsumerGroupHeartbeat(from: string, req: ConsumerGroupHeartbeatRequest): void {
    const classic = this.groups.get(req.groupId);
    if (classic && classic.state !== "Empty" && classic.state !== "Dead") {
      // Simplified: no online migration between the protocols; a live classic group is not a consumer group.
      return this.ctx.send(from, { type: "ConsumerGroupHeartbeatResponse", correlationId: req.correlationId, error: "GROUP_ID_NOT_FOUND", memberId: req.memberId, memberEpoch: -1, heartbeatIntervalMs: this.host.consumerGroups.heartbeatIntervalMs, assignment: null });
    }
    this.consumerGroups.handleHeartbeat(from, req);
  }

  private get ctx(): ActorContext {
    return this.host.ctx;
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.host.numPartitions);
  }

  private leaderPartition(groupId: string): Partition | null {
    const p = this.host.logPartition(this.partitionFor(groupId));
    return p && p.role === "leader" ? p : null;
  }

  /** For tests and reports: a group's state as `kafka-consumer-groups --describe --state` would show it. */
  describe(groupId: string): { state: string; generationId: number; protocol: string | null; leader: string | null; members: { memberId: string; groupInstanceId: string | null; assignment: TopicPartitionRef[] }[] } | null {
    const g = this.groups.get(groupId);
    if (!g) return null;
    return { state: g.state, generationId: g.generationId, protocol: g.protocolName, leader: g.leaderId, members: [...g.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, assignment: m.assignment })) };
  }

  // ---- loading and unloading (GroupCoordinator.onElection / onResignation) ----

  /** This broker now leads `__consumer_offsets` partition `index`: load its groups from the log. */
  onBecomeLeader(index: number): void {
    const p = this.host.logPartition(index);
    if (!p) return;
    for (const [groupId, g] of [...this.groups]) if (this.partitionFor(groupId) === index) this.unload(g);
    for (const groupId of [...this.consumerGroups.groups.keys()]) if (this.partitionFor(groupId) === index) this.consumerGroups.unload(groupId);
    // Kafka 4's coordinator replays the whole log; what it serves is what is below the HW.
    const state = replayOffsets(p.log.batches, Infinity);
    for (const [groupId, stored] of state.groups) {
      if (stored.kind === "consumer-group") {
        this.consumerGroups.load(groupId, stored);
        this.ctx.trace("group-coordinator.loaded", { groupId, partition: index, groupEpoch: stored.groupEpoch, protocol: "consumer", members: stored.members.length });
        continue;
      }
      const g = new ClassicGroup(groupId);
      g.generationId = stored.generationId;
      g.protocolName = stored.protocolName;
      for (const m of stored.members) g.add({ ...m, awaitingJoin: null, awaitingSync: null, isNew: false, deadlineUs: 0 });
      g.leaderId = stored.leader;
      g.state = g.members.size > 0 ? "Stable" : "Empty";
      this.groups.set(groupId, g);
      for (const m of g.members.values()) this.scheduleSession(g, m);
      this.ctx.trace("group-coordinator.loaded", { groupId, partition: index, generationId: g.generationId, state: g.state, members: g.members.size });
    }
  }

  onResign(index: number): void {
    for (const [groupId, g] of [...this.groups]) if (this.partitionFor(groupId) === index) this.unload(g);
    for (const groupId of [...this.consumerGroups.groups.keys()]) if (this.partitionFor(groupId) === index) this.consumerGroups.unload(groupId);
  }

  /** GroupCoordinator.onGroupUnloaded: parked requests learn the coordinator moved. */
  private unload(g: ClassicGroup): void {
    for (const m of g.members.values()) {
      if (m.awaitingJoin) this.answerJoin(m.awaitingJoin, { error: "NOT_COORDINATOR", memberId: m.memberId });
      if (m.awaitingSync) this.answerSync(m.awaitingSync, "NOT_COORDINATOR", []);
      m.awaitingJoin = m.awaitingSync = null;
    }
    g.state = "Dead";
    this.groups.delete(g.groupId);
    this.ctx.trace("group-coordinator.unloaded", { groupId: g.groupId, generationId: g.generationId });
  }

  // ---- answers ----

  private answerJoin(to: Parked, r: Partial<JoinGroupResponse> & { error: ErrorName }): void {
    this.ctx.send(to.from, { type: "JoinGroupResponse", correlationId: to.correlationId, generationId: -1, protocolName: null, leader: "", memberId: "", members: [], ...r } satisfies JoinGroupResponse);
  }

  private answerSync(to: Parked, error: ErrorName, assignment: TopicPartitionRef[]): void {
    this.ctx.send(to.from, { type: "SyncGroupResponse", correlationId: to.correlationId, error, assignment } satisfies SyncGroupResponse);
  }

  /** The JoinGroup answer for a member of the current generation (the leader also gets the members). */
  private joinResult(g: ClassicGroup, m: ClassicGroupMember): Partial<JoinGroupResponse> & { error: ErrorName } {
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

  handleJoinGroup(from: string, req: JoinGroupRequest): void {
    const parked: Parked = { from, correlationId: req.correlationId };
    if (!this.leaderPartition(req.groupId)) return this.answerJoin(parked, { error: "NOT_COORDINATOR" });
    if (this.consumerGroups.groups.get(req.groupId)?.members.size) return this.answerJoin(parked, { error: "INCONSISTENT_GROUP_PROTOCOL", memberId: req.memberId });
    if (req.sessionTimeoutMs < this.host.minSessionTimeoutMs || req.sessionTimeoutMs > this.host.maxSessionTimeoutMs) return this.answerJoin(parked, { error: "INVALID_SESSION_TIMEOUT", memberId: req.memberId });
    let g = this.groups.get(req.groupId);
    if (!g) {
      if (req.memberId !== "") return this.answerJoin(parked, { error: "UNKNOWN_MEMBER_ID", memberId: req.memberId });
      this.groups.set(req.groupId, (g = new ClassicGroup(req.groupId)));
    }
    if (g.state === "Dead") return this.answerJoin(parked, { error: "COORDINATOR_NOT_AVAILABLE", memberId: req.memberId });
    if (!g.supportsProtocols(req.protocols, req.memberId || undefined) && !(g.members.size === 1 && g.members.has(req.memberId)))
      return this.answerJoin(parked, { error: "INCONSISTENT_GROUP_PROTOCOL", memberId: req.memberId });
    if (req.memberId === "") this.joinUnknownMember(g, parked, req);
    else this.joinKnownMember(g, parked, req);
    if (g.state === "PreparingRebalance") this.tryCompleteJoin(g);
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
    this.ctx.setTimer(req.sessionTimeoutMs, { t: "group-pending", group: g.groupId, member: memberId } satisfies GroupTimer);
    this.answerJoin(parked, { error: "MEMBER_ID_REQUIRED", memberId });
  }

  /**
   * GroupMetadataManager.updateStaticMemberAndRebalance: a known instance rejoining with a new member id takes over
   * its registration (the old id is fenced at once). In a Stable group with the same protocols it gets its old
   * assignment back without a rebalance (KIP-345).
   */
  private rejoinStaticMember(g: ClassicGroup, parked: Parked, req: JoinGroupRequest, oldId: string, newId: string): void {
    const old = g.members.get(oldId)!;
    if (old.awaitingJoin) this.answerJoin(old.awaitingJoin, { error: "FENCED_INSTANCE_ID", memberId: oldId });
    if (old.awaitingSync) this.answerSync(old.awaitingSync, "FENCED_INSTANCE_ID", []);
    old.awaitingJoin = old.awaitingSync = null;
    const sameProtocols = ClassicGroup.sameProtocols(old.protocols.map((p) => ({ ...p, metadata: { ...p.metadata, ownedPartitions: [], generationId: -1 } })), req.protocols.map((p) => ({ ...p, metadata: { ...p.metadata, ownedPartitions: [], generationId: -1 } })));
    const m = g.replaceStaticMember(req.groupInstanceId!, oldId, newId);
    m.protocols = req.protocols;
    m.sessionTimeoutMs = req.sessionTimeoutMs;
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    m.clientId = parked.from;
    this.scheduleSession(g, m);
    this.ctx.trace("group-coordinator.static-member-replaced", { groupId: g.groupId, groupInstanceId: req.groupInstanceId, oldMemberId: oldId, memberId: newId, state: g.state });
    if (g.state === "Stable" && sameProtocols) {
      // Persist the new member id, then answer with the current generation: no rebalance.
      return this.storeGroup(g, (error) => {
        if (error !== "NONE") return this.answerJoin(parked, { error, memberId: newId });
        const cur = g.members.get(newId);
        if (cur) this.answerJoin(parked, { ...this.joinResult(g, cur), members: [] });
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
    this.scheduleSession(g, m, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.ctx.trace("group-coordinator.member-added", { groupId: g.groupId, memberId, groupInstanceId: req.groupInstanceId, client: parked.from });
    if (g.state === "Stable" || g.state === "CompletingRebalance" || g.state === "Empty") this.prepareRebalance(g, `adding new member ${memberId}`);
  }

  private joinKnownMember(g: ClassicGroup, parked: Parked, req: JoinGroupRequest): void {
    if (g.pendingMembers.has(req.memberId)) {
      g.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(g, parked, req, req.memberId);
    }
    if (g.isFenced(req.memberId, req.groupInstanceId)) return this.answerJoin(parked, { error: "FENCED_INSTANCE_ID", memberId: req.memberId });
    const m = g.members.get(req.memberId);
    if (!m || g.state === "Empty" || g.state === "Dead") return this.answerJoin(parked, { error: "UNKNOWN_MEMBER_ID", memberId: req.memberId });
    const changed = !ClassicGroup.sameProtocols(m.protocols, req.protocols);
    const update = () => {
      if (m.awaitingJoin && (m.awaitingJoin.from !== parked.from || m.awaitingJoin.correlationId !== parked.correlationId)) this.answerJoin(m.awaitingJoin, { error: "UNKNOWN_MEMBER_ID", memberId: m.memberId });
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
        if (!changed) return this.answerJoin(parked, this.joinResult(g, m));
        update();
        return this.prepareRebalance(g, `member ${m.memberId} rejoined with new metadata during CompletingRebalance`);
      case "Stable":
        if (g.leaderId === m.memberId || changed) {
          update();
          return this.prepareRebalance(g, g.leaderId === m.memberId ? `leader ${m.memberId} rejoined` : `member ${m.memberId} rejoined with new metadata`);
        }
        return this.answerJoin(parked, this.joinResult(g, m));
    }
  }

  /** GroupMetadataManager.prepareRebalance. */
  private prepareRebalance(g: ClassicGroup, reason: string): void {
    if (g.state === "CompletingRebalance") {
      // resetAndPropagateAssignmentWithError: members parked in SyncGroup learn of the new rebalance.
      for (const m of g.members.values()) {
        m.assignment = [];
        if (m.awaitingSync) this.answerSync(m.awaitingSync, "REBALANCE_IN_PROGRESS", []);
        m.awaitingSync = null;
      }
    }
    g.pendingSync.clear();
    const token = ++g.rebalanceToken;
    const wasEmpty = g.state === "Empty";
    g.transitionTo("PreparingRebalance");
    if (wasEmpty) {
      // InitialDelayedJoin: wait group.initial.rebalance.delay.ms for more members, up to the rebalance timeout.
      g.initialDelay = true;
      g.newMemberAdded = false;
      const delay = Math.min(this.host.initialRebalanceDelayMs, g.rebalanceTimeoutMs());
      this.ctx.setTimer(delay, { t: "group-join", group: g.groupId, token } satisfies GroupTimer);
      this.remainingDelay.set(g.groupId, Math.max(g.rebalanceTimeoutMs() - delay, 0));
    } else {
      g.initialDelay = false;
      this.ctx.setTimer(g.rebalanceTimeoutMs(), { t: "group-join", group: g.groupId, token } satisfies GroupTimer);
    }
    this.ctx.trace("group-coordinator.prepare-rebalance", { groupId: g.groupId, generationId: g.generationId, reason, members: g.members.size });
  }

  private readonly remainingDelay = new Map<string, number>();

  private tryCompleteJoin(g: ClassicGroup): void {
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
        this.ctx.setTimer(delay, { t: "group-join", group: g.groupId, token } satisfies GroupTimer);
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
      g.transitionTo("Empty"); // initNextGeneration of a group nobody rejoined
      this.ctx.trace("group-coordinator.generation", { groupId: g.groupId, generationId: g.generationId, state: "Empty", members: [] });
      this.storeGroup(g, () => {});
      return;
    }
    g.protocolName = g.selectProtocol();
    g.transitionTo("CompletingRebalance");
    this.ctx.trace("group-coordinator.generation", { groupId: g.groupId, generationId: g.generationId, state: g.state, protocol: g.protocolName, leader: g.leaderId, members: [...g.members.keys()] });
    for (const m of g.members.values()) {
      g.pendingSync.add(m.memberId);
      if (m.awaitingJoin) this.answerJoin(m.awaitingJoin, this.joinResult(g, m));
      m.awaitingJoin = null;
      m.isNew = false;
      this.scheduleSession(g, m);
    }
    // Members that never send SyncGroup are removed after the rebalance timeout (Kafka's pending-sync timeout).
    this.ctx.setTimer(g.rebalanceTimeoutMs(), { t: "group-sync", group: g.groupId, token: g.rebalanceToken } satisfies GroupTimer);
  }

  // ---- SyncGroup ----

  handleSyncGroup(from: string, req: SyncGroupRequest): void {
    const parked: Parked = { from, correlationId: req.correlationId };
    if (!this.leaderPartition(req.groupId)) return this.answerSync(parked, "NOT_COORDINATOR", []);
    const g = this.groups.get(req.groupId);
    if (!g) return this.answerSync(parked, "UNKNOWN_MEMBER_ID", []);
    if (g.state === "Dead") return this.answerSync(parked, "COORDINATOR_NOT_AVAILABLE", []);
    const invalid = g.validateMember(req.memberId, req.groupInstanceId);
    if (invalid) return this.answerSync(parked, invalid, []);
    if (req.generationId !== g.generationId) return this.answerSync(parked, "ILLEGAL_GENERATION", []);
    const m = g.members.get(req.memberId)!;
    switch (g.state) {
      case "Empty":
        return this.answerSync(parked, "UNKNOWN_MEMBER_ID", []);
      case "PreparingRebalance":
        return this.answerSync(parked, "REBALANCE_IN_PROGRESS", []);
      case "Stable":
        g.pendingSync.delete(m.memberId);
        return this.answerSync(parked, "NONE", m.assignment);
      case "CompletingRebalance": {
        m.awaitingSync = parked;
        g.pendingSync.delete(m.memberId);
        if (g.leaderId !== m.memberId) return;
        const assignment = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
        const generation = g.generationId;
        this.ctx.trace("group-coordinator.assignment-received", { groupId: g.groupId, generationId: generation, leader: m.memberId });
        this.storeGroup(g, (error) => {
          // Another member may have joined meanwhile: only the same generation, still completing, goes Stable.
          if (g.state !== "CompletingRebalance" || g.generationId !== generation) return;
          if (error !== "NONE") {
            for (const x of g.members.values()) {
              x.assignment = [];
              if (x.awaitingSync) this.answerSync(x.awaitingSync, error, []);
              x.awaitingSync = null;
            }
            return this.prepareRebalance(g, `error ${error} storing the assignment`);
          }
          for (const x of g.members.values()) {
            x.assignment = assignment.get(x.memberId) ?? [];
            if (x.awaitingSync) {
              this.answerSync(x.awaitingSync, "NONE", x.assignment);
              x.awaitingSync = null;
              this.scheduleSession(g, x);
            }
          }
          g.transitionTo("Stable");
          this.ctx.trace("group-coordinator.stable", { groupId: g.groupId, generationId: g.generationId, assignment: Object.fromEntries([...g.members.values()].map((x) => [x.memberId, x.assignment.map((t) => `${t.topic}-${t.partition}`)])) });
        }, assignment);
        return;
      }
    }
  }

  // ---- Heartbeat, LeaveGroup ----

  handleHeartbeat(from: string, req: HeartbeatRequest): void {
    const reply = (error: ErrorName) => this.ctx.send(from, { type: "HeartbeatResponse", correlationId: req.correlationId, error } satisfies HeartbeatResponse);
    if (!this.leaderPartition(req.groupId)) return reply("NOT_COORDINATOR");
    const g = this.groups.get(req.groupId);
    if (!g) return reply("UNKNOWN_MEMBER_ID");
    if (g.state === "Dead") return reply("COORDINATOR_NOT_AVAILABLE");
    const invalid = g.validateMember(req.memberId, req.groupInstanceId);
    if (invalid) return reply(invalid);
    if (req.generationId !== g.generationId) return reply("ILLEGAL_GENERATION");
    const m = g.members.get(req.memberId)!;
    switch (g.state) {
      case "Empty":
        return reply("UNKNOWN_MEMBER_ID");
      case "PreparingRebalance":
        this.scheduleSession(g, m);
        return reply("REBALANCE_IN_PROGRESS");
      default:
        // CompletingRebalance as Stable: members heartbeat after their JoinGroup answer (GroupMetadataManager).
        this.scheduleSession(g, m);
        return reply("NONE");
    }
  }

  handleLeaveGroup(from: string, req: LeaveGroupRequest): void {
    const reply = (error: ErrorName) => this.ctx.send(from, { type: "LeaveGroupResponse", correlationId: req.correlationId, error } satisfies LeaveGroupResponse);
    if (!this.leaderPartition(req.groupId)) return reply("NOT_COORDINATOR");
    const g = this.groups.get(req.groupId);
    if (!g) return reply("UNKNOWN_MEMBER_ID");
    if (g.state === "Dead") return reply("COORDINATOR_NOT_AVAILABLE");
    if (req.groupInstanceId === null && g.pendingMembers.delete(req.memberId)) {
      this.tryCompleteJoin(g);
      return reply("NONE");
    }
    let memberId = req.memberId;
    if (req.groupInstanceId !== null) {
      const registered = g.staticMembers.get(req.groupInstanceId);
      if (registered === undefined) return reply("UNKNOWN_MEMBER_ID");
      // An admin removal names only the instance; a member leaving must be the registered one.
      if (memberId !== "" && registered !== memberId) return reply("FENCED_INSTANCE_ID");
      memberId = registered;
    }
    if (!g.members.has(memberId)) return reply("UNKNOWN_MEMBER_ID");
    this.removeMemberAndUpdateGroup(g, memberId, "the member left the group (LeaveGroup)");
    reply("NONE");
  }

  /** GroupMetadataManager.removeMemberAndUpdateClassicGroup. */
  private removeMemberAndUpdateGroup(g: ClassicGroup, memberId: string, reason: string): void {
    const m = g.remove(memberId);
    if (!m) return;
    if (m.awaitingJoin) this.answerJoin(m.awaitingJoin, { error: "UNKNOWN_MEMBER_ID", memberId });
    if (m.awaitingSync) this.answerSync(m.awaitingSync, "UNKNOWN_MEMBER_ID", []);
    this.ctx.trace("group-coordinator.member-removed", { groupId: g.groupId, memberId, groupInstanceId: m.groupInstanceId, reason });
    if (g.state === "Stable" || g.state === "CompletingRebalance") this.prepareRebalance(g, `removing member ${memberId}: ${reason}`);
    else if (g.state === "PreparingRebalance") this.tryCompleteJoin(g);
  }

  // ---- session expiry ----

  private scheduleSession(g: ClassicGroup, m: ClassicGroupMember, timeoutMs = m.sessionTimeoutMs): void {
    m.deadlineUs = this.ctx.nowUs + timeoutMs * 1000;
    this.ctx.setTimer(timeoutMs, { t: "group-session", group: g.groupId, member: m.memberId } satisfies GroupTimer);
  }

  private onSessionTimer(g: ClassicGroup, memberId: string): void {
    const m = g.members.get(memberId);
    if (!m || this.ctx.nowUs < m.deadlineUs) return; // a later heartbeat moved the deadline; its own timer is armed
    // ClassicGroupMember.shouldKeepAlive: a member parked in JoinGroup or SyncGroup is waiting on us, not dead.
    if ((m.awaitingJoin && !m.isNew) || m.awaitingSync) return this.scheduleSession(g, m);
    this.ctx.trace("group-coordinator.session-expired", { groupId: g.groupId, memberId, groupInstanceId: m.groupInstanceId, sessionTimeoutMs: m.sessionTimeoutMs });
    this.removeMemberAndUpdateGroup(g, memberId, `session timeout (${m.sessionTimeoutMs}ms) expired`);
  }

  onTimer(tag: GroupTimer): void {
    if (this.consumerGroups.isTimer(tag)) return this.consumerGroups.onTimer(tag);
    const g = this.groups.get(tag.group);
    if (!g) return;
    switch (tag.t) {
      case "group-session":
        return this.onSessionTimer(g, tag.member);
      case "group-pending": {
        const deadline = g.pendingMembers.get(tag.member);
        if (deadline === undefined || this.ctx.nowUs < deadline) return;
        g.pendingMembers.delete(tag.member);
        this.ctx.trace("group-coordinator.pending-member-expired", { groupId: g.groupId, memberId: tag.member });
        return this.tryCompleteJoin(g);
      }
      case "group-join":
        return this.onJoinTimer(g, tag.token);
      case "group-sync":
        if (g.state !== "CompletingRebalance" || tag.token !== g.rebalanceToken || g.pendingSync.size === 0) return;
        for (const id of [...g.pendingSync]) {
          g.remove(id);
          this.ctx.trace("group-coordinator.member-removed", { groupId: g.groupId, memberId: id, reason: "no SyncGroup within the rebalance timeout" });
        }
        return this.prepareRebalance(g, "members did not sync in time");
    }
  }

  isGroupTimer(tag: { t?: string }): tag is GroupTimer {
    return tag.t === "group-session" || tag.t === "group-pending" || tag.t === "group-join" || tag.t === "group-sync" || this.consumerGroups.isTimer(tag);
  }

  // ---- persistence ----

  /** Appends a GroupMetadata record (GroupCoordinatorRecordHelpers.newGroupMetadataRecord) with acks=all. */
  private storeGroup(g: ClassicGroup, done: (error: ErrorName) => void, assignment?: Map<string, TopicPartitionRef[]>): void {
    const stored: StoredGroup = {
      kind: "group",
      generationId: g.generationId,
      protocolName: g.protocolName,
      leader: g.leaderId,
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        sessionTimeoutMs: m.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        protocols: m.protocols,
        assignment: assignment ? (assignment.get(m.memberId) ?? []) : m.assignment,
      })),
    };
    this.writeGroupRecord(g.groupId, stored, done);
  }

  /** A group record (classic or KIP-848) into the group's partition; errors as the client should see them. */
  private writeGroupRecord(groupId: string, record: StoredGroup | StoredConsumerGroup, done: (error: ErrorName) => void): void {
    const p = this.leaderPartition(groupId);
    if (!p) return done("NOT_COORDINATOR");
    this.append(p, groupId, encodeGroup(record), null, (error) => done(appendError(error)));
  }

  private append(p: Partition, key: string, value: string, txn: { producerId: number; producerEpoch: number } | null, done: (error: ErrorName) => void): void {
    const batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch"> = {
      producerId: txn?.producerId ?? -1,
      producerEpoch: txn?.producerEpoch ?? -1,
      baseSequence: NO_SEQUENCE, // a coordinator's write: never deduplicated (AppendOrigin.COORDINATOR)
      isTransactional: txn !== null,
      isControl: false,
      records: [{ key, value }],
      sizeBytes: 120,
    };
    p.appendRecordsToLeader(batch, -1, COMMIT_TIMEOUT_MS, -1, this.ctx.name, done);
  }

  // ---- offsets ----

  /** GroupCoordinator.handleCommitOffsets (classic groups). */
  handleOffsetCommit(from: string, req: OffsetCommitRequest): void {
    const reply = (error: ErrorName) => this.ctx.send(from, { type: "OffsetCommitResponse", correlationId: req.correlationId, error } satisfies OffsetCommitResponse);
    const p = this.leaderPartition(req.groupId);
    if (!p) return reply("NOT_COORDINATOR");
    const modern = this.consumerGroups.groups.get(req.groupId);
    if (modern) {
      const invalid = modern.validateOffsetCommit(req.memberId, req.generationId);
      if (invalid) return this.traceCommit(req, invalid, reply);
      return this.append(p, req.groupId, encodeOffsets(req.offsets), null, (error) => this.traceCommit(req, storeOffsetsError(error), reply));
    }
    let g = this.groups.get(req.groupId);
    if (!g) {
      // Only a commit outside group management may create the group.
      if (req.generationId >= 0) return reply("ILLEGAL_GENERATION");
      this.groups.set(req.groupId, (g = new ClassicGroup(req.groupId)));
    }
    const invalid = g.validateOffsetCommit(req.generationId, req.memberId, req.groupInstanceId, false);
    if (invalid) return this.traceCommit(req, invalid, reply);
    // A commit of the previous generation is allowed while preparing; not before the new assignment is known.
    if (g.state === "CompletingRebalance") return this.traceCommit(req, "REBALANCE_IN_PROGRESS", reply);
    const m = g.members.get(req.memberId);
    if (m && (g.state === "Stable" || g.state === "PreparingRebalance")) this.scheduleSession(g, m);
    this.append(p, req.groupId, encodeOffsets(req.offsets), null, (error) => this.traceCommit(req, storeOffsetsError(error), reply));
  }

  private traceCommit(req: OffsetCommitRequest, error: ErrorName, reply: (e: ErrorName) => void): void {
    this.ctx.trace("group-coordinator.offset-commit", { groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, offsets: req.offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`), error });
    reply(error);
  }

  /**
   * TxnOffsetCommit: the offsets go into the group's partition as a transactional batch of the producer, so they
   * become committed with its commit marker and vanish with an abort (KIP-98); the generation check is the one
   * OffsetCommit makes, which fences a zombie that lost its partitions in a rebalance (KIP-447).
   */
  handleTxnOffsetCommit(from: string, req: TxnOffsetCommitRequest): void {
    const reply = (error: ErrorName) => this.ctx.send(from, { type: "TxnOffsetCommitResponse", correlationId: req.correlationId, error } satisfies TxnOffsetCommitResponse);
    const p = this.leaderPartition(req.groupId);
    if (!p) return reply("NOT_COORDINATOR");
    const modern = this.consumerGroups.groups.get(req.groupId);
    let g = this.groups.get(req.groupId);
    if (!g && !modern) this.groups.set(req.groupId, (g = new ClassicGroup(req.groupId)));
    const trace = (error: ErrorName) =>
      this.ctx.trace("group-coordinator.txn-offset-commit", { groupId: req.groupId, producerId: req.producerId, producerEpoch: req.producerEpoch, generationId: req.generationId, memberId: req.memberId, offsets: req.offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`), error });
    // KIP-447 fencing: a classic group checks the generation, a consumer group the member epoch (STALE_MEMBER_EPOCH).
    const invalid = modern ? modern.validateOffsetCommit(req.memberId, req.generationId) : g!.validateOffsetCommit(req.generationId, req.memberId, req.groupInstanceId ?? null, true);
    if (invalid) {
      trace(invalid);
      return reply(invalid);
    }
    this.append(p, req.groupId, encodeOffsets(req.offsets), { producerId: req.producerId, producerEpoch: req.producerEpoch }, (error) => {
      trace(error);
      reply(error === "INVALID_PRODUCER_EPOCH" ? "PRODUCER_FENCED" : storeOffsetsError(error));
    });
  }

  handleOffsetFetch(from: string, req: OffsetFetchRequest): void {
    const reply = (error: ErrorName, offsets: OffsetEntry[]) => this.ctx.send(from, { type: "OffsetFetchResponse", correlationId: req.correlationId, error, offsets } satisfies OffsetFetchResponse);
    const p = this.leaderPartition(req.groupId);
    if (!p) return reply("NOT_COORDINATOR", []);
    const state = replayOffsets(p.log.batches, p.highWatermark);
    if (req.requireStable) for (const byGroup of state.pending.values()) if (byGroup.has(req.groupId)) return reply("UNSTABLE_OFFSET_COMMIT", []);
    reply("NONE", [...(state.committed.get(req.groupId)?.values() ?? [])]);
  }
}

/** GroupMetadataManager.storeOffsets maps append errors to what the client understands. */
function storeOffsetsError(error: ErrorName): ErrorName {
  switch (error) {
    case "UNKNOWN_TOPIC_OR_PARTITION":
    case "NOT_ENOUGH_REPLICAS":
    case "NOT_ENOUGH_REPLICAS_AFTER_APPEND":
      return "COORDINATOR_NOT_AVAILABLE";
    case "NOT_LEADER_OR_FOLLOWER":
      return "NOT_COORDINATOR";
    default:
      return error;
  }
}

/** GroupMetaManagerHelper.appendGroupMetadataErrorToResponseError: a timed-out append is "coordinator not available". */
function appendError(error: ErrorName): ErrorName {
  return error === "REQUEST_TIMED_OUT" ? "COORDINATOR_NOT_AVAILABLE" : storeOffsetsError(error);
}

import type { ActorContext, ConnectionId, Timer } from "../../../sim/index.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { HeartbeatRequest, HeartbeatResponse, JoinGroupRequest, LeaveGroupRequest, LeaveGroupResponse, SyncGroupRequest, TopicPartitionRef } from "../../protocol/groupMessages.js";
import type { StoredConsumerGroup, StoredGroup } from "../offsetLog.js";
import { ClassicGroup, type ClassicGroupMember, type Parked } from "./classicGroup.js";
import { ClassicGroupJoin, sendJoinResponse, sendSyncResponse } from "./classicGroupJoin.js";

/** What the classic protocol needs from the group coordinator it runs in. */
export interface ClassicGroupHost {
  ctx: ActorContext;
  /** group.initial.rebalance.delay.ms, group.min.session.timeout.ms, group.max.session.timeout.ms. */
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.max.size (default Integer.MAX_VALUE). */
  classicGroupMaxSize?: number;
  /** Whether this broker leads the group's offsets partition. */
  isCoordinatorFor(groupId: string): boolean;
  /** Whether the group id is a KIP-848 consumer group with members (a classic member may not join it). */
  isConsumerGroup(groupId: string): boolean;
  /** Writes the group's record (acks=all); errors come as the client should see them. */
  store(groupId: string, record: StoredGroup | StoredConsumerGroup, done: (error: ErrorName) => void): void;
}

/**
 * The classic group protocol of the group coordinator (Kafka GroupCoordinator.scala / GroupMetadataManager.java,
 * classic groups): one `ClassicGroup` per group whose `__consumer_offsets` partition this broker leads, loaded from
 * its GroupMetadata record. Joining and rebalancing are `ClassicGroupJoin`'s; here are SyncGroup (the assignment is
 * stored as a GroupMetadata record before the group is Stable), heartbeats and session expiry, and LeaveGroup.
 */
export class ClassicGroupManager {
  readonly groups = new Map<string, ClassicGroup>();
  readonly join: ClassicGroupJoin;
  /** A member's session.timeout.ms (rescheduled by each heartbeat; the deadline decides). */
  private readonly sessionTimeout: Timer<{ group: string; member: string }>;
  /** Members that never sent SyncGroup are removed after the rebalance timeout (Kafka's pending-sync timeout). */
  private readonly syncTimeout: Timer<{ group: string; token: number }>;

  constructor(private readonly host: ClassicGroupHost) {
    this.join = new ClassicGroupJoin({
      ctx: host.ctx,
      initialRebalanceDelayMs: host.initialRebalanceDelayMs,
      minSessionTimeoutMs: host.minSessionTimeoutMs,
      maxSessionTimeoutMs: host.maxSessionTimeoutMs,
      ...(host.classicGroupMaxSize !== undefined ? { classicGroupMaxSize: host.classicGroupMaxSize } : {}),
      groups: this.groups,
      isCoordinatorFor: (groupId) => host.isCoordinatorFor(groupId),
      isConsumerGroup: (groupId) => host.isConsumerGroup(groupId),
      scheduleSession: (g, m, timeoutMs) => this.scheduleSession(g, m, timeoutMs),
      storeGroup: (g, done, assignment) => this.storeGroup(g, done, assignment),
      awaitSync: (g) => {
        this.syncTimeout.set(g.rebalanceTimeoutMs(), { group: g.groupId, token: g.rebalanceToken });
      },
    });
    this.sessionTimeout = host.ctx.timer(({ group, member }) => {
      const g = this.groups.get(group);
      if (g) this.onSessionTimer(g, member);
    });
    this.syncTimeout = host.ctx.timer(({ group, token }) => {
      const g = this.groups.get(group);
      if (!g || g.state !== "CompletingRebalance" || token !== g.rebalanceToken || g.pendingSync.size === 0) return;
      for (const id of [...g.pendingSync]) {
        g.remove(id);
        this.ctx.trace("group-coordinator.member-removed", { groupId: g.groupId, memberId: id, reason: "no SyncGroup within the rebalance timeout" });
      }
      this.join.prepareRebalance(g, "members did not sync in time");
    });
  }

  private get ctx(): ActorContext {
    return this.host.ctx;
  }

  handleJoinGroup(from: string, req: JoinGroupRequest, conn: ConnectionId): void {
    this.join.handleJoinGroup(from, req, conn);
  }

  /**
   * A classic group read back from its GroupMetadata record (a new coordinator after a leadership move), written at
   * `writtenAtMs` (ms: the record's append time stands for its currentStateTimestamp).
   */
  load(groupId: string, stored: StoredGroup, partition: number, writtenAtMs: number): void {
    const g = new ClassicGroup(groupId);
    g.protocolType = "consumer"; // only group management writes a GroupMetadata record here
    g.currentStateTimestampMs = writtenAtMs;
    g.generationId = stored.generationId;
    g.protocolName = stored.protocolName;
    for (const m of stored.members) g.add({ ...m, awaitingJoin: null, awaitingSync: null, isNew: false, deadlineUs: 0 });
    g.leaderId = stored.leader;
    g.state = g.members.size > 0 ? "Stable" : "Empty";
    this.groups.set(groupId, g);
    for (const m of g.members.values()) this.scheduleSession(g, m);
    this.ctx.trace("group-coordinator.loaded", { groupId, partition, generationId: g.generationId, state: g.state, members: g.members.size });
  }

  /** GroupMetadataManager.maybeDeleteGroup, once its tombstone is written: an Empty group is gone (Dead). */
  delete(groupId: string): void {
    const g = this.groups.get(groupId);
    if (!g || g.state !== "Empty") return;
    g.state = "Dead";
    this.groups.delete(groupId);
  }

  /** Unloads the groups of one `__consumer_offsets` partition (`partitionOf` maps a group to its partition). */
  unloadPartition(index: number, partitionOf: (groupId: string) => number): void {
    for (const [groupId, g] of [...this.groups]) if (partitionOf(groupId) === index) this.unload(g);
  }

  /** GroupCoordinator.onGroupUnloaded: parked requests learn the coordinator moved. */
  private unload(g: ClassicGroup): void {
    for (const m of g.members.values()) {
      if (m.awaitingJoin) sendJoinResponse(this.ctx, m.awaitingJoin, { error: "NOT_COORDINATOR", memberId: m.memberId });
      if (m.awaitingSync) sendSyncResponse(this.ctx, m.awaitingSync, "NOT_COORDINATOR", []);
      m.awaitingJoin = m.awaitingSync = null;
    }
    g.state = "Dead";
    this.groups.delete(g.groupId);
    this.ctx.trace("group-coordinator.unloaded", { groupId: g.groupId, generationId: g.generationId });
  }

  // ---- SyncGroup ----

  handleSyncGroup(from: string, req: SyncGroupRequest, conn: ConnectionId): void {
    const parked: Parked = { from, conn, correlationId: req.correlationId };
    if (!this.host.isCoordinatorFor(req.groupId)) return sendSyncResponse(this.ctx, parked, "NOT_COORDINATOR", []);
    const g = this.groups.get(req.groupId);
    if (!g) return sendSyncResponse(this.ctx, parked, "UNKNOWN_MEMBER_ID", []);
    if (g.state === "Dead") return sendSyncResponse(this.ctx, parked, "COORDINATOR_NOT_AVAILABLE", []);
    const invalid = g.validateMember(req.memberId, req.groupInstanceId);
    if (invalid) return sendSyncResponse(this.ctx, parked, invalid, []);
    if (req.generationId !== g.generationId) return sendSyncResponse(this.ctx, parked, "ILLEGAL_GENERATION", []);
    const m = g.members.get(req.memberId)!;
    switch (g.state) {
      case "Empty":
        return sendSyncResponse(this.ctx, parked, "UNKNOWN_MEMBER_ID", []);
      case "PreparingRebalance":
        return sendSyncResponse(this.ctx, parked, "REBALANCE_IN_PROGRESS", []);
      case "Stable":
        g.pendingSync.delete(m.memberId);
        return sendSyncResponse(this.ctx, parked, "NONE", m.assignment);
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
              if (x.awaitingSync) sendSyncResponse(this.ctx, x.awaitingSync, error, []);
              x.awaitingSync = null;
            }
            return this.join.prepareRebalance(g, `error ${error} storing the assignment`);
          }
          for (const x of g.members.values()) {
            x.assignment = assignment.get(x.memberId) ?? [];
            if (x.awaitingSync) {
              sendSyncResponse(this.ctx, x.awaitingSync, "NONE", x.assignment);
              x.awaitingSync = null;
              this.scheduleSession(g, x);
            }
          }
          g.transitionTo("Stable", this.ctx.nowMs);
          this.ctx.trace("group-coordinator.stable", { groupId: g.groupId, generationId: g.generationId, assignment: Object.fromEntries([...g.members.values()].map((x) => [x.memberId, x.assignment.map((t) => `${t.topic}-${t.partition}`)])) });
        }, assignment);
        return;
      }
    }
  }

  // ---- Heartbeat, LeaveGroup ----

  handleHeartbeat(from: string, req: HeartbeatRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName) => this.ctx.write(conn, { type: "HeartbeatResponse", correlationId: req.correlationId, error } satisfies HeartbeatResponse);
    if (!this.host.isCoordinatorFor(req.groupId)) return reply("NOT_COORDINATOR");
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

  handleLeaveGroup(from: string, req: LeaveGroupRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName) => this.ctx.write(conn, { type: "LeaveGroupResponse", correlationId: req.correlationId, error } satisfies LeaveGroupResponse);
    if (!this.host.isCoordinatorFor(req.groupId)) return reply("NOT_COORDINATOR");
    const g = this.groups.get(req.groupId);
    if (!g) return reply("UNKNOWN_MEMBER_ID");
    if (g.state === "Dead") return reply("COORDINATOR_NOT_AVAILABLE");
    if (req.groupInstanceId === null && g.pendingMembers.delete(req.memberId)) {
      this.join.tryCompleteJoin(g);
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
    if (m.awaitingJoin) sendJoinResponse(this.ctx, m.awaitingJoin, { error: "UNKNOWN_MEMBER_ID", memberId });
    if (m.awaitingSync) sendSyncResponse(this.ctx, m.awaitingSync, "UNKNOWN_MEMBER_ID", []);
    this.ctx.trace("group-coordinator.member-removed", { groupId: g.groupId, memberId, groupInstanceId: m.groupInstanceId, reason });
    if (g.state === "Stable" || g.state === "CompletingRebalance") this.join.prepareRebalance(g, `removing member ${memberId}: ${reason}`);
    else if (g.state === "PreparingRebalance") this.join.tryCompleteJoin(g);
  }

  // ---- session expiry ----

  scheduleSession(g: ClassicGroup, m: ClassicGroupMember, timeoutMs = m.sessionTimeoutMs): void {
    m.deadlineUs = this.ctx.nowUs + timeoutMs * 1000;
    this.sessionTimeout.set(timeoutMs, { group: g.groupId, member: m.memberId });
  }

  private onSessionTimer(g: ClassicGroup, memberId: string): void {
    const m = g.members.get(memberId);
    if (!m || this.ctx.nowUs < m.deadlineUs) return; // a later heartbeat moved the deadline; its own timer is armed
    // ClassicGroupMember.shouldKeepAlive: a member parked in JoinGroup or SyncGroup is waiting on us, not dead.
    if ((m.awaitingJoin && !m.isNew) || m.awaitingSync) return this.scheduleSession(g, m);
    this.ctx.trace("group-coordinator.session-expired", { groupId: g.groupId, memberId, groupInstanceId: m.groupInstanceId, sessionTimeoutMs: m.sessionTimeoutMs });
    this.removeMemberAndUpdateGroup(g, memberId, `session timeout (${m.sessionTimeoutMs}ms) expired`);
  }

  /** Appends a GroupMetadata record (GroupCoordinatorRecordHelpers.newGroupMetadataRecord) with acks=all. */
  storeGroup(g: ClassicGroup, done: (error: ErrorName) => void, assignment?: Map<string, TopicPartitionRef[]>): void {
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
    this.host.store(g.groupId, stored, done);
  }
}

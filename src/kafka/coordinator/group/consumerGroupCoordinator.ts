import type { ActorContext, ConnectionId, Timer } from "../../../sim/index.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, TopicPartitionRef } from "../../protocol/groupMessages.js";
import type { StoredConsumerGroup } from "../offsetLog.js";
import { ConsumerGroup, type ConsumerGroupMember, LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH, sortedPartitions } from "./consumerGroup.js";

export interface ConsumerGroupSettings {
  /** group.consumer.session.timeout.ms and group.consumer.heartbeat.interval.ms (GroupCoordinatorConfig). */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** group.consumer.assignors: the first is the default. */
  assignors: string[];
  /** group.consumer.max.size (default Integer.MAX_VALUE, GroupMetadataManager.Builder's): the most members a group takes. */
  maxSize?: number;
}

export interface ConsumerGroupHost {
  ctx: ActorContext;
  settings: ConsumerGroupSettings;
  /** Whether this broker leads the group's offsets partition. */
  isCoordinatorFor(groupId: string): boolean;
  /** A topic's partition count from the broker's metadata (undefined: no such topic). */
  partitionCount(topic: string): number | undefined;
  /** Writes the group's record (acks=all); the answer waits for it. Errors come as the client should see them. */
  store(groupId: string, record: StoredConsumerGroup, done: (error: ErrorName) => void): void;
}

/**
 * KIP-848's group coordinator side (`GroupMetadataManager.consumerGroupHeartbeat`): members join with epoch 0, leave
 * with -1 (-2 for a static member's temporary leave), and otherwise heartbeat with their epoch and owned partitions.
 * A change of members or subscriptions bumps the group epoch; the server-side assignor then computes the target
 * assignment, and each member is reconciled towards it independently (revocation before assignment). Epochs
 * fence zombies (FENCED_MEMBER_EPOCH); a member silent for the session timeout, or slower than its rebalance
 * timeout to revoke, is removed.
 * Simplified: the whole group is one JSON record written after each change, applied in memory first (a failed write
 * is answered with an error but not rolled back, where Kafka's runtime reverts to its last committed snapshot); no
 * regex subscriptions, racks, or classic members in consumer groups (online upgrade).
 */
export class ConsumerGroupCoordinator {
  readonly groups = new Map<string, ConsumerGroup>();
  private readonly deadlines = new Map<string, number>(); // group/member → session deadline µs
  private readonly revokeDeadlines = new Map<string, number>();
  private readonly partitionSignature = new Map<string, string>();
  /** group.consumer.session.timeout.ms of a member (the deadline decides; each heartbeat moves it). */
  private readonly sessionTimeout: Timer<{ group: string; member: string }>;
  /** A member's rebalance timeout to revoke what it must give up. */
  private readonly revocationTimeout: Timer<{ group: string; member: string }>;

  constructor(private readonly host: ConsumerGroupHost) {
    this.sessionTimeout = host.ctx.timer(({ group, member }) => this.expire(group, member, "session"));
    this.revocationTimeout = host.ctx.timer(({ group, member }) => this.expire(group, member, "revocation"));
  }

  private get ctx(): ActorContext {
    return this.host.ctx;
  }

  handleHeartbeat(from: string, req: ConsumerGroupHeartbeatRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName, m?: ConsumerGroupMember, assignment: TopicPartitionRef[] | null = null) =>
      this.ctx.write(conn, {
        type: "ConsumerGroupHeartbeatResponse",
        correlationId: req.correlationId,
        error,
        memberId: m?.memberId ?? req.memberId,
        memberEpoch: m?.memberEpoch ?? (error === "NONE" ? req.memberEpoch : -1),
        heartbeatIntervalMs: this.host.settings.heartbeatIntervalMs,
        assignment,
      } satisfies ConsumerGroupHeartbeatResponse);
    if (!this.host.isCoordinatorFor(req.groupId)) return reply("NOT_COORDINATOR");
    if (req.memberId === "") return reply("UNKNOWN_MEMBER_ID"); // Kafka 4 clients choose their own member id
    if (req.serverAssignor !== null && !this.host.settings.assignors.includes(req.serverAssignor)) return reply("UNSUPPORTED_ASSIGNOR");
    let g = this.groups.get(req.groupId);
    if (!g) {
      if (req.memberEpoch !== 0) return reply("GROUP_ID_NOT_FOUND");
      this.groups.set(req.groupId, (g = new ConsumerGroup(req.groupId)));
    }
    const group = g;
    const write = (then: () => void) =>
      this.host.store(group.groupId, this.snapshot(group), (error) => (error === "NONE" ? then() : reply(error)));

    // Leaving: -1 for good; -2 a static member's temporary leave (it keeps its assignment until its session ends).
    if (req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      const m = req.instanceId !== null ? group.staticMember(req.instanceId) : group.members.get(req.memberId);
      if (!m) return reply("UNKNOWN_MEMBER_ID");
      // consumerGroupStaticMemberGroupLeave: throwIfInstanceIdIsFenced, the instance held by another member id.
      if (m.memberId !== req.memberId) return reply(req.instanceId !== null ? "FENCED_INSTANCE_ID" : "UNKNOWN_MEMBER_ID");
      if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH && m.instanceId !== null) {
        // Its epoch is kept (as the previous one) for the instance's return.
        m.previousMemberEpoch = m.memberEpoch;
        m.memberEpoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH;
        this.ctx.trace("group-coordinator.static-member-left", { groupId: group.groupId, memberId: m.memberId, instanceId: m.instanceId });
      } else this.removeMember(group, m, "the member left the group");
      return write(() => reply("NONE", { ...m, memberEpoch: req.memberEpoch }));
    }

    // GroupMetadataManager.throwIfConsumerGroupIsFull: a full group takes no member it does not have (checked before
    // a static member's replacement too: the new member id is not yet the group's).
    const maxSize = this.host.settings.maxSize ?? 2147483647;
    if (group.members.size >= maxSize && !group.members.has(req.memberId)) {
      this.ctx.trace("group-coordinator.group-max-size-reached", { groupId: group.groupId, memberId: req.memberId, members: group.members.size, maxSize });
      return reply("GROUP_MAX_SIZE_REACHED");
    }

    let m: ConsumerGroupMember | undefined;
    let changed = false; // bumps the group epoch
    let dirty = false; // only needs writing
    if (req.memberEpoch === 0) {
      const previous = req.instanceId !== null ? group.staticMember(req.instanceId) : undefined;
      if (previous && previous.memberId !== req.memberId) {
        // throwIfInstanceIdIsUnreleased: the instance must have left (-2) before another member may take it.
        if (previous.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) return reply("UNRELEASED_INSTANCE_ID");
        group.members.delete(previous.memberId);
        m = { ...previous, memberId: req.memberId, clientId: from, memberEpoch: previous.previousMemberEpoch, state: "STABLE" };
        // The returning instance takes over its predecessor's assignment and epoch: no group epoch bump.
        if (m.memberEpoch < 0) m.memberEpoch = 0;
        const target = group.targetAssignment.get(previous.memberId);
        group.targetAssignment.delete(previous.memberId);
        if (target) group.targetAssignment.set(req.memberId, target);
        group.members.set(req.memberId, m);
        this.ctx.trace("group-coordinator.static-member-replaced", { groupId: group.groupId, instanceId: req.instanceId, oldMemberId: previous.memberId, memberId: req.memberId });
        dirty = true;
      } else {
        m = group.members.get(req.memberId);
        if (!m) {
          m = { memberId: req.memberId, instanceId: req.instanceId, clientId: from, memberEpoch: 0, previousMemberEpoch: -1, state: "STABLE", subscribedTopics: [], serverAssignor: req.serverAssignor, rebalanceTimeoutMs: req.rebalanceTimeoutMs, assigned: [], pendingRevocation: [] };
          group.members.set(req.memberId, m);
          this.ctx.trace("group-coordinator.member-joined", { groupId: group.groupId, memberId: req.memberId, instanceId: req.instanceId, client: from });
          changed = true;
        } else if (m.memberEpoch !== 0) {
          // A member rejoining after being fenced starts over: it gave up whatever it had (its target stays).
          m.memberEpoch = 0;
          m.assigned = [];
          m.pendingRevocation = [];
          m.state = "STABLE";
          dirty = true;
        }
      }
    } else {
      // getOrMaybeSubscribeStaticConsumerGroupMember: a static member is found by its instance id
      // (throwIfStaticMemberIsUnknown), which another member id may no longer use (throwIfInstanceIdIsFenced).
      m = req.instanceId !== null ? group.staticMember(req.instanceId) : group.members.get(req.memberId);
      if (!m) return reply("UNKNOWN_MEMBER_ID");
      if (m.memberId !== req.memberId) return reply("FENCED_INSTANCE_ID");
      const fenced = ConsumerGroup.epochError(m, req.memberEpoch, req.topicPartitions);
      if (fenced) {
        this.ctx.trace("group-coordinator.member-fenced", { groupId: group.groupId, memberId: m.memberId, memberEpoch: req.memberEpoch, expected: m.memberEpoch, error: fenced });
        return reply(fenced);
      }
    }
    const member = m;
    this.scheduleSession(group, member);
    // A new subscription, a new member or new partitions bump the group epoch (GroupMetadataManager).
    const topics = [...req.subscribedTopicNames].sort();
    if (JSON.stringify(topics) !== JSON.stringify(member.subscribedTopics) || member.memberEpoch === 0) {
      if (JSON.stringify(topics) !== JSON.stringify(member.subscribedTopics)) changed = true;
      member.subscribedTopics = topics;
    }
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.serverAssignor = req.serverAssignor;
    const signature = this.signature(group);
    if (changed || signature !== this.partitionSignature.get(group.groupId)) {
      group.groupEpoch++;
      this.partitionSignature.set(group.groupId, signature);
      this.ctx.trace("group-coordinator.group-epoch", { groupId: group.groupId, groupEpoch: group.groupEpoch, members: group.members.size });
    }
    if (group.groupEpoch > group.targetAssignmentEpoch) this.assign(group);
    const before = JSON.stringify([member.memberEpoch, member.assigned, member.state]);
    group.reconcile(member, req.memberEpoch === 0 ? [] : req.topicPartitions);
    const after = JSON.stringify([member.memberEpoch, member.assigned, member.state]);
    if (member.state === "UNREVOKED_PARTITIONS" && !this.revokeDeadlines.has(`${group.groupId}/${member.memberId}`)) this.scheduleRevocation(group, member);
    if (member.state !== "UNREVOKED_PARTITIONS") this.revokeDeadlines.delete(`${group.groupId}/${member.memberId}`);
    // The member gets its assignment when it changed, when it joins, or when what it owns differs from it.
    const owns = JSON.stringify(sortedPartitions(req.topicPartitions));
    const send = before !== after || req.memberEpoch === 0 || owns !== JSON.stringify(sortedPartitions(member.assigned)) ? member.assigned : null;
    if (before !== after) this.ctx.trace("group-coordinator.member-reconciled", { groupId: group.groupId, memberId: member.memberId, memberEpoch: member.memberEpoch, state: member.state, assigned: member.assigned.map((t) => `${t.topic}-${t.partition}`), revoking: member.pendingRevocation.map((t) => `${t.topic}-${t.partition}`) });
    if (changed || dirty || before !== after) write(() => reply("NONE", member, send));
    else reply("NONE", member, send);
  }

  private signature(g: ConsumerGroup): string {
    const topics = [...new Set([...g.members.values()].flatMap((m) => m.subscribedTopics))].sort();
    return JSON.stringify(topics.map((t) => [t, this.host.partitionCount(t) ?? 0]));
  }

  /** The target assignment for the new group epoch, by the members' chosen (else the default) server assignor. */
  private assign(g: ConsumerGroup): void {
    const counts: Record<string, number> = {};
    for (const m of g.members.values()) for (const t of m.subscribedTopics) counts[t] = this.host.partitionCount(t) ?? 0;
    const chosen = [...g.members.values()].map((m) => m.serverAssignor).find((a) => a !== null) ?? this.host.settings.assignors[0];
    g.computeTargetAssignment(chosen, counts);
    this.ctx.trace("group-coordinator.target-assignment", { groupId: g.groupId, epoch: g.targetAssignmentEpoch, assignor: chosen, assignment: Object.fromEntries([...g.targetAssignment].map(([id, tps]) => [id, tps.map((t) => `${t.topic}-${t.partition}`)])) });
  }

  private removeMember(g: ConsumerGroup, m: ConsumerGroupMember, reason: string): void {
    g.members.delete(m.memberId);
    g.targetAssignment.delete(m.memberId);
    g.groupEpoch++;
    this.deadlines.delete(`${g.groupId}/${m.memberId}`);
    this.revokeDeadlines.delete(`${g.groupId}/${m.memberId}`);
    this.ctx.trace("group-coordinator.member-removed", { groupId: g.groupId, memberId: m.memberId, instanceId: m.instanceId, reason, groupEpoch: g.groupEpoch });
    if (g.members.size > 0) this.assign(g);
  }

  private scheduleSession(g: ConsumerGroup, m: ConsumerGroupMember): void {
    this.deadlines.set(`${g.groupId}/${m.memberId}`, this.ctx.nowUs + this.host.settings.sessionTimeoutMs * 1000);
    this.sessionTimeout.set(this.host.settings.sessionTimeoutMs, { group: g.groupId, member: m.memberId });
  }

  private scheduleRevocation(g: ConsumerGroup, m: ConsumerGroupMember): void {
    this.revokeDeadlines.set(`${g.groupId}/${m.memberId}`, this.ctx.nowUs + m.rebalanceTimeoutMs * 1000);
    this.revocationTimeout.set(m.rebalanceTimeoutMs, { group: g.groupId, member: m.memberId });
  }

  /** A session or revocation timeout: the member is removed if its deadline has really passed. */
  private expire(group: string, member: string, what: "session" | "revocation"): void {
    const g = this.groups.get(group);
    const m = g?.members.get(member);
    if (!g || !m) return;
    const k = `${group}/${member}`;
    const deadline = (what === "session" ? this.deadlines : this.revokeDeadlines).get(k);
    if (deadline === undefined || this.ctx.nowUs < deadline) return;
    if (what === "revocation" && m.state !== "UNREVOKED_PARTITIONS") return;
    this.removeMember(g, m, what === "session" ? `session timeout (${this.host.settings.sessionTimeoutMs}ms) expired` : `did not revoke its partitions within its rebalance timeout (${m.rebalanceTimeoutMs}ms)`);
    this.host.store(g.groupId, this.snapshot(g), () => {});
  }

  snapshot(g: ConsumerGroup): StoredConsumerGroup {
    return { kind: "consumer-group", groupEpoch: g.groupEpoch, targetAssignmentEpoch: g.targetAssignmentEpoch, targetAssignment: [...g.targetAssignment], members: [...g.members.values()].map((m) => ({ ...m })) };
  }

  /** Rebuilds a group from its last record (a new coordinator after a leadership move). */
  load(groupId: string, stored: StoredConsumerGroup): void {
    const g = new ConsumerGroup(groupId);
    g.groupEpoch = stored.groupEpoch;
    g.targetAssignmentEpoch = stored.targetAssignmentEpoch;
    g.targetAssignment = new Map(stored.targetAssignment);
    for (const m of stored.members) g.members.set(m.memberId, { ...m });
    this.groups.set(groupId, g);
    this.partitionSignature.set(groupId, this.signature(g));
    for (const m of g.members.values()) {
      this.scheduleSession(g, m);
      if (m.state === "UNREVOKED_PARTITIONS") this.scheduleRevocation(g, m);
    }
  }

  unload(groupId: string): void {
    this.groups.delete(groupId);
  }
}

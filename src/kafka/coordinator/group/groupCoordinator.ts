import type { ActorContext, ConnectionId, Timer } from "../../../sim/index.js";
import { NO_SEQUENCE, type RecordBatch } from "../../log/recordBatch.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { ConsumerGroupHeartbeatRequest, HeartbeatRequest, JoinGroupRequest, LeaveGroupRequest, OffsetCommitRequest, SyncGroupRequest, TopicPartitionRef } from "../../protocol/groupMessages.js";
import type { OffsetFetchRequest, TxnOffsetCommitRequest } from "../../protocol/transactionMessages.js";
import { CONSUMER_OFFSETS_TOPIC, encodeGroup, encodeGroupTombstone, encodeOffsetTombstones, offsetsPartitionFor, replayOffsets, type StoredConsumerGroup, type StoredGroup } from "../offsetLog.js";
import type { CoordinatorReplica, PartitionWriter } from "../partitionWriter.js";
import { ClassicGroupManager } from "./classicGroupManager.js";
import { ConsumerGroupCoordinator, type ConsumerGroupSettings } from "./consumerGroupCoordinator.js";
import { OffsetManager, storeOffsetsError } from "./offsetManager.js";
import { cleanupExpiredOffsets, type ExpiringGroup } from "./offsetExpiration.js";

export interface GroupCoordinatorHost {
  ctx: ActorContext;
  /** KIP-848 settings (group.consumer.*). */
  consumerGroups: ConsumerGroupSettings;
  /** A topic's partition count from the broker's metadata. */
  partitionCount(topic: string): number | undefined;
  numPartitions: number;
  /** The `__consumer_offsets` partitions, through the broker's replica manager. */
  writer: PartitionWriter;
  /** group.initial.rebalance.delay.ms, group.min.session.timeout.ms, group.max.session.timeout.ms. */
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.max.size (default Integer.MAX_VALUE, GroupMetadataManager.Builder's): the most members a classic group takes. */
  classicGroupMaxSize?: number;
  /** offsets.retention.minutes in ms: how long a committed offset outlives its group's interest in it. */
  offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms: how often each loaded `__consumer_offsets` partition is cleaned. */
  offsetsRetentionCheckIntervalMs: number;
}

/** A coordinated group as `kafka-consumer-groups --describe --state --members` shows it (GroupCoordinator.inspectGroups). */
export interface CoordinatedGroup {
  group: string;
  protocol: "classic" | "consumer";
  /** ClassicGroupState (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead) or ConsumerGroupState. */
  state: string;
  members: { memberId: string; clientId: string; assignment: string[] }[];
}

/** offsets.commit.timeout.ms (GroupCoordinatorConfig default 5000): how long an offsets append waits for acks=all. */
const COMMIT_TIMEOUT_MS = 5000;

/**
 * The group coordinator of a broker (Kafka `GroupCoordinatorService`): it owns the groups whose `__consumer_offsets`
 * partition this broker leads, loads them from that partition's log when leadership arrives and drops them when it
 * leaves (onElection / onResignation), and routes each request to its part: the classic protocol
 * (`ClassicGroupManager`, `ClassicGroupJoin`), KIP-848 consumer groups (`ConsumerGroupCoordinator`) and the offsets
 * both share (`OffsetManager`, Kafka's OffsetMetadataManager). Every record goes through the `PartitionWriter`.
 * Committed offsets expire as `GroupCoordinatorShard.cleanupGroupMetadata` expires them (offset-expiry.ts).
 * Simplified: group metadata and offsets are JSON records; loading is instantaneous (no
 * COORDINATOR_LOAD_IN_PROGRESS window).
 */
export class GroupCoordinator {
  readonly classic: ClassicGroupManager;
  /** KIP-848 groups (group.protocol=consumer), kept apart from classic ones. */
  readonly consumerGroups: ConsumerGroupCoordinator;
  readonly offsets: OffsetManager;
  /** The group-expiration job of each loaded partition (GroupCoordinatorShard.scheduleGroupMetadataExpiration). */
  private readonly expiration: Timer<number>;
  private readonly expirationTimers = new Map<number, number>();

  constructor(private readonly host: GroupCoordinatorHost) {
    this.expiration = host.ctx.timer((index) => {
      this.expirationTimers.set(index, this.expiration.set(this.host.offsetsRetentionCheckIntervalMs, index));
      this.cleanupGroupMetadata(index);
    });
    this.classic = new ClassicGroupManager({
      ctx: host.ctx,
      initialRebalanceDelayMs: host.initialRebalanceDelayMs,
      minSessionTimeoutMs: host.minSessionTimeoutMs,
      maxSessionTimeoutMs: host.maxSessionTimeoutMs,
      ...(host.classicGroupMaxSize !== undefined ? { classicGroupMaxSize: host.classicGroupMaxSize } : {}),
      isCoordinatorFor: (groupId) => this.leaderReplica(groupId) !== null,
      isConsumerGroup: (groupId) => (this.consumerGroups.groups.get(groupId)?.members.size ?? 0) > 0,
      store: (groupId, record, done) => this.writeGroupRecord(groupId, record, done),
    });
    this.consumerGroups = new ConsumerGroupCoordinator({
      ctx: host.ctx,
      settings: host.consumerGroups,
      isCoordinatorFor: (groupId) => this.leaderReplica(groupId) !== null,
      partitionCount: (topic) => host.partitionCount(topic),
      store: (groupId, record, done) => this.writeGroupRecord(groupId, record, done),
    });
    this.offsets = new OffsetManager({
      ctx: host.ctx,
      classic: this.classic,
      consumerGroups: this.consumerGroups.groups,
      leaderReplica: (groupId) => this.leaderReplica(groupId),
      append: (groupId, value, txn, done) => this.append(groupId, value, txn, done),
    });
  }

  private get ctx(): ActorContext {
    return this.host.ctx;
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.host.numPartitions);
  }

  private leaderReplica(groupId: string): CoordinatorReplica | null {
    const p = this.host.writer.replica(CONSUMER_OFFSETS_TOPIC, this.partitionFor(groupId));
    return p && p.role === "leader" ? p : null;
  }

  // ---- requests ----

  handleJoinGroup(from: string, req: JoinGroupRequest, conn: ConnectionId): void {
    this.classic.handleJoinGroup(from, req, conn);
  }

  handleSyncGroup(from: string, req: SyncGroupRequest, conn: ConnectionId): void {
    this.classic.handleSyncGroup(from, req, conn);
  }

  handleHeartbeat(from: string, req: HeartbeatRequest, conn: ConnectionId): void {
    this.classic.handleHeartbeat(from, req, conn);
  }

  handleLeaveGroup(from: string, req: LeaveGroupRequest, conn: ConnectionId): void {
    this.classic.handleLeaveGroup(from, req, conn);
  }

  handleConsumerGroupHeartbeat(from: string, req: ConsumerGroupHeartbeatRequest, conn: ConnectionId): void {
    const classic = this.classic.groups.get(req.groupId);
    if (classic && classic.state !== "Empty" && classic.state !== "Dead") {
      // Simplified: no online migration between the protocols; a live classic group is not a consumer group.
      return this.ctx.write(conn, { type: "ConsumerGroupHeartbeatResponse", correlationId: req.correlationId, error: "GROUP_ID_NOT_FOUND", memberId: req.memberId, memberEpoch: -1, heartbeatIntervalMs: this.host.consumerGroups.heartbeatIntervalMs, assignment: null });
    }
    this.consumerGroups.handleHeartbeat(from, req, conn);
  }

  handleOffsetCommit(req: OffsetCommitRequest, conn: ConnectionId): void {
    this.offsets.handleOffsetCommit(req, conn);
  }

  handleTxnOffsetCommit(req: TxnOffsetCommitRequest, conn: ConnectionId): void {
    this.offsets.handleTxnOffsetCommit(req, conn);
  }

  handleOffsetFetch(req: OffsetFetchRequest, conn: ConnectionId): void {
    this.offsets.handleOffsetFetch(req, conn);
  }

  /** For tests and reports: a group's state as `kafka-consumer-groups --describe --state` would show it. */
  describe(groupId: string): { state: string; generationId: number; protocol: string | null; leader: string | null; members: { memberId: string; groupInstanceId: string | null; assignment: TopicPartitionRef[] }[] } | null {
    const g = this.classic.groups.get(groupId);
    if (!g) return null;
    return { state: g.state, generationId: g.generationId, protocol: g.protocolName, leader: g.leaderId, members: [...g.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, assignment: m.assignment })) };
  }

  /**
   * For a run's liveness phase and reports (the model never calls it): the groups this broker coordinates now (it
   * leads their `__consumer_offsets` partition), classic and KIP-848, with their state (Kafka's state names) and
   * each member's client and current assignment (`topic-partition`).
   */
  inspectGroups(): CoordinatedGroup[] {
    const out: CoordinatedGroup[] = [];
    const tp = (t: TopicPartitionRef) => `${t.topic}-${t.partition}`;
    for (const g of this.classic.groups.values())
      if (this.leaderReplica(g.groupId) && (g.members.size > 0 || !this.consumerGroups.groups.has(g.groupId)))
        out.push({ group: g.groupId, protocol: "classic", state: g.state, members: [...g.members.values()].map((m) => ({ memberId: m.memberId, clientId: m.clientId, assignment: m.assignment.map(tp) })) });
    for (const g of this.consumerGroups.groups.values())
      if (this.leaderReplica(g.groupId) && (g.members.size > 0 || !this.classic.groups.has(g.groupId)))
        out.push({ group: g.groupId, protocol: "consumer", state: g.state(), members: [...g.members.values()].map((m) => ({ memberId: m.memberId, clientId: m.clientId, assignment: m.assigned.map(tp) })) });
    return out;
  }

  // ---- loading and unloading (GroupCoordinator.onElection / onResignation) ----

  /** This broker now leads `__consumer_offsets` partition `index`: load its groups from the log. */
  onBecomeLeader(index: number): void {
    const p = this.host.writer.replica(CONSUMER_OFFSETS_TOPIC, index);
    if (!p) return;
    this.unloadPartition(index);
    // Kafka 4's coordinator replays the whole log; what it serves is what is below the HW.
    const state = replayOffsets(p.log.batches, Infinity);
    for (const [groupId, stored] of state.groups) {
      if (stored.kind === "consumer-group") {
        this.consumerGroups.load(groupId, stored);
        this.ctx.trace("group-coordinator.loaded", { groupId, partition: index, groupEpoch: stored.groupEpoch, protocol: "consumer", members: stored.members.length });
      } else this.classic.load(groupId, stored, index, state.groupWrittenAtMs.get(groupId) ?? this.ctx.nowMs);
    }
    // GroupCoordinatorShard.onLoaded: the expiration job runs every offsets.retention.check.interval.ms.
    this.expirationTimers.set(index, this.expiration.set(this.host.offsetsRetentionCheckIntervalMs, index));
  }

  onResign(index: number): void {
    this.unloadPartition(index);
  }

  /**
   * GroupCoordinatorShard.cleanupGroupMetadata for one partition: for every group it holds (loaded, or only known by
   * its offsets), OffsetMetadataManager.cleanupExpiredOffsets writes a tombstone for each expired offset, and a group
   * whose offsets are all gone and that is empty is deleted (GroupMetadataManager.maybeDeleteGroup); both in one
   * append. Read from the partition's whole log, as Kafka's in-memory state includes writes not yet committed. An
   * append that fails changes nothing here: the next run tries again.
   */
  private cleanupGroupMetadata(index: number): void {
    const p = this.host.writer.replica(CONSUMER_OFFSETS_TOPIC, index);
    if (!p || p.role !== "leader") return;
    const state = replayOffsets(p.log.batches, Infinity);
    const ids = new Set<string>();
    for (const id of state.committed.keys()) ids.add(id);
    for (const id of state.groups.keys()) ids.add(id);
    for (const id of this.classic.groups.keys()) if (this.partitionFor(id) === index) ids.add(id);
    for (const id of this.consumerGroups.groups.keys()) if (this.partitionFor(id) === index) ids.add(id);
    const nowMs = this.ctx.nowMs;
    for (const groupId of ids) {
      const group = this.expiringGroup(groupId);
      const { expired, allExpired } = cleanupExpiredOffsets(groupId, group, state, nowMs, this.host.offsetsRetentionMs);
      const deleteGroup = allExpired && this.isEmpty(groupId);
      if (expired.length === 0 && !(deleteGroup && (state.groups.has(groupId) || this.isKnown(groupId)))) continue;
      const records = [];
      if (expired.length > 0) records.push({ key: groupId, value: encodeOffsetTombstones(expired) });
      if (deleteGroup) records.push({ key: groupId, value: encodeGroupTombstone() });
      this.appendRecords(groupId, records, null, (error) => {
        if (error !== "NONE") return;
        if (expired.length > 0) this.ctx.trace("group-coordinator.offsets-expired", { groupId, partitions: expired.map((t) => `${t.topic}-${t.partition}`), retentionMs: this.host.offsetsRetentionMs });
        if (!deleteGroup) return;
        this.classic.delete(groupId);
        if ((this.consumerGroups.groups.get(groupId)?.members.size ?? 0) === 0) this.consumerGroups.unload(groupId);
        this.ctx.trace("group-coordinator.group-deleted", { groupId, reason: "all its offsets expired" });
      });
    }
  }

  /** What offset expiry needs of a group: its protocol, state and subscriptions (Group.offsetExpirationCondition). */
  private expiringGroup(groupId: string): ExpiringGroup {
    const modern = this.consumerGroups.groups.get(groupId);
    if (modern) return { kind: "consumer", subscribedTopics: new Set([...modern.members.values()].flatMap((m) => m.subscribedTopics)) };
    const g = this.classic.groups.get(groupId);
    if (!g || g.protocolType === null) return { kind: "standalone" };
    // ClassicGroup.computeSubscribedTopics: the union of the members' subscriptions.
    const subscribedTopics = new Set([...g.members.values()].flatMap((m) => g.subscriptionOf(m).topics));
    return { kind: "classic", state: g.state, currentStateTimestampMs: g.currentStateTimestampMs ?? 0, subscribedTopics };
  }

  /** Group.isEmpty: a classic group in state Empty, a consumer group without members (an unknown group is empty). */
  private isEmpty(groupId: string): boolean {
    const g = this.classic.groups.get(groupId);
    return (g === undefined || g.state === "Empty") && (this.consumerGroups.groups.get(groupId)?.members.size ?? 0) === 0;
  }

  private isKnown(groupId: string): boolean {
    return this.classic.groups.has(groupId) || this.consumerGroups.groups.has(groupId);
  }

  private unloadPartition(index: number): void {
    const timer = this.expirationTimers.get(index);
    if (timer !== undefined) this.expiration.cancel(timer);
    this.expirationTimers.delete(index);
    this.classic.unloadPartition(index, (groupId) => this.partitionFor(groupId));
    for (const groupId of [...this.consumerGroups.groups.keys()]) if (this.partitionFor(groupId) === index) this.consumerGroups.unload(groupId);
  }

  // ---- persistence ----

  /** A group record (classic or KIP-848) into the group's partition; errors as the client should see them. */
  private writeGroupRecord(groupId: string, record: StoredGroup | StoredConsumerGroup, done: (error: ErrorName) => void): void {
    if (!this.leaderReplica(groupId)) return done("NOT_COORDINATOR");
    this.append(groupId, encodeGroup(record), null, (error) => done(appendError(error)));
  }

  private append(groupId: string, value: string, txn: { producerId: number; producerEpoch: number } | null, done: (error: ErrorName) => void): void {
    this.appendRecords(groupId, [{ key: groupId, value }], txn, done);
  }

  private appendRecords(groupId: string, records: { key: string; value: string }[], txn: { producerId: number; producerEpoch: number } | null, done: (error: ErrorName) => void): void {
    const batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch"> = {
      producerId: txn?.producerId ?? -1,
      producerEpoch: txn?.producerEpoch ?? -1,
      baseSequence: NO_SEQUENCE, // a coordinator's write: never deduplicated (AppendOrigin.COORDINATOR)
      isTransactional: txn !== null,
      isControl: false,
      records,
      sizeBytes: 120 * records.length,
    };
    this.host.writer.append(CONSUMER_OFFSETS_TOPIC, this.partitionFor(groupId), batch, COMMIT_TIMEOUT_MS, done);
  }
}

/** GroupMetaManagerHelper.appendGroupMetadataErrorToResponseError: a timed-out append is "coordinator not available". */
function appendError(error: ErrorName): ErrorName {
  return error === "REQUEST_TIMED_OUT" ? "COORDINATOR_NOT_AVAILABLE" : storeOffsetsError(error);
}

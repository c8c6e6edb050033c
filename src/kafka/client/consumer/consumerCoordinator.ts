import type { ActorContext } from "../../../sim/index.js";
import { assign, type AssignmentStrategy } from "../../assignors/index.js";
import type { ConsumerSettings } from "../../config/consumerConfig.js";
import type { ErrorName } from "../../protocol/errors.js";
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  OffsetCommitRequest,
  OffsetCommitResponse,
  SyncGroupRequest,
  SyncGroupResponse,
  TopicPartitionRef,
} from "../../protocol/groupMessages.js";
import { tpKey } from "../../protocol/messages.js";
import type { FindCoordinatorRequest, FindCoordinatorResponse, OffsetEntry, OffsetFetchRequest, OffsetFetchResponse } from "../../protocol/transactionMessages.js";
import type { ClientMetadata } from "../clientMetadata.js";

/** AbstractCoordinator.MemberState. */
export type MemberState = "UNJOINED" | "PREPARING_REBALANCE" | "COMPLETING_REBALANCE" | "STABLE";

/** ConsumerRebalanceListener, with the generation the change belongs to. */
export interface RebalanceListener {
  onPartitionsRevoked(tps: TopicPartitionRef[], generation: number): void;
  onPartitionsAssigned(tps: TopicPartitionRef[], generation: number, memberId: string): void;
  onPartitionsLost(tps: TopicPartitionRef[], generation: number): void;
}

/** What the coordinator needs of the consumer's subscription state (SubscriptionState). */
export interface OwnedPartitions {
  owned(): TopicPartitionRef[];
  /** Replace the assignment; partitions new to it wait for their committed offset. */
  setAssignment(tps: TopicPartitionRef[]): void;
  /** Partitions still waiting for their committed offset. */
  awaitingCommitted(): TopicPartitionRef[];
  /** The committed offset (null: none, reset by auto.offset.reset). */
  setCommitted(tp: TopicPartitionRef, offset: number | null): void;
  /** Positions of every assigned partition with one (SubscriptionState.allConsumed). */
  allConsumed(): OffsetEntry[];
}

export type CommitCallback = (error: ErrorName | null) => void;

/** Told of every OffsetCommit the member sends (auto, before a rebalance, or the application's), and its outcome. */
export type CommitObserver = (offsets: OffsetEntry[], generation: number, kind: "auto" | "sync" | "async") => CommitCallback;

interface PendingCommit {
  offsets: OffsetEntry[];
  sync: boolean;
  cb: CommitCallback;
  deadlineUs: number;
  inFlight: number;
}

/** Errors after which the member forgets its coordinator and looks it up again (AbstractCoordinator). */
const COORDINATOR_ERRORS: ReadonlySet<ErrorName> = new Set(["NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE", "REQUEST_TIMED_OUT", "NETWORK_EXCEPTION"]);

/**
 * The Java consumer's group membership (`AbstractCoordinator` + `ConsumerCoordinator`, classic protocol): finds the
 * coordinator, joins (MEMBER_ID_REQUIRED round trip), runs the assignor when it is the leader, syncs, heartbeats
 * every `heartbeat.interval.ms` in the background, enforces `max.poll.interval.ms` locally (KIP-62: leave and rejoin
 * on the next poll; a static member only stops heartbeating), commits offsets (sync, async, auto on the poll path and
 * before a rebalance) and invokes the rebalance listener — eager (revoke everything before rejoining) or cooperative
 * (KIP-429: revoke only what moved, then rejoin so it can be handed over).
 * Like the Java client, protocol messages flow as soon as answers arrive, while the assignment is applied and the
 * listener called on the next poll() (ConsumerCoordinator.onJoinComplete runs in the application thread).
 * Simplified: one topic list per group; commits carry all consumed positions; no metadata-change rejoin except on
 * the leader's partition counts.
 */
export class ConsumerCoordinator {
  state: MemberState = "UNJOINED";
  memberId = "";
  generation = -1;
  protocol: AssignmentStrategy | null = null;
  private coordinator: string | null = null;
  private findInFlight = -1;
  private joinInFlight = -1;
  private syncInFlight = -1;
  private hbInFlight = -1;
  private fetchInFlight = -1;
  private rejoinNeeded = true;
  /** onJoinPrepare has run for the rebalance under way (AbstractCoordinator.needsJoinPrepare). */
  private prepared = false;
  private completed: TopicPartitionRef[] | null = null;
  private lastPollUs: number;
  private lastHeartbeatOkUs = 0;
  private nextAutoCommitUs: number;
  private retryAtUs = 0;
  private correlation = 500_000_000; // shares the actor with a producer in read-process-write apps
  private readonly commits: PendingCommit[] = [];
  private leaderPartitionCounts: string | null = null;
  /** Set when the member was fenced or misconfigured: poll() fails with it from then on. */
  fatal: ErrorName | null = null;
  private hbTimer = -1;
  private closed = false;
  /** For the workload's history: every commit attempt and how it ended. */
  observeCommits: CommitObserver | null = null;

  constructor(
    private readonly ctx: ActorContext,
    private readonly brokers: string[],
    private readonly s: ConsumerSettings,
    private readonly groupId: string,
    private readonly topics: string[],
    private readonly metadata: ClientMetadata,
    private readonly subscriptions: OwnedPartitions,
    private readonly listener: RebalanceListener,
    private readonly tag: string,
  ) {
    this.lastPollUs = ctx.nowUs;
    this.nextAutoCommitUs = ctx.nowUs + s.autoCommitIntervalMs * 1000;
  }

  /** KIP-429: the protocol is cooperative only if every configured assignor supports it. */
  get cooperative(): boolean {
    return this.s.assignors.every((a) => a === "cooperative-sticky");
  }

  /**
   * KafkaConsumer.groupMetadata() for sendOffsetsToTransaction (KIP-447): ConsumerCoordinator keeps it as a field
   * set when a join completes, so a member kicked out meanwhile still presents its old generation and is fenced.
   */
  groupMetadata(): { groupId: string; generationId: number; memberId: string; groupInstanceId?: string } {
    return { groupId: this.groupId, ...this.joined, ...(this.s.groupInstanceId !== null ? { groupInstanceId: this.s.groupInstanceId } : {}) };
  }
  private joined = { generationId: -1, memberId: "" };

  rebalanceInProgress(): boolean {
    return this.state === "PREPARING_REBALANCE" || this.state === "COMPLETING_REBALANCE" || this.completed !== null;
  }

  private send(to: string, build: (correlationId: number) => object, timeoutMs = this.s.requestTimeoutMs): number {
    const id = ++this.correlation;
    this.ctx.send(to, build(id));
    this.ctx.setTimer(timeoutMs, `${this.tag}coord:timeout:${id}`);
    return id;
  }

  // ---- the poll path ----

  /** ConsumerCoordinator.poll: called from KafkaConsumer.poll(). */
  poll(): void {
    if (this.fatal || this.closed) return;
    this.lastPollUs = this.ctx.nowUs;
    this.armPollTimer();
    if (this.completed !== null) this.onJoinComplete(this.completed);
    // Subscribed topics not in metadata yet (e.g. still being created): keep asking, as the Java client does.
    if (this.topics.some((t) => this.metadata.partitionsFor(t) === undefined)) this.metadata.requestUpdate();
    this.ensureCoordinator();
    if (this.state === "STABLE" && this.isLeader() && this.leaderPartitionCounts !== null && this.leaderPartitionCounts !== this.partitionCounts()) {
      this.ctx.trace("consumer.metadata-changed", { groupId: this.groupId });
      this.rejoinNeeded = true;
    }
    if (this.rejoinNeeded && this.coordinator !== null && this.state !== "PREPARING_REBALANCE" && this.state !== "COMPLETING_REBALANCE" && this.ctx.nowUs >= this.retryAtUs) {
      if (!this.prepared) this.onJoinPrepare();
      this.sendJoin();
    }
    this.maybeAutoCommit();
    this.fetchCommittedIfNeeded();
  }

  private isLeader(): boolean {
    return this.leaderId === this.memberId && this.memberId !== "";
  }
  private leaderId = "";

  private ensureCoordinator(): void {
    if (this.coordinator !== null || this.findInFlight >= 0 || this.closed) return;
    const to = this.brokers[(this.correlation + 1) % this.brokers.length];
    this.findInFlight = this.send(to, (correlationId) => ({ type: "FindCoordinator", correlationId, key: this.groupId, keyType: "group" }) satisfies FindCoordinatorRequest);
  }

  /** AbstractCoordinator.markCoordinatorUnknown: requests in flight to it are abandoned. */
  private coordinatorLost(why: string): void {
    if (this.coordinator === null) return;
    this.ctx.trace("consumer.coordinator-lost", { groupId: this.groupId, coordinator: this.coordinator, why });
    this.coordinator = null;
    if (this.joinInFlight >= 0 || this.syncInFlight >= 0) {
      this.joinInFlight = this.syncInFlight = -1;
      // The JoinGroup is sent again (with the member id and generation kept) once the coordinator is found.
      this.state = "UNJOINED";
      this.rejoinNeeded = true;
    }
    this.hbInFlight = -1;
    this.fetchInFlight = -1;
    for (const c of this.commits) if (c.inFlight >= 0) this.commitFailed(c, "COORDINATOR_NOT_AVAILABLE");
    this.retryAtUs = this.ctx.nowUs + this.s.retryBackoffMs * 1000;
    this.ctx.setTimer(this.s.retryBackoffMs, `${this.tag}coord:find`);
  }

  /** ConsumerCoordinator.onJoinPrepare: commit, then revoke (eager) or report lost partitions. */
  private onJoinPrepare(): void {
    this.prepared = true;
    const owned = this.subscriptions.owned();
    const hasGeneration = this.generation >= 0 && this.memberId !== "";
    if (this.s.enableAutoCommit && hasGeneration && this.state === "STABLE") this.commit(this.subscriptions.allConsumed(), false, () => {}, "auto");
    if (!hasGeneration) {
      if (owned.length > 0) {
        this.listener.onPartitionsLost(owned, this.generation);
        this.subscriptions.setAssignment([]);
      }
    } else if (!this.cooperative && owned.length > 0) {
      this.listener.onPartitionsRevoked(owned, this.generation);
      this.subscriptions.setAssignment([]);
    }
  }

  private sendJoin(): void {
    const owned = this.subscriptions.owned();
    this.state = "PREPARING_REBALANCE";
    this.ctx.trace("consumer.join-group", { groupId: this.groupId, memberId: this.memberId, groupInstanceId: this.s.groupInstanceId, generation: this.generation });
    // Java: the JoinGroup may wait the whole rebalance timeout at the coordinator, plus a margin.
    this.joinInFlight = this.send(
      this.coordinator!,
      (correlationId) =>
        ({
          type: "JoinGroup",
          correlationId,
          groupId: this.groupId,
          memberId: this.memberId,
          groupInstanceId: this.s.groupInstanceId,
          sessionTimeoutMs: this.s.sessionTimeoutMs,
          rebalanceTimeoutMs: this.s.maxPollIntervalMs,
          protocolType: "consumer",
          protocols: this.s.assignors.map((name) => ({ name, metadata: { topics: this.topics, ownedPartitions: owned, generationId: this.generation } })),
        }) satisfies JoinGroupRequest,
      Math.max(this.s.requestTimeoutMs, this.s.maxPollIntervalMs + 5000),
    );
  }

  private partitionCounts(): string {
    return JSON.stringify(this.topics.map((t) => this.metadata.partitionsFor(t)?.length ?? 0));
  }

  private onJoinResponse(res: JoinGroupResponse): void {
    this.joinInFlight = -1;
    switch (res.error) {
      case "NONE": {
        this.memberId = res.memberId;
        this.generation = res.generationId;
        this.protocol = res.protocolName as AssignmentStrategy;
        this.leaderId = res.leader;
        this.state = "COMPLETING_REBALANCE";
        this.startHeartbeats();
        let assignments: SyncGroupRequest["assignments"] = [];
        if (res.leader === res.memberId) {
          // ConsumerCoordinator.onLeaderElected: run the assignor over every member's subscription.
          const counts: Record<string, number> = {};
          for (const m of res.members) for (const t of m.metadata.topics) counts[t] = this.metadata.partitionsFor(t)?.length ?? 0;
          this.leaderPartitionCounts = this.partitionCounts();
          const members = Object.fromEntries(res.members.map((m) => [m.memberId, { topics: m.metadata.topics, ownedPartitions: m.metadata.ownedPartitions, ...(m.groupInstanceId !== null ? { groupInstanceId: m.groupInstanceId } : {}) }]));
          const result = assign(this.protocol, counts, members);
          assignments = Object.entries(result).map(([memberId, assignment]) => ({ memberId, assignment }));
          this.ctx.trace("consumer.assignment-computed", { groupId: this.groupId, generation: this.generation, protocol: this.protocol, assignment: Object.fromEntries(assignments.map((a) => [a.memberId, a.assignment.map((t) => tpKey(t.topic, t.partition))])) });
        }
        this.syncInFlight = this.send(this.coordinator!, (correlationId) => ({ type: "SyncGroup", correlationId, groupId: this.groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: this.s.groupInstanceId, assignments }) satisfies SyncGroupRequest);
        return;
      }
      case "MEMBER_ID_REQUIRED":
        // KIP-394: join again at once with the id the coordinator gave us.
        this.memberId = res.memberId;
        return this.sendJoin();
      case "INCONSISTENT_GROUP_PROTOCOL":
      case "INVALID_SESSION_TIMEOUT":
        return this.fail(res.error);
      default:
        if (this.membershipError(res.error)) return;
        this.state = "UNJOINED";
        if (COORDINATOR_ERRORS.has(res.error)) this.coordinatorLost(res.error);
        this.retryAtUs = this.ctx.nowUs + this.s.retryBackoffMs * 1000;
    }
  }

  private onSyncResponse(res: SyncGroupResponse): void {
    this.syncInFlight = -1;
    if (res.error === "NONE") {
      if (this.state !== "COMPLETING_REBALANCE") return;
      this.state = "STABLE";
      this.rejoinNeeded = false;
      this.completed = res.assignment;
      this.ctx.trace("consumer.sync-group", { groupId: this.groupId, memberId: this.memberId, generation: this.generation, assignment: res.assignment.map((t) => tpKey(t.topic, t.partition)) });
      return;
    }
    this.ctx.trace("consumer.sync-group-failed", { groupId: this.groupId, memberId: this.memberId, error: res.error });
    if (this.membershipError(res.error)) return;
    this.state = "UNJOINED";
    this.rejoinNeeded = true;
    if (COORDINATOR_ERRORS.has(res.error)) this.coordinatorLost(res.error);
  }

  /** Errors that end this membership, the same for every group request (AbstractCoordinator's handlers). */
  private membershipError(error: ErrorName): boolean {
    switch (error) {
      case "UNKNOWN_MEMBER_ID":
        this.resetGeneration(true, error);
        return true;
      case "ILLEGAL_GENERATION":
        this.resetGeneration(false, error);
        return true;
      case "FENCED_INSTANCE_ID":
        this.fail(error);
        return true;
      default:
        return false;
    }
  }

  /** ConsumerCoordinator.onJoinComplete, on the poll thread. */
  private onJoinComplete(assignment: TopicPartitionRef[]): void {
    this.completed = null;
    this.joined = { generationId: this.generation, memberId: this.memberId };
    this.prepared = false;
    const owned = this.subscriptions.owned();
    const key = (t: TopicPartitionRef) => tpKey(t.topic, t.partition);
    const now = new Set(assignment.map(key));
    const before = new Set(owned.map(key));
    const revoked = owned.filter((t) => !now.has(key(t)));
    const added = assignment.filter((t) => !before.has(key(t)));
    if (this.cooperative && revoked.length > 0) {
      // KIP-429: give up what moved, then rejoin so the group can hand it over in a second rebalance.
      this.listener.onPartitionsRevoked(revoked, this.generation);
      this.rejoinNeeded = true;
    }
    this.subscriptions.setAssignment(assignment);
    this.listener.onPartitionsAssigned(this.cooperative ? added : assignment, this.generation, this.memberId);
    this.fetchCommittedIfNeeded();
  }

  private resetGeneration(resetMemberId: boolean, why: string): void {
    this.ctx.trace("consumer.generation-reset", { groupId: this.groupId, memberId: this.memberId, generation: this.generation, why });
    this.generation = -1;
    if (resetMemberId) this.memberId = "";
    this.state = "UNJOINED";
    this.rejoinNeeded = true;
  }

  private fail(error: ErrorName): void {
    this.ctx.trace("consumer.fatal", { groupId: this.groupId, memberId: this.memberId, error });
    this.fatal = error;
    this.state = "UNJOINED";
    for (const c of [...this.commits]) this.commitFailed(c, error);
  }

  // ---- heartbeats and the poll timer (AbstractCoordinator.HeartbeatThread) ----

  private startHeartbeats(): void {
    this.lastHeartbeatOkUs = this.ctx.nowUs;
    if (this.hbTimer < 0) this.hbTimer = this.ctx.setTimer(this.s.heartbeatIntervalMs, `${this.tag}coord:hb`);
  }

  private heartbeatTick(): void {
    this.hbTimer = -1;
    if (this.fatal || this.closed || this.state === "UNJOINED" || this.state === "PREPARING_REBALANCE") return;
    this.hbTimer = this.ctx.setTimer(this.s.heartbeatIntervalMs, `${this.tag}coord:hb`);
    if (this.ctx.nowUs - this.lastHeartbeatOkUs > this.s.sessionTimeoutMs * 1000) {
      this.lastHeartbeatOkUs = this.ctx.nowUs;
      this.coordinatorLost("no heartbeat answer within session.timeout.ms");
    }
    if (this.coordinator === null) return this.ensureCoordinator();
    if (this.hbInFlight >= 0) return;
    this.hbInFlight = this.send(this.coordinator, (correlationId) => ({ type: "Heartbeat", correlationId, groupId: this.groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: this.s.groupInstanceId }) satisfies HeartbeatRequest);
  }

  private onHeartbeatResponse(res: HeartbeatResponse): void {
    this.hbInFlight = -1;
    switch (res.error) {
      case "NONE":
        this.lastHeartbeatOkUs = this.ctx.nowUs;
        return;
      case "REBALANCE_IN_PROGRESS":
        this.lastHeartbeatOkUs = this.ctx.nowUs;
        if (this.state === "STABLE" && !this.rejoinNeeded) {
          this.ctx.trace("consumer.rebalance-requested", { groupId: this.groupId, memberId: this.memberId, generation: this.generation });
          this.rejoinNeeded = true;
        }
        return;
      default:
        if (!this.membershipError(res.error) && COORDINATOR_ERRORS.has(res.error)) this.coordinatorLost(res.error);
    }
  }

  private pollTimer = -1;
  private armPollTimer(): void {
    if (this.pollTimer < 0) this.pollTimer = this.ctx.setTimer(this.s.maxPollIntervalMs, `${this.tag}coord:poll-timeout`);
  }

  /** KIP-62: the application did not poll within max.poll.interval.ms. */
  private pollTimeout(): void {
    this.pollTimer = -1;
    const leftUs = this.lastPollUs + this.s.maxPollIntervalMs * 1000 - this.ctx.nowUs;
    if (leftUs > 0) {
      this.pollTimer = this.ctx.setTimer(leftUs / 1000, `${this.tag}coord:poll-timeout`);
      return;
    }
    if (this.state === "UNJOINED" || this.fatal || this.closed) return;
    this.ctx.trace("consumer.poll-timeout", { groupId: this.groupId, memberId: this.memberId, maxPollIntervalMs: this.s.maxPollIntervalMs, static: this.s.groupInstanceId !== null });
    this.maybeLeaveGroup("consumer poll timeout has expired");
  }

  /** AbstractCoordinator.maybeLeaveGroup: dynamic members send LeaveGroup; static members just go quiet. */
  private maybeLeaveGroup(reason: string): void {
    if (this.s.groupInstanceId === null && this.coordinator !== null && this.state !== "UNJOINED" && this.memberId !== "") {
      const memberId = this.memberId;
      this.send(this.coordinator, (correlationId) => ({ type: "LeaveGroup", correlationId, groupId: this.groupId, memberId, groupInstanceId: null }) satisfies LeaveGroupRequest);
      this.ctx.trace("consumer.leave-group", { groupId: this.groupId, memberId, reason });
    }
    this.resetGeneration(true, reason);
  }

  /** KafkaConsumer.close: commit (auto-commit) and leave. */
  close(): void {
    if (this.closed) return;
    if (this.s.enableAutoCommit && this.state === "STABLE") this.commit(this.subscriptions.allConsumed(), false, () => {}, "auto");
    this.maybeLeaveGroup("the consumer is being closed");
    this.closed = true;
  }

  // ---- offsets ----

  private maybeAutoCommit(): void {
    if (!this.s.enableAutoCommit || this.ctx.nowUs < this.nextAutoCommitUs) return;
    if (this.coordinator === null) {
      this.nextAutoCommitUs = this.ctx.nowUs + this.s.retryBackoffMs * 1000;
      return;
    }
    this.nextAutoCommitUs = this.ctx.nowUs + this.s.autoCommitIntervalMs * 1000;
    const offsets = this.subscriptions.allConsumed();
    if (offsets.length > 0) this.commit(offsets, false, (error) => error && this.ctx.trace("consumer.auto-commit-failed", { groupId: this.groupId, error }), "auto");
  }

  /** commitSync (sync: retried until default.api.timeout.ms) or commitAsync (one attempt). */
  commit(offsets: OffsetEntry[], sync: boolean, callback: CommitCallback, kind: "auto" | "sync" | "async" = sync ? "sync" : "async"): void {
    const observed = offsets.length > 0 ? this.observeCommits?.(offsets, this.generation, kind) : undefined;
    const cb: CommitCallback = observed ? (e) => (observed(e), callback(e)) : callback;
    if (this.fatal) return cb(this.fatal);
    // ConsumerCoordinator.sendOffsetCommitRequest: only a stable generation may commit.
    if (this.state !== "STABLE") return cb(this.rebalanceInProgress() ? "REBALANCE_IN_PROGRESS" : "COMMIT_FAILED");
    if (offsets.length === 0) return cb(null);
    const c: PendingCommit = { offsets, sync, cb, deadlineUs: this.ctx.nowUs + this.s.defaultApiTimeoutMs * 1000, inFlight: -1 };
    this.commits.push(c);
    this.sendCommit(c);
  }

  private sendCommit(c: PendingCommit): void {
    if (this.coordinator === null) {
      if (!c.sync) return this.commitFailed(c, "COORDINATOR_NOT_AVAILABLE");
      this.ensureCoordinator();
      return; // sent again when the coordinator is found
    }
    const gen = { generationId: this.generation, memberId: this.memberId };
    c.inFlight = this.send(this.coordinator, (correlationId) => ({ type: "OffsetCommit", correlationId, groupId: this.groupId, ...gen, groupInstanceId: this.s.groupInstanceId, offsets: c.offsets }) satisfies OffsetCommitRequest);
  }

  private commitFailed(c: PendingCommit, error: ErrorName): void {
    c.inFlight = -1;
    if (c.sync && !this.fatal && (COORDINATOR_ERRORS.has(error) || error === "COORDINATOR_LOAD_IN_PROGRESS") && this.ctx.nowUs < c.deadlineUs) {
      this.ctx.setTimer(this.s.retryBackoffMs, `${this.tag}coord:commit-retry`);
      return;
    }
    this.commits.splice(this.commits.indexOf(c), 1);
    c.cb(error);
  }

  private onCommitResponse(res: OffsetCommitResponse): void {
    const c = this.commits.find((x) => x.inFlight === res.correlationId);
    if (!c) return;
    c.inFlight = -1;
    switch (res.error) {
      case "NONE":
        this.commits.splice(this.commits.indexOf(c), 1);
        return c.cb(null);
      case "UNKNOWN_MEMBER_ID":
        this.resetGeneration(true, res.error);
        break;
      case "ILLEGAL_GENERATION":
        this.resetGeneration(false, res.error);
        break;
      case "REBALANCE_IN_PROGRESS":
        this.rejoinNeeded = true;
        break;
      case "FENCED_INSTANCE_ID":
        this.commits.splice(this.commits.indexOf(c), 1);
        c.cb(res.error);
        return this.fail(res.error);
      default:
        if (res.error === "NOT_COORDINATOR" || res.error === "COORDINATOR_NOT_AVAILABLE") this.coordinatorLost(res.error);
    }
    this.commitFailed(c, res.error);
  }

  /** ConsumerCoordinator.fetchCommittedOffsets (require_stable, KIP-447) for partitions with no position yet. */
  private fetchCommittedIfNeeded(): void {
    if (this.fetchInFlight >= 0 || this.coordinator === null || this.subscriptions.awaitingCommitted().length === 0) return;
    this.fetchInFlight = this.send(this.coordinator, (correlationId) => ({ type: "OffsetFetch", correlationId, groupId: this.groupId, requireStable: true }) satisfies OffsetFetchRequest);
  }

  private onOffsetFetch(res: OffsetFetchResponse): void {
    this.fetchInFlight = -1;
    if (res.error !== "NONE") {
      if (res.error === "NOT_COORDINATOR" || res.error === "COORDINATOR_NOT_AVAILABLE") this.coordinatorLost(res.error);
      this.ctx.setTimer(this.s.retryBackoffMs, `${this.tag}coord:fetch-retry`);
      return;
    }
    const committed = new Map(res.offsets.map((o) => [tpKey(o.topic, o.partition), o.offset]));
    for (const tp of this.subscriptions.awaitingCommitted()) this.subscriptions.setCommitted(tp, committed.get(tpKey(tp.topic, tp.partition)) ?? null);
  }

  // ---- dispatch ----

  onMessage(from: string, msg: { type: string; correlationId?: number }): boolean {
    const id = msg.correlationId ?? -1;
    switch (msg.type) {
      case "FindCoordinatorResponse": {
        if (id !== this.findInFlight) return false;
        this.findInFlight = -1;
        const res = msg as FindCoordinatorResponse;
        if (res.error === "NONE" && res.coordinator) {
          this.coordinator = res.coordinator;
          this.ctx.trace("consumer.coordinator-found", { groupId: this.groupId, coordinator: res.coordinator });
          for (const c of this.commits) if (c.inFlight < 0) this.sendCommit(c);
          this.fetchCommittedIfNeeded();
        } else this.ctx.setTimer(this.s.retryBackoffMs, `${this.tag}coord:find`);
        return true;
      }
      case "JoinGroupResponse":
        if (id !== this.joinInFlight) return true;
        this.onJoinResponse(msg as JoinGroupResponse);
        return true;
      case "SyncGroupResponse":
        if (id !== this.syncInFlight) return true;
        this.onSyncResponse(msg as SyncGroupResponse);
        return true;
      case "HeartbeatResponse":
        if (id !== this.hbInFlight) return true;
        this.onHeartbeatResponse(msg as HeartbeatResponse);
        return true;
      case "LeaveGroupResponse":
        return true;
      case "OffsetCommitResponse":
        this.onCommitResponse(msg as OffsetCommitResponse);
        return true;
      case "OffsetFetchResponse":
        if (id !== this.fetchInFlight) return false;
        this.onOffsetFetch(msg as OffsetFetchResponse);
        return true;
      case "Disconnected":
        if (from === this.coordinator) this.coordinatorLost("disconnected");
        return false;
    }
    return false;
  }

  onTimer(rest: string): void {
    if (rest === "hb") return this.heartbeatTick();
    if (rest === "poll-timeout") return this.pollTimeout();
    if (rest === "find") return this.ensureCoordinator();
    if (rest === "commit-retry") {
      for (const c of this.commits) if (c.inFlight < 0) this.sendCommit(c);
      return;
    }
    if (rest === "fetch-retry") return this.fetchCommittedIfNeeded();
    if (rest.startsWith("timeout:")) {
      const id = Number(rest.slice("timeout:".length));
      if (id === this.findInFlight) {
        this.findInFlight = -1;
        return this.ensureCoordinator();
      }
      const c = this.commits.find((x) => x.inFlight === id);
      if (id === this.joinInFlight || id === this.syncInFlight || id === this.hbInFlight || id === this.fetchInFlight || c) this.coordinatorLost("request timed out");
    }
  }
}

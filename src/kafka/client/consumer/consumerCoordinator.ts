import type { Timer } from "../../../sim/index.js";
import { assign, type AssignmentStrategy } from "../../assignors/index.js";
import type { ErrorName } from "../../protocol/errors.js";
import type {
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  SyncGroupRequest,
  SyncGroupResponse,
  TopicPartitionRef,
} from "../../protocol/groupMessages.js";
import { tpKey } from "../../protocol/messages.js";
import type { RequestState } from "../requestState.js";
import { type ClassicResponseHandlers, type CommitErrorOutcome, type CommitIdentity, COORDINATOR_ERRORS, GroupMember, type GroupMemberDeps, type SentCommit } from "./groupMember.js";

/** AbstractCoordinator.MemberState. */
export type MemberState = "UNJOINED" | "PREPARING_REBALANCE" | "COMPLETING_REBALANCE" | "STABLE";

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
export class ConsumerCoordinator extends GroupMember {
  state: MemberState = "UNJOINED";
  private joinInFlight = -1;
  private syncInFlight = -1;
  private hbInFlight = -1;
  /** The generation the heartbeat in flight carried (HeartbeatResponseHandler's `sentGeneration`). */
  private hbSent = { generationId: -1, memberId: "" };
  private rejoinNeeded = true;
  /** onJoinPrepare has run for the rebalance under way (AbstractCoordinator.needsJoinPrepare). */
  private prepared = false;
  /** The auto-commit onJoinPrepare sent, until it ends: the JoinGroup waits for it (autoCommitOffsetRequestFuture). */
  private prepareCommit: { done: boolean } | null = null;
  private completed: TopicPartitionRef[] | null = null;
  private lastHeartbeatOkUs = 0;
  private leaderPartitionCounts: string | null = null;
  private leaderId = "";
  private hbTimer = -1;
  private joined = { generationId: -1, memberId: "" };
  /** heartbeat.interval.ms: the background heartbeat thread's next beat. */
  private readonly heartbeatTimer: Timer;
  /**
   * Heartbeat.retryBackoff and heartbeatAttempts: a failed heartbeat is sent again after backoff(failures in a row),
   * not an interval later (Heartbeat.failHeartbeat); an answered one restarts the count (receiveHeartbeat).
   */
  private readonly hbBackoff: RequestState;

  constructor(d: GroupMemberDeps) {
    super(d);
    this.heartbeatTimer = d.ctx.timer(() => this.heartbeatTick());
    this.hbBackoff = this.newRequestState();
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

  rebalanceInProgress(): boolean {
    return this.state === "PREPARING_REBALANCE" || this.state === "COMPLETING_REBALANCE" || this.completed !== null;
  }

  // ---- the poll path ----

  /** ConsumerCoordinator.poll: called from KafkaConsumer.poll(). */
  poll(): void {
    if (this.fatal || this.closed) return;
    if (this.completed !== null) this.onJoinComplete(this.completed);
    this.restartPollBackoffs();
    this.pollCommon();
    if (!this.rejoinNeeded && this.state === "STABLE" && this.isLeader() && this.leaderPartitionCounts !== null && this.leaderPartitionCounts !== this.partitionCounts()) {
      this.ctx.trace("consumer.metadata-changed", { groupId: this.groupId });
      this.rejoinNeeded = true;
    }
    if (this.rejoinNeeded && this.coordinator !== null && this.state !== "PREPARING_REBALANCE" && this.state !== "COMPLETING_REBALANCE") {
      // AbstractCoordinator.joinGroupIfNeeded: onJoinPrepare runs as soon as the coordinator is known; only the
      // JoinGroup waits out retry.backoff.ms. A member whose generation was reset (a commit refused UNKNOWN_MEMBER_ID
      // after a GC pause) so reports its partitions lost on its next poll, before that poll returns their records.
      if (!this.prepared) this.onJoinPrepare();
      // ConsumerCoordinator.onJoinPrepare returns false while its auto-commit is unanswered (retried on retriable
      // errors, up to the rebalance timeout): no JoinGroup until a poll finds it ended, successfully or not.
      if (this.prepareCommit?.done) this.prepareCommit = null;
      if (this.prepareCommit === null && this.ctx.nowUs >= this.retryAtUs) this.sendJoin();
    }
    this.maybeAutoCommit();
    this.fetchCommittedIfNeeded();
  }

  private isLeader(): boolean {
    return this.leaderId === this.memberId && this.memberId !== "";
  }

  protected onCoordinatorLost(): void {
    if (this.joinInFlight >= 0 || this.syncInFlight >= 0) {
      this.joinInFlight = this.syncInFlight = -1;
      // The JoinGroup is sent again (with the member id and generation kept) once the coordinator is found.
      this.state = "UNJOINED";
      this.rejoinNeeded = true;
    }
    // A heartbeat in flight fails with the coordinator (its DisconnectException reaches the heartbeat thread's onFailure).
    if (this.hbInFlight >= 0) {
      this.hbInFlight = -1;
      this.failHeartbeat();
    }
  }

  /** AbstractCoordinator.ensureCoordinatorReady: a lost coordinator is looked up at once (no back-off after a found one). */
  protected override get backOffAfterFoundCoordinator(): boolean {
    return false;
  }

  /**
   * The heartbeat thread, finding the coordinator known again, sends at once a heartbeat whose failure back-off has
   * run out (HeartbeatThread.run: `heartbeat.shouldHeartbeat(now)` on its next loop).
   */
  protected override onCoordinatorFound(): void {
    if (this.hbBackoff.attempts === 0 || this.hbInFlight >= 0 || this.fatal || this.closed) return;
    if (this.state !== "COMPLETING_REBALANCE" && this.state !== "STABLE") return;
    this.armHeartbeat(this.hbBackoff.remainingBackoffUs(this.ctx.nowUs) / 1000);
  }

  /**
   * ConsumerCoordinator.onJoinPrepare: commit (enable.auto.commit; the JoinGroup waits for the answer), then revoke
   * (eager) or report lost partitions. Simplified: the eager revocation runs at once rather than after the commit
   * (Kafka marks the partitions pending revocation meanwhile, so the application sees no more of their records
   * either way), and a retried commit resends the first attempt's offsets.
   */
  private onJoinPrepare(): void {
    this.prepared = true;
    const owned = this.subscriptions.owned();
    const hasGeneration = this.generation >= 0 && this.memberId !== "";
    if (this.s.enableAutoCommit && hasGeneration && this.state === "STABLE" && this.prepareCommit === null) {
      const prepareCommit = { done: false };
      this.prepareCommit = prepareCommit;
      this.commit(this.subscriptions.allConsumed(), true, () => (prepareCommit.done = true), "auto", this.s.maxPollIntervalMs);
    }
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
          const result = assign(this.protocol as AssignmentStrategy, counts, members);
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
      // AbstractCoordinator.JoinGroupResponseHandler: fatal, GroupMaxSizeReachedException to the application.
      case "GROUP_MAX_SIZE_REACHED":
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
    // The interval auto-commit counts again from the new assignment (nextAutoCommitTimer.updateAndReset).
    if (this.s.enableAutoCommit) this.resetAutoCommitTimer();
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
    // AbstractCoordinator.resetStateAndRejoin sets needsJoinPrepare: a reset in the middle of a rebalance (a refused
    // JoinGroup after onJoinPrepare already ran) runs onJoinPrepare again, which gives the partitions up as lost.
    this.prepared = false;
  }

  protected override fail(error: ErrorName): void {
    super.fail(error);
    this.state = "UNJOINED";
  }

  // ---- heartbeats and the poll timer (AbstractCoordinator.HeartbeatThread) ----

  private startHeartbeats(): void {
    this.lastHeartbeatOkUs = this.ctx.nowUs;
    if (this.hbTimer < 0) this.hbTimer = this.heartbeatTimer.set(this.s.heartbeatIntervalMs);
  }

  /** The heartbeat thread's next wake-up in `ms`, replacing the one set before. */
  private armHeartbeat(ms: number): void {
    if (this.hbTimer >= 0) this.heartbeatTimer.cancel(this.hbTimer);
    this.hbTimer = this.heartbeatTimer.set(ms);
  }

  /**
   * Heartbeat.failHeartbeat: the heartbeat timer is reset to retryBackoff.backoff(heartbeatAttempts++) — retry.backoff.ms
   * doubling with each failure in a row up to retry.backoff.max.ms, jittered — and the thread is woken to send then.
   */
  private failHeartbeat(): void {
    this.hbBackoff.onFailedAttempt(this.ctx.nowUs);
    this.armHeartbeat(this.hbBackoff.remainingBackoffUs(this.ctx.nowUs) / 1000);
  }

  private heartbeatTick(): void {
    this.hbTimer = -1;
    if (this.fatal || this.closed || this.state === "UNJOINED" || this.state === "PREPARING_REBALANCE") return;
    this.hbTimer = this.heartbeatTimer.set(this.s.heartbeatIntervalMs);
    if (this.ctx.nowUs - this.lastHeartbeatOkUs > this.s.sessionTimeoutMs * 1000) {
      this.lastHeartbeatOkUs = this.ctx.nowUs;
      this.coordinatorLost("no heartbeat answer within session.timeout.ms");
    }
    if (this.coordinator === null) return this.ensureCoordinator();
    if (this.hbInFlight >= 0) return;
    this.hbSent = { generationId: this.generation, memberId: this.memberId };
    this.hbInFlight = this.send(this.coordinator, (correlationId) => ({ type: "Heartbeat", correlationId, groupId: this.groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: this.s.groupInstanceId }) satisfies HeartbeatRequest);
  }

  private onHeartbeatResponse(res: HeartbeatResponse): void {
    this.hbInFlight = -1;
    switch (res.error) {
      case "NONE":
        this.lastHeartbeatOkUs = this.ctx.nowUs;
        this.hbBackoff.reset(); // Heartbeat.receiveHeartbeat: heartbeatAttempts = 0
        return;
      case "REBALANCE_IN_PROGRESS":
        this.lastHeartbeatOkUs = this.ctx.nowUs;
        this.hbBackoff.reset();
        if (this.state === "STABLE" && !this.rejoinNeeded) {
          this.ctx.trace("consumer.rebalance-requested", { groupId: this.groupId, memberId: this.memberId, generation: this.generation });
          this.rejoinNeeded = true;
        }
        return;
      case "ILLEGAL_GENERATION":
      case "UNKNOWN_MEMBER_ID":
      case "FENCED_INSTANCE_ID":
        // AbstractCoordinator.HeartbeatResponseHandler: the error ends the membership only if the generation is the
        // one the heartbeat carried (generationUnchanged); an answer to a heartbeat of an older generation (a
        // rebalance completed while it was in flight) is ignored, and counts as a heartbeat received.
        if (this.hbSent.generationId !== this.generation || this.hbSent.memberId !== this.memberId) {
          this.lastHeartbeatOkUs = this.ctx.nowUs;
          return;
        }
        // failHeartbeat counts the failure; the member is out of the generation, so the thread stops until it has
        // joined again (HeartbeatThread.enable resets the timer to the interval).
        if (res.error !== "FENCED_INSTANCE_ID") this.hbBackoff.onFailedAttempt(this.ctx.nowUs);
        this.membershipError(res.error);
        return;
      default:
        // Any other error fails the heartbeat (HeartbeatThread's onFailure → failHeartbeat): sent again after the
        // back-off, once the coordinator is known.
        this.failHeartbeat();
        if (!this.membershipError(res.error) && COORDINATOR_ERRORS.has(res.error)) this.coordinatorLost(res.error);
    }
  }

  /** KIP-62: the application did not poll within max.poll.interval.ms. */
  protected onPollTimeout(): void {
    if (this.state === "UNJOINED") return;
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

  /** ConsumerCoordinator.sendOffsetCommitRequest: only a stable generation may commit. */
  protected commitIdentity(): CommitIdentity | ErrorName {
    if (this.state !== "STABLE") return this.rebalanceInProgress() ? "REBALANCE_IN_PROGRESS" : "COMMIT_FAILED";
    return { generationId: this.generation, memberId: this.memberId };
  }

  /**
   * ConsumerCoordinator.OffsetCommitResponseHandler.handle (apache/kafka 1eb7644). REBALANCE_IN_PROGRESS: rejoin
   * (requestRejoin) keeping the generation, RebalanceInProgressException. UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION:
   * if the member's generation is no longer the one the commit carried and it is already rejoining
   * (PREPARING_REBALANCE), only RebalanceInProgressException — the stale answer must not reset the rebalance under
   * way; otherwise resetStateOnResponseError (the member id kept on ILLEGAL_GENERATION) and CommitFailedException.
   * None of them is retriable: commitSync throws at once.
   */
  protected onCommitMembershipError(error: ErrorName, commit: SentCommit): CommitErrorOutcome | null {
    switch (error) {
      case "REBALANCE_IN_PROGRESS":
        this.rejoinNeeded = true;
        return { error: "REBALANCE_IN_PROGRESS", retriable: false };
      case "UNKNOWN_MEMBER_ID":
      case "ILLEGAL_GENERATION": {
        // OffsetCommitResponseHandler.generationUnchanged: Generation.equals on generation id and member id (the
        // protocol name changes only with a new generation id here).
        const generationUnchanged = commit.sent.generationId === this.generation && commit.sent.memberId === this.memberId;
        if (!generationUnchanged && this.state === "PREPARING_REBALANCE") return { error: "REBALANCE_IN_PROGRESS", retriable: false };
        this.membershipError(error);
        return { error: "COMMIT_FAILED", retriable: false };
      }
      default:
        return null;
    }
  }

  // ---- answers ----

  protected readonly classicHandlers: ClassicResponseHandlers = {
    JoinGroupResponse: (res) => {
      if (res.correlationId === this.joinInFlight) this.onJoinResponse(res);
    },
    SyncGroupResponse: (res) => {
      if (res.correlationId === this.syncInFlight) this.onSyncResponse(res);
    },
    HeartbeatResponse: (res) => {
      if (res.correlationId === this.hbInFlight) this.onHeartbeatResponse(res);
    },
    // Nobody waits for a LeaveGroup's answer (AbstractCoordinator.maybeLeaveGroup sends and forgets).
    LeaveGroupResponse: () => {},
  };

  /** A classic member sends no ConsumerGroupHeartbeat: nothing to answer. */
  protected onConsumerGroupHeartbeatResponse(): void {}

  protected onRequestTimeout(id: number): boolean {
    return id === this.joinInFlight || id === this.syncInFlight || id === this.hbInFlight;
  }
}

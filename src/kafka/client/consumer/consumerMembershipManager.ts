import type { Timer } from "../../../sim/index.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, TopicPartitionRef } from "../../protocol/groupMessages.js";
import { tpKey } from "../../protocol/messages.js";
import type { RequestState } from "../requestState.js";
import { type ClassicResponseHandlers, type CommitErrorOutcome, type CommitIdentity, COORDINATOR_ERRORS, GroupMember, type GroupMemberDeps, type SentCommit } from "./groupMember.js";

/** The member states of Kafka's `MemberState` (clients/.../consumer/internals/MemberState.java) that the model uses. */
export type MembershipState = "JOINING" | "RECONCILING" | "ACKNOWLEDGING" | "STABLE" | "FENCED" | "STALE" | "LEAVING" | "UNSUBSCRIBED" | "FATAL";

/**
 * The Java consumer's KIP-848 membership (`ConsumerMembershipManager`, `ConsumerHeartbeatRequestManager`;
 * group.protocol=consumer): no JoinGroup/SyncGroup barrier. The member joins with epoch 0, heartbeats at the interval
 * the coordinator gives, and reconciles each assignment it receives on the next poll — revoking what left it
 * (with auto-commit, only once a commit of everything consumed has been answered), taking what arrived — then
 * acknowledges at once with a heartbeat listing what it owns. Fenced (FENCED_MEMBER_EPOCH, UNKNOWN_MEMBER_ID) it
 * loses its partitions and rejoins with epoch 0; past max.poll.interval.ms it leaves (-1, or -2 when static) and
 * rejoins on its next poll.
 * The member turns STABLE when its acknowledging heartbeat is sent (AbstractMembershipManager.
 * onHeartbeatRequestGenerated), and reconciles any target other than its current assignment, the first one after
 * joining included even when empty (AbstractMembershipManager.processAssignmentReceived, LocalAssignment).
 * Simplified: every heartbeat carries the full subscription and owned partitions; no regex subscriptions; the ack
 * leaves within the poll that reconciled (Kafka: the background thread's next heartbeat poll). Heartbeat timing
 * follows HeartbeatRequestState (see armHeartbeat and heartbeatTick).
 */
export class ConsumerMembershipManager extends GroupMember {
  state: MembershipState = "JOINING";
  private hbInFlight = -1;
  private hbTimer = -1;
  private intervalMs: number;
  /**
   * HeartbeatRequestState.heartbeatTimer: when the interval since the last heartbeat sent runs out (µs). Reset to the
   * interval at every send (makeHeartbeatRequest → resetTimer), to now after a failed attempt (onFailedAttempt), and
   * to now + the new interval when the coordinator changes the interval (updateHeartbeatIntervalMs → updateAndReset).
   */
  private hbDueUs = 0;
  /**
   * HeartbeatRequestState's RequestState back-off: after an answer no heartbeat before backoff(0) (a success:
   * onSuccessfulAttempt keeps the minimal back-off) or backoff(failures so far) (onFailedAttempt), retry.backoff.ms
   * doubling up to retry.backoff.max.ms with ±20% jitter; none after reset().
   * Kafka at apache/kafka 1eb7644 builds this state with max.poll.interval.ms as its jitter (AbstractHeartbeatRequestManager's
   * constructor; KAFKA-19813, fixed since with CommonClientConfigs.RETRY_BACKOFF_JITTER): the model uses 0.2, the
   * jitter Kafka meant and every other RequestState has.
   */
  private readonly hbState: RequestState;
  /**
   * AbstractMembershipManager.currentTargetAssignment: the latest assignment received, with its local epoch; null is
   * LocalAssignment.NONE (nothing received since the member joined).
   */
  private targetAssignment: LocalAssignment | null = null;
  /**
   * AbstractMembershipManager.currentAssignment: the last assignment reconciled; null is LocalAssignment.NONE (not in
   * the group, or nothing reconciled since joining — so even an empty first assignment is reconciled).
   */
  private currentAssignment: LocalAssignment | null = null;
  /**
   * The assignment being reconciled while the auto-commit before it is in flight (AbstractMembershipManager's
   * reconciliationInProgress); `committed` once that commit has ended, successfully or not.
   */
  private reconciling: { target: LocalAssignment; committed: boolean } | null = null;
  private lostPending = false;
  private joined = { generationId: -1, memberId: "" };
  /** The heartbeat interval the coordinator gave: the next heartbeat. */
  private readonly heartbeatTimer: Timer;

  constructor(d: GroupMemberDeps) {
    super(d);
    this.heartbeatTimer = d.ctx.timer(() => this.heartbeatTick());
    // Kafka 4 clients choose their member id (a UUID), kept across rejoins.
    this.memberId = `${d.ctx.name}-${d.ctx.incarnation}-${d.ctx.stream("member-id").int(0x7fffffff).toString(36)}`;
    this.generation = 0;
    this.protocol = `consumer/${d.settings.remoteAssignor ?? "default"}`;
    this.intervalMs = d.settings.retryBackoffMs;
    this.hbState = this.newRequestState();
  }

  groupMetadata(): { groupId: string; generationId: number; memberId: string; groupInstanceId?: string } {
    return { groupId: this.groupId, ...this.joined, ...(this.s.groupInstanceId !== null ? { groupInstanceId: this.s.groupInstanceId } : {}) };
  }

  rebalanceInProgress(): boolean {
    return this.state === "JOINING" || this.state === "RECONCILING" || this.state === "ACKNOWLEDGING";
  }

  poll(): void {
    if (this.fatal || this.closed) return;
    if (this.lostPending || this.state === "STALE") this.rejoinAfterLoss();
    if (this.state === "RECONCILING" && this.reconciling === null) this.maybeReconcile();
    if (this.reconciling?.committed) this.revokeAndAssign(this.reconciling.target);
    this.pollCommon();
    if ((this.state === "JOINING" || this.state === "ACKNOWLEDGING") && this.hbInFlight < 0) this.heartbeat();
    this.maybeAutoCommit();
    this.fetchCommittedIfNeeded();
  }

  /** After a fence or a poll timeout: whatever was owned is lost; join again with epoch 0 (same member id). */
  private rejoinAfterLoss(): void {
    const owned = this.subscriptions.owned();
    this.lostPending = false;
    // clearAssignment / clearPendingAssignmentsAndLocalNamesCache: both back to LocalAssignment.NONE.
    this.targetAssignment = null;
    this.currentAssignment = null;
    // A reconciliation waiting for its commit is no longer relevant (maybeAbortReconciliation).
    this.reconciling = null;
    if (owned.length > 0) {
      this.listener.onPartitionsLost(owned, this.generation);
      this.subscriptions.setAssignment([]);
    }
    this.generation = 0;
    this.state = "JOINING";
    this.ctx.trace("consumer.rejoin", { groupId: this.groupId, memberId: this.memberId });
  }

  /**
   * AbstractMembershipManager.maybeReconcile. Without enable.auto.commit the assignment is applied at once, on the
   * poll (the application thread, where a rebalance listener runs). With it, reconciliation starts as soon as the
   * assignment arrives (Kafka's background thread): commit everything consumed, all partitions and not only those
   * leaving, and wait for the answer (ConsumerMembershipManager.signalReconciliationStarted →
   * CommitRequestManager.maybeAutoCommitSyncBeforeRevocation, retried until the rebalance timeout,
   * max.poll.interval.ms); the first poll after it ends, successful or not, revokes, assigns and acknowledges.
   * Until then the application keeps the records it polled, so what a poll returns while the commit is in flight
   * is processed and not committed — Kafka's own window. An assignment arriving meanwhile waits for the next
   * reconciliation. Simplified: a retry resends the first attempt's offsets (Kafka re-reads allConsumed), and the
   * revocation waits for a poll even when no rebalance listener would need one.
   */
  private maybeReconcile(): void {
    const target = this.targetAssignment;
    if (target === null || this.targetAssignmentReconciled() || this.reconciling !== null) return;
    // The partitions are those already reconciled (only the local epoch moved): acknowledge without callbacks.
    if (this.currentAssignment !== null && sameAssignment(this.currentAssignment.partitions, target.partitions)) {
      this.currentAssignment = target;
      this.state = "ACKNOWLEDGING";
      if (this.hbInFlight < 0) this.heartbeat();
      return;
    }
    if (!this.s.enableAutoCommit) return this.revokeAndAssign(target);
    const reconciling = { target, committed: false };
    this.reconciling = reconciling;
    this.commit(this.subscriptions.allConsumed(), true, () => (reconciling.committed = true), "auto", this.s.maxPollIntervalMs);
  }

  /**
   * AbstractMembershipManager.revokeAndAssign / assignPartitions: revoke what left (onPartitionsRevoked, only if
   * something did), assign what arrived — onPartitionsAssigned is called on every reconciliation, with nothing too
   * (ConsumerMembershipManager.invokeOnPartitionsAssignedCallback) — then acknowledge.
   */
  private revokeAndAssign(target: LocalAssignment): void {
    this.reconciling = null;
    const owned = this.subscriptions.owned();
    const want = new Set(target.partitions.map((t) => tpKey(t.topic, t.partition)));
    const have = new Set(owned.map((t) => tpKey(t.topic, t.partition)));
    const revoked = owned.filter((t) => !want.has(tpKey(t.topic, t.partition)));
    const added = target.partitions.filter((t) => !have.has(tpKey(t.topic, t.partition)));
    if (revoked.length > 0) this.listener.onPartitionsRevoked(revoked, this.generation);
    this.subscriptions.setAssignment(target.partitions);
    this.currentAssignment = target;
    this.joined = { generationId: this.generation, memberId: this.memberId };
    this.listener.onPartitionsAssigned(added, this.generation, this.memberId);
    // signalReconciliationCompleting: the interval auto-commit counts again from the new assignment.
    if (this.s.enableAutoCommit) this.resetAutoCommitTimer();
    this.state = "ACKNOWLEDGING";
    this.fetchCommittedIfNeeded();
    if (this.hbInFlight < 0) this.heartbeat();
  }

  /**
   * AbstractMembershipManager.shouldHeartbeatNow: a member joining or acknowledging an assignment heartbeats without
   * waiting for the interval or the back-off (AbstractHeartbeatRequestManager.poll's `heartbeatNow`, when none is in
   * flight) — after an error or a coordinator change too. (LEAVING is the leave heartbeat, sent at once anyway.)
   */
  private shouldHeartbeatNow(): boolean {
    return this.state === "JOINING" || this.state === "ACKNOWLEDGING";
  }

  /**
   * Sends a ConsumerGroupHeartbeat now (the callers have decided it may go: heartbeatNow, or canSendRequest in
   * heartbeatTick); with the coordinator unknown, the heartbeat poll is skipped and the coordinator looked up — the
   * heartbeat goes when it is found (onCoordinatorFound).
   */
  private heartbeat(epoch = this.generation): void {
    if (this.coordinator === null) return this.ensureCoordinator();
    const req = (correlationId: number): ConsumerGroupHeartbeatRequest => ({
      type: "ConsumerGroupHeartbeat",
      correlationId,
      groupId: this.groupId,
      memberId: this.memberId,
      memberEpoch: epoch,
      instanceId: this.s.groupInstanceId,
      rebalanceTimeoutMs: this.s.maxPollIntervalMs,
      subscribedTopicNames: this.topics,
      serverAssignor: this.s.remoteAssignor,
      topicPartitions: epoch === 0 ? [] : this.subscriptions.owned(),
    });
    if (epoch < 0) {
      this.send(this.coordinator, req); // leaving: nobody waits for the answer
      return;
    }
    this.hbInFlight = this.send(this.coordinator, req);
    // AbstractHeartbeatRequestManager.makeHeartbeatRequest: onSendAttempt, then heartbeatRequestState.resetTimer().
    this.hbDueUs = this.ctx.nowUs + this.intervalMs * 1000;
    // AbstractMembershipManager.onHeartbeatRequestGenerated: the acknowledgement is done once it is sent, not answered.
    if (this.state === "ACKNOWLEDGING") this.state = this.targetAssignmentReconciled() ? "STABLE" : "RECONCILING";
    if (this.state === "STABLE" && this.joined.generationId !== this.generation) this.joined = { generationId: this.generation, memberId: this.memberId };
  }

  /**
   * Wakes the member when AbstractHeartbeatRequestManager.poll would send: at once if shouldHeartbeatNow, else when
   * HeartbeatRequestState.canSendRequest turns true — the heartbeat timer has run out and the back-off after the last
   * answer has passed (the later of the two). Replaces any wake-up set before.
   */
  private armHeartbeat(): void {
    if (this.hbTimer >= 0) this.heartbeatTimer.cancel(this.hbTimer);
    const atUs = this.shouldHeartbeatNow() ? this.ctx.nowUs : Math.max(this.hbDueUs, this.hbState.backoffEndsUs(), this.ctx.nowUs);
    this.hbTimer = this.heartbeatTimer.set((atUs - this.ctx.nowUs) / 1000);
  }

  private onHeartbeatResponse(res: ConsumerGroupHeartbeatResponse): void {
    this.hbInFlight = -1;
    if (this.fatal || this.closed || this.state === "STALE") return;
    if (res.error === "NONE") {
      // AbstractHeartbeatRequestManager.onResponse: updateHeartbeatIntervalMs, then onSuccessfulAttempt (the
      // minimal back-off, backoff(0), counts from this answer).
      this.hbState.onSuccessfulAttempt(this.ctx.nowUs);
      // HeartbeatRequestState.updateHeartbeatIntervalMs: a new interval restarts the timer from now.
      if (res.heartbeatIntervalMs !== this.intervalMs) this.hbDueUs = this.ctx.nowUs + res.heartbeatIntervalMs * 1000;
      this.intervalMs = res.heartbeatIntervalMs;
      if (res.memberEpoch !== this.generation) this.ctx.trace("consumer.member-epoch", { groupId: this.groupId, memberId: this.memberId, memberEpoch: res.memberEpoch, previous: this.generation });
      this.generation = res.memberEpoch;
      if (res.assignment !== null) this.processAssignmentReceived(res.assignment);
      if (this.state === "STABLE" && this.joined.generationId !== this.generation) this.joined = { generationId: this.generation, memberId: this.memberId };
      this.armHeartbeat();
      // shouldHeartbeatNow: an acknowledgement that waited for this answer goes now.
      if (this.state === "ACKNOWLEDGING") this.heartbeat();
      return;
    }
    this.ctx.trace("consumer.heartbeat-failed", { groupId: this.groupId, memberId: this.memberId, memberEpoch: this.generation, error: res.error });
    // AbstractHeartbeatRequestManager.onErrorResponse: HeartbeatRequestState.onFailedAttempt — the next heartbeat need
    // not wait for the interval (heartbeatTimer.reset(0)) but waits backoff(failures so far).
    this.hbState.onFailedAttempt(this.ctx.nowUs);
    this.hbDueUs = this.ctx.nowUs;
    switch (res.error) {
      case "FENCED_MEMBER_EPOCH":
      case "UNKNOWN_MEMBER_ID":
        // Fenced: the partitions are lost (on the next poll) and the member joins again with epoch 0, without
        // back-off (heartbeatRequestState.reset()).
        this.hbState.reset();
        this.state = "FENCED";
        this.lostPending = true;
        return;
      case "UNRELEASED_INSTANCE_ID":
      case "FENCED_INSTANCE_ID":
      case "GROUP_ID_NOT_FOUND":
      case "UNSUPPORTED_ASSIGNOR":
      // AbstractHeartbeatRequestManager.onErrorResponse: handleFatalFailure, as for INVALID_REQUEST.
      case "GROUP_MAX_SIZE_REACHED":
        this.state = "FATAL";
        return this.fail(res.error);
      default:
        // NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE: "Skip backoff so that the next HB is sent as soon as the new
        // coordinator is discovered" (heartbeatRequestState.reset()); the coordinator lookup backs off itself.
        // Others (COORDINATOR_LOAD_IN_PROGRESS) wait the back-off.
        if (res.error === "NOT_COORDINATOR" || res.error === "COORDINATOR_NOT_AVAILABLE") this.hbState.reset();
        if (COORDINATOR_ERRORS.has(res.error)) this.coordinatorLost(res.error);
        this.armHeartbeat();
    }
  }

  /**
   * AbstractMembershipManager.processAssignmentReceived / replaceTargetAssignmentWithNewAssignment: an assignment
   * other than the target so far (or the first since joining, even empty) becomes the new target with the next local
   * epoch; one not yet reconciled turns the member RECONCILING (reconciled on the next poll, or with auto-commit now:
   * see maybeReconcile), and the target received again takes a RECONCILING or JOINING member to STABLE.
   */
  private processAssignmentReceived(partitions: TopicPartitionRef[]): void {
    const target = this.targetAssignment;
    if (target === null || !sameAssignment(target.partitions, partitions)) this.targetAssignment = { localEpoch: (target?.localEpoch ?? -1) + 1, partitions };
    if (!this.targetAssignmentReconciled()) {
      this.state = "RECONCILING";
      // The auto-commit before a reconciliation is sent now, not on the next poll (see maybeReconcile).
      if (this.s.enableAutoCommit) this.maybeReconcile();
    } else if (this.state === "RECONCILING" || this.state === "JOINING") this.state = "STABLE";
  }

  /** AbstractMembershipManager.targetAssignmentReconciled: the current assignment is the target (epoch and partitions). */
  private targetAssignmentReconciled(): boolean {
    const [t, c] = [this.targetAssignment, this.currentAssignment];
    if (t === null || c === null) return t === c;
    return t.localEpoch === c.localEpoch && sameAssignment(t.partitions, c.partitions);
  }

  /**
   * AbstractHeartbeatRequestManager.poll on the member's wake-up: a heartbeat if shouldHeartbeatNow, or once
   * HeartbeatRequestState.canSendRequest (timer run out, back-off passed), none being in flight. While one is in
   * flight the member sleeps: its answer, or its loss, wakes it. With the coordinator unknown the poll is skipped and
   * the coordinator looked up; the member is woken again when it is found (onCoordinatorFound), as Kafka's background
   * thread polls the heartbeat manager again right after the CoordinatorRequestManager's answer.
   */
  private heartbeatTick(): void {
    this.hbTimer = -1;
    if (this.fatal || this.closed || this.state === "STALE" || this.state === "FENCED" || this.hbInFlight >= 0) return;
    const now = this.ctx.nowUs;
    if (!this.shouldHeartbeatNow() && (now < this.hbDueUs || now < this.hbState.backoffEndsUs())) return this.armHeartbeat();
    this.heartbeat();
  }

  protected override onCoordinatorFound(): void {
    if (this.fatal || this.closed || this.state === "STALE" || this.state === "FENCED" || this.hbInFlight >= 0) return;
    this.armHeartbeat();
  }

  protected onPollTimeout(): void {
    if (this.state === "STALE" || this.state === "FENCED") return;
    this.ctx.trace("consumer.poll-timeout", { groupId: this.groupId, memberId: this.memberId, maxPollIntervalMs: this.s.maxPollIntervalMs, static: this.s.groupInstanceId !== null });
    this.leave();
    this.state = "STALE";
  }

  /** Leave with epoch -1, or -2 for a static member (it may come back to its assignment within the session). */
  private leave(): void {
    const epoch = this.s.groupInstanceId !== null ? -2 : -1;
    this.ctx.trace("consumer.leave-group", { groupId: this.groupId, memberId: this.memberId, memberEpoch: epoch });
    if (this.coordinator !== null) this.heartbeat(epoch);
  }

  close(): void {
    if (this.closed) return;
    if (this.s.enableAutoCommit && this.generation > 0) this.commit(this.subscriptions.allConsumed(), false, () => {}, "auto");
    this.leave();
    this.state = "UNSUBSCRIBED";
    this.closed = true;
  }

  /**
   * CommitRequestManager.OffsetCommitRequestState.toUnsentRequest (apache/kafka 1eb7644): the commit carries the member
   * id and epoch the membership manager last notified (onMemberEpochUpdated). A member without a positive epoch —
   * fenced, left after a poll timeout (STALE), or joining — has notified neither (AbstractMembershipManager.
   * updateMemberEpoch), so its commit is still sent, with the request's defaults: member id "" and epoch -1. It is
   * not failed locally: the coordinator takes it if the group has no members (ConsumerGroup.validateOffsetCommit, the
   * admin / assign() path) and otherwise answers UNKNOWN_MEMBER_ID (CommitFailedException).
   */
  protected commitIdentity(): CommitIdentity | ErrorName {
    if (this.generation <= 0 || this.state === "FENCED" || this.state === "STALE") return { generationId: -1, memberId: "" };
    return { generationId: this.generation, memberId: this.memberId };
  }

  /**
   * CommitRequestManager (apache/kafka 1eb7644). OffsetCommitRequestState.onResponse only fails the commit; it never
   * touches the membership. UNKNOWN_MEMBER_ID: CommitFailedException — the member learns it is fenced from its next
   * heartbeat's answer (AbstractHeartbeatRequestManager.onErrorResponse → transitionToFenced), so until then it keeps
   * its partitions. STALE_MEMBER_EPOCH (StaleMemberEpochException, not a RetriableException): commitSync raises
   * CommitFailedException (commitSyncExceptionForError); commitAsync and the interval auto-commit see the error
   * itself; only the auto-commit before a revocation retries it, with the latest epoch, while the member has one
   * (autoCommitSyncBeforeRevocationWithRetries, isStaleEpochErrorAndValidEpochAvailable: epoch > 0).
   */
  protected onCommitMembershipError(error: ErrorName, commit: SentCommit): CommitErrorOutcome | null {
    switch (error) {
      case "UNKNOWN_MEMBER_ID":
        return { error: "COMMIT_FAILED", retriable: false };
      case "STALE_MEMBER_EPOCH":
        if (commit.kind === "auto") return { error, retriable: commit.sync && this.generation > 0 };
        return { error: commit.sync ? "COMMIT_FAILED" : error, retriable: false };
      default:
        return null;
    }
  }

  protected onCoordinatorLost(): void {
    // A heartbeat in flight is a failed attempt (AbstractHeartbeatRequestManager.onFailure → onFailedAttempt: the
    // timer reset to 0, the back-off backoff(failures so far)).
    if (this.hbInFlight >= 0) {
      this.hbDueUs = this.ctx.nowUs;
      this.hbState.onFailedAttempt(this.ctx.nowUs);
    }
    this.hbInFlight = -1;
    this.armHeartbeat();
  }

  /** A KIP-848 member sends none of the classic protocol's requests: nothing to answer. */
  protected readonly classicHandlers: ClassicResponseHandlers = {
    JoinGroupResponse: () => {},
    SyncGroupResponse: () => {},
    HeartbeatResponse: () => {},
    LeaveGroupResponse: () => {},
  };

  protected onConsumerGroupHeartbeatResponse(res: ConsumerGroupHeartbeatResponse): void {
    if (res.correlationId === this.hbInFlight) this.onHeartbeatResponse(res);
  }

  protected onRequestTimeout(id: number): boolean {
    return id === this.hbInFlight;
  }
}

/** AbstractMembershipManager.LocalAssignment: an assignment and the member's own count of the targets it received. */
interface LocalAssignment {
  readonly localEpoch: number;
  readonly partitions: TopicPartitionRef[];
}

/** Whether two assignments hold the same partitions, in any order. */
function sameAssignment(a: TopicPartitionRef[], b: TopicPartitionRef[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map((t) => tpKey(t.topic, t.partition)));
  return b.every((t) => keys.has(tpKey(t.topic, t.partition)));
}

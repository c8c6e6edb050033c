import type { ActorContext, RandomStream, Timer } from "../../../sim/index.js";
import type { ConsumerSettings } from "../../config/consumerConfig.js";
import type { AnyRequest, Disconnect, NetworkClient } from "../../network/networkClient.js";
import type { ErrorName } from "../../protocol/errors.js";
import type {
  ConsumerGroupHeartbeatResponse,
  HeartbeatResponse,
  JoinGroupResponse,
  LeaveGroupResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  SyncGroupResponse,
  TopicPartitionRef,
} from "../../protocol/groupMessages.js";
import { tpKey } from "../../protocol/messages.js";
import type { FindCoordinatorRequest, FindCoordinatorResponse, OffsetEntry, OffsetFetchRequest, OffsetFetchResponse } from "../../protocol/transactionMessages.js";
import type { ClientMetadata } from "../clientMetadata.js";
import { RequestState } from "../requestState.js";

/** The answers of the classic group protocol's own requests, one handler each. */
export interface ClassicResponseHandlers {
  JoinGroupResponse(res: JoinGroupResponse): void;
  SyncGroupResponse(res: SyncGroupResponse): void;
  HeartbeatResponse(res: HeartbeatResponse): void;
  LeaveGroupResponse(res: LeaveGroupResponse): void;
}

/** Every answer a group member gets. */
type GroupResponse = FindCoordinatorResponse | OffsetCommitResponse | OffsetFetchResponse | JoinGroupResponse | SyncGroupResponse | HeartbeatResponse | LeaveGroupResponse | ConsumerGroupHeartbeatResponse;

/** ConsumerRebalanceListener, with the generation (or member epoch) the change belongs to. */
export interface RebalanceListener {
  onPartitionsRevoked(tps: TopicPartitionRef[], generation: number): void;
  onPartitionsAssigned(tps: TopicPartitionRef[], generation: number, memberId: string): void;
  onPartitionsLost(tps: TopicPartitionRef[], generation: number): void;
}

/** What group membership needs of the consumer's subscription state (SubscriptionState). */
export interface OwnedPartitions {
  owned(): TopicPartitionRef[];
  /** Replace the assignment; partitions new to it wait for their committed offset. */
  setAssignment(tps: TopicPartitionRef[]): void;
  /** Partitions still waiting for their committed offset. */
  awaitingCommitted(): TopicPartitionRef[];
  /** The committed offset and its leader epoch (null: none, reset by auto.offset.reset). */
  setCommitted(tp: TopicPartitionRef, committed: OffsetEntry | null): void;
  /** Positions of every assigned partition with one (SubscriptionState.allConsumed). */
  allConsumed(): OffsetEntry[];
}

export type CommitCallback = (error: ErrorName | null) => void;

/** Told of every OffsetCommit the member sends (auto, before a rebalance, or the application's), and its outcome. */
export type CommitObserver = (offsets: OffsetEntry[], generation: number, kind: CommitKind) => CommitCallback;

/** The generation (or member epoch) and member id an OffsetCommit carries. */
export interface CommitIdentity {
  generationId: number;
  memberId: string;
}

/** Who asked for a commit: the auto-commit (on the poll path, or before a revocation), or the application. */
export type CommitKind = "auto" | "sync" | "async";

/** An OffsetCommit the member sent, as its protocol's error handling needs to know it. */
export interface SentCommit {
  /** What the last attempt sent carried (AbstractCoordinator's `sentGeneration`; KIP-848: the member epoch sent). */
  sent: CommitIdentity;
  kind: CommitKind;
  /** commitSync (or the auto-commit before a revocation): retried until default.api.timeout.ms. */
  sync: boolean;
}

/**
 * How a commit refused with a membership error ends: the error the caller sees (the Kafka error name of the
 * exception the Java client raises: COMMIT_FAILED for CommitFailedException) and whether a sync commit retries it.
 */
export interface CommitErrorOutcome {
  error: ErrorName;
  retriable: boolean;
}

interface PendingCommit extends SentCommit {
  offsets: OffsetEntry[];
  cb: CommitCallback;
  deadlineUs: number;
  inFlight: number;
  /**
   * The commit's own back-off (KIP-848: OffsetCommitRequestState is a RequestState; classic: commitOffsetsSync's
   * `retryBackoff.backoff(attempts++)`): each retriable failure waits longer, up to retry.backoff.max.ms.
   */
  backoff: RequestState;
}

/** Errors after which the member forgets its coordinator and looks it up again (AbstractCoordinator). */
export const COORDINATOR_ERRORS: ReadonlySet<ErrorName> = new Set(["NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE", "REQUEST_TIMED_OUT", "NETWORK_EXCEPTION"]);

export interface GroupMemberDeps {
  ctx: ActorContext;
  /** The consumer's NetworkClient (Kafka: the ConsumerNetworkClient the coordinator shares with the fetcher). */
  client: NetworkClient;
  brokers: string[];
  settings: ConsumerSettings;
  groupId: string;
  topics: string[];
  metadata: ClientMetadata;
  subscriptions: OwnedPartitions;
  listener: RebalanceListener;
}

/**
 * What the Java consumer's group membership does the same way under both protocols (`AbstractCoordinator` /
 * `ConsumerCoordinator` classic, `ConsumerMembershipManager` + `CommitRequestManager` for KIP-848): finding the
 * coordinator, committing offsets (sync retried until default.api.timeout.ms, async once, auto on the poll path),
 * fetching committed offsets with require_stable (KIP-447), and the local max.poll.interval.ms timer (KIP-62).
 * Subclasses speak their protocol: JoinGroup/SyncGroup/Heartbeat, or ConsumerGroupHeartbeat.
 */
export abstract class GroupMember {
  memberId = "";
  /** The classic generation, or the KIP-848 member epoch. */
  generation = -1;
  /** The assignor or protocol in use, for the history. */
  protocol: string | null = null;
  /** Set when the member was fenced or misconfigured: poll() fails with it from then on. */
  fatal: ErrorName | null = null;
  /** For the workload's history: every commit attempt and how it ended. */
  observeCommits: CommitObserver | null = null;
  protected coordinator: string | null = null;
  protected closed = false;
  protected lastPollUs: number;
  protected retryAtUs = 0;
  protected readonly ctx: ActorContext;
  protected readonly s: ConsumerSettings;
  protected readonly groupId: string;
  protected readonly topics: string[];
  protected readonly metadata: ClientMetadata;
  protected readonly subscriptions: OwnedPartitions;
  protected readonly listener: RebalanceListener;
  protected readonly client: NetworkClient;
  private readonly brokers: string[];
  /** The jitter of every back-off of this member's requests (Kafka: ThreadLocalRandom), one seeded stream. */
  protected readonly backoffRandom: RandomStream;
  /**
   * The coordinator lookup's back-off: CoordinatorRequestManager.coordinatorRequestState (KIP-848), or
   * AbstractCoordinator.retryBackoff with ensureCoordinatorReady's count of failed lookups (classic; the count
   * restarts with each poll, see restartPollBackoffs).
   */
  private readonly findState: RequestState;
  /** The committed-offset fetch's back-off (OffsetFetchRequestState, a RequestState; classic: fetchCommittedOffsets). */
  private readonly fetchState: RequestState;
  private findTimerId = -1;
  private findInFlight = -1;
  private fetchInFlight = -1;
  private readonly commits: PendingCommit[] = [];
  private nextAutoCommitUs: number;
  private pollTimer = -1;
  /** The end of the coordinator lookup's back-off: look it up again. */
  private readonly findTimer: Timer;
  /** max.poll.interval.ms since the last poll (KIP-62). */
  private readonly pollTimeoutTimer: Timer;
  private readonly commitRetryTimer: Timer;
  private readonly fetchRetryTimer: Timer;

  constructor(d: GroupMemberDeps) {
    this.ctx = d.ctx;
    this.client = d.client;
    this.brokers = d.brokers;
    this.s = d.settings;
    this.groupId = d.groupId;
    this.topics = d.topics;
    this.metadata = d.metadata;
    this.subscriptions = d.subscriptions;
    this.listener = d.listener;
    this.lastPollUs = d.ctx.nowUs;
    this.nextAutoCommitUs = d.ctx.nowUs + d.settings.autoCommitIntervalMs * 1000;
    this.backoffRandom = d.ctx.stream("consumer-retry-backoff");
    this.findState = this.newRequestState();
    this.fetchState = this.newRequestState();
    this.findTimer = d.ctx.timer(() => {
      this.findTimerId = -1;
      this.ensureCoordinator();
    });
    this.pollTimeoutTimer = d.ctx.timer(() => this.pollTimeout());
    this.commitRetryTimer = d.ctx.timer(() => {
      for (const c of [...this.commits]) if (c.inFlight < 0 && c.backoff.remainingBackoffUs(this.ctx.nowUs) === 0) this.sendCommit(c);
    });
    this.fetchRetryTimer = d.ctx.timer(() => this.fetchCommittedIfNeeded());
  }

  /** Called from KafkaConsumer.poll(). */
  abstract poll(): void;
  /** KafkaConsumer.close: leave the group (commit first with auto-commit). */
  abstract close(): void;
  /** A rebalance is under way (commits fail with REBALANCE_IN_PROGRESS). */
  abstract rebalanceInProgress(): boolean;
  /** KafkaConsumer.groupMetadata() for sendOffsetsToTransaction (KIP-447). */
  abstract groupMetadata(): { groupId: string; generationId: number; memberId: string; groupInstanceId?: string };
  /** The generation or epoch a commit may carry now, or why none may be sent. */
  protected abstract commitIdentity(): CommitIdentity | ErrorName;
  /**
   * An OffsetCommit answer that says the membership is over or stale (the coordinator's `error` for `commit`): what
   * it does to the membership, and how the commit ends; null if `error` is no such error.
   */
  protected abstract onCommitMembershipError(error: ErrorName, commit: SentCommit): CommitErrorOutcome | null;
  /** The coordinator was lost: requests in flight to it are gone. */
  protected abstract onCoordinatorLost(): void;
  /** The coordinator was found: requests held up for it may go (KIP-848: the next heartbeat poll). */
  protected onCoordinatorFound(): void {}
  /**
   * Whether a found coordinator, lost again, is looked up only after the minimal back-off from the last
   * FindCoordinator answer: KIP-848's CoordinatorRequestManager keeps it (onSuccessfulAttempt, against a tight loop of
   * FindCoordinator / NOT_COORDINATOR while metadata converges); the classic ensureCoordinatorReady looks up at once.
   */
  protected get backOffAfterFoundCoordinator(): boolean {
    return true;
  }
  /** max.poll.interval.ms passed without a poll (KIP-62). */
  protected abstract onPollTimeout(): void;
  /** The answers of the protocol's own requests (JoinGroup and friends, or ConsumerGroupHeartbeat). */
  protected abstract readonly classicHandlers: ClassicResponseHandlers;
  protected abstract onConsumerGroupHeartbeatResponse(res: ConsumerGroupHeartbeatResponse): void;
  /** Whether the request with this correlation id, not answered in time, was one of the protocol's own. */
  protected abstract onRequestTimeout(id: number): boolean;

  /**
   * Sends a request through the consumer's NetworkClient, as soon as the node's connection is ready; its answer
   * comes back to the handler of its type, and a connection that closes or times out first ends it like a timeout.
   * Returns its correlation id.
   */
  protected send(to: string, build: (correlationId: number) => AnyRequest, timeoutMs = this.s.requestTimeoutMs): number {
    const req = build(this.client.correlationId());
    const id = req.correlationId;
    this.client.sendWhenReady(to, req, (res) => (res.type === "Disconnected" ? this.onRequestFailed(id, res) : this.onResponse(res as GroupResponse)), timeoutMs);
    return id;
  }

  /** A RequestState with this consumer's retry.backoff.ms / retry.backoff.max.ms and jitter stream. */
  protected newRequestState(): RequestState {
    return new RequestState(this.s.retryBackoffMs, this.s.retryBackoffMaxMs, this.backoffRandom);
  }

  /** The poll-path chores both protocols share; subclasses call it from poll(). */
  protected pollCommon(): void {
    this.lastPollUs = this.ctx.nowUs;
    this.armPollTimer();
    // Subscribed topics not in metadata yet (e.g. still being created): keep asking, as the Java client does.
    if (this.topics.some((t) => this.metadata.partitionsFor(t) === undefined)) this.metadata.requestUpdate();
    this.ensureCoordinator();
  }

  /**
   * AbstractCoordinator.ensureCoordinatorReady / lookupCoordinator (classic), CoordinatorRequestManager.poll
   * (KIP-848): FindCoordinator to the least loaded broker once the lookup's back-off has passed (findState: after a
   * failed lookup backoff(failures), after a successful one backoff(0) — CoordinatorRequestManagerTest.
   * testMarkCoordinatorUnknown: a coordinator lost right after it was found is looked up again only after it).
   */
  protected ensureCoordinator(): void {
    if (this.coordinator !== null || this.findInFlight >= 0 || this.closed) return;
    const waitUs = this.findState.remainingBackoffUs(this.ctx.nowUs);
    if (waitUs > 0) return this.armFind(waitUs / 1000);
    const node = this.client.leastLoadedNode(this.brokers);
    if (node === null) return this.armFind(this.client.config.reconnectBackoffMs);
    this.findInFlight = this.send(node, (correlationId) => ({ type: "FindCoordinator", correlationId, key: this.groupId, keyType: "group" }) satisfies FindCoordinatorRequest);
  }

  /** Look the coordinator up again in `ms` (replacing any wake-up set before). */
  private armFind(ms: number): void {
    if (this.findTimerId >= 0) this.findTimer.cancel(this.findTimerId);
    this.findTimerId = this.findTimer.set(ms);
  }

  /**
   * Classic: each poll() runs AbstractCoordinator.ensureCoordinatorReady and ConsumerCoordinator.fetchCommittedOffsets,
   * whose counts of failed attempts (`attempts`, locals) start at 0 and which send at once; their back-off grows only
   * across the failures of one poll's loop. Called at the start of the classic member's poll. (KIP-848 keeps its
   * RequestStates across polls: the background thread owns them.)
   */
  protected restartPollBackoffs(): void {
    if (this.coordinator === null) this.findState.reset();
    if (this.fetchInFlight < 0) this.fetchState.reset();
  }

  /**
   * AbstractCoordinator.markCoordinatorUnknown / CoordinatorRequestManager.markCoordinatorUnknown: requests in flight
   * to it are abandoned, and it is looked up again as soon as the lookup's back-off allows (Kafka's heartbeat thread,
   * or the KIP-848 background thread, asks at once; the back-off is the FindCoordinator's own, see ensureCoordinator).
   * The classic JoinGroup waits out retry.backoff.ms (retryAtUs: joinGroupIfNeeded's fixed sleep).
   */
  protected coordinatorLost(why: string): void {
    if (this.coordinator === null) return;
    this.ctx.trace("consumer.coordinator-lost", { groupId: this.groupId, coordinator: this.coordinator, why });
    this.coordinator = null;
    if (this.fetchInFlight >= 0) {
      this.fetchState.onFailedAttempt(this.ctx.nowUs);
      this.fetchRetryTimer.set(this.fetchState.remainingBackoffUs(this.ctx.nowUs) / 1000);
    }
    this.fetchInFlight = -1;
    this.onCoordinatorLost();
    for (const c of this.commits) if (c.inFlight >= 0) this.commitFailed(c, "COORDINATOR_NOT_AVAILABLE");
    this.retryAtUs = this.ctx.nowUs + this.s.retryBackoffMs * 1000;
    this.ensureCoordinator();
  }

  protected fail(error: ErrorName): void {
    this.ctx.trace("consumer.fatal", { groupId: this.groupId, memberId: this.memberId, error });
    this.fatal = error;
    for (const c of [...this.commits]) this.commitFailed(c, error);
  }

  // ---- the poll timer (KIP-62) ----

  private armPollTimer(): void {
    if (this.pollTimer < 0) this.pollTimer = this.pollTimeoutTimer.set(this.s.maxPollIntervalMs);
  }

  private pollTimeout(): void {
    this.pollTimer = -1;
    const leftUs = this.lastPollUs + this.s.maxPollIntervalMs * 1000 - this.ctx.nowUs;
    if (leftUs > 0) {
      this.pollTimer = this.pollTimeoutTimer.set(leftUs / 1000);
      return;
    }
    if (this.fatal || this.closed) return;
    this.onPollTimeout();
  }

  // ---- offsets ----

  /** The next interval auto-commit is auto.commit.interval.ms from now (CommitRequestManager.resetAutoCommitTimer). */
  protected resetAutoCommitTimer(): void {
    this.nextAutoCommitUs = this.ctx.nowUs + this.s.autoCommitIntervalMs * 1000;
  }

  protected maybeAutoCommit(): void {
    if (!this.s.enableAutoCommit || this.ctx.nowUs < this.nextAutoCommitUs) return;
    if (this.coordinator === null) {
      this.nextAutoCommitUs = this.ctx.nowUs + this.s.retryBackoffMs * 1000;
      return;
    }
    this.nextAutoCommitUs = this.ctx.nowUs + this.s.autoCommitIntervalMs * 1000;
    const offsets = this.subscriptions.allConsumed();
    if (offsets.length > 0) this.commit(offsets, false, (error) => error && this.ctx.trace("consumer.auto-commit-failed", { groupId: this.groupId, error }), "auto");
  }

  /**
   * commitSync (sync: retried until default.api.timeout.ms, or `timeoutMs` when given) or commitAsync (one attempt).
   * The callback gets null, or the Kafka error name the caller sees.
   */
  commit(offsets: OffsetEntry[], sync: boolean, callback: CommitCallback, kind: CommitKind = sync ? "sync" : "async", timeoutMs = this.s.defaultApiTimeoutMs): void {
    const observed = offsets.length > 0 ? this.observeCommits?.(offsets, this.generation, kind) : undefined;
    const cb: CommitCallback = observed ? (e) => (observed(e), callback(e)) : callback;
    if (this.fatal) return cb(this.fatal);
    const identity = this.commitIdentity();
    if (typeof identity === "string") return cb(identity);
    if (offsets.length === 0) return cb(null);
    const c: PendingCommit = { offsets, sync, kind, sent: identity, cb, deadlineUs: this.ctx.nowUs + timeoutMs * 1000, inFlight: -1, backoff: this.newRequestState() };
    this.commits.push(c);
    this.sendCommit(c);
  }

  private sendCommit(c: PendingCommit): void {
    const identity = this.commitIdentity();
    if (typeof identity === "string") return this.finishCommit(c, identity);
    if (this.coordinator === null) {
      if (!c.sync) return this.finishCommit(c, "COORDINATOR_NOT_AVAILABLE");
      this.ensureCoordinator();
      return; // sent again when the coordinator is found
    }
    c.sent = identity;
    c.inFlight = this.send(this.coordinator, (correlationId) => ({ type: "OffsetCommit", correlationId, groupId: this.groupId, ...identity, groupInstanceId: this.s.groupInstanceId, offsets: c.offsets }) satisfies OffsetCommitRequest);
  }

  private finishCommit(c: PendingCommit, error: ErrorName | null): void {
    c.inFlight = -1;
    const i = this.commits.indexOf(c);
    if (i >= 0) this.commits.splice(i, 1);
    c.cb(error);
  }

  /**
   * A failed attempt: commitSync tries again (retriable errors, before its deadline); commitAsync reports it. Retriable
   * are the coordinator errors and, as OffsetCommitResponseHandler raises them as RetriableExceptions,
   * COORDINATOR_LOAD_IN_PROGRESS and UNKNOWN_TOPIC_OR_PARTITION (ConsumerCoordinatorTest.testRetryCommitUnknownTopicOrPartition;
   * CommitRequestManager retries RetriableExceptions alike). Not modelled: the KIP-848 commit before a revocation
   * (maybeAutoCommitSyncBeforeRevocation) takes UNKNOWN_TOPIC_OR_PARTITION as fatal; kafkasim's coordinator never
   * answers a commit with it (offsets are not checked against topics).
   */
  private commitFailed(c: PendingCommit, error: ErrorName, retriable = COORDINATOR_ERRORS.has(error) || error === "COORDINATOR_LOAD_IN_PROGRESS" || error === "UNKNOWN_TOPIC_OR_PARTITION"): void {
    c.inFlight = -1;
    // OffsetCommitRequestState.onResponse / handleClientResponse → onFailedAttempt (KIP-848); classic
    // commitOffsetsSync sleeps retryBackoff.backoff(attempts++) before the next attempt: the same growing back-off.
    c.backoff.onFailedAttempt(this.ctx.nowUs);
    if (c.sync && !this.fatal && retriable && this.ctx.nowUs < c.deadlineUs) {
      this.commitRetryTimer.set(c.backoff.remainingBackoffUs(this.ctx.nowUs) / 1000);
      return;
    }
    this.finishCommit(c, error);
  }

  private onCommitResponse(res: OffsetCommitResponse): void {
    const c = this.commits.find((x) => x.inFlight === res.correlationId);
    if (!c) return;
    c.inFlight = -1;
    if (res.error === "NONE") return this.finishCommit(c, null);
    if (res.error === "FENCED_INSTANCE_ID") {
      this.finishCommit(c, res.error);
      return this.fail(res.error);
    }
    // Membership errors are the protocol's: ConsumerCoordinator.OffsetCommitResponseHandler (classic) and
    // CommitRequestManager.OffsetCommitRequestState.onResponse (KIP-848) each map them to their own exceptions.
    const membership = this.onCommitMembershipError(res.error, c);
    if (membership !== null) return this.commitFailed(c, membership.error, membership.retriable);
    if (res.error === "NOT_COORDINATOR" || res.error === "COORDINATOR_NOT_AVAILABLE") this.coordinatorLost(res.error);
    this.commitFailed(c, res.error);
  }

  /** ConsumerCoordinator.fetchCommittedOffsets (require_stable, KIP-447) for partitions with no position yet. */
  protected fetchCommittedIfNeeded(): void {
    if (this.fetchInFlight >= 0 || this.coordinator === null || this.subscriptions.awaitingCommitted().length === 0) return;
    if (this.fetchState.remainingBackoffUs(this.ctx.nowUs) > 0) return; // fetchRetryTimer sends it at the end
    this.fetchInFlight = this.send(this.coordinator, (correlationId) => ({ type: "OffsetFetch", correlationId, groupId: this.groupId, requireStable: true }) satisfies OffsetFetchRequest);
  }

  /**
   * An OffsetFetch answer. A failed one is sent again after its back-off (OffsetFetchRequestState.onFailure →
   * onFailedAttempt, KIP-848; classic ConsumerCoordinator.fetchCommittedOffsets sleeps retryBackoff.backoff(attempts++)),
   * which grows with each failure in a row and restarts after a success.
   */
  private onOffsetFetch(res: OffsetFetchResponse): void {
    this.fetchInFlight = -1;
    if (res.error !== "NONE") {
      this.fetchState.onFailedAttempt(this.ctx.nowUs);
      if (res.error === "NOT_COORDINATOR" || res.error === "COORDINATOR_NOT_AVAILABLE") this.coordinatorLost(res.error);
      this.fetchRetryTimer.set(this.fetchState.remainingBackoffUs(this.ctx.nowUs) / 1000);
      return;
    }
    // The next fetch is a new request (KIP-848: a new OffsetFetchRequestState; classic: a new fetchCommittedOffsets).
    this.fetchState.reset();
    const committed = new Map(res.offsets.map((o) => [tpKey(o.topic, o.partition), o]));
    for (const tp of this.subscriptions.awaitingCommitted()) this.subscriptions.setCommitted(tp, committed.get(tpKey(tp.topic, tp.partition)) ?? null);
  }

  // ---- answers ----

  /** Every answer a group member gets, to the part that asked; the protocol's own go to the subclass. */
  private onResponse(res: GroupResponse): void {
    switch (res.type) {
      case "FindCoordinatorResponse":
        return this.onFindCoordinatorResponse(res);
      case "OffsetCommitResponse":
        return this.onCommitResponse(res);
      case "OffsetFetchResponse":
        if (res.correlationId === this.fetchInFlight) this.onOffsetFetch(res);
        return;
      case "JoinGroupResponse":
        return this.classicHandlers.JoinGroupResponse(res);
      case "SyncGroupResponse":
        return this.classicHandlers.SyncGroupResponse(res);
      case "HeartbeatResponse":
        return this.classicHandlers.HeartbeatResponse(res);
      case "LeaveGroupResponse":
        return this.classicHandlers.LeaveGroupResponse(res);
      case "ConsumerGroupHeartbeatResponse":
        return this.onConsumerGroupHeartbeatResponse(res);
    }
  }

  private onFindCoordinatorResponse(res: FindCoordinatorResponse): void {
    if (res.correlationId !== this.findInFlight) return;
    this.findInFlight = -1;
    if (res.error === "NONE" && res.coordinator) {
      if (this.backOffAfterFoundCoordinator) this.findState.onSuccessfulAttempt(this.ctx.nowUs);
      else this.findState.reset();
      this.coordinator = res.coordinator;
      this.ctx.trace("consumer.coordinator-found", { groupId: this.groupId, coordinator: res.coordinator });
      // Commits waiting for the coordinator go now, unless their own back-off still holds (commitRetryTimer).
      for (const c of [...this.commits]) if (c.inFlight < 0 && c.backoff.remainingBackoffUs(this.ctx.nowUs) === 0) this.sendCommit(c);
      this.fetchCommittedIfNeeded();
      this.onCoordinatorFound();
      return;
    }
    // CoordinatorRequestManager.onFailedResponse / ensureCoordinatorReady: back off backoff(failures so far).
    this.findState.onFailedAttempt(this.ctx.nowUs);
    this.ensureCoordinator();
  }

  /**
   * A group request's connection closed or timed out before its answer: the coordinator is presumed lost
   * (AbstractCoordinator.CoordinatorResponseHandler.onFailure and CoordinatorRequestManager.handleCoordinatorDisconnect
   * mark it unknown on a DisconnectException — NetworkClient reports a request past its timeout as a disconnection
   * too, ClientResponse.timedOut), or, for a FindCoordinator, looked up again after the lookup's back-off. The trace
   * says which: the connection closed or was refused, or the request timed out.
   */
  private onRequestFailed(id: number, why: Disconnect): void {
    if (id === this.findInFlight) {
      this.findInFlight = -1;
      this.findState.onFailedAttempt(this.ctx.nowUs);
      return this.ensureCoordinator();
    }
    const late = id === this.fetchInFlight || this.commits.some((x) => x.inFlight === id) || this.onRequestTimeout(id);
    if (late) this.coordinatorLost(why.timedOut ? "request timed out" : "disconnected");
  }
}

import type { ActorContext, Timer } from "../../../sim/index.js";
import type { ConsumerSettings } from "../../config/consumerConfig.js";
import { type AnyRequest, type Disconnect, NetworkClient, type ResponseTo } from "../../network/networkClient.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { TopicPartitionRef } from "../../protocol/groupMessages.js";
import type {
  ConsumerFetchRequest,
  ConsumerFetchResponse,
  FetchedRecord,
  ListOffsetsRequest,
  ListOffsetsResponse,
  OffsetsForLeaderEpochRequest,
  OffsetsForLeaderEpochResponse,
} from "../../protocol/messages.js";
import { tpKey } from "../../protocol/messages.js";
import type { OffsetEntry } from "../../protocol/transactionMessages.js";
import { ClientMetadata } from "../clientMetadata.js";
import { nextRequestId } from "../requestIds.js";
import { CompletedFetch } from "./completedFetch.js";
import { ConsumerCoordinator } from "./consumerCoordinator.js";
import { ConsumerMembershipManager } from "./consumerMembershipManager.js";
import type { CommitCallback, GroupMember, GroupMemberDeps, RebalanceListener } from "./groupMember.js";
import { type FetchPosition, type LeaderAndEpoch, type LogTruncation, TopicPartitionState } from "./subscriptionState.js";

/**
 * The exceptions the Java consumer's poll() throws about positions: NoOffsetForPartitionException (no committed
 * offset and auto.offset.reset=none), OffsetOutOfRangeException (a fetch out of range and no reset policy) and
 * LogTruncationException (KIP-320: the position is past where its epoch ends on the leader, and no reset policy).
 */
export type ConsumerPositionException = "NoOffsetForPartitionException" | "OffsetOutOfRangeException" | "LogTruncationException";

/** Each exception's error name, as the history records it (see `ERRORS`). */
export const POSITION_EXCEPTION_ERRORS = {
  NoOffsetForPartitionException: "NO_OFFSET_FOR_PARTITION",
  OffsetOutOfRangeException: "OFFSET_OUT_OF_RANGE",
  LogTruncationException: "LOG_TRUNCATION",
} as const satisfies Record<ConsumerPositionException, ErrorName>;

/** What poll() raised instead of returning records, with the partitions and offsets the exception names. */
export interface ConsumerPollError {
  exception: ConsumerPositionException;
  /** The exception's error name (POSITION_EXCEPTION_ERRORS). */
  error: ErrorName;
  partitions: { topic: string; partition: number; offset: number | null; divergentOffset?: number }[];
}

/** One poll's outcome: the records per partition, or the exception the Java client would throw from poll(). */
export type PollResult = { ok: true; partitions: PolledPartition[] } | { ok: false; error: ConsumerPollError };

export interface PolledPartition {
  topic: string;
  partition: number;
  records: FetchedRecord[];
}

/** An assigned partition: its fetch state (SubscriptionState), what was fetched, and the request in flight for it. */
class AssignedPartition extends TopicPartitionState {
  /** The fetched batches poll() has not used up yet; no new fetch while there are some (AbstractFetch.fetchablePartitions). */
  completed: CompletedFetch | null = null;
  /** Group mode: the committed offset has not been fetched yet (no reset and no fetching until it has). */
  awaitingCommitted: boolean;
  /** The request in flight for this partition (-1: none), and what it asked. */
  inFlight = -1;
  inFlightKind: "fetch" | "reset" | "validate" = "fetch";
  /** Fetch: its offset; validation: the position it validates. */
  inFlightOffset = -1;
  inFlightPosition: FetchPosition | null = null;
  /** Raised by the next poll(): an out-of-range fetch or a truncation with auto.offset.reset=none. */
  raise: { exception: "OffsetOutOfRangeException" | "LogTruncationException"; offset: number; truncation?: LogTruncation } | null = null;

  constructor(topic: string, partition: number, awaitingCommitted: boolean) {
    super(topic, partition);
    this.awaitingCommitted = awaitingCommitted;
  }

  get key(): string {
    return tpKey(this.topic, this.partition);
  }
}

/** Answers to a consumer's OffsetsForLeaderEpoch that mean "ask again later" (OffsetsForLeaderEpochUtils.handleResponse). */
const RETRIABLE_VALIDATION_ERRORS: ReadonlySet<ErrorName> = new Set(["NOT_LEADER_OR_FOLLOWER", "FENCED_LEADER_EPOCH", "UNKNOWN_LEADER_EPOCH", "UNKNOWN_TOPIC_OR_PARTITION", "REQUEST_TIMED_OUT", "NETWORK_EXCEPTION"]);

/**
 * The Java consumer (`KafkaConsumer` with `SubscriptionState`, `AbstractFetch` / `FetchCollector` and
 * `OffsetFetcher`): assign() mode, or subscribe() with a group.id, when the group membership (classic
 * `ConsumerCoordinator` or KIP-848 `ConsumerMembershipManager`) decides the assignment.
 *
 * Each assigned partition has a fetch state (see `TopicPartitionState`). A position comes from the group's committed
 * offset, with its leader epoch, else from `auto.offset.reset` (ListOffsets; `none` makes poll() raise
 * NoOffsetForPartitionException). KIP-320: a position with an epoch is validated with OffsetsForLeaderEpoch before
 * it is fetched from, whenever it is new (a committed offset) or its partition's leader or leader epoch changes in
 * the metadata; if the leader says the epoch ends below the position (the log was truncated, e.g. by an unclean
 * election) the position moves back to that end, or with `none` poll() raises LogTruncationException. A fetch
 * answered OFFSET_OUT_OF_RANGE resets by the policy, or raises OffsetOutOfRangeException. Fetches go to the
 * position's leader with its epoch; poll() hands out at most `max.poll.records`, partitions taking turns, and moves
 * each position to the fetch's next offset (past transaction markers, see `CompletedFetch`).
 *
 * Requests go through the consumer's NetworkClient (shared with the group membership) and only to a broker whose
 * connection is ready (AbstractFetch.prepareFetchRequests and OffsetFetcher skip nodes that are not); one whose
 * connection closes or times out is retried after retry.backoff.ms with fresh metadata.
 *
 * Simplified: one partition per request; no fetch sessions; a request's error other than out of range waits
 * retry.backoff.ms; requests are sent as soon as they can be, not only from inside poll().
 */
export class KafkaConsumer {
  readonly metadata: ClientMetadata;
  /** The consumer's connections to the brokers (Kafka: ConsumerNetworkClient). */
  readonly client: NetworkClient;
  private readonly parts = new Map<string, AssignedPartition>();
  private pumpTimer = -1;
  private pollRotation = 0;
  private closed = false;
  /** The group membership, once subscribe() was called. */
  group: GroupMember | null = null;
  private pumpAtUs = Infinity;
  /** The fetcher's next pass (after a back-off). */
  private readonly pumpAt: Timer;

  constructor(
    private readonly ctx: ActorContext,
    private readonly brokers: string[],
    readonly settings: ConsumerSettings,
  ) {
    // KafkaConsumer: up to 100 requests in flight per connection (ConsumerUtils.CONSUMER_MAX_INFLIGHT_REQUESTS_PER_CONNECTION).
    this.client = new NetworkClient(ctx, { name: "consumer", requestTimeoutMs: settings.requestTimeoutMs, maxInFlightRequestsPerConnection: 100, ...settings.network }, () => nextRequestId(ctx));
    this.metadata = new ClientMetadata(ctx, this.client, brokers, settings.metadataMaxAgeMs, settings.retryBackoffMs);
    this.metadata.onUpdate = () => {
      this.validatePositionsOnMetadataChange();
      this.pump();
    };
    this.pumpAt = ctx.timer(() => {
      this.pumpTimer = -1;
      this.pumpAtUs = Infinity;
      this.pump();
    });
    // A connection ready: send on it; one lost: fresh metadata (the leader may have moved), and send again.
    this.client.onStateChange((_node, state) => {
      if (state === "DISCONNECTED") this.metadata.requestUpdate();
      this.wakeAt(this.ctx.nowUs);
    });
  }

  start(): void {
    this.metadata.requestUpdate();
  }

  /** KafkaConsumer.assign: replaces the assignment. */
  assign(tps: { topic: string; partition: number }[]): void {
    this.setAssignment(tps, false);
  }

  private setAssignment(tps: TopicPartitionRef[], fromGroup: boolean): void {
    if (this.closed) return;
    const keep = new Set(tps.map((t) => tpKey(t.topic, t.partition)));
    for (const [k, p] of [...this.parts]) {
      if (keep.has(k)) continue;
      this.abandonRequest(p);
      this.parts.delete(k);
    }
    for (const t of tps) {
      const k = tpKey(t.topic, t.partition);
      if (!this.parts.has(k)) this.parts.set(k, new AssignedPartition(t.topic, t.partition, fromGroup));
    }
    this.pump();
  }

  /** KafkaConsumer.subscribe: join `settings.groupId` for these topics; the listener hears every rebalance. */
  subscribe(topics: string[], listener: RebalanceListener): void {
    const self = this;
    const deps: GroupMemberDeps = {
      ctx: this.ctx,
      client: this.client,
      brokers: this.brokers,
      settings: this.settings,
      groupId: this.settings.groupId!,
      topics,
      metadata: this.metadata,
      subscriptions: {
        owned: () => self.assignment(),
        setAssignment: (tps) => self.setAssignment(tps, true),
        awaitingCommitted: () => [...self.parts.values()].filter((p) => p.awaitingCommitted).map((p) => ({ topic: p.topic, partition: p.partition })),
        setCommitted: (tp, committed) => self.setCommitted(tp, committed),
        allConsumed: () => self.allConsumed(),
      },
      listener,
    };
    // group.protocol: classic (JoinGroup/SyncGroup) or consumer (KIP-848).
    this.group = this.settings.groupProtocol === "consumer" ? new ConsumerMembershipManager(deps) : new ConsumerCoordinator(deps);
  }

  /**
   * ConsumerCoordinator.refreshCommittedOffsetsIfNeeded: the committed offset becomes the position, unvalidated —
   * with its leader epoch it is checked against the current leader before it is fetched from (KIP-320). With no
   * committed offset the partition stays INITIALIZING and is reset by auto.offset.reset.
   */
  private setCommitted(tp: TopicPartitionRef, committed: OffsetEntry | null): void {
    const p = this.parts.get(tpKey(tp.topic, tp.partition));
    if (!p || !p.awaitingCommitted) return;
    p.awaitingCommitted = false;
    if (committed !== null) {
      const offsetEpoch = committed.leaderEpoch !== undefined && committed.leaderEpoch >= 0 ? committed.leaderEpoch : null;
      p.seekUnvalidated({ offset: committed.offset, offsetEpoch, currentLeader: this.currentLeader(p) });
      this.ctx.trace("consumer.committed-offset", { tp: p.key, offset: committed.offset, leaderEpoch: offsetEpoch, state: p.fetchState });
    }
    this.pump();
  }

  /** SubscriptionState.allConsumed: the position, with its epoch, of every partition with a valid position. */
  allConsumed(): OffsetEntry[] {
    const out: OffsetEntry[] = [];
    for (const p of this.parts.values())
      if (p.hasValidPosition && p.position !== null) out.push({ topic: p.topic, partition: p.partition, offset: p.position.offset, ...(p.position.offsetEpoch !== null ? { leaderEpoch: p.position.offsetEpoch } : {}) });
    return out;
  }

  /** Rewind every assigned partition to its committed offset (the EOS pattern after an abort). */
  seekToCommitted(): void {
    for (const p of this.parts.values()) {
      this.abandonRequest(p);
      p.reinitialize();
      p.awaitingCommitted = true;
      p.completed = null;
      p.raise = null;
    }
  }

  commitSync(offsets: OffsetEntry[] | null, cb: CommitCallback): void {
    if (!this.group) return cb("COMMIT_FAILED");
    this.group.commit(offsets ?? this.allConsumed(), true, cb);
  }

  commitAsync(offsets: OffsetEntry[] | null, cb: CommitCallback): void {
    if (!this.group) return cb("COMMIT_FAILED");
    this.group.commit(offsets ?? this.allConsumed(), false, cb);
  }

  /** KafkaConsumer.close: leave the group (committing first with auto-commit), then stop fetching for good. */
  close(): void {
    this.group?.close();
    for (const p of this.parts.values()) this.abandonRequest(p);
    this.parts.clear();
    this.closed = true;
  }

  assignment(): { topic: string; partition: number }[] {
    return [...this.parts.values()].map((p) => ({ topic: p.topic, partition: p.partition }));
  }

  /**
   * KafkaConsumer.poll without waiting. First what updateFetchPositions throws: a truncation found by validation
   * (LogTruncationException), then partitions with no position and auto.offset.reset=none
   * (NoOffsetForPartitionException, SubscriptionState.resetInitializingPositions); then up to max.poll.records
   * records, partition by partition (FetchCollector.collectFetch); an out-of-range fetch with no reset policy is
   * thrown only when no record was collected (OffsetOutOfRangeException).
   */
  poll(): PollResult {
    const out: PolledPartition[] = [];
    if (this.group) {
      this.group.poll();
      if (this.group.fatal) return { ok: true, partitions: out };
    }
    const all = [...this.parts.values()];
    const truncated = all.filter((p) => p.raise?.exception === "LogTruncationException");
    if (truncated.length > 0) return this.raise("LogTruncationException", truncated);
    if (this.settings.autoOffsetReset === "none") {
      const noOffset = all.filter((p) => p.fetchState === "INITIALIZING" && !p.awaitingCommitted);
      if (noOffset.length > 0) return this.raise("NoOffsetForPartitionException", noOffset);
    }
    let room = this.settings.maxPollRecords;
    // Partitions take turns being first, so a full poll does not always starve the same ones (the Java Fetcher
    // moves a partition whose records were returned to the back of its queue).
    const start = all.length > 0 ? this.pollRotation % all.length : 0;
    for (let i = 0; i < all.length && room > 0; i++) {
      const p = all[(start + i) % all.length];
      const c = p.completed;
      if (c === null) continue;
      const position = p.position;
      if (!p.hasValidPosition || position === null || c.nextFetchOffset !== position.offset) {
        // FetchCollector.fetchRecords: not fetchable any more, or not next in line (an obsolete request): drained.
        p.completed = null;
        continue;
      }
      const records = c.fetchRecords(room);
      // The position moves to the fetch's next offset, past markers and aborted batches too, with the epoch of the
      // last batch read, even when no record is returned.
      if (c.nextFetchOffset > position.offset) p.position = { offset: c.nextFetchOffset, offsetEpoch: c.lastEpoch, currentLeader: position.currentLeader };
      if (c.isConsumed) p.completed = null;
      if (records.length === 0) continue;
      room -= records.length;
      out.push({ topic: p.topic, partition: p.partition, records });
      this.pollRotation = (start + i + 1) % all.length;
    }
    if (out.length === 0) {
      const outOfRange = all.filter((p) => p.raise?.exception === "OffsetOutOfRangeException");
      if (outOfRange.length > 0) return this.raise("OffsetOutOfRangeException", outOfRange);
    }
    this.pump();
    return { ok: true, partitions: out };
  }

  private raise(exception: ConsumerPositionException, parts: AssignedPartition[]): PollResult {
    const partitions = parts.map((p) => {
      const r = p.raise;
      p.raise = null;
      const divergent = r?.truncation?.divergentOffset;
      return { topic: p.topic, partition: p.partition, offset: r?.offset ?? null, ...(divergent ? { divergentOffset: divergent.offset } : {}) };
    });
    this.ctx.trace("consumer.poll-error", { exception, partitions: partitions.map((x) => `${x.topic}-${x.partition}@${x.offset ?? "none"}`) });
    this.pump();
    return { ok: false, error: { exception, error: POSITION_EXCEPTION_ERRORS[exception], partitions } };
  }

  // ---- positions and the metadata ----

  /** The partition's leader and epoch in the metadata (Metadata.currentLeader). */
  private currentLeader(p: AssignedPartition): LeaderAndEpoch {
    const m = this.metadata.leaderOf(p.topic, p.partition);
    return { leader: m?.leader ?? null, epoch: m && m.leaderEpoch >= 0 ? m.leaderEpoch : null };
  }

  /**
   * OffsetFetcherUtils.validatePositionsOnMetadataChange: every assigned partition's position is checked against
   * the leader the new metadata names; a changed leader or epoch means validation before the next fetch (KIP-320).
   * A partition awaiting validation is not fetchable: what was fetched is dropped and a fetch in flight will be
   * ignored (FetchCollector), so it is abandoned here; so is a validation of the old position (its answer is stale).
   */
  private validatePositionsOnMetadataChange(): void {
    for (const p of this.parts.values()) {
      const before = p.position;
      p.maybeValidatePosition(this.currentLeader(p));
      if (p.position === before) continue;
      if (p.fetchState === "AWAIT_VALIDATION") p.completed = null;
      if (p.inFlight >= 0 && !(p.inFlightKind === "fetch" && p.fetchState === "FETCHING")) this.abandonRequest(p);
    }
  }

  // ---- requests ----

  /** Forget the partition's request: an answer still on its way is dropped (`take` matches the correlation id). */
  private abandonRequest(p: AssignedPartition): void {
    p.inFlight = -1;
  }

  private failRequest(p: AssignedPartition, error: ErrorName): void {
    this.abandonRequest(p);
    this.retryLater(p, error);
  }

  /** A request failed: refresh metadata and try again after retry.backoff.ms (SubscriptionState.requestFailed). */
  private retryLater(p: AssignedPartition, error: string): void {
    this.ctx.trace("consumer.retry", { tp: p.key, error });
    this.metadata.requestUpdate();
    p.nextRetryTimeUs = this.ctx.nowUs + this.settings.retryBackoffMs * 1000;
    this.wakeAt(p.nextRetryTimeUs);
  }

  private wakeAt(us: number): void {
    if (this.pumpTimer >= 0 && this.pumpAtUs <= us) return;
    if (this.pumpTimer >= 0) this.pumpAt.cancel(this.pumpTimer);
    this.pumpAtUs = us;
    this.pumpTimer = this.pumpAt.set(Math.max(0, (us - this.ctx.nowUs) / 1000));
  }

  /** Sends what can be sent: position resets, validations and fetches. */
  private pump(): void {
    if (this.closed) return;
    if (this.metadata.isStale()) this.metadata.requestUpdate();
    for (const p of this.parts.values()) {
      if (p.inFlight >= 0 || p.awaitingCommitted) continue;
      if (this.ctx.nowUs < p.nextRetryTimeUs) {
        this.wakeAt(p.nextRetryTimeUs);
        continue;
      }
      // SubscriptionState.resetInitializingPositions: no committed offset; `none` leaves it to poll() to raise.
      if (p.fetchState === "INITIALIZING") {
        if (this.settings.autoOffsetReset === "none") continue;
        p.reset(this.settings.autoOffsetReset);
      }
      if (p.fetchState === "AWAIT_RESET") this.sendListOffsets(p);
      else if (p.fetchState === "AWAIT_VALIDATION") this.sendValidation(p);
      else if (p.fetchState === "FETCHING" && p.completed === null && p.raise === null) this.sendFetch(p);
    }
  }

  /**
   * Sends a partition's request through the NetworkClient if `to`'s connection is ready (else the client wakes the
   * fetcher when it is, or when it fails); the answer, or the connection's loss or timeout, comes back to `onAnswer`.
   */
  private send<R extends AnyRequest>(p: AssignedPartition, to: string, kind: AssignedPartition["inFlightKind"], build: (correlationId: number) => R, onAnswer: (res: ResponseTo<R>) => void, timeoutMs: number): boolean {
    if (!this.client.ready(to)) {
      const delay = this.client.connectionDelayMs(to);
      if (delay > 0 && delay < Infinity && !this.client.isConnecting(to)) this.wakeAt(this.ctx.nowUs + delay * 1000);
      return false;
    }
    const id = this.client.correlationId();
    p.inFlight = id;
    p.inFlightKind = kind;
    this.client.send(to, build(id), (res) => (res.type === "Disconnected" ? this.onRequestFailed(p.key, id, res) : onAnswer(res as ResponseTo<R>)), timeoutMs);
    return true;
  }

  /** A request whose connection closed or timed out: again after retry.backoff.ms. */
  private onRequestFailed(tp: string, id: number, why: Disconnect): void {
    const p = this.parts.get(tp);
    if (p && p.inFlight === id) this.failRequest(p, why.timedOut ? "REQUEST_TIMED_OUT" : "NETWORK_EXCEPTION");
  }

  /** OffsetFetcher.resetPositionsIfNeeded: ListOffsets for the earliest offset, or the latest (HW, or LSO). */
  private sendListOffsets(p: AssignedPartition): void {
    const meta = this.metadata.leaderOf(p.topic, p.partition);
    if (!meta || meta.leader === null) return this.metadata.requestUpdate();
    const timestamp = p.resetStrategy === "earliest" ? -2 : -1;
    this.send(
      p,
      meta.leader,
      "reset",
      (correlationId): ListOffsetsRequest => ({ type: "ListOffsets", correlationId, topic: p.topic, partition: p.partition, currentLeaderEpoch: meta.leaderEpoch, timestamp, isolationLevel: this.settings.isolationLevel }),
      (res) => this.onListOffsets(res),
      this.settings.requestTimeoutMs,
    );
  }

  /** OffsetFetcher.validatePositionsAsync (KIP-320): where does the position's epoch end on the current leader? */
  private sendValidation(p: AssignedPartition): void {
    const position = p.position!;
    const leader = position.currentLeader.leader;
    if (leader === null || position.offsetEpoch === null) return this.metadata.requestUpdate();
    const sent = this.send(
      p,
      leader,
      "validate",
      (correlationId): OffsetsForLeaderEpochRequest => ({ type: "OffsetsForLeaderEpoch", correlationId, replicaId: -1, topic: p.topic, partition: p.partition, currentLeaderEpoch: position.currentLeader.epoch ?? -1, leaderEpoch: position.offsetEpoch! }),
      (res) => this.onOffsetsForLeaderEpoch(res),
      this.settings.requestTimeoutMs,
    );
    if (sent) p.inFlightPosition = position;
  }

  /** AbstractFetch.prepareFetchRequests: from the position, to its leader, with its leader epoch. */
  private sendFetch(p: AssignedPartition): void {
    const position = p.position!;
    const leader = position.currentLeader.leader;
    if (leader === null) return this.metadata.requestUpdate();
    // A fetch may wait fetch.max.wait.ms at the broker, on top of the request timeout.
    const sent = this.send(
      p,
      leader,
      "fetch",
      (correlationId): ConsumerFetchRequest => ({ type: "Fetch", correlationId, replicaId: -1, topic: p.topic, partition: p.partition, currentLeaderEpoch: position.currentLeader.epoch ?? -1, fetchOffset: position.offset, maxWaitMs: this.settings.fetchMaxWaitMs, isolationLevel: this.settings.isolationLevel }),
      (res) => this.onFetch(res as unknown as ConsumerFetchResponse),
      this.settings.fetchMaxWaitMs + this.settings.requestTimeoutMs,
    );
    if (sent) p.inFlightOffset = position.offset;
  }

  /** The partition whose request this answers, with the request closed; undefined for an answer nobody waits for. */
  private take(topic: string, partition: number, correlationId: number, kind: AssignedPartition["inFlightKind"]): AssignedPartition | undefined {
    const p = this.parts.get(tpKey(topic, partition));
    if (!p || p.inFlight !== correlationId || p.inFlightKind !== kind) return undefined;
    this.abandonRequest(p);
    return p;
  }

  // ---- answers ----

  /** OffsetFetcherUtils.resetPositionIfNeeded: the reset position carries no epoch, so it is not validated. */
  private onListOffsets(res: ListOffsetsResponse): void {
    const p = this.take(res.topic, res.partition, res.correlationId, "reset");
    if (!p) return;
    if (res.error !== "NONE") return this.retryLater(p, res.error);
    if (p.fetchState !== "AWAIT_RESET") return this.pump();
    const policy = p.resetStrategy;
    p.seekUnvalidated({ offset: res.offset, offsetEpoch: null, currentLeader: this.currentLeader(p) });
    this.ctx.trace("consumer.reset-offset", { tp: p.key, offset: res.offset, policy });
    this.pump();
  }

  /** OffsetFetcherUtils.onSuccessfulResponseForValidatingPositions → SubscriptionState.maybeCompleteValidation. */
  private onOffsetsForLeaderEpoch(res: OffsetsForLeaderEpochResponse): void {
    const p = this.take(res.topic, res.partition, res.correlationId, "validate");
    if (!p) return;
    const requested = p.inFlightPosition!;
    p.inFlightPosition = null;
    if (res.error !== "NONE") {
      if (!RETRIABLE_VALIDATION_ERRORS.has(res.error)) this.ctx.trace("consumer.validation-error", { tp: p.key, error: res.error });
      return this.retryLater(p, res.error);
    }
    const outcome = p.maybeCompleteValidation(requested, { leaderEpoch: res.leaderEpoch, endOffset: res.endOffset }, this.settings.autoOffsetReset);
    if (outcome.kind !== "stale" && outcome.kind !== "valid")
      this.ctx.trace("consumer.truncation-detected", { tp: p.key, offset: requested.offset, offsetEpoch: requested.offsetEpoch, leaderEpoch: res.leaderEpoch, endOffset: res.endOffset, action: outcome.kind === "truncated-seek" ? "seek" : outcome.kind === "truncated-reset" ? `reset ${this.settings.autoOffsetReset}` : "raise" });
    if (outcome.kind === "truncated-raise") {
      // LogTruncationException from the next poll; the partition stays awaiting validation and asks again later.
      p.raise = { exception: "LogTruncationException", offset: requested.offset, truncation: outcome.truncation };
      p.nextRetryTimeUs = this.ctx.nowUs + this.settings.retryBackoffMs * 1000;
      this.wakeAt(p.nextRetryTimeUs);
    }
    this.pump();
  }

  /** FetchCollector.initialize: the answer for the position in flight becomes the partition's completed fetch. */
  private onFetch(res: ConsumerFetchResponse): void {
    const p = this.take(res.topic, res.partition, res.correlationId, "fetch");
    if (!p) return;
    // An answer for a position that has moved (or is no longer valid) since it was asked for is stale.
    if (!p.hasValidPosition || p.position === null || p.position.offset !== p.inFlightOffset) return this.pump();
    if (res.error === "OFFSET_OUT_OF_RANGE") {
      // FetchCollector.handleInitializeErrors: reset by auto.offset.reset, or OffsetOutOfRangeException from poll().
      this.ctx.trace("consumer.offset-out-of-range", { tp: p.key, fetchOffset: p.inFlightOffset, logStartOffset: res.logStartOffset, highWatermark: res.highWatermark, policy: this.settings.autoOffsetReset });
      if (this.settings.autoOffsetReset !== "none") p.reset(this.settings.autoOffsetReset);
      else {
        p.raise = { exception: "OffsetOutOfRangeException", offset: p.inFlightOffset };
        p.nextRetryTimeUs = this.ctx.nowUs + this.settings.retryBackoffMs * 1000;
      }
      this.pump();
      return;
    }
    // Leader moved, epoch fenced, timeout: refresh metadata and fetch again after retry.backoff.ms.
    if (res.error !== "NONE") return this.retryLater(p, res.error);
    if (res.batches.length > 0) p.completed = new CompletedFetch(p.inFlightOffset, res.batches, res.abortedTransactions, this.settings.isolationLevel);
    this.pump();
  }
}

import type { RecordBatch } from "../../log/recordBatch.js";
import type { ActorContext, Timer } from "../../../sim/index.js";
import type { ConsumerSettings } from "../../config/consumerConfig.js";
import { NetworkClient } from "../../network/networkClient.js";
import type { TopicPartitionRef } from "../../protocol/groupMessages.js";
import { tpKey } from "../../protocol/messages.js";
import type { OffsetEntry } from "../../protocol/transactionMessages.js";
import { ClientMetadata } from "../clientMetadata.js";
import { nextRequestId } from "../requestIds.js";
import { AssignedPartition, type ConsumerPositionException, POSITION_EXCEPTION_ERRORS, type PolledPartition, type PollResult } from "./assignedPartition.js";
import { ConsumerCoordinator } from "./consumerCoordinator.js";
import { ConsumerMembershipManager } from "./consumerMembershipManager.js";
import type { ConsumerRequestHost } from "./consumerRequests.js";
import { Fetcher } from "./fetcher.js";
import type { CommitCallback, GroupMember, GroupMemberDeps, RebalanceListener } from "./groupMember.js";
import { OffsetFetcher } from "./offsetFetcher.js";

export { type ConsumerPollError, type ConsumerPositionException, POSITION_EXCEPTION_ERRORS, type PolledPartition, type PollResult } from "./assignedPartition.js";

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
 * connection closes or times out is retried after retry.backoff.ms with fresh metadata. Fetches are the
 * `Fetcher`'s (one per node, for all its partitions); resets and validations the `OffsetFetcher`'s.
 *
 * Simplified: no fetch sessions (KIP-227); ListOffsets and OffsetsForLeaderEpoch carry one partition each; a
 * request's error other than out of range waits retry.backoff.ms; requests are sent as soon as they can be, not only
 * from inside poll().
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
  /**
   * Called when a Fetch answer brought records poll() can return: an application blocked in poll(Duration) sets it
   * to return at once (KafkaConsumer.pollForFetches waits in `client.poll` until `fetcher.hasAvailableFetches()`).
   * Null: the application polls on its own schedule.
   */
  onFetchAvailable: (() => void) | null = null;
  private pumpAtUs = Infinity;
  /** The fetcher's next pass (after a back-off). */
  private readonly pumpAt: Timer;
  private readonly fetcher: Fetcher;
  private readonly offsetFetcher: OffsetFetcher;

  constructor(
    private readonly ctx: ActorContext,
    private readonly brokers: string[],
    readonly settings: ConsumerSettings,
  ) {
    // KafkaConsumer: up to 100 requests in flight per connection (ConsumerUtils.CONSUMER_MAX_INFLIGHT_REQUESTS_PER_CONNECTION).
    this.client = new NetworkClient(ctx, { name: "consumer", requestTimeoutMs: settings.requestTimeoutMs, maxInFlightRequestsPerConnection: 100, ...settings.network }, () => nextRequestId(ctx));
    this.metadata = new ClientMetadata(ctx, this.client, brokers, settings.metadataMaxAgeMs, settings.retryBackoffMs);
    this.metadata.onUpdate = () => {
      this.offsetFetcher.validatePositionsOnMetadataChange();
      this.pump();
    };
    this.pumpAt = ctx.timer(() => {
      this.pumpTimer = -1;
      this.pumpAtUs = Infinity;
      this.pump();
    });
    const self = this;
    const host: ConsumerRequestHost = {
      ctx,
      client: this.client,
      metadata: this.metadata,
      settings,
      partition: (key) => self.parts.get(key),
      partitions: () => self.parts.values(),
      retryLater: (p, error, refreshMetadata) => self.retryLater(p, error, refreshMetadata),
      wakeAt: (us) => self.wakeAt(us),
      pump: () => self.pump(),
      fetchAvailable: () => self.onFetchAvailable?.(),
    };
    this.fetcher = new Fetcher(host);
    this.offsetFetcher = new OffsetFetcher(host);
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
      p.abandonRequest();
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
      p.seekUnvalidated({ offset: committed.offset, offsetEpoch, currentLeader: this.offsetFetcher.currentLeader(p) });
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
      p.abandonRequest();
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
    for (const p of this.parts.values()) p.abandonRequest();
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
   * `visit` (a perf-test consumer): the records are not built but handed to it as stretches of their batches
   * (CompletedFetch.visitRecords), and the result lists no partitions; the positions move the same.
   */
  poll(visit?: (topic: string, partition: number, batch: RecordBatch, fromIndex: number, count: number) => void): PollResult {
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
      // Not yet decompressed by the consumer's CPU (capacity.clientCpu): poll() returns it once it is.
      if (c === null || c.readyAtUs > this.ctx.nowUs) continue;
      const position = p.position;
      if (!p.hasValidPosition || position === null || c.nextFetchOffset !== position.offset) {
        // FetchCollector.fetchRecords: not fetchable any more, or not next in line (an obsolete request): drained.
        p.completed = null;
        continue;
      }
      const records = visit ? null : c.fetchRecords(room);
      const got = records ? records.length : c.visitRecords(room, (b, from, count) => visit!(p.topic, p.partition, b, from, count));
      // The position moves to the fetch's next offset, past markers and aborted batches too, with the epoch of the
      // last batch read, even when no record is returned.
      if (c.nextFetchOffset > position.offset) p.position = { offset: c.nextFetchOffset, offsetEpoch: c.lastEpoch, currentLeader: position.currentLeader };
      if (c.isConsumed) p.completed = null;
      if (got === 0) continue;
      room -= got;
      if (records) out.push({ topic: p.topic, partition: p.partition, records });
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

  // ---- requests (the Fetcher and the OffsetFetcher) ----

  /** A request failed: refresh metadata and try again after retry.backoff.ms (SubscriptionState.requestFailed). */
  private retryLater(p: AssignedPartition, error: string, refreshMetadata = true): void {
    this.ctx.trace("consumer.retry", { tp: p.key, error });
    if (refreshMetadata) this.metadata.requestUpdate();
    p.nextRetryTimeUs = this.ctx.nowUs + this.settings.retryBackoffMs * 1000;
    this.wakeAt(p.nextRetryTimeUs);
  }

  private wakeAt(us: number): void {
    if (this.pumpTimer >= 0 && this.pumpAtUs <= us) return;
    if (this.pumpTimer >= 0) this.pumpAt.cancel(this.pumpTimer);
    this.pumpAtUs = us;
    this.pumpTimer = this.pumpAt.set(Math.max(0, (us - this.ctx.nowUs) / 1000));
  }

  /** Sends what can be sent: position resets and validations, then one Fetch per node for the fetchable partitions. */
  private pump(): void {
    if (this.closed) return;
    if (this.metadata.isStale()) this.metadata.requestUpdate();
    const fetchable: AssignedPartition[] = [];
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
      if (p.fetchState === "AWAIT_RESET") this.offsetFetcher.sendListOffsets(p);
      else if (p.fetchState === "AWAIT_VALIDATION") this.offsetFetcher.sendValidation(p);
      else if (p.fetchState === "FETCHING" && p.completed === null && p.raise === null) fetchable.push(p);
    }
    if (fetchable.length > 0) this.fetcher.sendFetches(fetchable);
  }
}

import type { ActorContext, Timer } from "../../../sim/index.js";
import type { ConsumerSettings } from "../../config/consumerConfig.js";
import type { ConsumerMessages } from "../../protocol/apis.js";
import type { Handlers } from "../../protocol/dispatch.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { ConsumerFetchRequest, ConsumerFetchResponse, FetchedRecord, ListOffsetsRequest, ListOffsetsResponse } from "../../protocol/messages.js";
import { CompletedFetch } from "./completedFetch.js";
import { tpKey } from "../../protocol/messages.js";
import { ClientMetadata } from "../clientMetadata.js";
import type { OffsetEntry } from "../../protocol/transactionMessages.js";
import type { TopicPartitionRef } from "../../protocol/groupMessages.js";
import { ConsumerCoordinator } from "./consumerCoordinator.js";
import { ConsumerMembershipManager } from "./consumerMembershipManager.js";
import type { CommitCallback, GroupMember, GroupMemberDeps, RebalanceListener } from "./groupMember.js";
import { nextRequestId } from "../requestIds.js";

interface PartitionState {
  topic: string;
  partition: number;
  /** The next offset poll() gives out and the next fetch asks for; null until reset by auto.offset.reset. */
  position: number | null;
  /** The fetched batches poll() has not used up yet; no new fetch while there are some (AbstractFetch.fetchablePartitions). */
  completed: CompletedFetch | null;
  inFlight: number;
  inFlightTo: string;
  /** The fetch offset of the fetch in flight (its answer is used only if the position is still there). */
  inFlightOffset: number;
  timer: number;
  backoffUntilUs: number;
  resetting: boolean;
  /** Set when auto.offset.reset=none left the position undefined (NoOffsetForPartitionException). */
  error: ErrorName | null;
  /** Group mode: the committed offset has not been fetched yet (no fetching until it has). */
  awaitingCommitted: boolean;
}

export interface PolledPartition {
  topic: string;
  partition: number;
  records: FetchedRecord[];
}

/**
 * The Java consumer (`KafkaConsumer` + `Fetcher`): assign() mode, or subscribe() with a group.id, when the group
 * membership (classic `ConsumerCoordinator` or KIP-848 `ConsumerMembershipManager`) decides the assignment. It fetches each assigned partition from its leader with the leader
 * epoch from its metadata, buffers what comes back, and hands out at most `max.poll.records` per poll(). Positions
 * start from the group's committed offset, else auto.offset.reset (ListOffsets). `isolation.level` bounds what
 * brokers return (the HW, or the LSO under read_committed).
 * Simplified: one partition per fetch request; no fetch sessions; no KIP-320 truncation detection on the consumer.
 */
export class KafkaConsumer {
  readonly metadata: ClientMetadata;
  private readonly parts = new Map<string, PartitionState>();
  private pumpTimer = -1;
  private pollRotation = 0;
  /** The group membership, once subscribe() was called. */
  group: GroupMember | null = null;
  /** The fetcher's next pass (after a back-off). */
  private readonly pumpAt: Timer;
  /** fetch.max.wait.ms + request.timeout.ms of a partition's fetch or ListOffsets, by topic-partition. */
  private readonly requestTimeout: Timer<string>;

  constructor(
    private readonly ctx: ActorContext,
    private readonly brokers: string[],
    readonly settings: ConsumerSettings,
  ) {
    this.metadata = new ClientMetadata(ctx, brokers, settings.requestTimeoutMs, settings.metadataMaxAgeMs, settings.retryBackoffMs);
    this.metadata.onUpdate = () => this.pump();
    this.pumpAt = ctx.timer(() => {
      this.pumpTimer = -1;
      this.pump();
    });
    this.requestTimeout = ctx.timer((tp) => {
      const p = this.parts.get(tp);
      if (p && p.inFlight >= 0) this.failRequest(p, "REQUEST_TIMED_OUT");
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
    const keep = new Set(tps.map((t) => tpKey(t.topic, t.partition)));
    for (const [k, p] of [...this.parts]) {
      if (keep.has(k)) continue;
      if (p.timer >= 0) this.requestTimeout.cancel(p.timer);
      this.parts.delete(k);
    }
    for (const t of tps) {
      const k = tpKey(t.topic, t.partition);
      if (!this.parts.has(k))
        this.parts.set(k, { topic: t.topic, partition: t.partition, position: null, completed: null, inFlight: -1, inFlightTo: "", inFlightOffset: -1, timer: -1, backoffUntilUs: 0, resetting: false, error: null, awaitingCommitted: fromGroup });
    }
    this.pump();
  }

  /** KafkaConsumer.subscribe: join `settings.groupId` for these topics; the listener hears every rebalance. */
  subscribe(topics: string[], listener: RebalanceListener): void {
    const self = this;
    const deps: GroupMemberDeps = {
      ctx: this.ctx,
      brokers: this.brokers,
      settings: this.settings,
      groupId: this.settings.groupId!,
      topics,
      metadata: this.metadata,
      subscriptions: {
        owned: () => self.assignment(),
        setAssignment: (tps) => self.setAssignment(tps, true),
        awaitingCommitted: () => [...self.parts.values()].filter((p) => p.awaitingCommitted).map((p) => ({ topic: p.topic, partition: p.partition })),
        setCommitted: (tp, offset) => {
          const p = self.parts.get(tpKey(tp.topic, tp.partition));
          if (!p || !p.awaitingCommitted) return;
          p.awaitingCommitted = false;
          if (offset !== null) {
            p.position = offset;
            self.ctx.trace("consumer.committed-offset", { tp: tpKey(p.topic, p.partition), offset });
          }
          self.pump();
        },
        allConsumed: () => self.allConsumed(),
      },
      listener,
    };
    // group.protocol: classic (JoinGroup/SyncGroup) or consumer (KIP-848).
    this.group = this.settings.groupProtocol === "consumer" ? new ConsumerMembershipManager(deps) : new ConsumerCoordinator(deps);
  }

  /** SubscriptionState.allConsumed: the position of every assigned partition that has one. */
  allConsumed(): OffsetEntry[] {
    const out: OffsetEntry[] = [];
    for (const p of this.parts.values()) if (p.position !== null && !p.awaitingCommitted) out.push({ topic: p.topic, partition: p.partition, offset: p.position });
    return out;
  }

  /** Rewind every assigned partition to its committed offset (the EOS pattern after an abort). */
  seekToCommitted(): void {
    for (const p of this.parts.values()) {
      p.awaitingCommitted = true;
      p.position = null;
      p.completed = null;
      if (p.timer >= 0) this.requestTimeout.cancel(p.timer);
      p.inFlight = -1;
      p.timer = -1;
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

  close(): void {
    this.group?.close();
  }

  assignment(): { topic: string; partition: number }[] {
    return [...this.parts.values()].map((p) => ({ topic: p.topic, partition: p.partition }));
  }

  /** Partitions whose position could not be reset (auto.offset.reset=none). */
  errors(): { topic: string; partition: number; error: ErrorName }[] {
    return [...this.parts.values()].filter((p) => p.error !== null).map((p) => ({ topic: p.topic, partition: p.partition, error: p.error! }));
  }

  /** KafkaConsumer.poll without waiting: up to max.poll.records buffered records, partition by partition. */
  poll(): PolledPartition[] {
    const out: PolledPartition[] = [];
    if (this.group) {
      this.group.poll();
      if (this.group.fatal) return out;
    }
    let room = this.settings.maxPollRecords;
    // Partitions take turns being first, so a full poll does not always starve the same ones (the Java Fetcher
    // moves a partition whose records were returned to the back of its queue).
    const all = [...this.parts.values()];
    const start = all.length > 0 ? this.pollRotation % all.length : 0;
    for (let i = 0; i < all.length && room > 0; i++) {
      const p = all[(start + i) % all.length];
      const c = p.completed;
      if (c === null || p.position === null) continue;
      // FetchCollector.fetchRecords: only a fetch that starts at the position is used; the position then moves to
      // the fetch's next offset, past markers and aborted batches too, even when no record is returned.
      const records = c.nextFetchOffset === p.position ? c.fetchRecords(room) : [];
      if (c.nextFetchOffset > p.position) p.position = c.nextFetchOffset;
      if (c.isConsumed || c.nextFetchOffset !== p.position) p.completed = null;
      if (records.length === 0) continue;
      room -= records.length;
      out.push({ topic: p.topic, partition: p.partition, records });
      this.pollRotation = (start + i + 1) % all.length;
    }
    this.pump();
    return out;
  }

  /** Every message a consumer receives: its fetcher's answers, its metadata's, and its group membership's. */
  readonly handlers: Handlers<ConsumerMessages> = {
    MetadataResponse: (_from, res) => {
      this.metadata.onResponse(res);
    },
    FetchResponse: (_from, res) => this.onFetch(res),
    ListOffsetsResponse: (_from, res) => this.onListOffsets(res),
    FindCoordinatorResponse: (from, res) => this.group?.handlers.FindCoordinatorResponse(from, res),
    OffsetCommitResponse: (from, res) => this.group?.handlers.OffsetCommitResponse(from, res),
    OffsetFetchResponse: (from, res) => this.group?.handlers.OffsetFetchResponse(from, res),
    JoinGroupResponse: (from, res) => this.group?.handlers.JoinGroupResponse(from, res),
    SyncGroupResponse: (from, res) => this.group?.handlers.SyncGroupResponse(from, res),
    HeartbeatResponse: (from, res) => this.group?.handlers.HeartbeatResponse(from, res),
    LeaveGroupResponse: (from, res) => this.group?.handlers.LeaveGroupResponse(from, res),
    ConsumerGroupHeartbeatResponse: (from, res) => this.group?.handlers.ConsumerGroupHeartbeatResponse(from, res),
    Disconnected: (from, msg) => {
      this.group?.handlers.Disconnected(from, msg);
      this.metadata.onDisconnected(from);
      for (const p of this.parts.values()) if (p.inFlight >= 0 && p.inFlightTo === from) this.failRequest(p, "NETWORK_EXCEPTION");
    },
  };

  private failRequest(p: PartitionState, error: ErrorName): void {
    if (p.timer >= 0) this.requestTimeout.cancel(p.timer);
    p.timer = -1;
    p.inFlight = -1;
    p.resetting = false;
    this.retryLater(p, error);
  }

  private retryLater(p: PartitionState, error: string): void {
    this.ctx.trace("consumer.retry", { tp: tpKey(p.topic, p.partition), error });
    this.metadata.requestUpdate();
    p.backoffUntilUs = this.ctx.nowUs + this.settings.retryBackoffMs * 1000;
    this.wakeAt(p.backoffUntilUs);
  }

  private wakeAt(us: number): void {
    if (this.pumpTimer >= 0) return;
    this.pumpTimer = this.pumpAt.set(Math.max(0, (us - this.ctx.nowUs) / 1000));
  }

  /** Sends what can be sent: position resets and fetches for partitions with a leader and room in their buffer. */
  private pump(): void {
    if (this.metadata.isStale()) this.metadata.requestUpdate();
    for (const [k, p] of this.parts) {
      if (p.inFlight >= 0 || p.error !== null || p.awaitingCommitted) continue;
      if (this.ctx.nowUs < p.backoffUntilUs) {
        this.wakeAt(p.backoffUntilUs);
        continue;
      }
      const meta = this.metadata.leaderOf(p.topic, p.partition);
      if (!meta || meta.leader === null) {
        this.metadata.requestUpdate();
        continue;
      }
      const id = nextRequestId(this.ctx);
      if (p.position === null) {
        if (this.settings.autoOffsetReset === "none") {
          p.error = "OFFSET_OUT_OF_RANGE";
          continue;
        }
        p.resetting = true;
        this.ctx.send(meta.leader, { type: "ListOffsets", correlationId: id, topic: p.topic, partition: p.partition, currentLeaderEpoch: meta.leaderEpoch, timestamp: this.settings.autoOffsetReset === "earliest" ? -2 : -1, isolationLevel: this.settings.isolationLevel } satisfies ListOffsetsRequest);
      } else {
        if (p.completed !== null) continue;
        this.ctx.send(meta.leader, { type: "Fetch", correlationId: id, replicaId: -1, topic: p.topic, partition: p.partition, currentLeaderEpoch: meta.leaderEpoch, fetchOffset: p.position, maxWaitMs: this.settings.fetchMaxWaitMs, isolationLevel: this.settings.isolationLevel } satisfies ConsumerFetchRequest);
      }
      p.inFlight = id;
      p.inFlightTo = meta.leader;
      p.inFlightOffset = p.position ?? -1;
      p.timer = this.requestTimeout.set(this.settings.fetchMaxWaitMs + this.settings.requestTimeoutMs, k);
    }
  }

  private take(topic: string, partition: number, correlationId: number): PartitionState | undefined {
    const p = this.parts.get(tpKey(topic, partition));
    if (!p || p.inFlight !== correlationId) return undefined;
    if (p.timer >= 0) this.requestTimeout.cancel(p.timer);
    p.timer = -1;
    p.inFlight = -1;
    return p;
  }

  private onListOffsets(res: ListOffsetsResponse): void {
    const p = this.take(res.topic, res.partition, res.correlationId);
    if (!p) return;
    p.resetting = false;
    if (res.error !== "NONE") return this.retryLater(p, res.error);
    p.position = res.offset;
    this.ctx.trace("consumer.reset-offset", { tp: tpKey(p.topic, p.partition), offset: res.offset, policy: this.settings.autoOffsetReset });
    this.pump();
  }

  private onFetch(res: ConsumerFetchResponse): void {
    const p = this.take(res.topic, res.partition, res.correlationId);
    if (!p) return;
    if (res.error === "OFFSET_OUT_OF_RANGE") {
      // Fetcher.handleOffsetOutOfRange: reset by auto.offset.reset, dropping what was buffered.
      this.ctx.trace("consumer.offset-out-of-range", { tp: tpKey(p.topic, p.partition), fetchOffset: p.position });
      p.position = null;
      p.completed = null;
      this.pump();
      return;
    }
    // Leader moved, epoch fenced, timeout: refresh metadata and fetch again after retry.backoff.ms.
    if (res.error !== "NONE") return this.retryLater(p, res.error);
    // FetchCollector.handleInitializeSuccess: an answer for an offset that is no longer the position is stale.
    if (res.batches.length > 0 && p.position === p.inFlightOffset) p.completed = new CompletedFetch(p.inFlightOffset, res.batches, res.abortedTransactions, this.settings.isolationLevel);
    this.pump();
  }
}

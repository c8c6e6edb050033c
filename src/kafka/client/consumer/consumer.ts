import type { ActorContext, Timer } from "../../../sim/index.js";
import type { ConsumerSettings } from "../../config/consumerConfig.js";
import { type Disconnect, NetworkClient } from "../../network/networkClient.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { ConsumerFetchRequest, ConsumerFetchResponse, FetchedRecord, ListOffsetsRequest, ListOffsetsResponse } from "../../protocol/messages.js";
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
  /** Next offset poll() returns; null until reset by auto.offset.reset. */
  position: number | null;
  /** Next offset to fetch (position plus what is buffered). */
  fetchOffset: number;
  buffer: FetchedRecord[];
  inFlight: number;
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
 * brokers return (the HW, or the LSO under read_committed). It fetches only from leaders whose connection is ready
 * (Fetcher.prepareFetchRequests skips nodes that are not); a fetch whose connection closes or times out is retried
 * after retry.backoff.ms with fresh metadata. Fetches and the group's requests share the consumer's NetworkClient.
 * Simplified: one partition per fetch request; no fetch sessions; no KIP-320 truncation detection on the consumer.
 */
export class KafkaConsumer {
  readonly metadata: ClientMetadata;
  /** The consumer's connections to the brokers (Kafka: ConsumerNetworkClient). */
  readonly client: NetworkClient;
  private readonly parts = new Map<string, PartitionState>();
  private pumpTimer = -1;
  private pollRotation = 0;
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
    this.metadata.onUpdate = () => this.pump();
    this.pumpAt = ctx.timer(() => {
      this.pumpTimer = -1;
      this.pumpAtUs = Infinity;
      this.pump();
    });
    // A connection ready: fetch on it; one lost: fresh metadata (the leader may have moved), and fetch again.
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
    const keep = new Set(tps.map((t) => tpKey(t.topic, t.partition)));
    for (const k of [...this.parts.keys()]) if (!keep.has(k)) this.parts.delete(k);
    for (const t of tps) {
      const k = tpKey(t.topic, t.partition);
      if (!this.parts.has(k))
        this.parts.set(k, { topic: t.topic, partition: t.partition, position: null, fetchOffset: 0, buffer: [], inFlight: -1, backoffUntilUs: 0, resetting: false, error: null, awaitingCommitted: fromGroup });
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
        setCommitted: (tp, offset) => {
          const p = self.parts.get(tpKey(tp.topic, tp.partition));
          if (!p || !p.awaitingCommitted) return;
          p.awaitingCommitted = false;
          if (offset !== null) {
            p.position = p.fetchOffset = offset;
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
      p.buffer = [];
      p.inFlight = -1; // an answer still on its way is dropped
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
      if (p.buffer.length === 0 || p.position === null) continue;
      const records = p.buffer.splice(0, room);
      room -= records.length;
      p.position = records[records.length - 1].offset + 1;
      out.push({ topic: p.topic, partition: p.partition, records });
      this.pollRotation = (start + i + 1) % all.length;
    }
    this.pump();
    return out;
  }

  private failRequest(p: PartitionState, error: ErrorName): void {
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
    if (this.pumpTimer >= 0 && this.pumpAtUs <= us) return;
    if (this.pumpTimer >= 0) this.pumpAt.cancel(this.pumpTimer);
    this.pumpAtUs = us;
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
      if (p.position === null && this.settings.autoOffsetReset === "none") {
        p.error = "OFFSET_OUT_OF_RANGE";
        continue;
      }
      if (p.position !== null && p.buffer.length >= this.settings.maxPollRecords) continue;
      // Only a ready connection is fetched from; the client wakes the fetcher when it is (or when it fails).
      if (!this.client.ready(meta.leader)) {
        const delay = this.client.connectionDelayMs(meta.leader);
        if (delay > 0 && delay < Infinity && !this.client.isConnecting(meta.leader)) this.wakeAt(this.ctx.nowUs + delay * 1000);
        continue;
      }
      const id = this.client.correlationId();
      p.inFlight = id;
      if (p.position === null) {
        p.resetting = true;
        const req: ListOffsetsRequest = { type: "ListOffsets", correlationId: id, topic: p.topic, partition: p.partition, currentLeaderEpoch: meta.leaderEpoch, timestamp: this.settings.autoOffsetReset === "earliest" ? -2 : -1, isolationLevel: this.settings.isolationLevel };
        this.client.send(meta.leader, req, (res) => (res.type === "Disconnected" ? this.onRequestFailed(k, id, res) : this.onListOffsets(res)));
      } else {
        const req: ConsumerFetchRequest = { type: "Fetch", correlationId: id, replicaId: -1, topic: p.topic, partition: p.partition, currentLeaderEpoch: meta.leaderEpoch, fetchOffset: p.fetchOffset, maxWaitMs: this.settings.fetchMaxWaitMs, isolationLevel: this.settings.isolationLevel };
        // A fetch may wait fetch.max.wait.ms at the broker, on top of the request timeout.
        this.client.send(meta.leader, req, (res) => (res.type === "Disconnected" ? this.onRequestFailed(k, id, res) : this.onFetch(res as ConsumerFetchResponse)), this.settings.fetchMaxWaitMs + this.settings.requestTimeoutMs);
      }
    }
  }

  /** A fetch or ListOffsets whose connection closed or timed out: again after retry.backoff.ms. */
  private onRequestFailed(tp: string, id: number, why: Disconnect): void {
    const p = this.parts.get(tp);
    if (p && p.inFlight === id) this.failRequest(p, why.timedOut ? "REQUEST_TIMED_OUT" : "NETWORK_EXCEPTION");
  }

  private take(topic: string, partition: number, correlationId: number): PartitionState | undefined {
    const p = this.parts.get(tpKey(topic, partition));
    if (!p || p.inFlight !== correlationId) return undefined;
    p.inFlight = -1;
    return p;
  }

  private onListOffsets(res: ListOffsetsResponse): void {
    const p = this.take(res.topic, res.partition, res.correlationId);
    if (!p) return;
    p.resetting = false;
    if (res.error !== "NONE") return this.retryLater(p, res.error);
    p.position = res.offset;
    p.fetchOffset = res.offset;
    this.ctx.trace("consumer.reset-offset", { tp: tpKey(p.topic, p.partition), offset: res.offset, policy: this.settings.autoOffsetReset });
    this.pump();
  }

  private onFetch(res: ConsumerFetchResponse): void {
    const p = this.take(res.topic, res.partition, res.correlationId);
    if (!p) return;
    if (res.error === "OFFSET_OUT_OF_RANGE") {
      // Fetcher.handleOffsetOutOfRange: reset by auto.offset.reset, dropping what was buffered.
      this.ctx.trace("consumer.offset-out-of-range", { tp: tpKey(p.topic, p.partition), fetchOffset: p.fetchOffset });
      p.position = null;
      p.buffer = [];
      this.pump();
      return;
    }
    // Leader moved, epoch fenced, timeout: refresh metadata and fetch again after retry.backoff.ms.
    if (res.error !== "NONE") return this.retryLater(p, res.error);
    for (const r of res.records) {
      if (r.offset < p.fetchOffset) continue;
      p.buffer.push(r);
      p.fetchOffset = r.offset + 1;
    }
    this.pump();
  }
}

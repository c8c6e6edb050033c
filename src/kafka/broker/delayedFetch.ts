import type { ActorContext, ConnectionId, Timer } from "../../sim/index.js";
import type { PartitionLog } from "../log/partitionLog.js";
import type { ProducerStateManager } from "../log/producerStateManager.js";
import { lastOffsetOf, type RecordBatch } from "../log/recordBatch.js";
import type { ErrorName } from "../protocol/errors.js";
import type { ConsumerFetchRequest, ConsumerFetchResponse, FetchedRecord, FetchRequest, FetchResponse } from "../protocol/messages.js";

const MAX_RECORDS_PER_FETCH = 2000;
/** replica.fetch.max.bytes / fetch.max.bytes as the model reads a log: 1 MiB a fetch. */
export const FETCH_MAX_BYTES = 1_048_576;

/** What fetches read of their partition. */
export interface FetchSource {
  readonly topic: string;
  readonly partition: number;
  readonly role: "leader" | "follower" | "none";
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly log: PartitionLog;
  readonly producerState: ProducerStateManager;
}

/** Kafka's FetchResponse for a follower (replica id ≥ 0): record batches as they are in the log. */
export function followerFetchResponse(req: FetchRequest, error: ErrorName, highWatermark: number, logStartOffset: number, batches: RecordBatch[]): FetchResponse {
  return { type: "FetchResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, highWatermark, logStartOffset, batches };
}

/** Kafka's FetchResponse for a consumer (replica id -1): the records it may read (see `consumerRecords`). */
export function consumerFetchResponse(req: ConsumerFetchRequest, error: ErrorName, highWatermark: number, lastStableOffset: number, logStartOffset: number, records: FetchedRecord[]): ConsumerFetchResponse {
  return { type: "FetchResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, highWatermark, lastStableOffset, logStartOffset, records };
}

/** The offset a consumer may read up to (exclusive): the HW, or the LSO under read_committed. */
export function maxConsumerOffset(p: FetchSource, isolation: ConsumerFetchRequest["isolationLevel"]): number {
  return isolation === "read_committed" ? p.lastStableOffset : p.highWatermark;
}

/**
 * What a consumer's fetch returns from the leader's log (Kafka `ReplicaManager.readFromLog` for replica id -1):
 * records below the HW (read_uncommitted) or the LSO (read_committed, which also drops records of aborted
 * transactions, as the client does with the aborted-transaction list), at most 2,000. Control records are never
 * returned.
 */
export function consumerRecords(p: FetchSource, req: ConsumerFetchRequest): FetchedRecord[] {
  const limit = maxConsumerOffset(p, req.isolationLevel);
  const out: FetchedRecord[] = [];
  if (req.fetchOffset >= limit) return out;
  const committedOnly = req.isolationLevel === "read_committed";
  for (const b of p.log.read(req.fetchOffset, FETCH_MAX_BYTES)) {
    if (b.isControl) continue;
    if (committedOnly && b.isTransactional && p.producerState.isAborted(b.producerId, b.baseOffset)) continue;
    for (let i = 0; i < b.records.length; i++) {
      const offset = b.baseOffset + i;
      if (offset < req.fetchOffset) continue;
      if (offset >= limit || out.length >= MAX_RECORDS_PER_FETCH) return out;
      out.push({ offset, key: b.records[i].key, value: b.records[i].value });
    }
    if (lastOffsetOf(b) + 1 >= limit) break;
  }
  return out;
}

interface ParkedFollowerFetch {
  /** The connection the fetch came on: its answer goes back on it. */
  from: ConnectionId;
  request: FetchRequest;
  timer: number;
}

interface ParkedConsumerFetch {
  id: number;
  /** The connection the fetch came on: its answer goes back on it. */
  from: ConnectionId;
  request: ConsumerFetchRequest;
  timer: number;
}

/**
 * The fetches of one partition waiting for data (Kafka `DelayedFetch` in `ReplicaManager`'s fetch purgatory, keyed
 * by partition): a follower's fetch waits until the leader's log grows; a consumer's until the HW (or LSO) passes
 * its offset. Either waits at most its `maxWaitMs`, then answers with what there is; a change of leader answers
 * NOT_LEADER_OR_FOLLOWER at once. One parked fetch per follower (a new one replaces it).
 */
export class DelayedFetchPurgatory {
  private readonly followers = new Map<string, ParkedFollowerFetch>();
  private consumers: ParkedConsumerFetch[] = [];
  private nextId = 0;
  /** replica.fetch.wait.max.ms of a follower's parked fetch, by replica. */
  private readonly followerWait: Timer<string>;
  /** fetch.max.wait.ms of a consumer's parked fetch, by its id here. */
  private readonly consumerWait: Timer<number>;

  constructor(
    private readonly ctx: ActorContext,
    private readonly p: FetchSource,
  ) {
    this.followerWait = ctx.timer((replica) => {
      const f = this.followers.get(replica);
      if (!f) return;
      this.followers.delete(replica);
      this.respondFollower(f.from, f.request, "NONE", this.p.log.read(f.request.fetchOffset, FETCH_MAX_BYTES));
    });
    this.consumerWait = ctx.timer((id) => {
      const i = this.consumers.findIndex((f) => f.id === id);
      if (i < 0) return;
      const [f] = this.consumers.splice(i, 1);
      const leader = this.p.role === "leader";
      this.respondConsumer(f.from, f.request, leader ? "NONE" : "NOT_LEADER_OR_FOLLOWER", leader ? consumerRecords(this.p, f.request) : []);
    });
  }

  respondFollower(to: ConnectionId, req: FetchRequest, error: ErrorName, batches: RecordBatch[]): void {
    this.ctx.write(to, followerFetchResponse(req, error, this.p.highWatermark, this.p.log.logStartOffset, batches));
  }

  respondConsumer(to: ConnectionId, req: ConsumerFetchRequest, error: ErrorName, records: FetchedRecord[]): void {
    this.ctx.write(to, consumerFetchResponse(req, error, this.p.highWatermark, this.p.lastStableOffset, this.p.log.logStartOffset, records));
  }

  /** Long poll: hold a follower's fetch until data arrives or replica.fetch.wait.max.ms passes. */
  watchFollower(from: ConnectionId, req: FetchRequest): void {
    const old = this.followers.get(req.replicaId);
    if (old) this.followerWait.cancel(old.timer);
    const timer = this.followerWait.set(req.maxWaitMs, req.replicaId);
    this.followers.set(req.replicaId, { from, request: req, timer });
  }

  /** Hold a consumer's fetch until the HW (or LSO) passes its offset or fetch.max.wait.ms passes. */
  watchConsumer(from: ConnectionId, req: ConsumerFetchRequest): void {
    const id = this.nextId++;
    const timer = this.consumerWait.set(req.maxWaitMs, id);
    this.consumers.push({ id, from, request: req, timer });
  }

  /** The leader's log grew: parked follower fetches read it now. */
  checkAndCompleteFollowers(): void {
    for (const f of [...this.followers.values()]) {
      this.followerWait.cancel(f.timer);
      this.followers.delete(f.request.replicaId);
      this.respondFollower(f.from, f.request, "NONE", this.p.log.read(f.request.fetchOffset, FETCH_MAX_BYTES));
    }
  }

  /** The HW (or LSO) moved: parked consumer fetches that now have something to read get it. */
  checkAndCompleteConsumers(): void {
    if (this.consumers.length === 0) return;
    const still: ParkedConsumerFetch[] = [];
    for (const f of this.consumers) {
      const records = consumerRecords(this.p, f.request);
      if (records.length === 0) still.push(f);
      else {
        this.consumerWait.cancel(f.timer);
        this.respondConsumer(f.from, f.request, "NONE", records);
      }
    }
    this.consumers = still;
  }

  /** Leadership moved away: parked fetches learn it now (followers first, then consumers). */
  failAll(): void {
    for (const f of this.followers.values()) {
      this.followerWait.cancel(f.timer);
      this.respondFollower(f.from, f.request, "NOT_LEADER_OR_FOLLOWER", []);
    }
    this.followers.clear();
    for (const f of this.consumers) {
      this.consumerWait.cancel(f.timer);
      this.respondConsumer(f.from, f.request, "NOT_LEADER_OR_FOLLOWER", []);
    }
    this.consumers = [];
  }
}

import type { ActorContext, ConnectionId, Timer } from "../../sim/index.js";
import type { PartitionLog } from "../log/partitionLog.js";
import type { ProducerStateManager } from "../log/producerStateManager.js";
import { lastOffsetOf, type RecordBatch } from "../log/recordBatch.js";
import type { ErrorName } from "../protocol/errors.js";
import type { AbortedTransaction, ConsumerFetchRequest, ConsumerFetchResponse, FetchRequest, FetchResponse } from "../protocol/messages.js";

/** replica.fetch.max.bytes / max.partition.fetch.bytes as the model reads a log: 1 MiB a fetch. */
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
  /** Partition.checkCurrentLeaderEpoch (KIP-320). */
  checkLeaderEpoch(requestEpoch: number): ErrorName;
}

/** Kafka's FetchResponse for a follower (replica id ≥ 0): record batches as they are in the log. */
export function followerFetchResponse(req: FetchRequest, error: ErrorName, highWatermark: number, logStartOffset: number, batches: RecordBatch[]): FetchResponse {
  return { type: "FetchResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, highWatermark, logStartOffset, batches };
}

/** A consumer's read of the leader's log: batches and the aborted transactions among them, or why not. */
export type ConsumerRead = { ok: true; batches: RecordBatch[]; abortedTransactions: AbortedTransaction[] | null } | { ok: false; error: ErrorName };

const NOTHING_READ: ConsumerRead & { ok: true } = { ok: true, batches: [], abortedTransactions: null };

/** Kafka's FetchResponse for a consumer (replica id -1): what `readRecordsForConsumer` read, or an error. */
export function consumerFetchResponse(req: ConsumerFetchRequest, error: ErrorName, highWatermark: number, lastStableOffset: number, logStartOffset: number, read: ConsumerRead | null): ConsumerFetchResponse {
  const data = read?.ok ? read : NOTHING_READ;
  return { type: "FetchResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, highWatermark, lastStableOffset, logStartOffset, batches: data.batches, abortedTransactions: req.isolationLevel === "read_committed" ? data.abortedTransactions ?? [] : null };
}

/** The offset a consumer may read up to (exclusive): the HW, or the LSO under read_committed. */
export function maxConsumerOffset(p: FetchSource, isolation: ConsumerFetchRequest["isolationLevel"]): number {
  return isolation === "read_committed" ? p.lastStableOffset : p.highWatermark;
}

/**
 * A consumer's fetch as the leader reads it (Kafka `Partition.fetchRecords` for replica id -1 → `readRecords` →
 * `UnifiedLog.read` → `LocalLog.read`): NOT_LEADER_OR_FOLLOWER or an epoch error first; OFFSET_OUT_OF_RANGE below
 * the log start (UnifiedLog.checkLogStartOffset) or beyond the log end (LocalLog.read); nothing, and no error, from
 * the HW (LSO under read_committed) up to the log end; else whole batches from the one holding the fetch offset,
 * those that end below the HW (LSO), control batches included, about FETCH_MAX_BYTES at most (at least one). Under
 * read_committed the aborted transactions overlapping them are listed, as the transaction index gives them
 * (UnifiedLog.collectAbortedTransactions: last offset ≥ the fetch offset, first offset below the end of the read).
 */
export function readRecordsForConsumer(p: FetchSource, req: ConsumerFetchRequest): ConsumerRead {
  if (p.role !== "leader") return { ok: false, error: "NOT_LEADER_OR_FOLLOWER" };
  const epochError = p.checkLeaderEpoch(req.currentLeaderEpoch);
  if (epochError !== "NONE") return { ok: false, error: epochError };
  const log = p.log;
  if (req.fetchOffset < log.logStartOffset || req.fetchOffset > log.logEndOffset) return { ok: false, error: "OFFSET_OUT_OF_RANGE" };
  const limit = maxConsumerOffset(p, req.isolationLevel);
  if (req.fetchOffset >= limit) return NOTHING_READ;
  const batches: RecordBatch[] = [];
  for (const b of log.read(req.fetchOffset, FETCH_MAX_BYTES)) {
    if (lastOffsetOf(b) >= limit) break;
    batches.push(b);
  }
  if (req.isolationLevel !== "read_committed" || batches.length === 0) return { ok: true, batches, abortedTransactions: null };
  const upper = lastOffsetOf(batches[batches.length - 1]) + 1;
  const abortedTransactions: AbortedTransaction[] = [];
  for (const a of p.producerState.aborted) if (a.lastOffset >= req.fetchOffset && a.firstOffset < upper) abortedTransactions.push({ producerId: a.producerId, firstOffset: a.firstOffset });
  return { ok: true, batches, abortedTransactions };
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
 * the end of a batch at its offset. Either waits at most its `maxWaitMs`, then answers with what there is; a change of leader answers
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
      this.respondConsumer(f.from, f.request, readRecordsForConsumer(this.p, f.request));
    });
  }

  /** Answers a follower's fetch; `highWatermark` is the one read with the data (default: the HW now). */
  respondFollower(to: ConnectionId, req: FetchRequest, error: ErrorName, batches: RecordBatch[], highWatermark = this.p.highWatermark): void {
    this.ctx.write(to, followerFetchResponse(req, error, highWatermark, this.p.log.logStartOffset, batches));
  }

  /** Answers a consumer's fetch with what was read (DelayedFetch.onComplete reads again), or with an error. */
  respondConsumer(to: ConnectionId, req: ConsumerFetchRequest, read: ConsumerRead | ErrorName): void {
    const error = typeof read === "string" ? read : read.ok ? "NONE" : read.error;
    this.ctx.write(to, consumerFetchResponse(req, error, this.p.highWatermark, this.p.lastStableOffset, this.p.log.logStartOffset, typeof read === "string" ? null : read));
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

  /**
   * The HW (or LSO) moved: parked consumer fetches that now have batches to read get them (DelayedFetch.tryComplete
   * Case G: bytes between the fetch offset and the HW/LSO, a marker's as much as a record's); one that now reads an
   * error (OFFSET_OUT_OF_RANGE after a truncation, say) gets it. No Case F: the model's log is one segment.
   */
  checkAndCompleteConsumers(): void {
    if (this.consumers.length === 0) return;
    const still: ParkedConsumerFetch[] = [];
    for (const f of this.consumers) {
      const read = readRecordsForConsumer(this.p, f.request);
      if (read.ok && read.batches.length === 0) still.push(f);
      else {
        this.consumerWait.cancel(f.timer);
        this.respondConsumer(f.from, f.request, read);
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
      this.respondConsumer(f.from, f.request, "NOT_LEADER_OR_FOLLOWER");
    }
    this.consumers = [];
  }
}

import type { ActorContext, ConnectionId, Timer } from "../../sim/index.js";
import type { PartitionLog } from "../log/partitionLog.js";
import type { ProducerStateManager } from "../log/producerStateManager.js";
import { lastOffsetOf, type RecordBatch } from "../log/recordBatch.js";
import type { ErrorName } from "../protocol/errors.js";
import {
  type AbortedTransaction,
  type ConsumerFetchRequest,
  type ConsumerFetchResponse,
  type ConsumerFetchResponsePartition,
  type FetchPartition,
  type FetchRequest,
  type FetchResponse,
  type FetchResponsePartition,
  type IsolationLevel,
  tpKey,
} from "../protocol/messages.js";

/** replica.fetch.max.bytes / max.partition.fetch.bytes as the model reads a log: 1 MiB a partition. */
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

/** One partition of Kafka's FetchResponse for a follower (replica id ≥ 0): record batches as they are in the log. */
export function followerFetchPartition(fp: FetchPartition, error: ErrorName, highWatermark: number, logStartOffset: number, batches: RecordBatch[]): FetchResponsePartition {
  return { topic: fp.topic, partition: fp.partition, error, highWatermark, logStartOffset, batches };
}

/** A consumer's read of the leader's log: batches and the aborted transactions among them, or why not. */
export type ConsumerRead = { ok: true; batches: RecordBatch[]; abortedTransactions: AbortedTransaction[] | null } | { ok: false; error: ErrorName };

const NOTHING_READ: ConsumerRead & { ok: true } = { ok: true, batches: [], abortedTransactions: null };

/** One partition of Kafka's FetchResponse for a consumer (replica id -1): what `readRecordsForConsumer` read, or an error. */
export function consumerFetchPartition(fp: FetchPartition, isolation: IsolationLevel, error: ErrorName, highWatermark: number, lastStableOffset: number, logStartOffset: number, read: ConsumerRead | null): ConsumerFetchResponsePartition {
  const data = read?.ok ? read : NOTHING_READ;
  return { topic: fp.topic, partition: fp.partition, error, highWatermark, lastStableOffset, logStartOffset, batches: data.batches, abortedTransactions: isolation === "read_committed" ? (data.abortedTransactions ?? []) : null };
}

/** The answer for a partition this broker does not host: NOT_LEADER_OR_FOLLOWER, or UNKNOWN_TOPIC_OR_PARTITION for a topic it does not know. */
export function unknownPartitionError(knowsTopic: boolean): ErrorName {
  return knowsTopic ? "NOT_LEADER_OR_FOLLOWER" : "UNKNOWN_TOPIC_OR_PARTITION";
}

/** The offset a consumer may read up to (exclusive): the HW, or the LSO under read_committed. */
export function maxConsumerOffset(p: FetchSource, isolation: IsolationLevel): number {
  return isolation === "read_committed" ? p.lastStableOffset : p.highWatermark;
}

/** The checks every fetch of a partition passes before the log is read: leader, leader epoch (KIP-320), offset in range. */
function fetchError(p: FetchSource, fp: FetchPartition): ErrorName {
  if (p.role !== "leader") return "NOT_LEADER_OR_FOLLOWER";
  const epochError = p.checkLeaderEpoch(fp.currentLeaderEpoch);
  if (epochError !== "NONE") return epochError;
  // UnifiedLog.checkLogStartOffset / LocalLog.read: below the log start or beyond the log end is out of range.
  if (fp.fetchOffset < p.log.logStartOffset || fp.fetchOffset > p.log.logEndOffset) return "OFFSET_OUT_OF_RANGE";
  return "NONE";
}

/**
 * A consumer's fetch of one partition as the leader reads it (Kafka `Partition.fetchRecords` for replica id -1 →
 * `readRecords` → `UnifiedLog.read` → `LocalLog.read`): NOT_LEADER_OR_FOLLOWER or an epoch error first;
 * OFFSET_OUT_OF_RANGE below the log start (UnifiedLog.checkLogStartOffset) or beyond the log end (LocalLog.read);
 * nothing, and no error, from the HW (LSO under read_committed) up to the log end; else whole batches from the one
 * holding the fetch offset, those that end below the HW (LSO), control batches included, about FETCH_MAX_BYTES at
 * most (at least one). Under read_committed the aborted transactions overlapping them are listed, as the
 * transaction index gives them (UnifiedLog.collectAbortedTransactions: last offset ≥ the fetch offset, first offset
 * below the end of the read).
 */
export function readRecordsForConsumer(p: FetchSource, fp: FetchPartition, isolation: IsolationLevel): ConsumerRead {
  const error = fetchError(p, fp);
  if (error !== "NONE") return { ok: false, error };
  const limit = maxConsumerOffset(p, isolation);
  if (fp.fetchOffset >= limit) return NOTHING_READ;
  const batches: RecordBatch[] = [];
  for (const b of p.log.read(fp.fetchOffset, FETCH_MAX_BYTES)) {
    if (lastOffsetOf(b) >= limit) break;
    batches.push(b);
  }
  if (isolation !== "read_committed" || batches.length === 0) return { ok: true, batches, abortedTransactions: null };
  const upper = lastOffsetOf(batches[batches.length - 1]) + 1;
  const abortedTransactions: AbortedTransaction[] = [];
  for (const a of p.producerState.aborted) if (a.lastOffset >= fp.fetchOffset && a.firstOffset < upper) abortedTransactions.push({ producerId: a.producerId, firstOffset: a.firstOffset });
  return { ok: true, batches, abortedTransactions };
}

/**
 * A parked follower fetch's read of one partition when it completes (DelayedFetch.onComplete → readFromLog with
 * `readFromPurgatory`: the follower's fetch state is not updated again): the same checks as the first read, then
 * the batches from the fetch offset and the HW of this moment.
 */
export function readForDelayedFollower(p: FetchSource, fp: FetchPartition): FetchResponsePartition {
  const error = fetchError(p, fp);
  if (error !== "NONE") return followerFetchPartition(fp, error, p.highWatermark, p.log.logStartOffset, []);
  return followerFetchPartition(fp, "NONE", p.highWatermark, p.log.logStartOffset, p.log.read(fp.fetchOffset, FETCH_MAX_BYTES));
}

/**
 * DelayedFetch.tryComplete for one partition: an error to report (Cases A–D: not the leader any more, a fenced
 * epoch, out of range), or bytes to return (fetch.min.bytes / replica.fetch.min.bytes are 1 by default, so one
 * batch is enough): for a follower, anything beyond its fetch offset; for a consumer, a whole batch at its offset
 * below the HW (LSO). No Case F (the fetch offset on another segment than the HW's): a consumer above the HW waits.
 */
function partitionCanComplete(p: FetchSource | undefined, fp: FetchPartition, consumer: IsolationLevel | null): boolean {
  if (!p || fetchError(p, fp) !== "NONE") return true;
  if (consumer === null) return fp.fetchOffset < p.log.logEndOffset;
  const limit = maxConsumerOffset(p, consumer);
  if (fp.fetchOffset >= limit) return false;
  const i = p.log.batchIndexFrom(fp.fetchOffset);
  return i >= 0 && lastOffsetOf(p.log.batches[i]) < limit;
}

/** A fetch parked in the purgatory (Kafka `DelayedFetch`): the request, the connection its answer goes back on, its timer. */
interface DelayedFetch {
  id: number;
  from: ConnectionId;
  request: FetchRequest | ConsumerFetchRequest;
  timer: number;
  done: boolean;
}

/** How the purgatory finds a partition by its key (the ReplicaManager's partitions). */
export interface DelayedFetchHost {
  ctx: ActorContext;
  /** The hosted partition `topic-partition`, if any. */
  source(key: string): FetchSource | undefined;
  /** Whether the broker knows the topic (else a partition it does not host is UNKNOWN_TOPIC_OR_PARTITION). */
  knowsTopic(topic: string): boolean;
}

/**
 * DelayedFetch.onComplete: every partition of a parked fetch read again (a follower's without updating its fetch
 * state), as one answer in the request's order.
 */
export function delayedFetchResponse(req: FetchRequest | ConsumerFetchRequest, host: DelayedFetchHost): FetchResponse | ConsumerFetchResponse {
  if (req.replicaId !== -1) {
    const partitions = (req as FetchRequest).partitions.map((fp) => {
      const p = host.source(tpKey(fp.topic, fp.partition));
      return p ? readForDelayedFollower(p, fp) : followerFetchPartition(fp, "NOT_LEADER_OR_FOLLOWER", -1, -1, []);
    });
    return { type: "FetchResponse", correlationId: req.correlationId, partitions };
  }
  const creq = req as ConsumerFetchRequest;
  const partitions = creq.partitions.map((fp) => {
    const p = host.source(tpKey(fp.topic, fp.partition));
    if (!p) return consumerFetchPartition(fp, creq.isolationLevel, unknownPartitionError(host.knowsTopic(fp.topic)), -1, -1, -1, null);
    const read = readRecordsForConsumer(p, fp, creq.isolationLevel);
    return consumerFetchPartition(fp, creq.isolationLevel, read.ok ? "NONE" : read.error, p.highWatermark, p.lastStableOffset, p.log.logStartOffset, read);
  });
  return { type: "FetchResponse", correlationId: req.correlationId, partitions };
}

/**
 * The broker's fetch purgatory (Kafka `ReplicaManager.delayedFetchPurgatory` of `DelayedFetch`, watched by
 * `TopicPartitionOperationKey`): a Fetch that found nothing to return waits here, watched under each of its
 * partitions, until any of them has data or an error (`checkAndComplete(key)`, called when a partition's log grows,
 * its HW moves or its leadership ends: Partition.tryCompleteDelayedRequests) or until its maxWaitMs passes; then
 * every partition is read again and the whole answer goes back at once.
 */
export class DelayedFetchPurgatory {
  private readonly watchers = new Map<string, DelayedFetch[]>();
  private readonly byId = new Map<number, DelayedFetch>();
  private nextId = 0;
  /** A parked fetch's maxWaitMs, by its id here. */
  private readonly expiration: Timer<number>;

  constructor(private readonly host: DelayedFetchHost) {
    this.expiration = host.ctx.timer((id) => {
      const op = this.byId.get(id);
      if (op) this.forceComplete(op);
    });
  }

  /** Fetches parked now. */
  get size(): number {
    return this.byId.size;
  }

  /** Parks a fetch, watched under each of its partitions, for at most its maxWaitMs. */
  watch(from: ConnectionId, request: FetchRequest | ConsumerFetchRequest): void {
    const id = this.nextId++;
    const op: DelayedFetch = { id, from, request, timer: this.expiration.set(request.maxWaitMs, id), done: false };
    this.byId.set(id, op);
    for (const fp of request.partitions) {
      const key = tpKey(fp.topic, fp.partition);
      let list = this.watchers.get(key);
      if (!list) this.watchers.set(key, (list = []));
      list.push(op);
    }
  }

  /** DelayedOperationPurgatory.checkAndComplete: the fetches watching `key` that can complete now do. */
  checkAndComplete(key: string): void {
    const list = this.watchers.get(key);
    if (!list || list.length === 0) return;
    for (const op of list.slice()) if (!op.done && this.tryComplete(op)) this.forceComplete(op);
  }

  /** DelayedFetch.tryComplete: any partition of the fetch with data or an error completes it. */
  private tryComplete(op: DelayedFetch): boolean {
    const isolation = op.request.replicaId === -1 ? (op.request as ConsumerFetchRequest).isolationLevel : null;
    for (const fp of op.request.partitions) if (partitionCanComplete(this.host.source(tpKey(fp.topic, fp.partition)), fp, isolation)) return true;
    return false;
  }

  private forceComplete(op: DelayedFetch): void {
    op.done = true;
    this.expiration.cancel(op.timer);
    this.byId.delete(op.id);
    for (const fp of op.request.partitions) {
      const key = tpKey(fp.topic, fp.partition);
      const list = this.watchers.get(key);
      if (!list) continue;
      const i = list.indexOf(op);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.watchers.delete(key);
    }
    this.host.ctx.write(op.from, delayedFetchResponse(op.request, this.host));
  }
}

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
import { bytesAvailable, EMPTY_READ, type FetchParams, fetchParams, type PartitionRead, readFromLog, readFromLogBytes, readPartition } from "./logRead.js";

/** What fetches read of their partition. */
export interface FetchSource {
  readonly topic: string;
  readonly partition: number;
  readonly role: "leader" | "follower" | "none";
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly log: PartitionLog;
  readonly producerState: ProducerStateManager;
  /** Partition.getLocalLog(currentLeaderEpoch, requireLeader = true): the epoch (KIP-320), then the role. */
  checkLeaderAndEpoch(requestEpoch: number): ErrorName;
}

/** One partition of Kafka's FetchResponse for a follower (replica id ≥ 0): record batches as they are in the log. */
export function followerFetchPartition(fp: FetchPartition, error: ErrorName, highWatermark: number, logStartOffset: number, batches: RecordBatch[], partialBytes = 0): FetchResponsePartition {
  const out: FetchResponsePartition = { topic: fp.topic, partition: fp.partition, error, highWatermark, logStartOffset, batches };
  if (partialBytes > 0) out.partialBytes = partialBytes;
  return out;
}

/**
 * A consumer's read of the leader's log: batches (and the head of a cut one, `partialBytes`; `bytes` in all) and the
 * aborted transactions among them, or why not (`bytes` 0).
 */
export type ConsumerRead = ({ ok: true; abortedTransactions: AbortedTransaction[] | null } & PartitionRead) | { ok: false; error: ErrorName; bytes: 0 };

const NOTHING_READ: ConsumerRead & { ok: true } = { ok: true, ...EMPTY_READ, abortedTransactions: null };
/** A partition the broker does not host (its error is chosen by the caller). */
const NOT_HOSTED: ConsumerRead = { ok: false, error: "NOT_LEADER_OR_FOLLOWER", bytes: 0 };

/** One partition of Kafka's FetchResponse for a consumer (replica id -1): what `readRecordsForConsumer` read, or an error. */
export function consumerFetchPartition(fp: FetchPartition, isolation: IsolationLevel, error: ErrorName, highWatermark: number, lastStableOffset: number, logStartOffset: number, read: ConsumerRead | null): ConsumerFetchResponsePartition {
  const data = read?.ok ? read : NOTHING_READ;
  const out: ConsumerFetchResponsePartition = { topic: fp.topic, partition: fp.partition, error, highWatermark, lastStableOffset, logStartOffset, batches: data.batches, abortedTransactions: isolation === "read_committed" ? (data.abortedTransactions ?? []) : null };
  if (data.partialBytes > 0) out.partialBytes = data.partialBytes;
  return out;
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
  // Partition.fetchRecords → localLogWithEpochOrThrow: FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH before
  // NOT_LEADER_OR_FOLLOWER, so a follower answers a fetch at a stale or newer epoch with the epoch error.
  const epochError = p.checkLeaderAndEpoch(fp.currentLeaderEpoch);
  if (epochError !== "NONE") return epochError;
  // UnifiedLog.checkLogStartOffset / LocalLog.read: below the log start or beyond the log end is out of range.
  if (fp.fetchOffset < p.log.logStartOffset || fp.fetchOffset > p.log.logEndOffset) return "OFFSET_OUT_OF_RANGE";
  return "NONE";
}

/**
 * A consumer's fetch of one partition as the leader reads it (Kafka `Partition.fetchRecords` for replica id -1 →
 * `readRecords` → `UnifiedLog.read` → `LocalLog.read`): an epoch error or NOT_LEADER_OR_FOLLOWER first;
 * OFFSET_OUT_OF_RANGE below the log start (UnifiedLog.checkLogStartOffset) or beyond the log end (LocalLog.read);
 * nothing, and no error, from the HW (LSO under read_committed) up to the log end; else whole batches from the one
 * holding the fetch offset, those that end below the HW (LSO), control batches included, up to `maxBytes` bytes
 * (`readPartition`: with `minOneMessage` the first batch comes whole whatever its size). Under read_committed the
 * aborted transactions overlapping them are listed, as the transaction index gives them
 * (UnifiedLog.collectAbortedTransactions: last offset ≥ the fetch offset, first offset below the end of the read).
 */
export function readRecordsForConsumer(p: FetchSource, fp: FetchPartition, isolation: IsolationLevel, maxBytes: number, minOneMessage: boolean): ConsumerRead {
  const error = fetchError(p, fp);
  if (error !== "NONE") return { ok: false, error, bytes: 0 };
  const read = readPartition(p.log, fp.fetchOffset, maxConsumerOffset(p, isolation), maxBytes, minOneMessage);
  const batches = read.batches;
  if (isolation !== "read_committed" || batches.length === 0) return { ok: true, ...read, abortedTransactions: null };
  const upper = lastOffsetOf(batches[batches.length - 1]) + 1;
  const abortedTransactions: AbortedTransaction[] = [];
  for (const a of p.producerState.aborted) if (a.lastOffset >= fp.fetchOffset && a.firstOffset < upper) abortedTransactions.push({ producerId: a.producerId, firstOffset: a.firstOffset });
  return { ok: true, ...read, abortedTransactions };
}

/**
 * A parked follower fetch's read of one partition when it completes (DelayedFetch.onComplete → readFromLog with
 * `readFromPurgatory`: the follower's fetch state is not updated again): the same checks as the first read, then
 * the batches from the fetch offset up to `maxBytes` (`readPartition`) and the HW of this moment. Its bytes read
 * are its batches' bytes and `partialBytes` (`responsePartitionBytes`).
 */
export function readForDelayedFollower(p: FetchSource, fp: FetchPartition, maxBytes: number, minOneMessage: boolean): FetchResponsePartition {
  const error = fetchError(p, fp);
  if (error !== "NONE") return followerFetchPartition(fp, error, p.highWatermark, p.log.logStartOffset, []);
  const read = readPartition(p.log, fp.fetchOffset, p.log.logEndOffset, maxBytes, minOneMessage);
  return followerFetchPartition(fp, "NONE", p.highWatermark, p.log.logStartOffset, read.batches, read.partialBytes);
}

/** The bytes of records a follower's response partition carries (bytes): its batches' and the head of a cut one. */
export function responsePartitionBytes(part: FetchResponsePartition): number {
  let bytes = part.partialBytes ?? 0;
  for (const b of part.batches) bytes += b.sizeBytes;
  return bytes;
}

/**
 * DelayedFetch.tryComplete for one partition: -1 when it has an error to report (Cases A–E: not the leader any more,
 * a fenced epoch, out of range), else the bytes it could return now (Case G: for a follower, the batches from its
 * fetch offset to the log end; for a consumer, those that end below the HW (LSO); at most the partition's max bytes),
 * counted as far as `enough`. No Case F (the fetch offset on another segment than the HW's): a consumer above the HW
 * waits.
 */
function partitionBytesNow(p: FetchSource | undefined, fp: FetchPartition, consumer: IsolationLevel | null, enough: number): number {
  if (!p || fetchError(p, fp) !== "NONE") return -1;
  const maxOffset = consumer === null ? p.log.logEndOffset : maxConsumerOffset(p, consumer);
  return bytesAvailable(p.log, fp.fetchOffset, maxOffset, fp.partitionMaxBytes, enough);
}

/** A fetch parked in the purgatory (Kafka `DelayedFetch`): the request, the connection its answer goes back on, its timer. */
interface DelayedFetch {
  id: number;
  from: ConnectionId;
  request: FetchRequest | ConsumerFetchRequest;
  params: FetchParams;
  /** Its partitions' `topic-partition` keys, in the request's order (made once, read at every check). */
  keys: string[];
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
  /** The broker's fetch.max.bytes (KafkaApis caps every Fetch's max_bytes with it). */
  brokerFetchMaxBytes: number;
}

/**
 * DelayedFetch.onComplete: every partition of a parked fetch read again (a follower's without updating its fetch
 * state) under the fetch's limits (`readFromLog`), as one answer in the request's order. `keys`: the partitions'
 * `topic-partition` keys in the request's order, when the caller has them.
 */
export function delayedFetchResponse(
  req: FetchRequest | ConsumerFetchRequest,
  host: DelayedFetchHost,
  params: FetchParams = fetchParams(req, host.brokerFetchMaxBytes),
  keys: readonly string[] | null = null,
): FetchResponse | ConsumerFetchResponse {
  if (req.replicaId !== -1) {
    const freq = req as FetchRequest;
    // Each partition's answer is built once, as it is read (no holder with its bytes, no copy without them).
    // Stryker disable next-line ArrayDeclaration: presized only; every index is written below
    const partitions = new Array<FetchResponsePartition>(freq.partitions.length);
    readFromLogBytes(freq, params, (i, maxBytes, minOneMessage) => {
      const fp = freq.partitions[i];
      const p = host.source(keys !== null ? keys[i] : tpKey(fp.topic, fp.partition));
      const part = p ? readForDelayedFollower(p, fp, maxBytes, minOneMessage) : followerFetchPartition(fp, "NOT_LEADER_OR_FOLLOWER", -1, -1, []);
      partitions[i] = part;
      return responsePartitionBytes(part);
    });
    return { type: "FetchResponse", correlationId: req.correlationId, partitions };
  }
  const creq = req as ConsumerFetchRequest;
  const sources = creq.partitions.map((fp, i) => host.source(keys !== null ? keys[i] : tpKey(fp.topic, fp.partition)));
  const reads = readFromLog(creq, params, (i, maxBytes, minOneMessage) => {
    const p = sources[i];
    return p ? readRecordsForConsumer(p, creq.partitions[i], creq.isolationLevel, maxBytes, minOneMessage) : NOT_HOSTED;
  });
  const partitions = creq.partitions.map((fp, i) => {
    const p = sources[i];
    if (!p) return consumerFetchPartition(fp, creq.isolationLevel, unknownPartitionError(host.knowsTopic(fp.topic)), -1, -1, -1, null);
    const read = reads[i];
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
      // Stryker disable next-line ConditionalExpression: a completed fetch's timer is cancelled, so it never fires
      if (op) this.forceComplete(op);
    });
  }

  /** Fetches parked now. */
  get size(): number {
    return this.byId.size;
  }

  /**
   * Parks a fetch, watched under each of its partitions, for at most its maxWaitMs; `params`: its limits as the broker
   * applies them; `keys`: its partitions' `topic-partition` keys in the request's order, when the caller has them.
   */
  watch(from: ConnectionId, request: FetchRequest | ConsumerFetchRequest, params: FetchParams = fetchParams(request, this.host.brokerFetchMaxBytes), keys: string[] = request.partitions.map((fp) => tpKey(fp.topic, fp.partition))): void {
    // Stryker disable next-line UpdateOperator: counting down gives distinct ids all the same
    const id = this.nextId++;
    const op: DelayedFetch = { id, from, request, params, keys, timer: this.expiration.set(request.maxWaitMs, id), done: false };
    this.byId.set(id, op);
    for (const key of keys) {
      let list = this.watchers.get(key);
      if (!list) this.watchers.set(key, (list = []));
      list.push(op);
    }
  }

  /** DelayedOperationPurgatory.checkAndComplete: the fetches watching `key` that can complete now do. */
  checkAndComplete(key: string): void {
    const list = this.watchers.get(key);
    // Stryker disable next-line ConditionalExpression: a shortcut; the loop over no fetches does nothing either
    if (!list || list.length === 0) return;
    // No copy of the list (this runs on every append and HW move): completing `op` takes it out of the list at `i`
    // and nothing else joins or leaves it meanwhile (the answer is only written), so the next op moves up to `i`.
    for (let i = 0; i < list.length; ) {
      const op = list[i];
      if (!op.done && this.tryComplete(op)) this.forceComplete(op);
      if (list[i] === op) i++;
    }
  }

  /**
   * DelayedFetch.tryComplete: a partition with an error completes the fetch, and so do the bytes its partitions
   * could return now once they add up to its min bytes (Case G).
   */
  private tryComplete(op: DelayedFetch): boolean {
    const isolation = op.request.replicaId === -1 ? (op.request as ConsumerFetchRequest).isolationLevel : null;
    const minBytes = op.params.minBytes;
    let accumulated = 0;
    const parts = op.request.partitions;
    for (let i = 0; i < parts.length; i++) {
      const fp = parts[i];
      // Stryker disable next-line ArithmeticOperator: `enough` only lets the count stop early; counting further decides the same
      const bytes = partitionBytesNow(this.host.source(op.keys[i]), fp, isolation, Math.max(1, minBytes - accumulated));
      if (bytes < 0) return true;
      accumulated += bytes;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: an early exit; the return after the loop decides the same
      if (accumulated >= minBytes && accumulated > 0) return true;
    }
    return accumulated >= minBytes;
  }

  private forceComplete(op: DelayedFetch): void {
    // A completed fetch leaves its watcher lists (memory only: checkAndComplete skips it by `done` either way, and
    // each list holds it once, so `done` is never read again after this).
    // Stryker disable next-line BooleanLiteral: see above
    op.done = true;
    this.expiration.cancel(op.timer);
    this.byId.delete(op.id);
    // Stryker disable next-line BlockStatement: see above
    for (const key of op.keys) {
      const list = this.watchers.get(key);
      // Stryker disable next-line ConditionalExpression,BooleanLiteral: see above
      if (!list) continue;
      const i = list.indexOf(op);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: see above
      if (i >= 0) list.splice(i, 1);
      // Stryker disable next-line ConditionalExpression: see above
      if (list.length === 0) this.watchers.delete(key);
    }
    this.host.ctx.write(op.from, delayedFetchResponse(op.request, this.host, op.params, op.keys));
  }
}

import { type KafkaRecord, keyBytesOf, valueBytesOf } from "../../log/recordBatch.js";
import { type CompressionType, CompressionRatioEstimator } from "../../log/compression.js";
import { type RecordMagic, recordSizeInBytes, utf8Length } from "../../log/recordSize.js";
import { ProducerBatch, type RunBatchListener, type RunValues, type SendCallback } from "./producerBatch.js";

/**
 * Per-partition queues of batches (Kafka `RecordAccumulator`). A batch is sendable when it is full, when more
 * batches queue behind it, or when it has waited `linger.ms` (a retry waits its back-off instead); the sender drains
 * sendable batches into one request per leader (`drainBatchesForOneNode`). Memory in use is counted against
 * `buffer.memory` until a batch completes.
 */
export class RecordAccumulator {
  readonly queues = new Map<string, ProducerBatch[]>();
  /**
   * The same queues by topic, then by partition number: what the per-record paths (append, wouldOpenBatch,
   * allBatchesFull) look up, without building the `topic-partition` string for every record (issue 14 item 4).
   */
  private readonly queuesByTopic = new Map<string, (ProducerBatch[] | undefined)[]>();
  /** The queues in `queues`' order (a queue is never removed): what the sender's pass walks, without a Map iterator. */
  readonly queueList: ProducerBatch[][] = [];
  usedBytes = 0;
  /** The compression ratio estimates per topic (Kafka's is static per JVM; here per producer). */
  readonly estimator = new CompressionRatioEstimator();
  /** RecordAccumulator.nodesDrainIndex: where each leader's next drain starts among its partitions (fairness). */
  private readonly drainIndex = new Map<string, number>();

  constructor(
    private readonly batchSize: number,
    private readonly lingerMs: number,
    readonly bufferMemory: number,
    /** compression.type: the codec of every batch. */
    private readonly compression: CompressionType = "none",
    /** Topics written in a legacy message format (ProducerSettings.legacyMessageFormat). */
    private readonly legacyFormat: Readonly<Record<string, 0 | 1>> = {},
  ) {}

  /** The record format batches of `topic` are written in (2 unless its message.format.version is legacy). */
  magicOf(topic: string): RecordMagic {
    return this.legacyFormat[topic] ?? 2;
  }

  /** The partition's queue, if it has ever had one. */
  private queueIfAny(topic: string, partition: number): ProducerBatch[] | undefined {
    return this.queuesByTopic.get(topic)?.[partition];
  }

  /** The partition's queue, made (and added to `queues`, in the order partitions are first appended to) if new. */
  private queueOf(topic: string, partition: number): ProducerBatch[] {
    let byPartition = this.queuesByTopic.get(topic);
    if (!byPartition) this.queuesByTopic.set(topic, (byPartition = []));
    let q = byPartition[partition];
    if (!q) {
      byPartition[partition] = q = [];
      this.queues.set(`${topic}-${partition}`, q);
      this.queueList.push(q);
    }
    return q;
  }

  /** A new batch: with a codec it takes the topic's current ratio estimate (ProducerBatch's constructor). */
  private newBatch(topic: string, partition: number, createdMs: number, writeLimit: number): ProducerBatch {
    if (this.compression === "none") return new ProducerBatch(topic, partition, createdMs, writeLimit);
    return new ProducerBatch(topic, partition, createdMs, writeLimit, this.compression, this.estimator.estimation(topic));
  }

  /**
   * `ProducerBatch.close` when the batch is drained: its observed compression ratio updates the topic's estimate
   * (`CompressionRatioEstimator.updateEstimation`). Nothing for an uncompressed producer.
   */
  onClose(batch: ProducerBatch): void {
    if (this.compression !== "none") this.estimator.updateEstimation(batch.topic, batch.actualCompressionRatio);
  }

  /**
   * Appends to the partition's last batch or opens a new one (RecordAccumulator.append). `batchIsFull` is Kafka's
   * RecordAppendResult.batchIsFull: more than one batch queued or the last one full, so the first is ready now.
   */
  append(topic: string, partition: number, r: KafkaRecord, cb: SendCallback, nowMs: number, tag = 0): AppendResult {
    const q = this.queueOf(topic, partition);
    let batch = q[q.length - 1];
    let newBatch = false;
    if (this.opensBatch(batch, r, nowMs)) {
      const magic = this.magicOf(topic);
      batch = this.newBatch(topic, partition, nowMs, ProducerBatch.writeLimitFor(r, this.batchSize, magic));
      batch.magic = magic;
      q.push(batch);
      newBatch = true;
      this.usedBytes += batch.writeLimit; // Kafka allocates max(batch.size, the record's bound) from the buffer pool
    }
    const recordBytes = batch.add(r, cb, nowMs, tag);
    // RecordAppendResult.appendedBytes: a new batch counts its header too (`batch.estimatedSizeInBytes()`).
    const out = this.appended;
    out.batch = batch;
    out.appendedBytes = newBatch ? batch.sizeBytes : recordBytes;
    out.newBatch = newBatch;
    out.batchIsFull = q.length > 1 || batch.isFull();
    return out;
  }

  /** append's result, one object overwritten by each append (it runs per record): read it before the next append. */
  private readonly appended: AppendResult = { batch: null!, appendedBytes: 0, newBatch: false, batchIsFull: false };

  /**
   * `RecordAccumulator.append` for a run of `count` keyless records of a perf-test workload (issue 17 item 6): into
   * the partition's open run batch while it has room, else a new batch (of format `magic`) if buffer.memory has room
   * for it, as appending them one by one would; at most `stopAfterBytes` bytes (the sticky partitioner's switch
   * point; a new batch counts its header, as `appendedBytes` does). Returns null when a new batch is needed and
   * buffer.memory is full (send() would block), else the batch, the records appended and the RecordAppendResult
   * fields.
   */
  appendRun(
    topic: string,
    partition: number,
    values: RunValues,
    firstN: number,
    count: number,
    sendUs: number,
    nowMs: number,
    magic: RecordMagic,
    listener: RunBatchListener,
    stopAfterBytes: number,
  ): { batch: ProducerBatch; appended: number; appendedBytes: number; newBatch: boolean; batchIsFull: boolean } | null {
    const q = this.queueOf(topic, partition);
    const last = q[q.length - 1];
    if (last !== undefined && last.runs !== null && last.attempts === 0 && last.baseSequence < 0 && !last.closedForAppends) {
      const r = last.appendRun(values, firstN, count, sendUs, nowMs, stopAfterBytes);
      if (r.appended > 0) return { batch: last, appended: r.appended, appendedBytes: r.bytes, newBatch: false, batchIsFull: q.length > 1 || last.isFull() };
    }
    const valueBytes = Math.max(values.valueSize, utf8Length(values.prefix) + String(firstN).length);
    const writeLimit = ProducerBatch.writeLimitForSizes(-1, valueBytes, this.batchSize, magic);
    if (!this.hasRoom(writeLimit)) return null;
    const batch = this.newBatch(topic, partition, nowMs, writeLimit);
    batch.magic = magic;
    batch.runListener = listener;
    q.push(batch);
    this.usedBytes += writeLimit;
    const header = batch.sizeBytes;
    const r = batch.appendRun(values, firstN, count, sendUs, nowMs, stopAfterBytes - header);
    return { batch, appended: r.appended, appendedBytes: batch.sizeBytes, newBatch: true, batchIsFull: q.length > 1 || batch.isFull() };
  }

  /** Whether appending `r` now would open a new batch (and so need buffer memory). */
  wouldOpenBatch(topic: string, partition: number, r: KafkaRecord, nowMs: number): boolean {
    const q = this.queueIfAny(topic, partition);
    return this.opensBatch(q?.[q.length - 1], r, nowMs);
  }

  /** Whether `r` appended now after `last` (the partition's last batch, if any) needs a new batch. */
  private opensBatch(last: ProducerBatch | undefined, r: KafkaRecord, nowMs: number): boolean {
    return !last || last.runs !== null || last.attempts > 0 || last.baseSequence >= 0 || last.closedForAppends || !last.hasRoomFor(r, nowMs);
  }

  /** The buffer memory in bytes a new batch for `r` would take (`max(batch.size, its size bound)`). */
  newBatchBytes(r: KafkaRecord, topic?: string): number {
    return ProducerBatch.writeLimitFor(r, this.batchSize, topic === undefined ? 2 : this.magicOf(topic));
  }

  /** True when every batch of the partition is full (the sticky partitioner may then switch). */
  allBatchesFull(topic: string, partition: number): boolean {
    const q = this.queueIfAny(topic, partition);
    return !q || q.length === 0 || q[q.length - 1].isFull();
  }

  queueSize(topic: string, partition: number): number {
    return this.queueIfAny(topic, partition)?.length ?? 0;
  }

  /**
   * The leader epoch (-1: unknown) of a batch's partition in the producer's metadata (`metadataSnapshot.leaderEpochFor`),
   * set by the sender: a retry whose leader changed skips its back-off (KIP-951).
   */
  leaderEpochOf: (batch: ProducerBatch) => number = () => -1;

  /**
   * When the first batch of a queue may be sent (ms): now if full or queued behind, else after linger / back-off; a
   * retry to a leader newer than its last attempt's at once (RecordAccumulator.partitionReady: maybeUpdateLeaderEpoch,
   * then shouldBackoff; `leaderEpoch` when the caller has already looked it up). A retried batch is closed, so full.
   */
  sendableAtMs(q: ProducerBatch[], leaderEpoch = this.leaderEpochOf(q[0])): number {
    const first = q[0];
    first.maybeUpdateLeaderEpoch(leaderEpoch);
    if (first.attempts > 0) return first.hasLeaderChangedForTheOngoingRetry() ? first.lastAttemptMs : first.retryAtMs;
    if (q.length > 1 || first.isFull()) return first.createdMs;
    return first.createdMs + this.lingerMs;
  }

  /**
   * `RecordAccumulator.splitAndReenqueue` after MESSAGE_TOO_LARGE (`ProducerBatch.split(batch.size)`): the records
   * go, in order, into new batches of at most batch.size each (a record alone may be larger), closed for appends,
   * keeping the big batch's creation time (so its delivery.timeout.ms); a sequenced batch's sequences are handed on
   * (`setProducerState`). They are queued in its place; it releases its memory. Returns the new batches.
   * Simplified: the records' timestamp deltas in the new batches are taken as 0 (a byte or so per record).
   * A batch that came from a split splits into halves (`max(its largest record, its size / 2)`), as KAFKA-8350's fix
   * (apache/kafka#20358, Kafka 4.2) does; before it, a batch no larger than batch.size split into itself again
   * whenever max.message.bytes < batch.size and was resent until delivery.timeout.ms.
   */
  splitAndReenqueue(big: ProducerBatch): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    let cur: ProducerBatch | null = null;
    let splitSize = this.batchSize;
    if (big.closedForAppends) {
      let largest = 0;
      if (big.runs !== null) {
        // A run batch's largest record is its last (the most digits in its value, the largest offset delta).
        const v = big.runValues!;
        const lastRun = big.runs[big.runs.length - 1];
        const valueBytes = Math.max(v.valueSize, utf8Length(v.prefix) + String(lastRun.firstN + lastRun.count - 1).length);
        largest = recordSizeInBytes(big.recordCount - 1, 0, -1, valueBytes);
      } else big.records.forEach((r, i) => (largest = Math.max(largest, recordSizeInBytes(i, 0, keyBytesOf(r), valueBytesOf(r)))));
      splitSize = Math.max(largest, Math.floor(big.sizeBytes / 2));
    }
    // Kafka: "Reset the estimated compression ratio to the initial value or the big batch compression ratio,
    // whichever is bigger" (CompressionRatioEstimator.setEstimation).
    if (this.compression !== "none") this.estimator.setEstimation(big.topic, Math.max(1, big.actualCompressionRatio));
    if (big.runs !== null) this.splitRuns(big, splitSize, out);
    big.records.forEach((r, i) => {
      if (cur === null || !cur.hasRoomFor(r, big.createdMs)) {
        cur = this.newBatch(big.topic, big.partition, big.createdMs, ProducerBatch.writeLimitFor(r, splitSize, big.magic));
        cur.magic = big.magic;
        cur.closedForAppends = true;
        cur.maybeAppended = big.maybeAppended;
        out.push(cur);
        this.usedBytes += cur.writeLimit;
      }
      cur.add(r, big.callbacks[i], big.createdMs, big.tags[i]);
    });
    if (big.baseSequence >= 0) {
      let sequence = big.baseSequence;
      for (const b of out) {
        b.producerId = big.producerId;
        b.producerEpoch = big.producerEpoch;
        b.baseSequence = sequence;
        sequence += b.recordCount;
      }
    }
    this.release(big);
    for (let i = out.length - 1; i >= 0; i--) this.reenqueue(out[i]);
    return out;
  }

  /**
   * splitAndReenqueue's split of a run batch: its records, one at a time with their own send times (a split is rare),
   * into new closed run batches of at most `splitSize` bytes each.
   */
  private splitRuns(big: ProducerBatch, splitSize: number, out: ProducerBatch[]): void {
    const v = big.runValues!;
    let cur: ProducerBatch | null = null;
    for (const run of big.runs!)
      for (let j = 0; j < run.count; j++) {
        const n = run.firstN + j;
        const sendUs = run.firstSendUs + j * run.intervalUs;
        if (cur !== null && cur.appendRun(v, n, 1, sendUs, big.createdMs).appended === 1) continue;
        const valueBytes = Math.max(v.valueSize, utf8Length(v.prefix) + String(n).length);
        cur = this.newBatch(big.topic, big.partition, big.createdMs, ProducerBatch.writeLimitForSizes(-1, valueBytes, splitSize, big.magic));
        cur.magic = big.magic;
        cur.runListener = big.runListener;
        cur.closedForAppends = true;
        cur.maybeAppended = big.maybeAppended;
        out.push(cur);
        this.usedBytes += cur.writeLimit;
        cur.appendRun(v, n, 1, sendUs, big.createdMs);
      }
  }

  /** Puts a failed batch back for a retry, in sequence order when it has one (Kafka `insertInSequenceOrder`). */
  reenqueue(batch: ProducerBatch): void {
    const q = this.queueOf(batch.topic, batch.partition);
    if (batch.baseSequence < 0) {
      q.unshift(batch);
      return;
    }
    let i = 0;
    while (i < q.length && q[i].baseSequence >= 0 && q[i].baseSequence < batch.baseSequence) i++;
    q.splice(i, 0, batch);
  }

  release(batch: ProducerBatch): void {
    this.usedBytes -= batch.writeLimit;
  }

  /** Whether buffer.memory has `bytes` free (default: one batch.size), as BufferPool.allocate would without blocking. */
  hasRoom(bytes = this.batchSize): boolean {
    return this.usedBytes + bytes <= this.bufferMemory;
  }

  /** RecordAccumulator.ready for one leader: when one of its partitions `keys` next has a batch to send (ms; Infinity: none). */
  nextSendableAtMs(keys: string[]): number {
    let at = Infinity;
    for (const key of keys) {
      const q = this.queues.get(key)!;
      if (q.length > 0) at = Math.min(at, this.sendableAtMs(q));
    }
    return at;
  }

  /**
   * RecordAccumulator.drainBatchesForOneNode: the first batch of each of leader `node`'s partitions `keys` (those with
   * queued batches, in queue order), starting where the last drain for it stopped (`nodesDrainIndex`), skipping
   * partitions that are muted (`muteInFlight`: max.in.flight.requests.per.connection=1, with a batch in flight) or
   * whose first batch is in its retry back-off at `nowMs`, until the next batch would take the request past
   * `maxRequestSize` bytes (max.request.size; the first always fits). A retried sequenced batch with an earlier
   * sequence of its partition still in flight stops the drain (shouldStopDrainBatchesForPartition, which breaks out
   * of the loop as Kafka's does), and so does a new batch of a partition with an unresolved sequence
   * (`hasUnresolvedSequence`, the idempotent producer's). Each batch drained leaves its queue and is closed (`onClose`). `keys` may name
   * partitions without a queue (Kafka walks all the node leads, Cluster.partitionsForNode). Simplified: the sender
   * passes only the leader's partitions with queued batches, so the drain index runs over those, not over all it
   * leads (test/kafka/vectors/recordAccumulator.test.ts ports testDrainBatches over all of them).
   */
  drainBatchesForOneNode(node: string, keys: string[], nowMs: number, maxRequestSize: number, inFlight: DrainInFlight, muteInFlight: boolean, hasUnresolvedSequence?: (key: string) => boolean): ProducerBatch[] {
    const ready: ProducerBatch[] = [];
    let size = 0;
    const start = (this.drainIndex.get(node) ?? 0) % keys.length;
    let i = start;
    do {
      const key = keys[i];
      this.drainIndex.set(node, i); // updateDrainIndex: the next drain starts where this one stopped
      i = (i + 1) % keys.length;
      // max.in.flight=1 guarantees order by muting the partition while a batch is in flight.
      if (muteInFlight && inFlight.has(key)) continue;
      // A partition the leader leads without a queue yet has nothing to drain (Kafka's `deque == null`).
      const q = this.queues.get(key);
      const first = q?.[0];
      if (q === undefined || first === undefined) continue;
      // Only a batch out of its back-off, or one whose leader changed since its last attempt (KIP-951).
      first.maybeUpdateLeaderEpoch(this.leaderEpochOf(first));
      if (first.backingOff(nowMs)) continue;
      if (size + first.sizeBytes > maxRequestSize && ready.length > 0) break;
      // A retried idempotent batch waits until no earlier sequence of its partition is in flight.
      if (first.baseSequence >= 0 && inFlight.has(key, first.baseSequence)) break;
      // A new batch waits while an expired one's sequences are unresolved (shouldStopDrainBatchesForPartition).
      if (first.baseSequence < 0 && hasUnresolvedSequence?.(key)) break;
      q.shift();
      // RecordAccumulator.drainBatchesForOneNode: `batch.close()` (the estimator learns the batch's ratio), then the
      // request counts the closed batch's size (compressed).
      this.onClose(first);
      size += first.wireBytes;
      ready.push(first);
    } while (i !== start);
    return ready;
  }
}

/**
 * What RecordAccumulator.append reports (Kafka `RecordAppendResult`): the batch appended to, the bytes the append
 * added (a new batch's header included), whether it opened the batch, and whether the partition's first batch is
 * now ready (`batchIsFull`).
 */
export interface AppendResult {
  batch: ProducerBatch;
  appendedBytes: number;
  newBatch: boolean;
  batchIsFull: boolean;
}

/** What a drain reads of the batches in flight (the sender's `InFlightBatches`): by partition, below a sequence. */
export interface DrainInFlight {
  /** Whether partition `key` has a batch in flight (with a base sequence below `belowSequence`, when given). */
  has(key: string, belowSequence?: number): boolean;
}

import { type KafkaRecord, keyBytesOf, valueBytesOf } from "../../log/recordBatch.js";
import { type CompressionType, CompressionRatioEstimator } from "../../log/compression.js";
import { recordSizeInBytes } from "../../log/recordSize.js";
import { ProducerBatch, type SendCallback } from "./producerBatch.js";

/**
 * Per-partition queues of batches (Kafka `RecordAccumulator`). A batch is sendable when it is full, when more
 * batches queue behind it, or when it has waited `linger.ms` (a retry waits its back-off instead). Memory in use is
 * counted against `buffer.memory` until a batch completes.
 */
export class RecordAccumulator {
  readonly queues = new Map<string, ProducerBatch[]>();
  usedBytes = 0;
  /** The compression ratio estimates per topic (Kafka's is static per JVM; here per producer). */
  readonly estimator = new CompressionRatioEstimator();

  constructor(
    private readonly batchSize: number,
    private readonly lingerMs: number,
    readonly bufferMemory: number,
    /** compression.type: the codec of every batch. */
    private readonly compression: CompressionType = "none",
  ) {}

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
  append(topic: string, partition: number, r: KafkaRecord, cb: SendCallback, nowMs: number): { batch: ProducerBatch; appendedBytes: number; newBatch: boolean; batchIsFull: boolean } {
    const key = `${topic}-${partition}`;
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = []));
    let batch = q[q.length - 1];
    let newBatch = false;
    if (this.wouldOpenBatch(topic, partition, r, nowMs)) {
      batch = this.newBatch(topic, partition, nowMs, ProducerBatch.writeLimitFor(r, this.batchSize));
      q.push(batch);
      newBatch = true;
      this.usedBytes += batch.writeLimit; // Kafka allocates max(batch.size, the record's bound) from the buffer pool
    }
    const recordBytes = batch.add(r, cb, nowMs);
    // RecordAppendResult.appendedBytes: a new batch counts its header too (`batch.estimatedSizeInBytes()`).
    const appendedBytes = newBatch ? batch.sizeBytes : recordBytes;
    return { batch, appendedBytes, newBatch, batchIsFull: q.length > 1 || batch.isFull() };
  }

  /** Whether appending `r` now would open a new batch (and so need buffer memory). */
  wouldOpenBatch(topic: string, partition: number, r: KafkaRecord, nowMs: number): boolean {
    const q = this.queues.get(`${topic}-${partition}`);
    const last = q?.[q.length - 1];
    return !last || last.attempts > 0 || last.baseSequence >= 0 || last.closedForAppends || !last.hasRoomFor(r, nowMs);
  }

  /** The buffer memory in bytes a new batch for `r` would take (`max(batch.size, its size bound)`). */
  newBatchBytes(r: KafkaRecord): number {
    return ProducerBatch.writeLimitFor(r, this.batchSize);
  }

  /** True when every batch of the partition is full (the sticky partitioner may then switch). */
  allBatchesFull(topic: string, partition: number): boolean {
    const q = this.queues.get(`${topic}-${partition}`);
    return !q || q.length === 0 || q[q.length - 1].isFull();
  }

  queueSize(topic: string, partition: number): number {
    return this.queues.get(`${topic}-${partition}`)?.length ?? 0;
  }

  /** When the first batch of a queue may be sent (ms): now if full or queued behind, else after linger / back-off. */
  sendableAtMs(q: ProducerBatch[]): number {
    const first = q[0];
    if (first.attempts > 0) return first.retryAtMs;
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
      big.records.forEach((r, i) => (largest = Math.max(largest, recordSizeInBytes(i, 0, keyBytesOf(r), valueBytesOf(r)))));
      splitSize = Math.max(largest, Math.floor(big.sizeBytes / 2));
    }
    // Kafka: "Reset the estimated compression ratio to the initial value or the big batch compression ratio,
    // whichever is bigger" (CompressionRatioEstimator.setEstimation).
    if (this.compression !== "none") this.estimator.setEstimation(big.topic, Math.max(1, big.actualCompressionRatio));
    big.records.forEach((r, i) => {
      if (cur === null || !cur.hasRoomFor(r, big.createdMs)) {
        cur = this.newBatch(big.topic, big.partition, big.createdMs, ProducerBatch.writeLimitFor(r, splitSize));
        cur.closedForAppends = true;
        cur.maybeAppended = big.maybeAppended;
        out.push(cur);
        this.usedBytes += cur.writeLimit;
      }
      cur.add(r, big.callbacks[i], big.createdMs);
    });
    if (big.baseSequence >= 0) {
      let sequence = big.baseSequence;
      for (const b of out) {
        b.producerId = big.producerId;
        b.producerEpoch = big.producerEpoch;
        b.baseSequence = sequence;
        sequence += b.records.length;
      }
    }
    this.release(big);
    for (let i = out.length - 1; i >= 0; i--) this.reenqueue(out[i]);
    return out;
  }

  /** Puts a failed batch back for a retry, in sequence order when it has one (Kafka `insertInSequenceOrder`). */
  reenqueue(batch: ProducerBatch): void {
    let q = this.queues.get(batch.key);
    if (!q) this.queues.set(batch.key, (q = []));
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
}

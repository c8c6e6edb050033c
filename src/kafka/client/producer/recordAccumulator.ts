import type { KafkaRecord } from "../../log/recordBatch.js";
import { ProducerBatch, type SendCallback } from "./producerBatch.js";

/**
 * Per-partition queues of batches (Kafka `RecordAccumulator`). A batch is sendable when it is full, when more
 * batches queue behind it, or when it has waited `linger.ms` (a retry waits its back-off instead). Memory in use is
 * counted against `buffer.memory` until a batch completes.
 */
export class RecordAccumulator {
  readonly queues = new Map<string, ProducerBatch[]>();
  usedBytes = 0;

  constructor(
    private readonly batchSize: number,
    private readonly lingerMs: number,
    readonly bufferMemory: number,
  ) {}

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
    if (this.wouldOpenBatch(topic, partition, r)) {
      batch = new ProducerBatch(topic, partition, nowMs, this.batchSize);
      q.push(batch);
      newBatch = true;
      this.usedBytes += this.batchSize; // Kafka allocates batch.size from the buffer pool per batch
    }
    const appendedBytes = batch.add(r, cb);
    return { batch, appendedBytes, newBatch, batchIsFull: q.length > 1 || batch.isFull() };
  }

  /** Whether appending `r` would open a new batch (and so need buffer memory). */
  wouldOpenBatch(topic: string, partition: number, r: KafkaRecord): boolean {
    const q = this.queues.get(`${topic}-${partition}`);
    const last = q?.[q.length - 1];
    return !last || last.attempts > 0 || last.baseSequence >= 0 || !last.hasRoomFor(r);
  }

  /** True when every batch of the partition is full (the sticky partitioner may then switch). */
  allBatchesFull(topic: string, partition: number): boolean {
    const q = this.queues.get(`${topic}-${partition}`);
    return !q || q.length === 0 || q[q.length - 1].isFull();
  }

  queueSize(topic: string, partition: number): number {
    return this.queues.get(`${topic}-${partition}`)?.length ?? 0;
  }

  /** When the first batch of a queue may be sent: now if full or queued behind, else after linger / back-off. */
  sendableAtMs(q: ProducerBatch[], backoffMs: (b: ProducerBatch) => number): number {
    const first = q[0];
    if (first.attempts > 0) return first.lastAttemptMs + backoffMs(first);
    if (q.length > 1 || first.isFull()) return first.createdMs;
    return first.createdMs + this.lingerMs;
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
    this.usedBytes -= this.batchSize;
  }

  hasRoom(): boolean {
    return this.usedBytes + this.batchSize <= this.bufferMemory;
  }
}

import type { ErrorName } from "../../protocol/errors.js";
import { type KafkaRecord, keyBytesOf, valueBytesOf } from "../../log/recordBatch.js";
import { COMPRESSION_RATE_ESTIMATION_FACTOR, type CompressionType, compressedRecordsBytes } from "../../log/compression.js";
import { batchSizeUpperBound, RECORD_BATCH_OVERHEAD_BYTES, recordSizeInBytes } from "../../log/recordSize.js";

/** What the application learns about one record: acknowledged at an offset, or failed. */
export type SendResult =
  | { ok: true; topic: string; partition: number; offset: number }
  | {
      ok: false;
      topic: string;
      partition: number | null;
      error: ErrorName;
      /** True when an attempt may have been written (timeout, disconnect, ...): the outcome is unknown. */
      indeterminate: boolean;
    };

export type SendCallback = (result: SendResult) => void;

/**
 * A batch in the producer (Kafka `ProducerBatch`): records for one partition, with its retry bookkeeping and,
 * for idempotence, the producer id, epoch and base sequence assigned when it is first drained.
 */
export class ProducerBatch {
  readonly records: KafkaRecord[] = [];
  readonly callbacks: SendCallback[] = [];
  /** Bytes of its records, uncompressed (`MemoryRecordsBuilder.uncompressedRecordsSizeInBytes`). */
  recordsBytes = 0;
  attempts = 0;
  lastAttemptMs: number;
  /** When a retried batch's back-off ends (ms): drawn once when it is re-enqueued (retry.backoff.ms with jitter). */
  retryAtMs = 0;
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;
  /** Whether any attempt may have reached the log. */
  maybeAppended = false;
  /** The correlation id of the request carrying it, while in flight. */
  inFlight = -1;
  done = false;
  /** `closeForRecordAppends`: a batch made by splitting takes no new records. */
  closedForAppends = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
    /**
     * The builder's write limit in bytes: batch.size, or more for a first record that does not fit in it
     * (RecordAccumulator allocates `max(batch.size, estimateSizeInBytesUpperBound(record))`). It is also what the
     * batch holds of buffer.memory.
     */
    readonly writeLimit: number,
    /** compression.type of the producer. */
    readonly compression: CompressionType = "none",
    /** The topic's CompressionRatioEstimator estimate when the batch was opened (ProducerBatch's constructor). */
    readonly estimatedRatio = 1,
  ) {
    this.lastAttemptMs = createdMs;
  }

  /**
   * `MemoryRecordsBuilder.estimatedBytesWritten`: the header and the records, uncompressed; compressed, the records
   * × the estimated ratio × 1.05 (COMPRESSION_RATE_ESTIMATION_FACTOR). What batch.size and max.request.size are
   * checked against while the batch is open.
   */
  get sizeBytes(): number {
    if (this.compression === "none") return RECORD_BATCH_OVERHEAD_BYTES + this.recordsBytes;
    return RECORD_BATCH_OVERHEAD_BYTES + Math.floor(this.recordsBytes * this.estimatedRatio * COMPRESSION_RATE_ESTIMATION_FACTOR);
  }

  /** The closed batch's bytes on the wire (`MemoryRecords.sizeInBytes`): the header and its records compressed by the codec. */
  get wireBytes(): number {
    return RECORD_BATCH_OVERHEAD_BYTES + compressedRecordsBytes(this.recordsBytes, this.compression);
  }

  /** `MemoryRecordsBuilder.compressionRatio` once closed: compressed / uncompressed bytes of the records. */
  get actualCompressionRatio(): number {
    return this.recordsBytes === 0 ? 1 : compressedRecordsBytes(this.recordsBytes, this.compression) / this.recordsBytes;
  }

  /** The write limit of a batch opened for `first` with `batchSize` (RecordAccumulator.append, `Math.max`). */
  static writeLimitFor(first: KafkaRecord, batchSize: number): number {
    return Math.max(batchSize, batchSizeUpperBound(keyBytesOf(first), valueBytesOf(first)));
  }

  get key(): string {
    return `${this.topic}-${this.partition}`;
  }

  /**
   * `MemoryRecordsBuilder.hasRoomFor`: not when full; a first record always fits (an oversized record gets a batch of
   * its own); else when the record, framed at its offset and timestamp deltas, stays within the write limit
   * (counted uncompressed on top of the estimate: "be conservative and not take compression of the new record into
   * consideration").
   */
  hasRoomFor(r: KafkaRecord, nowMs: number): boolean {
    if (this.isFull()) return false;
    return this.records.length === 0 || this.sizeBytes + this.recordBytes(r, nowMs) <= this.writeLimit;
  }

  /** `MemoryRecordsBuilder.isFull`: a record in it and the write limit reached. */
  isFull(): boolean {
    return this.records.length > 0 && this.sizeBytes >= this.writeLimit;
  }

  /**
   * `DefaultRecord.sizeInBytes` of `r` appended now: its offset delta is its index, its timestamp delta the time since
   * the batch's first record (the batch's base timestamp: the model's records carry their send time, CreateTime).
   */
  private recordBytes(r: KafkaRecord, nowMs: number): number {
    return recordSizeInBytes(this.records.length, nowMs - this.createdMs, keyBytesOf(r), valueBytesOf(r));
  }

  /** Appends a record sent at `nowMs`; returns its bytes in the batch. */
  add(r: KafkaRecord, cb: SendCallback, nowMs: number): number {
    const bytes = this.recordBytes(r, nowMs);
    this.records.push(r);
    this.callbacks.push(cb);
    this.recordsBytes += bytes;
    return bytes;
  }

  get lastSequence(): number {
    return this.baseSequence < 0 ? -1 : this.baseSequence + this.records.length - 1;
  }

  complete(baseOffset: number): void {
    this.done = true;
    this.callbacks.forEach((cb, i) => cb({ ok: true, topic: this.topic, partition: this.partition, offset: baseOffset + i }));
  }

  /** acks=0: the send succeeded as far as the client can know; offsets are unknown (-1). */
  completeWithoutOffsets(): void {
    this.done = true;
    for (const cb of this.callbacks) cb({ ok: true, topic: this.topic, partition: this.partition, offset: -1 });
  }

  fail(error: ErrorName): void {
    this.done = true;
    for (const cb of this.callbacks) cb({ ok: false, topic: this.topic, partition: this.partition, error, indeterminate: this.maybeAppended });
  }
}

import type { ErrorName } from "../../protocol/errors.js";
import { type KafkaRecord, keyBytesOf, valueBytesOf } from "../../log/recordBatch.js";
import { COMPRESSION_RATE_ESTIMATION_FACTOR, type CompressionType, compressedRecordsBytes } from "../../log/compression.js";
import { batchSizeUpperBound, LEGACY_RECORD_OVERHEAD_V0_BYTES, LEGACY_RECORD_OVERHEAD_V1_BYTES, legacyRecordSizeInBytes, LOG_OVERHEAD_BYTES, RECORD_BATCH_OVERHEAD_BYTES, type RecordMagic, recordSizeInBytes, utf8Length } from "../../log/recordSize.js";
import type { SendTimeRun } from "../../log/runRecordBatch.js";

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

/**
 * The completion of a send (Kafka's `Callback.onCompletion`), called once per record with the record's `tag`: the
 * number its `send` was given (e.g. the history row of its invocation), so one function can complete every record of
 * a batch without a closure per record (issue 14 item 4). Kafka's ProducerBatch keeps a Thunk (callback, future) per
 * record instead.
 */
export type SendCallback = (result: SendResult, tag: number) => void;

/**
 * What a perf-test workload learns of a batch of its runs (one call per batch, not per record): acknowledged
 * (`ok`, at `baseOffset`, -1 for acks=0) or failed with `error`; the batch's `runs` say which records and when
 * each was sent.
 */
export type RunBatchListener = (batch: ProducerBatch, result: { ok: true; baseOffset: number } | { ok: false; error: ErrorName; indeterminate: boolean }) => void;

/** The values a run batch's records carry: `prefix + n`, padded to `valueSize` bytes (as the per-record workload pads). */
export interface RunValues {
  prefix: string;
  valueSize: number;
}

/**
 * A batch in the producer (Kafka `ProducerBatch`): records for one partition, with its retry bookkeeping and,
 * for idempotence, the producer id, epoch and base sequence assigned when it is first drained.
 */
export class ProducerBatch {
  readonly records: KafkaRecord[] = [];
  readonly callbacks: SendCallback[] = [];
  /** Each record's tag, handed back to its callback (see SendCallback). */
  readonly tags: number[] = [];
  /** Bytes of its records, uncompressed (`MemoryRecordsBuilder.uncompressedRecordsSizeInBytes`). */
  recordsBytes = 0;
  attempts = 0;
  lastAttemptMs: number;
  /** When a retried batch's back-off ends (ms): drawn once when it is re-enqueued (retry.backoff.ms with jitter). */
  retryAtMs = 0;
  /** The leader epoch of its partition the batch last saw in the metadata (-1: none yet; KIP-951). */
  currentLeaderEpoch = -1;
  /** `attempts` when `currentLeaderEpoch` last rose (ProducerBatch.attemptsWhenLeaderLastChanged). */
  attemptsWhenLeaderLastChanged = 0;
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;
  /** Whether any attempt may have reached the log. */
  maybeAppended = false;
  /** Re-enqueued for a retry at least once (Kafka `ProducerBatch.inRetry()`, set by `reenqueued`). */
  retried = false;
  /** The correlation id of the request carrying it, while in flight. */
  inFlight = -1;
  done = false;
  /** `closeForRecordAppends`: a batch made by splitting takes no new records. */
  closedForAppends = false;
  /**
   * A perf-test workload's batch (issue 17 item 6): its records are runs (`appendRun`), not `records`, and it
   * completes through `runListener` (one call per batch) instead of a callback per record. Null: a batch of records.
   */
  runs: SendTimeRun[] | null = null;
  runValues: RunValues | null = null;
  runListener: RunBatchListener | null = null;
  private runRecordCount = 0;
  /**
   * The record format the batch is written in: 2 (a v2 record batch) unless the topic's message.format.version names
   * a legacy one (0 or 1: a MessageSet, no batch header, each message framed alone; recordSize.ts).
   */
  magic: RecordMagic = 2;
  /** Its partition's `topic-partition` key (made once: the sender and the in-flight table look batches up by it). */
  readonly key: string;

  /**
   * ProducerBatch.maybeUpdateLeaderEpoch (KIP-951, Kafka 3.7): `latestLeaderEpoch` (-1: unknown) is the partition's
   * leader epoch in the producer's metadata now; a newer one than the batch last saw marks the attempt it came at.
   */
  maybeUpdateLeaderEpoch(latestLeaderEpoch: number): void {
    if (latestLeaderEpoch >= 0 && (this.currentLeaderEpoch < 0 || this.currentLeaderEpoch < latestLeaderEpoch)) {
      this.attemptsWhenLeaderLastChanged = this.attempts;
      this.currentLeaderEpoch = latestLeaderEpoch;
    }
  }

  /** ProducerBatch.hasLeaderChangedForTheOngoingRetry: a retry that goes to a newer leader than its last attempt did. */
  hasLeaderChangedForTheOngoingRetry(): boolean {
    return this.attempts >= 1 && this.attempts === this.attemptsWhenLeaderLastChanged;
  }

  /**
   * RecordAccumulator.shouldBackoff at `nowMs` (ms): a retried batch waits out its back-off, unless its leader changed
   * since its last attempt (KIP-951: then it goes at once to the new leader).
   */
  backingOff(nowMs: number): boolean {
    return this.attempts > 0 && nowMs < this.retryAtMs && !this.hasLeaderChangedForTheOngoingRetry();
  }

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
    this.key = `${topic}-${partition}`;
  }

  /**
   * `MemoryRecordsBuilder.estimatedBytesWritten`: the header and the records, uncompressed; compressed, the records
   * × the estimated ratio × 1.05 (COMPRESSION_RATE_ESTIMATION_FACTOR). What batch.size and max.request.size are
   * checked against while the batch is open.
   */
  get sizeBytes(): number {
    const header = this.headerBytes;
    if (this.compression === "none") return header + this.recordsBytes;
    return header + Math.floor(this.recordsBytes * this.estimatedRatio * COMPRESSION_RATE_ESTIMATION_FACTOR);
  }

  /**
   * The closed batch's bytes on the wire (`MemoryRecords.sizeInBytes`): the header and its records compressed by the
   * codec. A legacy MessageSet has no header; compressed, its messages travel inside one wrapper message (its offset,
   * size and legacy overhead, `AbstractLegacyRecordBatch`).
   */
  get wireBytes(): number {
    return this.headerBytes + compressedRecordsBytes(this.recordsBytes, this.compression);
  }

  /** The bytes before the records: a v2 batch header, nothing for an uncompressed legacy MessageSet, a wrapper message's framing for a compressed one. */
  private get headerBytes(): number {
    if (this.magic === 2) return RECORD_BATCH_OVERHEAD_BYTES;
    if (this.compression === "none") return 0;
    return LOG_OVERHEAD_BYTES + (this.magic === 0 ? LEGACY_RECORD_OVERHEAD_V0_BYTES : LEGACY_RECORD_OVERHEAD_V1_BYTES);
  }

  /** How many records the batch holds (its runs' or its records'). */
  get recordCount(): number {
    return this.runs !== null ? this.runRecordCount : this.records.length;
  }

  /** `MemoryRecordsBuilder.compressionRatio` once closed: compressed / uncompressed bytes of the records. */
  get actualCompressionRatio(): number {
    return this.recordsBytes === 0 ? 1 : compressedRecordsBytes(this.recordsBytes, this.compression) / this.recordsBytes;
  }

  /** The write limit of a batch opened for `first` with `batchSize` (RecordAccumulator.append, `Math.max`). */
  static writeLimitFor(first: KafkaRecord, batchSize: number, magic: RecordMagic = 2): number {
    return ProducerBatch.writeLimitForSizes(keyBytesOf(first), valueBytesOf(first), batchSize, magic);
  }

  /**
   * The same from the first record's key and value bytes: `AbstractRecords.estimateSizeInBytesUpperBound` (v2: the
   * batch bound; legacy: the message and its LOG_OVERHEAD).
   */
  static writeLimitForSizes(keyBytes: number, valueBytes: number, batchSize: number, magic: RecordMagic = 2): number {
    return Math.max(batchSize, magic === 2 ? batchSizeUpperBound(keyBytes, valueBytes) : legacyRecordSizeInBytes(magic, keyBytes, valueBytes));
  }

  /**
   * `MemoryRecordsBuilder.hasRoomFor`: not when full; a first record always fits (an oversized record gets a batch of
   * its own); else when the record, framed at its offset and timestamp deltas, stays within the write limit
   * (counted uncompressed on top of the estimate: "be conservative and not take compression of the new record into
   * consideration").
   */
  hasRoomFor(r: KafkaRecord, nowMs: number): boolean {
    if (this.isFull()) return false;
    return this.recordCount === 0 || this.sizeBytes + this.recordBytes(r, nowMs) <= this.writeLimit;
  }

  /** `MemoryRecordsBuilder.isFull`: a record in it and the write limit reached. */
  isFull(): boolean {
    return this.recordCount > 0 && this.sizeBytes >= this.writeLimit;
  }

  /**
   * `DefaultRecord.sizeInBytes` of `r` appended now: its offset delta is its index, its timestamp delta the time since
   * the batch's first record (the batch's base timestamp: the model's records carry their send time, CreateTime).
   */
  private recordBytes(r: KafkaRecord, nowMs: number): number {
    // send() sizes a record up to three times against the same batch at the same moment (the producer's blocking
    // check, the accumulator's hasRoomFor, then add): the last answer is kept for the same record, index and time.
    const index = this.recordCount;
    if (r === this.sizedRecord && index === this.sizedIndex && nowMs === this.sizedAtMs) return this.sizedBytes;
    const bytes = this.sizeOfRecord(index, nowMs - this.createdMs, keyBytesOf(r), valueBytesOf(r));
    this.sizedRecord = r;
    this.sizedIndex = index;
    this.sizedAtMs = nowMs;
    this.sizedBytes = bytes;
    return bytes;
  }

  /** The last record `recordBytes` sized (a record object is not changed once sent), at which index and ms, and its bytes. */
  private sizedRecord: KafkaRecord | null = null;
  private sizedIndex = -1;
  private sizedAtMs = -1;
  private sizedBytes = 0;

  /** One record's bytes in this batch's format: `DefaultRecord.sizeInBytes` (v2) or a legacy message with its LOG_OVERHEAD. */
  private sizeOfRecord(offsetDelta: number, timestampDeltaMs: number, keyBytes: number, valueBytes: number): number {
    return this.magic === 2 ? recordSizeInBytes(offsetDelta, timestampDeltaMs, keyBytes, valueBytes) : legacyRecordSizeInBytes(this.magic, keyBytes, valueBytes);
  }

  /**
   * `RecordAccumulator.tryAppend` for `count` keyless records at once (a perf-test workload's run, issue 17 item 6):
   * the records `values.prefix + (firstN + i)`, each padded to `values.valueSize` bytes, sent at `sendUs` (µs) now
   * (`nowMs`), appended while `hasRoomFor` would take each one, exactly as appending them one by one would, but
   * without an object per record: a run merges into the batch's last run when it continues it (next value, sent one
   * interval later). `stopAfterBytes`: stop once this many bytes were appended (the sticky partitioner's switch
   * point, so the caller can update it as after each record). Returns the records appended (0: no room) and their bytes.
   */
  appendRun(values: RunValues, firstN: number, count: number, sendUs: number, nowMs: number, stopAfterBytes = Infinity): { appended: number; bytes: number } {
    if (this.runs === null) {
      if (this.records.length > 0) return { appended: 0, bytes: 0 };
      this.runs = [];
      this.runValues = values;
    }
    const tsDelta = nowMs - this.createdMs;
    const prefixBytes = utf8Length(values.prefix);
    let appended = 0;
    let bytes = 0;
    while (appended < count) {
      if (this.isFull()) break;
      const n = firstN + appended;
      const index = this.runRecordCount;
      const valueBytes = Math.max(values.valueSize, prefixBytes + digitsOf(n));
      const size = this.sizeOfRecord(index, tsDelta, -1, valueBytes);
      // Records of the same size come in stretches (the value's digits and the offset delta's varint length change
      // only at powers of ten and of 128): take as many of them at once as one-by-one appends would take.
      let k = Math.min(count - appended, nextPowerOfTen(n) - n, this.magic === 2 ? nextVarintBoundary(index) - index : Infinity);
      if (index === 0) k = 1; // a first record always fits (MemoryRecordsBuilder.hasRoomFor)
      else if (this.compression === "none") k = Math.min(k, Math.floor((this.writeLimit - this.sizeBytes) / size));
      else k = this.sizeBytes + size <= this.writeLimit ? 1 : 0; // the compressed estimate is not linear: one at a time
      if (k <= 0) break;
      if (stopAfterBytes !== Infinity) k = Math.min(k, Math.max(1, Math.ceil((stopAfterBytes - bytes) / size)));
      this.recordsBytes += k * size;
      this.runRecordCount += k;
      appended += k;
      bytes += k * size;
      if (bytes >= stopAfterBytes) break;
    }
    if (appended > 0) {
      const last = this.runs[this.runs.length - 1];
      if (last !== undefined && last.firstN + last.count === firstN) {
        // The next values: one more point of an arithmetic run of send times, or more records sent at its one time.
        if (last.count === 1 && appended === 1) {
          last.intervalUs = sendUs - last.firstSendUs;
          last.count = 2;
          return { appended, bytes };
        }
        if (sendUs === last.firstSendUs + last.count * last.intervalUs && (appended === 1 || last.intervalUs === 0)) {
          last.count += appended;
          return { appended, bytes };
        }
      }
      this.runs.push({ firstN, count: appended, firstSendUs: sendUs, intervalUs: 0 });
    }
    return { appended, bytes };
  }

  /** Appends a record sent at `nowMs`; returns its bytes in the batch. */
  add(r: KafkaRecord, cb: SendCallback, nowMs: number, tag = 0): number {
    const bytes = this.recordBytes(r, nowMs);
    this.records.push(r);
    this.callbacks.push(cb);
    this.tags.push(tag);
    this.recordsBytes += bytes;
    return bytes;
  }

  get lastSequence(): number {
    return this.baseSequence < 0 ? -1 : this.baseSequence + this.recordCount - 1;
  }

  complete(baseOffset: number): void {
    this.done = true;
    if (this.runListener) this.runListener(this, { ok: true, baseOffset });
    const cbs = this.callbacks;
    for (let i = 0; i < cbs.length; i++) cbs[i]({ ok: true, topic: this.topic, partition: this.partition, offset: baseOffset + i }, this.tags[i]);
  }

  /** acks=0: the send succeeded as far as the client can know; offsets are unknown (-1). */
  completeWithoutOffsets(): void {
    this.done = true;
    if (this.runListener) this.runListener(this, { ok: true, baseOffset: -1 });
    const cbs = this.callbacks;
    for (let i = 0; i < cbs.length; i++) cbs[i]({ ok: true, topic: this.topic, partition: this.partition, offset: -1 }, this.tags[i]);
  }

  fail(error: ErrorName): void {
    this.done = true;
    if (this.runListener) this.runListener(this, { ok: false, error, indeterminate: this.maybeAppended });
    const cbs = this.callbacks;
    for (let i = 0; i < cbs.length; i++) cbs[i]({ ok: false, topic: this.topic, partition: this.partition, error, indeterminate: this.maybeAppended }, this.tags[i]);
  }
}

/** The smallest power of ten above `n` (where `String(n)` gains a digit). */
function nextPowerOfTen(n: number): number {
  let p = 10;
  while (p <= n) p *= 10;
  return p;
}

/** The smallest offset delta above `index` whose zig-zag varint is a byte longer (64, 8192, 1048576, …). */
function nextVarintBoundary(index: number): number {
  let b = 64;
  while (b <= index) b *= 128;
  return b;
}

/** Value bytes of record `n` of a run (`values.prefix + n`, padded to `values.valueSize`), as `appendRun` sizes it. */
export function runValueBytes(values: RunValues, n: number): number {
  return Math.max(values.valueSize, utf8Length(values.prefix) + digitsOf(n));
}

/** Decimal digits of a non-negative integer (the length of `String(n)`). */
function digitsOf(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

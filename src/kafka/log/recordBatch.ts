import type { CompressionType } from "./compression.js";
import { utf8Length } from "./recordSize.js";

/** A record as the model keeps it: key and value as strings (the workload's values identify each send). */
export interface KafkaRecord {
  key: string | null;
  value: string;
  /** Payload bytes beyond the value string, so record sizes can be modelled without building large strings. */
  padBytes?: number;
  /**
   * A tombstone: its value is null on the wire (a delete of `key` on a compacted topic). Simplification: the model
   * keeps the send's id in `value` so the history can name the delete; sizes count a null value (-1) and the
   * cleaner treats the record as Kafka treats a record without a value (`Record.hasValue` false).
   */
  tombstone?: true;
}

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;

/**
 * A record batch (Kafka `RecordBatch` v2): the unit of append, replication and idempotence. Immutable once
 * appended: the leader stamps the base offset and its leader epoch, followers append the leader's batch as is.
 */
export interface RecordBatch {
  baseOffset: number;
  /** The partition leader epoch under which the leader appended this batch (KIP-101). */
  leaderEpoch: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
  isControl: boolean;
  records: readonly KafkaRecord[];
  /** Bytes of the batch on the wire and in the log: its v2 header and its records, compressed when it is. */
  sizeBytes: number;
  /**
   * The batch's codec (the attributes' compression bits); absent: none. The model keeps the records as they are and
   * counts `sizeBytes` compressed (src/kafka/log/compression.ts).
   */
  compression?: Exclude<CompressionType, "none">;
  /**
   * The batch's max timestamp in ms of simulated time, stamped by the leader at append (as
   * `message.timestamp.type=LogAppendTime`; with Kafka's default CreateTime it is the producer's clock, which here is
   * the same clock a send latency earlier). Retention and segment.ms read it. Absent on hand-built batches (0).
   */
  maxTimestampMs?: number;
  /**
   * Set once the log cleaner removed records from the batch (Kafka rebuilds it keeping its base offset, its last
   * offset — `MemoryRecords.buildRetainedRecordsInto` → `overrideLastOffset` — and each record's offset delta): the
   * offset delta of each record kept. Absent: the records sit at consecutive offsets from `baseOffset`.
   */
  offsetDeltas?: readonly number[];
  /** `lastOffsetDelta` of a cleaned batch (kept even when its last records, or all, were removed). */
  lastOffsetDelta?: number;
  /**
   * KIP-534: the delete horizon (ms) the cleaner stamped on a batch holding tombstones or a removable marker when it
   * first cleaned it (now + delete.retention.ms); a later cleaning past it removes them.
   */
  deleteHorizonMs?: number;
}

/**
 * `b` stamped with its base offset, leader epoch and append time (ms), sharing its records: what the producer-state
 * checks read before the append. Built field by field, not as `{ ...b, baseOffset, … }`: V8 gives every object made
 * by a spread followed by more properties a hidden class of its own (a map and a descriptor array, ~330 bytes per
 * batch kept, the largest per-batch cost a long run had), where a literal shares one. Optional fields are copied
 * only when `b` has them.
 */
export function candidateBatch(b: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, baseOffset: number, leaderEpoch: number, maxTimestampMs: number): RecordBatch {
  return withStamps(b, b.records, baseOffset, leaderEpoch, maxTimestampMs);
}

/** `b` with the given records and stamps, built field by field (see candidateBatch); optional fields only when set. */
export function withStamps(b: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, records: readonly KafkaRecord[], baseOffset: number, leaderEpoch: number, maxTimestampMs: number): RecordBatch {
  const out: RecordBatch = {
    baseOffset,
    leaderEpoch,
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    isTransactional: b.isTransactional,
    isControl: b.isControl,
    records,
    sizeBytes: b.sizeBytes,
    maxTimestampMs,
  };
  if (b.compression !== undefined) out.compression = b.compression;
  if (b.offsetDeltas !== undefined) out.offsetDeltas = b.offsetDeltas;
  if (b.lastOffsetDelta !== undefined) out.lastOffsetDelta = b.lastOffsetDelta;
  if (b.deleteHorizonMs !== undefined) out.deleteHorizonMs = b.deleteHorizonMs;
  return out;
}

/**
 * `b` as a plain batch (its records as objects in an array): for code that copies a batch with a spread and
 * changes its records (truncation, the cleaner), which must not carry a packed batch's cells along.
 */
export function plainBatch(b: RecordBatch): RecordBatch {
  return isPacked(b) ? withStamps(b, b.records, b.baseOffset, b.leaderEpoch, b.maxTimestampMs ?? 0) : b;
}

/**
 * What a packed batch (PackedRecordBatch, packedRecordBatch.ts) offers beyond RecordBatch: its records' count and
 * values, read without building the records.
 */
export interface PackedRecords {
  readonly recordCount: number;
  valueAt(i: number): string;
}

function isPacked(b: RecordBatch): b is RecordBatch & PackedRecords {
  return (b as Partial<PackedRecords>).recordCount !== undefined;
}

/** How many records the batch holds (its records are not built for a packed batch). */
export function recordCountOf(b: RecordBatch): number {
  return isPacked(b) ? b.recordCount : b.records.length;
}

/** The value of the batch's `i`-th record (not built for a packed batch). */
export function recordValueAt(b: RecordBatch, i: number): string {
  return isPacked(b) ? b.valueAt(i) : b.records[i].value;
}

/** The batch's last offset (`RecordBatch.lastOffset`: base offset + lastOffsetDelta, kept through cleaning). */
export function lastOffsetOf(b: RecordBatch): number {
  return b.baseOffset + (b.lastOffsetDelta ?? recordCountOf(b) - 1);
}

/** The offset of the batch's `i`-th record (consecutive, or its offset delta once the cleaner removed records). */
export function offsetOfRecord(b: RecordBatch, i: number): number {
  return b.baseOffset + (b.offsetDeltas ? b.offsetDeltas[i] : i);
}

/** Index of the record at `offset` in the batch, or -1 (a gap the cleaner left, or outside the batch). */
export function recordIndexOf(b: RecordBatch, offset: number): number {
  const d = offset - b.baseOffset;
  if (!b.offsetDeltas) return d >= 0 && d < recordCountOf(b) ? d : -1;
  return b.offsetDeltas.indexOf(d);
}

/**
 * The batch cut to its records below `offset` (a truncation inside it): last offset is that of the last record
 * kept, as a rebuilt batch would have it. Sizes are left to the caller.
 */
export function batchBelow(packed: RecordBatch, offset: number): RecordBatch {
  const b = plainBatch(packed);
  if (!b.offsetDeltas) return { ...b, records: b.records.slice(0, Math.max(0, offset - b.baseOffset)) };
  let n = 0;
  while (n < b.offsetDeltas.length && b.baseOffset + b.offsetDeltas[n] < offset) n++;
  return { ...b, records: b.records.slice(0, n), offsetDeltas: b.offsetDeltas.slice(0, n), lastOffsetDelta: Math.min(b.lastOffsetDelta ?? 0, offset - 1 - b.baseOffset) };
}

/**
 * The batch cut to its records at and above `offset` (`baseOffset < offset <= lastOffset`): what a legacy MessageSet
 * read from `offset` carries, each message having its own offset (before 0.11 a leader served a fetch from the
 * message at the fetch offset, not from the start of a batch). The base offset becomes the first record kept and the
 * base sequence moves with it; the size shrinks in proportion to the records kept (rounded up).
 */
export function batchFrom(packed: RecordBatch, offset: number): RecordBatch {
  const b = plainBatch(packed);
  const cut = offset - b.baseOffset;
  const baseSequence = b.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : (b.baseSequence + cut) % 2147483648;
  const total = recordCountOf(b);
  if (!b.offsetDeltas) {
    const records = b.records.slice(cut);
    return { ...b, baseOffset: offset, baseSequence, records, sizeBytes: Math.ceil((b.sizeBytes * records.length) / Math.max(1, total)) };
  }
  let first = 0;
  while (first < b.offsetDeltas.length && b.offsetDeltas[first] < cut) first++;
  const records = b.records.slice(first);
  return {
    ...b,
    baseOffset: offset,
    baseSequence,
    records,
    offsetDeltas: b.offsetDeltas.slice(first).map((d) => d - cut),
    lastOffsetDelta: (b.lastOffsetDelta ?? total - 1) - cut,
    sizeBytes: Math.ceil((b.sizeBytes * records.length) / Math.max(1, total)),
  };
}

export function lastSequenceOf(b: RecordBatch): number {
  if (b.baseSequence === NO_SEQUENCE) return NO_SEQUENCE;
  // Sequences wrap at Integer.MAX_VALUE (ProducerAppendInfo: 0 follows Integer.MAX_VALUE).
  // DefaultRecordBatch.lastSequence: base sequence + lastOffsetDelta (kept through cleaning).
  const last = b.baseSequence + (lastOffsetOf(b) - b.baseOffset);
  return last > 2147483647 ? last - 2147483648 : last;
}

/** The batch's codec: none when it carries no `compression`. */
export function compressionOf(b: Pick<RecordBatch, "compression">): CompressionType {
  return b.compression ?? "none";
}

/** A record's key bytes as the wire has them (UTF-8), -1 for a null key. */
export function keyBytesOf(r: KafkaRecord): number {
  return r.key === null ? -1 : utf8Length(r.key);
}

/** A record's value bytes: the value string (UTF-8) and its padding (`padBytes`); -1 for a tombstone (null value). */
export function valueBytesOf(r: KafkaRecord): number {
  if (r.tombstone) return -1;
  return utf8Length(r.value) + (r.padBytes ?? 0);
}

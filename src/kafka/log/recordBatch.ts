import { utf8Length } from "./recordSize.js";

/** A record as the model keeps it: key and value as strings (the workload's values identify each send). */
export interface KafkaRecord {
  key: string | null;
  value: string;
  /** Payload bytes beyond the value string, so record sizes can be modelled without building large strings. */
  padBytes?: number;
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
  sizeBytes: number;
  /**
   * The batch's max timestamp in ms of simulated time, stamped by the leader at append (as
   * `message.timestamp.type=LogAppendTime`; with Kafka's default CreateTime it is the producer's clock, which here is
   * the same clock a send latency earlier). Retention and segment.ms read it. Absent on hand-built batches (0).
   */
  maxTimestampMs?: number;
}

export function lastOffsetOf(b: RecordBatch): number {
  return b.baseOffset + b.records.length - 1;
}

export function lastSequenceOf(b: RecordBatch): number {
  if (b.baseSequence === NO_SEQUENCE) return NO_SEQUENCE;
  // Sequences wrap at Integer.MAX_VALUE (ProducerAppendInfo: 0 follows Integer.MAX_VALUE).
  const last = b.baseSequence + b.records.length - 1;
  return last > 2147483647 ? last - 2147483648 : last;
}

/** A record's key bytes as the wire has them (UTF-8), -1 for a null key. */
export function keyBytesOf(r: KafkaRecord): number {
  return r.key === null ? -1 : utf8Length(r.key);
}

/** A record's value bytes: the value string (UTF-8) and its padding (`padBytes`). */
export function valueBytesOf(r: KafkaRecord): number {
  return utf8Length(r.value) + (r.padBytes ?? 0);
}

import type { ErrorName } from "../../protocol/errors.js";
import { BATCH_OVERHEAD_BYTES, type KafkaRecord, recordSizeBytes } from "../../log/recordBatch.js";

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
  sizeBytes = BATCH_OVERHEAD_BYTES;
  attempts = 0;
  lastAttemptMs: number;
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;
  /** Whether any attempt may have reached the log. */
  maybeAppended = false;
  /** The correlation id of the request carrying it, while in flight. */
  inFlight = -1;
  done = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
    readonly batchSize: number,
  ) {
    this.lastAttemptMs = createdMs;
  }

  get key(): string {
    return `${this.topic}-${this.partition}`;
  }

  /** Room for one more record? A first record always fits (an oversized record gets a batch of its own). */
  hasRoomFor(r: KafkaRecord): boolean {
    return this.records.length === 0 || this.sizeBytes + recordSizeBytes(r) <= this.batchSize;
  }

  isFull(): boolean {
    return this.sizeBytes >= this.batchSize;
  }

  add(r: KafkaRecord, cb: SendCallback): number {
    const bytes = recordSizeBytes(r);
    this.records.push(r);
    this.callbacks.push(cb);
    this.sizeBytes += bytes;
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

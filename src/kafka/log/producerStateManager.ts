import type { ErrorName } from "../protocol/errors.js";
import { lastOffsetOf, lastSequenceOf, NO_PRODUCER_EPOCH, type RecordBatch } from "./recordBatch.js";

/** Kafka `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`: the last 5 batches are remembered for duplicate detection. */
export const NUM_BATCHES_TO_RETAIN = 5;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

export interface ProducerStateEntry {
  producerId: number;
  producerEpoch: number;
  batches: BatchMetadata[];
}

export type AppendCheck =
  | { kind: "append" }
  | { kind: "duplicate"; firstOffset: number; lastOffset: number }
  | { kind: "error"; error: ErrorName; message: string };

const INT_MAX = 2147483647;

/**
 * Per-partition idempotent-producer state on a broker (Kafka `ProducerStateManager` / `ProducerAppendInfo`):
 * the producer epoch and the last five batches of each producer id. Rebuilt from the log on truncation and on
 * recovery, so it survives leader changes with the log itself.
 */
export class ProducerStateManager {
  readonly producers = new Map<number, ProducerStateEntry>();

  /**
   * Validates a batch before it is appended (kafka-facts §5.2). `fromClient` is false for replication, where an
   * old epoch is only a warning in Kafka and sequences are not checked.
   */
  check(batch: RecordBatch, fromClient: boolean): AppendCheck {
    if (batch.producerId < 0) return { kind: "append" };
    const entry = this.producers.get(batch.producerId);
    if (!entry) return { kind: "append" }; // no state (new, or expired): any sequence is accepted
    if (batch.producerEpoch < entry.producerEpoch) {
      if (!fromClient) return { kind: "append" };
      return {
        kind: "error",
        error: "INVALID_PRODUCER_EPOCH",
        message: `epoch ${batch.producerEpoch} is older than the last seen ${entry.producerEpoch}`,
      };
    }
    if (batch.producerEpoch === entry.producerEpoch) {
      const first = batch.baseSequence;
      const last = lastSequenceOf(batch);
      const dup = entry.batches.find((b) => b.firstSeq === first && b.lastSeq === last);
      if (dup) return { kind: "duplicate", firstOffset: dup.firstOffset, lastOffset: dup.lastOffset };
    }
    if (!fromClient) return { kind: "append" };
    if (batch.producerEpoch > entry.producerEpoch) {
      // ProducerAppendInfo.checkSequence: a new epoch must start at 0, unless there was no prior epoch.
      if (batch.baseSequence !== 0 && entry.producerEpoch !== NO_PRODUCER_EPOCH)
        return {
          kind: "error",
          error: "OUT_OF_ORDER_SEQUENCE_NUMBER",
          message: `new epoch ${batch.producerEpoch} must start at sequence 0, got ${batch.baseSequence}`,
        };
      return { kind: "append" };
    }
    const lastSeq = entry.batches.length === 0 ? -1 : entry.batches[entry.batches.length - 1].lastSeq;
    const inSequence = batch.baseSequence === lastSeq + 1 || (batch.baseSequence === 0 && lastSeq === INT_MAX);
    if (entry.batches.length > 0 && !inSequence)
      return {
        kind: "error",
        error: "OUT_OF_ORDER_SEQUENCE_NUMBER",
        message: `expected sequence ${lastSeq + 1}, got ${batch.baseSequence}`,
      };
    return { kind: "append" };
  }

  /** Records an appended batch. */
  update(batch: RecordBatch): void {
    if (batch.producerId < 0) return;
    let entry = this.producers.get(batch.producerId);
    if (!entry || batch.producerEpoch > entry.producerEpoch) {
      entry = { producerId: batch.producerId, producerEpoch: batch.producerEpoch, batches: [] };
      this.producers.set(batch.producerId, entry);
    } else if (batch.producerEpoch < entry.producerEpoch) return; // replicated old-epoch data: keep the newer state
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch),
      firstOffset: batch.baseOffset,
      lastOffset: lastOffsetOf(batch),
    });
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
  }

  /** Rebuilds every producer's state by replaying the log (recovery, truncation, new leader). */
  rebuild(batches: readonly RecordBatch[]): void {
    this.producers.clear();
    for (const b of batches) this.update(b);
  }
}

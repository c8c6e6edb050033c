import type { RecordBatch } from "./recordBatch.js";

/**
 * `LogValidator.validateKey`: a compacted topic refuses a record without a key ("Compacted topic cannot accept
 * message without key", Errors.INVALID_RECORD with a record error; the whole batch is refused). Control batches
 * (markers) carry their own key. Returns the message, or null when the batch is valid.
 */
export function compactedTopicRecordError(batch: Pick<RecordBatch, "isControl" | "records">, compacted: boolean): string | null {
  if (!compacted || batch.isControl) return null;
  const i = batch.records.findIndex((r) => r.key === null);
  return i < 0 ? null : `Compacted topic cannot accept message without key (record ${i})`;
}

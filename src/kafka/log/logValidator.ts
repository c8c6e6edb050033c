import { type BrokerCompressionType, CODECS, compressedRecordsBytes, targetCompression, validationNs } from "./compression.js";
import { compressionOf, type RecordBatch } from "./recordBatch.js";
import { RECORD_BATCH_OVERHEAD_BYTES, type RecordMagic } from "./recordSize.js";

/**
 * `LogValidator.validateBatch`'s format check (Kafka 0.11 to 3.x, storage `LogValidator.java`): a batch with a producer
 * id cannot be written in a legacy format (magic 0 or 1, a topic whose message.format.version is before 0.11.0), which
 * has no producer id, epoch or sequence: "Transactional records cannot be used with magic version" /
 * "Idempotent records cannot be used with magic version" (UnsupportedForMessageFormatException,
 * UNSUPPORTED_FOR_MESSAGE_FORMAT). Returns the message, or null when the batch may be written.
 */
export function legacyFormatProducerError(batch: Pick<RecordBatch, "producerId" | "isTransactional">, magic: RecordMagic): string | null {
  if (magic >= 2) return null;
  if (batch.isTransactional) return `Transactional records cannot be used with magic version ${magic}`;
  if (batch.producerId >= 0) return `Idempotent records cannot be used with magic version ${magic}`;
  return null;
}

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

/**
 * `LogValidator.validateMessagesAndAssignOffsets`' codec step for a leader append: the codec the batch is stored with
 * (`BrokerCompressionType.targetCompression` of the topic's compression.type and the batch's codec) and the CPU it
 * takes. An uncompressed batch kept uncompressed is validated in place (`assignOffsetsNonCompressed`: no codec cost);
 * otherwise `validateMessagesAndAssignOffsetsCompressed` decompresses it to check its records, and when the target
 * codec differs from the batch's (not `inPlaceAssignment`) builds a new batch compressed with the target: its size
 * changes, so the caller checks max.message.bytes again (UnifiedLog.append, `messageSizeMaybeChanged`).
 * Control batches (markers) are kept as they are (`inPlaceAssignment` for an uncompressed control batch).
 * Returns the batch to store (the same object when the codec stays) and the CPU ns spent on the codecs.
 * Simplified: the batch's uncompressed record bytes are taken back from its size and codec ratio (within a byte or
 * so of the producer's count).
 */
export function validateCompression<B extends Pick<RecordBatch, "sizeBytes" | "compression" | "isControl">>(batch: B, topicCompression: BrokerCompressionType): { batch: B; cpuNs: number; recompressed: boolean } {
  const source = compressionOf(batch);
  if (batch.isControl) return { batch, cpuNs: 0, recompressed: false };
  const target = targetCompression(topicCompression, source);
  if (source === "none" && target === "none") return { batch, cpuNs: 0, recompressed: false };
  const stored = batch.sizeBytes - RECORD_BATCH_OVERHEAD_BYTES;
  const recordsBytes = source === "none" ? stored : Math.round(stored / CODECS[source].ratio);
  const cpuNs = validationNs(recordsBytes, source, target);
  if (target === source) return { batch, cpuNs, recompressed: false };
  const { compression: _, ...rest } = batch;
  const out = { ...rest, sizeBytes: RECORD_BATCH_OVERHEAD_BYTES + compressedRecordsBytes(recordsBytes, target) } as B;
  if (target !== "none") out.compression = target;
  return { batch: out, cpuNs, recompressed: true };
}

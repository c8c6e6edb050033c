import type { ProducerSettings } from "../../config/producerSettings.js";
import { type KafkaRecord, keyBytesOf, valueBytesOf } from "../../log/recordBatch.js";
import { batchSizeUpperBound } from "../../log/recordSize.js";

/**
 * `KafkaProducer.ensureValidRecordSize`, in send() before the append: the record's serialized bound
 * (`AbstractRecords.estimateSizeInBytesUpperBound`, for v2 a batch holding only it) must not exceed
 * max.request.size nor buffer.memory. Returns null when it fits, else the size and the limit it broke (the caller
 * fails the send with RECORD_TOO_LARGE, Kafka's RecordTooLargeException, through its callback).
 */
export function recordTooLarge(r: KafkaRecord, s: Pick<ProducerSettings, "maxRequestSize" | "bufferMemory">): { sizeBytes: number; limit: "max.request.size" | "buffer.memory"; limitBytes: number } | null {
  const sizeBytes = batchSizeUpperBound(keyBytesOf(r), valueBytesOf(r));
  if (sizeBytes > s.maxRequestSize) return { sizeBytes, limit: "max.request.size", limitBytes: s.maxRequestSize };
  if (sizeBytes > s.bufferMemory) return { sizeBytes, limit: "buffer.memory", limitBytes: s.bufferMemory };
  return null;
}

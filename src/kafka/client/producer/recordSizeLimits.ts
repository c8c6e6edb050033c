import type { ProducerSettings } from "../../config/producerSettings.js";
import { type KafkaRecord, keyBytesOf, valueBytesOf } from "../../log/recordBatch.js";
import { batchSizeUpperBound } from "../../log/recordSize.js";
import { type RunValues, runValueBytes } from "./producerBatch.js";

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

/**
 * `ensureValidRecordSize` over records `firstN .. firstN + count - 1` of a perf-test run (keyless, values
 * `runValueBytes`): how many of them, from the first, fit (a value's size never shrinks as n grows, so the records
 * that fit come first). The rest fail with RECORD_TOO_LARGE, as each send() would.
 */
export function runRecordsThatFit(values: RunValues, firstN: number, count: number, s: Pick<ProducerSettings, "maxRequestSize" | "bufferMemory">): number {
  const limit = Math.min(s.maxRequestSize, s.bufferMemory);
  const fits = (n: number) => batchSizeUpperBound(-1, runValueBytes(values, n)) <= limit;
  if (count === 0 || fits(firstN + count - 1)) return count;
  let lo = 0; // records firstN .. firstN + lo - 1 fit
  let hi = count - 1; // record firstN + hi does not
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fits(firstN + mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

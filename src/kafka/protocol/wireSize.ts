import { isProtocolMessage } from "./apis.js";

/**
 * Bytes of a Kafka request or response on the wire, for NICs with a bandwidth (src/sim/nics.ts). Record batches
 * count their v2 size (`RecordBatch.sizeBytes`); the rest is the frame and headers of the flexible versions of
 * Kafka 3.x/4.x's schemas (clients/src/main/resources/common/message/*.json):
 * - every message: the 4-byte size prefix;
 * - a request header v2: api key 2, version 2, correlation id 4, client id (2 + ~16), tagged fields 1 = 27;
 * - a response header v1: correlation id 4, tagged fields 1 = 5;
 * - ProduceRequest v9+: transactional id 1 (+ its length), acks 2, timeout 4, topics 1, tagged 1 = 8; per topic name
 *   1 + ~8, partitions 1, tagged 1 = 11; per partition index 4, records length 3, tagged 1, then the batch, + 1;
 * - ProduceResponse v9+: topics 1, throttle 4, tagged 1 = 6; per topic name 1 + ~9, partitions 1, tagged 1 = 12; per
 *   partition index 4, error 2, base offset 8, log append time 8, log start 8, record errors 1, message 1, tagged 1;
 * - FetchResponse v12+: throttle 4, error 2, session 4, topics 1, topic id 16, partitions 1, index 4, error 2,
 *   high watermark 8, last stable offset 8, log start offset 8, aborted 1, preferred replica 4, records length 3,
 *   tagged 3 = 69, then the records: whole batches and the head of a batch a byte limit cut (`partialBytes`:
 *   LogSegment.read slices the log at the limit, and the receiver drops the incomplete batch).
 * Other messages (metadata, offsets, group and transaction requests, KRaft's) are small: a flat 100 bytes.
 * Simplified: names and ids are taken at typical lengths, not counted; sizes do not depend on the API version; a
 * Fetch and its response carry one partition's framing whatever their number of partitions (as an incremental fetch
 * session's mostly do: they list only partitions that changed).
 */
export function kafkaWireBytes(msg: unknown): number {
  if (!isProtocolMessage(msg)) return 100;
  switch (msg.type) {
    case "Produce": {
      const topics = new Set<string>();
      let bytes = 4 + 27 + 8 + (msg.transactionalId?.length ?? 0);
      for (const p of msg.partitions) {
        topics.add(p.topic);
        bytes += 9 + p.batch.sizeBytes;
      }
      return bytes + 11 * topics.size;
    }
    case "FetchResponse": {
      // A follower's or a consumer's answer carries its batches per partition; KRaft's fetch of the metadata log
      // (entries, not record batches) counts as its frame only.
      let bytes = 4 + 5 + 69;
      if ("partitions" in msg)
        for (const p of msg.partitions) {
          for (const b of p.batches) bytes += b.sizeBytes;
          bytes += p.partialBytes ?? 0;
        }
      return bytes;
    }
    case "ProduceResponse": {
      const topics = new Set(msg.responses.map((r) => r.topic));
      return 4 + 5 + 6 + 12 * topics.size + 33 * msg.responses.length;
    }
    case "Fetch":
      // replica state, max wait, min/max bytes, isolation, session, one topic id and partition with its offsets.
      return 4 + 27 + 80;
    default:
      return 100;
  }
}

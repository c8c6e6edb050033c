/**
 * Record batch compression (Kafka `CompressionType`, `BrokerCompressionType`, `CompressionRatioEstimator`): the
 * codecs, what each does to a batch's size, what it costs a CPU, and the broker's choice of the codec a batch is
 * stored with. The model compresses nothing: a compressed batch keeps its records as they are and carries its codec
 * and its compressed size.
 *
 * Parameters, one table, with their source: Zstandard's README benchmark (github.com/facebook/zstd, "Benchmarks":
 * lzbench, in memory, one core of a Core i7-9700K @ 4.9 GHz, the Silesia corpus; zstd 1.5.6 -1, zlib 1.2.11 -1,
 * lz4 1.9.4, snappy 1.1.9). Ratios are Silesia's (a mix of text, XML, executables and images): JSON-like payloads
 * usually compress better, so these are on the conservative side; the model has no per-workload knob for it.
 * Speeds are MB/s (10^6 bytes) of uncompressed data, so a cost in ns per uncompressed byte is 1000 / speed.
 * Simplified: Kafka's default levels are gzip 6 (`Deflater.DEFAULT_COMPRESSION`), zstd 3, lz4's fast compressor
 * (`Lz4BlockOutputStream`) and snappy's only one; the table's gzip and zstd rows are level 1, which compresses a
 * little less and faster than Kafka's default level. The JVM's stream wrappers and the JNI hops add cost not counted.
 */

/** A producer's `compression.type` and a batch's codec (Kafka `CompressionType` names). */
export type CompressionType = "none" | "gzip" | "snappy" | "lz4" | "zstd";

/** The codecs, in Kafka's `CompressionType` id order. */
export const COMPRESSION_TYPES: readonly CompressionType[] = ["none", "gzip", "snappy", "lz4", "zstd"];

/**
 * A topic's (and broker default's) `compression.type` (Kafka `BrokerCompressionType`): `producer` keeps the codec the
 * producer used, `uncompressed` stores batches uncompressed, a codec recompresses into it.
 */
export type BrokerCompressionType = "producer" | "uncompressed" | Exclude<CompressionType, "none">;

/** The topic config's values, as Kafka lists them (`BrokerCompressionType.names()`). */
export const BROKER_COMPRESSION_TYPES: readonly BrokerCompressionType[] = ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

/** One codec's parameters. */
export interface CodecProfile {
  /** Compressed / uncompressed bytes of a batch's records (the Silesia corpus; 1 for none). */
  ratio: number;
  /** CPU ns per uncompressed byte to compress. */
  compressNsPerByte: number;
  /** CPU ns per uncompressed byte to decompress. */
  decompressNsPerByte: number;
}

/** The table (see the file's comment for the source): ratio = 1 / lzbench's ratio; ns/byte = 1000 / (MB/s). */
export const CODECS: Readonly<Record<CompressionType, CodecProfile>> = {
  none: { ratio: 1, compressNsPerByte: 0, decompressNsPerByte: 0 },
  // zlib 1.2.11 -1: ratio 2.743, 95 MB/s compress, 400 MB/s decompress.
  gzip: { ratio: 1 / 2.743, compressNsPerByte: 1000 / 95, decompressNsPerByte: 1000 / 400 },
  // snappy 1.1.9: ratio 2.073, 530 MB/s, 1660 MB/s.
  snappy: { ratio: 1 / 2.073, compressNsPerByte: 1000 / 530, decompressNsPerByte: 1000 / 1660 },
  // lz4 1.9.4: ratio 2.101, 700 MB/s, 4000 MB/s.
  lz4: { ratio: 1 / 2.101, compressNsPerByte: 1000 / 700, decompressNsPerByte: 1000 / 4000 },
  // zstd 1.5.6 -1: ratio 2.887, 510 MB/s, 1580 MB/s.
  zstd: { ratio: 1 / 2.887, compressNsPerByte: 1000 / 510, decompressNsPerByte: 1000 / 1580 },
};

/**
 * Bytes of a batch's records once compressed with `codec` (MemoryRecordsBuilder: the compressed stream written
 * after the batch header, which stays uncompressed): `recordsBytes` × the codec's ratio, rounded up; as is for none.
 */
export function compressedRecordsBytes(recordsBytes: number, codec: CompressionType): number {
  // Stryker disable next-line ConditionalExpression,StringLiteral: none's ratio is 1, so the formula gives the same whole number of bytes
  return codec === "none" ? recordsBytes : Math.ceil(recordsBytes * CODECS[codec].ratio);
}

/**
 * A consumer's CPU ns to decompress a fetched batch of `batchSizeBytes` stored with `codec` (the records' bytes taken
 * back from the batch's size past its 61-byte header and the codec's ratio, as the leader's LogValidator does): 0 for
 * an uncompressed batch. Kafka decompresses in the application thread's poll (CompletedFetch.nextFetchedRecord →
 * the batch's streaming iterator).
 */
export function decompressionNs(batchSizeBytes: number, codec: CompressionType): number {
  if (codec === "none") return 0;
  const recordsBytes = Math.max(0, batchSizeBytes - 61) / CODECS[codec].ratio;
  return recordsBytes * CODECS[codec].decompressNsPerByte;
}

/**
 * `BrokerCompressionType.targetCompression(logCompression, producerCompressionType)`: the codec the leader stores a
 * batch with, given the topic's compression.type and the batch's codec.
 */
export function targetCompression(topic: BrokerCompressionType, source: CompressionType): CompressionType {
  if (topic === "producer") return source;
  if (topic === "uncompressed") return "none";
  return topic;
}

/**
 * The leader's CPU ns to validate and store a batch whose records are `recordsBytes` uncompressed
 * (`LogValidator.validateMessagesAndAssignOffsetsCompressed`): a compressed batch is decompressed to check its
 * records (in place when the codec stays: `skipKeyValueIterator` still decompresses the stream); when the target
 * codec differs from the batch's the records are compressed again with the target (not in place). 0 for an
 * uncompressed batch kept uncompressed (`assignOffsetsNonCompressed`; its cost is `produceNsPerByte`'s).
 */
export function validationNs(recordsBytes: number, source: CompressionType, target: CompressionType): number {
  let ns = recordsBytes * CODECS[source].decompressNsPerByte;
  if (target !== source) ns += recordsBytes * CODECS[target].compressNsPerByte;
  return ns;
}

/**
 * Kafka `CompressionRatioEstimator`, per topic for one codec: the producer's estimate of the compressed / uncompressed
 * ratio that `MemoryRecordsBuilder.estimatedBytesWritten` multiplies a batch's records by (× 1.05) to decide when the
 * batch is full. Every estimate starts at `CompressionType.rate` (1.0 for every codec); each closed batch moves it
 * toward the ratio it observed: up at once (at least 0.05, `COMPRESSION_RATIO_DETERIORATE_STEP`) when worse, down by at
 * most 0.005 (`COMPRESSION_RATIO_IMPROVING_STEP`) when better. So the first ~130 batches of a gzip topic are cut as
 * if barely compressed, and batches then grow to hold ~2.7 × the records. Simplified: Kafka's map is static, shared by
 * every producer of a JVM; here each producer has its own. Float32 rounding as Kafka's floats.
 */
export class CompressionRatioEstimator {
  static readonly IMPROVING_STEP = 0.005;
  static readonly DETERIORATE_STEP = 0.05;
  private readonly ratios = new Map<string, number>();

  /** The current estimate for `topic` (1.0 at first). */
  estimation(topic: string): number {
    return this.ratios.get(topic) ?? 1;
  }

  /** `updateEstimation`: a closed batch's observed ratio moves the estimate; returns the new estimate. */
  updateEstimation(topic: string, observed: number): number {
    const current = this.estimation(topic);
    let next = current;
    if (observed > current) next = Math.max(Math.fround(current + CompressionRatioEstimator.DETERIORATE_STEP), observed);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: when observed equals current, max(current - step, observed) is current
    else if (observed < current) next = Math.max(Math.fround(current - CompressionRatioEstimator.IMPROVING_STEP), observed);
    this.ratios.set(topic, next);
    return next;
  }

  /** `setEstimation` (RecordAccumulator.splitAndReenqueue sets max(1.0, the big batch's ratio)). */
  setEstimation(topic: string, ratio: number): void {
    this.ratios.set(topic, ratio);
  }
}

/** `MemoryRecordsBuilder.COMPRESSION_RATE_ESTIMATION_FACTOR`: the estimate is inflated by 5 % to be safe. */
export const COMPRESSION_RATE_ESTIMATION_FACTOR = 1.05;

/**
 * Sizes of record batch v2 on Kafka's wire and in its log, byte for byte (Kafka `DefaultRecordBatch`,
 * `DefaultRecord`, `ByteUtils`). The model keeps keys and values as short strings plus padding bytes
 * (`KafkaRecord.padBytes`), so a size here is that of the record the workload stands for, not of its strings.
 * Headers are not modelled: every record has zero headers (one varint byte).
 */

/**
 * `DefaultRecordBatch.RECORD_BATCH_OVERHEAD`: baseOffset 8, length 4, partitionLeaderEpoch 4, magic 1, crc 4,
 * attributes 2, lastOffsetDelta 4, baseTimestamp 8, maxTimestamp 8, producerId 8, producerEpoch 2, baseSequence 4,
 * records count 4 = 61 bytes, before the first record.
 */
export const RECORD_BATCH_OVERHEAD_BYTES = 61;

/** `Records.LOG_OVERHEAD`: the offset (8) and length (4) fields every batch starts with. */
export const LOG_OVERHEAD_BYTES = 12;

/** `DefaultRecord.MAX_RECORD_OVERHEAD`: the largest framing of one record beside key, value and headers (21 bytes). */
export const MAX_RECORD_OVERHEAD_BYTES = 21;

/** `ByteUtils.sizeOfVarint(value)`: bytes of a zig-zag encoded 32-bit varint (1..5). */
export function sizeOfVarint(value: number): number {
  // Zig-zag: (v << 1) ^ (v >> 31), as an unsigned 32-bit value.
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

/** `ByteUtils.sizeOfVarlong(value)`: bytes of a zig-zag encoded 64-bit varint (1..10); exact for |value| < 2^52. */
export function sizeOfVarlong(value: number): number {
  // Stryker disable next-line EqualityOperator: 0 either way takes one byte (0, or -1 which the loop never divides)
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

/** Bytes of a string as UTF-8 (`Utils.utf8Length`); the model's keys and values are ASCII, so usually its length. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** `DefaultRecord.sizeOf(keySize, valueSize, headers)` with no headers: key and value with their length varints. */
function sizeOfKeyValue(keyBytes: number, valueBytes: number): number {
  // Stryker disable next-line EqualityOperator: an empty key (0 bytes) is one varint byte too, as a null one
  const key = keyBytes < 0 ? 1 : sizeOfVarint(keyBytes) + keyBytes; // NULL_VARINT_SIZE_BYTES = 1
  // Stryker disable next-line EqualityOperator: an empty value (0 bytes) is one varint byte too, as a null one
  const value = valueBytes < 0 ? 1 : sizeOfVarint(valueBytes) + valueBytes;
  return key + value + 1; // headers count: varint 0
}

/**
 * `DefaultRecord.sizeInBytes(offsetDelta, timestampDelta, keySize, valueSize, headers)` with no headers: one
 * record's bytes in a v2 batch. `keyBytes` -1 for a null key; `timestampDeltaMs` from the batch's base timestamp.
 */
export function recordSizeInBytes(offsetDelta: number, timestampDeltaMs: number, keyBytes: number, valueBytes: number): number {
  const body = 1 + sizeOfVarint(offsetDelta) + sizeOfVarlong(timestampDeltaMs) + sizeOfKeyValue(keyBytes, valueBytes);
  return body + sizeOfVarint(body);
}

/**
 * `DefaultRecordBatch.estimateBatchSizeUpperBound` (what `AbstractRecords.estimateSizeInBytesUpperBound` gives for
 * magic v2, compressed or not): the largest a batch holding only this record can be. KafkaProducer checks it
 * against max.request.size and buffer.memory (`ensureValidRecordSize`) and RecordAccumulator allocates at least it.
 */
export function batchSizeUpperBound(keyBytes: number, valueBytes: number): number {
  return RECORD_BATCH_OVERHEAD_BYTES + MAX_RECORD_OVERHEAD_BYTES + sizeOfKeyValue(keyBytes, valueBytes);
}

/**
 * The magic of a record format: 0 and 1 are the legacy message formats (Kafka `LegacyRecord`, a MessageSet of
 * messages each framed by its offset and size), 2 the record batch of Kafka 0.11+ (`DefaultRecordBatch`).
 */
export type RecordMagic = 0 | 1 | 2;

/** `LegacyRecord.RECORD_OVERHEAD_V0`: crc 4, magic 1, attributes 1, key length 4, value length 4 = 14 bytes. */
export const LEGACY_RECORD_OVERHEAD_V0_BYTES = 14;

/** `LegacyRecord.RECORD_OVERHEAD_V1`: v0's 14 and an 8-byte timestamp = 22 bytes. */
export const LEGACY_RECORD_OVERHEAD_V1_BYTES = 22;

/**
 * One uncompressed message of a legacy MessageSet (magic 0 or 1) in bytes: `Records.LOG_OVERHEAD` (offset 8, size 4)
 * and `LegacyRecord.recordSize(magic, keySize, valueSize)` = its overhead + key + value bytes (a null key or value
 * takes none: its length field says -1). Kafka `AbstractLegacyRecordBatch` / `LegacyRecord.recordSize`.
 * A 100-byte keyless value: 12 + 14 + 100 = 126 bytes in v0, 134 in v1.
 */
export function legacyRecordSizeInBytes(magic: 0 | 1, keyBytes: number, valueBytes: number): number {
  return LOG_OVERHEAD_BYTES + (magic === 0 ? LEGACY_RECORD_OVERHEAD_V0_BYTES : LEGACY_RECORD_OVERHEAD_V1_BYTES) + Math.max(0, keyBytes) + Math.max(0, valueBytes);
}

/**
 * The message format a `message.format.version` (topic) / `log.message.format.version` (broker) value stands for
 * (Kafka `MetadataVersion.highestSupportedRecordVersion` of the version named): before 0.10.0 magic 0, 0.10.x magic 1,
 * from 0.11.0 on magic 2. Kafka 3.x ignores the setting when inter.broker.protocol.version is 3.0 or newer and
 * Kafka 4.0 removed it (KIP-724); the model keeps it to size a benchmark of its day.
 */
export function magicOfMessageFormatVersion(version: string): RecordMagic {
  const [major, minor] = version.split(".").map((x) => Number.parseInt(x, 10));
  if (major === 0 && minor < 10) return 0;
  if (major === 0 && minor === 10) return 1;
  return 2;
}

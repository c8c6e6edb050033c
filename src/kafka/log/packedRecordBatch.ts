import { seqOf, seqPrefixLength } from "../../common/seqValue.js";
import { type KafkaRecord, type PackedRecords, type RecordBatch, withStamps } from "./recordBatch.js";
import { RunRecordBatch } from "./runRecordBatch.js";

/**
 * A data batch as the log keeps it once the leader appended it (issue 14 item 4): its records are not an object each
 * but one array of cells, `[key, n, key, n, …]`, with what they share held once: the values' prefix (every value is
 * `prefix + n`: one producer life's values, see common/seqValue.ts) and the padding bytes. `records` builds the
 * records, equal to those appended, each time it is read, so a reader that walks them reads `records` once per
 * batch; `recordCount` and `valueAt` read without building anything. A batch whose records do not fit this shape
 * (other values, tombstones, uneven padding, control batches, cleaned batches) stays a plain RecordBatch.
 *
 * Memory: a 5-record batch of the reference workload kept ~610 bytes as objects (batch, records array, a record
 * object and a value string each) and keeps ~330 packed. Followers append the leader's batch object as is, so one
 * batch serves every replica.
 */
export class PackedRecordBatch implements RecordBatch, PackedRecords {
  readonly isControl = false;

  private constructor(
    readonly baseOffset: number,
    readonly leaderEpoch: number,
    readonly producerId: number,
    readonly producerEpoch: number,
    readonly baseSequence: number,
    readonly isTransactional: boolean,
    readonly sizeBytes: number,
    readonly maxTimestampMs: number,
    /** `[key0, n0, key1, n1, …]`: record i's key and the number ending its value. */
    private readonly cells: readonly (string | null | number)[],
    private readonly valuePrefix: string,
    /** Every record's padBytes (0: none, as a record without padBytes). */
    private readonly padBytes: number,
    /** The batch's codec, undefined for none (RecordBatch.compression). */
    readonly compression: RecordBatch["compression"],
  ) {}

  /**
   * `records` packed, with the batch fields given, or null when they do not fit the packed shape. `prefixHint`: a
   * prefix string to share when the values' prefix equals it (one string for a producer's every batch).
   */
  static pack(
    b: Omit<RecordBatch, "baseOffset" | "leaderEpoch" | "records">,
    records: readonly KafkaRecord[],
    baseOffset: number,
    leaderEpoch: number,
    maxTimestampMs: number,
    prefixHint: string | null,
  ): PackedRecordBatch | null {
    const n = records.length;
    if (n === 0 || b.isControl || b.offsetDeltas !== undefined || b.lastOffsetDelta !== undefined || b.deleteHorizonMs !== undefined) return null;
    const first = records[0];
    const k = seqPrefixLength(first.value);
    if (k < 0) return null;
    const prefix = prefixHint !== null && prefixHint.length === k && first.value.startsWith(prefixHint) ? prefixHint : first.value.slice(0, k);
    const padBytes = first.padBytes ?? 0;
    const cells: (string | null | number)[] = new Array<string | null | number>(2 * n);
    for (let i = 0; i < n; i++) {
      const r = records[i];
      if (r.tombstone !== undefined || (r.padBytes ?? 0) !== padBytes || seqPrefixLength(r.value) !== k || !r.value.startsWith(prefix)) return null;
      cells[2 * i] = r.key;
      cells[2 * i + 1] = seqOf(r.value, k);
    }
    return new PackedRecordBatch(baseOffset, leaderEpoch, b.producerId, b.producerEpoch, b.baseSequence, b.isTransactional, b.sizeBytes, maxTimestampMs, cells, prefix, padBytes, b.compression);
  }

  /** The values' common prefix (to share with the next batch packed). */
  get prefix(): string {
    return this.valuePrefix;
  }

  get recordCount(): number {
    return this.cells.length >> 1;
  }

  /** The records, built afresh (`{key, value}`, with `padBytes` when there is padding, as the producer made them). */
  get records(): KafkaRecord[] {
    const n = this.cells.length >> 1;
    const out = new Array<KafkaRecord>(n);
    for (let i = 0; i < n; i++) out[i] = this.recordAt(i);
    return out;
  }

  recordAt(i: number): KafkaRecord {
    const key = this.cells[2 * i] as string | null;
    const value = this.valueAt(i);
    return this.padBytes !== 0 ? { key, value, padBytes: this.padBytes } : { key, value };
  }

  valueAt(i: number): string {
    return this.valuePrefix + (this.cells[2 * i + 1] as number);
  }
}

/**
 * `b` as the leader appends it, stamped with its base offset, leader epoch and append time (ms) as `candidateBatch`
 * stamps it: packed when its records fit that shape, else with its records in an array of its own, exactly sized
 * (the producer's grows with slack while the batch fills). `prefixHint`: the last packed batch's value prefix,
 * shared when equal. A RunRecordBatch stays one (stamped).
 */
export function stampedBatch(b: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, baseOffset: number, leaderEpoch: number, maxTimestampMs: number, prefixHint: string | null = null): RecordBatch {
  // A perf-test producer's batch keeps its runs (nothing built per record).
  if (b instanceof RunRecordBatch) return b.stamp(baseOffset, leaderEpoch, maxTimestampMs);
  return PackedRecordBatch.pack(b, b.records, baseOffset, leaderEpoch, maxTimestampMs, prefixHint) ?? withStamps(b, b.records.slice(), baseOffset, leaderEpoch, maxTimestampMs);
}

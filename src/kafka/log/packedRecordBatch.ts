import { seqOf, seqPrefixLength } from "../../common/seqValue.js";
import { type KafkaRecord, type PackedRecords, type RecordBatch, withStamps } from "./recordBatch.js";
import { RunRecordBatch } from "./runRecordBatch.js";

/**
 * What consecutive packed batches of one producer life have in common, held once and shared (issue 14 item 4): the
 * producer's id, epoch and transactional flag, the codec, the values' prefix (every value is `prefix + n`, see
 * common/seqValue.ts) and the records' padding bytes.
 */
interface PackedHeader {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly isTransactional: boolean;
  readonly compression: RecordBatch["compression"];
  readonly valuePrefix: string;
  /** Every record's padBytes (0: none, as a record without padBytes). */
  readonly padBytes: number;
}

/**
 * A slab of record cells shared by the batches packed one after another, whatever their log or run: record `c`'s
 * key is `keys[c]`, the number ending its value `seqs[c]` (at most 9 digits: an int32). A batch holds the slab and
 * its first cell; the slab lives as long as one of its batches does.
 */
interface CellSlab {
  readonly keys: (string | null)[];
  readonly seqs: Int32Array;
}

/** Cells per slab: large enough that a slab's own overhead is nothing per record, small enough that the slab a
 * long-lived batch keeps alive (and the current slab's free tail) stays small: 8K cells = 96 KiB. */
const SLAB_CELLS = 8192;
let slab: CellSlab = newSlab(SLAB_CELLS);
let slabUsed = 0;

function newSlab(cells: number): CellSlab {
  return { keys: new Array<string | null>(cells).fill(null), seqs: new Int32Array(cells) };
}

/**
 * A data batch as the log keeps it once the leader appended it (issue 14 item 4): its records are not an object each
 * but cells in a shared slab (keys in a JS array, value numbers in an Int32Array), and what consecutive batches of a
 * producer share (producer id, epoch, transactional flag, codec, value prefix, padding) sits in one header object.
 * `records` builds the records, equal to those appended, each time it is read, so a reader that walks them reads
 * `records` once per batch; `recordCount` and `valueAt` read without building anything. A batch whose records do not
 * fit this shape (other values, tombstones, uneven padding, control batches, cleaned batches) stays a plain
 * RecordBatch. Producer id, epoch, transactional flag, codec and isControl are prototype getters: a spread of a
 * packed batch would miss them, so code that copies a batch goes through plainBatch (recordBatch.ts) first.
 *
 * Memory: a 5-record batch of the reference workload kept ~610 bytes as objects (batch, records array, a record
 * object and a value string each), ~290 bytes with its cells in an array of its own, and ~170 in a slab with a
 * shared header. Followers append the leader's batch object as is, so one batch serves every replica.
 */
export class PackedRecordBatch implements RecordBatch, PackedRecords {
  private constructor(
    readonly baseOffset: number,
    readonly leaderEpoch: number,
    readonly baseSequence: number,
    readonly sizeBytes: number,
    readonly maxTimestampMs: number,
    private readonly header: PackedHeader,
    private readonly cells: CellSlab,
    /** The batch's first cell in `cells`. */
    private readonly start: number,
    readonly recordCount: number,
  ) {}

  /**
   * `records` packed, with the batch fields given, or null when they do not fit the packed shape. `previous`: the
   * batch packed before in the same log, whose header (or at least whose prefix string) is shared when it fits.
   */
  static pack(
    b: Omit<RecordBatch, "baseOffset" | "leaderEpoch" | "records">,
    records: readonly KafkaRecord[],
    baseOffset: number,
    leaderEpoch: number,
    maxTimestampMs: number,
    previous: PackedRecordBatch | null,
  ): PackedRecordBatch | null {
    const n = records.length;
    if (n === 0 || b.isControl || b.offsetDeltas !== undefined || b.lastOffsetDelta !== undefined || b.deleteHorizonMs !== undefined) return null;
    const first = records[0];
    const k = seqPrefixLength(first.value);
    if (k < 0) return null;
    const hint = previous?.header.valuePrefix ?? null;
    const prefix = hint !== null && hint.length === k && first.value.startsWith(hint) ? hint : first.value.slice(0, k);
    const padBytes = first.padBytes ?? 0;
    for (let i = 0; i < n; i++) {
      const r = records[i];
      if (r.tombstone !== undefined || (r.padBytes ?? 0) !== padBytes || seqPrefixLength(r.value) !== k || !r.value.startsWith(prefix)) return null;
    }
    const h = previous?.header;
    const header: PackedHeader =
      h !== undefined && h.valuePrefix === prefix && h.padBytes === padBytes && h.producerId === b.producerId && h.producerEpoch === b.producerEpoch && h.isTransactional === b.isTransactional && h.compression === b.compression
        ? h
        : { producerId: b.producerId, producerEpoch: b.producerEpoch, isTransactional: b.isTransactional, compression: b.compression, valuePrefix: prefix, padBytes };
    // A batch larger than a slab gets a slab of its own; otherwise the current slab, or a fresh one when it is full.
    let cells = slab;
    let start = slabUsed;
    if (n > SLAB_CELLS) {
      cells = newSlab(n);
      start = 0;
    } else {
      if (slabUsed + n > SLAB_CELLS) {
        slab = newSlab(SLAB_CELLS);
        slabUsed = 0;
      }
      cells = slab;
      start = slabUsed;
      slabUsed += n;
    }
    for (let i = 0; i < n; i++) {
      const r = records[i];
      cells.keys[start + i] = r.key;
      cells.seqs[start + i] = seqOf(r.value, k);
    }
    return new PackedRecordBatch(baseOffset, leaderEpoch, b.baseSequence, b.sizeBytes, maxTimestampMs, header, cells, start, n);
  }

  get producerId(): number {
    return this.header.producerId;
  }
  get producerEpoch(): number {
    return this.header.producerEpoch;
  }
  get isTransactional(): boolean {
    return this.header.isTransactional;
  }
  /** The batch's codec, undefined for none (RecordBatch.compression). */
  get compression(): RecordBatch["compression"] {
    return this.header.compression;
  }
  get isControl(): false {
    return false;
  }

  /** The values' common prefix (shared with the next batch packed). */
  get prefix(): string {
    return this.header.valuePrefix;
  }

  /** The records, built afresh (`{key, value}`, with `padBytes` when there is padding, as the producer made them). */
  get records(): KafkaRecord[] {
    const n = this.recordCount;
    const out = new Array<KafkaRecord>(n);
    for (let i = 0; i < n; i++) out[i] = this.recordAt(i);
    return out;
  }

  recordAt(i: number): KafkaRecord {
    const key = this.cells.keys[this.start + i];
    const value = this.valueAt(i);
    const padBytes = this.header.padBytes;
    return padBytes !== 0 ? { key, value, padBytes } : { key, value };
  }

  valueAt(i: number): string {
    return this.header.valuePrefix + this.cells.seqs[this.start + i];
  }
}

/**
 * `b` as the leader appends it, stamped with its base offset, leader epoch and append time (ms) as `candidateBatch`
 * stamps it: packed when its records fit that shape, else with its records in an array of its own, exactly sized
 * (the producer's grows with slack while the batch fills). `previous`: the last batch packed in the same log, whose
 * header and value prefix are shared when equal. A RunRecordBatch stays one (stamped).
 */
export function stampedBatch(b: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, baseOffset: number, leaderEpoch: number, maxTimestampMs: number, previous: PackedRecordBatch | null = null): RecordBatch {
  // A perf-test producer's batch keeps its runs (nothing built per record).
  if (b instanceof RunRecordBatch) return b.stamp(baseOffset, leaderEpoch, maxTimestampMs);
  return PackedRecordBatch.pack(b, b.records, baseOffset, leaderEpoch, maxTimestampMs, previous) ?? withStamps(b, b.records.slice(), baseOffset, leaderEpoch, maxTimestampMs);
}

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
  /** The records' keys by id (a cell holds the id + 1, 0 for a null key), in first-seen order. */
  readonly keys: string[];
  readonly keyIds: Map<string, number>;
}

/**
 * Int32 cells shared by the batches packed one after another, whatever their log or run (issue 14 item 4): a batch
 * holds its slab and its first cell; the slab lives as long as one of its batches does. A batch's cells are its
 * leader epoch, base sequence, size in bytes and append time in µs (two cells: µs / 2^30 and µs % 2^30), then per
 * record its key's id + 1 in the header's key table (0: null) and the number ending its value (at most 9 digits).
 */
const BATCH_CELLS = 5;
const EPOCH = 0;
const SEQUENCE = 1;
const SIZE = 2;
const TIME_HI = 3;
const TIME_LO = 4;
const TIME_SPLIT = 2 ** 30;

/** Cells per slab: large enough that a slab's own overhead is nothing per record, small enough that the slab a
 * long-lived batch keeps alive (and the current slab's free tail) stays small: 32K cells = 128 KiB. */
const SLAB_CELLS = 32768;
let slab = new Int32Array(SLAB_CELLS);
let slabUsed = 0;

/**
 * A data batch as the log keeps it once the leader appended it (issue 14 item 4): its records are not an object each
 * but cells in a shared Int32Array slab (key ids and value numbers; the batch's epoch, sequence, size and time too),
 * and what consecutive batches of a producer share (producer id, epoch, transactional flag, codec, value prefix,
 * padding, key table) sits in one header object.
 * `records` builds the records, equal to those appended, each time it is read, so a reader that walks them reads
 * `records` once per batch; `recordCount` and `valueAt` read without building anything. A batch whose records do not
 * fit this shape (other values, tombstones, uneven padding, control batches, cleaned batches, a time that is not
 * whole µs) stays a plain
 * RecordBatch. Every field but baseOffset and recordCount is a prototype getter: a spread of a packed batch would
 * miss them, so code that copies a batch goes through plainBatch (recordBatch.ts) first.
 *
 * Memory: a 5-record batch of the reference workload kept ~610 bytes as objects (batch, records array, a record
 * object and a value string each), ~290 bytes with its cells in an array of its own, and ~64 bytes of heap and
 * 60 of slab with the cells in a slab and a shared header. Followers append the leader's batch object as is, so one batch serves every replica.
 */
export class PackedRecordBatch implements RecordBatch, PackedRecords {
  private constructor(
    readonly baseOffset: number,
    private readonly header: PackedHeader,
    private readonly cells: Int32Array,
    /** The batch's first cell in `cells` (its own fields, then its records'). */
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
    // Kept as whole µs when that gives the very ms back (the engine's ms are its µs / 1000); other times stay plain.
    const maxTimestampUs = Math.round(maxTimestampMs * 1000);
    if (maxTimestampUs / 1000 !== maxTimestampMs || maxTimestampUs < 0 || maxTimestampUs > Number.MAX_SAFE_INTEGER) return null;
    if (!isInt32(leaderEpoch) || !isInt32(b.baseSequence) || !isInt32(b.sizeBytes)) return null;
    for (let i = 0; i < n; i++) {
      const r = records[i];
      if (r.tombstone !== undefined || (r.padBytes ?? 0) !== padBytes || seqPrefixLength(r.value) !== k || !r.value.startsWith(prefix)) return null;
    }
    const h = previous?.header;
    const header: PackedHeader =
      h !== undefined && h.valuePrefix === prefix && h.padBytes === padBytes && h.producerId === b.producerId && h.producerEpoch === b.producerEpoch && h.isTransactional === b.isTransactional && h.compression === b.compression
        ? h
        : { producerId: b.producerId, producerEpoch: b.producerEpoch, isTransactional: b.isTransactional, compression: b.compression, valuePrefix: prefix, padBytes, keys: [], keyIds: new Map() };
    // A batch larger than a slab gets a slab of its own; otherwise the current slab, or a fresh one when it is full.
    const size = BATCH_CELLS + 2 * n;
    let cells: Int32Array;
    let start = 0;
    if (size > SLAB_CELLS) cells = new Int32Array(size);
    else {
      if (slabUsed + size > SLAB_CELLS) {
        slab = new Int32Array(SLAB_CELLS);
        slabUsed = 0;
      }
      cells = slab;
      start = slabUsed;
      slabUsed += size;
    }
    cells[start + EPOCH] = leaderEpoch;
    cells[start + SEQUENCE] = b.baseSequence;
    cells[start + SIZE] = b.sizeBytes;
    cells[start + TIME_HI] = Math.floor(maxTimestampUs / TIME_SPLIT);
    cells[start + TIME_LO] = maxTimestampUs % TIME_SPLIT;
    for (let i = 0, c = start + BATCH_CELLS; i < n; i++, c += 2) {
      const r = records[i];
      cells[c] = r.key === null ? 0 : keyIdOf(header, r.key) + 1;
      cells[c + 1] = seqOf(r.value, k);
    }
    return new PackedRecordBatch(baseOffset, header, cells, start, n);
  }

  get leaderEpoch(): number {
    return this.cells[this.start + EPOCH];
  }
  get baseSequence(): number {
    return this.cells[this.start + SEQUENCE];
  }
  /** Bytes on the wire and in the log (RecordBatch.sizeBytes). */
  get sizeBytes(): number {
    return this.cells[this.start + SIZE];
  }
  /** The batch's max timestamp in ms (RecordBatch.maxTimestampMs), given back exactly as it was given. */
  get maxTimestampMs(): number {
    return (this.cells[this.start + TIME_HI] * TIME_SPLIT + this.cells[this.start + TIME_LO]) / 1000;
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
    const id = this.cells[this.start + BATCH_CELLS + 2 * i];
    const key = id === 0 ? null : this.header.keys[id - 1];
    const value = this.valueAt(i);
    const padBytes = this.header.padBytes;
    return padBytes !== 0 ? { key, value, padBytes } : { key, value };
  }

  valueAt(i: number): string {
    return this.header.valuePrefix + this.cells[this.start + BATCH_CELLS + 2 * i + 1];
  }
}

function isInt32(n: number): boolean {
  return (n | 0) === n;
}

/** `key`'s id in the header's key table, added when new. */
function keyIdOf(h: PackedHeader, key: string): number {
  let id = h.keyIds.get(key);
  if (id === undefined) {
    id = h.keys.length;
    h.keys.push(key);
    h.keyIds.set(key, id);
  }
  return id;
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

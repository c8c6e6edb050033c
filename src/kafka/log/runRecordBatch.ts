import type { KafkaRecord, PackedRecords, RecordBatch } from "./recordBatch.js";

/**
 * Records a perf-test workload appended together (issue 17 item 6): `count` keyless records whose values are
 * `prefix + (firstN + i)`, sent at `firstSendUs + i × intervalUs` (µs of simulated time). What Kafka carries of them
 * is their CreateTime timestamps; the model keeps the send times as this arithmetic run instead of one per record.
 */
export interface SendTimeRun {
  firstN: number;
  count: number;
  firstSendUs: number;
  intervalUs: number;
}

/** The send time in µs of the `i`-th record of `run`. */
export function sendTimeUsAt(run: SendTimeRun, i: number): number {
  return run.firstSendUs + i * run.intervalUs;
}

/**
 * A data batch of a perf-test producer (Kafka `RecordBatch` v2, or a legacy MessageSet when the topic's
 * message.format.version asks for one, see recordSize.ts): its records are runs of keyless, equally padded records
 * (`SendTimeRun`), held as runs from the producer's accumulator through the produce request, the leader's log, the
 * followers' logs and the consumer's fetch, so nothing is spent per record (issue 17 item 6). `records` builds
 * them, equal to what a per-record producer with the same values would have written (`{key: null, value,
 * padBytes}`), each time it is read; `recordCount`, `valueAt` and `runs` read without building anything.
 * Like PackedRecordBatch, followers append the leader's object as is.
 */
export class RunRecordBatch implements RecordBatch, PackedRecords {
  readonly isControl = false;

  constructor(
    readonly baseOffset: number,
    readonly leaderEpoch: number,
    readonly producerId: number,
    readonly producerEpoch: number,
    readonly baseSequence: number,
    readonly isTransactional: boolean,
    /** Bytes on the wire and in the log (RecordBatch.sizeBytes). */
    readonly sizeBytes: number,
    /** Set by the leader's append (ms), 0 before. */
    readonly maxTimestampMs: number,
    /** The runs, in offset order; shared, never changed once the batch is drained. */
    readonly runs: readonly SendTimeRun[],
    readonly recordCount: number,
    /** Every value is `valuePrefix + n`. */
    readonly valuePrefix: string,
    /** The workload's value size in bytes: a value shorter than it is padded up to it (KafkaRecord.padBytes). */
    readonly valueSize: number,
    readonly compression: RecordBatch["compression"],
  ) {}

  /** The batch as the leader appends it: stamped with its base offset, leader epoch and append time (ms). */
  stamp(baseOffset: number, leaderEpoch: number, maxTimestampMs: number): RunRecordBatch {
    return new RunRecordBatch(baseOffset, leaderEpoch, this.producerId, this.producerEpoch, this.baseSequence, this.isTransactional, this.sizeBytes, maxTimestampMs, this.runs, this.recordCount, this.valuePrefix, this.valueSize, this.compression);
  }

  /** The records, built afresh (see the class comment): for readers that need each record (checks, other consumers). */
  get records(): KafkaRecord[] {
    const out = new Array<KafkaRecord>(this.recordCount);
    let i = 0;
    for (const run of this.runs) for (let j = 0; j < run.count; j++) out[i++] = this.recordOf(run.firstN + j);
    return out;
  }

  /** The value of the batch's `i`-th record (0-based, across its runs); RangeError past its last record. */
  valueAt(i: number): string {
    let inRun = i;
    for (const run of this.runs) {
      if (inRun < run.count) return this.valuePrefix + (run.firstN + inRun);
      inRun -= run.count;
    }
    throw new RangeError(`record ${i} past the batch's ${this.recordCount} records`);
  }

  private recordOf(n: number): KafkaRecord {
    const value = this.valuePrefix + n;
    const padBytes = this.valueSize - value.length;
    return padBytes > 0 ? { key: null, value, padBytes } : { key: null, value };
  }
}

/** Whether `b` holds its records as runs (a perf-test producer's batch). */
export function isRunBatch(b: object): b is RunRecordBatch {
  return b instanceof RunRecordBatch;
}

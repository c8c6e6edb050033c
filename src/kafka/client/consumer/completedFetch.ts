import { type KafkaRecord, lastOffsetOf, NO_PRODUCER_ID, offsetOfRecord, type RecordBatch, recordCountOf } from "../../log/recordBatch.js";
import type { AbortedTransaction, FetchedRecord, IsolationLevel } from "../../protocol/messages.js";

/**
 * One fetch response's batches for one partition, as the consumer hands them out (Kafka `CompletedFetch`): records
 * in offset order from the fetch offset, skipping control records (transaction markers) and, under read_committed,
 * whole batches of aborted transactions. `nextFetchOffset` is where the position goes once the application has
 * been given what comes before it: past the last record returned, past the markers and aborted batches skipped,
 * and, once every batch is read, past the last batch (CompletedFetch.nextFetchedRecord: "the offset of the next
 * fetch will point to the next batch"). `lastEpoch` is the leader epoch of the last batch read: the position's
 * epoch, which KIP-320 validation and committed offsets carry.
 */
export class CompletedFetch {
  /**
   * When (µs) the consumer's CPU has decompressed its batches and poll() may hand out its records
   * (`capacity.clientCpu`); 0 without it.
   */
  readyAtUs = 0;
  nextFetchOffset: number;
  lastEpoch: number | null = null;
  isConsumed = false;
  private batchIndex = 0;
  private current: RecordBatch | null = null;
  /** `current`'s records, read once when first needed (a packed batch builds them on each read); null: not read yet. */
  private currentRecords: readonly KafkaRecord[] | null = null;
  /** How many records `current` holds. */
  private currentCount = 0;
  /** Next record of `current` to look at; -1 when no batch is open. */
  private recordIndex = -1;
  /** Aborted transactions not yet reached, by first offset (the client's PriorityQueue). */
  private readonly aborted: AbortedTransaction[];
  private readonly abortedProducerIds = new Set<number>();

  constructor(
    fetchOffset: number,
    private readonly batches: readonly RecordBatch[],
    abortedTransactions: readonly AbortedTransaction[] | null,
    private readonly isolation: IsolationLevel,
  ) {
    this.nextFetchOffset = fetchOffset;
    this.aborted = abortedTransactions ? [...abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset) : [];
    if (batches.length === 0) this.isConsumed = true;
  }

  /** CompletedFetch.fetchRecords: up to `maxRecords` records, advancing `nextFetchOffset` past each one returned. */
  fetchRecords(maxRecords: number): FetchedRecord[] {
    const out: FetchedRecord[] = [];
    while (out.length < maxRecords) {
      const r = this.nextFetchedRecord();
      if (r === null) break;
      out.push(r);
      this.nextFetchOffset = r.offset + 1;
    }
    return out;
  }

  /**
   * fetchRecords without building the records (a perf-test consumer, issue 17 item 6): up to `maxRecords` records,
   * the same ones fetchRecords would return, handed to `visit` as stretches of one batch (`batch`, index of the first
   * record in it, count), advancing `nextFetchOffset` past them. Returns how many were visited.
   */
  visitRecords(maxRecords: number, visit: (batch: RecordBatch, fromIndex: number, count: number) => void): number {
    let n = 0;
    while (n < maxRecords) {
      const b = this.current;
      if (b === null || this.recordIndex >= this.currentCount) {
        if (!this.nextBatch()) break;
        continue;
      }
      if (b.isControl || b.offsetDeltas !== undefined) {
        // Markers and cleaned batches (sparse offsets): one record at a time, as nextFetchedRecord.
        const offset = offsetOfRecord(b, this.recordIndex++);
        if (offset < this.nextFetchOffset) continue;
        this.nextFetchOffset = offset + 1;
        if (b.isControl) continue;
        visit(b, this.recordIndex - 1, 1);
        n++;
        continue;
      }
      // Consecutive offsets: skip those before the fetch offset, then take as many as the poll has room for.
      if (b.baseOffset + this.recordIndex < this.nextFetchOffset) {
        this.recordIndex = Math.min(this.currentCount, this.nextFetchOffset - b.baseOffset);
        continue;
      }
      const k = Math.min(maxRecords - n, this.currentCount - this.recordIndex);
      visit(b, this.recordIndex, k);
      this.recordIndex += k;
      n += k;
      this.nextFetchOffset = b.baseOffset + this.recordIndex;
    }
    return n;
  }

  /**
   * Opens the next batch (the first part of CompletedFetch.nextFetchedRecord): false, and the fetch used up with its
   * position past the last batch, when there is none. Under read_committed an aborted batch is skipped whole.
   */
  private nextBatch(): boolean {
    const b = this.current;
    if (this.batchIndex >= this.batches.length) {
      if (b !== null) this.nextFetchOffset = lastOffsetOf(b) + 1;
      this.isConsumed = true;
      return false;
    }
    const next = this.batches[this.batchIndex++];
    this.current = next;
    this.currentRecords = null;
    this.currentCount = recordCountOf(next);
    this.recordIndex = 0;
    this.lastEpoch = next.leaderEpoch < 0 ? null : next.leaderEpoch;
    if (this.isolation === "read_committed" && next.producerId !== NO_PRODUCER_ID) {
      this.consumeAbortedTransactionsUpTo(lastOffsetOf(next));
      if (next.isControl && next.records[0]?.key === "ABORT") this.abortedProducerIds.delete(next.producerId);
      else if (next.isTransactional && this.abortedProducerIds.has(next.producerId)) {
        // An aborted batch is skipped whole.
        this.nextFetchOffset = lastOffsetOf(next) + 1;
        this.recordIndex = this.currentCount;
      }
    }
    return true;
  }

  /** CompletedFetch.nextFetchedRecord: the next record the application may see, or null when the fetch is used up. */
  private nextFetchedRecord(): FetchedRecord | null {
    for (;;) {
      const b = this.current;
      if (b === null || this.recordIndex >= this.currentCount) {
        if (!this.nextBatch()) return null;
        continue;
      }
      const offset = offsetOfRecord(b, this.recordIndex); // sparse once the cleaner removed records
      this.currentRecords ??= b.records; // built afresh on each read for a packed batch: read once
      const record = this.currentRecords[this.recordIndex++];
      if (offset < this.nextFetchOffset) continue; // before the fetch offset (the batch began earlier)
      // Control records are never returned; the position moves past them.
      if (b.isControl) this.nextFetchOffset = offset + 1;
      else return { offset, key: record.key, value: record.value };
    }
  }

  private consumeAbortedTransactionsUpTo(offset: number): void {
    while (this.aborted.length > 0 && this.aborted[0].firstOffset <= offset) this.abortedProducerIds.add(this.aborted.shift()!.producerId);
  }
}

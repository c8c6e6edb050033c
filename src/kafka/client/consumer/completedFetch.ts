import { type KafkaRecord, lastOffsetOf, NO_PRODUCER_ID, offsetOfRecord, type RecordBatch } from "../../log/recordBatch.js";
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
  /** `current`'s records, read once (a packed batch builds them on each read). */
  private currentRecords: readonly KafkaRecord[] = [];
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

  /** CompletedFetch.nextFetchedRecord: the next record the application may see, or null when the fetch is used up. */
  private nextFetchedRecord(): FetchedRecord | null {
    for (;;) {
      const b = this.current;
      if (b === null || this.recordIndex >= this.currentRecords.length) {
        if (this.batchIndex >= this.batches.length) {
          if (b !== null) this.nextFetchOffset = lastOffsetOf(b) + 1;
          this.isConsumed = true;
          return null;
        }
        const next = this.batches[this.batchIndex++];
        this.current = next;
        this.currentRecords = next.records; // built afresh on each read for a packed batch: read once
        this.recordIndex = 0;
        this.lastEpoch = next.leaderEpoch < 0 ? null : next.leaderEpoch;
        if (this.isolation === "read_committed" && next.producerId !== NO_PRODUCER_ID) {
          this.consumeAbortedTransactionsUpTo(lastOffsetOf(next));
          if (next.isControl && next.records[0]?.key === "ABORT") this.abortedProducerIds.delete(next.producerId);
          else if (next.isTransactional && this.abortedProducerIds.has(next.producerId)) {
            // An aborted batch is skipped whole.
            this.nextFetchOffset = lastOffsetOf(next) + 1;
            this.recordIndex = this.currentRecords.length;
          }
        }
        continue;
      }
      const offset = offsetOfRecord(b, this.recordIndex); // sparse once the cleaner removed records
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

import type { AbortedTxn } from "./producerStateManager.js";
import { lastOffsetOf, type RecordBatch } from "./recordBatch.js";

/**
 * What the cleaner knows of transactions while it walks a log (Kafka `LogCleaner.scala` `CleanedTransactionMetadata`):
 * the aborted transactions met so far (from the transaction index, by first offset), the producers whose aborted
 * transaction is open at this point of the walk and whether any of its batches were seen, and the producers with a
 * committed transaction open. It says whether a data batch belongs to an aborted transaction (removable) and
 * whether a marker may go: an ABORT once none of its transaction's batches is left, a COMMIT when none was walked.
 * `retained` is the cleaned transaction index: the aborted transactions whose marker stays.
 */
export class CleanedTransactionMetadata {
  private readonly pending: AbortedTxn[];
  private readonly ongoingCommitted = new Set<number>();
  private readonly ongoingAborted = new Map<number, { txn: AbortedTxn; lastObservedBatchOffset: number | null }>();
  readonly retained: AbortedTxn[] = [];

  /** `abortedTransactions`: the index entries of the walked range (any order). */
  constructor(abortedTransactions: readonly AbortedTxn[]) {
    this.pending = [...abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset || a.producerId - b.producerId);
  }

  /** `onControlBatchRead`: whether the marker may be discarded (its delete horizon still applies). */
  onControlBatchRead(b: RecordBatch): boolean {
    this.consumeAbortedTxnsUpTo(lastOffsetOf(b));
    // "An empty control batch was already cleaned, so it's safe to discard."
    if (b.records.length === 0) return true;
    const type = b.records[0].key;
    if (type === "ABORT") {
      const a = this.ongoingAborted.get(b.producerId);
      this.ongoingAborted.delete(b.producerId);
      // Retain the marker until all batches from the transaction have been removed.
      if (a && a.lastObservedBatchOffset !== null) {
        this.retained.push(a.txn);
        return false;
      }
      return true;
    }
    if (type === "COMMIT") return !this.ongoingCommitted.delete(b.producerId);
    return false;
  }

  /** `onBatchRead`: whether a data batch belongs to an aborted transaction (then it may be removed). */
  onBatchRead(b: RecordBatch): boolean {
    this.consumeAbortedTxnsUpTo(lastOffsetOf(b));
    if (!b.isTransactional) return false;
    const a = this.ongoingAborted.get(b.producerId);
    if (a) {
      a.lastObservedBatchOffset = lastOffsetOf(b);
      return true;
    }
    this.ongoingCommitted.add(b.producerId);
    return false;
  }

  private consumeAbortedTxnsUpTo(offset: number): void {
    while (this.pending.length > 0 && this.pending[0].firstOffset <= offset) {
      const txn = this.pending.shift()!;
      if (!this.ongoingAborted.has(txn.producerId)) this.ongoingAborted.set(txn.producerId, { txn, lastObservedBatchOffset: null });
    }
  }
}

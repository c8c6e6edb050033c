import type { ErrorName } from "../protocol/errors.js";
import { lastOffsetOf, lastSequenceOf, NO_PRODUCER_EPOCH, NO_SEQUENCE, type RecordBatch } from "./recordBatch.js";

/** Kafka `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`: the last 5 batches are remembered for duplicate detection. */
export const NUM_BATCHES_TO_RETAIN = 5;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

export interface ProducerStateEntry {
  producerId: number;
  producerEpoch: number;
  batches: BatchMetadata[];
  /** Max timestamp (ms) of the producer's last write here: `producer.id.expiration.ms` counts from it. */
  lastTimestampMs: number;
}

/**
 * A producer-state snapshot (Kafka's `<offset>.snapshot` file, taken when a segment rolls): the state as of
 * `offset`, so a restarted broker keeps producers whose batches retention has since deleted.
 */
export interface ProducerSnapshot {
  offset: number;
  producers: ProducerStateEntry[];
  ongoing: [number, number][];
  aborted: AbortedTxn[];
  coordinatorEpochs: [number, number][];
}

export type AppendCheck =
  | { kind: "append" }
  | { kind: "duplicate"; firstOffset: number; lastOffset: number }
  | { kind: "error"; error: ErrorName; message: string };

const INT_MAX = 2147483647;
const APPEND: AppendCheck = { kind: "append" };

/** ProducerAppendInfo.inSequence: the next sequence, or 0 after Integer.MAX_VALUE. */
function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT_MAX);
}

/**
 * ProducerAppendInfo.checkSequence for a batch at the entry's epoch or a newer one: a new epoch starts at 0 (unless
 * the entry has no epoch); within the epoch the batch follows the last retained one, or is 0 when none is retained
 * (a marker or an epoch bump left the entry empty). An entry with no epoch accepts any sequence.
 */
function checkSequence(entry: ProducerStateEntry, batch: RecordBatch): AppendCheck | null {
  if (entry.producerEpoch === NO_PRODUCER_EPOCH) return null;
  if (batch.producerEpoch !== entry.producerEpoch) {
    if (batch.baseSequence === 0) return null;
    return { kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER", message: `new epoch ${batch.producerEpoch} must start at sequence 0, got ${batch.baseSequence}` };
  }
  const lastSeq = entry.batches.length === 0 ? NO_SEQUENCE : entry.batches[entry.batches.length - 1].lastSeq;
  if (inSequence(lastSeq, batch.baseSequence)) return null;
  return { kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER", message: `expected sequence ${lastSeq + 1}, got ${batch.baseSequence}` };
}

/** An aborted transaction's range in the log (Kafka's aborted transaction index entry). */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
}

/** A transaction a marker completed (Kafka `CompletedTxn` / `TxnMetadata` with its last offset): from its first offset to the marker's. */
export interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
}

/** The marker a control batch carries: its type in the key, the coordinator epoch in the value. */
export function markerOf(batch: RecordBatch): { commit: boolean; coordinatorEpoch: number } {
  const r = batch.records[0];
  return { commit: r.key === "COMMIT", coordinatorEpoch: Number(r.value) };
}

/**
 * Per-partition idempotent-producer state on a broker (Kafka `ProducerStateManager` / `ProducerAppendInfo`):
 * the producer epoch and the last five batches of each producer id. Rebuilt from the log on truncation and on
 * recovery, so it survives leader changes with the log itself.
 */
export class ProducerStateManager {
  readonly producers = new Map<number, ProducerStateEntry>();
  /** Producer id → first offset of its open transaction in this partition (bounds the LSO). */
  readonly ongoing = new Map<number, number>();
  /**
   * Transactions a marker completed whose marker the high watermark has not yet passed, by their first offset
   * (`ProducerStateManager.unreplicatedTxns`, filled by `completeTxn`): they still bound the LSO, so no
   * read_committed reader sees a transaction before its outcome is replicated. Emptied by `onHighWatermarkUpdated`,
   * `onLogStartOffsetIncremented` and a rebuild; never in a snapshot (Kafka's snapshot file has no such field).
   */
  readonly unreplicated = new Map<number, CompletedTxn>();
  readonly aborted: AbortedTxn[] = [];
  /** Producer id → the coordinator epoch of the last marker written for it. */
  private readonly coordinatorEpochs = new Map<number, number>();

  /**
   * `ProducerStateManager.firstUnstableOffset`: the first offset of the oldest transaction that is open or whose
   * marker is not yet below the high watermark (min over `ongoingTxns` and `unreplicatedTxns`), or Infinity.
   */
  firstUnstableOffset(): number {
    let min = Infinity;
    // Stryker disable next-line EqualityOperator: `<=` only sets min to the value it already has
    for (const o of this.ongoing.values()) if (o < min) min = o;
    // Stryker disable next-line EqualityOperator: `<=` only sets min to the value it already has
    for (const o of this.unreplicated.keys()) if (o < min) min = o;
    return min;
  }

  /**
   * `ProducerStateManager.onHighWatermarkUpdated` (from `UnifiedLog.updateHighWatermarkMetadata`, on every HW
   * update of a leader or a follower): transactions whose marker is below `highWatermark` stop bounding the LSO.
   */
  onHighWatermarkUpdated(highWatermark: number): void {
    this.removeUnreplicatedTransactions(highWatermark);
  }

  /** `ProducerStateManager.onLogStartOffsetIncremented`: completed transactions wholly below the new log start go. */
  onLogStartOffsetIncremented(logStartOffset: number): void {
    this.removeUnreplicatedTransactions(logStartOffset);
  }

  /** `ProducerStateManager.removeUnreplicatedTransactions`: those whose marker (last offset) is below `offset`. */
  private removeUnreplicatedTransactions(offset: number): void {
    if (this.unreplicated.size === 0) return;
    for (const [first, txn] of this.unreplicated) if (txn.lastOffset < offset) this.unreplicated.delete(first);
  }

  /**
   * ProducerAppendInfo.appendEndTxnMarker's checks, in its order: a marker for an older producer epoch
   * (INVALID_PRODUCER_EPOCH), then one from an older coordinator (TRANSACTION_COORDINATOR_FENCED), is refused.
   */
  checkMarker(producerId: number, producerEpoch: number, coordinatorEpoch: number): AppendCheck {
    const entry = this.producers.get(producerId);
    if (entry && producerEpoch < entry.producerEpoch)
      return { kind: "error", error: "INVALID_PRODUCER_EPOCH", message: `marker epoch ${producerEpoch} is older than ${entry.producerEpoch}` };
    const last = this.coordinatorEpochs.get(producerId);
    // Stryker disable next-line ConditionalExpression: without the undefined check, `coordinatorEpoch < undefined` is false all the same
    if (last !== undefined && coordinatorEpoch < last)
      return { kind: "error", error: "TRANSACTION_COORDINATOR_FENCED", message: `coordinator epoch ${coordinatorEpoch} is older than ${last}` };
    return APPEND;
  }

  /**
   * Validates a batch before it is appended (kafka-facts §5.2), in the order of `UnifiedLog.analyzeAndValidateProducerState`
   * and `ProducerAppendInfo.appendDataBatch`: a client's retry of a retained batch is a duplicate; then the epoch
   * (an older one is INVALID_PRODUCER_EPOCH), the sequence (OUT_OF_ORDER_SEQUENCE_NUMBER) and the open transaction
   * (a plain write during one is INVALID_TXN_STATE). `fromClient` is false for replication, which Kafka does not
   * validate (an old epoch is only a warning) and which looks for no duplicates.
   */
  check(batch: RecordBatch, fromClient: boolean): AppendCheck {
    if (!fromClient) return APPEND;
    // A batch with no producer id (NO_PRODUCER_ID, not idempotent) finds no entry and no open transaction here:
    // update() keeps none for it.
    const entry = this.producers.get(batch.producerId);
    if (entry) {
      // A coordinator's write (the group coordinator's transactional offset commit) carries NO_SEQUENCE: UnifiedLog
      // checks duplicates and sequences only for AppendOrigin.CLIENT, so two such batches are never "duplicates".
      const sequenced = batch.baseSequence !== NO_SEQUENCE;
      if (sequenced && batch.producerEpoch === entry.producerEpoch) {
        const first = batch.baseSequence;
        const last = lastSequenceOf(batch);
        const dup = entry.batches.find((b) => b.firstSeq === first && b.lastSeq === last);
        if (dup) return { kind: "duplicate", firstOffset: dup.firstOffset, lastOffset: dup.lastOffset };
      }
      if (batch.producerEpoch < entry.producerEpoch)
        return { kind: "error", error: "INVALID_PRODUCER_EPOCH", message: `epoch ${batch.producerEpoch} is older than the last seen ${entry.producerEpoch}` };
      if (sequenced) {
        const sequenceError = checkSequence(entry, batch);
        if (sequenceError) return sequenceError;
      }
    }
    if (!batch.isTransactional && this.ongoing.has(batch.producerId))
      return { kind: "error", error: "INVALID_TXN_STATE", message: "a non-transactional write while a transaction is open" };
    return APPEND;
  }

  /** Records an appended batch (ProducerAppendInfo.appendDataBatch / appendEndTxnMarker, then `update`). */
  update(batch: RecordBatch): void {
    if (batch.producerId < 0) return;
    if (batch.isControl) return this.updateMarker(batch);
    if (batch.isTransactional && !this.ongoing.has(batch.producerId)) this.ongoing.set(batch.producerId, batch.baseOffset);
    const entry = this.entryAt(batch.producerId, batch.producerEpoch);
    entry.lastTimestampMs = Math.max(entry.lastTimestampMs, batch.maxTimestampMs ?? 0);
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch),
      firstOffset: batch.baseOffset,
      lastOffset: lastOffsetOf(batch),
    });
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
  }

  /**
   * The producer's entry at `producerEpoch`. `ProducerStateEntry.maybeUpdateProducerEpoch`: any other epoch starts
   * afresh (no batches), a newer one as well as an older one a follower replicates (Kafka only warns about it).
   */
  private entryAt(producerId: number, producerEpoch: number): ProducerStateEntry {
    let entry = this.producers.get(producerId);
    if (!entry || entry.producerEpoch !== producerEpoch) {
      entry = { producerId, producerEpoch, batches: [], lastTimestampMs: 0 };
      this.producers.set(producerId, entry);
    }
    return entry;
  }

  /** A commit or abort marker closes the producer's open transaction; an abort is indexed for read_committed. */
  private updateMarker(batch: RecordBatch): void {
    // ProducerAppendInfo.append: "an empty control batch means the entire transaction has been cleaned from the
    // log" (the cleaner kept it empty for the producer's epoch): nothing to apply.
    if (batch.records.length === 0) return;
    const { commit, coordinatorEpoch } = markerOf(batch);
    const first = this.ongoing.get(batch.producerId);
    this.ongoing.delete(batch.producerId);
    // ProducerAppendInfo.appendEndTxnMarker emits a CompletedTxn only for a transaction with data here; UnifiedLog
    // indexes an aborted one (updateTxnIndex), then `completeTxn` moves it from ongoingTxns to unreplicatedTxns,
    // its last offset the marker's, until the HW passes the marker.
    if (first !== undefined) {
      if (!commit) this.aborted.push({ producerId: batch.producerId, firstOffset: first, lastOffset: batch.baseOffset });
      this.unreplicated.set(first, { producerId: batch.producerId, firstOffset: first, lastOffset: batch.baseOffset });
    }
    this.coordinatorEpochs.set(batch.producerId, coordinatorEpoch);
    // A marker at a newer epoch (KIP-890 TV2 bumps on every end) fences the old one here too, and resets sequences.
    const entry = this.entryAt(batch.producerId, batch.producerEpoch);
    entry.lastTimestampMs = Math.max(entry.lastTimestampMs, batch.maxTimestampMs ?? 0);
  }

  /**
   * `ProducerStateManager.removeExpiredProducers`: forgets every producer without an open transaction whose last
   * write is at least `producer.id.expiration.ms` old. Returns the ids removed, in ascending order.
   */
  removeExpiredProducers(nowMs: number, expirationMs: number): number[] {
    const removed: number[] = [];
    for (const [id, e] of this.producers) if (!this.ongoing.has(id) && nowMs - e.lastTimestampMs >= expirationMs) removed.push(id);
    removed.sort((a, b) => a - b);
    for (const id of removed) this.producers.delete(id);
    return removed;
  }

  /**
   * `ProducerStateManager.activeProducers` as `UnifiedLog.lastRecordsOfActiveProducers` gives them to the cleaner:
   * each producer's last data offset (-1 when its entry holds no batch: its last write was a marker) and epoch.
   */
  lastRecordsOfActiveProducers(): Map<number, { lastDataOffset: number; producerEpoch: number }> {
    const out = new Map<number, { lastDataOffset: number; producerEpoch: number }>();
    for (const [id, e] of this.producers) out.set(id, { lastDataOffset: e.batches.length > 0 ? e.batches[e.batches.length - 1].lastOffset : -1, producerEpoch: e.producerEpoch });
    return out;
  }

  /** The cleaner rewrote the transaction index below `upTo`: aborted transactions there are kept only if listed. */
  retainAbortedBelow(upTo: number, kept: readonly AbortedTxn[]): void {
    const keep = new Set(kept.map((a) => `${a.producerId}:${a.firstOffset}`));
    for (let i = this.aborted.length - 1; i >= 0; i--) {
      const a = this.aborted[i];
      if (a.lastOffset < upTo && !keep.has(`${a.producerId}:${a.firstOffset}`)) this.aborted.splice(i, 1);
    }
  }

  /** `ProducerStateManager.takeSnapshot`: the state as of `offset` (the log end when a segment rolls). */
  snapshot(offset: number): ProducerSnapshot {
    return {
      offset,
      producers: [...this.producers.values()].map((e) => ({ ...e, batches: e.batches.map((b) => ({ ...b })) })),
      ongoing: [...this.ongoing],
      aborted: this.aborted.map((a) => ({ ...a })),
      coordinatorEpochs: [...this.coordinatorEpochs],
    };
  }

  /** Whether a record of `producerId` at `offset` belongs to an aborted transaction (read_committed drops it). */
  isAborted(producerId: number, offset: number): boolean {
    for (const a of this.aborted) if (a.producerId === producerId && offset >= a.firstOffset && offset <= a.lastOffset) return true;
    return false;
  }

  /**
   * Rebuilds every producer's state (recovery, truncation; Kafka `UnifiedLog.rebuildProducerState` /
   * `ProducerStateManager.truncateAndReload`): from the latest snapshot, if there is one, then the batches after it;
   * else by replaying the log from its start. A producer whose batches are all gone and that no snapshot holds
   * is forgotten (the KAFKA-7190 family).
   */
  rebuild(batches: readonly RecordBatch[], snapshot?: ProducerSnapshot, logStartOffset = 0): void {
    this.producers.clear();
    this.ongoing.clear();
    // truncateAndReload / truncateFullyAndStartAt clear unreplicatedTxns ("we assume that the offset is less than or
    // equal to the high watermark"); the replay below completes the transactions whose markers it reads again, and
    // the caller's next HW update drops those below the HW.
    this.unreplicated.clear();
    this.aborted.length = 0;
    this.coordinatorEpochs.clear();
    // Without a snapshot, replay from the log start: batches wholly below it (DeleteRecords inside a segment) are
    // not read (UnifiedLog.rebuildProducerState reads from the log start).
    let from = logStartOffset;
    if (snapshot) {
      from = snapshot.offset;
      for (const e of snapshot.producers) this.producers.set(e.producerId, { ...e, batches: e.batches.map((b) => ({ ...b })) });
      for (const [id, o] of snapshot.ongoing) this.ongoing.set(id, o);
      for (const a of snapshot.aborted) this.aborted.push({ ...a });
      for (const [id, e] of snapshot.coordinatorEpochs) this.coordinatorEpochs.set(id, e);
    }
    for (const b of batches) if (lastOffsetOf(b) >= from) this.update(b);
  }
}

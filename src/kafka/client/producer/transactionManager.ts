import type { ErrorName } from "../../protocol/errors.js";
import type { OffsetEntry } from "../../protocol/transactionMessages.js";
import { type ConsumerGroupMetadata, SendOffsets, type TxnCallback } from "./sendOffsets.js";
import { isTransitionValid, type TransactionManagerState } from "./transactionManagerState.js";
import { TxnRequestHandlers, type TxnProducerHooks } from "./txnRequestHandlers.js";

export type { ConsumerGroupMetadata, TxnCallback, TxnProducerHooks };

/**
 * The transactional side of the Java producer (Kafka `TransactionManager`): finds the coordinator, initialises the
 * producer id and epoch (fencing any earlier instance), adds partitions to the transaction before their first batch
 * leaves, and ends transactions once every batch is done. PRODUCER_FENCED is fatal; a failed batch makes the
 * transaction abortable. After INVALID_PRODUCER_EPOCH from a partition (the coordinator aborted it on timeout),
 * abortTransaction recovers with InitProducerId carrying the current id and epoch (KIP-588). Its requests are sent
 * from the Sender's loop (Sender.maybeSendAndPollTransactionalRequest): a coordinator request waits for the
 * coordinator's connection to be ready; if that connection failed, or a request's connection closes or times out,
 * the coordinator is looked up again at once (Sender.maybeFindCoordinatorAndRetry, TxnRequestHandler.onComplete)
 * and the request goes again after retry.backoff.ms.
 * The requests and their answers are its `TxnRequestHandlers` (txnRequestHandlers.ts); this class is the state
 * machine and the producer's calls.
 * Simplified: AddPartitionsToTxn is always sent explicitly (Kafka 4's TV2 clients add partitions implicitly).
 */
export class TransactionManager extends TxnRequestHandlers {
  protected transition(to: TransactionManagerState, why: string): void {
    if (!isTransitionValid(this.state, to)) throw new Error(`TransactionManager: invalid transition ${this.state} -> ${to}`);
    this.ctx.trace("producer.txn-state", { transactionalId: this.transactionalId, from: this.state, to, why });
    this.state = to;
  }

  protected fatal(error: ErrorName): void {
    this.lastError = error;
    if (this.state !== "FATAL_ERROR") this.transition("FATAL_ERROR", error);
    this.hooks.failQueuedBatches(error);
    this.finishOp(error);
  }

  protected abortableError(error: ErrorName, bumpEpoch: boolean): void {
    if (bumpEpoch) this.epochBumpRequired = true;
    // While aborting, Kafka skips the transition (transitionToAbortableError) and fails the abort; a second
    // abortTransaction is then an illegal ABORTING -> ABORTING transition, so the producer can only be closed.
    // Simplified: modelled as fatal with the same error, which is what the application sees.
    if (this.state === "ABORTING_TRANSACTION") return this.fatal(error);
    if (isTransitionValid(this.state, "ABORTABLE_ERROR")) {
      this.lastError = error;
      if (this.state !== "ABORTABLE_ERROR") this.transition("ABORTABLE_ERROR", error);
    }
    if (this.op) this.finishOp(error);
  }

  protected finishOp(error: ErrorName | null): void {
    const op = this.op;
    this.op = null;
    this.opInFlight = -1;
    op?.cb(error);
  }

  // ---- the producer API ----

  initTransactions(cb: TxnCallback): void {
    if (this.state !== "UNINITIALIZED") return cb("INVALID_TXN_STATE");
    this.transition("INITIALIZING", "initTransactions");
    this.op = { kind: "init", cb };
    this.pump();
  }

  beginTransaction(): ErrorName | null {
    if (this.state !== "READY") return this.state === "FATAL_ERROR" ? this.lastError : "INVALID_TXN_STATE";
    this.added.clear();
    this.toAdd.clear();
    this.transition("IN_TRANSACTION", "beginTransaction");
    return null;
  }

  /**
   * After a failed end: could the coordinator still have acted on it? Only if one of its EndTxn requests went
   * unanswered. An EndTxn answered PRODUCER_FENCED was refused, so a transaction fenced that way was aborted.
   */
  get endOutcomeUnknown(): boolean {
    return this.endUnanswered;
  }

  commitTransaction(cb: TxnCallback): void {
    if (this.state === "ABORTABLE_ERROR") return cb(this.lastError ?? "TRANSACTION_ABORTABLE");
    if (this.state !== "IN_TRANSACTION") return cb(this.state === "FATAL_ERROR" ? this.lastError : "INVALID_TXN_STATE");
    this.transition("COMMITTING_TRANSACTION", "commitTransaction");
    this.endUnanswered = false;
    this.op = { kind: "end", commit: true, bumpAfter: false, cb };
    this.pump();
  }

  abortTransaction(cb: TxnCallback): void {
    if (this.state !== "IN_TRANSACTION" && this.state !== "ABORTABLE_ERROR") return cb(this.state === "FATAL_ERROR" ? this.lastError : "INVALID_TXN_STATE");
    // TransactionManager.beginAbort: with epochBumpRequired the abort is an InitProducerId that bumps the epoch.
    const recover = this.state === "ABORTABLE_ERROR" && (this.lastError === "INVALID_PRODUCER_EPOCH" || this.epochBumpRequired);
    this.transition("ABORTING_TRANSACTION", "abortTransaction");
    this.hooks.failQueuedBatches("TRANSACTION_ABORTED");
    // A batch that failed left its sequence unresolved: after the abort, bump the epoch with InitProducerId
    // carrying the current id and epoch, and restart sequences (KIP-360).
    this.op = recover ? { kind: "recover", cb } : { kind: "end", commit: false, bumpAfter: this.lastError !== null, cb };
    this.pump();
  }

  /**
   * KafkaProducer.sendOffsetsToTransaction: AddOffsetsToTxn to the transaction coordinator, then TxnOffsetCommit to
   * the group's coordinator; the offsets become committed with the transaction. The end waits for it.
   */
  sendOffsetsToTransaction(offsets: OffsetEntry[], group: ConsumerGroupMetadata, cb: TxnCallback): void {
    if (this.state !== "IN_TRANSACTION" || this.offsetsOp) return cb(this.state === "FATAL_ERROR" ? this.lastError : "INVALID_TXN_STATE");
    this.offsetsOp = new SendOffsets(offsets, group, cb);
    this.pump();
  }


  /** May a batch of this partition be sent now? (only once the coordinator has it in the transaction) */
  canSend(tp: string): boolean {
    if (this.state !== "IN_TRANSACTION" && this.state !== "COMMITTING_TRANSACTION") return false;
    if (this.added.has(tp)) return true;
    this.maybeAddPartition(tp);
    return false;
  }

  /**
   * TransactionManager.maybeAddPartition, called by send() (KafkaProducer.doSend) for the record's partition: a
   * partition new to the transaction is queued for AddPartitionsToTxn at once, not when its batch is drained.
   */
  maybeAddPartition(tp: string): void {
    if (this.state !== "IN_TRANSACTION" && this.state !== "COMMITTING_TRANSACTION") return;
    if (this.added.has(tp) || this.toAdd.has(tp)) return;
    this.toAdd.add(tp);
    this.pump();
  }

  isSending(): boolean {
    return this.state === "IN_TRANSACTION" || this.state === "COMMITTING_TRANSACTION" || this.state === "ABORTING_TRANSACTION";
  }

  /** A batch failed for good: the transaction can only be aborted now (or the producer is fenced). */
  onBatchFailed(error: ErrorName): void {
    if (error === "PRODUCER_FENCED" || error === "TRANSACTION_COORDINATOR_FENCED") return this.fatal(error);
    if (error === "TRANSACTION_ABORTED") return;
    if (this.state === "IN_TRANSACTION" || this.state === "COMMITTING_TRANSACTION") {
      this.lastError = error;
      this.transition("ABORTABLE_ERROR", error);
      if (this.op?.kind === "end" && this.op.commit) this.finishOp(error);
    }
  }

  /** Called whenever a batch completes: an end waiting for the last batch may go now. */
  onBatchDone(): void {
    if (this.op) this.pump();
  }
}

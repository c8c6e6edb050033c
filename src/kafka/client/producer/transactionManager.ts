import type { ActorContext, Timer } from "../../../sim/index.js";
import type { Disconnect, NetworkClient } from "../../network/networkClient.js";
import type { ErrorName } from "../../protocol/errors.js";
import type {
  AddOffsetsToTxnResponse,
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  EndTxnRequest,
  EndTxnResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  OffsetEntry,
  TxnOffsetCommitResponse,
} from "../../protocol/transactionMessages.js";
import type { InitProducerIdRequest, InitProducerIdResponse } from "../../protocol/messages.js";
import { COORDINATOR_ERRORS, type ConsumerGroupMetadata, SendOffsets, type TxnCallback } from "./sendOffsets.js";
import { isTransitionValid, type TransactionManagerState } from "./transactionManagerState.js";

export type { ConsumerGroupMetadata, TxnCallback };

/** What the transaction manager needs from the producer it belongs to. */
export interface TxnProducerHooks {
  /** Batches of the transaction still queued or in flight. */
  hasUnfinishedBatches(): boolean;
  /** Fail every queued (not in-flight) batch, e.g. on abort. */
  failQueuedBatches(error: ErrorName): void;
  /** New producer id and epoch: sequences restart at 0. */
  setProducerIdAndEpoch(producerId: number, producerEpoch: number): void;
  producerId(): number;
  producerEpoch(): number;
  wake(): void;
}

type Op = { kind: "init"; cb: TxnCallback } | { kind: "end"; commit: boolean; bumpAfter: boolean; cb: TxnCallback } | { kind: "recover"; cb: TxnCallback };

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
 * Simplified: AddPartitionsToTxn is always sent explicitly (Kafka 4's TV2 clients add partitions implicitly).
 */
export class TransactionManager {
  state: TransactionManagerState = "UNINITIALIZED";
  private coordinator: string | null = null;
  private findInFlight = -1;
  private readonly added = new Set<string>();
  private readonly toAdd = new Set<string>();
  private addInFlight = -1;
  private adding: string[] = [];
  private op: Op | null = null;
  private opInFlight = -1;
  /** An EndTxn of the current end went unanswered (timeout, disconnect): the coordinator may have acted on it. */
  private endUnanswered = false;
  private lastError: ErrorName | null = null;
  private offsetsOp: SendOffsets | null = null;
  /** A coordinator request failed: the next one waits until then (TxnRequestHandler.isRetry: retry.backoff.ms). */
  private retryAfterMs = -Infinity;
  private retryArmedAtMs = -Infinity;
  /** retry.backoff.ms before the next attempt. */
  private readonly retryTimer: Timer;

  constructor(
    private readonly ctx: ActorContext,
    private readonly client: NetworkClient,
    private readonly brokers: string[],
    readonly transactionalId: string,
    private readonly timeoutMs: number,
    private readonly retryBackoffMs: number,
    private readonly hooks: TxnProducerHooks,
  ) {
    this.retryTimer = ctx.timer(() => this.pump());
  }

  private transition(to: TransactionManagerState, why: string): void {
    if (!isTransitionValid(this.state, to)) throw new Error(`TransactionManager: invalid transition ${this.state} -> ${to}`);
    this.ctx.trace("producer.txn-state", { transactionalId: this.transactionalId, from: this.state, to, why });
    this.state = to;
  }

  private fatal(error: ErrorName): void {
    this.lastError = error;
    if (this.state !== "FATAL_ERROR") this.transition("FATAL_ERROR", error);
    this.hooks.failQueuedBatches(error);
    this.finishOp(error);
  }

  private finishOp(error: ErrorName | null): void {
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
    const recover = this.state === "ABORTABLE_ERROR" && this.lastError === "INVALID_PRODUCER_EPOCH";
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

  private finishOffsets(error: ErrorName | null): void {
    const op = this.offsetsOp;
    this.offsetsOp = null;
    op?.cb(error);
    if (error && error !== "PRODUCER_FENCED") this.onBatchFailed(error);
    this.pump();
  }

  private pumpOffsets(): void {
    const o = this.offsetsOp;
    if (!o || o.inFlight >= 0 || this.coordinator === null) return;
    // AddOffsetsToTxn goes to the transaction coordinator (once its connection is ready); FindCoordinator for the
    // group to the least loaded broker, TxnOffsetCommit to the group's coordinator.
    if (o.stage === "add" && !this.coordinatorReady()) return;
    const anyBroker = this.client.leastLoadedNode(this.brokers);
    if (o.stage === "find" && anyBroker === null) return this.retryLater();
    const { to, req } = o.request(
      { transactionalId: this.transactionalId, producerId: this.hooks.producerId(), producerEpoch: this.hooks.producerEpoch(), coordinator: this.coordinator, anyBroker: () => anyBroker! },
      this.client.correlationId(),
    );
    const id = req.correlationId;
    const onAnswer = (res: FindCoordinatorResponse | AddOffsetsToTxnResponse | TxnOffsetCommitResponse | Disconnect) => {
      if (res.type === "Disconnected") this.onRequestFailed(id);
      else if (this.isOffsetsStep(id)) this.onOffsetsStepResponse(res);
    };
    if (req.type === "AddOffsetsToTxn") this.client.send(to, req, onAnswer);
    else if (req.type === "FindCoordinator") this.client.sendWhenReady(to, req, onAnswer);
    else this.client.sendWhenReady(to, req, onAnswer);
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

  // ---- requests ----

  /** Sends what is due (called from each pass of the Sender, and when an answer or a back-off moves things on). */
  maybeSendTransactionalRequest(): void {
    // Sender.maybeSendAndPollTransactionalRequest: while the transaction is aborting (or abortable), what is still in
    // the accumulator, retries re-enqueued after the abort began included, is aborted
    // (RecordAccumulator.abortUndrainedBatches); otherwise a retry nobody drains would hold the EndTxn forever.
    if (this.state === "ABORTING_TRANSACTION" || this.state === "ABORTABLE_ERROR") this.hooks.failQueuedBatches(this.lastError ?? "TRANSACTION_ABORTED");
    this.pump();
  }

  private pump(): void {
    if (this.state === "FATAL_ERROR") return;
    if (this.coordinator === null) return this.findCoordinator();
    const nowMs = this.ctx.nowMs;
    if (nowMs < this.retryAfterMs) {
      if (this.retryArmedAtMs !== this.retryAfterMs) {
        this.retryArmedAtMs = this.retryAfterMs;
        this.retryTimer.set(this.retryAfterMs - nowMs);
      }
      return;
    }
    if (this.addInFlight < 0 && this.toAdd.size > 0 && (this.state === "IN_TRANSACTION" || this.state === "COMMITTING_TRANSACTION")) {
      if (!this.coordinatorReady()) return;
      const partitions = [...this.toAdd];
      this.adding = partitions;
      const req: AddPartitionsToTxnRequest = { type: "AddPartitionsToTxn", correlationId: this.client.correlationId(), transactionalId: this.transactionalId, producerId: this.hooks.producerId(), producerEpoch: this.hooks.producerEpoch(), partitions, verifyOnly: false };
      this.addInFlight = req.correlationId;
      this.client.send(this.coordinator, req, (res) => (res.type === "Disconnected" ? this.onRequestFailed(req.correlationId) : this.onAddPartitionsResponse(res)));
    }
    this.pumpOffsets();
    const op = this.op;
    if (!op || this.opInFlight >= 0 || this.coordinator === null) return;
    if (op.kind === "init" || op.kind === "recover") {
      if (!this.coordinatorReady()) return;
      const recover = op.kind === "recover";
      const req: InitProducerIdRequest = {
        type: "InitProducerId",
        correlationId: this.client.correlationId(),
        transactionalId: this.transactionalId,
        transactionTimeoutMs: this.timeoutMs,
        producerId: recover ? this.hooks.producerId() : -1,
        producerEpoch: recover ? this.hooks.producerEpoch() : -1,
      };
      this.opInFlight = req.correlationId;
      this.client.send(this.coordinator, req, (res) => (res.type === "Disconnected" ? this.onRequestFailed(req.correlationId) : this.onInitProducerIdResponse(res)));
      return;
    }
    // EndTxn goes once every batch of the transaction is done (KafkaProducer flushes before committing).
    if (this.hooks.hasUnfinishedBatches() || this.addInFlight >= 0 || this.offsetsOp !== null) return;
    if (this.added.size === 0) {
      // Nothing reached the coordinator: the transaction never started there, so it ends locally
      // (TransactionManager.beginCompletingTransaction sends EndTxn only for a started transaction).
      this.transition("READY", op.commit ? "committed (empty)" : "aborted (empty)");
      return this.finishOp(null);
    }
    if (!this.coordinatorReady()) return;
    const req: EndTxnRequest = { type: "EndTxn", correlationId: this.client.correlationId(), transactionalId: this.transactionalId, producerId: this.hooks.producerId(), producerEpoch: this.hooks.producerEpoch(), commit: op.commit };
    this.opInFlight = req.correlationId;
    this.client.send(this.coordinator, req, (res) => (res.type === "Disconnected" ? this.onRequestFailed(req.correlationId) : this.onEndTxnResponse(res)));
  }

  /**
   * Sender.awaitNodeReady for the coordinator. Ready: send. Its connection failed (refused, reset, timed out, or in
   * its reconnect back-off): the coordinator may have moved, so look it up again at once. Connecting: wait (the
   * client wakes the sender when the connection is ready or fails).
   */
  private coordinatorReady(): boolean {
    const c = this.coordinator!;
    if (this.client.ready(c)) return true;
    if (this.client.connectionFailed(c)) this.lostCoordinator();
    return false;
  }

  private findCoordinator(): void {
    if (this.findInFlight >= 0) return;
    const node = this.client.leastLoadedNode(this.brokers);
    if (node === null) return this.retryLater();
    const req: FindCoordinatorRequest = { type: "FindCoordinator", correlationId: this.client.correlationId(), key: this.transactionalId };
    this.findInFlight = req.correlationId;
    this.client.sendWhenReady(node, req, (res) => {
      if (res.type === "Disconnected") {
        if (req.correlationId !== this.findInFlight) return;
        this.findInFlight = -1;
        return this.retryLater(); // not a coordinator request: again after retry.backoff.ms, to another broker
      }
      if (this.isOffsetsStep(res.correlationId)) return this.onOffsetsStepResponse(res);
      this.onFindCoordinatorResponse(res);
    });
  }

  private retryLater(): void {
    this.retryTimer.set(this.retryBackoffMs);
  }

  /**
   * TransactionManager.lookupCoordinator: forget the coordinator and find it again now; the request that failed goes
   * again once it is found, after retry.backoff.ms (a retried TxnRequestHandler sleeps first).
   */
  private lostCoordinator(): void {
    this.coordinator = null;
    this.retryAfterMs = this.ctx.nowMs + this.retryBackoffMs;
    this.findCoordinator();
  }

  /** A request's connection closed or timed out (TxnRequestHandler.onComplete, wasDisconnected): find the coordinator again. */
  private onRequestFailed(id: number): void {
    if (this.offsetsOp?.inFlight === id) {
      const toTxnCoordinator = this.offsetsOp.stage === "add";
      this.offsetsOp.timedOut();
      if (toTxnCoordinator) this.lostCoordinator();
      else this.retryLater();
      return;
    }
    if (id === this.addInFlight) this.addInFlight = -1;
    else if (id === this.opInFlight) {
      this.opInFlight = -1;
      if (this.op?.kind === "end") this.endUnanswered = true;
    } else return;
    this.lostCoordinator();
  }

  // ---- answers (each is the answer to the request with its correlation id, if still in flight) ----

  /** The answer to the offsets step in flight (by its id) moves that step on. */
  private onOffsetsStepResponse(res: FindCoordinatorResponse | AddOffsetsToTxnResponse | TxnOffsetCommitResponse): void {
    const o = this.offsetsOp!;
    const next = o.onResponse(res);
    if (next === "pump") this.pump();
    else if (next === "retry") this.retryLater();
    else if (next === "lost-coordinator") this.lostCoordinator();
    else if (next === "fenced") {
      this.offsetsOp = null;
      o.cb("PRODUCER_FENCED");
      this.fatal("PRODUCER_FENCED");
    } else this.finishOffsets(next.done);
  }

  private isOffsetsStep(correlationId: number): boolean {
    return this.offsetsOp !== null && correlationId === this.offsetsOp.inFlight;
  }

  onFindCoordinatorResponse(res: FindCoordinatorResponse): void {
    if (this.isOffsetsStep(res.correlationId)) return this.onOffsetsStepResponse(res);
    if (res.correlationId !== this.findInFlight) return;
    this.findInFlight = -1;
    if (res.error !== "NONE" || res.coordinator === null) this.retryLater();
    else {
      this.coordinator = res.coordinator;
      this.pump();
    }
  }

  onAddOffsetsResponse(res: AddOffsetsToTxnResponse): void {
    if (this.isOffsetsStep(res.correlationId)) this.onOffsetsStepResponse(res);
  }

  onTxnOffsetCommitResponse(res: TxnOffsetCommitResponse): void {
    if (this.isOffsetsStep(res.correlationId)) this.onOffsetsStepResponse(res);
  }

  onAddPartitionsResponse(res: AddPartitionsToTxnResponse): void {
    if (res.correlationId !== this.addInFlight) return;
    this.addInFlight = -1;
    if (res.error === "NONE") {
      for (const tp of this.adding) {
        this.added.add(tp);
        this.toAdd.delete(tp);
      }
      this.hooks.wake();
      this.pump();
    } else if (COORDINATOR_ERRORS.has(res.error)) this.lostCoordinator();
    else if (res.error === "CONCURRENT_TRANSACTIONS") this.retryLater();
    else if (res.error === "PRODUCER_FENCED" || res.error === "INVALID_PRODUCER_EPOCH") this.fatal("PRODUCER_FENCED");
    else this.onBatchFailed(res.error);
  }

  onInitProducerIdResponse(res: InitProducerIdResponse): void {
    if (res.correlationId !== this.opInFlight) return;
    this.opInFlight = -1;
    if (res.error === "NONE") {
      this.hooks.setProducerIdAndEpoch(res.producerId, res.producerEpoch);
      this.transition("READY", this.op?.kind === "recover" ? "recovered with InitProducerId (KIP-588)" : "InitProducerId");
      this.lastError = null;
      this.finishOp(null);
    } else if (COORDINATOR_ERRORS.has(res.error)) this.lostCoordinator();
    else if (res.error === "CONCURRENT_TRANSACTIONS") this.retryLater();
    else this.fatal(res.error);
  }

  onEndTxnResponse(res: EndTxnResponse): void {
    if (res.correlationId !== this.opInFlight) return;
    this.opInFlight = -1;
    if (res.error === "NONE") {
      // TV2: the coordinator bumped the epoch on this end; the next transaction uses it, sequences from 0.
      if (res.producerEpoch !== this.hooks.producerEpoch() || res.producerId !== this.hooks.producerId()) this.hooks.setProducerIdAndEpoch(res.producerId, res.producerEpoch);
      if (this.op?.kind === "end" && this.op.bumpAfter) {
        this.op = { kind: "recover", cb: this.op.cb };
        this.pump();
        return;
      }
      this.transition("READY", this.op?.kind === "end" && this.op.commit ? "committed" : "aborted");
      this.finishOp(null);
    } else if (COORDINATOR_ERRORS.has(res.error)) this.lostCoordinator();
    else if (res.error === "CONCURRENT_TRANSACTIONS") this.retryLater();
    else this.fatal(res.error);
  }
}

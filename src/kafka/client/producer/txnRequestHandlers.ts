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
  TxnOffsetCommitResponse,
} from "../../protocol/transactionMessages.js";
import type { InitProducerIdRequest, InitProducerIdResponse } from "../../protocol/messages.js";
import type { SendOffsets, TxnCallback } from "./sendOffsets.js";
import { type TxnCoordinatorApi, txnErrorAction } from "./txnErrorHandling.js";
import type { TransactionManagerState } from "./transactionManagerState.js";

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

/** The producer call a transaction manager is carrying out (initTransactions, a commit or abort, a KIP-588 recovery). */
export type TxnOp = { kind: "init"; cb: TxnCallback } | { kind: "end"; commit: boolean; bumpAfter: boolean; cb: TxnCallback } | { kind: "recover"; cb: TxnCallback };

/**
 * The request side of the Java producer's `TransactionManager`: its `TxnRequestHandler`s (FindCoordinatorHandler,
 * InitProducerIdHandler, AddPartitionsToTxnHandler, EndTxnHandler, and AddOffsetsToTxnHandler / TxnOffsetCommitHandler
 * through `SendOffsets`), sent from the Sender's loop (Sender.maybeSendAndPollTransactionalRequest). A coordinator
 * request waits for the coordinator's connection to be ready; if that connection failed, or a request's connection
 * closes or times out, the coordinator is looked up again at once (Sender.maybeFindCoordinatorAndRetry,
 * TxnRequestHandler.onComplete) and the request goes again after retry.backoff.ms. Each answer moves the state
 * machine, which is `TransactionManager` (transactionManager.ts); times are ms of simulated time.
 */
export abstract class TxnRequestHandlers {
  state: TransactionManagerState = "UNINITIALIZED";
  protected coordinator: string | null = null;
  protected findInFlight = -1;
  protected readonly added = new Set<string>();
  protected readonly toAdd = new Set<string>();
  protected addInFlight = -1;
  protected adding: string[] = [];
  protected op: TxnOp | null = null;
  protected opInFlight = -1;
  /** An EndTxn of the current end went unanswered (timeout, disconnect): the coordinator may have acted on it. */
  protected endUnanswered = false;
  protected lastError: ErrorName | null = null;
  /** TransactionManager.epochBumpRequired: the abort of this transaction bumps the epoch (InitProducerId) instead of EndTxn. */
  protected epochBumpRequired = false;
  protected offsetsOp: SendOffsets | null = null;
  /** A coordinator request failed: the next one waits until then (µs; TxnRequestHandler.isRetry: retry.backoff.ms). */
  protected retryAfterUs = -Infinity;
  /** The end of the back-off the retry timer is set for (µs), so it is set once per back-off. */
  protected retryArmedAtUs = -Infinity;
  /** retry.backoff.ms before the next attempt. */
  protected readonly retryTimer: Timer;

  constructor(
    protected readonly ctx: ActorContext,
    protected readonly client: NetworkClient,
    protected readonly brokers: string[],
    readonly transactionalId: string,
    protected readonly timeoutMs: number,
    protected readonly retryBackoffMs: number,
    protected readonly hooks: TxnProducerHooks,
  ) {
    this.retryTimer = ctx.timer(() => this.pump());
  }

  /** TransactionManager.transitionTo: moves the state machine (an illegal transition is a bug: it throws). */
  protected abstract transition(to: TransactionManagerState, why: string): void;
  /** A fatal error: the producer can only be closed. */
  protected abstract fatal(error: ErrorName): void;
  /** The producer call in progress is done (`error` null: it succeeded). */
  protected abstract finishOp(error: ErrorName | null): void;
  /** A batch (or a partition's add) failed for good: the transaction can only be aborted now. */
  abstract onBatchFailed(error: ErrorName): void;
  /**
   * TxnRequestHandler.abortableError / abortableErrorIfPossible: the call in progress fails with `error` and the
   * transaction can only be aborted (`bumpEpoch`: the abort bumps the epoch with InitProducerId).
   */
  protected abstract abortableError(error: ErrorName, bumpEpoch: boolean): void;

  /** An error answer from the transaction coordinator, handled as Kafka's handler for `api` does (`txnErrorAction`). */
  private onTxnError(api: TxnCoordinatorApi, error: ErrorName): void {
    const action = txnErrorAction(api, error);
    if (action.kind === "lookup-coordinator") this.lostCoordinator();
    else if (action.kind === "retry") this.retryLater();
    else if (action.kind === "fatal") this.fatal(action.error);
    else this.abortableError(action.error, action.bumpEpoch);
  }

  /** Sends what is due (called from each pass of the Sender, and when an answer or a back-off moves things on). */
  maybeSendTransactionalRequest(): void {
    // Sender.maybeSendAndPollTransactionalRequest: while the transaction is aborting (or abortable), what is still in
    // the accumulator, retries re-enqueued after the abort began included, is aborted
    // (RecordAccumulator.abortUndrainedBatches); otherwise a retry nobody drains would hold the EndTxn forever.
    if (this.state === "ABORTING_TRANSACTION" || this.state === "ABORTABLE_ERROR") this.hooks.failQueuedBatches(this.lastError ?? "TRANSACTION_ABORTED");
    this.pump();
  }

  protected pump(): void {
    if (this.state === "FATAL_ERROR") return;
    if (this.coordinator === null) return this.findCoordinator();
    // In whole µs: a time in ms plus retry.backoff.ms is not exact in floating point (32759.914 + 100 is
    // 32859.914000000004), so the timer set for the end of the back-off fired "before" it and nothing re-armed it:
    // the transaction stalled for good (found by bug report txn-state-log-min-isr-blocks-transactions on some seeds).
    const nowUs = this.ctx.nowUs;
    if (nowUs < this.retryAfterUs) {
      if (this.retryArmedAtUs !== this.retryAfterUs) {
        this.retryArmedAtUs = this.retryAfterUs;
        this.retryTimer.set((this.retryAfterUs - nowUs) / 1000);
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
    this.retryAfterUs = this.ctx.nowUs + Math.round(this.retryBackoffMs * 1000);
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
    } else if ("fatal" in next) {
      this.offsetsOp = null;
      o.cb(next.fatal);
      this.fatal(next.fatal);
    } else {
      if (next.bumpEpoch) this.epochBumpRequired = true;
      this.finishOffsets(next.done);
    }
  }

  private isOffsetsStep(correlationId: number): boolean {
    return this.offsetsOp !== null && correlationId === this.offsetsOp.inFlight;
  }

  private onFindCoordinatorResponse(res: FindCoordinatorResponse): void {
    if (this.isOffsetsStep(res.correlationId)) return this.onOffsetsStepResponse(res);
    if (res.correlationId !== this.findInFlight) return;
    this.findInFlight = -1;
    if (res.error !== "NONE" || res.coordinator === null) this.retryLater();
    else {
      this.coordinator = res.coordinator;
      this.pump();
    }
  }

  private onAddPartitionsResponse(res: AddPartitionsToTxnResponse): void {
    if (res.correlationId !== this.addInFlight) return;
    this.addInFlight = -1;
    if (res.error === "NONE") {
      for (const tp of this.adding) {
        this.added.add(tp);
        this.toAdd.delete(tp);
      }
      this.hooks.wake();
      this.pump();
    } else this.onTxnError("AddPartitionsToTxn", res.error);
  }

  private onInitProducerIdResponse(res: InitProducerIdResponse): void {
    if (res.correlationId !== this.opInFlight) return;
    this.opInFlight = -1;
    if (res.error === "NONE") {
      this.hooks.setProducerIdAndEpoch(res.producerId, res.producerEpoch);
      this.transition("READY", this.op?.kind === "recover" ? "recovered with InitProducerId (KIP-588)" : "InitProducerId");
      this.lastError = null;
      this.epochBumpRequired = false;
      this.finishOp(null);
    } else this.onTxnError("InitProducerId", res.error);
  }

  private onEndTxnResponse(res: EndTxnResponse): void {
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
    } else this.onTxnError("EndTxn", res.error);
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
}

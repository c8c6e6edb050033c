import type { ActorContext, RandomStream, Timer } from "../../../sim/index.js";
import type { ProducerSettings } from "../../config/producerSettings.js";
import type { RecordBatch } from "../../log/recordBatch.js";
import { type ErrorName, isRetriable } from "../../protocol/errors.js";
import type { ProduceRequest, ProduceResponse } from "../../protocol/messages.js";
import type { ClientMetadata } from "../clientMetadata.js";
import { nextRequestId } from "../requestIds.js";
import { retryBackoffMs } from "./backoff.js";
import type { ProducerBatch } from "./producerBatch.js";
import type { ProducerIdManager } from "./producerIdManager.js";
import type { RecordAccumulator } from "./recordAccumulator.js";
import type { TransactionManager } from "./transactionManager.js";

/** What the sender needs from the producer it sends for (the records still before the accumulator). */
export interface SenderHost {
  /** Fail sends that waited past max.block.ms (for metadata, or for buffer memory). */
  expireWaiting(nowMs: number): void;
  /** The earliest max.block.ms deadline of a waiting send (Infinity: none). */
  nextWaitingDeadlineMs(): number;
  /** Buffer memory was freed: sends blocked on it may append now. */
  admitBlocked(): void;
  /** KIP-794: give the built-in partitioners the queue sizes (adaptive partitioning). */
  updateLoadStats(): void;
}

interface InFlight {
  batch: ProducerBatch;
  node: string;
  timer: number;
}

/** Errors after which Kafka refreshes metadata (InvalidMetadataException and disconnects). */
const METADATA_ERRORS: ReadonlySet<ErrorName> = new Set(["NOT_LEADER_OR_FOLLOWER", "UNKNOWN_TOPIC_OR_PARTITION", "FENCED_LEADER_EPOCH", "UNKNOWN_LEADER_EPOCH", "NETWORK_EXCEPTION", "LEADER_NOT_AVAILABLE"]);
/** Errors whose attempt may have been appended even though it failed. */
const MAYBE_APPENDED: ReadonlySet<ErrorName> = new Set(["NETWORK_EXCEPTION", "REQUEST_TIMED_OUT", "NOT_ENOUGH_REPLICAS_AFTER_APPEND"]);

/**
 * The producer's I/O side (Kafka `Sender`): drains sendable batches to their leaders within
 * max.in.flight.requests.per.connection, expires batches past delivery.timeout.ms, times requests out after
 * request.timeout.ms (closing the connection, failing everything in flight on it), and completes, retries or fails
 * each batch from its ProduceResponse (`Sender.completeBatch`).
 * Simplification (README "Fidelity"): one partition's batch per ProduceRequest, so max.in.flight counts batches
 * per broker; produce requests carry no leader epoch, as in the Java client.
 */
export class Sender {
  private readonly inFlight = new Map<number, InFlight>();
  private readonly inFlightPerNode = new Map<string, number>();
  private drainTimer = -1;
  private drainAtMs = Infinity;
  private closed = false;
  private readonly backoffRandom: RandomStream;
  /** The next pass of the sender. */
  private readonly drainAt: Timer;
  /** request.timeout.ms of one request, by correlation id. */
  private readonly requestTimeout: Timer<number>;

  constructor(
    private readonly ctx: ActorContext,
    private readonly settings: ProducerSettings,
    private readonly metadata: ClientMetadata,
    private readonly accumulator: RecordAccumulator,
    private readonly ids: ProducerIdManager,
    private readonly txn: TransactionManager | null,
    private readonly host: SenderHost,
  ) {
    this.backoffRandom = ctx.stream("producer-retry-backoff");
    this.drainAt = ctx.timer(() => {
      this.drainTimer = -1;
      this.drainAtMs = Infinity;
      this.drain();
    });
    this.requestTimeout = ctx.timer((correlationId) => this.onRequestTimeout(correlationId));
  }

  /** Batches of the producer still in flight. */
  get hasInFlightBatches(): boolean {
    return this.inFlight.size > 0;
  }

  /** Stops sending: nothing more leaves (the host is shutting down); what is in flight may still complete. */
  close(): void {
    this.closed = true;
  }

  /** Runs the sender at `ms` (or earlier, if it is already due then). */
  wakeAt(ms: number): void {
    if (ms >= this.drainAtMs) return;
    if (this.drainTimer >= 0) this.drainAt.cancel(this.drainTimer);
    this.drainAtMs = ms;
    this.drainTimer = this.drainAt.set(Math.max(0, ms - this.ctx.nowMs));
  }

  private backoffFor = (b: ProducerBatch): number => retryBackoffMs(b.attempts, this.settings.retryBackoffMs, this.settings.retryBackoffMaxMs, this.backoffRandom);

  /** One pass of `Sender.sendProducerData`. */
  private drain(): void {
    const now = this.ctx.nowMs;
    let next = Infinity;
    this.host.expireWaiting(now);
    next = Math.min(next, this.expireBatches(now));
    if (this.closed) return;
    if (this.metadata.isStale()) this.metadata.requestUpdate();
    if (this.settings.idempotence && this.ids.producerId < 0) {
      if (!this.txn) this.ids.initProducerId();
      return;
    }
    if (this.settings.partitionerAdaptive) this.host.updateLoadStats();
    for (const [key, q] of this.accumulator.queues) {
      // A transactional batch leaves only once its partition is in the transaction (AddPartitionsToTxn).
      if (this.txn && q.length > 0 && !this.txn.canSend(key)) continue;
      while (q.length > 0) {
        const first = q[0];
        const meta = this.metadata.leaderOf(first.topic, first.partition);
        if (!meta || meta.leader === null) {
          this.metadata.requestUpdate();
          break;
        }
        const at = this.accumulator.sendableAtMs(q, this.backoffFor);
        if (at > now) {
          next = Math.min(next, at);
          break;
        }
        if ((this.inFlightPerNode.get(meta.leader) ?? 0) >= this.settings.maxInFlight) break;
        // max.in.flight=1 guarantees order by muting the partition while a batch is in flight.
        if (this.settings.maxInFlight === 1 && this.hasInFlight(key)) break;
        // A retried idempotent batch waits until no earlier sequence of its partition is in flight.
        if (first.baseSequence >= 0 && this.hasInFlight(key, first.baseSequence)) break;
        q.shift();
        this.sendBatch(first, meta.leader);
      }
    }
    next = Math.min(next, this.host.nextWaitingDeadlineMs());
    if (next < Infinity) this.wakeAt(next);
  }

  private hasInFlight(key: string, belowSequence = Infinity): boolean {
    for (const f of this.inFlight.values()) if (f.batch.key === key && f.batch.baseSequence < belowSequence) return true;
    return false;
  }

  private sendBatch(batch: ProducerBatch, node: string): void {
    if (this.settings.idempotence && batch.baseSequence < 0) this.ids.assignSequence(batch);
    batch.attempts++;
    batch.lastAttemptMs = this.ctx.nowMs;
    const correlationId = nextRequestId(this.ctx);
    const recordBatch: RecordBatch = {
      baseOffset: 0,
      leaderEpoch: -1,
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
      isTransactional: this.txn !== null,
      isControl: false,
      records: batch.records.slice(),
      sizeBytes: batch.sizeBytes,
    };
    const req: ProduceRequest = {
      type: "Produce",
      correlationId,
      acks: this.settings.acks,
      timeoutMs: this.settings.requestTimeoutMs,
      topic: batch.topic,
      partition: batch.partition,
      currentLeaderEpoch: -1,
      ...(this.txn ? { transactionalId: this.txn.transactionalId } : {}),
      batch: recordBatch,
    };
    this.ctx.trace("producer.send", { tp: batch.key, to: node, correlationId, attempt: batch.attempts, records: batch.records.length, producerId: batch.producerId, baseSequence: batch.baseSequence });
    this.ctx.send(node, req);
    if (this.settings.acks === 0) {
      // acks=0: no response; the callback fires at once with an unknown offset (-1), as in Kafka.
      batch.maybeAppended = true;
      this.accumulator.release(batch);
      this.host.admitBlocked();
      batch.completeWithoutOffsets();
      return;
    }
    batch.inFlight = correlationId;
    const timer = this.requestTimeout.set(this.settings.requestTimeoutMs, correlationId);
    this.inFlight.set(correlationId, { batch, node, timer });
    this.inFlightPerNode.set(node, (this.inFlightPerNode.get(node) ?? 0) + 1);
  }

  private takeInFlight(correlationId: number): InFlight | undefined {
    const f = this.inFlight.get(correlationId);
    if (!f) return undefined;
    this.inFlight.delete(correlationId);
    this.requestTimeout.cancel(f.timer);
    this.inFlightPerNode.set(f.node, (this.inFlightPerNode.get(f.node) ?? 1) - 1);
    f.batch.inFlight = -1;
    return f;
  }

  onProduceResponse(res: ProduceResponse): void {
    const f = this.takeInFlight(res.correlationId);
    if (!f) return; // a response on a connection we already gave up on
    this.completeBatch(f.batch, res.error, res.baseOffset);
    this.wakeAt(this.ctx.nowMs);
  }

  /** request.timeout.ms passed: the client closes the connection, failing every request in flight on it. */
  private onRequestTimeout(correlationId: number): void {
    const f = this.inFlight.get(correlationId);
    if (!f) return;
    this.ctx.trace("producer.request-timeout", { tp: f.batch.key, to: f.node, correlationId });
    this.ctx.reconnect(f.node); // NetworkClient closes the connection; requests still in flight on it may land late
    // Newest first, as NetworkClient.processDisconnection walks InFlightRequests.clearAll: each retry goes to the
    // front of its queue, so the oldest ends up first again.
    for (const [id, g] of [...this.inFlight].reverse()) if (g.node === f.node) this.completeBatch(this.takeInFlight(id)!.batch, "NETWORK_EXCEPTION", -1);
    this.metadata.requestUpdate();
    this.wakeAt(this.ctx.nowMs);
  }

  /** A broker closed our connection (its process died): every request in flight on it fails as a network error. */
  failInFlightTo(node: string): void {
    let failed = 0;
    for (const [id, g] of [...this.inFlight].reverse())
      if (g.node === node) {
        failed++;
        this.completeBatch(this.takeInFlight(id)!.batch, "NETWORK_EXCEPTION", -1);
      }
    if (failed > 0) this.ctx.trace("producer.disconnected", { from: node, failedRequests: failed });
  }

  /** `Sender.completeBatch`: success, retry, or failure of one batch. */
  private completeBatch(batch: ProducerBatch, error: ErrorName, baseOffset: number): void {
    if (batch.done) return;
    const key = batch.key;
    if (error === "NONE") {
      if (batch.baseSequence >= 0 && this.ids.isCurrent(batch)) this.ids.acknowledged(batch);
      this.ctx.trace("producer.ack", { tp: key, baseOffset, records: batch.records.length, attempts: batch.attempts });
      this.accumulator.release(batch);
      batch.complete(baseOffset);
      this.host.admitBlocked();
      this.txn?.onBatchDone();
      return;
    }
    if (MAYBE_APPENDED.has(error)) batch.maybeAppended = true;
    const staleId = batch.baseSequence >= 0 && !this.ids.isCurrent(batch);
    // An out-of-order sequence behind an earlier batch that has not been acknowledged yet is retried (Sender.canRetry).
    const outOfOrderBehind = error === "OUT_OF_ORDER_SEQUENCE_NUMBER" && (staleId || batch.baseSequence !== this.ids.lastAcked(key) + 1);
    const retriable = isRetriable(error) || outOfOrderBehind;
    const withinTimeout = this.ctx.nowMs - batch.createdMs < this.settings.deliveryTimeoutMs;
    if (retriable && batch.attempts <= this.settings.retries && withinTimeout && !this.closed) {
      if (METADATA_ERRORS.has(error)) this.metadata.requestUpdate();
      if (staleId) batch.baseSequence = -1; // re-sequenced under the new epoch
      this.ctx.trace("producer.retry", { tp: key, error, attempt: batch.attempts, baseSequence: batch.baseSequence });
      batch.lastAttemptMs = this.ctx.nowMs; // ProducerBatch.reenqueued: the back-off counts from the failure
      this.accumulator.reenqueue(batch);
      return;
    }
    // Kafka's sender expires batches before it handles responses in the same pass, so a retriable failure past the
    // delivery timeout surfaces as the delivery timeout.
    this.failBatch(batch, retriable && !withinTimeout ? "DELIVERY_TIMEOUT" : error);
  }

  private failBatch(batch: ProducerBatch, error: ErrorName): void {
    this.ctx.trace("producer.fail", { tp: batch.key, error, attempts: batch.attempts, records: batch.records.length, indeterminate: batch.maybeAppended });
    this.accumulator.release(batch);
    batch.fail(error);
    this.host.admitBlocked();
    if (this.txn) {
      // In a transaction the failure makes the transaction abortable (or the producer fenced); the abort resets.
      this.txn.onBatchFailed(error);
      this.txn.onBatchDone();
      return;
    }
    // A sequenced batch that failed leaves a gap the broker will never fill (an unresolved sequence): KIP-360.
    if (this.settings.idempotence && batch.baseSequence >= 0 && this.ids.isCurrent(batch)) this.ids.bumpEpoch(error);
  }

  private expireBatches(now: number): number {
    let next = Infinity;
    const timeout = this.settings.deliveryTimeoutMs;
    for (const q of this.accumulator.queues.values()) {
      for (let i = 0; i < q.length; ) {
        const b = q[i];
        if (now - b.createdMs >= timeout) {
          q.splice(i, 1);
          this.failBatch(b, "DELIVERY_TIMEOUT");
        } else {
          next = Math.min(next, b.createdMs + timeout);
          i++;
        }
      }
    }
    for (const [id, f] of [...this.inFlight]) {
      if (now - f.batch.createdMs >= timeout) {
        this.takeInFlight(id);
        f.batch.maybeAppended = true;
        this.failBatch(f.batch, "DELIVERY_TIMEOUT");
      } else next = Math.min(next, f.batch.createdMs + timeout);
    }
    return next;
  }
}

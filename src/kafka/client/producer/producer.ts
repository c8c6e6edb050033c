import type { ActorContext, RandomStream } from "../../../sim/index.js";
import type { ProducerSettings } from "../../config/producerSettings.js";
import type { KafkaRecord, RecordBatch } from "../../log/recordBatch.js";
import { type ErrorName, isRetriable } from "../../protocol/errors.js";
import type { InitProducerIdRequest, InitProducerIdResponse, MetadataResponse, ProduceRequest, ProduceResponse } from "../../protocol/messages.js";
import { BuiltInPartitioner, murmur2, toPositive } from "../../partitioner.js";
import { ClientMetadata } from "../clientMetadata.js";
import { retryBackoffMs } from "./backoff.js";
import type { ProducerBatch, SendCallback } from "./producerBatch.js";
import { RecordAccumulator } from "./recordAccumulator.js";
import type { OffsetEntry } from "../../protocol/transactionMessages.js";
import { type ConsumerGroupMetadata, TransactionManager, type TxnCallback } from "./transactionManager.js";
import { nextRequestId } from "../requestIds.js";

export interface ProducerRecord {
  topic: string;
  key: string | null;
  value: string;
  /** Extra payload bytes (see KafkaRecord.padBytes). */
  padBytes?: number;
  /** An explicit partition beats the partitioner. */
  partition?: number;
}

interface Waiting {
  record: ProducerRecord;
  cb: SendCallback;
  deadlineMs: number;
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
 * The Java producer's delivery machinery (Kafka `KafkaProducer` + `RecordAccumulator` + `Sender` +
 * the idempotence part of `TransactionManager`), driven by the actor that hosts it.
 *
 * Simplifications (README "Fidelity"): one partition's batch per ProduceRequest, so max.in.flight counts batches per
 * broker; produce requests carry no leader epoch, as in the Java client.
 */
export class KafkaProducer {
  readonly metadata: ClientMetadata;
  private readonly accumulator: RecordAccumulator;
  private readonly partitioners = new Map<string, BuiltInPartitioner>();
  /** toPositive(murmur2(utf8(key))) per key: a pure function of the key, cached because keys repeat. */
  private readonly keyHashes = new Map<string, number>();
  private readonly encoder = new TextEncoder();
  private readonly inFlight = new Map<number, InFlight>();
  private readonly inFlightPerNode = new Map<string, number>();
  private waitingForMetadata: Waiting[] = [];
  private blocked: Waiting[] = [];
  private drainTimer = -1;
  private drainAtMs = Infinity;
  private readonly backoffRandom: RandomStream;
  // Idempotence.
  producerId = -1;
  producerEpoch = -1;
  private pidRequest = -1;
  private pidTimer = -1;
  private pidTarget = 0;
  private readonly nextSequence = new Map<string, number>();
  private readonly lastAckedSequence = new Map<string, number>();
  private closed = false;
  /** Set for a transactional producer (transactional.id). */
  readonly txn: TransactionManager | null = null;

  constructor(
    private readonly ctx: ActorContext,
    private readonly brokers: string[],
    readonly settings: ProducerSettings,
    private readonly tag = "producer:",
  ) {
    this.metadata = new ClientMetadata(ctx, brokers, settings.requestTimeoutMs, settings.metadataMaxAgeMs, tag, settings.retryBackoffMs);
    this.metadata.onUpdate = () => this.onMetadataUpdate();
    this.accumulator = new RecordAccumulator(settings.batchSize, settings.lingerMs, settings.bufferMemory);
    this.backoffRandom = ctx.stream("producer-retry-backoff");
    if (settings.transactionalId !== null)
      this.txn = new TransactionManager(ctx, brokers, settings.transactionalId, settings.transactionTimeoutMs, settings.retryBackoffMs, {
        hasUnfinishedBatches: () => this.inFlight.size > 0 || this.waitingForMetadata.length > 0 || this.blocked.length > 0 || [...this.accumulator.queues.values()].some((q) => q.length > 0),
        failQueuedBatches: (error) => {
          for (const w of [...this.waitingForMetadata.splice(0), ...this.blocked.splice(0)])
            w.cb({ ok: false, topic: w.record.topic, partition: w.record.partition ?? null, error, indeterminate: false });
          for (const q of this.accumulator.queues.values())
            for (const b of q.splice(0)) {
              this.accumulator.release(b);
              b.fail(error);
            }
        },
        setProducerIdAndEpoch: (id, epoch) => {
          this.producerId = id;
          this.producerEpoch = epoch;
          this.nextSequence.clear();
          this.lastAckedSequence.clear();
          this.ctx.trace("producer.producer-id", { producerId: id, producerEpoch: epoch, transactionalId: settings.transactionalId });
        },
        producerId: () => this.producerId,
        producerEpoch: () => this.producerEpoch,
        wake: () => this.wakeAt(this.ctx.nowMs),
      }, tag, settings.requestTimeoutMs);
  }

  start(): void {
    this.metadata.requestUpdate();
    // A transactional producer gets its id from the coordinator in initTransactions().
    if (this.settings.idempotence && !this.txn) this.initProducerId();
  }

  // ---- transactions (KafkaProducer.initTransactions / beginTransaction / commitTransaction / abortTransaction) ----

  initTransactions(cb: TxnCallback): void {
    this.txn!.initTransactions(cb);
  }

  beginTransaction(): ErrorName | null {
    return this.txn!.beginTransaction();
  }

  commitTransaction(cb: TxnCallback): void {
    this.txn!.commitTransaction(cb);
  }

  abortTransaction(cb: TxnCallback): void {
    this.txn!.abortTransaction(cb);
  }

  sendOffsetsToTransaction(offsets: OffsetEntry[], group: ConsumerGroupMetadata, cb: TxnCallback): void {
    this.txn!.sendOffsetsToTransaction(offsets, group, cb);
  }

  /** Stops sending: nothing more leaves this producer (the host is shutting down). */
  close(): void {
    this.closed = true;
  }

  /** KafkaProducer.send: asynchronous; the callback runs once with the record's outcome. */
  send(record: ProducerRecord, cb: SendCallback): void {
    const nowMs = this.ctx.nowMs;
    if (this.txn && this.txn.state !== "IN_TRANSACTION") {
      // Kafka throws IllegalStateException: a transactional send needs an open transaction.
      cb({ ok: false, topic: record.topic, partition: record.partition ?? null, error: "INVALID_TXN_STATE", indeterminate: false });
      return;
    }
    if (!this.metadata.partitionsFor(record.topic)) {
      this.waitingForMetadata.push({ record, cb, deadlineMs: nowMs + this.settings.maxBlockMs });
      this.metadata.requestUpdate();
      this.wakeAt(nowMs + this.settings.maxBlockMs);
      return;
    }
    this.append(record, cb, nowMs + this.settings.maxBlockMs);
  }

  onMessage(from: string, msg: { type: string }): boolean {
    if (this.txn?.onMessage(msg)) return true;
    switch (msg.type) {
      case "Disconnected":
        this.txn?.onDisconnected(from);
        this.onDisconnected(from);
        return true;
      case "MetadataResponse":
        return this.metadata.onResponse(msg as MetadataResponse);
      case "ProduceResponse":
        this.onProduceResponse(msg as ProduceResponse);
        return true;
      case "InitProducerIdResponse":
        this.onInitProducerId(msg as InitProducerIdResponse);
        return true;
    }
    return false;
  }

  onTimer(tag: unknown): boolean {
    if (typeof tag !== "string" || !tag.startsWith(this.tag)) return false;
    if (this.metadata.onTimer(tag)) return true;
    if (this.txn?.onTimer(tag)) return true;
    const rest = tag.slice(this.tag.length);
    if (rest === "drain") {
      this.drainTimer = -1;
      this.drainAtMs = Infinity;
      this.drain();
    } else if (rest.startsWith("request-timeout:")) this.onRequestTimeout(Number(rest.slice("request-timeout:".length)));
    else if (rest === "pid-timeout") {
      this.pidRequest = -1;
      this.pidTimer = -1;
      this.pidTarget = (this.pidTarget + 1) % this.brokers.length;
      this.initProducerId();
    }
    return true;
  }

  // ---- partitioning and appending ----

  private partitionFor(r: ProducerRecord, numPartitions: number): { partition: number; sticky: BuiltInPartitioner | null } {
    if (r.partition !== undefined) return { partition: r.partition, sticky: null };
    if (r.key !== null && !this.settings.partitionerIgnoreKeys) return { partition: this.keyHash(r.key) % numPartitions, sticky: null };
    let bp = this.partitioners.get(r.topic);
    if (!bp) {
      const rnd = this.ctx.stream(`partitioner:${r.topic}`);
      bp = new BuiltInPartitioner(r.topic, this.settings.batchSize, () => rnd.positiveInt31());
      this.partitioners.set(r.topic, bp);
    }
    return { partition: bp.currentPartition(this.metadata.availablePartitions(r.topic), numPartitions), sticky: bp };
  }

  /** BuiltInPartitioner.partitionForKey's hash, memoised (bounded). */
  private keyHash(key: string): number {
    let h = this.keyHashes.get(key);
    if (h === undefined) {
      if (this.keyHashes.size >= 100_000) this.keyHashes.clear();
      h = toPositive(murmur2(this.encoder.encode(key)));
      this.keyHashes.set(key, h);
    }
    return h;
  }

  private appendOrBlock(w: Waiting): void {
    this.append(w.record, w.cb, w.deadlineMs);
  }

  /** The append path of send(), without allocating a holder per record (it is the producer's hot path). */
  private append(record: ProducerRecord, cb: SendCallback, deadlineMs: number): void {
    const parts = this.metadata.partitionsFor(record.topic)!;
    const { partition, sticky } = this.partitionFor(record, parts.length);
    const rec: KafkaRecord = record.padBytes ? { key: record.key, value: record.value, padBytes: record.padBytes } : { key: record.key, value: record.value };
    if (this.blocked.length > 0 || (this.accumulator.wouldOpenBatch(record.topic, partition, rec) && !this.accumulator.hasRoom())) {
      // buffer.memory is exhausted: send() blocks up to max.block.ms (queued here, in order).
      this.blocked.push({ record, cb, deadlineMs });
      this.wakeAt(deadlineMs);
      return;
    }
    const { appendedBytes } = this.accumulator.append(record.topic, partition, rec, cb, this.ctx.nowMs);
    if (sticky) {
      const enableSwitch = this.accumulator.allBatchesFull(record.topic, partition);
      sticky.updatePartitionInfo(partition, appendedBytes, enableSwitch, this.metadata.availablePartitions(record.topic), parts.length);
    }
    this.wakeAt(this.ctx.nowMs);
  }

  private onMetadataUpdate(): void {
    const waiting = this.waitingForMetadata;
    this.waitingForMetadata = [];
    for (const w of waiting) {
      if (this.metadata.partitionsFor(w.record.topic)) this.appendOrBlock(w);
      else this.waitingForMetadata.push(w);
    }
    this.wakeAt(this.ctx.nowMs);
  }

  // ---- the sender ----

  private wakeAt(ms: number): void {
    if (ms >= this.drainAtMs) return;
    if (this.drainTimer >= 0) this.ctx.cancelTimer(this.drainTimer);
    this.drainAtMs = ms;
    this.drainTimer = this.ctx.setTimer(Math.max(0, ms - this.ctx.nowMs), `${this.tag}drain`);
  }

  private backoffFor = (b: ProducerBatch): number => retryBackoffMs(b.attempts, this.settings.retryBackoffMs, this.settings.retryBackoffMaxMs, this.backoffRandom);

  /** One pass of `Sender.sendProducerData`. */
  private drain(): void {
    const now = this.ctx.nowMs;
    let next = Infinity;
    this.expireWaiting(now);
    next = Math.min(next, this.expireBatches(now));
    if (this.closed) return;
    if (this.metadata.isStale()) this.metadata.requestUpdate();
    if (this.settings.idempotence && this.producerId < 0) {
      if (!this.txn) this.initProducerId();
      return;
    }
    if (this.settings.partitionerAdaptive) this.updateLoadStats();
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
    for (const w of [...this.waitingForMetadata, ...this.blocked]) next = Math.min(next, w.deadlineMs);
    if (next < Infinity) this.wakeAt(next);
  }

  private hasInFlight(key: string, belowSequence = Infinity): boolean {
    for (const f of this.inFlight.values()) if (f.batch.key === key && f.batch.baseSequence < belowSequence) return true;
    return false;
  }

  private updateLoadStats(): void {
    for (const [topic, bp] of this.partitioners) {
      const parts = this.metadata.partitionsFor(topic) ?? [];
      const ids = parts.filter((p) => p.leader !== null).map((p) => p.partition);
      const sizes = ids.map((p) => this.accumulator.queueSize(topic, p));
      bp.updatePartitionLoadStats(ids.length === parts.length || ids.length > 0 ? sizes : null, ids, ids.length);
    }
  }

  private sendBatch(batch: ProducerBatch, node: string): void {
    if (this.settings.idempotence && batch.baseSequence < 0) {
      const seq = this.nextSequence.get(batch.key) ?? 0;
      batch.producerId = this.producerId;
      batch.producerEpoch = this.producerEpoch;
      batch.baseSequence = seq;
      this.nextSequence.set(batch.key, seq + batch.records.length);
    }
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
      this.admitBlocked();
      batch.completeWithoutOffsets();
      return;
    }
    batch.inFlight = correlationId;
    const timer = this.ctx.setTimer(this.settings.requestTimeoutMs, `${this.tag}request-timeout:${correlationId}`);
    this.inFlight.set(correlationId, { batch, node, timer });
    this.inFlightPerNode.set(node, (this.inFlightPerNode.get(node) ?? 0) + 1);
  }

  private takeInFlight(correlationId: number): InFlight | undefined {
    const f = this.inFlight.get(correlationId);
    if (!f) return undefined;
    this.inFlight.delete(correlationId);
    this.ctx.cancelTimer(f.timer);
    this.inFlightPerNode.set(f.node, (this.inFlightPerNode.get(f.node) ?? 1) - 1);
    f.batch.inFlight = -1;
    return f;
  }

  private onProduceResponse(res: ProduceResponse): void {
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
  private onDisconnected(node: string): void {
    this.metadata.onDisconnected(node);
    let failed = 0;
    for (const [id, g] of [...this.inFlight].reverse())
      if (g.node === node) {
        failed++;
        this.completeBatch(this.takeInFlight(id)!.batch, "NETWORK_EXCEPTION", -1);
      }
    if (failed > 0) this.ctx.trace("producer.disconnected", { from: node, failedRequests: failed });
    if (this.pidRequest >= 0 && this.brokers[this.pidTarget] === node) {
      this.ctx.cancelTimer(this.pidTimer);
      this.pidRequest = -1;
      this.pidTarget = (this.pidTarget + 1) % this.brokers.length;
      this.initProducerId();
    }
    this.metadata.requestUpdate();
    this.wakeAt(this.ctx.nowMs);
  }

  /** `Sender.completeBatch`: success, retry, or failure of one batch. */
  private completeBatch(batch: ProducerBatch, error: ErrorName, baseOffset: number): void {
    if (batch.done) return;
    const key = batch.key;
    if (error === "NONE") {
      if (batch.baseSequence >= 0 && this.isCurrent(batch))
        this.lastAckedSequence.set(key, Math.max(this.lastAckedSequence.get(key) ?? -1, batch.lastSequence));
      this.ctx.trace("producer.ack", { tp: key, baseOffset, records: batch.records.length, attempts: batch.attempts });
      this.accumulator.release(batch);
      batch.complete(baseOffset);
      this.admitBlocked();
      this.txn?.onBatchDone();
      return;
    }
    if (MAYBE_APPENDED.has(error)) batch.maybeAppended = true;
    const staleId = batch.baseSequence >= 0 && !this.isCurrent(batch);
    // An out-of-order sequence behind an earlier batch that has not been acknowledged yet is retried (Sender.canRetry).
    const outOfOrderBehind = error === "OUT_OF_ORDER_SEQUENCE_NUMBER" && (staleId || batch.baseSequence !== (this.lastAckedSequence.get(key) ?? -1) + 1);
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
    this.admitBlocked();
    if (this.txn) {
      // In a transaction the failure makes the transaction abortable (or the producer fenced); the abort resets.
      this.txn.onBatchFailed(error);
      this.txn.onBatchDone();
      return;
    }
    // A sequenced batch that failed leaves a gap the broker will never fill (an unresolved sequence): KIP-360.
    if (this.settings.idempotence && batch.baseSequence >= 0 && this.isCurrent(batch)) this.bumpEpoch(error);
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

  private expireWaiting(now: number): void {
    if (this.waitingForMetadata.length === 0 && this.blocked.length === 0) return;
    const keep = (list: Waiting[], error: ErrorName) =>
      list.filter((w) => {
        if (w.deadlineMs > now) return true;
        w.cb({ ok: false, topic: w.record.topic, partition: w.record.partition ?? null, error, indeterminate: false });
        return false;
      });
    this.waitingForMetadata = keep(this.waitingForMetadata, "METADATA_TIMEOUT");
    this.blocked = keep(this.blocked, "BUFFER_EXHAUSTED");
  }

  private admitBlocked(): void {
    while (this.blocked.length > 0 && this.accumulator.hasRoom()) {
      const w = this.blocked.shift()!;
      this.appendOrBlock(w);
    }
  }

  // ---- idempotence: producer id ----

  private initProducerId(): void {
    if (this.pidRequest >= 0 || this.brokers.length === 0) return;
    const req: InitProducerIdRequest = { type: "InitProducerId", correlationId: nextRequestId(this.ctx) };
    this.pidRequest = req.correlationId;
    this.ctx.send(this.brokers[this.pidTarget], req);
    this.pidTimer = this.ctx.setTimer(this.settings.requestTimeoutMs, `${this.tag}pid-timeout`);
  }

  private onInitProducerId(res: InitProducerIdResponse): void {
    if (res.correlationId !== this.pidRequest) return;
    this.pidRequest = -1;
    this.ctx.cancelTimer(this.pidTimer);
    this.pidTimer = -1;
    if (res.error !== "NONE") return;
    this.producerId = res.producerId;
    this.producerEpoch = res.producerEpoch;
    this.nextSequence.clear();
    this.lastAckedSequence.clear();
    // Queued batches sequenced under an old id are sequenced again under the new one.
    for (const q of this.accumulator.queues.values()) for (const b of q) if (b.baseSequence >= 0) b.baseSequence = -1;
    this.ctx.trace("producer.producer-id", { producerId: this.producerId, producerEpoch: this.producerEpoch });
    this.wakeAt(this.ctx.nowMs);
  }

  private isCurrent(batch: ProducerBatch): boolean {
    return batch.producerId === this.producerId && batch.producerEpoch === this.producerEpoch;
  }

  /**
   * KIP-360 for the idempotent (non-transactional) producer, as `TransactionManager.bumpIdempotentProducerEpoch`:
   * bump the epoch locally and restart every partition's sequence at 0; brokers accept a new epoch starting at 0.
   * An exhausted epoch gets a new producer id instead.
   */
  private bumpEpoch(cause: ErrorName): void {
    if (this.producerId < 0) return;
    if (this.producerEpoch >= 32766) return this.resetProducerId(cause);
    this.producerEpoch++;
    this.nextSequence.clear();
    this.lastAckedSequence.clear();
    for (const q of this.accumulator.queues.values()) for (const b of q) if (b.baseSequence >= 0) b.baseSequence = -1;
    this.ctx.trace("producer.bump-epoch", { producerId: this.producerId, producerEpoch: this.producerEpoch, cause });
  }

  private resetProducerId(cause: ErrorName): void {
    this.ctx.trace("producer.reset-producer-id", { oldProducerId: this.producerId, cause });
    this.producerId = -1;
    this.producerEpoch = -1;
    this.initProducerId();
  }
}

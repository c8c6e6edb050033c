import type { ActorContext, RandomStream, Timer } from "../../../sim/index.js";
import type { ProducerSettings } from "../../config/producerSettings.js";
import { CODECS } from "../../log/compression.js";
import { RunRecordBatch } from "../../log/runRecordBatch.js";
import type { RecordBatch } from "../../log/recordBatch.js";
import { type Disconnect, DISCONNECTED, type NetworkClient } from "../../network/networkClient.js";
import { type ErrorName, isRetriable } from "../../protocol/errors.js";
import type { ProducePartitionData, ProduceRequest, ProduceResponse } from "../../protocol/messages.js";
import type { ClientMetadata } from "../clientMetadata.js";
import { retryBackoffMs } from "./backoff.js";
import { InFlightBatches } from "./inFlightBatches.js";
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

/** One leader in a drain pass: whether a batch of it is sendable now, and the partitions (keys) with queued batches it leads. */
interface ReadyNode {
  leader: string;
  ready: boolean;
  keys: string[];
}

/** Errors after which Kafka refreshes metadata (InvalidMetadataException and disconnects). */
const METADATA_ERRORS: ReadonlySet<ErrorName> = new Set(["NOT_LEADER_OR_FOLLOWER", "UNKNOWN_TOPIC_OR_PARTITION", "FENCED_LEADER_EPOCH", "UNKNOWN_LEADER_EPOCH", "NETWORK_EXCEPTION", "LEADER_NOT_AVAILABLE"]);
/** Errors whose attempt may have been appended even though it failed. */
const MAYBE_APPENDED: ReadonlySet<ErrorName> = new Set(["NETWORK_EXCEPTION", "REQUEST_TIMED_OUT", "NOT_ENOUGH_REPLICAS_AFTER_APPEND"]);

/**
 * The producer's I/O side (Kafka `Sender`): each pass first lets the transaction manager send its request, then
 * finds the leaders with a sendable batch (RecordAccumulator.ready: full, lingered, or past its retry back-off) and
 * drains them, but only leaders whose connection is ready (`NetworkClient.ready`: established, within
 * max.in.flight.requests.per.connection); the batches of a leader that is not wait, and its connection is opened
 * (Sender.sendProducerData drops the nodes that are not ready). A drain builds one ProduceRequest per leader with
 * at most one batch per partition it leads, lingered or not, up to max.request.size (RecordAccumulator.drain /
 * drainBatchesForOneNode), and drains again while the connection has room, as Sender.runOnce's next pass would
 * at once. It expires batches past delivery.timeout.ms and completes, retries or fails each batch from its
 * partition's entry in the ProduceResponse (`Sender.completeBatch`); a request whose connection closed fails all its
 * batches with NETWORK_EXCEPTION, one whose connection timed out (request.timeout.ms, NetworkClient) with
 * REQUEST_TIMED_OUT. Produce requests carry no leader epoch, as in the Java client.
 */
export class Sender {
  /** The batches in flight, by request and by partition (Kafka `Sender.inFlightBatches`). */
  private readonly inFlight = new InFlightBatches();
  /** RecordAccumulator.nextExpiryTimeMs: no batch expires before this, so the expiry scan waits for it. */
  private nextExpiryMs = -Infinity;
  private drainTimer = -1;
  private drainAtMs = Infinity;
  private closed = false;
  private readonly backoffRandom: RandomStream;
  /** The next pass of the sender. */
  private readonly drainAt: Timer;
  /** A request whose batches the producer's CPU is compressing (`capacity.clientCpu`): written at `atUs` (whole µs). */
  private pendingWrite: { atUs: number; write: () => void } | null = null;

  constructor(
    private readonly ctx: ActorContext,
    private readonly client: NetworkClient,
    private readonly settings: ProducerSettings,
    private readonly metadata: ClientMetadata,
    private readonly accumulator: RecordAccumulator,
    private readonly ids: ProducerIdManager,
    private readonly txn: TransactionManager | null,
    private readonly host: SenderHost,
  ) {
    this.backoffRandom = ctx.stream("producer-retry-backoff");
    accumulator.leaderEpochOf = (b) => metadata.leaderOf(b.topic, b.partition)?.leaderEpoch ?? -1;
    this.drainAt = ctx.timer(() => {
      this.drainTimer = -1;
      this.drainAtMs = Infinity;
      this.drain();
    });
  }

  /**
   * A drain pass's leaders, in the order the pass meets them: the first `readyCount` entries (the rest are kept for
   * reuse). The sender passes about once per produce response and per linger.ms, and a producer has a few leaders, so
   * a linear scan over reused entries beats a Map made (or cleared) every pass.
   */
  private readonly readyNodes: ReadyNode[] = [];
  private readyCount = 0;

  /** The pass's entry for `leader`: found among those met so far, else the next reused one, reset. */
  private readyNodeOf(leader: string): ReadyNode {
    const nodes = this.readyNodes;
    for (let i = 0; i < this.readyCount; i++) if (nodes[i].leader === leader) return nodes[i];
    let e = nodes[this.readyCount];
    if (e === undefined) nodes.push((e = { leader, ready: false, keys: [] }));
    e.leader = leader;
    e.ready = false;
    e.keys.length = 0;
    this.readyCount++;
    return e;
  }

  /** Batches of the producer still in flight. */
  get hasInFlightBatches(): boolean {
    return !this.inFlight.isEmpty || this.pendingWrite !== null;
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

  /**
   * A record was appended (KafkaProducer.doSend): the sender wakes only when a batch filled up or a new one was
   * opened, and for a new batch not before its linger.ms ends, which is when Kafka's ready() would next look
   * (nextReadyCheckDelayMs). A record that joins an open batch wakes nobody: a pass is already due by then.
   */
  onAppend(batch: ProducerBatch, newBatch: boolean, batchIsFull: boolean): void {
    if (newBatch) this.nextExpiryMs = Math.min(this.nextExpiryMs, batch.createdMs + this.settings.deliveryTimeoutMs);
    if (batchIsFull) this.wakeAt(this.ctx.nowMs);
    else if (newBatch) this.wakeAt(batch.createdMs + this.settings.lingerMs);
  }

  /** Whether partition `tp` has a batch with a sequence in flight or awaiting a retry (`TxnPartitionEntry.hasInflightBatches`). */
  private hasSequencedBatches = (tp: string): boolean => this.inFlight.has(tp) || (this.accumulator.queues.get(tp)?.some((b) => b.baseSequence >= 0) ?? false);

  /** For the drain: the idempotent producer's partitions whose sequences are unresolved hold their new batches. */
  private unresolved = (tp: string): boolean => this.ids.hasUnresolvedSequence(tp);

  private backoffFor = (b: ProducerBatch): number => retryBackoffMs(b.attempts, this.settings.retryBackoffMs, this.settings.retryBackoffMaxMs, this.backoffRandom);

  /** One pass of `Sender.runOnce`: the transaction manager's request, then `sendProducerData`. */
  private drain(): void {
    const pending = this.pendingWrite;
    if (pending) {
      // Still compressing (capacity.clientCpu): the thread is busy until then.
      if (this.ctx.nowUs < pending.atUs) return this.wakeAt(pending.atUs / 1000);
      this.pendingWrite = null;
      pending.write();
    }
    const now = this.ctx.nowMs;
    let next = Infinity;
    this.host.expireWaiting(now);
    if (now >= this.nextExpiryMs) this.nextExpiryMs = this.expireBatches(now);
    next = Math.min(next, this.nextExpiryMs);
    if (this.settings.idempotence && !this.txn) this.ids.maybeResolveSequences(this.hasSequencedBatches);
    if (this.closed) return;
    if (this.metadata.isStale()) this.metadata.requestUpdate();
    this.txn?.maybeSendTransactionalRequest();
    if (this.settings.idempotence && this.ids.producerId < 0) {
      if (!this.txn) this.ids.initProducerId();
      return;
    }
    if (this.settings.partitionerAdaptive) this.host.updateLoadStats();
    // RecordAccumulator.ready: the leaders with a sendable batch, and (in queue order) the partitions each leads.
    this.readyCount = 0;
    const queues = this.accumulator.queueList;
    for (let qi = 0; qi < queues.length; qi++) {
      const q = queues[qi];
      if (q.length === 0) continue;
      const key = q[0].key;
      // A transactional batch leaves only once its partition is in the transaction (AddPartitionsToTxn).
      if (this.txn && !this.txn.canSend(key)) continue;
      const first = q[0];
      const meta = this.metadata.leaderOf(first.topic, first.partition);
      if (!meta || meta.leader === null) {
        this.metadata.requestUpdate();
        continue;
      }
      const node = this.readyNodeOf(meta.leader);
      node.keys.push(key);
      const at = this.accumulator.sendableAtMs(q, meta.leaderEpoch);
      if (at <= now) node.ready = true;
      else next = Math.min(next, at);
    }
    for (let ni = 0; ni < this.readyCount; ni++) {
      const node = this.readyNodes[ni];
      if (!node.ready) continue;
      const leader = node.leader;
      // Sender.runOnce passes again at once while the leader still has a sendable batch and room on its connection.
      let sendable = true;
      while (sendable && this.client.ready(leader)) {
        const batches = this.accumulator.drainBatchesForOneNode(leader, node.keys, now, this.settings.maxRequestSize, this.inFlight, this.settings.maxInFlight === 1, this.unresolved);
        if (batches.length === 0) break;
        // The thread compresses the request's batches (capacity.clientCpu): the pass ends, the next starts once done.
        if (this.sendProduceRequest(leader, batches)) return;
        const at = this.accumulator.nextSendableAtMs(node.keys);
        sendable = at <= now;
        if (!sendable) next = Math.min(next, at);
      }
      // Only a ready connection is drained to (it also has room for another request); a leader that is not ready
      // is being connected to (or waits out its reconnect back-off, or for its last request to be written), and its
      // batches wait for it.
      if (sendable && !this.client.ready(leader)) {
        const delay = this.client.connectionDelayMs(leader);
        if (delay > 0 && delay < Infinity && !this.client.isConnecting(leader)) next = Math.min(next, now + delay);
      }
    }
    next = Math.min(next, this.host.nextWaitingDeadlineMs());
    if (next < Infinity) this.wakeAt(next);
  }

  /**
   * Sender.sendProduceRequest: one ProduceRequest to `node` carrying the drained batches, one per partition. Returns
   * true when the request waits for the producer's CPU to compress its batches (`capacity.clientCpu`): the sender
   * does nothing else until then.
   */
  private sendProduceRequest(node: string, batches: ProducerBatch[]): boolean {
    const correlationId = this.client.correlationId();
    const partitions: ProducePartitionData[] = [];
    for (const batch of batches) {
      if (this.settings.idempotence && batch.baseSequence < 0) this.ids.assignSequence(batch);
      batch.attempts++;
      batch.lastAttemptMs = this.ctx.nowMs;
      const compression = batch.compression !== "none" ? batch.compression : undefined;
      const recordBatch: RecordBatch =
        batch.runs !== null
          ? // A perf-test workload's batch travels as its runs (RunRecordBatch): nothing built per record.
            new RunRecordBatch(0, -1, batch.producerId, batch.producerEpoch, batch.baseSequence, this.txn !== null, batch.wireBytes, 0, batch.runs, batch.recordCount, batch.runValues!.prefix, batch.runValues!.valueSize, compression)
          : {
              baseOffset: 0,
              leaderEpoch: -1,
              producerId: batch.producerId,
              producerEpoch: batch.producerEpoch,
              baseSequence: batch.baseSequence,
              isTransactional: this.txn !== null,
              isControl: false,
              // The batch is closed once drained (no append reopens it), so the request shares its records.
              records: batch.records,
              sizeBytes: batch.wireBytes,
            };
      if (compression !== undefined && batch.runs === null) recordBatch.compression = compression;
      partitions.push({ topic: batch.topic, partition: batch.partition, currentLeaderEpoch: -1, batch: recordBatch });
      this.ctx.trace("producer.send", { tp: batch.key, to: node, correlationId, attempt: batch.attempts, records: batch.recordCount, producerId: batch.producerId, baseSequence: batch.baseSequence });
    }
    const req: ProduceRequest = {
      type: "Produce",
      correlationId,
      acks: this.settings.acks,
      timeoutMs: this.settings.requestTimeoutMs,
      ...(this.txn ? { transactionalId: this.txn.transactionalId } : {}),
      partitions,
    };
    // capacity.clientCpu: the batches are compressed on the producer's thread before the request is written. Kafka
    // compresses in the application thread as send() appends each record (MemoryRecordsBuilder writes through the
    // codec's stream) and the sender thread's drain closes the batch (flushing the codec's last block); the model's
    // send() takes no time, so the whole batch's compression is charged here, on one thread per producer, before the
    // request leaves: the same cap on throughput (one thread at the codec's speed), and the batch waits for it. A
    // retry sends the batch already compressed (its closed buffer): no cost.
    const cpu = this.settings.cpu;
    let ns = 0;
    if (cpu) for (const b of batches) if (b.attempts === 1) ns += b.recordsBytes * CODECS[b.compression].compressNsPerByte;
    if (cpu && ns > 0) {
      this.pendingWrite = { atUs: cpu.run(this.ctx.nowUs, ns), write: () => this.writeProduceRequest(node, req, batches) };
      this.wakeAt(this.pendingWrite.atUs / 1000);
      return true;
    }
    this.writeProduceRequest(node, req, batches);
    return false;
  }

  /** The request leaves: with acks=0 its batches complete now; otherwise they are in flight until the answer. */
  private writeProduceRequest(node: string, req: ProduceRequest, batches: ProducerBatch[]): void {
    const correlationId = req.correlationId;
    if (!this.client.isReady(node)) {
      // The connection went (or filled up) while the batches were being compressed (capacity.clientCpu): the request
      // fails as one whose connection closed, and its batches are retried or failed as Sender.completeBatch decides.
      this.inFlight.add(correlationId, node, batches);
      return this.onProduceResult(correlationId, DISCONNECTED);
    }
    if (this.settings.acks === 0) {
      // acks=0: no response; the callback fires once the request is written, with an unknown offset (-1), as in
      // Kafka. Only what is written to a live connection can be lost with it.
      this.client.send(node, req, null);
      for (const batch of batches) {
        batch.maybeAppended = true;
        this.accumulator.release(batch);
        this.host.admitBlocked();
        batch.completeWithoutOffsets();
      }
      return;
    }
    this.inFlight.add(correlationId, node, batches);
    this.client.send(node, req, (res) => this.onProduceResult(correlationId, res));
  }

  /**
   * Sender.handleProduceResponse: the answer, or the connection's end. Each batch still in flight completes from its
   * partition's entry; a request whose connection timed out fails them with REQUEST_TIMED_OUT, one whose connection
   * closed with NETWORK_EXCEPTION; both may have been appended.
   */
  private onProduceResult(correlationId: number, res: ProduceResponse | Disconnect): void {
    const f = this.inFlight.takeRequest(correlationId);
    if (!f) return;
    for (const batch of f.batches) {
      if (batch.inFlight !== correlationId) continue; // expired meanwhile (delivery.timeout.ms)
      this.inFlight.remove(batch);
      if (res.type === "Disconnected") this.completeBatch(batch, res.timedOut ? "REQUEST_TIMED_OUT" : "NETWORK_EXCEPTION", -1);
      else {
        const r = res.responses.find((x) => x.partition === batch.partition && x.topic === batch.topic);
        // A partition the broker left out of its answer: Sender.handleProduceResponse has no such case; treat it as
        // a lost answer (it may have been appended).
        if (r) this.completeBatch(batch, r.error, r.baseOffset);
        else this.completeBatch(batch, "NETWORK_EXCEPTION", -1);
      }
    }
    // KIP-951 (Sender.handleProduceResponse): the leader a NOT_LEADER_OR_FOLLOWER answer names goes into the metadata
    // at once (Metadata.updatePartitionLeadership), so the retry goes there without waiting for a refresh.
    if (res.type === "ProduceResponse")
      for (const r of res.responses)
        if ((r.error === "NOT_LEADER_OR_FOLLOWER" || r.error === "FENCED_LEADER_EPOCH") && r.currentLeader && r.currentLeader.leader !== null && r.currentLeader.leaderEpoch >= 0)
          if (this.metadata.updatePartitionLeadership(r.topic, r.partition, r.currentLeader.leader, r.currentLeader.leaderEpoch))
            this.ctx.trace("producer.leader-updated", { tp: `${r.topic}-${r.partition}`, leader: r.currentLeader.leader, leaderEpoch: r.currentLeader.leaderEpoch });
    this.wakeAt(this.ctx.nowMs);
  }

  /** `Sender.completeBatch`: success, retry, or failure of one batch. */
  private completeBatch(batch: ProducerBatch, error: ErrorName, baseOffset: number): void {
    if (batch.done) return;
    const key = batch.key;
    if (error === "NONE") {
      if (batch.baseSequence >= 0 && this.ids.isCurrent(batch)) this.ids.acknowledged(batch);
      this.ctx.trace("producer.ack", { tp: key, baseOffset, records: batch.recordCount, attempts: batch.attempts });
      this.accumulator.release(batch);
      batch.complete(baseOffset);
      this.host.admitBlocked();
      this.txn?.onBatchDone();
      return;
    }
    if (error === "MESSAGE_TOO_LARGE" && batch.recordCount > 1) {
      // Sender.completeBatch: a batch the broker found too large is split and sent again; no retry is counted.
      const parts = this.accumulator.splitAndReenqueue(batch);
      this.ctx.trace("producer.split-batch", { tp: key, records: batch.recordCount, sizeBytes: batch.wireBytes, batches: parts.length });
      return;
    }
    if (MAYBE_APPENDED.has(error)) batch.maybeAppended = true;
    const staleId = batch.baseSequence >= 0 && !this.ids.isCurrent(batch);
    // An out-of-order sequence behind an earlier batch that has not been acknowledged yet is retried
    // (TransactionManager.canRetry); so is one while the partition's sequences are unresolved, bumping the epoch only
    // for the batch right after the expired one (isNextSequenceForUnresolvedPartition).
    const unresolved = this.ids.hasUnresolvedSequence(key);
    const outOfOrderBehind =
      error === "OUT_OF_ORDER_SEQUENCE_NUMBER" &&
      (unresolved ? batch.baseSequence !== this.ids.unresolvedNextSequence(key) : staleId || batch.baseSequence !== this.ids.lastAcked(key) + 1);
    // TransactionManager.canRetry (Kafka 4): the idempotent, non-transactional producer retries every
    // OUT_OF_ORDER_SEQUENCE_NUMBER and UNKNOWN_PRODUCER_ID; when the batch is the next in sequence (a real gap, or
    // the broker lost the producer's state) it first bumps its epoch (KIP-360 `requestEpochBumpForPartition`), so
    // the retry starts the partition's sequences at 0 under the new epoch.
    const sequenceError = error === "OUT_OF_ORDER_SEQUENCE_NUMBER" || error === "UNKNOWN_PRODUCER_ID";
    const bumpAndRetry = sequenceError && !this.txn && this.settings.idempotence && batch.baseSequence >= 0 && !outOfOrderBehind;
    const retriable = isRetriable(error) || outOfOrderBehind || bumpAndRetry;
    const withinTimeout = this.ctx.nowMs - batch.createdMs < this.settings.deliveryTimeoutMs;
    if (retriable && batch.attempts <= this.settings.retries && withinTimeout && !this.closed) {
      if (bumpAndRetry && this.ids.isCurrent(batch)) this.ids.bumpEpoch(error);
      if (METADATA_ERRORS.has(error)) this.metadata.requestUpdate();
      if (batch.baseSequence >= 0 && !this.ids.isCurrent(batch)) batch.baseSequence = -1; // re-sequenced under the new epoch
      this.ctx.trace("producer.retry", { tp: key, error, attempt: batch.attempts, baseSequence: batch.baseSequence });
      batch.lastAttemptMs = this.ctx.nowMs; // ProducerBatch.reenqueued: the back-off counts from the failure
      batch.retried = true;
      batch.retryAtMs = this.ctx.nowMs + this.backoffFor(batch);
      this.accumulator.reenqueue(batch);
      return;
    }
    // Kafka's sender expires batches before it handles responses in the same pass, so a retriable failure past the
    // delivery timeout surfaces as the delivery timeout.
    if (retriable && !withinTimeout) this.expireBatch(batch);
    else this.failBatch(batch, error);
  }

  /**
   * Sender.sendProducerData's expiry of a batch past delivery.timeout.ms: failBatch(..., adjustSequenceNumbers=false),
   * so the epoch is not bumped while later batches may still be in flight; a batch that had been retried leaves its
   * partition's sequences unresolved (TransactionManager.markSequenceUnresolved) until maybeResolveSequences decides.
   */
  private expireBatch(batch: ProducerBatch): void {
    this.failBatch(batch, "DELIVERY_TIMEOUT", false);
    if (!this.txn && this.settings.idempotence && batch.retried && batch.baseSequence >= 0 && this.ids.isCurrent(batch)) this.ids.markSequenceUnresolved(batch);
  }

  /**
   * Sender.failBatch → TransactionManager.handleFailedBatch. `adjustSequenceNumbers` (false for an expired batch):
   * the idempotent producer bumps its epoch for the gap the failed batch leaves (requestEpochBumpForPartition).
   */
  private failBatch(batch: ProducerBatch, error: ErrorName, adjustSequenceNumbers = true): void {
    this.ctx.trace("producer.fail", { tp: batch.key, error, attempts: batch.attempts, records: batch.recordCount, indeterminate: batch.maybeAppended });
    this.accumulator.release(batch);
    batch.fail(error);
    this.host.admitBlocked();
    if (this.txn) {
      // In a transaction the failure makes the transaction abortable (or the producer fenced); the abort resets.
      this.txn.onBatchFailed(error);
      this.txn.onBatchDone();
      return;
    }
    // A sequenced batch that failed leaves a gap the broker will never fill: KIP-360.
    if (adjustSequenceNumbers && this.settings.idempotence && batch.baseSequence >= 0 && this.ids.isCurrent(batch)) this.ids.bumpEpoch(error);
  }

  private expireBatches(now: number): number {
    let next = Infinity;
    const timeout = this.settings.deliveryTimeoutMs;
    for (const q of this.accumulator.queues.values()) {
      for (let i = 0; i < q.length; ) {
        const b = q[i];
        if (now - b.createdMs >= timeout) {
          q.splice(i, 1);
          this.expireBatch(b);
        } else {
          next = Math.min(next, b.createdMs + timeout);
          i++;
        }
      }
    }
    // Sender.getExpiredInflightBatches: an in-flight batch past its delivery timeout fails now; its request's answer
    // later finds it no longer in flight.
    return Math.min(next, this.inFlight.expire(now, timeout, (b) => this.expireBatch(b)));
  }
}

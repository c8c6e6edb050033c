import type { ActorContext } from "../../../sim/index.js";
import type { ProducerSettings } from "../../config/producerSettings.js";
import type { KafkaRecord } from "../../log/recordBatch.js";
import { NetworkClient } from "../../network/networkClient.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { OffsetEntry } from "../../protocol/transactionMessages.js";
import { BuiltInPartitioner, murmur2, toPositive } from "../../partitioner.js";
import { ClientMetadata } from "../clientMetadata.js";
import { nextRequestId } from "../requestIds.js";
import { type RunBatchListener, type RunValues, runValueBytes, type SendCallback } from "./producerBatch.js";
import { ProducerIdManager } from "./producerIdManager.js";
import { RecordAccumulator } from "./recordAccumulator.js";
import { recordTooLarge, runRecordsThatFit } from "./recordSizeLimits.js";
import { Sender } from "./sender.js";
import { type ConsumerGroupMetadata, TransactionManager, type TxnCallback } from "./transactionManager.js";

export interface ProducerRecord {
  topic: string;
  key: string | null;
  value: string;
  /** Extra payload bytes (see KafkaRecord.padBytes). */
  padBytes?: number;
  /** An explicit partition beats the partitioner. */
  partition?: number;
  /** A tombstone: sent with a null value (see KafkaRecord.tombstone). */
  tombstone?: true;
}

interface Waiting {
  record: ProducerRecord;
  cb: SendCallback;
  tag: number;
  deadlineMs: number;
}

/**
 * The Java producer (Kafka `KafkaProducer`), driven by the actor that hosts it: send() partitions each record
 * (explicit partition, key hash, or the KIP-794 built-in sticky partitioner) and appends it to the
 * `RecordAccumulator`, blocking up to max.block.ms for metadata or buffer memory; the `Sender` drains the
 * accumulator; the `ProducerIdManager` keeps the idempotent producer's id, epoch and sequences, and a
 * `TransactionManager` runs transactions when transactional.id is set. All of them talk to the brokers through the
 * producer's one `NetworkClient`, which routes each answer to the request it answers.
 */
export class KafkaProducer {
  readonly metadata: ClientMetadata;
  /** The producer's connections to the brokers (Kafka: the Sender's NetworkClient). */
  readonly client: NetworkClient;
  private readonly accumulator: RecordAccumulator;
  private readonly partitioners = new Map<string, BuiltInPartitioner>();
  /** toPositive(murmur2(utf8(key))) per key: a pure function of the key, cached because keys repeat. */
  private readonly keyHashes = new Map<string, number>();
  private readonly encoder = new TextEncoder();
  private waitingForMetadata: Waiting[] = [];
  private blocked: Waiting[] = [];
  /** admitBlocked is appending the head of `blocked`: the sends still blocked behind it do not hold it back. */
  private admitting = false;
  private readonly ids: ProducerIdManager;
  private readonly sender: Sender;
  /** Set for a transactional producer (transactional.id). */
  readonly txn: TransactionManager | null = null;

  constructor(
    private readonly ctx: ActorContext,
    brokers: string[],
    readonly settings: ProducerSettings,
  ) {
    this.client = new NetworkClient(
      ctx,
      { name: "producer", requestTimeoutMs: settings.requestTimeoutMs, maxInFlightRequestsPerConnection: settings.maxInFlight, ...settings.network },
      () => nextRequestId(ctx),
    );
    this.metadata = new ClientMetadata(ctx, this.client, brokers, settings.metadataMaxAgeMs, settings.retryBackoffMs);
    this.metadata.onUpdate = () => this.onMetadataUpdate();
    this.accumulator = new RecordAccumulator(settings.batchSize, settings.lingerMs, settings.bufferMemory, settings.compressionType, settings.legacyMessageFormat);
    this.ids = new ProducerIdManager(ctx, this.client, brokers, settings.retryBackoffMs, {
      resequenceQueuedBatches: () => {
        for (const q of this.accumulator.queues.values()) for (const b of q) if (b.baseSequence >= 0) b.baseSequence = -1;
      },
      wake: () => this.sender.wakeAt(this.ctx.nowMs),
    });
    if (settings.transactionalId !== null)
      this.txn = new TransactionManager(ctx, this.client, brokers, settings.transactionalId, settings.transactionTimeoutMs, settings.retryBackoffMs, {
        hasUnfinishedBatches: () => this.sender.hasInFlightBatches || this.waitingForMetadata.length > 0 || this.blocked.length > 0 || [...this.accumulator.queues.values()].some((q) => q.length > 0),
        failQueuedBatches: (error) => {
          for (const w of [...this.waitingForMetadata.splice(0), ...this.blocked.splice(0)])
            w.cb({ ok: false, topic: w.record.topic, partition: w.record.partition ?? null, error, indeterminate: false }, w.tag);
          for (const q of this.accumulator.queues.values())
            for (const b of q.splice(0)) {
              this.accumulator.release(b);
              b.fail(error);
            }
        },
        setProducerIdAndEpoch: (id, epoch) => {
          this.ids.set(id, epoch);
          this.ctx.trace("producer.producer-id", { producerId: id, producerEpoch: epoch, transactionalId: settings.transactionalId });
        },
        producerId: () => this.ids.producerId,
        producerEpoch: () => this.ids.producerEpoch,
        wake: () => this.sender.wakeAt(this.ctx.nowMs),
      });
    this.sender = new Sender(ctx, this.client, settings, this.metadata, this.accumulator, this.ids, this.txn, {
      expireWaiting: (now) => this.expireWaiting(now),
      nextWaitingDeadlineMs: () => {
        // Asked on every pass of the sender: no copy of the two lists.
        let next = Infinity;
        for (const w of this.waitingForMetadata) next = Math.min(next, w.deadlineMs);
        for (const w of this.blocked) next = Math.min(next, w.deadlineMs);
        return next;
      },
      admitBlocked: () => this.admitBlocked(),
      updateLoadStats: () => this.updateLoadStats(),
    });
    // A connection ready or lost: the sender's loop runs again (NetworkClient.poll returns); a lost one also means
    // metadata may be stale (DefaultMetadataUpdater.handleServerDisconnect).
    this.client.onStateChange((_node, state) => {
      if (state === "DISCONNECTED") this.metadata.requestUpdate();
      this.sender.wakeAt(this.ctx.nowMs);
    });
  }

  get producerId(): number {
    return this.ids.producerId;
  }

  get producerEpoch(): number {
    return this.ids.producerEpoch;
  }

  start(): void {
    this.metadata.requestUpdate();
    // A transactional producer gets its id from the coordinator in initTransactions().
    if (this.settings.idempotence && !this.txn) this.ids.initProducerId();
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
    this.sender.close();
  }

  /**
   * Whether a send() to `topic` now would be appended at once rather than wait: its metadata is known, no earlier
   * send is blocked and buffer.memory has room for a batch. What a load generator that sends as fast as send()
   * returns (kafka-producer-perf-test --throughput -1) stops at: the next send would block.
   */
  canAppendWithoutBlocking(topic: string): boolean {
    return this.metadata.partitionsFor(topic) !== undefined && this.waitingForMetadata.length === 0 && this.blocked.length === 0 && this.accumulator.hasRoom();
  }

  /**
   * KafkaProducer.send: asynchronous; `cb` runs once with the record's outcome and `tag` (any number the caller
   * wants back, 0 by default: one callback can then serve every record, see SendCallback).
   */
  send(record: ProducerRecord, cb: SendCallback, tag = 0): void {
    const nowMs = this.ctx.nowMs;
    if (this.txn && this.txn.state !== "IN_TRANSACTION") {
      // Kafka throws IllegalStateException: a transactional send needs an open transaction.
      cb({ ok: false, topic: record.topic, partition: record.partition ?? null, error: "INVALID_TXN_STATE", indeterminate: false }, tag);
      return;
    }
    if (!this.metadata.partitionsFor(record.topic)) {
      this.waitingForMetadata.push({ record, cb, tag, deadlineMs: nowMs + this.settings.maxBlockMs });
      this.metadata.requestUpdate();
      this.sender.wakeAt(nowMs + this.settings.maxBlockMs);
      return;
    }
    this.append(record, cb, tag, nowMs + this.settings.maxBlockMs);
  }

  /**
   * `count` keyless records sent at once by a perf-test workload (issue 17 item 6): what `count` calls of send()
   * without a key would do, record for record (the sticky partitioner's choice and switch points, batch.size,
   * buffer.memory), without an object, a callback or an event per record. Values are `values.prefix + n` for n from
   * `firstN`, padded to `values.valueSize` bytes; `partition` explicit or null (the partitioner). Returns how many were
   * appended or refused: fewer than `count` where the next send() would block (metadata unknown, which asks for it,
   * or buffer.memory full); the caller sends the rest later. Each batch completes through `listener`; records too large
   * for max.request.size or buffer.memory (`ensureValidRecordSize`) fail at once through `onRefused` (RECORD_TOO_LARGE,
   * as each send()'s callback would), counted in the return value.
   * Not for a transactional producer (throws).
   */
  appendRun(topic: string, partition: number | null, values: RunValues, firstN: number, count: number, listener: RunBatchListener, onRefused: (records: number, error: ErrorName) => void): number {
    if (this.txn) throw new Error("appendRun: a perf-test workload is not transactional");
    const parts = this.metadata.partitionsFor(topic);
    if (!parts) {
      this.metadata.requestUpdate();
      return 0;
    }
    if (this.blocked.length > 0 || this.waitingForMetadata.length > 0) return 0;
    const fit = runRecordsThatFit(values, firstN, count, this.settings);
    if (fit < count) {
      // KafkaProducer.doSend fails a record larger than the limits before partitioning it: no batch, no wait.
      const done = fit > 0 ? this.appendRun(topic, partition, values, firstN, fit, listener, onRefused) : 0;
      if (done < fit) return done;
      const first = recordTooLarge({ key: null, value: "", padBytes: runValueBytes(values, firstN + fit) }, this.settings)!;
      this.ctx.trace("producer.record-too-large", { topic, ...first });
      onRefused(count - fit, "RECORD_TOO_LARGE");
      return count;
    }
    const nowMs = this.ctx.nowMs;
    const sendUs = this.ctx.nowUs;
    const magic = this.accumulator.magicOf(topic);
    let available: number[] | null = null;
    let done = 0;
    while (done < count) {
      let p: number;
      let sticky: BuiltInPartitioner | null = null;
      if (partition !== null) p = partition;
      else {
        sticky = this.partitionerOf(topic);
        available ??= this.metadata.availablePartitions(topic);
        p = sticky.currentPartition(available, parts.length);
      }
      const r = this.accumulator.appendRun(topic, p, values, firstN + done, count - done, sendUs, nowMs, magic, listener, sticky ? sticky.bytesBeforeForcedSwitch() : Infinity);
      if (r === null) break; // buffer.memory is full: send() would block
      done += r.appended;
      if (sticky) sticky.updatePartitionInfo(p, r.appendedBytes, this.accumulator.allBatchesFull(topic, p), available!, parts.length);
      this.sender.onAppend(r.batch, r.newBatch, r.batchIsFull);
    }
    return done;
  }

  // ---- partitioning and appending ----

  /** The topic's built-in (sticky) partitioner, made on first use with its own random stream. */
  private partitionerOf(topic: string): BuiltInPartitioner {
    let bp = this.partitioners.get(topic);
    if (!bp) {
      const rnd = this.ctx.stream(`partitioner:${topic}`);
      bp = new BuiltInPartitioner(topic, this.settings.batchSize, () => rnd.positiveInt31());
      this.partitioners.set(topic, bp);
    }
    return bp;
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
    this.append(w.record, w.cb, w.tag, w.deadlineMs);
  }

  /** The append path of send(), without allocating a holder per record (it is the producer's hot path). */
  private append(record: ProducerRecord, cb: SendCallback, tag: number, deadlineMs: number): void {
    const rec: KafkaRecord = record.tombstone ? { key: record.key, value: record.value, tombstone: true } : record.padBytes ? { key: record.key, value: record.value, padBytes: record.padBytes } : { key: record.key, value: record.value };
    const tooLarge = recordTooLarge(rec, this.settings);
    if (tooLarge !== null) {
      this.ctx.trace("producer.record-too-large", { topic: record.topic, ...tooLarge });
      cb({ ok: false, topic: record.topic, partition: record.partition ?? null, error: "RECORD_TOO_LARGE", indeterminate: false }, tag);
      return;
    }
    const parts = this.metadata.partitionsFor(record.topic)!;
    // KafkaProducer.partition: an explicit partition, else the key's hash, else the built-in (sticky) partitioner
    // (BuiltInPartitioner.partitionForKey / peekCurrentPartitionInfo). Inline: no holder object per record.
    let partition: number;
    let sticky: BuiltInPartitioner | null = null;
    if (record.partition !== undefined) partition = record.partition;
    else if (record.key !== null && !this.settings.partitionerIgnoreKeys) partition = this.keyHash(record.key) % parts.length;
    else {
      sticky = this.partitionerOf(record.topic);
      partition = sticky.currentPartition(this.metadata.availablePartitions(record.topic), parts.length);
    }
    const nowMs = this.ctx.nowMs;
    if ((this.blocked.length > 0 && !this.admitting) || (this.accumulator.wouldOpenBatch(record.topic, partition, rec, nowMs) && !this.accumulator.hasRoom(this.accumulator.newBatchBytes(rec, record.topic)))) {
      // buffer.memory is exhausted: send() blocks up to max.block.ms (queued here, in order).
      this.blocked.push({ record, cb, tag, deadlineMs });
      this.sender.wakeAt(deadlineMs);
      return;
    }
    const { batch, appendedBytes, newBatch, batchIsFull } = this.accumulator.append(record.topic, partition, rec, cb, nowMs, tag);
    if (sticky) {
      const enableSwitch = this.accumulator.allBatchesFull(record.topic, partition);
      sticky.updatePartitionInfo(partition, appendedBytes, enableSwitch, this.metadata.availablePartitions(record.topic), parts.length);
    }
    this.txn?.maybeAddPartition(batch.key);
    this.sender.onAppend(batch, newBatch, batchIsFull);
  }

  /**
   * New metadata: sends waiting for their topic go on; if a topic is still unknown (the cluster is not up yet, or
   * the topic not created) another refresh is asked for, retry.backoff.ms after the last, as
   * KafkaProducer.waitOnMetadata loops (requestUpdateForTopic, awaitUpdate) until max.block.ms.
   */
  private onMetadataUpdate(): void {
    const waiting = this.waitingForMetadata;
    this.waitingForMetadata = [];
    for (const w of waiting) {
      if (this.metadata.partitionsFor(w.record.topic)) this.appendOrBlock(w);
      else this.waitingForMetadata.push(w);
    }
    if (this.waitingForMetadata.length > 0) this.metadata.requestUpdate();
    this.sender.wakeAt(this.ctx.nowMs);
  }

  private updateLoadStats(): void {
    for (const [topic, bp] of this.partitioners) {
      const parts = this.metadata.partitionsFor(topic) ?? [];
      const ids = parts.filter((p) => p.leader !== null).map((p) => p.partition);
      const sizes = ids.map((p) => this.accumulator.queueSize(topic, p));
      bp.updatePartitionLoadStats(ids.length === parts.length || ids.length > 0 ? sizes : null, ids, ids.length);
    }
  }

  private expireWaiting(now: number): void {
    if (this.waitingForMetadata.length === 0 && this.blocked.length === 0) return;
    const keep = (list: Waiting[], error: ErrorName) =>
      list.filter((w) => {
        if (w.deadlineMs > now) return true;
        w.cb({ ok: false, topic: w.record.topic, partition: w.record.partition ?? null, error, indeterminate: false }, w.tag);
        return false;
      });
    this.waitingForMetadata = keep(this.waitingForMetadata, "METADATA_TIMEOUT");
    this.blocked = keep(this.blocked, "BUFFER_EXHAUSTED");
  }

  private admitBlocked(): void {
    while (this.blocked.length > 0 && this.accumulator.hasRoom()) {
      const w = this.blocked.shift()!;
      const behind = this.blocked.length;
      // The head of the queue goes first: the sends behind it do not block it (before, append() saw them and queued
      // it again at the back, and this loop never ended once two sends were blocked).
      this.admitting = true;
      try {
        this.appendOrBlock(w);
      } finally {
        this.admitting = false;
      }
      if (this.blocked.length > behind) {
        // Still no room for its new batch: it stays at the head.
        this.blocked.unshift(this.blocked.pop()!);
        break;
      }
    }
  }
}

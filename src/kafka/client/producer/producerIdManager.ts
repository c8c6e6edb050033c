import type { ActorContext, Timer } from "../../../sim/index.js";
import type { NetworkClient } from "../../network/networkClient.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { InitProducerIdRequest, InitProducerIdResponse } from "../../protocol/messages.js";
import type { ProducerBatch } from "./producerBatch.js";

/** What the producer id manager needs from its producer. */
export interface ProducerIdHost {
  /** Batches still queued and already sequenced get their sequence again under the new id or epoch. */
  resequenceQueuedBatches(): void;
  /** Run the sender now (a producer id arrived). */
  wake(): void;
}

/**
 * The idempotent producer's identity (Kafka `TransactionManager`'s `ProducerIdAndEpoch` and `TxnPartitionMap`):
 * the producer id and epoch, each partition's next sequence and last acknowledged one, and, for a producer
 * without a transactional id, the InitProducerId request that obtains them (to the least loaded broker, again after
 * retry.backoff.ms if its connection fails or it times out) and the KIP-360 epoch bump after an unresolved sequence. A
 * transactional producer's id comes from its coordinator instead (`TransactionManager`, through `set`).
 */
export class ProducerIdManager {
  producerId = -1;
  producerEpoch = -1;
  private readonly nextSequence = new Map<string, number>();
  private readonly lastAckedSequence = new Map<string, number>();
  /**
   * Partitions with an unresolved sequence (`TransactionManager.partitionsWithUnresolvedSequences`): a batch that had
   * been retried expired, so whether the broker holds its sequences is unknown; the value is the sequence after it.
   */
  private readonly unresolved = new Map<string, number>();
  private pidRequest = -1;
  /** retry.backoff.ms after a failed InitProducerId. */
  private readonly retry: Timer;

  constructor(
    private readonly ctx: ActorContext,
    private readonly client: NetworkClient,
    private readonly brokers: string[],
    private readonly retryBackoffMs: number,
    private readonly host: ProducerIdHost,
  ) {
    this.retry = ctx.timer(() => {
      if (this.producerId < 0) this.initProducerId();
    });
  }

  /** A new id and epoch (from the coordinator, or a bump): sequences restart at 0. */
  set(producerId: number, producerEpoch: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.nextSequence.clear();
    this.lastAckedSequence.clear();
    this.unresolved.clear();
  }

  /** Whether the batch was sequenced under the current id and epoch. */
  isCurrent(batch: ProducerBatch): boolean {
    return batch.producerId === this.producerId && batch.producerEpoch === this.producerEpoch;
  }

  /** Gives a batch leaving for the first time (under this id) its id, epoch and base sequence. */
  assignSequence(batch: ProducerBatch): void {
    const seq = this.nextSequence.get(batch.key) ?? 0;
    batch.producerId = this.producerId;
    batch.producerEpoch = this.producerEpoch;
    batch.baseSequence = seq;
    this.nextSequence.set(batch.key, seq + batch.recordCount);
  }

  /** The last sequence the broker acknowledged for a partition (-1: none). */
  lastAcked(tp: string): number {
    return this.lastAckedSequence.get(tp) ?? -1;
  }

  /** A batch of the current id was acknowledged. */
  acknowledged(batch: ProducerBatch): void {
    this.lastAckedSequence.set(batch.key, Math.max(this.lastAckedSequence.get(batch.key) ?? -1, batch.lastSequence));
  }

  /**
   * `TransactionManager.markSequenceUnresolved`: a retried batch of partition `batch.key` expired (delivery.timeout.ms)
   * and may or may not be in the log. New batches of the partition wait (`hasUnresolvedSequence`) until
   * `maybeResolveSequences` knows.
   */
  markSequenceUnresolved(batch: ProducerBatch): void {
    const next = batch.lastSequence + 1;
    this.unresolved.set(batch.key, Math.max(this.unresolved.get(batch.key) ?? next, next));
  }

  /** Whether partition `tp` has an unresolved sequence (`TransactionManager.hasUnresolvedSequence`). */
  hasUnresolvedSequence(tp: string): boolean {
    return this.unresolved.has(tp);
  }

  /** The sequence after the unresolved batch of `tp` (`isNextSequenceForUnresolvedPartition`), -1 if none. */
  unresolvedNextSequence(tp: string): number {
    return this.unresolved.get(tp) ?? -1;
  }

  /**
   * `TransactionManager.maybeResolveSequences` for the idempotent producer, at the start of each sender pass: a
   * partition with an unresolved sequence and no sequenced batch left (`hasPending`: in flight or awaiting a retry)
   * is resolved if its last acknowledged sequence is the one before its next (a later batch succeeded, so the broker
   * had the expired one), else the epoch is bumped (KIP-360) so its sequences start again at 0.
   */
  maybeResolveSequences(hasPending: (tp: string) => boolean): void {
    if (this.unresolved.size === 0) return; // every sender pass comes here: no copy for nothing
    for (const tp of [...this.unresolved.keys()]) {
      if (hasPending(tp)) continue;
      this.unresolved.delete(tp);
      if ((this.nextSequence.get(tp) ?? 0) - this.lastAcked(tp) !== 1) {
        this.ctx.trace("producer.unresolved-sequence", { tp, nextSequence: this.nextSequence.get(tp) ?? 0, lastAckedSequence: this.lastAcked(tp) });
        this.bumpEpoch("DELIVERY_TIMEOUT");
      }
    }
  }

  /** Asks a broker for a producer id (InitProducerId without a transactional id), unless a request is in flight. */
  initProducerId(): void {
    if (this.pidRequest >= 0 || this.brokers.length === 0) return;
    // No transactional id: any broker hands out a new id (TransactionManager.bumpIdempotentEpochAndResetIdIfNeeded),
    // and the Sender sends it to the least loaded node.
    const node = this.client.leastLoadedNode(this.brokers);
    if (node === null) {
      this.retry.set(this.client.config.reconnectBackoffMs);
      return;
    }
    const req: InitProducerIdRequest = { type: "InitProducerId", correlationId: this.client.correlationId(), transactionalId: null, transactionTimeoutMs: 2147483647, producerId: -1, producerEpoch: -1 };
    this.pidRequest = req.correlationId;
    this.client.sendWhenReady(node, req, (res) => {
      if (res.type === "Disconnected") {
        this.pidRequest = -1;
        this.retry.set(this.retryBackoffMs);
        return;
      }
      this.onInitProducerIdResponse(res);
    });
  }

  private onInitProducerIdResponse(res: InitProducerIdResponse): void {
    if (res.correlationId !== this.pidRequest) return;
    this.pidRequest = -1;
    if (res.error !== "NONE") {
      this.retry.set(this.retryBackoffMs);
      return;
    }
    this.set(res.producerId, res.producerEpoch);
    // Queued batches sequenced under an old id are sequenced again under the new one.
    this.host.resequenceQueuedBatches();
    this.ctx.trace("producer.producer-id", { producerId: this.producerId, producerEpoch: this.producerEpoch });
    this.host.wake();
  }

  /**
   * KIP-360 for the idempotent (non-transactional) producer, as `TransactionManager.bumpIdempotentProducerEpoch`:
   * bump the epoch locally and restart every partition's sequence at 0; brokers accept a new epoch starting at 0.
   * An exhausted epoch gets a new producer id instead.
   */
  bumpEpoch(cause: ErrorName): void {
    if (this.producerId < 0) return;
    if (this.producerEpoch >= 32766) return this.resetProducerId(cause);
    this.producerEpoch++;
    this.nextSequence.clear();
    this.lastAckedSequence.clear();
    this.unresolved.clear();
    this.host.resequenceQueuedBatches();
    this.ctx.trace("producer.bump-epoch", { producerId: this.producerId, producerEpoch: this.producerEpoch, cause });
  }

  private resetProducerId(cause: ErrorName): void {
    this.ctx.trace("producer.reset-producer-id", { oldProducerId: this.producerId, cause });
    this.producerId = -1;
    this.producerEpoch = -1;
    this.initProducerId();
  }
}

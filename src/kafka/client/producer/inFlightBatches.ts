import type { ProducerBatch } from "./producerBatch.js";

/** A ProduceRequest in flight: its batches, one per partition, and the leader it went to. */
export interface InFlightRequest {
  readonly batches: ProducerBatch[];
  readonly node: string;
}

/**
 * The producer's batches in flight (Kafka `Sender.inFlightBatches`, with the requests they travel in, as
 * `NetworkClient.inFlightRequests` keeps them): by ProduceRequest (its correlation id) for the answer, and by
 * partition for muting (max.in.flight.requests.per.connection=1) and sequence order (a retried batch waits for the
 * earlier sequences of its partition). A batch is in flight from its request's write to its answer, its
 * connection's end, or its delivery timeout (`expire`); `batch.inFlight` holds its request's correlation id, -1 when
 * it is not in flight.
 */
export class InFlightBatches {
  private readonly requests = new Map<number, InFlightRequest>();
  private readonly byPartition = new Map<string, ProducerBatch[]>();

  /** Whether any request is in flight. */
  get isEmpty(): boolean {
    return this.requests.size === 0;
  }

  /** Sender.addToInflightBatches: `batches` are in flight in request `correlationId` to `node`. */
  add(correlationId: number, node: string, batches: ProducerBatch[]): void {
    for (const batch of batches) {
      batch.inFlight = correlationId;
      const list = this.byPartition.get(batch.key);
      if (list) list.push(batch);
      else this.byPartition.set(batch.key, [batch]);
    }
    this.requests.set(correlationId, { batches, node });
  }

  /**
   * The request `correlationId` ended (its answer came, or its connection closed): it leaves the table and is
   * returned with its batches (undefined: not in flight). Its batches stay in flight until `remove`d one by one.
   */
  takeRequest(correlationId: number): InFlightRequest | undefined {
    const f = this.requests.get(correlationId);
    if (f) this.requests.delete(correlationId);
    return f;
  }

  /** Sender.removeFromInflightBatches: the batch is no longer in flight (its answer came, or it expired). */
  remove(batch: ProducerBatch): void {
    batch.inFlight = -1;
    const list = this.byPartition.get(batch.key)!;
    list.splice(list.indexOf(batch), 1);
    if (list.length === 0) this.byPartition.delete(batch.key);
  }

  /** Whether partition `key` has a batch in flight (with a base sequence below `belowSequence`, when given). */
  has(key: string, belowSequence = Infinity): boolean {
    const list = this.byPartition.get(key);
    if (!list) return false;
    for (const b of list) if (b.baseSequence < belowSequence) return true;
    return false;
  }

  /**
   * Sender.getExpiredInflightBatches: each batch in flight created `deliveryTimeoutMs` or more before `nowMs` leaves
   * the in-flight table, is marked as maybe appended and handed to `onExpired`, in request order; its request's
   * answer later finds it no longer in flight. Returns when the next batch in flight expires (ms; Infinity: none).
   */
  expire(nowMs: number, deliveryTimeoutMs: number, onExpired: (batch: ProducerBatch) => void): number {
    let next = Infinity;
    for (const f of this.requests.values()) {
      for (const b of f.batches) {
        if (b.inFlight < 0) continue;
        if (nowMs - b.createdMs >= deliveryTimeoutMs) {
          this.remove(b);
          b.maybeAppended = true;
          onExpired(b);
        } else next = Math.min(next, b.createdMs + deliveryTimeoutMs);
      }
    }
    return next;
  }
}

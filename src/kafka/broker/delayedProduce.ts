import type { ActorContext, Timer } from "../../sim/index.js";
import type { ErrorName } from "../protocol/errors.js";

/** Completion of a leader append once its acks are satisfied, or its failure. Offsets are the batch's first. */
export type AppendDone = (error: ErrorName, baseOffset: number) => void;

/** What a delayed produce reads of its partition. */
export interface ProduceWaitSource {
  readonly highWatermark: number;
  readonly isrState: { readonly isr: readonly string[] };
  /** Partition.checkEnoughReplicasReachOffset's verdict once the HW passed the batch. */
  enoughReplicasError(): ErrorName;
  trace(type: string, data: Record<string, unknown>): void;
}

interface DelayedProduce {
  id: number;
  done: AppendDone;
  requiredOffset: number;
  baseOffset: number;
  timer: number;
}

/**
 * The acks=all appends of one partition waiting for the high watermark to pass them (Kafka `DelayedProduce` in
 * `ReplicaManager`'s produce purgatory, keyed by partition): each completes when the HW reaches its last offset,
 * with NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below min.insync.replicas meanwhile, or with
 * REQUEST_TIMED_OUT after the request's timeout, or NOT_LEADER_OR_FOLLOWER when leadership moves away.
 */
export class DelayedProducePurgatory {
  private waiting: DelayedProduce[] = [];
  private nextId = 0;
  private readonly timeout: Timer<number>;

  constructor(
    ctx: ActorContext,
    private readonly p: ProduceWaitSource,
  ) {
    this.timeout = ctx.timer((id) => this.expire(id));
  }

  /** Completes at once if the HW is already at `requiredOffset` (one past the batch); otherwise waits for it. */
  tryCompleteElseWatch(requiredOffset: number, baseOffset: number, timeoutMs: number, done: AppendDone): void {
    if (this.p.highWatermark >= requiredOffset) return done(this.p.enoughReplicasError(), baseOffset);
    // Stryker disable next-line UpdateOperator: counting down gives distinct ids all the same
    const id = this.nextId++;
    const timer = this.timeout.set(timeoutMs, id);
    this.waiting.push({ id, done, requiredOffset, baseOffset, timer });
  }

  /** The HW moved or the ISR changed: complete what the HW has passed. */
  checkAndComplete(): void {
    // Stryker disable next-line ConditionalExpression: a shortcut; the loop over no appends does nothing either
    if (this.waiting.length === 0) return;
    const still: DelayedProduce[] = [];
    for (const d of this.waiting) {
      if (this.p.highWatermark >= d.requiredOffset) {
        this.timeout.cancel(d.timer);
        d.done(this.p.enoughReplicasError(), d.baseOffset);
      } else still.push(d);
    }
    this.waiting = still;
  }

  /** Leadership moved away: every waiting append fails. */
  failAll(): void {
    for (const d of this.waiting) {
      this.timeout.cancel(d.timer);
      d.done("NOT_LEADER_OR_FOLLOWER", -1);
    }
    this.waiting = [];
  }

  private expire(id: number): void {
    const i = this.waiting.findIndex((d) => d.id === id);
    // Stryker disable next-line ConditionalExpression: a completed append's timer is cancelled, so it never expires
    if (i < 0) return;
    const [d] = this.waiting.splice(i, 1);
    this.p.trace("partition.produce-timeout", { requiredOffset: d.requiredOffset, highWatermark: this.p.highWatermark, isr: this.p.isrState.isr });
    d.done("REQUEST_TIMED_OUT", -1);
  }
}

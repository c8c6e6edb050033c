import { NO_PRODUCER_EPOCH } from "../log/recordBatch.js";
import { type TransactionState, VALID_PREVIOUS_STATES } from "./transactionState.js";

export const NO_PRODUCER_ID = -1;
const SHORT_MAX = 32767;

/** A prepared transition, written to the transaction log before it takes effect (`TxnTransitMetadata`). */
export interface TxnTransitMetadata {
  producerId: number;
  lastProducerId: number;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  txnState: TransactionState;
  topicPartitions: readonly string[];
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
}

/** An illegal transition: in Kafka an IllegalStateException, i.e. a coordinator bug, never a client error. */
export class IllegalTransition extends Error {}

export type EpochBump = { ok: true; transit: TxnTransitMetadata } | { ok: false; error: "PRODUCER_FENCED" };

/**
 * One transactional id's state at the coordinator (Kafka `TransactionMetadata`): a transition is first prepared
 * (only towards a state whose valid previous states include the current one, and one at a time: `pendingState`),
 * then completed once its log record is replicated, with Kafka's consistency checks.
 */
export class TransactionMetadata {
  pendingState: TransactionState | null = null;
  /** A fence whose log write failed is not bumped again (nobody has been handed the bumped epoch). */
  hasFailedEpochFence = false;
  topicPartitions = new Set<string>();

  constructor(
    readonly transactionalId: string,
    public producerId: number,
    public lastProducerId: number,
    public producerEpoch: number,
    public lastProducerEpoch: number,
    public txnTimeoutMs: number,
    public state: TransactionState,
    public txnStartTimestamp: number,
    public txnLastUpdateTimestamp: number,
  ) {}

  static create(transactionalId: string, producerId: number, txnTimeoutMs: number, nowMs: number): TransactionMetadata {
    return new TransactionMetadata(transactionalId, producerId, NO_PRODUCER_ID, NO_PRODUCER_EPOCH, NO_PRODUCER_EPOCH, txnTimeoutMs, "Empty", -1, nowMs);
  }

  get isProducerEpochExhausted(): boolean {
    return this.producerEpoch >= SHORT_MAX - 1;
  }

  get hasPendingTransaction(): boolean {
    return this.state === "Ongoing" || this.state === "PrepareAbort" || this.state === "PrepareCommit";
  }

  prepareFenceProducerEpoch(): TxnTransitMetadata {
    if (this.producerEpoch === SHORT_MAX) throw new IllegalTransition("cannot fence a producer at epoch Short.MaxValue");
    const bumped = this.hasFailedEpochFence ? this.producerEpoch : this.producerEpoch + 1;
    return this.prepareTransitionTo("PrepareEpochFence", this.producerId, bumped, NO_PRODUCER_EPOCH, this.txnTimeoutMs, [...this.topicPartitions], this.txnStartTimestamp, this.txnLastUpdateTimestamp);
  }

  /**
   * TransactionCoordinator.endTransaction for a fence: the pending PrepareEpochFence is dropped in favour of an
   * abort at the bumped epoch, which is never handed to any client (the caller gets CONCURRENT_TRANSACTIONS and
   * retries, bumping again).
   */
  applyEpochFence(t: TxnTransitMetadata): void {
    if (this.pendingState !== "PrepareEpochFence" || t.txnState !== "PrepareEpochFence") throw new IllegalTransition("no epoch fence pending");
    this.pendingState = null;
    this.producerEpoch = t.producerEpoch;
    this.lastProducerEpoch = NO_PRODUCER_EPOCH;
  }

  /**
   * InitProducerId on an existing id (KIP-360 rules): without an expected epoch, bump and forget the last epoch;
   * with the current epoch (or none yet), bump and remember the old one; with the last epoch, a retry of a
   * successful bump: return the current one; anything else is a fenced producer.
   */
  prepareIncrementProducerEpoch(newTxnTimeoutMs: number, expectedProducerEpoch: number | null, nowMs: number): EpochBump {
    if (this.isProducerEpochExhausted) throw new IllegalTransition(`no more epochs for producer id ${this.producerId}`);
    const bumped = this.producerEpoch + 1;
    let next: number;
    let last: number;
    if (expectedProducerEpoch === null) [next, last] = [bumped, NO_PRODUCER_EPOCH];
    else if (this.producerEpoch === NO_PRODUCER_EPOCH || expectedProducerEpoch === this.producerEpoch) [next, last] = [bumped, this.producerEpoch];
    else if (expectedProducerEpoch === this.lastProducerEpoch) [next, last] = [this.producerEpoch, this.lastProducerEpoch];
    else return { ok: false, error: "PRODUCER_FENCED" };
    return { ok: true, transit: this.prepareTransitionTo("Empty", this.producerId, next, last, newTxnTimeoutMs, [], -1, nowMs) };
  }

  prepareProducerIdRotation(newProducerId: number, newTxnTimeoutMs: number, nowMs: number, recordLastEpoch: boolean): TxnTransitMetadata {
    if (this.hasPendingTransaction) throw new IllegalTransition("cannot rotate producer ids while a transaction is pending");
    return this.prepareTransitionTo("Empty", newProducerId, 0, recordLastEpoch ? this.producerEpoch : NO_PRODUCER_EPOCH, newTxnTimeoutMs, [], -1, nowMs);
  }

  prepareAddPartitions(added: readonly string[], nowMs: number): TxnTransitMetadata {
    const start = this.state === "Empty" || this.state === "CompleteAbort" || this.state === "CompleteCommit" ? nowMs : this.txnStartTimestamp;
    return this.prepareTransitionTo("Ongoing", this.producerId, this.producerEpoch, this.lastProducerEpoch, this.txnTimeoutMs, [...new Set([...this.topicPartitions, ...added])], start, nowMs);
  }

  /**
   * EndTxn. With transaction version 2 (KIP-890 part 2) every commit or abort also bumps the epoch, so a late request
   * of the finished transaction is fenced by epoch.
   */
  prepareAbortOrCommit(newState: "PrepareCommit" | "PrepareAbort", nowMs: number, bumpEpoch = false): TxnTransitMetadata {
    const epoch = bumpEpoch ? this.producerEpoch + 1 : this.producerEpoch;
    const last = bumpEpoch ? this.producerEpoch : this.lastProducerEpoch;
    return this.prepareTransitionTo(newState, this.producerId, epoch, last, this.txnTimeoutMs, [...this.topicPartitions], this.txnStartTimestamp, nowMs);
  }

  prepareComplete(nowMs: number): TxnTransitMetadata {
    const newState = this.state === "PrepareCommit" ? "CompleteCommit" : "CompleteAbort";
    this.hasFailedEpochFence = false;
    return this.prepareTransitionTo(newState, this.producerId, this.producerEpoch, this.lastProducerEpoch, this.txnTimeoutMs, [], this.txnStartTimestamp, nowMs);
  }

  prepareDead(): TxnTransitMetadata {
    return this.prepareTransitionTo("Dead", this.producerId, this.producerEpoch, this.lastProducerEpoch, this.txnTimeoutMs, [], this.txnStartTimestamp, this.txnLastUpdateTimestamp);
  }

  /** `prepareTransitionTo`: one pending transition at a time, only to a state that may follow the current one. */
  prepareTransitionTo(
    newState: TransactionState,
    newProducerId: number,
    newEpoch: number,
    newLastEpoch: number,
    newTxnTimeoutMs: number,
    newTopicPartitions: readonly string[],
    newTxnStartTimestamp: number,
    updateTimestamp: number,
  ): TxnTransitMetadata {
    if (this.pendingState !== null) throw new IllegalTransition(`transition to ${newState} while ${this.pendingState} is pending`);
    if (newProducerId < 0) throw new IllegalTransition(`illegal producer id ${newProducerId}`);
    if (newState !== "Dead" && newEpoch < 0) throw new IllegalTransition(`illegal producer epoch ${newEpoch}`);
    if (!VALID_PREVIOUS_STATES[newState].includes(this.state)) throw new IllegalTransition(`${newState} cannot follow ${this.state}`);
    this.pendingState = newState;
    return {
      producerId: newProducerId,
      lastProducerId: this.producerId,
      producerEpoch: newEpoch,
      lastProducerEpoch: newLastEpoch,
      txnTimeoutMs: newTxnTimeoutMs,
      txnState: newState,
      topicPartitions: newTopicPartitions,
      txnStartTimestamp: newTxnStartTimestamp,
      txnLastUpdateTimestamp: updateTimestamp,
    };
  }

  /**
   * The log write of a prepared transition failed: drop it (the state is unchanged). A failed epoch fence is marked
   * by the coordinator, which knows the write was a fence's (the PrepareEpochFence itself is never written).
   */
  abortPendingTransition(): void {
    this.pendingState = null;
  }

  /** `completeTransitionTo`: applies a prepared transition after its log record was replicated, with Kafka's checks. */
  completeTransitionTo(t: TxnTransitMetadata): void {
    const to = this.pendingState;
    if (to === null) throw new IllegalTransition("completing a transition that was not prepared");
    if (to !== t.txnState) throw new IllegalTransition(`pending ${to} but completing ${t.txnState}`);
    const sameEpoch = t.producerEpoch === this.producerEpoch && t.producerId === this.producerId;
    const epochBump = t.producerEpoch === this.producerEpoch + 1 || (t.producerEpoch === 0 && t.producerId !== this.producerId);
    const fail = () => {
      throw new IllegalTransition(`${this.transactionalId}: unexpected metadata for ${t.txnState}`);
    };
    switch (to) {
      case "Empty":
        if ((this.producerEpoch !== t.producerEpoch && !epochBump) || t.topicPartitions.length > 0 || t.txnStartTimestamp !== -1) fail();
        this.txnTimeoutMs = t.txnTimeoutMs;
        this.producerEpoch = t.producerEpoch;
        this.lastProducerEpoch = t.lastProducerEpoch;
        this.producerId = t.producerId;
        this.lastProducerId = t.lastProducerId;
        break;
      case "Ongoing":
        if (!sameEpoch || ![...this.topicPartitions].every((tp) => t.topicPartitions.includes(tp)) || this.txnTimeoutMs !== t.txnTimeoutMs) fail();
        this.txnStartTimestamp = t.txnStartTimestamp;
        for (const tp of t.topicPartitions) this.topicPartitions.add(tp);
        break;
      case "PrepareCommit":
      case "PrepareAbort": {
        // A TV2 end bumps the epoch: accept the bump as well as the same epoch.
        const same = new Set(t.topicPartitions);
        if (!(sameEpoch || (epochBump && t.producerId === this.producerId)) || same.size !== this.topicPartitions.size || [...this.topicPartitions].some((tp) => !same.has(tp)) || this.txnTimeoutMs !== t.txnTimeoutMs || this.txnStartTimestamp !== t.txnStartTimestamp) fail();
        this.producerEpoch = t.producerEpoch;
        this.lastProducerEpoch = t.lastProducerEpoch;
        break;
      }
      case "CompleteCommit":
      case "CompleteAbort":
        if (!sameEpoch || this.txnTimeoutMs !== t.txnTimeoutMs || t.txnStartTimestamp === -1) fail();
        this.txnStartTimestamp = t.txnStartTimestamp;
        this.topicPartitions.clear();
        break;
      case "PrepareEpochFence":
        // Never completed: the fence goes on to PrepareAbort at once (TransactionCoordinator).
        fail();
        break;
      case "Dead":
        throw new IllegalTransition(`${this.transactionalId}: a Dead transition ends in removal, not in the log`);
    }
    this.txnLastUpdateTimestamp = t.txnLastUpdateTimestamp;
    this.pendingState = null;
    this.state = to;
  }
}

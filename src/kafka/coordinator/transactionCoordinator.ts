import type { ActorContext, ConnectionId, Timer } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { ErrorName } from "../protocol/errors.js";
import type { InitProducerIdRequest, InitProducerIdResponse } from "../protocol/messages.js";
import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  EndTxnRequest,
  EndTxnResponse,
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
} from "../protocol/transactionMessages.js";
import { CONSUMER_OFFSETS_TOPIC, offsetsPartitionFor } from "./offsetLog.js";
import type { CoordinatorReplica, PartitionWriter } from "./partitionWriter.js";
import { encodeTransit, loadTransactions, TRANSACTION_STATE_TOPIC, transactionLogPartitionFor } from "./transactionLog.js";
import { TransactionMetadata, type TxnTransitMetadata } from "./transactionMetadata.js";

export interface CoordinatorHost {
  ctx: ActorContext;
  numPartitions: number;
  /** Partitions of __consumer_offsets (AddOffsetsToTxn adds the group's one to the transaction). */
  offsetsNumPartitions: number;
  maxTimeoutMs: number;
  cleanupIntervalMs: number;
  /** transactional.id.expiration.ms and transaction.remove.expired.transaction.cleanup.interval.ms. */
  transactionalIdExpirationMs: number;
  removeExpiredIntervalMs: number;
  /** Transaction version 2 (KIP-890 part 2): every commit or abort bumps the producer epoch. */
  transactionVersion: 1 | 2;
  /** The broker's request.timeout.ms: how long a WriteTxnMarkers request may go unanswered. */
  requestTimeoutMs: number;
  /** The `__transaction_state` partitions, through the broker's replica manager. */
  writer: PartitionWriter;
  leaderOf(topic: string, partition: number): string | null;
  allocateProducerId(): number;
  /** The NetworkClient that carries markers to partition leaders (Kafka `TransactionMarkerChannelManager`). */
  markerClient: NetworkClient;
}

interface Loaded {
  coordinatorEpoch: number;
  txns: Map<string, TransactionMetadata>;
}

interface MarkerInFlight {
  transactionalId: string;
  tp: string;
}

const MARKER_RETRY_MS = 100;

/**
 * The transaction coordinator on a broker (Kafka `TransactionCoordinator` + `TransactionStateManager` +
 * `TransactionMarkerChannelManager`): it owns the transactional ids of the `__transaction_state` partitions this
 * broker leads, with the partition's leader epoch as the coordinator epoch; every state change is written to that
 * partition and applied once replicated; a new leader loads the partition's log. EndTxn writes PrepareCommit or
 * PrepareAbort, answers, sends markers to every partition of the transaction, then writes the Complete state.
 * Transactional ids idle for transactional.id.expiration.ms are removed with a tombstone (Dead).
 */
export class TransactionCoordinator {
  private readonly loaded = new Map<number, Loaded>();
  private readonly markersInFlight = new Map<number, MarkerInFlight>();
  /** Transactional id → partitions still waiting for their marker. */
  private readonly pendingMarkers = new Map<string, Set<string>>();
  /** Transactions whose markers are all written and whose Complete write is to be retried (txnLogAppendRetryQueue). */
  private readonly appendRetry = new Set<string>();
  private cleanupTimer = -1;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms. */
  private readonly cleanup: Timer;
  /** transaction.remove.expired.transaction.cleanup.interval.ms (TransactionStateManager.enableTransactionalIdExpiration). */
  private readonly expiration: Timer;
  private expirationTimer = -1;
  /** A transaction's markers to retry (a leader unknown, a marker refused or unanswered, the Complete write failed). */
  private readonly markerRetry: Timer<string>;

  constructor(private readonly host: CoordinatorHost) {
    this.cleanup = host.ctx.timer(() => {
      this.cleanupTimer = this.loaded.size > 0 ? this.cleanup.set(this.host.cleanupIntervalMs) : -1;
      this.abortTimedOutTransactions();
    });
    this.markerRetry = host.ctx.timer((transactionalId) => this.retryMarkers(transactionalId));
    this.expiration = host.ctx.timer(() => {
      this.expirationTimer = this.loaded.size > 0 ? this.expiration.set(this.host.removeExpiredIntervalMs) : -1;
      this.removeExpiredTransactionalIds();
    });
  }

  private replica(index: number): CoordinatorReplica | undefined {
    return this.host.writer.replica(TRANSACTION_STATE_TOPIC, index);
  }

  private get ctx(): ActorContext {
    return this.host.ctx;
  }

  partitionFor(transactionalId: string): number {
    return transactionLogPartitionFor(transactionalId, this.host.numPartitions);
  }

  // ---- leadership of __transaction_state partitions ----

  /** This broker became leader of a transaction log partition: load it (TransactionStateManager.loadTransactionsForTxnTopicPartition). */
  onBecomeLeader(index: number, leaderEpoch: number): void {
    const p = this.replica(index);
    if (!p) return;
    const records = p.log.batches.flatMap((b) => (b.isControl ? [] : [...b.records]));
    const txns = loadTransactions(records, this.ctx.nowMs);
    this.loaded.set(index, { coordinatorEpoch: leaderEpoch, txns });
    this.ctx.trace("txn-coordinator.load", { partition: index, coordinatorEpoch: leaderEpoch, transactionalIds: txns.size });
    // Transactions caught between Prepare and Complete: finish sending their markers.
    for (const m of txns.values()) if (m.state === "PrepareCommit" || m.state === "PrepareAbort") this.sendMarkers(m);
    if (this.cleanupTimer < 0) this.cleanupTimer = this.cleanup.set(this.host.cleanupIntervalMs);
    if (this.expirationTimer < 0) this.expirationTimer = this.expiration.set(this.host.removeExpiredIntervalMs);
  }

  onResign(index: number): void {
    if (this.loaded.delete(index)) this.ctx.trace("txn-coordinator.unload", { partition: index });
    for (const id of this.appendRetry) if (this.partitionFor(id) === index) this.appendRetry.delete(id);
  }

  private owner(transactionalId: string): Loaded | ErrorName {
    const p = this.replica(this.partitionFor(transactionalId));
    const l = this.loaded.get(this.partitionFor(transactionalId));
    if (!p || p.role !== "leader" || !l) return "NOT_COORDINATOR";
    if (l.coordinatorEpoch !== p.leaderEpoch) return "NOT_COORDINATOR";
    return l;
  }

  /** Writes a prepared transition to the transaction log; applies it once replicated (acks=all). */
  private write(m: TransactionMetadata, t: TxnTransitMetadata, then: (error: ErrorName) => void): void {
    const index = this.partitionFor(m.transactionalId);
    const p = this.replica(index);
    const epochAtWrite = this.loaded.get(index)?.coordinatorEpoch;
    if (!p) {
      m.abortPendingTransition();
      return then("NOT_COORDINATOR");
    }
    const batch = { producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: [{ key: m.transactionalId, value: encodeTransit(t) }], sizeBytes: 200 };
    // TransactionStateManager.appendTransactionToLog waits for acks=all at most the transaction's timeout.
    this.host.writer.append(TRANSACTION_STATE_TOPIC, index, batch, t.txnTimeoutMs, (error) => {
      if (error !== "NONE" || this.loaded.get(index)?.coordinatorEpoch !== epochAtWrite) {
        m.abortPendingTransition();
        return then(error === "NOT_LEADER_OR_FOLLOWER" || error === "NONE" ? "NOT_COORDINATOR" : "COORDINATOR_NOT_AVAILABLE");
      }
      m.completeTransitionTo(t);
      this.ctx.trace("txn-coordinator.state", { transactionalId: m.transactionalId, state: m.state, producerId: m.producerId, producerEpoch: m.producerEpoch, partitions: [...m.topicPartitions] });
      then("NONE");
    });
  }

  // ---- requests ----

  /**
   * TransactionCoordinator.handleInitProducerId (kafka-facts §5.3). Without a transactional id (an idempotent
   * producer) it hands out a new producer id at epoch 0 and writes nothing; with one, it owns the id's state.
   */
  handleInitProducerId(from: string, req: InitProducerIdRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName, producerId = -1, producerEpoch = -1) =>
      this.ctx.write(conn, { type: "InitProducerIdResponse", correlationId: req.correlationId, error, producerId, producerEpoch } satisfies InitProducerIdResponse);
    if (req.transactionalId === null) {
      const producerId = this.host.allocateProducerId();
      this.ctx.trace("broker.init-producer-id", { producerId, producerEpoch: 0, for: from });
      return reply("NONE", producerId, 0);
    }
    const transactionalId = req.transactionalId;
    const owner = this.owner(transactionalId);
    if (typeof owner === "string") return reply(owner);
    if (req.transactionTimeoutMs > this.host.maxTimeoutMs || req.transactionTimeoutMs <= 0) return reply("INVALID_TRANSACTION_TIMEOUT");
    let m = owner.txns.get(transactionalId);
    if (!m) {
      m = TransactionMetadata.create(transactionalId, this.host.allocateProducerId(), req.transactionTimeoutMs, this.ctx.nowMs);
      owner.txns.set(transactionalId, m);
    }
    if (m.pendingState !== null || m.state === "PrepareCommit" || m.state === "PrepareAbort" || m.state === "Dead") return reply("CONCURRENT_TRANSACTIONS");
    if (m.state === "Ongoing") {
      // Zombie fencing: bump the epoch and abort the open transaction; once PrepareAbort is written the caller is
      // told to retry (CONCURRENT_TRANSACTIONS), and if the write fails it gets the write's error
      // (handleInitProducerId's sendRetriableErrorCallback, called back by endTransaction).
      this.ctx.trace("txn-coordinator.fence", { transactionalId: m.transactionalId, producerId: m.producerId, oldEpoch: m.producerEpoch, reason: "InitProducerId during an open transaction" });
      return this.abortByFence(m, false, (error) => reply(error === "NONE" ? "CONCURRENT_TRANSACTIONS" : error));
    }
    let transit: TxnTransitMetadata;
    if (m.isProducerEpochExhausted) transit = m.prepareProducerIdRotation(this.host.allocateProducerId(), req.transactionTimeoutMs, this.ctx.nowMs, req.producerId >= 0);
    else {
      if (req.producerId >= 0 && req.producerId !== m.producerId) return reply("PRODUCER_FENCED");
      const bump = m.prepareIncrementProducerEpoch(req.transactionTimeoutMs, req.producerId >= 0 ? req.producerEpoch : null, this.ctx.nowMs);
      if (!bump.ok) {
        this.ctx.trace("txn-coordinator.reject", { transactionalId: m.transactionalId, request: "InitProducerId", error: bump.error, producerEpoch: req.producerEpoch, currentEpoch: m.producerEpoch });
        return reply(bump.error);
      }
      transit = bump.transit;
    }
    const meta = m;
    this.write(meta, transit, (error) => (error === "NONE" ? reply("NONE", meta.producerId, meta.producerEpoch) : reply(error)));
  }

  /** Checks shared by AddPartitionsToTxn and EndTxn: the caller's id and epoch against the coordinator's. */
  private validate(m: TransactionMetadata | undefined, producerId: number, producerEpoch: number): ErrorName {
    if (!m || m.producerId !== producerId) return "INVALID_PRODUCER_ID_MAPPING";
    if (m.producerEpoch !== producerEpoch) return "PRODUCER_FENCED";
    if (m.pendingState !== null || m.state === "PrepareCommit" || m.state === "PrepareAbort") return "CONCURRENT_TRANSACTIONS";
    return "NONE";
  }

  handleAddPartitions(req: AddPartitionsToTxnRequest, conn: ConnectionId, answer?: (error: ErrorName) => void): void {
    const reply = answer ?? ((error: ErrorName) => this.ctx.write(conn, { type: "AddPartitionsToTxnResponse", correlationId: req.correlationId, error } satisfies AddPartitionsToTxnResponse));
    const owner = this.owner(req.transactionalId);
    if (typeof owner === "string") return reply(owner);
    const m = owner.txns.get(req.transactionalId);
    if (req.verifyOnly) {
      // KIP-890 part 1 (TransactionCoordinator.handleVerifyPartitionsInTransaction): another partition being added
      // (a pending write) does not matter; what matters is whether these partitions are in the open transaction.
      const error: ErrorName = !m || m.producerId !== req.producerId ? "INVALID_PRODUCER_ID_MAPPING" : m.producerEpoch !== req.producerEpoch ? "PRODUCER_FENCED" : "NONE";
      const ok = error === "NONE" && m!.state === "Ongoing" && req.partitions.every((tp) => m!.topicPartitions.has(tp));
      if (!ok) this.ctx.trace("txn-coordinator.verification-failed", { transactionalId: req.transactionalId, partitions: req.partitions, state: m?.state ?? null, error });
      return reply(ok ? "NONE" : error === "PRODUCER_FENCED" ? "INVALID_PRODUCER_EPOCH" : "INVALID_TXN_STATE");
    }
    const error = this.validate(m, req.producerId, req.producerEpoch);
    if (error !== "NONE") {
      this.ctx.trace("txn-coordinator.reject", { transactionalId: req.transactionalId, request: "AddPartitionsToTxn", error, producerEpoch: req.producerEpoch, currentEpoch: m?.producerEpoch ?? null });
      return reply(error);
    }
    if (m!.state === "Ongoing" && req.partitions.every((tp) => m!.topicPartitions.has(tp))) return reply("NONE");
    this.write(m!, m!.prepareAddPartitions(req.partitions, this.ctx.nowMs), reply);
  }

  /** AddOffsetsToTxn: the group's __consumer_offsets partition joins the transaction, as AddPartitionsToTxn does. */
  handleAddOffsets(req: AddOffsetsToTxnRequest, conn: ConnectionId): void {
    const tp = `${CONSUMER_OFFSETS_TOPIC}-${offsetsPartitionFor(req.groupId, this.host.offsetsNumPartitions)}`;
    this.handleAddPartitions(
      { type: "AddPartitionsToTxn", correlationId: req.correlationId, transactionalId: req.transactionalId, producerId: req.producerId, producerEpoch: req.producerEpoch, partitions: [tp], verifyOnly: false },
      conn,
      (error) => this.ctx.write(conn, { type: "AddOffsetsToTxnResponse", correlationId: req.correlationId, error } satisfies AddOffsetsToTxnResponse),
    );
  }

  /** TransactionCoordinator.handleEndTransaction. */
  handleEndTxn(req: EndTxnRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName, producerId = req.producerId, producerEpoch = req.producerEpoch) =>
      this.ctx.write(conn, { type: "EndTxnResponse", correlationId: req.correlationId, error, producerId, producerEpoch } satisfies EndTxnResponse);
    const owner = this.owner(req.transactionalId);
    if (typeof owner === "string") return reply(owner);
    const m = owner.txns.get(req.transactionalId);
    const error = this.endTxnError(m, req.producerId, req.producerEpoch, req.commit);
    if (error === "NONE_COMPLETED") return reply("NONE", m!.producerId, m!.producerEpoch); // a retry of a finished end
    if (error !== "NONE") {
      this.ctx.trace("txn-coordinator.reject", { transactionalId: req.transactionalId, request: req.commit ? "EndTxn(commit)" : "EndTxn(abort)", error, producerEpoch: req.producerEpoch, currentEpoch: m?.producerEpoch ?? null });
      return reply(error);
    }
    const meta = m!;
    this.write(meta, meta.prepareAbortOrCommit(req.commit ? "PrepareCommit" : "PrepareAbort", this.ctx.nowMs, this.host.transactionVersion === 2), (err) => {
      if (err !== "NONE") return reply(err);
      reply("NONE", meta.producerId, meta.producerEpoch);
      this.sendMarkers(meta);
    });
  }

  /**
   * TransactionCoordinator.endTransaction's checks for a client's EndTxn, in its order: the producer id
   * (INVALID_PRODUCER_ID_MAPPING), the epoch (PRODUCER_FENCED), a write pending (CONCURRENT_TRANSACTIONS), then the
   * state: Ongoing may end ("NONE"); the same end already complete answers again ("NONE_COMPLETED"), or still being
   * prepared CONCURRENT_TRANSACTIONS; the other end, or Empty/Dead, INVALID_TXN_STATE. With TV2 the epoch check
   * depends on the state (`isValidEpoch`): EndTxn bumps the epoch, so an Ongoing/Empty/Dead transaction needs the
   * current epoch, while a Prepare or Complete state needs the epoch before the bump (`endTxnEpochBumped`: a retry
   * of the EndTxn that bumped it, e.g. resent to a new coordinator). With TV1, strict equality.
   */
  private endTxnError(m: TransactionMetadata | undefined, producerId: number, producerEpoch: number, commit: boolean): ErrorName | "NONE_COMPLETED" {
    if (!m || m.producerId !== producerId) return "INVALID_PRODUCER_ID_MAPPING";
    const tv2 = this.host.transactionVersion === 2 && m.pendingState !== "PrepareEpochFence";
    // With TV2 a Prepare or Complete state takes only the retry of the EndTxn that bumped it (endTxnEpochBumped).
    const retryOnly = tv2 && (m.state === "PrepareCommit" || m.state === "PrepareAbort" || m.state === "CompleteCommit" || m.state === "CompleteAbort");
    const validEpoch = retryOnly ? m.producerEpoch === producerEpoch + 1 : producerEpoch === m.producerEpoch;
    if (!validEpoch) return "PRODUCER_FENCED";
    if (m.pendingState !== null && m.pendingState !== "PrepareEpochFence") return "CONCURRENT_TRANSACTIONS";
    switch (m.state) {
      case "Ongoing":
        return "NONE";
      case "CompleteCommit":
        return commit ? "NONE_COMPLETED" : "INVALID_TXN_STATE";
      case "CompleteAbort":
        return commit ? "INVALID_TXN_STATE" : "NONE_COMPLETED";
      case "PrepareCommit":
        return commit ? "CONCURRENT_TRANSACTIONS" : "INVALID_TXN_STATE";
      case "PrepareAbort":
        return commit ? "INVALID_TXN_STATE" : "CONCURRENT_TRANSACTIONS";
      default:
        return "INVALID_TXN_STATE";
    }
  }

  /**
   * Fence an open transaction by bumping the epoch and aborting it: for a new instance's InitProducerId (the old one
   * is a zombie) or for a timeout. With TV1, after a timeout the old epoch is remembered, so the timed-out producer
   * can recover with InitProducerId (KIP-588); after a fence by a new instance it cannot. With TV2 the abort's own
   * bump makes the fence's epoch the last one, as in Kafka, so neither can. `done` hears how the PrepareAbort
   * write ended (then the markers go out). As in TransactionCoordinator.endTransaction, the bumped epoch stays even
   * if that write fails, and the metadata is marked `hasFailedEpochFence` so the next fence does not bump again: the
   * bumped epoch has not been handed to anyone.
   */
  private abortByFence(m: TransactionMetadata, rememberOldEpoch: boolean, done: (error: ErrorName) => void = () => {}): void {
    const oldEpoch = m.producerEpoch;
    const fence = m.prepareFenceProducerEpoch();
    m.applyEpochFence(fence);
    if (rememberOldEpoch) m.lastProducerEpoch = oldEpoch;
    // endTransaction(isFromClient = false): with TV2 the PrepareAbort bumps the epoch again (prepareAbortOrCommit with
    // a version that supportsEpochBump), so the fenced transaction ends at epoch + 2 with the fence's epoch as the last
    // one; a retried EndTxn of the old epoch is then no retry (endTxnEpochBumped) and is PRODUCER_FENCED.
    this.write(m, m.prepareAbortOrCommit("PrepareAbort", this.ctx.nowMs, this.host.transactionVersion === 2), (error) => {
      if (error !== "NONE") {
        m.hasFailedEpochFence = true;
        this.ctx.trace("txn-coordinator.fence-failed", { transactionalId: m.transactionalId, producerId: m.producerId, producerEpoch: m.producerEpoch, error });
        return done(error);
      }
      done("NONE");
      this.sendMarkers(m);
    });
  }

  // ---- markers ----

  private sendMarkers(m: TransactionMetadata): void {
    this.appendRetry.delete(m.transactionalId);
    const pending = new Set(m.topicPartitions);
    this.pendingMarkers.set(m.transactionalId, pending);
    if (pending.size === 0) return this.complete(m);
    for (const tp of pending) this.sendMarker(m, tp);
  }

  private sendMarker(m: TransactionMetadata, tp: string): void {
    const i = tp.lastIndexOf("-");
    const topic = tp.slice(0, i);
    const partition = Number(tp.slice(i + 1));
    const leader = this.host.leaderOf(topic, partition);
    const owner = this.owner(m.transactionalId);
    if (typeof owner === "string") return; // no longer the coordinator: the new one resends
    if (leader === null) {
      this.markerRetry.set(MARKER_RETRY_MS, m.transactionalId);
      return;
    }
    const client = this.host.markerClient;
    const id = client.correlationId();
    const req: WriteTxnMarkersRequest = { type: "WriteTxnMarkers", correlationId: id, producerId: m.producerId, producerEpoch: m.producerEpoch, coordinatorEpoch: owner.coordinatorEpoch, commit: m.state === "PrepareCommit", topic, partition };
    this.markersInFlight.set(id, { transactionalId: m.transactionalId, tp });
    client.sendWhenReady(leader, req, (res) => {
      if (res.type !== "Disconnected") return this.handleMarkersResponse(res);
      // Unanswered or disconnected: the leader may have moved; send the markers again. TransactionMarkerChannelManager's
      // NetworkClient times requests out after the broker's request.timeout.ms; the request then fails as disconnected
      // and TransactionMarkerRequestCompletionHandler re-enqueues its markers.
      const f = this.markersInFlight.get(id);
      if (!f) return;
      this.markersInFlight.delete(id);
      this.markerRetry.set(MARKER_RETRY_MS, f.transactionalId);
    }, this.host.requestTimeoutMs);
  }

  private handleMarkersResponse(res: WriteTxnMarkersResponse): void {
    const f = this.markersInFlight.get(res.correlationId);
    if (!f) return;
    this.markersInFlight.delete(res.correlationId);
    const owner = this.owner(f.transactionalId);
    if (typeof owner === "string") return;
    const m = owner.txns.get(f.transactionalId);
    const pending = this.pendingMarkers.get(f.transactionalId);
    if (!m || !pending) return;
    // TransactionMarkerRequestCompletionHandler: a fenced marker (stale coordinator or epoch) is done, the partition has
    // moved on; so is one refused for the partition's format (UNSUPPORTED_FOR_MESSAGE_FORMAT: "the producer would have
    // failed to send data to the failed topic", so the partition stops being waited for). Other errors are retried.
    if (res.error === "NONE" || res.error === "TRANSACTION_COORDINATOR_FENCED" || res.error === "INVALID_PRODUCER_EPOCH" || res.error === "UNSUPPORTED_FOR_MESSAGE_FORMAT") {
      pending.delete(f.tp);
      if (pending.size === 0) this.complete(m);
    } else this.markerRetry.set(MARKER_RETRY_MS, f.transactionalId);
  }

  /**
   * TransactionMarkerChannelManager.tryAppendToLog: every marker written, the Complete state is appended. If the
   * append fails with COORDINATOR_NOT_AVAILABLE (no acks=all in time, too few replicas) only the append is retried
   * (txnLogAppendRetryQueue), the markers are not sent again; NOT_COORDINATOR gives up, the partition's new
   * coordinator completes the transaction when it loads it.
   */
  private complete(m: TransactionMetadata): void {
    this.pendingMarkers.delete(m.transactionalId);
    if (m.pendingState !== null) return;
    this.write(m, m.prepareComplete(this.ctx.nowMs), (error) => {
      if (error !== "COORDINATOR_NOT_AVAILABLE") return;
      this.appendRetry.add(m.transactionalId);
      this.markerRetry.set(MARKER_RETRY_MS, m.transactionalId);
    });
  }

  private retryMarkers(transactionalId: string): void {
    const owner = this.owner(transactionalId);
    if (typeof owner === "string") return;
    const m = owner.txns.get(transactionalId);
    const pending = this.pendingMarkers.get(transactionalId);
    if (!m) return;
    if (!pending) {
      const retryAppend = this.appendRetry.delete(transactionalId);
      if ((m.state === "PrepareCommit" || m.state === "PrepareAbort") && m.pendingState === null) {
        if (retryAppend) this.complete(m);
        else this.sendMarkers(m);
      }
      return;
    }
    const inFlight = new Set([...this.markersInFlight.values()].filter((f) => f.transactionalId === transactionalId).map((f) => f.tp));
    for (const tp of pending) if (!inFlight.has(tp)) this.sendMarker(m, tp);
  }

  /** transaction.abort.timed.out.transaction.cleanup.interval.ms: abort transactions open past their timeout. */
  private abortTimedOutTransactions(): void {
    const now = this.ctx.nowMs;
    for (const l of this.loaded.values())
      for (const m of l.txns.values())
        if (m.state === "Ongoing" && m.pendingState === null && now > m.txnStartTimestamp + m.txnTimeoutMs) {
          this.ctx.trace("txn-coordinator.timeout", { transactionalId: m.transactionalId, producerId: m.producerId, producerEpoch: m.producerEpoch, openMs: Math.round(now - m.txnStartTimestamp) });
          this.abortByFence(m, true);
        }
  }

  /**
   * TransactionStateManager.removeExpiredTransactionalIds: every id this coordinator owns that may expire (Empty,
   * CompleteCommit or CompleteAbort, no transition pending: `TransactionState.isExpirationAllowed`) and whose last
   * update is at least transactional.id.expiration.ms old (`shouldExpire`) goes to Dead and its tombstone (key the
   * id, value null) is written to its __transaction_state partition; once it is replicated the metadata is removed
   * from the cache (`writeTombstonesForExpiredTransactionalIds`), else the pending Dead is dropped. A producer that
   * comes back with the id gets a new producer id at epoch 0 from InitProducerId; a zombie still holding the old
   * producer id is refused with INVALID_PRODUCER_ID_MAPPING by AddPartitionsToTxn and EndTxn.
   */
  private removeExpiredTransactionalIds(): void {
    const now = this.ctx.nowMs;
    for (const [index, l] of this.loaded)
      for (const m of [...l.txns.values()]) {
        if (m.pendingState !== null || !(m.state === "Empty" || m.state === "CompleteCommit" || m.state === "CompleteAbort")) continue;
        if (m.txnLastUpdateTimestamp > now - this.host.transactionalIdExpirationMs) continue;
        const transit = m.prepareDead();
        const epochAtWrite = l.coordinatorEpoch;
        const batch = { producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: [{ key: m.transactionalId, value: `tombstone:${m.transactionalId}`, tombstone: true as const }], sizeBytes: 100 };
        this.host.writer.append(TRANSACTION_STATE_TOPIC, index, batch, this.host.requestTimeoutMs, (error) => {
          const current = this.loaded.get(index);
          if (error === "NONE" && current?.coordinatorEpoch === epochAtWrite && m.pendingState === "Dead" && m.producerEpoch === transit.producerEpoch && current.txns.get(m.transactionalId) === m) {
            current.txns.delete(m.transactionalId);
            this.ctx.trace("txn-coordinator.expired", { transactionalId: m.transactionalId, producerId: m.producerId, producerEpoch: m.producerEpoch, idleMs: Math.round(now - m.txnLastUpdateTimestamp) });
          } else m.abortPendingTransition();
        });
      }
  }
}

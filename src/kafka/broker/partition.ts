import type { Timer } from "../../sim/index.js";
import type { RecordBatch } from "../log/recordBatch.js";
import { leaderRecoveryStateOf, type LeaderRecoveryState, type PartitionState } from "../metadata/records.js";
import type { ErrorName } from "../protocol/errors.js";
import type { FetchPartition } from "../protocol/messages.js";
import type { BrokerSettings } from "./brokerSettings.js";
import { type PartitionRead, readPartition } from "./logRead.js";
import { DelayedProducePurgatory } from "./delayedProduce.js";
import { committedIsr, type IsrState, pendingExpand, pendingShrink } from "./isrState.js";
import { Replica } from "./replica.js";
import { ReplicaLog, type ReplicaLogHost } from "./replicaLog.js";

/** AlterPartition errors after which Partition.handleAlterPartitionError waits for new metadata, the change still pending. */
const AWAIT_METADATA_ERRORS: ReadonlySet<string> = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "UNKNOWN_TOPIC_ID", "FENCED_LEADER_EPOCH", "INVALID_UPDATE_VERSION", "INVALID_REQUEST", "NEW_LEADER_ELECTED"]);

/** What a partition needs from its broker (the ReplicaManager). */
export interface PartitionHost extends ReplicaLogHost {
  settings: BrokerSettings;
  /** Effective min.insync.replicas for the topic: min(topic or broker setting, replication factor). */
  minIsr(topic: string, replicationFactor: number): number;
  /**
   * Partition.isReplicaIsrEligible (KRaft): the follower's broker is neither fenced nor in controlled shutdown
   * (KIP-841) in this broker's metadata image. Simplified: Kafka also requires the broker epoch of the follower's
   * fetch to match the image's; the model's fetches carry no broker epoch.
   */
  isReplicaIsrEligible(broker: string): boolean;
  sendAlterPartition(p: Partition, newIsr: string[]): void;
  /**
   * The broker's fetch purgatory should look at the fetches parked on this partition: its log grew, its HW (LSO)
   * moved or its leadership ended (Partition.tryCompleteDelayedRequests → delayedFetchPurgatory.checkAndComplete).
   */
  tryCompleteDelayedFetch(key: string): void;
}

/** A leader append's outcome (Kafka `LogAppendInfo`): the batch's offsets, or why nothing was appended. */
export type LeaderAppend = { ok: true; baseOffset: number; lastOffset: number } | { ok: false; error: ErrorName };

/** A follower fetch as the leader reads it: the batches from its fetch offset and the HW read before them, or an error. */
export type FollowerRead = ({ ok: true; highWatermark: number } & PartitionRead) | { ok: false; error: ErrorName; bytes: 0 };

/**
 * One partition's replica on one broker (Kafka `core/.../cluster/Partition.scala`): becoming leader or follower,
 * the leader's append (epoch and min.insync.replicas checks here, then the log's `appendAsLeader`), the followers'
 * fetch state, ISR shrink/expand through the controller and the high watermark. What waits on the partition — acks=all
 * appends, parked fetches — is in its purgatories, which it tells when the log grows, the HW moves or leadership
 * ends (Kafka's `tryCompleteDelayedRequests`). A follower's fetching is its broker's `ReplicaFetcherThread` for the leader.
 * The log and what Kafka's UnifiedLog keeps beside it (producer state, HW, rolls, retention) are its `ReplicaLog`.
 */
export class Partition extends ReplicaLog {
  replicas: string[] = [];
  leader: string | null = null;
  leaderEpoch = -1;
  partitionEpoch = -1;
  role: "leader" | "follower" | "none" = "none";
  isrState: IsrState = committedIsr([]);
  /**
   * KIP-704, Kafka's `partitionState.leaderRecoveryState`: a leader is RECOVERED from makeLeader on (Kafka's recovery
   * is immediate), so its AlterPartition requests carry RECOVERED; a follower keeps the metadata's; an AlterPartition
   * answer sets the controller's.
   */
  leaderRecoveryState: LeaderRecoveryState = "RECOVERED";
  private readonly followers = new Map<string, Replica>();
  private isrTimer = -1;
  /** Every replica.lag.time.max.ms / 2: the leader's ISR check (Kafka's isr-expiration task). */
  private readonly isrExpiration: Timer;
  /** acks=all appends waiting for the HW. */
  readonly delayedProduces: DelayedProducePurgatory;

  constructor(
    topic: string,
    partition: number,
    private readonly host: PartitionHost,
  ) {
    super(topic, partition, host);
    const ctx = host.ctx;
    this.isrExpiration = ctx.timer(() => this.maybeShrinkIsr());
    this.delayedProduces = new DelayedProducePurgatory(ctx, this);
  }

  /**
   * `Partition.deleteRecordsOnLeader`: moves the leader's log start to `offset` (-1: the HW, Kafka's
   * DeleteRecordsRequest.HIGH_WATERMARK). OFFSET_OUT_OF_RANGE above the HW; NOT_LEADER_OR_FOLLOWER off the leader;
   * POLICY_VIOLATION on a topic whose cleanup.policy has no `delete` (Kafka checks `leaderLog.config.delete` first).
   * Returns the error and the new log start (Kafka's low watermark is the smallest log start over the replicas; the
   * answer here does not wait for the followers: see README Fidelity).
   */
  deleteRecordsOnLeader(offset: number): { error: ErrorName; lowWatermark: number } {
    if (this.role !== "leader") return { error: "NOT_LEADER_OR_FOLLOWER", lowWatermark: -1 };
    if (!this.host.logConfig(this.topic).delete) return { error: "POLICY_VIOLATION", lowWatermark: -1 };
    const target = offset === -1 ? this.highWatermark : offset;
    if (target < 0 || target > this.highWatermark) return { error: "OFFSET_OUT_OF_RANGE", lowWatermark: -1 };
    const before = this.log.logStartOffset;
    if (this.log.maybeIncrementLogStartOffset(target)) {
      // UnifiedLog.maybeIncrementLogStartOffset → ProducerStateManager.onLogStartOffsetIncremented.
      this.producerState.onLogStartOffsetIncremented(target);
      this.trace("log.start-offset", { oldLogStartOffset: before, logStartOffset: target, reason: "DeleteRecords" });
    }
    return { error: "NONE", lowWatermark: this.log.logStartOffset };
  }

  get effectiveMinIsr(): number {
    return this.host.minIsr(this.topic, this.replicas.length);
  }

  // ---- metadata: becoming leader or follower (Partition.makeLeader / makeFollower) ----

  /**
   * Applies the partition's state from the metadata log. Returns what this replica became — "leader", "follower"
   * (of `state.leader`, or of nobody when it is null) — or null when its role did not change.
   */
  applyState(state: PartitionState): "leader" | "follower" | null {
    const me = this.ctx.name;
    this.replicas = state.replicas;
    if (state.leader === me) {
      if (state.leaderEpoch > this.leaderEpoch || this.role !== "leader") {
        this.makeLeader(state);
        return "leader";
      }
      if (state.partitionEpoch > this.partitionEpoch) {
        this.partitionEpoch = state.partitionEpoch;
        // Kafka's makeLeader at the same leader epoch: updateAssignmentAndIsr(..., RECOVERED).
        this.markRecovered(state);
        this.setIsr(committedIsr(state.isr), "metadata");
      }
      // Partition.updateAssignmentAndIsr: replicas a reassignment adds are followers from now on, never caught up.
      for (const r of state.replicas) if (r !== me && !this.followers.has(r)) this.followers.set(r, new Replica(Number.NEGATIVE_INFINITY));
      return null;
    }
    if (state.leaderEpoch > this.leaderEpoch || this.leader !== state.leader || this.role === "leader") {
      this.makeFollower(state);
      return "follower";
    }
    // Partition.makeFollower at the same leader: a state at our partition epoch or newer is taken (its recovery state too).
    if (state.partitionEpoch >= this.partitionEpoch) this.leaderRecoveryState = leaderRecoveryStateOf(state);
    this.partitionEpoch = Math.max(this.partitionEpoch, state.partitionEpoch);
    return null;
  }

  private makeLeader(state: PartitionState): void {
    const wasLeader = this.role === "leader";
    this.role = "leader";
    this.leader = this.ctx.name;
    this.leaderEpoch = state.leaderEpoch;
    this.partitionEpoch = state.partitionEpoch;
    // A new leader records where its epoch starts (PR #5678) so it can answer OffsetsForLeaderEpoch for it.
    this.log.epochCache.assign(state.leaderEpoch, this.log.logEndOffset);
    this.markRecovered(state);
    this.isrState = committedIsr(state.isr);
    this.followers.clear();
    // Replica.resetReplicaState: an ISR member counts as caught up now; any other one never was.
    for (const r of state.replicas) if (r !== this.ctx.name) this.followers.set(r, new Replica(state.isr.includes(r) ? this.ctx.nowUs : Number.NEGATIVE_INFINITY));
    this.trace("partition.become-leader", { leaderEpoch: this.leaderEpoch, isr: state.isr, logEndOffset: this.log.logEndOffset, highWatermark: this.highWatermark, wasLeader });
    if (this.isrTimer < 0) this.isrTimer = this.isrExpiration.set(this.host.settings.replicaLagTimeMaxMs / 2);
    this.maybeIncrementHighWatermark();
  }

  /**
   * Partition.makeLeader (KIP-704): a leader whose partition the controller marked RECOVERING (it was elected
   * uncleanly) marks it RECOVERED at once — "The topic partition … was marked as RECOVERING. Marking the topic
   * partition as RECOVERED." — and says so to the controller with its next AlterPartition (the ISR expansion that
   * adds the first follower back); until that is committed the controller refuses to grow the ISR of a RECOVERING
   * partition (validateAlterPartitionData).
   */
  private markRecovered(state: PartitionState): void {
    if (leaderRecoveryStateOf(state) === "RECOVERING") this.trace("partition.leader-recovered", { leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, from: "RECOVERING" });
    this.leaderRecoveryState = "RECOVERED";
  }

  private makeFollower(state: PartitionState): void {
    this.resignLeadership();
    this.role = state.leader === null ? "none" : "follower";
    this.leader = state.leader;
    this.leaderEpoch = state.leaderEpoch;
    this.partitionEpoch = state.partitionEpoch;
    // Partition.makeFollower → updateAssignmentAndIsr(isLeader = false, isr = Set.empty): a follower keeps no ISR and
    // no remote replica state (remoteReplicasMap.clear()); a later makeLeader builds both afresh.
    this.isrState = committedIsr([]);
    this.leaderRecoveryState = leaderRecoveryStateOf(state);
    this.followers.clear();
    this.trace("partition.become-follower", { leader: state.leader, leaderEpoch: state.leaderEpoch, logEndOffset: this.log.logEndOffset, highWatermark: this.highWatermark });
    // Fetches parked on the former leader learn NOT_LEADER_OR_FOLLOWER now.
    this.host.tryCompleteDelayedFetch(this.key);
  }

  private resignLeadership(): void {
    if (this.role !== "leader") return;
    this.delayedProduces.failAll();
    if (this.isrTimer >= 0) this.isrExpiration.cancel(this.isrTimer);
    this.isrTimer = -1;
  }

  /** Stops serving (the broker lost the partition or is shutting down); its fetcher is stopped by the caller. */
  stop(): void {
    this.resignLeadership();
    this.role = "none";
    this.host.tryCompleteDelayedFetch(this.key);
  }

  // ---- leader: epochs ----

  /** Partition.checkCurrentLeaderEpoch (KIP-320): -1 means "no epoch given". */
  checkLeaderEpoch(requestEpoch: number): ErrorName {
    if (requestEpoch < 0 || requestEpoch === this.leaderEpoch) return "NONE";
    return requestEpoch < this.leaderEpoch ? "FENCED_LEADER_EPOCH" : "UNKNOWN_LEADER_EPOCH";
  }

  /**
   * Partition.getLocalLog with requireLeader (`localLogWithEpochOrThrow(currentLeaderEpoch, fetchOnlyFromLeader =
   * true)`): the request's leader epoch is checked first, whatever this replica's role — FENCED_LEADER_EPOCH below
   * ours, UNKNOWN_LEADER_EPOCH above — and only a request at our epoch (or with none) is told NOT_LEADER_OR_FOLLOWER
   * by a replica that does not lead. A partition the broker does not host at all is ReplicaManager.getPartitionOrError's
   * (NOT_LEADER_OR_FOLLOWER / UNKNOWN_TOPIC_OR_PARTITION, no epoch check), not this.
   */
  checkLeaderAndEpoch(requestEpoch: number): ErrorName {
    const epochError = this.checkLeaderEpoch(requestEpoch);
    if (epochError !== "NONE") return epochError;
    return this.role === "leader" ? "NONE" : "NOT_LEADER_OR_FOLLOWER";
  }

  // ---- leader: appends (Partition.appendRecordsToLeader) ----

  /**
   * Partition.appendRecordsToLeader, for clients and for the broker's own writes (transaction markers, the
   * coordinators' logs): the epoch check, min.insync.replicas for acks=all (checked before the append: nothing is
   * written), then the log's append (ReplicaLog.appendAsLeader: validation, producer-state checks, the write) and the
   * HW. What the acks then wait for is the ReplicaManager's.
   */
  appendRecordsToLeader(batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, requiredAcks: -1 | 0 | 1, currentLeaderEpoch: number, from: string): LeaderAppend {
    // Kafka's appendRecordsToLeader checks only leaderLogIfLocal (Produce carries no leader epoch: clients send -1
    // here); a broker-internal write that names an epoch gets getLocalLog's order, the epoch first.
    const epochError = this.checkLeaderAndEpoch(currentLeaderEpoch);
    if (epochError !== "NONE") return { ok: false, error: epochError };
    if (requiredAcks === -1 && this.isrState.isr.length < this.effectiveMinIsr) {
      this.trace("partition.reject-produce", { error: "NOT_ENOUGH_REPLICAS", isr: this.isrState.isr, minIsr: this.effectiveMinIsr });
      return { ok: false, error: "NOT_ENOUGH_REPLICAS" };
    }
    const r = this.appendAsLeader(batch, this.leaderEpoch, requiredAcks, from);
    if (r.kind === "error") return { ok: false, error: r.error };
    // Partition.appendRecordsToLeader calls maybeIncrementLeaderHW after every append, a duplicate's too: a retry
    // is what moves a HW held back by a min.insync.replicas that was lowered at run time.
    if (r.kind === "duplicate") this.maybeIncrementHighWatermark();
    // ReplicaManager.appendRecords: the HW moved (its move checks the purgatory) or, if not, the fetches parked on
    // the partition look again anyway (LeaderHwChange.SAME): followers have data now, a marker may move the LSO.
    else if (!this.maybeIncrementHighWatermark()) this.host.tryCompleteDelayedFetch(this.key);
    return { ok: true, baseOffset: r.baseOffset, lastOffset: r.lastOffset };
  }

  /** Partition.checkEnoughReplicasReachOffset, once the HW has passed the batch: the maximal ISR is what counts. */
  enoughReplicasError(): ErrorName {
    return this.effectiveMinIsr <= this.isrState.maximalIsr.length ? "NONE" : "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
  }

  // ---- leader: follower fetches (Partition.fetchRecords for a follower) ----

  /**
   * A follower's fetch (Partition.fetchRecords with isFromFollower), its read: the checks, then up to `maxBytes` of
   * batches from the fetch offset to the log end (`readPartition`; with `minOneMessage` the first batch comes whole).
   * Partition.readRecords reads the HW before it reads the log (`initialHighWatermark`) and updateFollowerFetchState
   * (`followerFetched`, called after) runs after, so the answer carries the HW from before this fetch: a follower
   * learns an HW its own fetch moved on its next fetch. A broker that is not one of the replicas is refused
   * (Partition.followerReplicaOrThrow): UNKNOWN_LEADER_EPOCH when the fetch names the leader epoch,
   * NOT_LEADER_OR_FOLLOWER when it does not. The epoch is checked before the role (`checkLeaderAndEpoch`): a follower
   * answers a stale epoch FENCED_LEADER_EPOCH, a newer one UNKNOWN_LEADER_EPOCH. Changes nothing.
   */
  readForFollower(replicaId: string, req: FetchPartition, maxBytes: number, minOneMessage: boolean): FollowerRead {
    // Partition.fetchRecords (isFromFollower): localLogWithEpochOrThrow (epoch, then role), then followerReplicaOrThrow.
    const epochError = this.checkLeaderAndEpoch(req.currentLeaderEpoch);
    if (epochError !== "NONE") return { ok: false, error: epochError, bytes: 0 };
    if (!this.followers.has(replicaId)) return { ok: false, error: req.currentLeaderEpoch >= 0 ? "UNKNOWN_LEADER_EPOCH" : "NOT_LEADER_OR_FOLLOWER", bytes: 0 };
    // Partition.fetchRecords → UnifiedLog.read: below the log start or above the log end is out of range.
    if (req.fetchOffset > this.log.logEndOffset || req.fetchOffset < this.log.logStartOffset) return { ok: false, error: "OFFSET_OUT_OF_RANGE", bytes: 0 };
    // Built field by field: a spread copies through the slow path, and this runs for every partition of every Fetch.
    const read = readPartition(this.log, req.fetchOffset, this.log.logEndOffset, maxBytes, minOneMessage);
    return { ok: true, highWatermark: this.highWatermark, batches: read.batches, partialBytes: read.partialBytes, bytes: read.bytes };
  }

  /**
   * A follower's fetch of this partition alone (Kafka `Partition.fetchRecords`): `readForFollower`, then, if it read,
   * `followerFetched`. `maxBytes` defaults to the request's partition_max_bytes.
   */
  fetchRecordsForFollower(replicaId: string, req: FetchPartition, maxBytes = req.partitionMaxBytes, minOneMessage = true): FollowerRead {
    const r = this.readForFollower(replicaId, req, maxBytes, minOneMessage);
    if (r.ok) this.followerFetched(replicaId, req.fetchOffset);
    return r;
  }

  /**
   * The rest of a follower's fetch once its partition was read (`readForFollower` answered ok): the follower's fetch
   * state (Partition.updateFollowerFetchState), which may expand the ISR and move the HW.
   */
  followerFetched(replicaId: string, fetchOffset: number): void {
    const follower = this.followers.get(replicaId);
    if (follower) this.updateFollowerFetchState(replicaId, follower, fetchOffset);
  }

  /**
   * Partition.updateFollowerFetchState / Replica.updateFetchStateOrThrow: when did this follower last catch up with
   * the leader's log end? Then the ISR may expand, and the HW is recomputed if the follower's log end moved.
   */
  private updateFollowerFetchState(replica: string, f: Replica, fetchOffset: number): void {
    const previousLogEndOffset = f.updateFetchState(fetchOffset, this.log.logEndOffset, this.ctx.nowUs);
    this.maybeExpandIsr(replica, f);
    if (f.logEndOffset !== previousLogEndOffset) this.maybeIncrementHighWatermark();
  }

  /**
   * Partition.lastOffsetForLeaderEpoch (KIP-101): the largest epoch ≤ `leaderEpoch` this leader has, and its end;
   * FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH for a current epoch below / above ours, on a follower too, and
   * NOT_LEADER_OR_FOLLOWER on a replica that does not lead (`checkLeaderAndEpoch`).
   */
  lastOffsetForLeaderEpoch(currentLeaderEpoch: number, leaderEpoch: number): { error: ErrorName; leaderEpoch: number; endOffset: number } {
    // Partition.lastOffsetForLeaderEpoch: getLocalLog(currentLeaderEpoch, fetchOnlyFromLeader = true), epoch first.
    const epochError = this.checkLeaderAndEpoch(currentLeaderEpoch);
    if (epochError !== "NONE") return { error: epochError, leaderEpoch: -1, endOffset: -1 };
    const r = this.log.epochCache.endOffsetFor(leaderEpoch, this.log.logEndOffset);
    return { error: "NONE", leaderEpoch: r.epoch, endOffset: r.endOffset };
  }

  // ---- leader: ISR and HW ----

  /**
   * Partition.maybeIncrementLeaderHW: HW = min LEO over the leader, the maximal ISR and any follower outside it
   * that is caught up and eligible to join it (`shouldWaitForReplicaToJoinIsr`: caught up within
   * replica.lag.time.max.ms and not fenced or shutting down), never backwards, and not at all while the ISR is below
   * min.insync.replicas (KIP-966). Returns whether it moved.
   */
  maybeIncrementHighWatermark(): boolean {
    if (this.role !== "leader") return false;
    if (this.isrState.isr.length < this.effectiveMinIsr) return false;
    const leo = this.log.logEndOffset;
    const now = this.ctx.nowUs;
    let hw = leo;
    for (const [r, f] of this.followers) {
      if (f.logEndOffset >= hw) continue;
      if (this.isrState.maximalIsr.includes(r) || (this.isCaughtUp(f, leo, now) && this.host.isReplicaIsrEligible(r))) hw = f.logEndOffset;
    }
    if (hw <= this.highWatermark) return false;
    this.highWatermark = hw;
    this.ctx.trace("partition.hw", { tp: this.key, highWatermark: hw, leaderEpoch: this.leaderEpoch, isr: this.isrState.maximalIsr });
    this.delayedProduces.checkAndComplete();
    this.host.tryCompleteDelayedFetch(this.key);
    return true;
  }

  /**
   * Whether this leader's HW may be waiting for `replica` (shouldWaitForReplicaToJoinIsr): a follower outside the
   * maximal ISR, caught up within replica.lag.time.max.ms.
   */
  mayWaitFor(replica: string): boolean {
    if (this.role !== "leader" || this.isrState.maximalIsr.includes(replica)) return false;
    const f = this.followers.get(replica);
    return f !== undefined && this.isCaughtUp(f, this.log.logEndOffset, this.ctx.nowUs);
  }

  /** Periodic (every replica.lag.time.max.ms / 2): drop followers not caught up within replica.lag.time.max.ms. */
  maybeShrinkIsr(): boolean {
    this.isrTimer = this.isrExpiration.set(this.host.settings.replicaLagTimeMaxMs / 2);
    if (this.role !== "leader" || this.isrState.kind !== "committed") return false;
    const outOfSync = this.outOfSyncReplicas(this.ctx.nowUs);
    if (outOfSync.length === 0) return false;
    const newIsr = this.isrState.isr.filter((r) => !outOfSync.includes(r));
    this.trace("partition.isr-shrink", { outOfSync, oldIsr: this.isrState.isr, newIsr, lagMaxMs: this.host.settings.replicaLagTimeMaxMs });
    this.setIsr(pendingShrink(this.isrState, outOfSync), "shrink requested");
    this.host.sendAlterPartition(this, newIsr);
    return true;
  }

  /** Partition.getOutOfSyncReplicas: ISR followers whose last catch-up is older than replica.lag.time.max.ms. */
  outOfSyncReplicas(nowUs: number): string[] {
    const leo = this.log.logEndOffset;
    return this.isrState.isr.filter((r) => {
      if (r === this.ctx.name) return false;
      const f = this.followers.get(r);
      return !f || !this.isCaughtUp(f, leo, nowUs);
    });
  }

  /** ReplicaState.isCaughtUp: at the leader's log end, or caught up within replica.lag.time.max.ms. */
  private isCaughtUp(f: Replica, leaderLogEndOffset: number, nowUs: number): boolean {
    return f.isCaughtUp(leaderLogEndOffset, nowUs, this.host.settings.replicaLagTimeMaxMs);
  }

  /**
   * Partition.maybeExpandIsr: a follower rejoins once it reached the HW and the start of the leader's epoch (KIP-320
   * rule 4). Returns nothing, as Kafka's: what it did is the ISR state and the AlterPartition it sent.
   */
  private maybeExpandIsr(replica: string, f: Replica): void {
    if (this.isrState.kind !== "committed" || this.isrState.isr.includes(replica)) return;
    const epochStart = this.log.epochCache.startOffsetOf(this.leaderEpoch) ?? 0;
    if (f.logEndOffset < this.highWatermark || f.logEndOffset < epochStart) return;
    // Partition.canAddReplicaToIsr → isReplicaIsrEligible: a fenced or shutting-down broker is not proposed (KIP-841).
    if (!this.host.isReplicaIsrEligible(replica)) return;
    this.trace("partition.isr-expand", { replica, oldIsr: this.isrState.isr, followerLogEndOffset: f.logEndOffset });
    this.setIsr(pendingExpand(this.isrState, replica), "expand requested");
    this.host.sendAlterPartition(this, [...this.isrState.isr, replica]);
  }

  /**
   * The controller's answer to our AlterPartition (Partition.submitAlterPartition's completion). `proposed` is the
   * ISR state the request was sent from (default: the current one). An answer for a proposal that is no longer the
   * partition's state (the metadata moved it on and a newer request is in flight) is out of date and ignored:
   * undoing the newer pending change would let the controller's ISR hold a replica the leader's maximal ISR lacks.
   * Then, as Kafka's:
   * - success (handleAlterPartitionUpdate): committed, unless it names another leader epoch or an older partition
   *   epoch, when it is ignored and the change stays pending;
   * - OPERATION_NOT_ATTEMPTED, INELIGIBLE_REPLICA (handleAlterPartitionError): the controller says it applied
   *   nothing, so the last committed state comes back;
   * - UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, INVALID_REQUEST,
   *   NEW_LEADER_ELECTED: not retried; the change stays pending until the metadata's next state for the partition
   *   replaces it (no ISR check runs meanwhile: maybeShrinkIsr / maybeExpandIsr need a committed state);
   * - any other error: still pending, and the same change is sent again at once.
   * Top-level errors (NOT_CONTROLLER, STALE_BROKER_EPOCH) and unanswered requests never reach here: the
   * AlterPartitionManager sends those again itself.
   */
  alterPartitionDone(error: string, state: PartitionState | null, proposed: IsrState = this.isrState): void {
    if (this.role !== "leader" || proposed !== this.isrState || proposed.kind === "committed") return;
    if (error === "NONE" && state) {
      if (state.leaderEpoch !== this.leaderEpoch || state.partitionEpoch < this.partitionEpoch) return;
      this.partitionEpoch = state.partitionEpoch;
      // handleAlterPartitionUpdate: CommittedPartitionState(isr, the answer's leaderRecoveryState).
      this.leaderRecoveryState = leaderRecoveryStateOf(state);
      this.setIsr(committedIsr(state.isr), "AlterPartition committed");
      return;
    }
    this.trace("partition.alter-failed", { error });
    if (error === "OPERATION_NOT_ATTEMPTED" || error === "INELIGIBLE_REPLICA") this.setIsr(committedIsr(proposed.isr), `AlterPartition failed: ${error}`);
    else if (!AWAIT_METADATA_ERRORS.has(error)) this.host.sendAlterPartition(this, proposed.kind === "pendingExpand" ? proposed.maximalIsr : proposed.isr.filter((r) => !proposed.removing.includes(r)));
  }

  private setIsr(s: IsrState, why: string): void {
    this.isrState = s;
    this.trace("partition.isr", { kind: s.kind, isr: s.isr, maximalIsr: s.maximalIsr, partitionEpoch: this.partitionEpoch, why });
    this.maybeIncrementHighWatermark();
    this.delayedProduces.checkAndComplete();
  }
}

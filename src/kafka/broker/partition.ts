import type { ActorContext } from "../../sim/index.js";
import { PartitionLog } from "../log/partitionLog.js";
import { ProducerStateManager } from "../log/producerStateManager.js";
import { lastOffsetOf, type RecordBatch } from "../log/recordBatch.js";
import type { PartitionState } from "../metadata/records.js";
import type { ErrorName } from "../protocol/errors.js";
import { type FetchRequest, type FetchResponse, type OffsetsForLeaderEpochRequest, type OffsetsForLeaderEpochResponse, type ProduceRequest, type ProduceResponse, tpKey } from "../protocol/messages.js";
import type { BrokerSettings } from "./brokerSettings.js";
import { committedIsr, type IsrState, pendingExpand, pendingShrink } from "./isrState.js";
import { ConsumerFetches } from "./consumerFetches.js";
import { ReplicaFetcher } from "./replicaFetcher.js";

/** What a partition needs from its broker. */
export interface PartitionHost {
  ctx: ActorContext;
  settings: BrokerSettings;
  /** Effective min.insync.replicas for the topic: min(topic or broker setting, replication factor). */
  minIsr(topic: string, replicationFactor: number): number;
  flushMessages(topic: string): number;
  isBrokerActive(broker: string): boolean;
  sendAlterPartition(p: Partition, newIsr: string[]): void;
  nextCorrelationId(): number;
}

/** What the leader knows of a follower (Kafka `Replica` / `ReplicaState`). */
interface FollowerState {
  logEndOffset: number;
  lastCaughtUpTimeUs: number;
  lastFetchLeaderLogEndOffset: number;
  lastFetchTimeUs: number;
}

/** Completion of a leader append once its acks are satisfied, or its failure. */
export type AppendDone = (error: ErrorName, baseOffset: number) => void;

interface DelayedProduce {
  id: number;
  done: AppendDone;
  requiredOffset: number;
  baseOffset: number;
  timer: number;
}

interface ParkedFetch {
  from: string;
  request: FetchRequest;
  timer: number;
}

export type PartitionTimer =
  | { p: string; t: "produce-timeout"; id: number }
  | { p: string; t: "fetch-park"; replica: string }
  | { p: string; t: "isr-expiration" }
  | { p: string; t: "fetcher"; gen: number }
  | { p: string; t: "consumer-fetch-park"; id: number };

/**
 * One partition's replica on one broker (Kafka `core/.../cluster/Partition.scala`): the leader's produce path with
 * acks and the purgatory, follower fetch handling, ISR shrink/expand through the controller, the high watermark;
 * and, as a follower, the fetcher that truncates by leader epoch and replicates.
 */
export class Partition {
  readonly key: string;
  readonly log: PartitionLog;
  readonly producerState = new ProducerStateManager();
  replicas: string[] = [];
  leader: string | null = null;
  leaderEpoch = -1;
  partitionEpoch = -1;
  role: "leader" | "follower" | "none" = "none";
  highWatermark: number;
  isrState: IsrState = committedIsr([]);
  private readonly followers = new Map<string, FollowerState>();
  private purgatory: DelayedProduce[] = [];
  private readonly parkedFetches = new Map<string, ParkedFetch>();
  private isrTimer = -1;
  private nextDelayedId = 0;
  readonly fetcher: ReplicaFetcher;
  readonly consumerFetches: ConsumerFetches;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly host: PartitionHost,
  ) {
    this.key = tpKey(topic, partition);
    const ctx = host.ctx;
    this.log = ctx.disk.open(`log/${this.key}`, () => new PartitionLog());
    // Recovery: HW from the checkpoint, producer state replayed from the log.
    this.highWatermark = Math.min(this.log.highWatermarkCheckpoint, this.log.logEndOffset);
    this.producerState.rebuild(this.log.batches);
    this.fetcher = new ReplicaFetcher(this, host);
    this.consumerFetches = new ConsumerFetches(this, host);
  }

  /** The last stable offset: min(HW, first offset of the oldest open transaction). */
  get lastStableOffset(): number {
    return Math.min(this.highWatermark, this.producerState.firstUnstableOffset());
  }

  private get ctx(): ActorContext {
    return this.host.ctx;
  }

  get effectiveMinIsr(): number {
    return this.host.minIsr(this.topic, this.replicas.length);
  }

  trace(type: string, data: Record<string, unknown>): void {
    this.ctx.trace(type, { tp: this.key, ...data });
  }

  // ---- metadata: becoming leader or follower (Partition.makeLeader / makeFollower) ----

  applyState(state: PartitionState): void {
    const me = this.ctx.name;
    this.replicas = state.replicas;
    if (state.leader === me) {
      if (state.leaderEpoch > this.leaderEpoch || this.role !== "leader") this.makeLeader(state);
      else if (state.partitionEpoch > this.partitionEpoch) {
        this.partitionEpoch = state.partitionEpoch;
        this.setIsr(committedIsr(state.isr), "metadata");
      }
    } else if (state.leaderEpoch > this.leaderEpoch || this.leader !== state.leader || this.role === "leader") {
      this.makeFollower(state);
    } else this.partitionEpoch = Math.max(this.partitionEpoch, state.partitionEpoch);
  }

  private makeLeader(state: PartitionState): void {
    const wasLeader = this.role === "leader";
    this.fetcher.stop();
    this.role = "leader";
    this.leader = this.ctx.name;
    this.leaderEpoch = state.leaderEpoch;
    this.partitionEpoch = state.partitionEpoch;
    // A new leader records where its epoch starts (PR #5678) so it can answer OffsetsForLeaderEpoch for it.
    this.log.epochCache.assign(state.leaderEpoch, this.log.logEndOffset);
    this.isrState = committedIsr(state.isr);
    this.followers.clear();
    for (const r of state.replicas)
      if (r !== this.ctx.name)
        this.followers.set(r, {
          logEndOffset: -1,
          lastCaughtUpTimeUs: state.isr.includes(r) ? this.ctx.nowUs : 0,
          lastFetchLeaderLogEndOffset: 0,
          lastFetchTimeUs: 0,
        });
    this.trace("partition.become-leader", { leaderEpoch: this.leaderEpoch, isr: state.isr, logEndOffset: this.log.logEndOffset, highWatermark: this.highWatermark, wasLeader });
    if (this.isrTimer < 0) this.isrTimer = this.ctx.setTimer(this.host.settings.replicaLagTimeMaxMs / 2, { p: this.key, t: "isr-expiration" } satisfies PartitionTimer);
    this.maybeIncrementHighWatermark();
  }

  private makeFollower(state: PartitionState): void {
    this.resignLeadership();
    this.role = state.leader === null ? "none" : "follower";
    this.leader = state.leader;
    this.leaderEpoch = state.leaderEpoch;
    this.partitionEpoch = state.partitionEpoch;
    this.trace("partition.become-follower", { leader: state.leader, leaderEpoch: state.leaderEpoch, logEndOffset: this.log.logEndOffset, highWatermark: this.highWatermark });
    if (state.leader === null) this.fetcher.stop();
    else this.fetcher.start(state.leader, state.leaderEpoch);
  }

  private resignLeadership(): void {
    if (this.role !== "leader") return;
    for (const d of this.purgatory) {
      this.ctx.cancelTimer(d.timer);
      d.done("NOT_LEADER_OR_FOLLOWER", -1);
    }
    this.purgatory = [];
    for (const f of this.parkedFetches.values()) {
      this.ctx.cancelTimer(f.timer);
      this.respondFetch(f.from, f.request, "NOT_LEADER_OR_FOLLOWER", []);
    }
    this.parkedFetches.clear();
    this.consumerFetches.failAll();
    if (this.isrTimer >= 0) this.ctx.cancelTimer(this.isrTimer);
    this.isrTimer = -1;
  }

  /** Stops serving (the broker lost the partition or is shutting down). */
  stop(): void {
    this.resignLeadership();
    this.fetcher.stop();
    this.role = "none";
  }

  // ---- leader: epochs ----

  /** Partition.checkCurrentLeaderEpoch (KIP-320): -1 means "no epoch given". */
  checkLeaderEpoch(requestEpoch: number): ErrorName {
    if (requestEpoch < 0 || requestEpoch === this.leaderEpoch) return "NONE";
    return requestEpoch < this.leaderEpoch ? "FENCED_LEADER_EPOCH" : "UNKNOWN_LEADER_EPOCH";
  }

  // ---- leader: produce (Partition.appendRecordsToLeader) ----

  handleProduce(from: string, req: ProduceRequest): void {
    this.appendRecordsToLeader(req.batch, req.acks, req.timeoutMs, req.currentLeaderEpoch, from, (error, baseOffset) => this.respondProduce(from, req, error, baseOffset));
  }

  /**
   * Partition.appendRecordsToLeader, for clients and for the broker's own writes (transaction markers, the
   * transaction log): epoch and min-ISR checks, producer-state checks, the append, then the acks.
   */
  appendRecordsToLeader(batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, acks: -1 | 0 | 1, timeoutMs: number, currentLeaderEpoch: number, from: string, done: AppendDone): void {
    if (this.role !== "leader") return done("NOT_LEADER_OR_FOLLOWER", -1);
    const epochError = this.checkLeaderEpoch(currentLeaderEpoch);
    if (epochError !== "NONE") return done(epochError, -1);
    if (acks === -1 && this.isrState.isr.length < this.effectiveMinIsr) {
      // Checked before the append: nothing is written.
      this.trace("partition.reject-produce", { error: "NOT_ENOUGH_REPLICAS", isr: this.isrState.isr, minIsr: this.effectiveMinIsr });
      return done("NOT_ENOUGH_REPLICAS", -1);
    }
    const candidate = { ...batch, baseOffset: this.log.logEndOffset, leaderEpoch: this.leaderEpoch };
    const check = batch.isControl ? this.producerState.checkMarker(batch.producerId, batch.producerEpoch, Number(batch.records[0].value)) : this.producerState.check(candidate, true);
    if (check.kind === "error") {
      this.trace("partition.reject-produce", { error: check.error, reason: check.message, producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence });
      return done(check.error, -1);
    }
    let baseOffset: number;
    let lastOffset: number;
    if (check.kind === "duplicate") {
      // UnifiedLog: "if we find a duplicate, we return the metadata of the appended batch".
      baseOffset = check.firstOffset;
      lastOffset = check.lastOffset;
      this.trace("partition.duplicate-batch", { producerId: batch.producerId, baseSequence: batch.baseSequence, baseOffset });
    } else {
      const appended = this.log.appendAsLeader(batch, this.leaderEpoch);
      this.producerState.update(appended);
      baseOffset = appended.baseOffset;
      lastOffset = lastOffsetOf(appended);
      this.trace(batch.isControl ? "partition.marker" : "partition.append", {
        baseOffset,
        lastOffset,
        acks,
        producerId: appended.producerId,
        producerEpoch: appended.producerEpoch,
        ...(batch.isControl ? { marker: batch.records[0].key } : { baseSequence: appended.baseSequence, transactional: appended.isTransactional }),
        leaderEpoch: this.leaderEpoch,
        from,
      });
      this.maybeFlush();
      this.answerParkedFetches();
      this.maybeIncrementHighWatermark();
      if (batch.isControl) this.consumerFetches.onStableOffsetAdvanced();
    }
    if (acks === 0) return; // Kafka sends no response for acks=0
    if (acks === 1) return done("NONE", baseOffset);
    const requiredOffset = lastOffset + 1;
    if (this.highWatermark >= requiredOffset) return done(this.enoughReplicasError(), baseOffset);
    const id = this.nextDelayedId++;
    const timer = this.ctx.setTimer(timeoutMs, { p: this.key, t: "produce-timeout", id } satisfies PartitionTimer);
    this.purgatory.push({ id, done, requiredOffset, baseOffset, timer });
  }

  /** Partition.checkEnoughReplicasReachOffset, once the HW has passed the batch. */
  private enoughReplicasError(): ErrorName {
    return this.effectiveMinIsr <= this.isrState.isr.length ? "NONE" : "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
  }

  private respondProduce(to: string, req: ProduceRequest, error: ErrorName, baseOffset: number): void {
    if (req.acks === 0) return;
    this.ctx.send(to, { type: "ProduceResponse", correlationId: req.correlationId, topic: this.topic, partition: this.partition, error, baseOffset } satisfies ProduceResponse);
  }

  private completeDelayedProduces(): void {
    if (this.purgatory.length === 0) return;
    const still: DelayedProduce[] = [];
    for (const d of this.purgatory) {
      if (this.highWatermark >= d.requiredOffset) {
        this.ctx.cancelTimer(d.timer);
        d.done(this.enoughReplicasError(), d.baseOffset);
      } else still.push(d);
    }
    this.purgatory = still;
  }

  produceTimedOut(id: number): void {
    const i = this.purgatory.findIndex((d) => d.id === id);
    if (i < 0) return;
    const [d] = this.purgatory.splice(i, 1);
    this.trace("partition.produce-timeout", { requiredOffset: d.requiredOffset, highWatermark: this.highWatermark, isr: this.isrState.isr });
    d.done("REQUEST_TIMED_OUT", -1);
  }

  private maybeFlush(): void {
    if (this.log.unflushedMessages >= this.host.flushMessages(this.topic)) this.log.flush();
  }

  // ---- leader: follower fetches ----

  handleFollowerFetch(from: string, req: FetchRequest): void {
    if (this.role !== "leader") return this.respondFetch(from, req, "NOT_LEADER_OR_FOLLOWER", []);
    const epochError = this.checkLeaderEpoch(req.currentLeaderEpoch);
    if (epochError !== "NONE") return this.respondFetch(from, req, epochError, []);
    if (req.fetchOffset > this.log.logEndOffset) return this.respondFetch(from, req, "OFFSET_OUT_OF_RANGE", []);
    this.updateFollowerFetchState(req.replicaId, req.fetchOffset);
    const batches = this.log.read(req.fetchOffset, 1_048_576);
    if (batches.length > 0 || req.maxWaitMs <= 0) return this.respondFetch(from, req, "NONE", batches);
    // Long poll: hold the fetch until data arrives or replica.fetch.wait.max.ms passes.
    const old = this.parkedFetches.get(req.replicaId);
    if (old) this.ctx.cancelTimer(old.timer);
    const timer = this.ctx.setTimer(req.maxWaitMs, { p: this.key, t: "fetch-park", replica: req.replicaId } satisfies PartitionTimer);
    this.parkedFetches.set(req.replicaId, { from, request: req, timer });
  }

  parkedFetchExpired(replica: string): void {
    const f = this.parkedFetches.get(replica);
    if (!f) return;
    this.parkedFetches.delete(replica);
    this.respondFetch(f.from, f.request, "NONE", this.log.read(f.request.fetchOffset, 1_048_576));
  }

  private answerParkedFetches(): void {
    for (const f of [...this.parkedFetches.values()]) {
      this.ctx.cancelTimer(f.timer);
      this.parkedFetches.delete(f.request.replicaId);
      this.respondFetch(f.from, f.request, "NONE", this.log.read(f.request.fetchOffset, 1_048_576));
    }
  }

  private respondFetch(to: string, req: FetchRequest, error: ErrorName, batches: RecordBatch[]): void {
    this.ctx.send(to, {
      type: "FetchResponse",
      correlationId: req.correlationId,
      topic: this.topic,
      partition: this.partition,
      error,
      highWatermark: this.highWatermark,
      logStartOffset: this.log.logStartOffset,
      batches,
    } satisfies FetchResponse);
  }

  /** Replica.updateFetchState: when did this follower last catch up with the leader's log end? */
  private updateFollowerFetchState(replica: string, fetchOffset: number): void {
    const f = this.followers.get(replica);
    if (!f) return;
    const now = this.ctx.nowUs;
    const leo = this.log.logEndOffset;
    if (fetchOffset >= leo) f.lastCaughtUpTimeUs = Math.max(f.lastCaughtUpTimeUs, now);
    else if (fetchOffset >= f.lastFetchLeaderLogEndOffset) f.lastCaughtUpTimeUs = Math.max(f.lastCaughtUpTimeUs, f.lastFetchTimeUs);
    f.logEndOffset = fetchOffset;
    f.lastFetchLeaderLogEndOffset = leo;
    f.lastFetchTimeUs = now;
    this.maybeExpandIsr(replica, f);
    this.maybeIncrementHighWatermark();
  }

  handleOffsetsForLeaderEpoch(from: string, req: OffsetsForLeaderEpochRequest): void {
    const reply = (error: ErrorName, leaderEpoch: number, endOffset: number) =>
      this.ctx.send(from, { type: "OffsetsForLeaderEpochResponse", correlationId: req.correlationId, topic: this.topic, partition: this.partition, error, leaderEpoch, endOffset } satisfies OffsetsForLeaderEpochResponse);
    if (this.role !== "leader") return reply("NOT_LEADER_OR_FOLLOWER", -1, -1);
    const epochError = this.checkLeaderEpoch(req.currentLeaderEpoch);
    if (epochError !== "NONE") return reply(epochError, -1, -1);
    const r = this.log.epochCache.endOffsetFor(req.leaderEpoch, this.log.logEndOffset);
    reply("NONE", r.epoch, r.endOffset);
  }

  // ---- leader: ISR and HW ----

  /**
   * Partition.maybeIncrementLeaderHW: HW = min LEO over the leader and the maximal ISR, never backwards, and not
   * at all while the ISR is below min.insync.replicas (KIP-966). Returns whether it moved.
   */
  maybeIncrementHighWatermark(): boolean {
    if (this.role !== "leader") return false;
    if (this.isrState.isr.length < this.effectiveMinIsr) return false;
    let hw = this.log.logEndOffset;
    for (const r of this.isrState.maximalIsr) {
      if (r === this.ctx.name) continue;
      const f = this.followers.get(r);
      const leo = f ? f.logEndOffset : -1;
      if (leo < hw) hw = leo;
    }
    if (hw <= this.highWatermark) return false;
    this.highWatermark = hw;
    this.trace("partition.hw", { highWatermark: hw, leaderEpoch: this.leaderEpoch, isr: this.isrState.maximalIsr });
    this.completeDelayedProduces();
    this.consumerFetches.onStableOffsetAdvanced();
    return true;
  }

  /** Periodic (every replica.lag.time.max.ms / 2): drop followers not caught up within replica.lag.time.max.ms. */
  maybeShrinkIsr(): boolean {
    this.isrTimer = this.ctx.setTimer(this.host.settings.replicaLagTimeMaxMs / 2, { p: this.key, t: "isr-expiration" } satisfies PartitionTimer);
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
    const lagUs = this.host.settings.replicaLagTimeMaxMs * 1000;
    const leo = this.log.logEndOffset;
    return this.isrState.isr.filter((r) => {
      if (r === this.ctx.name) return false;
      const f = this.followers.get(r);
      if (!f) return true;
      return !(f.logEndOffset === leo || nowUs - f.lastCaughtUpTimeUs <= lagUs);
    });
  }

  /** A follower rejoins once it reached the HW and the start of the leader's epoch (KIP-320 rule 4). */
  private maybeExpandIsr(replica: string, f: FollowerState): boolean {
    if (this.isrState.kind !== "committed" || this.isrState.isr.includes(replica)) return false;
    const epochStart = this.log.epochCache.startOffsetOf(this.leaderEpoch) ?? 0;
    if (f.logEndOffset < this.highWatermark || f.logEndOffset < epochStart) return false;
    if (!this.host.isBrokerActive(replica)) return false;
    this.trace("partition.isr-expand", { replica, oldIsr: this.isrState.isr, followerLogEndOffset: f.logEndOffset });
    this.setIsr(pendingExpand(this.isrState, replica), "expand requested");
    this.host.sendAlterPartition(this, [...this.isrState.isr, replica]);
    return true;
  }

  /** The controller's answer to our AlterPartition. */
  alterPartitionDone(error: string, state: PartitionState | null): void {
    if (this.role !== "leader") return;
    if (error === "NONE" && state && state.leaderEpoch === this.leaderEpoch && state.partitionEpoch > this.partitionEpoch) {
      this.partitionEpoch = state.partitionEpoch;
      this.setIsr(committedIsr(state.isr), "AlterPartition committed");
    } else if (this.isrState.kind !== "committed") {
      this.trace("partition.alter-failed", { error });
      this.setIsr(committedIsr(this.isrState.isr), `AlterPartition failed: ${error}`);
    }
  }

  private setIsr(s: IsrState, why: string): void {
    this.isrState = s;
    this.trace("partition.isr", { kind: s.kind, isr: s.isr, maximalIsr: s.maximalIsr, partitionEpoch: this.partitionEpoch, why });
    this.maybeIncrementHighWatermark();
    this.completeDelayedProduces();
  }

  /** Writes the HW checkpoint (replica.high.watermark.checkpoint.interval.ms). */
  checkpointHighWatermark(): void {
    this.log.highWatermarkCheckpoint = this.highWatermark;
  }
}

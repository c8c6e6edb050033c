import type { ActorContext, Timer } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import { UNDEFINED_EPOCH, UNDEFINED_OFFSET } from "../log/leaderEpochCache.js";
import { lastOffsetOf } from "../log/recordBatch.js";
import type { FetchRequest, FetchResponse, OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochResponse } from "../protocol/messages.js";
import type { BrokerSettings } from "./brokerSettings.js";
import type { Partition } from "./partition.js";

/** What a fetcher needs from its broker. */
export interface FetcherHost {
  ctx: ActorContext;
  settings: BrokerSettings;
  flushMessages(topic: string): number;
  /** The broker's replica fetchers' NetworkClient. */
  client: NetworkClient;
}

/**
 * A follower's fetcher for one partition (Kafka `AbstractFetcherThread` / `ReplicaFetcherThread`, one per
 * partition here rather than one per leader broker). On a new leader epoch it first truncates by leader epoch
 * (KIP-101/KIP-279: OffsetsForLeaderEpoch, repeated until both sides agree on an epoch), then fetches from its log
 * end and learns the HW from each fetch response, one fetch late as in Kafka. A request whose connection to the
 * leader fails, or that goes unanswered past replica.socket.timeout.ms (plus the fetch's wait), is sent again after
 * replica.fetch.backoff.ms. With the simulator's `legacyHighWatermarkTruncation` switch it truncates to its own HW
 * instead (pre-KIP-101 behaviour).
 */
export class ReplicaFetcher {
  state: "idle" | "truncating" | "fetching" = "idle";
  private leader = "";
  private leaderEpoch = -1;
  private gen = 0;
  private expected = -1;
  private timer = -1;
  /** A back-off ended: send again (the payload is the fetcher's generation). */
  private readonly retry: Timer<number>;

  constructor(
    private readonly p: Partition,
    private readonly host: FetcherHost,
  ) {
    this.retry = host.ctx.timer((gen) => this.onTimer(gen));
  }

  start(leader: string, leaderEpoch: number): void {
    this.stop();
    this.leader = leader;
    this.leaderEpoch = leaderEpoch;
    if (this.host.settings.legacyHighWatermarkTruncation || this.p.log.epochCache.latestEpoch() === UNDEFINED_EPOCH) {
      this.truncate(this.p.highWatermark, this.host.settings.legacyHighWatermarkTruncation ? "legacy: truncate to high watermark" : "no leader epochs: truncate to high watermark");
      this.state = "fetching";
      this.sendFetch();
    } else {
      this.state = "truncating";
      this.sendOffsetsForLeaderEpoch(this.p.log.epochCache.latestEpoch());
    }
  }

  stop(): void {
    this.gen++;
    this.state = "idle";
    this.expected = -1;
    if (this.timer >= 0) this.retry.cancel(this.timer);
    this.timer = -1;
  }

  private arm(delayMs: number): void {
    if (this.timer >= 0) this.retry.cancel(this.timer);
    this.timer = this.retry.set(delayMs, this.gen);
  }

  /** A request's connection to the leader failed or timed out: back off and try again. */
  private onRequestFailed(gen: number, id: number): void {
    if (gen !== this.gen || id !== this.expected) return;
    this.backOff();
  }

  /** A back-off ended: send again in the current state. */
  private onTimer(gen: number): void {
    if (gen !== this.gen) return;
    this.timer = -1;
    if (this.state === "truncating") this.sendOffsetsForLeaderEpoch(this.p.log.epochCache.latestEpoch());
    else if (this.state === "fetching") this.sendFetch();
  }

  private sendOffsetsForLeaderEpoch(epoch: number): void {
    const ctx = this.host.ctx;
    const req: OffsetsForLeaderEpochRequest = {
      type: "OffsetsForLeaderEpoch",
      correlationId: this.host.client.correlationId(),
      replicaId: ctx.name,
      topic: this.p.topic,
      partition: this.p.partition,
      currentLeaderEpoch: this.leaderEpoch,
      leaderEpoch: epoch,
    };
    this.expected = req.correlationId;
    const gen = this.gen;
    this.host.client.sendWhenReady(this.leader, req, (res) => (res.type === "Disconnected" ? this.onRequestFailed(gen, req.correlationId) : this.onOffsetsForLeaderEpoch(res)), this.host.settings.replicaSocketTimeoutMs);
  }

  private sendFetch(): void {
    const ctx = this.host.ctx;
    const req: FetchRequest = {
      type: "Fetch",
      correlationId: this.host.client.correlationId(),
      replicaId: ctx.name,
      topic: this.p.topic,
      partition: this.p.partition,
      currentLeaderEpoch: this.leaderEpoch,
      fetchOffset: this.p.log.logEndOffset,
      maxWaitMs: this.host.settings.replicaFetchWaitMaxMs,
    };
    this.expected = req.correlationId;
    const gen = this.gen;
    const timeoutMs = this.host.settings.replicaFetchWaitMaxMs + this.host.settings.replicaSocketTimeoutMs;
    this.host.client.sendWhenReady(this.leader, req, (res) => (res.type === "Disconnected" ? this.onRequestFailed(gen, req.correlationId) : this.onFetchResponse(res as FetchResponse)), timeoutMs);
  }

  private backOff(): void {
    this.expected = -1;
    this.arm(this.host.settings.replicaFetchBackoffMs);
  }

  /** AbstractFetcherThread.getOffsetTruncationState, one round. */
  private onOffsetsForLeaderEpoch(res: OffsetsForLeaderEpochResponse): void {
    if (this.state !== "truncating" || res.correlationId !== this.expected) return;
    if (res.error !== "NONE") return this.backOff();
    const log = this.p.log;
    if (res.endOffset === UNDEFINED_OFFSET) {
      this.truncate(this.p.highWatermark, "leader has no epoch at or below ours: truncate to high watermark");
    } else {
      const mine = log.epochCache.endOffsetFor(res.leaderEpoch, log.logEndOffset);
      if (mine.endOffset === UNDEFINED_OFFSET) {
        this.truncate(Math.min(res.endOffset, log.logEndOffset), `no local epochs to compare with ${res.leaderEpoch}`);
      } else if (mine.epoch !== res.leaderEpoch) {
        // KIP-279: we do not have the leader's epoch; cut back to the end of our largest smaller one and ask again.
        this.truncate(Math.min(mine.endOffset, log.logEndOffset), `epoch ${res.leaderEpoch} unknown locally; retry with epoch ${mine.epoch}`);
        this.sendOffsetsForLeaderEpoch(mine.epoch);
        return;
      } else {
        this.truncate(Math.min(res.endOffset, mine.endOffset), `leader's epoch ${res.leaderEpoch} ends at ${res.endOffset}`);
      }
    }
    this.state = "fetching";
    this.sendFetch();
  }

  private onFetchResponse(res: FetchResponse): void {
    if (this.state !== "fetching" || res.correlationId !== this.expected) return;
    if (res.error === "OFFSET_OUT_OF_RANGE" && res.logStartOffset > this.p.log.logEndOffset) {
      // AbstractFetcherThread.fetchOffsetAndTruncate: the leader's log start passed our log end (retention or
      // DeleteRecords removed what we miss), so start over, empty, at the leader's log start. Simplification: the
      // leader's log start comes from this response rather than a ListOffsets(earliest) round trip.
      const log = this.p.log;
      this.p.trace("partition.truncate-fully", { from: log.logEndOffset, to: res.logStartOffset, why: "fetch offset below the leader's log start" });
      log.truncateFullyAndStartAt(res.logStartOffset, this.host.ctx.nowMs);
      this.p.rebuildProducerState();
      this.p.highWatermark = Math.max(this.p.highWatermark, res.logStartOffset);
      this.sendFetch();
      return;
    }
    if (res.error === "OFFSET_OUT_OF_RANGE") {
      this.state = "truncating";
      this.sendOffsetsForLeaderEpoch(this.p.log.epochCache.latestEpoch());
      return;
    }
    if (res.error !== "NONE") return this.backOff();
    const log = this.p.log;
    for (const b of res.batches) {
      if (lastOffsetOf(b) < log.logEndOffset) continue;
      if (b.baseOffset !== log.logEndOffset) break;
      this.p.appendAsFollower(b);
    }
    if (res.batches.length > 0 && log.unflushedMessages >= this.host.flushMessages(this.p.topic)) log.flush();
    const hw = Math.min(res.highWatermark, log.logEndOffset);
    if (hw > this.p.highWatermark) this.p.highWatermark = hw;
    this.p.followerLogStartOffset(res.logStartOffset);
    this.sendFetch();
  }

  private truncate(offset: number, why: string): void {
    const log = this.p.log;
    const before = log.logEndOffset;
    const removed = log.truncateTo(offset);
    if (removed > 0) {
      this.p.trace("partition.truncate", { from: before, to: log.logEndOffset, removed, highWatermark: this.p.highWatermark, why });
      this.p.rebuildProducerState();
    }
    if (this.p.highWatermark > log.logEndOffset) this.p.highWatermark = log.logEndOffset;
  }
}

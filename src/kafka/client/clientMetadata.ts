import type { ActorContext, Timer } from "../../sim/index.js";
import type { MetadataRequest, MetadataResponse, PartitionMetadata } from "../protocol/messages.js";
import { nextRequestId } from "./requestIds.js";

/**
 * A client's metadata cache (Kafka `Metadata` / `NetworkClient` metadata updater): asks one bootstrap broker at a
 * time, refreshes on demand (after NOT_LEADER_OR_FOLLOWER and friends) and every `metadata.max.age.ms`, and moves
 * to the next broker when a request goes unanswered for `request.timeout.ms`.
 */
export class ClientMetadata {
  private readonly topics = new Map<string, PartitionMetadata[]>();
  private target = 0;
  private inFlight = -1;
  private timer = -1;
  private lastRefreshUs = -Infinity;
  private lastRequestUs = -Infinity;
  private delayed = -1;
  /** The refresh waiting out its back-off. */
  private readonly backoffTimer: Timer;
  /** request.timeout.ms of the refresh in flight. */
  private readonly timeoutTimer: Timer;
  /** Called after every successful refresh. */
  onUpdate: () => void = () => {};

  constructor(
    private readonly ctx: ActorContext,
    private readonly brokers: string[],
    private readonly requestTimeoutMs: number,
    private readonly maxAgeMs: number,
    /** retry.backoff.ms: refreshes are at least this far apart (Metadata.timeToNextUpdate). */
    private readonly refreshBackoffMs = 100,
  ) {
    this.target = brokers.length > 0 ? ctx.stream("bootstrap").int(brokers.length) : 0;
    this.backoffTimer = ctx.timer(() => {
      this.delayed = -1;
      this.requestUpdate();
    });
    this.timeoutTimer = ctx.timer(() => {
      this.timer = -1;
      this.inFlight = -1;
      this.target = (this.target + 1) % this.brokers.length;
      this.requestUpdate();
    });
  }

  partitionsFor(topic: string): PartitionMetadata[] | undefined {
    return this.topics.get(topic);
  }

  leaderOf(topic: string, partition: number): PartitionMetadata | undefined {
    return this.topics.get(topic)?.[partition];
  }

  /** Partitions of a topic that currently have a leader ("available" in Kafka's Cluster). */
  availablePartitions(topic: string): number[] {
    return (this.topics.get(topic) ?? []).filter((p) => p.leader !== null).map((p) => p.partition);
  }

  isStale(): boolean {
    return (this.ctx.nowUs - this.lastRefreshUs) / 1000 >= this.maxAgeMs;
  }

  /** Requests a refresh unless one is already in flight. */
  requestUpdate(): void {
    if (this.inFlight >= 0 || this.brokers.length === 0 || this.delayed >= 0) return;
    // In whole µs, so the wait can never round to nothing and spin.
    const waitUs = Math.round(this.refreshBackoffMs * 1000) - (this.ctx.nowUs - this.lastRequestUs);
    if (waitUs > 0) {
      this.delayed = this.backoffTimer.set(waitUs / 1000);
      return;
    }
    this.lastRequestUs = this.ctx.nowUs;
    const req: MetadataRequest = { type: "Metadata", correlationId: nextRequestId(this.ctx) };
    this.inFlight = req.correlationId;
    this.ctx.send(this.brokers[this.target], req);
    this.timer = this.timeoutTimer.set(this.requestTimeoutMs);
  }

  /** The broker we asked closed the connection: ask the next one now. */
  onDisconnected(broker: string): void {
    if (this.inFlight < 0 || this.brokers[this.target] !== broker) return;
    if (this.timer >= 0) this.timeoutTimer.cancel(this.timer);
    this.timer = -1;
    this.inFlight = -1;
    this.target = (this.target + 1) % this.brokers.length;
    this.requestUpdate();
  }

  /** A MetadataResponse: applied if it answers the refresh in flight (whether it did is returned). */
  onResponse(res: MetadataResponse): boolean {
    if (res.correlationId !== this.inFlight) return false;
    if (this.timer >= 0) this.timeoutTimer.cancel(this.timer);
    this.timer = -1;
    this.inFlight = -1;
    this.lastRefreshUs = this.ctx.nowUs;
    this.topics.clear();
    for (const p of res.partitions) {
      let list = this.topics.get(p.topic);
      if (!list) this.topics.set(p.topic, (list = []));
      list[p.partition] = p;
    }
    this.onUpdate();
    return true;
  }
}

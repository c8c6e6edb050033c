import type { ActorContext, Timer } from "../../sim/index.js";
import type { MetadataRequest, PartitionMetadata } from "../protocol/messages.js";
import type { NetworkClient } from "../network/networkClient.js";

/**
 * A client's metadata cache (Kafka `Metadata` with `NetworkClient.DefaultMetadataUpdater`): a refresh asks the
 * least loaded bootstrap broker (`NetworkClient.leastLoadedNode`: a ready connection first, then one being
 * established, then the node tried longest ago), on demand (after NOT_LEADER_OR_FOLLOWER, a disconnect and friends)
 * and every `metadata.max.age.ms`; refreshes are at least retry.backoff.ms apart. A refresh whose connection fails
 * or times out is asked again of another broker.
 */
export class ClientMetadata {
  private readonly topics = new Map<string, PartitionMetadata[]>();
  private inFlight = false;
  private lastRefreshUs = -Infinity;
  private lastRequestUs = -Infinity;
  private delayed = -1;
  /** The refresh waiting out its back-off. */
  private readonly backoffTimer: Timer;
  /** Called after every successful refresh. */
  onUpdate: () => void = () => {};

  constructor(
    private readonly ctx: ActorContext,
    private readonly client: NetworkClient,
    private readonly brokers: string[],
    private readonly maxAgeMs: number,
    /** retry.backoff.ms: refreshes are at least this far apart (Metadata.timeToNextUpdate). */
    private readonly refreshBackoffMs = 100,
  ) {
    this.backoffTimer = ctx.timer(() => {
      this.delayed = -1;
      this.requestUpdate();
    });
  }

  partitionsFor(topic: string): PartitionMetadata[] | undefined {
    return this.topics.get(topic);
  }

  leaderOf(topic: string, partition: number): PartitionMetadata | undefined {
    return this.topics.get(topic)?.[partition];
  }

  /**
   * Metadata.updatePartitionLeadership (KIP-951): a leader a broker named in an error answer replaces the cached one
   * when its epoch is newer and the partition is cached (the answer carries the leader's endpoint, so the node is
   * always known here). Returns whether it did. The next refresh replaces it with what the broker answering it knows.
   */
  updatePartitionLeadership(topic: string, partition: number, leader: string, leaderEpoch: number): boolean {
    const list = this.topics.get(topic);
    const current = list?.[partition];
    if (!list || !current || leaderEpoch <= current.leaderEpoch) return false;
    list[partition] = { ...current, leader, leaderEpoch };
    return true;
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
    if (this.inFlight || this.brokers.length === 0 || this.delayed >= 0) return;
    // In whole µs, so the wait can never round to nothing and spin.
    const waitUs = Math.round(this.refreshBackoffMs * 1000) - (this.ctx.nowUs - this.lastRequestUs);
    if (waitUs > 0) {
      this.delayed = this.backoffTimer.set(waitUs / 1000);
      return;
    }
    const node = this.client.leastLoadedNode(this.brokers);
    if (node === null) {
      // Every broker is in its reconnect back-off (DefaultMetadataUpdater waits reconnect.backoff.ms).
      this.delayed = this.backoffTimer.set(this.client.config.reconnectBackoffMs);
      return;
    }
    this.lastRequestUs = this.ctx.nowUs;
    this.inFlight = true;
    const req: MetadataRequest = { type: "Metadata", correlationId: this.client.correlationId() };
    this.client.sendWhenReady(node, req, (res) => {
      this.inFlight = false;
      if (res.type === "Disconnected") return this.requestUpdate();
      this.lastRefreshUs = this.ctx.nowUs;
      this.topics.clear();
      for (const p of res.partitions) {
        let list = this.topics.get(p.topic);
        if (!list) this.topics.set(p.topic, (list = []));
        list[p.partition] = p;
      }
      this.onUpdate();
    });
  }
}

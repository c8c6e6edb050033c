import type { ActorContext, Timer } from "../../sim/index.js";
import type { MetadataImage } from "../metadata/metadataImage.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { PartitionState } from "../metadata/records.js";
import type { RaftFetchRequest, RaftFetchResponse } from "../protocol/raftMessages.js";
import type { ControllerChannel } from "./controllerChannel.js";

/** How long a failed fetch waits before the next (KRaft's request manager backs off too). */
const RETRY_BACKOFF_MS = 50;

/** Where the loader hands what changed (Kafka `MetadataPublisher`). */
export interface MetadataPublisher {
  /** A partition's state changed in the image (called with its latest state). */
  publishPartition(state: PartitionState): void;
  /** A topic's config changed at run time (a `ConfigRecord`): settings read from it must be read again. */
  publishTopicConfig(topic: string): void;
  /** A dynamic broker config for this broker or the cluster default changed (a BROKER `ConfigRecord`). */
  publishBrokerConfig(): void;
  /** These brokers were fenced (they may no longer join an ISR). */
  publishBrokersFenced(brokers: string[]): void;
}

/**
 * The broker's metadata loader (Kafka `MetadataLoader` over the KRaft client, the broker as an observer): it
 * long-polls the active controller for `__cluster_metadata` (Fetch from its replayed offset, through the KRaft
 * client's own NetworkClient), applies what comes back to the broker's `MetadataImage`, and publishes each changed
 * partition. An error answer moves it to the hinted (or next) controller; so does a fetch whose connection fails or
 * that goes unanswered within the request timeout; either way after a short back-off.
 * Client requests are answered from this image, which may be stale, exactly as a real broker's would be.
 */
export class MetadataLoader {
  private leader: string;
  private epoch = 0;
  private fetchId = -1;
  /** The fetch's back-off after an error: then fetch again. */
  private readonly wait: Timer;

  constructor(
    private readonly ctx: ActorContext,
    private readonly client: NetworkClient,
    private readonly controllers: string[],
    private readonly image: MetadataImage,
    private readonly channel: ControllerChannel,
    private readonly publisher: MetadataPublisher,
    private readonly requestTimeoutMs: number,
  ) {
    this.leader = controllers[0];
    this.wait = ctx.timer(() => this.fetch());
  }

  private nextController(): string {
    return this.controllers[(this.controllers.indexOf(this.leader) + 1) % this.controllers.length];
  }

  /** Fetches the metadata log from where the image is. */
  fetch(): void {
    const req: RaftFetchRequest = {
      type: "Fetch",
      correlationId: this.client.correlationId(),
      epoch: this.epoch,
      replica: this.ctx.name,
      observer: true,
      fetchOffset: this.image.offset,
      lastFetchedEpoch: 0,
    };
    this.fetchId = req.correlationId;
    // A long-polled fetch returns within 500ms; no answer after the request timeout means try another controller.
    this.client.sendWhenReady(this.leader, req, (res) => {
      if (req.correlationId !== this.fetchId) return;
      if (res.type !== "Disconnected") return this.onFetchResponse(res as RaftFetchResponse);
      this.leader = this.nextController();
      this.wait.set(RETRY_BACKOFF_MS);
    }, this.requestTimeoutMs + 500);
  }

  private onFetchResponse(res: RaftFetchResponse): void {
    if (res.error !== "NONE") {
      if (res.leader && res.leader !== this.leader) this.leader = res.leader;
      else this.leader = this.nextController();
      if (res.epoch > this.epoch) this.epoch = res.epoch;
      this.wait.set(RETRY_BACKOFF_MS);
      return;
    }
    this.epoch = res.epoch;
    this.channel.hint(res.leader);
    if (res.baseOffset === this.image.offset) {
      const changed: PartitionState[] = [];
      const fenced: string[] = [];
      res.entries.forEach((e, i) => {
        this.image.apply(e.record, res.baseOffset + i);
        if (e.record.type === "Partition") changed.push(e.record.state);
        if (e.record.type === "Config") this.publisher.publishTopicConfig(e.record.topic);
        if (e.record.type === "BrokerConfig" && (e.record.broker === "" || e.record.broker === this.ctx.name)) this.publisher.publishBrokerConfig();
        if (e.record.type === "FenceBroker") fenced.push(e.record.broker);
      });
      for (const st of changed) this.publisher.publishPartition(this.image.partition(st.topic, st.partition)!);
      if (fenced.length > 0) this.publisher.publishBrokersFenced(fenced);
    }
    this.fetch();
  }

}

import type { ActorContext, Timer } from "../../sim/index.js";
import type { MetadataImage } from "../metadata/metadataImage.js";
import type { PartitionState } from "../metadata/records.js";
import type { RaftFetchRequest, RaftFetchResponse } from "../protocol/raftMessages.js";
import type { ControllerChannel } from "./controllerChannel.js";

/** Where the loader hands what changed (Kafka `MetadataPublisher`). */
export interface MetadataPublisher {
  /** A partition's state changed in the image (called with its latest state). */
  publishPartition(state: PartitionState): void;
}

/**
 * The broker's metadata loader (Kafka `MetadataLoader` over the KRaft client, the broker as an observer): it
 * long-polls the active controller for `__cluster_metadata` (Fetch from its replayed offset), applies what comes back
 * to the broker's `MetadataImage`, and publishes each changed partition. An error answer moves it to the hinted (or
 * next) controller after a short back-off; no answer within the request timeout, or a disconnect, moves it at once.
 * Client requests are answered from this image, which may be stale, exactly as a real broker's would be.
 */
export class MetadataLoader {
  private leader: string;
  private epoch = 0;
  private fetchId = -1;
  private timer = -1;
  /** The fetch's back-off after an error ("retry"), or its timeout ("timeout"): then fetch again. */
  private readonly wait: Timer<"retry" | "timeout">;

  constructor(
    private readonly ctx: ActorContext,
    private readonly controllers: string[],
    private readonly image: MetadataImage,
    private readonly channel: ControllerChannel,
    private readonly publisher: MetadataPublisher,
    private readonly requestTimeoutMs: number,
    private readonly nextCorrelationId: () => number,
  ) {
    this.leader = controllers[0];
    this.wait = ctx.timer((why) => {
      this.timer = -1;
      if (why === "timeout") this.leader = this.nextController();
      this.fetch();
    });
  }

  private nextController(): string {
    return this.controllers[(this.controllers.indexOf(this.leader) + 1) % this.controllers.length];
  }

  /** Fetches the metadata log from where the image is. */
  fetch(): void {
    const req: RaftFetchRequest = {
      type: "Fetch",
      correlationId: this.nextCorrelationId(),
      epoch: this.epoch,
      replica: this.ctx.name,
      observer: true,
      fetchOffset: this.image.offset,
      lastFetchedEpoch: 0,
    };
    this.fetchId = req.correlationId;
    this.ctx.send(this.leader, req);
    if (this.timer >= 0) this.wait.cancel(this.timer);
    // A long-polled fetch returns within 500ms; no answer after the request timeout means try another controller.
    this.timer = this.wait.set(this.requestTimeoutMs + 500, "timeout");
  }

  onFetchResponse(res: RaftFetchResponse): void {
    if (res.correlationId !== this.fetchId) return;
    if (res.error !== "NONE") {
      if (res.leader && res.leader !== this.leader) this.leader = res.leader;
      else this.leader = this.nextController();
      if (res.epoch > this.epoch) this.epoch = res.epoch;
      if (this.timer >= 0) this.wait.cancel(this.timer);
      this.timer = this.wait.set(50, "retry");
      return;
    }
    this.epoch = res.epoch;
    this.channel.hint(res.leader);
    if (res.baseOffset === this.image.offset) {
      const changed: PartitionState[] = [];
      res.entries.forEach((e, i) => {
        this.image.apply(e.record, res.baseOffset + i);
        if (e.record.type === "Partition") changed.push(e.record.state);
      });
      for (const st of changed) this.publisher.publishPartition(this.image.partition(st.topic, st.partition)!);
    }
    this.fetch();
  }

  /** The controller we fetch from went away: fetch from the next one now. */
  onDisconnected(from: string): void {
    if (from !== this.leader) return;
    this.leader = this.nextController();
    this.fetch();
  }
}

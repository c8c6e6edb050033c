import type { ActorContext, Timer } from "../../sim/index.js";
import type { MetadataImage } from "../metadata/metadataImage.js";
import { makeSnapshot, type MetadataSnapshot, recordSizeBytes, SnapshotGenerator, type SnapshotPolicy } from "../metadata/metadataSnapshot.js";
import { SnapshotFetcher } from "../metadata/snapshotFetcher.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { PartitionState } from "../metadata/records.js";
import type { RaftEntry, RaftFetchRequest, RaftFetchResponse } from "../protocol/raftMessages.js";
import type { ControllerChannel } from "./controllerChannel.js";

/** The disk resident holding the broker's metadata snapshot. */
const SNAPSHOT_FILE = "metadata-snapshots";

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
  /** These brokers were fenced or entered controlled shutdown (they may no longer join an ISR). */
  publishBrokersIneligible(brokers: string[]): void;
}

/**
 * The broker's metadata snapshots on its disk (the `__cluster_metadata-0/*.checkpoint` files), fsynced when written:
 * the model keeps the latest only (Kafka's broker cleans older ones by metadata.max.retention.*).
 */
export class BrokerSnapshotFile {
  latest: MetadataSnapshot | null = null;
}

/**
 * The broker's metadata loader (Kafka `MetadataLoader` over the KRaft client, the broker as an observer): it
 * long-polls the active controller for `__cluster_metadata` (Fetch from its replayed offset, through the KRaft
 * client's own NetworkClient), applies what comes back to the broker's `MetadataImage`, and publishes each changed
 * partition. An error answer moves it to the hinted (or next) controller; so does a fetch whose connection fails or
 * that goes unanswered within the request timeout; either way after a short back-off.
 * Client requests are answered from this image, which may be stale, exactly as a real broker's would be.
 *
 * Snapshots (KIP-630): the broker takes one as a controller does (`SnapshotGenerator` on the records it replays) and
 * keeps it on disk; a restarted broker loads it (`MetadataLoader.handleLoadSnapshot`) and fetches the log after it.
 * A fetch below the leader's log start is answered with the leader's snapshot id: the loader downloads it
 * (FetchSnapshot), loads it and fetches on from its end. Simplification: the broker keeps no local copy of the log
 * after its snapshot (a restarted broker fetches it again from the controller).
 *
 * Catching up (Kafka `MetadataLoader.stillNeedToCatchUp`, `maybePublishMetadata`, `initializeNewPublishers`): the
 * loader publishes nothing until its image holds a record and reaches the high watermark of `__cluster_metadata`
 * the leader last told it (each Fetch answer carries it); the first publication is the whole image (a delta from the
 * empty image, as `initializeNewPublishers` hands its publishers), whether it came from the log, a snapshot on the
 * disk or one downloaded from the leader; after that every replayed batch is published as it comes. So a restarted
 * broker never acts on the stale leaderships of the log's first records. `lastAppliedOffset` (what the broker's
 * heartbeats report, `MetadataLoader.lastAppliedOffset`) moves with the publications only.
 */
export class MetadataLoader {
  private leader: string;
  private epoch = 0;
  private fetchId = -1;
  /** Epoch of the last record in the image (for the id of a snapshot of it). */
  private lastEpoch = 0;
  /**
   * Nothing is published until the image reaches the high watermark (`MetadataLoader.catchingUp`); the first
   * publication is the whole image.
   */
  private catchingUp = true;
  /** The high watermark of `__cluster_metadata` the leader's last Fetch answer gave; null until one came. */
  private highWatermark: number | null = null;
  /**
   * The offset after the last published record (Kafka's `lastAppliedOffset` + 1, as the model's offsets count the
   * next record); -1 until the first publication. The broker's heartbeats report it.
   */
  lastAppliedOffset = -1;
  private readonly generator: SnapshotGenerator;
  private readonly snapshotFetcher: SnapshotFetcher;
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
    snapshotPolicy: SnapshotPolicy,
    /** Called once, at the first publication (BrokerMetadataPublisher.firstPublishFuture). */
    private readonly onFirstPublish: () => void = () => {},
  ) {
    this.leader = controllers[0];
    this.wait = ctx.timer(() => this.fetch());
    this.generator = new SnapshotGenerator(snapshotPolicy, ctx.nowMs);
    this.snapshotFetcher = new SnapshotFetcher(ctx, client, requestTimeoutMs);
  }

  /**
   * The broker's snapshot file, if a snapshot was ever written to this disk. Created on the first write only, so a
   * broker that never takes a snapshot has the same disk as before snapshots existed (a replaced disk lists it).
   */
  private snapshotFile(create: boolean): BrokerSnapshotFile | undefined {
    if (!create && !this.ctx.disk.names().includes(SNAPSHOT_FILE)) return undefined;
    return this.ctx.disk.open(SNAPSHOT_FILE, () => new BrokerSnapshotFile());
  }

  /** Loads the latest local snapshot, if any, then fetches the log after it (BrokerServer start-up). */
  start(): void {
    const s = this.snapshotFile(false)?.latest;
    if (s) {
      this.image.copyFrom(s.image);
      this.lastEpoch = s.id.epoch;
      // Published once caught up, with the log after it (handleLoadSnapshot → maybePublishMetadata).
      this.ctx.trace("metadata.snapshot-load", { endOffset: s.id.endOffset, epoch: s.id.epoch, sizeBytes: s.sizeBytes, from: "disk" });
    }
    this.fetch();
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
      if (res.type !== "Disconnected") return this.onFetchResponse(res);
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
    // KafkaRaftClient: an observer learns the high watermark from the leader's Fetch answers (highWaterMarkAccessor).
    this.highWatermark = res.highWatermark;
    if (res.snapshotId) {
      // KafkaRaftClient.handleFetchResponse: below the leader's log start, fetch its snapshot first.
      const leader = this.leader;
      this.snapshotFetcher.start(leader, res.epoch, res.snapshotId, (s) => this.loadFetchedSnapshot(s), (r) => {
        if (r && r.leader && r.leader !== leader) this.leader = r.leader;
        this.wait.set(RETRY_BACKOFF_MS);
      });
      return;
    }
    if (res.baseOffset === this.image.offset) {
      if (this.catchingUp) {
        // maybePublishMetadata: still catching up, the image grows and nothing is published.
        for (const e of res.entries) this.image.apply(e.record, this.image.offset);
        this.maybeFinishCatchingUp();
      } else {
        const changed: PartitionState[] = [];
        const ineligible: string[] = [];
        res.entries.forEach((e, i) => {
          this.image.apply(e.record, res.baseOffset + i);
          if (e.record.type === "Partition") changed.push(e.record.state);
          if (e.record.type === "Config") this.publisher.publishTopicConfig(e.record.topic);
          if (e.record.type === "BrokerConfig" && (e.record.broker === "" || e.record.broker === this.ctx.name)) this.publisher.publishBrokerConfig();
          if (e.record.type === "FenceBroker" || e.record.type === "BrokerRegistrationChange") ineligible.push(e.record.broker);
        });
        for (const st of changed) this.publisher.publishPartition(this.image.partition(st.topic, st.partition)!);
        if (ineligible.length > 0) this.publisher.publishBrokersIneligible(ineligible);
        this.lastAppliedOffset = this.image.offset;
      }
      if (res.entries.length > 0) this.publishLogDelta(res.entries);
    }
    this.fetch();
  }

  /** SnapshotGenerator on the replayed records: takes a snapshot of the image when one is due. */
  private publishLogDelta(entries: readonly RaftEntry[]): void {
    let bytes = 0;
    for (const e of entries) bytes += recordSizeBytes(e.record);
    this.lastEpoch = entries[entries.length - 1].epoch;
    const reason = this.generator.publishLogDelta(bytes, this.ctx.nowMs);
    if (!reason) return;
    this.generator.reset(this.ctx.nowMs);
    const s = makeSnapshot(this.image.copy(), { endOffset: this.image.offset, epoch: this.lastEpoch }, this.ctx.nowMs);
    this.snapshotFile(true)!.latest = s;
    this.ctx.trace("metadata.snapshot", { endOffset: s.id.endOffset, epoch: s.id.epoch, sizeBytes: s.sizeBytes, reason });
  }

  /** A snapshot downloaded from the leader: it becomes the image (handleLoadSnapshot) and the broker's local snapshot. */
  private loadFetchedSnapshot(s: MetadataSnapshot): void {
    const before = this.catchingUp ? null : this.image.copy();
    this.image.copyFrom(s.image);
    this.lastEpoch = s.id.epoch;
    this.snapshotFile(true)!.latest = s;
    this.generator.reset(this.ctx.nowMs);
    this.ctx.trace("metadata.snapshot-load", { endOffset: s.id.endOffset, epoch: s.id.epoch, sizeBytes: s.sizeBytes, from: "leader" });
    if (this.catchingUp) this.maybeFinishCatchingUp();
    else {
      this.publishDelta(before);
      this.lastAppliedOffset = this.image.offset;
    }
    this.fetch();
  }

  /**
   * MetadataLoader.stillNeedToCatchUp: the loader has caught up once it knows the high watermark, its image ends at
   * it or past it (Kafka: `highWaterMark - 1 <= offset` of the last loaded record) and it holds a record at all
   * (`batchLoader.hasSeenRecord`). Then it publishes the whole image once (initializeNewPublishers: a delta from the
   * empty image) and every batch after it as it comes.
   */
  private maybeFinishCatchingUp(): void {
    if (this.highWatermark === null || this.image.offset < this.highWatermark || this.image.offset === 0) return;
    this.catchingUp = false;
    this.ctx.trace("metadata.caught-up", { offset: this.image.offset, highWatermark: this.highWatermark });
    this.publishDelta(null);
    this.lastAppliedOffset = this.image.offset;
    this.onFirstPublish();
  }

  /**
   * Publishes what differs between `before` (null: an empty image) and the image now, as MetadataLoader publishes a
   * snapshot's delta: changed partitions, changed topic configs, this broker's dynamic configs, brokers newly fenced or
   * in controlled shutdown.
   */
  private publishDelta(before: MetadataImage | null): void {
    for (const [k, st] of this.image.partitions) if (before?.partitions.get(k) !== st) this.publisher.publishPartition(st);
    if (before) for (const [name, t] of this.image.topics) if (before.topics.has(name) && before.topics.get(name)!.config !== t.config) this.publisher.publishTopicConfig(name);
    const dyn = (img: MetadataImage | null) => JSON.stringify(img ? img.dynamicBrokerConfigs(this.ctx.name) : {});
    if (dyn(before) !== dyn(this.image)) this.publisher.publishBrokerConfig();
    // Eligible before: so in `before` (an unregistered broker counts as eligible, as a fenced one counted as unfenced).
    const eligible = (b: string) => !before?.brokers.has(b) || before.isIsrEligible(b);
    const ineligible = [...this.image.brokers.values()].filter((b) => !this.image.isIsrEligible(b.broker) && eligible(b.broker)).map((b) => b.broker);
    if (ineligible.length > 0) this.publisher.publishBrokersIneligible(ineligible);
  }

}

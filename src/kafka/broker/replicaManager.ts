import type { ActorContext, ConnectionId, Timer } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { PartitionLog } from "../log/partitionLog.js";
import type { RecordBatch } from "../log/recordBatch.js";
import type { MetadataImage } from "../metadata/metadataImage.js";
import type { PartitionState } from "../metadata/records.js";
import type { CoordinatorReplica, PartitionWriter } from "../coordinator/partitionWriter.js";
import type { ErrorName } from "../protocol/errors.js";
import {
  type ConsumerFetchRequest,
  type ConsumerFetchResponse,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
  type FetchRequest,
  type FetchResponse,
  type FetchResponsePartition,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type OffsetsForLeaderEpochRequest,
  type OffsetsForLeaderEpochResponse,
  type ProduceRequest,
  tpKey,
} from "../protocol/messages.js";
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from "../protocol/transactionMessages.js";
import type { AddPartitionsToTxnManager } from "./addPartitionsToTxnManager.js";
import { applyDynamicBrokerConfigs, type BrokerSettings } from "./brokerSettings.js";
import { consumerFetchPartition, DelayedFetchPurgatory, followerFetchPartition, maxConsumerOffset, readRecordsForConsumer, unknownPartitionError } from "./delayedFetch.js";
import { fetchParams, readFromLog } from "./logRead.js";
import type { AppendDone } from "./delayedProduce.js";
import type { LogDirDisk } from "./logDirDisk.js";
import { LogManager } from "./logManager.js";
import { handleProduceRequest } from "./produceRequest.js";
import { type FollowerRead, Partition, type PartitionHost } from "./partition.js";
import { ReplicaFetcherManager } from "./replicaFetcherThread.js";

/** What the replica manager needs from its broker. */
export interface ReplicaManagerHost {
  ctx: ActorContext;
  settings: BrokerSettings;
  /** The broker's metadata image: topic configs, which brokers are active. */
  image: MetadataImage;
  /** The follower fetchers' NetworkClient (Kafka: the replica fetcher threads' BrokerBlockingSender). */
  fetcherClient: NetworkClient;
  /** Sends a leader's ISR change to the controller (AlterPartitionManager). */
  alterPartition(p: Partition, newIsr: string[]): void;
  /** Charges CPU ns to the I/O thread handling the current request (RequestPath.chargeIoNs); absent: nothing. */
  chargeIoNs?(ns: number): void;
  /** The broker's log directory on its disk (`capacity.disk`); absent: appends and flushes cost no time. */
  disk?: LogDirDisk;
}

/** End-of-run view of a broker's replicas (for final-log readers; the model never uses it). */
export interface ReplicaSnapshot {
  topic: string;
  partition: number;
  role: "leader" | "follower" | "none";
  leaderEpoch: number;
  highWatermark: number;
  log: PartitionLog;
  /** The assigned replicas and the ISR as this broker last learned them (the leader's committed ISR). */
  replicas: string[];
  isr: string[];
  /** Producers with a transaction open on this replica (no marker yet): each holds the LSO back. */
  openTransactions: number;
}

/**
 * The partitions a broker hosts (Kafka `ReplicaManager`): it becomes leader or follower of each as the metadata
 * says (starting and stopping its follower fetcher), appends produce requests, markers and the coordinators' writes
 * with what their acks ask, answers follower and consumer fetches (parking them in the partition's purgatory when
 * there is nothing to read yet), ListOffsets and OffsetsForLeaderEpoch, and checkpoints high watermarks; the logs'
 * configs and scheduled tasks (retention, flush by age, the cleaner) are its `LogManager`'s. It is the coordinators'
 * `PartitionWriter`.
 */
export class ReplicaManager implements PartitionWriter {
  private readonly partitions = new Map<string, Partition>();
  /**
   * The same partitions by topic, then partition number: what the per-request paths (Produce, Fetch) look up without
   * building a `topic-partition` string per partition of every request.
   */
  private readonly partitionsByTopic = new Map<string, (Partition | undefined)[]>();
  /** The follower fetchers: one thread per source broker (num.replica.fetchers) for all partitions it leads. */
  readonly replicaFetcherManager: ReplicaFetcherManager;
  /** Fetches waiting for data (Kafka's delayedFetchPurgatory). */
  readonly delayedFetchPurgatory: DelayedFetchPurgatory;
  /** The logs' configs and scheduled tasks: retention, flush by age, the cleaner, producer expiry. */
  readonly logManager: LogManager;
  /** replica.high.watermark.checkpoint.interval.ms. */
  private readonly checkpoint: Timer;
  private readonly partitionHost: PartitionHost;
  private verifier: AddPartitionsToTxnManager | null = null;

  constructor(private readonly host: ReplicaManagerHost) {
    const { ctx, settings: s, image } = host;
    const logManager = (this.logManager = new LogManager(ctx, s, image, () => this.partitions.values()));
    this.partitionHost = {
      ctx,
      settings: s,
      minIsr: (topic, rf) => Math.min(image.topicConfig(topic, "min.insync.replicas") ?? s.minInsyncReplicas, rf),
      flushMessages: (topic) => logManager.flushMessages(topic),
      logConfig: (topic) => logManager.logConfig(topic),
      // KRaftMetadataCache.isBrokerFenced / isBrokerShuttingDown, as Partition.isReplicaIsrEligible reads them.
      isReplicaIsrEligible: (b) => image.isIsrEligible(b),
      sendAlterPartition: (p, newIsr) => host.alterPartition(p, newIsr),
      tryCompleteDelayedFetch: (key) => this.delayedFetchPurgatory.checkAndComplete(key),
      chargeIoNs: (ns) => host.chargeIoNs?.(ns),
      ...(host.disk ? { disk: host.disk } : {}),
    };
    this.delayedFetchPurgatory = new DelayedFetchPurgatory({ ctx, source: (key) => this.partitions.get(key), knowsTopic: (topic) => image.topics.has(topic), brokerFetchMaxBytes: s.fetchMaxBytes });
    this.replicaFetcherManager = new ReplicaFetcherManager({ ctx, settings: s, flushMessages: (t) => logManager.flushMessages(t), client: host.fetcherClient });
    this.checkpoint = ctx.timer(() => {
      this.checkpoint.set(s.highWatermarkCheckpointIntervalMs);
      this.checkpointHighWatermarks();
    });
    // Partitions found on disk come back as replicas of unknown role until metadata says otherwise.
    for (const name of ctx.disk.names()) {
      if (!name.startsWith("log/")) continue;
      const key = name.slice(4);
      const i = key.lastIndexOf("-");
      this.hostPartition(key.slice(0, i), Number(key.slice(i + 1)));
    }
  }

  private get ctx(): ActorContext {
    return this.host.ctx;
  }

  /**
   * A topic's configs changed (Kafka `DynamicConfigPublisher` → `LogManager.updateTopicConfig`): its logs read the
   * segment and retention settings afresh. min.insync.replicas, unclean.leader.election.enable and flush.* are read
   * from the metadata image at each use, so they apply at once.
   */
  topicConfigChanged(topic: string): void {
    this.logManager.updateTopicConfig(topic);
  }

  /**
   * A dynamic broker config of this broker (or the cluster default) changed (Kafka `DynamicConfigPublisher` →
   * `DynamicBrokerConfig.updateBrokerConfig` / `updateDefaultConfig`): the broker's settings take the image's
   * dynamic configs over its static ones, and every log reads its defaults again (`LogManager.reconfigureDefaultLogConfig`).
   * min.insync.replicas and flush.* are read at each use, so they apply at once.
   */
  brokerConfigChanged(): void {
    applyDynamicBrokerConfigs(this.host.settings, this.host.image.dynamicBrokerConfigs(this.ctx.name));
    this.logManager.reconfigureDefaultLogConfig();
  }

  /**
   * Other brokers were fenced or entered controlled shutdown (no longer ISR-eligible): a led partition whose HW one
   * of them could hold back recomputes it.
   */
  brokersIneligible(brokers: string[]): void {
    for (const p of this.partitions.values()) if (brokers.some((b) => p.mayWaitFor(b))) p.maybeIncrementHighWatermark();
  }

  /** KIP-890 verification of transactional produces (set once the broker has built its AddPartitionsToTxnManager). */
  verifyTransactionsWith(verifier: AddPartitionsToTxnManager): void {
    this.verifier = verifier;
  }

  partition(key: string): Partition | undefined {
    return this.partitions.get(key);
  }

  /** The hosted partition `partition` of `topic`, if any (the same as `partition(tpKey(topic, partition))`). */
  private hosted(topic: string, partition: number): Partition | undefined {
    return this.partitionsByTopic.get(topic)?.[partition];
  }

  /** Starts hosting a replica (its log is opened from disk, or created). */
  private hostPartition(topic: string, partition: number): Partition {
    const p = new Partition(topic, partition, this.partitionHost);
    this.partitions.set(p.key, p);
    let byPartition = this.partitionsByTopic.get(topic);
    if (!byPartition) this.partitionsByTopic.set(topic, (byPartition = []));
    byPartition[partition] = p;
    this.logManager.cleaner.maybeSchedule();
    return p;
  }

  // ---- metadata (ReplicaManager.applyDelta: makeLeaders / makeFollowers) ----

  /**
   * A partition's state from the metadata log: become its leader or a follower (starting or stopping the follower
   * fetcher), or stop hosting it. Returns the partition and the leader epoch it led in before (-1: it did not lead),
   * or null when this broker is not a replica.
   */
  applyPartitionState(st: PartitionState): { partition: Partition; wasLeaderEpoch: number } | null {
    const key = tpKey(st.topic, st.partition);
    let p = this.partitions.get(key);
    if (!st.replicas.includes(this.ctx.name)) {
      // No longer a replica (a reassignment removed it): ReplicaManager.applyDelta's deletes → stopPartitions with
      // deleteLocalLog = true: the fetcher stops, the partition leaves the map and its log is deleted.
      if (p) {
        p.stop();
        this.replicaFetcherManager.removeFetcherForPartition(key);
        this.partitions.delete(key);
        this.partitionsByTopic.get(st.topic)![st.partition] = undefined;
        this.ctx.disk.delete(`log/${key}`);
      }
      return null;
    }
    if (!p) p = this.hostPartition(st.topic, st.partition);
    const wasLeaderEpoch = p.role === "leader" ? p.leaderEpoch : -1;
    const became = p.applyState(st);
    if (became === "leader" || (became === "follower" && st.leader === null)) this.replicaFetcherManager.removeFetcherForPartition(key);
    else if (became === "follower") this.replicaFetcherManager.addFetcherForPartition(p, st.leader!, st.leaderEpoch);
    this.logManager.flusher.arm();
    return { partition: p, wasLeaderEpoch };
  }

  // ---- appends (ReplicaManager.appendRecords) ----

  /**
   * Appends to a partition this broker leads, and completes `done` as `acks` asks: 0 — never (nobody waits for an
   * answer); 1 — once the leader has appended; all (-1) — once the high watermark has passed the batch (the delayed
   * produce purgatory), or with the error that stopped it.
   */
  appendRecords(p: Partition, batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, acks: -1 | 0 | 1, timeoutMs: number, currentLeaderEpoch: number, from: string, done: AppendDone): void {
    const r = p.appendRecordsToLeader(batch, acks, currentLeaderEpoch, from);
    if (!r.ok) return done(r.error, -1);
    if (acks === 0) return;
    if (acks === 1) return done("NONE", r.baseOffset);
    p.delayedProduces.tryCompleteElseWatch(r.lastOffset + 1, r.baseOffset, timeoutMs, done);
  }

  /** Produce (KafkaApis.handleProduceRequest): every partition's batch appended, one answer (produceRequest.ts). */
  handleProduce(from: string, req: ProduceRequest, conn: ConnectionId): void {
    handleProduceRequest(
      req,
      {
        partition: (d) => this.hosted(d.topic, d.partition),
        topicExists: (topic) => this.host.image.topics.has(topic),
        verifier: this.verifier,
        append: (p, d, done) => this.appendRecords(p, d.batch, req.acks, req.timeoutMs, d.currentLeaderEpoch, from, done),
      },
      (res) => {
        // KIP-951 (KafkaApis.handleProduceRequest → getCurrentLeader): a NOT_LEADER_OR_FOLLOWER entry names the
        // leader and epoch this broker's metadata has for the partition, so the producer can retry there at once.
        for (const r of res.responses)
          if (r.error === "NOT_LEADER_OR_FOLLOWER") {
            const m = this.host.image.partition(r.topic, r.partition);
            r.currentLeader = { leader: m?.leader ?? null, leaderEpoch: m && m.leader !== null ? m.leaderEpoch : -1 };
          }
        this.ctx.write(conn, res);
      },
    );
  }

  /**
   * WriteTxnMarkers from a transaction coordinator: the marker is a control batch appended with acks=all, waiting
   * at most request.timeout.ms (KafkaApis.handleWriteTxnMarkersRequest).
   */
  writeTxnMarkers(from: string, req: WriteTxnMarkersRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName) => this.ctx.write(conn, { type: "WriteTxnMarkersResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error } satisfies WriteTxnMarkersResponse);
    const p = this.partitions.get(tpKey(req.topic, req.partition));
    if (!p) return reply("NOT_LEADER_OR_FOLLOWER");
    // KafkaApis.handleWriteTxnMarkersRequest: a partition whose log is in a format before v2 (magic < 2) cannot hold
    // a control batch, so its marker is refused before any append, and the coordinator stops waiting for it.
    if (this.logManager.logConfig(req.topic).recordMagic < 2) return reply("UNSUPPORTED_FOR_MESSAGE_FORMAT");
    const batch = {
      producerId: req.producerId,
      producerEpoch: req.producerEpoch,
      baseSequence: -1,
      isTransactional: true,
      isControl: true,
      records: [{ key: req.commit ? "COMMIT" : "ABORT", value: String(req.coordinatorEpoch) }],
      sizeBytes: 78,
    };
    this.appendRecords(p, batch, -1, this.host.settings.requestTimeoutMs, -1, from, (error) => reply(error));
  }

  // ---- PartitionWriter, for the coordinators ----

  replica(topic: string, partition: number): CoordinatorReplica | undefined {
    return this.partitions.get(tpKey(topic, partition));
  }

  append(topic: string, partition: number, batch: Omit<RecordBatch, "baseOffset" | "leaderEpoch">, timeoutMs: number, done: (error: ErrorName) => void): void {
    this.appendRecords(this.partitions.get(tpKey(topic, partition))!, batch, -1, timeoutMs, -1, this.ctx.name, done);
  }

  // ---- fetches (ReplicaManager.fetchMessages) ----

  /**
   * A follower's Fetch (ReplicaManager.fetchMessages → readFromLog → Partition.fetchRecords for each partition):
   * the partitions are read in the fetch session's order under the Fetch's limits (`readFromLog`: each at most
   * replica.fetch.max.bytes, all at most replica.fetch.response.max.bytes and the broker's fetch.max.bytes, the first
   * batch of the first partition with data whole), each with the HW from before the follower's state is updated.
   * Answered at once when the bytes read reach the Fetch's min bytes (replica.fetch.min.bytes), any partition has an
   * error, or the fetch may not wait; else parked in the purgatory until enough bytes or an error are there, and then
   * answered with every partition read again, with the HW of that moment (DelayedFetch.onComplete, without updating
   * the follower's state). Simplified: the leader updates the follower's fetch state partition by partition in the
   * request's order after reading them all in the session's order (Kafka reads and updates each in the session's
   * order); partitions do not affect each other's logs, so only the order of same-instant effects differs.
   */
  handleFetch(req: FetchRequest, conn: ConnectionId): void {
    const params = fetchParams(req, this.host.settings.fetchMaxBytes);
    const sources = req.partitions.map((fp) => this.hosted(fp.topic, fp.partition));
    const reads = readFromLog(req, params, (i, maxBytes, minOneMessage): FollowerRead => {
      const p = sources[i];
      return p ? p.readForFollower(req.replicaId, req.partitions[i], maxBytes, minOneMessage) : { ok: false, error: "NOT_LEADER_OR_FOLLOWER", bytes: 0 };
    });
    const partitions: FetchResponsePartition[] = [];
    let complete = req.maxWaitMs <= 0 || req.partitions.length === 0;
    let bytesReadable = 0;
    for (let i = 0; i < req.partitions.length; i++) {
      const fp = req.partitions[i];
      const p = sources[i];
      const r = reads[i];
      if (!p) partitions.push(followerFetchPartition(fp, "NOT_LEADER_OR_FOLLOWER", -1, -1, []));
      else if (!r.ok) partitions.push(followerFetchPartition(fp, r.error, p.highWatermark, p.log.logStartOffset, []));
      else {
        partitions.push(followerFetchPartition(fp, "NONE", r.highWatermark, p.log.logStartOffset, r.batches, r.partialBytes));
        p.followerFetched(req.replicaId, fp.fetchOffset);
      }
      if (!r.ok) complete = true;
      bytesReadable += r.bytes;
    }
    if (complete || bytesReadable >= params.minBytes) this.ctx.write(conn, { type: "FetchResponse", correlationId: req.correlationId, partitions } satisfies FetchResponse);
    // Every partition is hosted here (else it would have completed): their keys are at hand.
    else
      this.delayedFetchPurgatory.watch(
        conn,
        req,
        params,
        sources.map((p) => p!.key),
      );
  }

  /**
   * A consumer's Fetch (replica id -1; see `readRecordsForConsumer`), its partitions read as a follower's are
   * (`readFromLog`: max.partition.fetch.bytes each, fetch.max.bytes and the broker's fetch.max.bytes in all):
   * answered at once when any partition has an error, the bytes read reach fetch.min.bytes, or it may not wait
   * (ReplicaManager.fetchMessages); else parked, also when an offset is above the HW (LSO) but not past the log end:
   * DelayedFetch.tryComplete's Case F completes early only when the HW is on an older segment than the fetch offset,
   * and the model's log is one segment.
   */
  handleConsumerFetch(req: ConsumerFetchRequest, conn: ConnectionId): void {
    const params = fetchParams(req, this.host.settings.fetchMaxBytes);
    const sources = req.partitions.map((fp) => this.hosted(fp.topic, fp.partition));
    const reads = readFromLog(req, params, (i, maxBytes, minOneMessage) => {
      const p = sources[i];
      return p ? readRecordsForConsumer(p, req.partitions[i], req.isolationLevel, maxBytes, minOneMessage) : { ok: false as const, error: "NOT_LEADER_OR_FOLLOWER" as const, bytes: 0 as const };
    });
    let complete = req.maxWaitMs <= 0 || req.partitions.length === 0;
    let bytesReadable = 0;
    const partitions = req.partitions.map((fp, i) => {
      const p = sources[i];
      const read = reads[i];
      bytesReadable += read.bytes;
      if (!read.ok) complete = true;
      if (!p) return consumerFetchPartition(fp, req.isolationLevel, unknownPartitionError(this.host.image.topics.has(fp.topic)), -1, -1, -1, null);
      return consumerFetchPartition(fp, req.isolationLevel, read.ok ? "NONE" : read.error, p.highWatermark, p.lastStableOffset, p.log.logStartOffset, read);
    });
    if (complete || bytesReadable >= params.minBytes) this.ctx.write(conn, { type: "FetchResponse", correlationId: req.correlationId, partitions } satisfies ConsumerFetchResponse);
    else this.delayedFetchPurgatory.watch(conn, req, params);
  }

  /** ListOffsets for auto.offset.reset (ReplicaManager.fetchOffset): earliest is the log start, latest the HW (or LSO). */
  handleListOffsets(req: ListOffsetsRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName, offset: number) =>
      this.ctx.write(conn, { type: "ListOffsetsResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, offset } satisfies ListOffsetsResponse);
    const p = this.partitions.get(tpKey(req.topic, req.partition));
    if (!p) return reply(this.host.image.topics.has(req.topic) ? "NOT_LEADER_OR_FOLLOWER" : "UNKNOWN_TOPIC_OR_PARTITION", -1);
    // Partition.fetchOffsetForTimestamp → localLogWithEpochOrThrow: the epoch before the role.
    const epochError = p.checkLeaderAndEpoch(req.currentLeaderEpoch);
    if (epochError !== "NONE") return reply(epochError, -1);
    reply("NONE", req.timestamp === -2 ? p.log.logStartOffset : maxConsumerOffset(p, req.isolationLevel));
  }

  /**
   * `ReplicaManager.deleteRecords` (DeleteRecords from an admin client): the leader moves its log start; followers
   * learn it from their next fetch response, and every replica's retention task then deletes the segments wholly
   * below it. Simplification: answered at once with the leader's log start, where Kafka parks the request
   * (DelayedDeleteRecords) until every replica's log start — the low watermark — has reached the offset.
   */
  handleDeleteRecords(req: DeleteRecordsRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName, lowWatermark: number) =>
      this.ctx.write(conn, { type: "DeleteRecordsResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, lowWatermark } satisfies DeleteRecordsResponse);
    const p = this.partitions.get(tpKey(req.topic, req.partition));
    if (!p) return reply(this.host.image.topics.has(req.topic) ? "NOT_LEADER_OR_FOLLOWER" : "UNKNOWN_TOPIC_OR_PARTITION", -1);
    const r = p.deleteRecordsOnLeader(req.offset);
    reply(r.error, r.lowWatermark);
  }

  /** OffsetsForLeaderEpoch from a follower (KIP-101/KIP-279 truncation). */
  handleOffsetsForLeaderEpoch(req: OffsetsForLeaderEpochRequest, conn: ConnectionId): void {
    const p = this.partitions.get(tpKey(req.topic, req.partition));
    const r = p ? p.lastOffsetForLeaderEpoch(req.currentLeaderEpoch, req.leaderEpoch) : { error: "NOT_LEADER_OR_FOLLOWER" as const, leaderEpoch: -1, endOffset: -1 };
    this.ctx.write(conn, { type: "OffsetsForLeaderEpochResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error: r.error, leaderEpoch: r.leaderEpoch, endOffset: r.endOffset } satisfies OffsetsForLeaderEpochResponse);
  }

  // ---- HW checkpoints and the end of the process ----

  /** ReplicaManager.startHighWatermarkCheckpointThread, then the log tasks (LogManager.startup). */
  startCheckpoints(): void {
    this.checkpoint.set(this.host.settings.highWatermarkCheckpointIntervalMs);
    this.logManager.startup();
  }

  /** Writes every partition's HW to its checkpoint (replica.high.watermark.checkpoint.interval.ms, and on shutdown). */
  checkpointHighWatermarks(): void {
    for (const p of this.partitions.values()) p.checkpointHighWatermark();
  }

  inspect(): ReplicaSnapshot[] {
    return [...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, role: p.role, leaderEpoch: p.leaderEpoch, highWatermark: p.highWatermark, log: p.log, replicas: p.replicas, isr: p.isrState.isr, openTransactions: p.producerState.ongoing.size }));
  }
}

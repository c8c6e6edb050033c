import type { ActorContext, Timer } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import { UNDEFINED_EPOCH, UNDEFINED_OFFSET } from "../log/leaderEpochCache.js";
import { batchFrom, lastOffsetOf } from "../log/recordBatch.js";
import { type FetchPartition, type FetchRequest, type FetchResponsePartition, type OffsetsForLeaderEpochRequest, type OffsetsForLeaderEpochResponse } from "../protocol/messages.js";
import { FetchSessionOrder } from "../protocol/fetchSessionOrder.js";
import type { BrokerSettings } from "./brokerSettings.js";
import type { Partition } from "./partition.js";

/** What a fetcher thread needs from its broker. */
export interface FetcherHost {
  ctx: ActorContext;
  settings: BrokerSettings;
  flushMessages(topic: string): number;
  /** The broker's replica fetchers' NetworkClient. */
  client: NetworkClient;
}

/**
 * One followed partition's state in its fetcher (Kafka `PartitionFetchState`): truncating (KIP-101/279, asking the
 * leader where our epoch ends) or fetching from the log end, at the leader epoch the metadata gave, and delayed
 * (`DelayedItem`) after an error until `delayedUntilUs`.
 */
interface PartitionFetchState {
  readonly p: Partition;
  readonly leaderEpoch: number;
  state: "truncating" | "fetching";
  delayedUntilUs: number;
  /** The OffsetsForLeaderEpoch in flight for it (correlation id; -1: none). */
  truncationInFlight: number;
}

/**
 * A follower's fetcher for the partitions it follows from one leader (Kafka `AbstractFetcherThread` /
 * `ReplicaFetcherThread`; `num.replica.fetchers` of them per source broker, 1 by default). Its `partitionStates`
 * are added and removed as the metadata moves leaders. A new partition first truncates by leader epoch
 * (KIP-101/KIP-279: OffsetsForLeaderEpoch, repeated until both sides agree on an epoch); then it joins the
 * fetcher's one Fetch, which carries every partition ready to fetch (fetching, not delayed), each from its log end
 * (`buildFetch`), with at most one Fetch in flight. Each partition of the answer is handled on its own
 * (`processFetchRequest`): data is appended and the HW learnt, one fetch late as in Kafka; OFFSET_OUT_OF_RANGE truncates
 * (or starts over at the leader's log start); any other error delays that partition by replica.fetch.backoff.ms. A
 * Fetch whose connection fails, or that goes unanswered past replica.socket.timeout.ms (plus the fetch's wait),
 * delays all its partitions. With the simulator's `legacyHighWatermarkTruncation` switch a partition truncates to
 * its own HW instead (pre-KIP-101 behaviour).
 * Simplification: OffsetsForLeaderEpoch goes out per partition, alongside the Fetch, where Kafka's thread sends one
 * for all its truncating partitions before it fetches (`maybeTruncate`).
 */
export class ReplicaFetcherThread {
  readonly partitionStates = new Map<string, PartitionFetchState>();
  /** The Fetch in flight (correlation id; -1: none). */
  private fetchInFlight = -1;
  private timer = -1;
  private timerAtUs = Infinity;
  private shutdown = false;
  /** The next pass after a back-off. */
  private readonly wake: Timer;
  /** The order the leader reads this thread's partitions in (its fetch session's, KIP-227). */
  private readonly session = new FetchSessionOrder();
  /** µs the thread spent on the disk (throttled appends, fsyncs) while processing the answer at hand. */
  private stallUs = 0;

  constructor(
    readonly leader: string,
    private readonly host: FetcherHost,
  ) {
    this.wake = host.ctx.timer(() => {
      this.timer = -1;
      this.timerAtUs = Infinity;
      this.doWork();
    });
  }

  /** AbstractFetcherThread.addPartitions: follow `p` from this leader at `leaderEpoch`, starting with truncation. */
  addPartition(p: Partition, leaderEpoch: number): void {
    const st: PartitionFetchState = { p, leaderEpoch, state: "fetching", delayedUntilUs: -Infinity, truncationInFlight: -1 };
    this.partitionStates.set(p.key, st);
    const legacy = this.host.settings.legacyHighWatermarkTruncation;
    if (legacy || p.log.epochCache.latestEpoch() === UNDEFINED_EPOCH) this.truncate(st, p.highWatermark, legacy ? "legacy: truncate to high watermark" : "no leader epochs: truncate to high watermark");
    else st.state = "truncating";
    // The thread runs once the metadata change has added all its partitions (partitionMapCond.signalAll), so
    // they share its next Fetch.
    this.wakeAt(this.host.ctx.nowUs);
  }

  /** AbstractFetcherThread.removePartitions: an answer still on its way for it is ignored. */
  removePartition(key: string): void {
    this.partitionStates.delete(key);
  }

  /** The thread stops (it follows nothing any more): answers still on their way are ignored. */
  close(): void {
    this.shutdown = true;
    if (this.timer >= 0) this.wake.cancel(this.timer);
    this.timer = -1;
  }

  /** AbstractFetcherThread.doWork: truncation requests, then the Fetch; a timer for the earliest delayed partition. */
  private doWork(): void {
    if (this.shutdown) return;
    const now = this.host.ctx.nowUs;
    let nextUs = Infinity;
    const partitions: FetchPartition[] = [];
    const sent: PartitionFetchState[] = [];
    for (const st of this.partitionStates.values()) {
      if (st.delayedUntilUs > now) {
        if (st.truncationInFlight < 0) nextUs = Math.min(nextUs, st.delayedUntilUs);
        continue;
      }
      if (st.state === "truncating") {
        if (st.truncationInFlight < 0) this.sendOffsetsForLeaderEpoch(st, st.p.log.epochCache.latestEpoch());
      } else if (this.fetchInFlight < 0) {
        partitions.push({ topic: st.p.topic, partition: st.p.partition, currentLeaderEpoch: st.leaderEpoch, fetchOffset: st.p.log.logEndOffset, partitionMaxBytes: this.host.settings.replicaFetchMaxBytes });
        sent.push(st);
      }
    }
    if (partitions.length > 0) this.sendFetch(partitions, sent);
    if (nextUs < Infinity) this.wakeAt(nextUs);
  }

  private wakeAt(us: number): void {
    if (this.timer >= 0 && this.timerAtUs <= us) return;
    if (this.timer >= 0) this.wake.cancel(this.timer);
    this.timerAtUs = us;
    this.timer = this.wake.set(Math.max(0, (us - this.host.ctx.nowUs) / 1000));
  }

  /** Whether `st` is still the partition's state here (not removed, nor removed and added again). */
  private isCurrent(st: PartitionFetchState): boolean {
    return !this.shutdown && this.partitionStates.get(st.p.key) === st;
  }

  /**
   * AbstractFetcherThread.onPartitionFenced, for an answer to a request this state sent (`isCurrent`): the request's
   * epoch is the state's, so the leader is at a newer epoch than our metadata; markPartitionFailed — stop fetching
   * the partition until the metadata's new state adds it again (ReplicaManager.applyPartitionState →
   * addFetcherForPartition). Kafka delays it instead when the state moved on meanwhile, an answer ignored here.
   */
  private onPartitionFenced(st: PartitionFetchState): void {
    this.partitionStates.delete(st.p.key);
  }

  private delay(st: PartitionFetchState): void {
    st.delayedUntilUs = this.host.ctx.nowUs + this.host.settings.replicaFetchBackoffMs * 1000;
  }

  private sendOffsetsForLeaderEpoch(st: PartitionFetchState, epoch: number): void {
    const client = this.host.client;
    const req: OffsetsForLeaderEpochRequest = {
      type: "OffsetsForLeaderEpoch",
      correlationId: client.correlationId(),
      replicaId: this.host.ctx.name,
      topic: st.p.topic,
      partition: st.p.partition,
      currentLeaderEpoch: st.leaderEpoch,
      leaderEpoch: epoch,
    };
    st.truncationInFlight = req.correlationId;
    client.sendWhenReady(
      this.leader,
      req,
      (res) => {
        if (!this.isCurrent(st) || st.truncationInFlight !== req.correlationId) return;
        st.truncationInFlight = -1;
        if (res.type === "Disconnected") this.delay(st);
        else this.onOffsetsForLeaderEpoch(st, res);
        this.doWork();
      },
      this.host.settings.replicaSocketTimeoutMs,
    );
  }

  /**
   * RemoteLeaderEndPoint.buildFetch: one Fetch for every partition ready to fetch, each at most
   * replica.fetch.max.bytes, the whole at most replica.fetch.response.max.bytes, answered once replica.fetch.min.bytes
   * are there (or replica.fetch.wait.max.ms passed), read in the fetch session's order (`FetchSessionOrder`).
   */
  private sendFetch(partitions: FetchPartition[], sent: PartitionFetchState[]): void {
    const { ctx, client, settings } = this.host;
    const keys = sent.map((st) => st.p.key);
    const readOrder = this.session.readOrder(keys);
    const req: FetchRequest = {
      type: "Fetch",
      correlationId: client.correlationId(),
      replicaId: ctx.name,
      maxWaitMs: settings.replicaFetchWaitMaxMs,
      minBytes: settings.replicaFetchMinBytes,
      maxBytes: settings.replicaFetchResponseMaxBytes,
      readOrder,
      partitions,
    };
    this.fetchInFlight = req.correlationId;
    const timeoutMs = settings.replicaFetchWaitMaxMs + settings.replicaSocketTimeoutMs;
    client.sendWhenReady(
      this.leader,
      req,
      (res) => {
        if (this.shutdown || this.fetchInFlight !== req.correlationId) return;
        this.fetchInFlight = -1;
        if (res.type === "Disconnected") {
          // processFetchRequest: a failed request puts every partition it carried in partitionsWithError, and
          // FetchSessionHandler.handleError ends the session.
          this.session.reset();
          for (const st of sent) if (this.isCurrent(st)) this.delay(st);
        } else {
          const parts = res.partitions;
          const moved: string[] = [];
          for (const i of readOrder) if (parts[i].batches.length > 0 || (parts[i].partialBytes ?? 0) > 0) moved.push(keys[i]);
          this.session.moveToEnd(moved);
          for (let i = 0; i < parts.length; i++) {
            const st = sent[i];
            // Only if the partition is still ready for fetch from the offset asked (it may have been removed,
            // re-added or truncated meanwhile).
            if (this.isCurrent(st) && st.state === "fetching" && st.p.log.logEndOffset === partitions[i].fetchOffset) this.processPartitionData(st, parts[i]);
          }
        }
        // The thread spent the appends' throttling and the flushes' fsyncs (capacity.disk) before its next doWork.
        const stallUs = this.stallUs;
        this.stallUs = 0;
        if (stallUs > 0) this.wakeAt(this.host.ctx.nowUs + stallUs);
        else this.doWork();
      },
      timeoutMs,
    );
  }

  /** AbstractFetcherThread.getOffsetTruncationState, one round. */
  private onOffsetsForLeaderEpoch(st: PartitionFetchState, res: OffsetsForLeaderEpochResponse): void {
    if (st.state !== "truncating") return;
    // AbstractFetcherThread.truncateToEpochEndOffsets: FENCED_LEADER_EPOCH → onPartitionFenced; any other error delays.
    if (res.error === "FENCED_LEADER_EPOCH") return this.onPartitionFenced(st);
    if (res.error !== "NONE") return this.delay(st);
    const p = st.p;
    const log = p.log;
    if (res.endOffset === UNDEFINED_OFFSET) {
      this.truncate(st, p.highWatermark, "leader has no epoch at or below ours: truncate to high watermark");
      return;
    }
    const mine = log.epochCache.endOffsetFor(res.leaderEpoch, log.logEndOffset);
    if (mine.endOffset === UNDEFINED_OFFSET) {
      this.truncate(st, Math.min(res.endOffset, log.logEndOffset), `no local epochs to compare with ${res.leaderEpoch}`);
    } else if (mine.epoch !== res.leaderEpoch) {
      // KIP-279: we do not have the leader's epoch; cut back to the end of our largest smaller one and ask again.
      this.truncate(st, Math.min(mine.endOffset, log.logEndOffset), `epoch ${res.leaderEpoch} unknown locally; retry with epoch ${mine.epoch}`);
      st.state = "truncating";
      this.sendOffsetsForLeaderEpoch(st, mine.epoch);
    } else {
      this.truncate(st, Math.min(res.endOffset, mine.endOffset), `leader's epoch ${res.leaderEpoch} ends at ${res.endOffset}`);
    }
  }

  /** One partition of the Fetch's answer (AbstractFetcherThread.processFetchRequest → ReplicaFetcherThread.processPartitionData). */
  private processPartitionData(st: PartitionFetchState, res: FetchResponsePartition): void {
    const p = st.p;
    const log = p.log;
    if (res.error === "OFFSET_OUT_OF_RANGE" && res.logStartOffset > log.logEndOffset) {
      // AbstractFetcherThread.fetchOffsetAndTruncate: the leader's log start passed our log end (retention or
      // DeleteRecords removed what we miss), so start over, empty, at the leader's log start. Simplification: the
      // leader's log start comes from this response rather than a ListOffsets(earliest) round trip.
      p.trace("partition.truncate-fully", { from: log.logEndOffset, to: res.logStartOffset, why: "fetch offset below the leader's log start" });
      log.truncateFullyAndStartAt(res.logStartOffset, this.host.ctx.nowMs);
      p.rebuildProducerState();
      p.highWatermark = Math.max(p.highWatermark, res.logStartOffset);
      return;
    }
    if (res.error === "OFFSET_OUT_OF_RANGE") {
      st.state = "truncating";
      return;
    }
    // AbstractFetcherThread.processFetchRequest: FENCED_LEADER_EPOCH → onPartitionFenced; NOT_LEADER_OR_FOLLOWER,
    // UNKNOWN_LEADER_EPOCH, ...: partitionsWithError, delayed.
    if (res.error === "FENCED_LEADER_EPOCH") return this.onPartitionFenced(st);
    if (res.error !== "NONE") return this.delay(st);
    const legacy = this.host.settings.legacyHighWatermarkTruncation;
    for (const b of res.batches) {
      if (lastOffsetOf(b) < log.logEndOffset) continue;
      if (b.baseOffset < log.logEndOffset) {
        // The leader's batch straddles our log end: after a truncation to the HW (pre-0.11, where the two logs'
        // batches need not line up) the old protocol read per message, from our log end; so take the batch's tail.
        // Otherwise it cannot be appended (Kafka: UnexpectedAppendOffsetException) and the fetch ends here.
        if (!legacy) break;
        this.stallUs += p.appendAsFollower(batchFrom(b, log.logEndOffset));
        continue;
      }
      // A batch past our log end: the leader's cleaner removed the batches in between (offsets are sparse).
      this.stallUs += p.appendAsFollower(b);
    }
    if (res.batches.length > 0 && log.unflushedMessages >= this.host.flushMessages(p.topic)) this.stallUs += p.flushLog();
    // ReplicaFetcherThread.processPartitionData → UnifiedLog.maybeUpdateHighWatermark → updateHighWatermark: every
    // response sets the follower's HW to the leader's, bounded by the log start and the log end, so it follows a
    // lower HW back (a new leader whose HW lags the old one's), and tells the producer state (onHighWatermarkUpdated).
    // Then maybeIncrementLogStartOffset with the leader's log start.
    const hw = Math.max(log.logStartOffset, Math.min(res.highWatermark, log.logEndOffset));
    if (hw !== p.highWatermark) p.highWatermark = hw;
    p.followerLogStartOffset(res.logStartOffset);
  }

  /** Truncates the partition's log to `offset` and marks it fetching. */
  private truncate(st: PartitionFetchState, offset: number, why: string): void {
    const p = st.p;
    const log = p.log;
    const before = log.logEndOffset;
    const removed = log.truncateTo(offset, this.host.ctx.nowMs);
    if (removed > 0) {
      p.trace("partition.truncate", { from: before, to: log.logEndOffset, removed, highWatermark: p.highWatermark, why });
      p.rebuildProducerState();
      // UnifiedLog.truncateTo: `if (highWatermark >= localLog.logEndOffset) updateHighWatermark(logEndOffsetMetadata)`
      // (truncateFullyAndStartAt always does): the HW update drops the replayed transactions whose marker is below it.
      if (p.highWatermark >= log.logEndOffset) p.highWatermark = log.logEndOffset;
    }
    st.state = "fetching";
  }
}

/** Java's String.hashCode (32-bit), for Kafka's fetcher id. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** AbstractFetcherManager.getFetcherId: `Utils.abs(31 * topic.hashCode + partition) % num.replica.fetchers`. */
export function fetcherId(topic: string, partition: number, numFetchers: number): number {
  const h = (Math.imul(31, javaStringHash(topic)) + partition) | 0;
  return (h === -2147483648 ? 0 : Math.abs(h)) % numFetchers;
}

/**
 * The broker's replica fetchers (Kafka `ReplicaFetcherManager` / `AbstractFetcherManager`): one
 * `ReplicaFetcherThread` per source broker and fetcher id (`num.replica.fetchers`, default 1); a partition's fetcher
 * is chosen by `fetcherId`. A thread that follows nothing any more is shut down (shutdownIdleFetcherThreads).
 */
export class ReplicaFetcherManager {
  private readonly threads = new Map<string, ReplicaFetcherThread>();
  /** Which thread follows each partition. */
  private readonly threadOf = new Map<string, string>();

  constructor(private readonly host: FetcherHost) {}

  /** AbstractFetcherManager.addFetcherForPartitions: follow `p` from `leader` at `leaderEpoch` (replacing any earlier fetcher state). */
  addFetcherForPartition(p: Partition, leader: string, leaderEpoch: number): void {
    this.removeFetcherForPartition(p.key);
    const id = `${leader}/${fetcherId(p.topic, p.partition, this.host.settings.numReplicaFetchers)}`;
    let t = this.threads.get(id);
    if (!t) this.threads.set(id, (t = new ReplicaFetcherThread(leader, this.host)));
    this.threadOf.set(p.key, id);
    t.addPartition(p, leaderEpoch);
  }

  /** AbstractFetcherManager.removeFetcherForPartitions, then shutdownIdleFetcherThreads for its thread. */
  removeFetcherForPartition(key: string): void {
    const id = this.threadOf.get(key);
    if (id === undefined) return;
    this.threadOf.delete(key);
    // A partition its thread marked failed (onPartitionFenced) left it already; that thread may be shut down since.
    const t = this.threads.get(id);
    if (!t) return;
    t.removePartition(key);
    if (t.partitionStates.size === 0) {
      t.close();
      this.threads.delete(id);
    }
  }

  /** The fetcher threads, by `leader/fetcherId` (for tests and inspection). */
  get fetcherThreads(): ReadonlyMap<string, ReplicaFetcherThread> {
    return this.threads;
  }
}

import type { ConsumerFetchRequest, ConsumerFetchResponsePartition, FetchPartition } from "../../protocol/messages.js";
import { FetchSessionOrder } from "../../protocol/fetchSessionOrder.js";
import type { AssignedPartition } from "./assignedPartition.js";
import { decompressionNs } from "../../log/compression.js";
import type { Timer } from "../../../sim/index.js";
import { CompletedFetch } from "./completedFetch.js";
import { type ConsumerRequestHost, disconnectError, readyOrWake } from "./consumerRequests.js";

/**
 * The consumer's fetcher (Kafka `AbstractFetch` / `Fetcher`): one Fetch per node for every fetchable partition that
 * node leads, each from its position with its leader epoch (`prepareFetchRequests`), and no new Fetch to a node
 * while one is in flight to it (`nodesWithPendingFetchRequests`). Each partition of the answer is taken on its own
 * (`FetchCollector.initialize`): data becomes the partition's completed fetch, OFFSET_OUT_OF_RANGE resets by
 * auto.offset.reset (or is raised by poll()), any other error retries after retry.backoff.ms with fresh metadata.
 * Each Fetch asks for at most max.partition.fetch.bytes a partition and fetch.max.bytes in all, and for an answer
 * once fetch.min.bytes are there (or fetch.max.wait.ms passed); a partition's incomplete last batch is dropped (only
 * its whole batches become the completed fetch).
 * Simplification: no fetch sessions (KIP-227): every Fetch lists all its partitions, with the order the session
 * would read them in (`FetchSessionOrder`; see README "Fidelity").
 */
export class Fetcher {
  /** Nodes with a Fetch in flight, and its correlation id (AbstractFetch.nodesWithPendingFetchRequests). */
  private readonly pending = new Map<string, number>();
  /** Per node, the order its leader reads our partitions in (the fetch session's, KIP-227). */
  private readonly sessions = new Map<string, FetchSessionOrder>();

  /** capacity.clientCpu: wakes a blocked poll() once an answer's decompression is done (made at first use). */
  private decompressed: Timer | null = null;

  constructor(private readonly host: ConsumerRequestHost) {}

  /** AbstractFetch.prepareFetchRequests + sendFetches: `fetchable` grouped by leader, one Fetch per ready node. */
  sendFetches(fetchable: AssignedPartition[]): void {
    let byNode: Map<string, AssignedPartition[]> | null = null;
    for (const p of fetchable) {
      const leader = p.position!.currentLeader.leader;
      if (leader === null) {
        this.host.metadata.requestUpdate();
        continue;
      }
      if (this.pending.has(leader)) continue;
      byNode ??= new Map();
      const list = byNode.get(leader);
      if (list) list.push(p);
      else byNode.set(leader, [p]);
    }
    if (byNode === null) return;
    for (const [node, parts] of byNode) if (readyOrWake(this.host, node)) this.sendFetch(node, parts);
  }

  private sendFetch(node: string, parts: AssignedPartition[]): void {
    const { client, settings } = this.host;
    const id = client.correlationId();
    const partitions: FetchPartition[] = [];
    for (const p of parts) {
      const position = p.position!;
      p.inFlight = id;
      p.inFlightKind = "fetch";
      p.inFlightOffset = position.offset;
      partitions.push({ topic: p.topic, partition: p.partition, currentLeaderEpoch: position.currentLeader.epoch ?? -1, fetchOffset: position.offset, partitionMaxBytes: settings.maxPartitionFetchBytes });
    }
    let session = this.sessions.get(node);
    if (!session) this.sessions.set(node, (session = new FetchSessionOrder()));
    const readOrder = session.readOrder(parts.map((p) => p.key));
    const req: ConsumerFetchRequest = {
      type: "Fetch",
      correlationId: id,
      replicaId: -1,
      maxWaitMs: settings.fetchMaxWaitMs,
      minBytes: settings.fetchMinBytes,
      maxBytes: settings.fetchMaxBytes,
      readOrder,
      isolationLevel: settings.isolationLevel,
      partitions,
    };
    this.pending.set(node, id);
    // A fetch may wait fetch.max.wait.ms at the broker, on top of the request timeout.
    client.send(
      node,
      req,
      (res) => {
        if (this.pending.get(node) === id) this.pending.delete(node);
        if (res.type === "Disconnected") {
          // AbstractFetch.handleFetchFailure: each partition still waiting for this answer retries later, and the
          // fetch session ends (FetchSessionHandler.handleError).
          session.reset();
          for (const p of parts) if (this.take(p, id)) this.host.retryLater(p, disconnectError(res));
        } else {
          const answer = res.partitions;
          session.moveToEnd(readOrder.filter((i) => answer[i].batches.length > 0).map((i) => parts[i].key));
          let available = false;
          let readyAtUs = -Infinity;
          for (let i = 0; i < parts.length; i++)
            if (this.take(parts[i], id) && this.onPartition(parts[i], answer[i])) {
              available = true;
              readyAtUs = Math.max(readyAtUs, parts[i].completed!.readyAtUs);
            }
          // An application blocked in poll() takes the records first; its poll sends the next Fetch, with the
          // partitions it drained (KafkaConsumer.poll sends fetches after collecting, before returning). Records
          // still being decompressed (capacity.clientCpu) wake it once they are ready, and the next Fetch waits
          // for that poll too: Java sends fetches only from poll() (sendFetches after collectFetch), so a Fetch
          // sent now would leave out the partitions still buffered and hold the node's one Fetch in flight.
          const nowUs = this.host.ctx.nowUs;
          if (available && readyAtUs > nowUs) {
            const wake = (this.decompressed ??= this.host.ctx.timer(() => this.host.fetchAvailable()));
            wake.set((readyAtUs - nowUs) / 1000);
            return;
          }
          if (available) this.host.fetchAvailable();
        }
        this.host.pump();
      },
      settings.fetchMaxWaitMs + settings.requestTimeoutMs,
    );
  }

  /** Whether `p` is still assigned and waiting for this Fetch's answer; if so its request is closed. */
  private take(p: AssignedPartition, id: number): boolean {
    if (this.host.partition(p.key) !== p || p.inFlight !== id || p.inFlightKind !== "fetch") return false;
    p.abandonRequest();
    return true;
  }

  /**
   * FetchCollector.initialize: the answer for the position asked becomes the partition's completed fetch. Returns
   * whether it holds batches for poll() to return.
   */
  private onPartition(p: AssignedPartition, res: ConsumerFetchResponsePartition): boolean {
    const { ctx, settings } = this.host;
    // An answer for a position that has moved (or is no longer valid) since it was asked for is stale.
    if (!p.hasValidPosition || p.position === null || p.position.offset !== p.inFlightOffset) return false;
    if (res.error === "OFFSET_OUT_OF_RANGE") {
      // FetchCollector.handleInitializeErrors: reset by auto.offset.reset, or OffsetOutOfRangeException from poll().
      ctx.trace("consumer.offset-out-of-range", { tp: p.key, fetchOffset: p.inFlightOffset, logStartOffset: res.logStartOffset, highWatermark: res.highWatermark, policy: settings.autoOffsetReset });
      if (settings.autoOffsetReset !== "none") p.reset(settings.autoOffsetReset);
      else {
        p.raise = { exception: "OffsetOutOfRangeException", offset: p.inFlightOffset };
        p.nextRetryTimeUs = ctx.nowUs + settings.retryBackoffMs * 1000;
      }
      return false;
    }
    // FetchCollector.handleInitializeErrors: UNKNOWN_LEADER_EPOCH (the broker has not yet seen the epoch our metadata
    // gave us) is only logged: no metadata refresh (ours is the newer). Kafka fetches again at the application's next
    // poll (pollForFetches sends no new Fetch while it waits in client.poll); the model's fetcher is not driven by
    // the application's polls, so it waits retry.backoff.ms instead of spinning at the round trip.
    if (res.error === "UNKNOWN_LEADER_EPOCH") {
      this.host.retryLater(p, res.error, false);
      return false;
    }
    // Leader moved, epoch fenced, timeout: refresh metadata and fetch again after retry.backoff.ms.
    if (res.error !== "NONE") {
      this.host.retryLater(p, res.error);
      return false;
    }
    if (res.batches.length === 0) return false;
    const completed = new CompletedFetch(p.inFlightOffset, res.batches, res.abortedTransactions, settings.isolationLevel);
    // capacity.clientCpu: the batches are decompressed on the consumer's thread before poll() returns their records.
    // Kafka decompresses batch by batch inside poll() (CompletedFetch.nextFetchedRecord); the model decompresses the
    // whole answer for the partition at once, one answer after another on one thread, as soon as it arrives.
    if (settings.cpu) {
      let ns = 0;
      for (const b of res.batches) if (!b.isControl) ns += decompressionNs(b.sizeBytes, b.compression ?? "none");
      completed.readyAtUs = settings.cpu.run(ctx.nowUs, ns);
    }
    p.completed = completed;
    return true;
  }
}

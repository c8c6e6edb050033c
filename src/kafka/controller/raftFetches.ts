import type { ActorContext, ConnectionId, Timer } from "../../sim/index.js";
import type { RaftFetchRequest, RaftFetchResponse } from "../protocol/raftMessages.js";
import type { RaftLog } from "./raftLog.js";

/** What answering fetches reads of the leader (`RaftNode`). */
export interface RaftFetchSource {
  readonly epoch: number;
  readonly highWatermark: number;
  readonly log: RaftLog;
}

interface Parked {
  /** The fetcher (the parked fetches are keyed by it). */
  from: string;
  /** The connection the fetch came on: its answer goes back on it. */
  conn: ConnectionId;
  request: RaftFetchRequest;
  timer: number;
}

/**
 * The leader's answers to Fetch of the metadata log (Kafka `KafkaRaftClient.handleFetchRequest` with its fetch
 * purgatory): voters read up to the log end, observers (brokers) only what is committed; a fetcher whose last epoch
 * diverges from the leader's log is told where to truncate (KIP-595 DivergingEpoch); a fetch with nothing to read
 * waits until something is appended or committed, or for `fetchMaxWaitMs` (KRaft long-polls fetches).
 */
export class RaftFetches {
  private readonly parked = new Map<string, Parked>();
  private readonly parkTimer: Timer<string>;

  constructor(
    private readonly ctx: ActorContext,
    private readonly leader: RaftFetchSource,
    private readonly fetchMaxWaitMs: number,
  ) {
    this.parkTimer = ctx.timer((from) => {
      const p = this.parked.get(from);
      if (p) {
        this.parked.delete(p.from);
        this.answer(p.conn, p.request);
      }
    });
  }

  /** Where a fetcher's log diverges from the leader's: the largest common epoch and where it ends. */
  divergence(req: RaftFetchRequest): { epoch: number; endOffset: number } | undefined {
    if (req.fetchOffset === 0) return undefined;
    const { epoch, endOffset } = this.leader.log.endOffsetFor(req.lastFetchedEpoch);
    if (epoch !== req.lastFetchedEpoch || endOffset < req.fetchOffset) return { epoch, endOffset };
    return undefined;
  }

  /** Answers at once when there is something to read (or a divergence to report); otherwise parks the fetch. */
  answerOrPark(from: string, req: RaftFetchRequest, conn: ConnectionId): void {
    const limit = req.observer ? this.leader.highWatermark : this.leader.log.endOffset;
    if (req.fetchOffset < limit || (!req.observer && this.divergence(req))) {
      this.answer(conn, req);
      return;
    }
    const old = this.parked.get(from);
    if (old) this.parkTimer.cancel(old.timer);
    this.parked.set(from, { from, conn, request: req, timer: this.parkTimer.set(this.fetchMaxWaitMs, from) });
  }

  /** Entries were appended or committed: parked fetches with something to read now get it. */
  answerParked(): void {
    for (const p of [...this.parked.values()]) {
      const limit = p.request.observer ? this.leader.highWatermark : this.leader.log.endOffset;
      if (p.request.fetchOffset < limit || !p.request.observer) {
        this.parkTimer.cancel(p.timer);
        this.parked.delete(p.from);
        this.answer(p.conn, p.request);
      }
    }
  }

  /** Leadership ended: parked fetches are dropped (their fetchers time out and find the new leader). */
  clear(): void {
    for (const p of this.parked.values()) this.parkTimer.cancel(p.timer);
    this.parked.clear();
  }

  private answer(conn: ConnectionId, req: RaftFetchRequest): void {
    const div = req.observer ? undefined : this.divergence(req);
    const limit = req.observer ? this.leader.highWatermark : this.leader.log.endOffset;
    const entries = div || req.fetchOffset >= limit ? [] : this.leader.log.entries.slice(req.fetchOffset, Math.min(limit, req.fetchOffset + 500));
    const res: RaftFetchResponse = {
      type: "FetchResponse",
      correlationId: req.correlationId,
      epoch: this.leader.epoch,
      leader: this.ctx.name,
      error: "NONE",
      baseOffset: req.fetchOffset,
      entries,
      highWatermark: this.leader.highWatermark,
      ...(div ? { divergingEpoch: div } : {}),
    };
    this.ctx.write(conn, res);
  }
}

import { lastOffsetOf } from "../log/recordBatch.js";
import type { ErrorName } from "../protocol/errors.js";
import type { ConsumerFetchRequest, ConsumerFetchResponse, FetchedRecord, ListOffsetsRequest, ListOffsetsResponse } from "../protocol/messages.js";
import type { Partition, PartitionHost } from "./partition.js";

const MAX_RECORDS_PER_FETCH = 2000;

interface Parked {
  id: number;
  from: string;
  request: ConsumerFetchRequest;
  timer: number;
}

/**
 * The leader's side of consumer fetches for one partition (Kafka `ReplicaManager.fetchMessages` for replica id -1):
 * consumers read only below the high watermark (read_uncommitted) or the last stable offset (read_committed, which
 * also drops records of aborted transactions, as the client does with the aborted-transaction list). Control
 * records are never returned. A fetch with nothing to return waits in the fetch purgatory until the HW or LSO moves
 * past its offset or `maxWaitMs` passes.
 */
export class ConsumerFetches {
  private parked: Parked[] = [];
  private nextId = 0;

  constructor(
    private readonly p: Partition,
    private readonly host: PartitionHost,
  ) {}

  /** The offset a consumer may read up to (exclusive): the HW, or the LSO under read_committed. */
  private maxOffset(isolation: ConsumerFetchRequest["isolationLevel"]): number {
    return isolation === "read_committed" ? this.p.lastStableOffset : this.p.highWatermark;
  }

  handleFetch(from: string, req: ConsumerFetchRequest): void {
    if (this.p.role !== "leader") return this.respond(from, req, "NOT_LEADER_OR_FOLLOWER", []);
    const epochError = this.p.checkLeaderEpoch(req.currentLeaderEpoch);
    if (epochError !== "NONE") return this.respond(from, req, epochError, []);
    const log = this.p.log;
    if (req.fetchOffset < log.logStartOffset || req.fetchOffset > log.logEndOffset) return this.respond(from, req, "OFFSET_OUT_OF_RANGE", []);
    const records = this.read(req);
    if (records.length > 0 || req.maxWaitMs <= 0) return this.respond(from, req, "NONE", records);
    const id = this.nextId++;
    const timer = this.host.ctx.setTimer(req.maxWaitMs, { p: this.p.key, t: "consumer-fetch-park", id });
    this.parked.push({ id, from, request: req, timer });
  }

  handleListOffsets(from: string, req: ListOffsetsRequest): void {
    const reply = (error: ErrorName, offset: number) =>
      this.host.ctx.send(from, { type: "ListOffsetsResponse", correlationId: req.correlationId, topic: this.p.topic, partition: this.p.partition, error, offset } satisfies ListOffsetsResponse);
    if (this.p.role !== "leader") return reply("NOT_LEADER_OR_FOLLOWER", -1);
    const epochError = this.p.checkLeaderEpoch(req.currentLeaderEpoch);
    if (epochError !== "NONE") return reply(epochError, -1);
    reply("NONE", req.timestamp === -2 ? this.p.log.logStartOffset : this.maxOffset(req.isolationLevel));
  }

  /** The HW (or LSO) moved: answer parked fetches that now have something to read. */
  onStableOffsetAdvanced(): void {
    if (this.parked.length === 0) return;
    const still: Parked[] = [];
    for (const f of this.parked) {
      const records = this.read(f.request);
      if (records.length === 0) still.push(f);
      else {
        this.host.ctx.cancelTimer(f.timer);
        this.respond(f.from, f.request, "NONE", records);
      }
    }
    this.parked = still;
  }

  expired(id: number): void {
    const i = this.parked.findIndex((f) => f.id === id);
    if (i < 0) return;
    const [f] = this.parked.splice(i, 1);
    this.respond(f.from, f.request, this.p.role === "leader" ? "NONE" : "NOT_LEADER_OR_FOLLOWER", this.p.role === "leader" ? this.read(f.request) : []);
  }

  /** Leadership moved away: parked fetches learn it now. */
  failAll(): void {
    for (const f of this.parked) {
      this.host.ctx.cancelTimer(f.timer);
      this.respond(f.from, f.request, "NOT_LEADER_OR_FOLLOWER", []);
    }
    this.parked = [];
  }

  private read(req: ConsumerFetchRequest): FetchedRecord[] {
    const limit = this.maxOffset(req.isolationLevel);
    const out: FetchedRecord[] = [];
    if (req.fetchOffset >= limit) return out;
    const committedOnly = req.isolationLevel === "read_committed";
    for (const b of this.p.log.read(req.fetchOffset, 1_048_576)) {
      if (b.isControl) continue;
      if (committedOnly && b.isTransactional && this.p.producerState.isAborted(b.producerId, b.baseOffset)) continue;
      for (let i = 0; i < b.records.length; i++) {
        const offset = b.baseOffset + i;
        if (offset < req.fetchOffset) continue;
        if (offset >= limit || out.length >= MAX_RECORDS_PER_FETCH) return out;
        out.push({ offset, key: b.records[i].key, value: b.records[i].value });
      }
      if (lastOffsetOf(b) + 1 >= limit) break;
    }
    return out;
  }

  private respond(to: string, req: ConsumerFetchRequest, error: ErrorName, records: FetchedRecord[]): void {
    this.host.ctx.send(to, {
      type: "ConsumerFetchResponse",
      correlationId: req.correlationId,
      topic: this.p.topic,
      partition: this.p.partition,
      error,
      highWatermark: this.p.highWatermark,
      lastStableOffset: this.p.lastStableOffset,
      logStartOffset: this.p.log.logStartOffset,
      records,
    } satisfies ConsumerFetchResponse);
  }
}

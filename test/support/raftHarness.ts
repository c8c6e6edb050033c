import { type RaftConfig, RaftNode } from "../../src/kafka/controller/raft.js";
import { RaftLog } from "../../src/kafka/controller/raftLog.js";
import { NetworkClient } from "../../src/kafka/network/networkClient.js";
import type { BeginQuorumEpoch, RaftFetchRequest, RaftFetchResponse, VoteRequest, VoteResponse } from "../../src/kafka/protocol/raftMessages.js";
import type { ConnectionId } from "../../src/sim/index.js";
import { FakeContext } from "./fakeContext.js";

/** A request the node sent through its KRaft NetworkClient, with the connection its answer goes back on. */
export interface Outbound<T> {
  to: string;
  conn: ConnectionId;
  req: T;
}

/** The raft settings of the harness: RaftClientTestContext.Builder's defaults (ms). */
export const RAFT_CONFIG: Omit<RaftConfig, "voters"> = {
  electionTimeoutMs: 10_000,
  fetchTimeoutMs: 50_000,
  electionBackoffMaxMs: 100,
  requestTimeoutMs: 5000,
  retryBackoffMs: 50,
  fetchMaxWaitMs: 0,
  retention: { retentionBytes: Number.MAX_SAFE_INTEGER, retentionMs: Number.MAX_SAFE_INTEGER },
};

/**
 * One KRaft voter, "c0", as Kafka's RaftClientTestContext drives one KafkaRaftClient: kafkasim's RaftNode on a
 * FakeContext with a NetworkClient of its own (one request in flight per connection, as the controller's). The
 * starting state comes from the durable quorum state (`epoch`, `votedFor`: RaftNode starts Unattached in it) and the
 * log's `entries`. Requests to the node are delivered with `deliverVote` / `deliverBeginEpoch`; what it sent is read
 * with `sent(type)` (after `poll()`, which lets connections establish and queued requests go) and answered with
 * `deliverResponse`. The clock moves with `sleep(ms)`.
 */
export class RaftHarness {
  readonly ctx = new FakeContext("c0");
  readonly node: RaftNode;
  private nextCorrelationId = 1000;
  private taken = 0;

  /**
   * `entries`: the log's batches (RaftClientTestContext.appendToLog(epoch, records)), `count` entries in `epoch` each;
   * `raft`: settings other than the harness's (RAFT_CONFIG).
   */
  constructor(voters: string[], o: { epoch?: number; votedFor?: string | null; entries?: { epoch: number; count: number }[]; raft?: Partial<RaftConfig> } = {}) {
    this.ctx.disk.kv.put("quorum.epoch", o.epoch ?? 0);
    this.ctx.disk.kv.put("quorum.votedFor", o.votedFor ?? null);
    const log = this.ctx.disk.open("metadata-log", () => new RaftLog());
    for (const b of o.entries ?? []) for (let i = 0; i < b.count; i++) log.append([{ epoch: b.epoch, record: { type: "LeaderChange", leader: "c9", epoch: b.epoch } }]);
    let correlation = 0;
    const client = new NetworkClient(
      this.ctx,
      { name: "raft-client", requestTimeoutMs: RAFT_CONFIG.requestTimeoutMs, reconnectBackoffMs: 50, reconnectBackoffMaxMs: 500, connectionSetupTimeoutMs: 10_000, connectionSetupTimeoutMaxMs: 30_000, maxInFlightRequestsPerConnection: 1 },
      () => ++correlation,
    );
    this.node = new RaftNode(this.ctx, { ...RAFT_CONFIG, ...o.raft, voters }, { becameLeader() {}, resigned() {}, appended() {}, truncated() {}, loadedSnapshot() {}, committed() {} }, client);
    this.node.start();
  }

  /** RaftClientTestContext.time.sleep + client.poll: the clock moves `ms`, timers fire. */
  sleep(ms: number): void {
    this.ctx.advance(ms);
  }

  /**
   * Moves the clock in 10 ms steps until `done()` holds (at most `maxMs`): Kafka's test sleeps past a timeout and then
   * polls, so what the poll sends goes at that moment; here timers fire inside the sleep, so a test that answers
   * what was sent stops at the transition instead of sleeping on (its requests would time out meanwhile).
   */
  sleepUntil(done: () => boolean, maxMs: number): void {
    for (let t = 0; t < maxMs && !done(); t += 10) this.ctx.advance(10);
    if (!done()) throw new Error(`still ${this.node.role.kind} after ${maxMs} ms`);
  }

  /** client.poll: connections opened meanwhile are established and their queued requests go out. */
  poll(): void {
    this.ctx.advance(0);
  }

  /** The requests of `type` the node sent since the last call (for any type). */
  sent<T extends { type: string }>(type: T["type"]): Outbound<T>[] {
    this.poll();
    const fresh = this.ctx.sent.slice(this.taken);
    this.taken = this.ctx.sent.length;
    return fresh.filter((s) => (s.msg as { type: string }).type === type && s.conn !== undefined).map((s) => ({ to: s.to, conn: s.conn!, req: s.msg as T }));
  }

  /** A Vote (pre-vote when `preVote`) from `candidate` in `epoch`, its log ending at (`lastEpoch`, `lastOffset`); the answer. */
  deliverVote(candidate: string, epoch: number, lastEpoch: number, lastOffset: number, preVote: boolean): VoteResponse {
    const req: VoteRequest = { type: "Vote", correlationId: this.nextCorrelationId++, epoch, candidate, lastEpoch, lastOffset, preVote };
    this.node.handleVote(req, this.ctx.conn(candidate));
    const res = this.ctx.sent.filter((s) => (s.msg as VoteResponse).type === "VoteResponse" && (s.msg as VoteResponse).correlationId === req.correlationId);
    return res[0].msg as VoteResponse;
  }

  /** BeginQuorumEpoch from `leader` in `epoch`. */
  deliverBeginEpoch(epoch: number, leader: string): void {
    this.node.handleBeginQuorumEpoch({ type: "BeginQuorumEpoch", correlationId: this.nextCorrelationId++, epoch, leader } satisfies BeginQuorumEpoch);
  }

  /** The answer to a request the node sent. */
  deliverResponse<R>(to: Outbound<{ correlationId: number }>, res: R): void {
    this.ctx.receive(to.conn, { ...res, correlationId: to.req.correlationId });
  }

  /** context.voteResponse(granted, leaderId, epoch) for `to`. */
  voteResponse(to: Outbound<VoteRequest>, granted: boolean, leader: string | null, epoch: number): void {
    this.deliverResponse(to, { type: "VoteResponse", epoch, leader, granted } satisfies Omit<VoteResponse, "correlationId">);
  }

  /** context.fetchResponse(epoch, leaderId, records, highWatermark 0, NONE) for a Fetch the node sent: `entries` in `entriesEpoch`. */
  fetchResponse(to: Outbound<RaftFetchRequest>, epoch: number, leader: string, entries = 0, entriesEpoch = epoch): void {
    const records = Array.from({ length: entries }, () => ({ epoch: entriesEpoch, record: { type: "LeaderChange" as const, leader, epoch: entriesEpoch } }));
    this.deliverResponse(to, { type: "FetchResponse", epoch, leader, error: "NONE", baseOffset: to.req.fetchOffset, entries: records, highWatermark: 0 } satisfies Omit<RaftFetchResponse, "correlationId">);
  }

  /** A voter's Fetch from `replica` at (`fetchOffset`, `lastFetchedEpoch`) in `epoch`; returns its correlation id. */
  deliverFetch(replica: string, epoch: number, fetchOffset: number, lastFetchedEpoch: number, observer = false): number {
    const req: RaftFetchRequest = { type: "Fetch", correlationId: this.nextCorrelationId++, epoch, replica, observer, fetchOffset, lastFetchedEpoch };
    this.node.handleFetch(replica, req, this.ctx.conn(replica));
    return req.correlationId;
  }

  /** The node's answer to the Fetch with `correlationId`, if it has answered. */
  fetchAnswer(correlationId: number): RaftFetchResponse | undefined {
    return this.ctx.sent.map((s) => s.msg as RaftFetchResponse).find((m) => m.type === "FetchResponse" && m.correlationId === correlationId);
  }

  /** Unattached → Prospective → Candidate → Leader: every pre-vote and vote granted by every other voter. */
  unattachedToLeader(): void {
    this.sleep(RAFT_CONFIG.electionTimeoutMs * 2);
    for (const v of this.sent<VoteRequest>("Vote")) this.voteResponse(v, true, null, v.req.epoch);
    for (const v of this.sent<VoteRequest>("Vote")) this.voteResponse(v, true, null, v.req.epoch);
    this.poll();
    if (!this.node.isLeader()) throw new Error(`not leader: ${this.node.role.kind}`);
  }
}

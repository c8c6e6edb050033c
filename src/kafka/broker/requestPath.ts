import { type ActorContext, type ConnectionEvent, type ConnectionId, ServerPool } from "../../sim/index.js";
import type { ConsumerFetchRequest, ConsumerFetchResponse, ConsumerFetchResponsePartition, FetchRequest, FetchResponse, FetchResponsePartition, ProduceRequest } from "../protocol/messages.js";
import { kafkaWireBytes } from "../protocol/wireSize.js";
import type { BrokerRequestMetrics } from "./requestMetrics.js";

/**
 * CPU cost of a request on the broker's threads (`capacity.brokerCpu`), in the units their names say. Network
 * threads (SocketServer.Processor) read requests and write responses; I/O threads (KafkaRequestHandler) handle them.
 */
export interface BrokerCpu {
  /** Network thread µs per request read (selector, size prefix, header and body parsed into the request object). */
  networkRequestUs: number;
  /** Network thread ns per byte read from or written to a socket (one copy between kernel and user memory). */
  networkNsPerByte: number;
  /** I/O thread µs per request handled, any API (KafkaApis routing, authorisation, locks, metrics, the response object). */
  requestUs: number;
  /** I/O thread ns per byte of a produce request's batches (LogValidator: CRC and per-record checks; the copy into the log). */
  produceNsPerByte: number;
  /** I/O thread ns per byte of a fetch response's batches (0 for plaintext: Kafka hands file regions to sendfile). */
  fetchNsPerByte: number;
}

/** No CPU cost anywhere: the request path's threads and queues only (a broker with a disk but no `brokerCpu`). */
export const ZERO_BROKER_CPU: BrokerCpu = { networkRequestUs: 0, networkNsPerByte: 0, requestUs: 0, produceNsPerByte: 0, fetchNsPerByte: 0 };

/** The request path's settings: Kafka's thread and queue configs, and the CPU costs. */
export interface RequestPathSettings {
  /** num.network.threads (SocketServerConfigs.NUM_NETWORK_THREADS_DEFAULT = 3). */
  numNetworkThreads: number;
  /** num.io.threads (ServerConfigs.NUM_IO_THREADS_DEFAULT = 8). */
  numIoThreads: number;
  /** queued.max.requests (SocketServerConfigs.QUEUED_MAX_REQUESTS_DEFAULT = 500): the request queue's bound. */
  queuedMaxRequests: number;
  cpu: BrokerCpu;
}

/** A request read off a connection, on its way through the request channel to an I/O thread. */
interface Request {
  from: string;
  msg: unknown;
  conn: ConnectionId;
  /** When (µs) its network thread finished reading it: RequestChannel.Request.startTimeNanos. */
  readUs: number;
  /** Writes the handler made on served connections (responses), sent by the network threads once it is done. */
  responses: { conn: ConnectionId; msg: unknown }[];
  /** CPU ns the handler charged beyond the per-request and per-byte costs (codecs: chargeIoNs). */
  extraNs: number;
}

type NetworkJob = { kind: "read"; from: string; msg: unknown; conn: ConnectionId } | { kind: "write"; conn: ConnectionId; msg: unknown };

/** A served (inbound) connection: its network thread, whether it is muted, and what arrived while it was. */
interface Served {
  processor: number;
  muted: boolean;
  backlog: { from: string; msg: unknown }[];
  /** Whether the last Fetch on it was a follower's (its answers count as replication bytes). */
  follower: boolean;
}

/**
 * The broker's request path (Kafka's SocketServer, RequestChannel and KafkaRequestHandlerPool) around the request
 * handlers, in virtual time, with the broker's parts given `ctx` (a copy of the process's context whose writes on
 * served connections go through it):
 * - each accepted connection belongs to one of `num.network.threads` Processors, round robin in the order
 *   connections first speak (Acceptor.assignNewConnection); a Processor is one thread, serving its connections' reads
 *   and writes in order (a ServerPool of 1);
 * - a Processor mutes a connection once it has read a request from it, and unmutes it when the response has been
 *   written (Processor.processCompletedReceives / processCompletedSends), or at once for a produce with acks=0 (its
 *   NoOpResponse): a connection has one request in the broker at a time, later ones wait in the socket;
 * - the read request goes into the RequestChannel's queue of `queued.max.requests`; when it is full the Processor
 *   blocks in `requestQueue.put` until an I/O thread takes one, reading and writing nothing meanwhile;
 * - `num.io.threads` KafkaRequestHandlers take requests in order; the handler runs when the thread takes the request
 *   and its writes on served connections (the response, and responses of delayed operations it completes, as Kafka's
 *   handler threads complete purgatory operations) go to the connections' Processors once its CPU time is spent.
 *   A request parked in a purgatory (DelayedProduce, DelayedFetch) frees its thread at once; its response, written
 *   later, goes to its Processor as any response.
 * With `settings` null nothing is delayed (no event is added): the path only counts bytes per partition.
 * Simplified: each thread has a core of its own (no CPU contention between threads or with the replica fetchers);
 * the handler's effects (an append) are visible from the start of its CPU time, its responses at its end; no
 * request-size limit on the socket (socket.request.max.bytes), no quotas or throttling, no TLS.
 */
export class RequestPath {
  /** The context the broker's parts use: the process's, with writes on served connections going through here. */
  readonly ctx: ActorContext;
  private readonly served = new Map<ConnectionId, Served>();
  private nextProcessor = 0;
  private readonly processors: ServerPool<NetworkJob>[] = [];
  private readonly io: ServerPool<Request> | null = null;
  /** Processors blocked on a full request queue, in the order they blocked, with the request each holds. */
  private readonly blocked: { processor: number; request: Request; sinceUs: number }[] = [];
  /** The request an I/O thread is handling now (its handler's writes are collected into it). */
  private handling: Request | null = null;
  /**
   * µs a network thread waits for the disk while it sends a Fetch response's partitions (sendfile reading pages the
   * page cache lacks; the broker's LogDirDisk.sendfileUs), or null: no disk, sending costs no disk time.
   */
  sendfileUs: ((partitions: readonly (FetchResponsePartition | ConsumerFetchResponsePartition)[]) => number) | null = null;

  constructor(
    private readonly raw: ActorContext,
    private readonly settings: RequestPathSettings | null,
    private readonly metrics: BrokerRequestMetrics,
    private readonly handle: (from: string, msg: unknown, conn: ConnectionId) => void,
  ) {
    const ctx: ActorContext = Object.create(raw);
    ctx.write = (conn, msg) => this.write(conn, msg);
    this.ctx = ctx;
    if (!settings) return;
    const cpu = settings.cpu;
    for (let i = 0; i < settings.numNetworkThreads; i++) {
      const processor = i;
      this.processors.push(
        new ServerPool<NetworkJob>({
          servers: 1,
          queueLimit: Infinity,
          timer: (onFire) => raw.timer(onFire),
          start: (job) => {
            const bytes = kafkaWireBytes(job.msg);
            const us = (job.kind === "read" ? cpu.networkRequestUs : 0) + (bytes * cpu.networkNsPerByte) / 1000;
            // A Fetch response's records go out by sendfile on this thread: pages missing from the page cache are
            // read from the disk meanwhile, and the thread waits (logDirDisk.ts).
            const diskUs = job.kind === "write" && this.sendfileUs ? this.sendfileUs(fetchPartitions(job.msg)) : 0;
            this.metrics.networkBusyUs += us + diskUs;
            this.metrics.networkDiskReadUs += diskUs;
            return us + diskUs;
          },
          finish: (job) => (job.kind === "read" ? this.enqueue(processor, { from: job.from, msg: job.msg, conn: job.conn, readUs: raw.nowUs, responses: [], extraNs: 0 }) : this.sent(job.conn, job.msg)),
        }),
      );
    }
    this.io = new ServerPool<Request>({
      servers: settings.numIoThreads,
      queueLimit: settings.queuedMaxRequests,
      timer: (onFire) => raw.timer(onFire),
      start: (r) => {
        this.metrics.queueTimesUs.push(raw.nowUs - r.readUs);
        this.handling = r;
        try {
          this.handle(r.from, r.msg, r.conn);
        } finally {
          this.handling = null;
        }
        const us = cpu.requestUs + (produceBytes(r.msg) * cpu.produceNsPerByte + fetchedBytes(r.responses) * cpu.fetchNsPerByte + r.extraNs) / 1000;
        this.metrics.ioBusyUs += us;
        return us;
      },
      finish: (r) => {
        for (const w of r.responses) this.toProcessor(w.conn, { kind: "write", conn: w.conn, msg: w.msg });
        // A produce with acks=0 has no response: RequestChannel.sendNoOpResponse unmutes its connection.
        if (isAcksZeroProduce(r.msg)) this.unmute(r.conn);
        return true;
      },
      dequeued: () => this.unblock(),
    });
  }

  /**
   * The handler running on an I/O thread spent `ns` of CPU beyond the request's fixed and per-byte costs (the leader's
   * LogValidator decompressing or recompressing a batch, src/kafka/log/compression.ts): its thread is busy that much
   * longer. Nothing without CPU costs or outside a handler.
   */
  chargeIoNs(ns: number): void {
    if (this.handling) this.handling.extraNs += ns;
  }

  /** A request arrived on a served connection (Kafka: a complete receive on the Processor's selector). */
  onRequest(from: string, msg: unknown, conn: ConnectionId): void {
    const s = this.servedConn(conn);
    countRequest(this.metrics, msg, s);
    if (!this.settings) return this.handle(from, msg, conn);
    if (s.muted) {
      s.backlog.push({ from, msg });
      return;
    }
    s.muted = true;
    this.processors[s.processor].offer({ kind: "read", from, msg, conn });
  }

  /** A served connection closed: what it had not yet had read is gone with it (Processor.close). */
  onConnection(conn: ConnectionId, event: ConnectionEvent): void {
    if (event !== "connected") this.served.delete(conn);
  }

  private servedConn(conn: ConnectionId): Served {
    let s = this.served.get(conn);
    if (!s) {
      const processors = this.settings?.numNetworkThreads ?? 1;
      this.served.set(conn, (s = { processor: this.nextProcessor++ % processors, muted: false, backlog: [], follower: false }));
    }
    return s;
  }

  /** The broker's parts write: on a served connection through its Processor (or the handler's request), else as is. */
  private write(conn: ConnectionId, msg: unknown): void {
    const s = this.served.get(conn);
    if (!s) return this.raw.write(conn, msg);
    countResponse(this.metrics, msg, s);
    if (!this.settings) return this.raw.write(conn, msg);
    if (this.handling) this.handling.responses.push({ conn, msg });
    else this.toProcessor(conn, { kind: "write", conn, msg });
  }

  private toProcessor(conn: ConnectionId, job: NetworkJob): void {
    const s = this.served.get(conn);
    // A connection closed meanwhile: its response is written nowhere (the write would be dropped anyway).
    if (!s) return this.raw.write(conn, job.msg);
    this.processors[s.processor].offer(job);
  }

  /** The Processor has written a response: on the wire now, and its connection is read again. */
  private sent(conn: ConnectionId, msg: unknown): boolean {
    this.raw.write(conn, msg);
    this.unmute(conn);
    return true;
  }

  private unmute(conn: ConnectionId): void {
    const s = this.served.get(conn);
    if (!s || !s.muted) return;
    s.muted = false;
    const next = s.backlog.shift();
    if (next) {
      s.muted = true;
      this.processors[s.processor].offer({ kind: "read", from: next.from, msg: next.msg, conn });
    }
  }

  /** RequestChannel.sendRequest: `requestQueue.put`, which blocks the Processor while the queue is full. */
  private enqueue(processor: number, r: Request): boolean {
    if (this.blocked.length === 0 && this.io!.offer(r)) return true;
    this.blocked.push({ processor, request: r, sinceUs: this.raw.nowUs });
    return false;
  }

  /** An I/O thread took a request: the first blocked Processor's put goes through, and it reads on. */
  private unblock(): void {
    while (this.blocked.length > 0 && this.io!.hasRoom) {
      const b = this.blocked.shift()!;
      this.io!.offer(b.request);
      this.metrics.networkBlockedUs += this.raw.nowUs - b.sinceUs;
      this.processors[b.processor].release(0);
    }
  }
}

/** Whether a message, as the engine hands it over, is the protocol message `T` (its `type` field says so). */
function hasType<T extends { type: string }>(msg: unknown, type: T["type"]): msg is T {
  return typeof msg === "object" && msg !== null && "type" in msg && msg.type === type;
}

function produceBytes(msg: unknown): number {
  if (!hasType<ProduceRequest>(msg, "Produce")) return 0;
  let bytes = 0;
  for (const p of msg.partitions) bytes += p.batch.sizeBytes;
  return bytes;
}

function fetchedBytes(responses: { msg: unknown }[]): number {
  let bytes = 0;
  for (const { msg } of responses) for (const p of fetchPartitions(msg)) bytes += recordsSize(p);
  return bytes;
}

/** A fetched partition's bytes of records (Kafka `FetchResponse.recordsSize`): its batches and the head of one a byte limit cut. */
function recordsSize(p: FetchResponsePartition | ConsumerFetchResponsePartition): number {
  let bytes = p.partialBytes ?? 0;
  for (const b of p.batches) bytes += b.sizeBytes;
  return bytes;
}

/** The partitions of a follower's or a consumer's FetchResponse, or none. */
function fetchPartitions(msg: unknown): readonly (FetchResponsePartition | ConsumerFetchResponsePartition)[] {
  return hasType<FetchResponse | ConsumerFetchResponse>(msg, "FetchResponse") ? msg.partitions : [];
}

function isAcksZeroProduce(msg: unknown): boolean {
  return hasType<ProduceRequest>(msg, "Produce") && msg.acks === 0;
}

/** BytesInPerSec of each partition of a produce request; a Fetch marks its connection as a follower's or not. */
function countRequest(metrics: BrokerRequestMetrics, msg: unknown, s: Served): void {
  if (hasType<FetchRequest | ConsumerFetchRequest>(msg, "Fetch")) s.follower = msg.replicaId !== -1;
  else if (hasType<ProduceRequest>(msg, "Produce")) for (const p of msg.partitions) metrics.partition(p.topic, p.partition).bytesIn += p.batch.sizeBytes;
}

/** BytesOutPerSec (a consumer's fetch) or ReplicationBytesOutPerSec (a follower's) of each partition answered. */
function countResponse(metrics: BrokerRequestMetrics, msg: unknown, s: Served): void {
  for (const p of fetchPartitions(msg)) {
    const bytes = recordsSize(p);
    if (bytes === 0) continue;
    const counts = metrics.partition(p.topic, p.partition);
    if (s.follower) counts.replicationBytesOut += bytes;
    else counts.bytesOut += bytes;
  }
}

import type { ActorContext, ConnectionEvent, ConnectionId, RandomStream, Timer } from "../../sim/index.js";
import type { ApiKey, RequestOf, ResponseOf } from "../protocol/apis.js";
import { ConnectionRouter, type ConnectionOwner } from "./connectionRouter.js";
import { exponentialBackoffMs } from "./exponentialBackoff.js";

/** What a request gets instead of an answer when its connection went away (`timedOut`: by request.timeout.ms). */
export interface Disconnect {
  readonly type: "Disconnected";
  readonly timedOut: boolean;
}
/** ClientResponse.wasDisconnected: the connection closed (reset, refused, closed by the peer) before the answer. */
export const DISCONNECTED: Disconnect = Object.freeze({ type: "Disconnected" as const, timedOut: false });
/** ClientResponse.wasTimedOut: a request on the connection passed its timeout, so the client closed it. */
export const TIMED_OUT: Disconnect = Object.freeze({ type: "Disconnected" as const, timedOut: true });

/** Any request of the protocol (each carries the correlation id its answer echoes). */
export type AnyRequest = RequestOf<ApiKey> & { correlationId: number };
/** The answer to a request, by the request's API. */
export type ResponseTo<R> = R extends { type: infer A extends ApiKey } ? ResponseOf<A> : never;
/** Called once per request: with its answer, or with why none will come. */
export type ResponseHandler<R> = (response: ResponseTo<R> | Disconnect) => void;

/** The settings of one NetworkClient (Kafka's client configs, or the fixed values a broker's clients use). */
export interface NetworkClientConfig {
  /** For traces and the client's own random stream: "producer", "consumer", "replica-fetcher", ... */
  name: string;
  /** request.timeout.ms: a request unanswered this long closes its connection (a request may give its own). */
  requestTimeoutMs: number;
  /** reconnect.backoff.ms / reconnect.backoff.max.ms (ClusterConnectionStates: exponential, ±20% jitter). */
  reconnectBackoffMs: number;
  reconnectBackoffMaxMs: number;
  /** socket.connection.setup.timeout.ms / .max.ms (exponential per failed attempt, ±20% jitter). */
  connectionSetupTimeoutMs: number;
  connectionSetupTimeoutMaxMs: number;
  /** max.in.flight.requests.per.connection (InFlightRequests.canSendMore). */
  maxInFlightRequestsPerConnection: number;
}

/** ClusterConnectionStates.ConnectionState, the states the model uses (no SASL, no ApiVersions round trip). */
export type ConnectionState = "CONNECTING" | "READY" | "DISCONNECTED";

interface InFlightRequest {
  node: NodeConnectionState;
  correlationId: number;
  api: string;
  handler: ResponseHandler<AnyRequest> | null;
  timer: number;
}

interface Unsent {
  request: AnyRequest;
  handler: ResponseHandler<AnyRequest> | null;
  timeoutMs: number;
  timer: number;
  /** What it fails with when its timer fires: TIMED_OUT, or DISCONNECTED for a node in its reconnect back-off. */
  failWith: Disconnect;
}

/** ClusterConnectionStates.NodeConnectionState, with the node's in-flight and not-yet-sent requests. */
interface NodeConnectionState {
  node: string;
  state: ConnectionState;
  conn: ConnectionId;
  /** In whole µs, so back-off comparisons never miss by a rounding error and spin. */
  lastConnectAttemptUs: number;
  failedAttempts: number;
  reconnectBackoffMs: number;
  failedConnectAttempts: number;
  connectionSetupTimeoutMs: number;
  setupTimer: number;
  /** Oldest first. */
  inFlight: InFlightRequest[];
  /** Waiting for the connection to be ready (ConsumerNetworkClient's unsent queue). */
  unsent: Unsent[];
}

const RECONNECT_BACKOFF_EXP_BASE = 2;
const RECONNECT_BACKOFF_JITTER = 0.2;
const CONNECTION_SETUP_TIMEOUT_EXP_BASE = 2;
const CONNECTION_SETUP_TIMEOUT_JITTER = 0.2;

/**
 * Kafka's `NetworkClient` (with `ClusterConnectionStates` and `InFlightRequests`), one per client as in Kafka: a
 * producer, a consumer, a broker's replica fetcher, its channel to the controller, ... It keeps one connection per
 * node: `ready(node)` is true once the connection is established and has room for another request
 * (max.in.flight.requests.per.connection); otherwise it starts connecting, unless the node is in its reconnect
 * back-off (reconnect.backoff.ms doubling to .max.ms, ±20% jitter). A connection not established within
 * socket.connection.setup.timeout.ms (doubling per failed attempt to .max.ms) is given up. Answers are matched to
 * their request by correlation id and handed to the handler given with it. A request unanswered for its timeout
 * closes the connection and fails every request in flight on it (`handleTimedOutRequests`); a connection that
 * closes (reset, refused, closed by the peer) fails them as disconnected; the next request opens a new connection.
 * `send` needs a ready node, as Kafka's; `sendWhenReady` queues until the node is ready (ConsumerNetworkClient),
 * failing the request if connecting fails or it waits past its timeout.
 * Simplified: answers are matched by correlation id in any order (a Kafka broker reads one request per connection
 * at a time, so they come in order there); no ApiVersions round trip, SASL or throttling.
 */
export class NetworkClient implements ConnectionOwner {
  private readonly nodes = new Map<string, NodeConnectionState>();
  private readonly byConn = new Map<ConnectionId, NodeConnectionState>();
  private readonly listeners: ((node: string, state: ConnectionState) => void)[] = [];
  private readonly random: RandomStream;
  private readonly router: ConnectionRouter;
  private readonly requestTimer: Timer<InFlightRequest>;
  private readonly unsentTimer: Timer<{ n: NodeConnectionState; u: Unsent }>;
  private readonly setupTimer: Timer<{ n: NodeConnectionState; conn: ConnectionId }>;
  private closed = false;

  constructor(
    private readonly ctx: ActorContext,
    readonly config: NetworkClientConfig,
    private readonly nextCorrelationId: () => number,
  ) {
    this.random = ctx.stream(`network-client:${config.name}`);
    this.router = ConnectionRouter.of(ctx);
    this.requestTimer = ctx.timer((r) => this.onRequestTimeout(r));
    this.unsentTimer = ctx.timer(({ n, u }) => {
      const i = n.unsent.indexOf(u);
      if (i < 0) return;
      n.unsent.splice(i, 1);
      u.handler?.(u.failWith);
    });
    this.setupTimer = ctx.timer(({ n, conn }) => {
      if (n.conn !== conn || n.state !== "CONNECTING") return;
      this.ctx.trace("network.connection-setup-timeout", { client: this.config.name, node: n.node, timeoutMs: n.connectionSetupTimeoutMs });
      this.processDisconnection(n, true);
    });
  }

  /** Told when a node's connection becomes ready or is lost (where the Java clients' poll loop would run again). */
  onStateChange(listener: (node: string, state: ConnectionState) => void): void {
    this.listeners.push(listener);
  }

  /** NetworkClient.ready: whether a request can be sent to `node` now; if not, starts connecting when allowed. */
  ready(node: string): boolean {
    if (this.isReady(node)) return true;
    const n = this.state(node);
    if (this.canConnect(n)) this.initiateConnect(n);
    return false;
  }

  /** NetworkClient.isReady (no side effects): connected, and room for another request. */
  isReady(node: string): boolean {
    const n = this.nodes.get(node);
    return n !== undefined && n.state === "READY" && n.inFlight.length < this.config.maxInFlightRequestsPerConnection;
  }

  /** NetworkClient.connectionFailed: the last connection (attempt) to the node failed, and none is under way. */
  connectionFailed(node: string): boolean {
    return this.nodes.get(node)?.state === "DISCONNECTED";
  }

  /** ClusterConnectionStates.isConnecting. */
  isConnecting(node: string): boolean {
    return this.nodes.get(node)?.state === "CONNECTING";
  }

  /** NetworkClient.connectionDelay: ms until a connection to the node may be attempted (0: now, Infinity: connected). */
  connectionDelayMs(node: string): number {
    const n = this.nodes.get(node);
    if (n === undefined) return 0;
    if (n.state === "CONNECTING") return n.connectionSetupTimeoutMs;
    if (n.state === "DISCONNECTED") return Math.max(n.reconnectBackoffMs * 1000 - (this.ctx.nowUs - n.lastConnectAttemptUs), 0) / 1000;
    return Infinity;
  }

  inFlightCount(node: string): number {
    return this.nodes.get(node)?.inFlight.length ?? 0;
  }

  /**
   * NetworkClient.leastLoadedNode over `candidates`, from a random offset: a ready node with the fewest requests in
   * flight (none: at once), else one that is connecting, else the one that can connect and was tried longest ago.
   * Null when every node is in its reconnect back-off.
   */
  leastLoadedNode(candidates: readonly string[]): string | null {
    if (candidates.length === 0) return null;
    let inflight = Infinity;
    let foundReady: string | null = null;
    let foundConnecting: string | null = null;
    let foundCanConnect: string | null = null;
    let canConnectLastMs = Infinity;
    const offset = this.random.int(candidates.length);
    for (let i = 0; i < candidates.length; i++) {
      const node = candidates[(offset + i) % candidates.length];
      const n = this.nodes.get(node);
      if (this.isReady(node)) {
        const count = n!.inFlight.length;
        if (count === 0) return node;
        if (count < inflight) {
          inflight = count;
          foundReady = node;
        }
      } else if (n?.state === "CONNECTING") foundConnecting = node;
      else if (n === undefined || this.canConnect(n)) {
        const lastMs = n?.lastConnectAttemptUs ?? -Infinity;
        if (foundCanConnect === null || lastMs < canConnectLastMs) {
          foundCanConnect = node;
          canConnectLastMs = lastMs;
        }
      }
    }
    return foundReady ?? foundConnecting ?? foundCanConnect;
  }

  /**
   * NetworkClient.send on a ready connection (`ready(node)` must be true): the request is written now and its handler
   * called once, with the answer or a Disconnect. Without a handler no answer is expected (acks=0): the request is
   * done once written. Returns the correlation id.
   */
  send<R extends AnyRequest>(node: string, request: R, handler: ResponseHandler<R> | null, timeoutMs = this.config.requestTimeoutMs): number {
    const n = this.nodes.get(node);
    if (n === undefined || n.state !== "READY") throw new Error(`NetworkClient ${this.config.name}: ${node} is not ready`);
    this.ctx.write(n.conn, request);
    if (handler === null) return request.correlationId;
    const r: InFlightRequest = { node: n, correlationId: request.correlationId, api: request.type, handler: handler as ResponseHandler<AnyRequest>, timer: -1 };
    r.timer = this.requestTimer.set(timeoutMs, r);
    n.inFlight.push(r);
    return request.correlationId;
  }

  /**
   * Sends as soon as the node is ready (ConsumerNetworkClient.send, the request built with its correlation id
   * already): connects if needed; the request fails with DISCONNECTED if the connection attempt fails (at once if
   * the node is in its reconnect back-off), or TIMED_OUT if it waits unsent, then unanswered, past its timeout.
   */
  sendWhenReady<R extends AnyRequest>(node: string, request: R, handler: ResponseHandler<R> | null, timeoutMs = this.config.requestTimeoutMs): void {
    if (this.closed) return;
    if (this.ready(node)) {
      this.send(node, request, handler, timeoutMs);
      return;
    }
    const n = this.state(node);
    // ConsumerNetworkClient.checkDisconnects: a node in its reconnect back-off fails the request at once (as the
    // next poll would), and the caller retries after its own back-off.
    const failed = n.state === "DISCONNECTED";
    const u: Unsent = { request, handler: handler as ResponseHandler<AnyRequest> | null, timeoutMs, timer: -1, failWith: failed ? DISCONNECTED : TIMED_OUT };
    u.timer = this.unsentTimer.set(failed ? 0 : timeoutMs, { n, u });
    n.unsent.push(u);
  }

  /** A fresh correlation id (for requests built by the caller and handed to `send`). */
  correlationId(): number {
    return this.nextCorrelationId();
  }

  /** NetworkClient.disconnect: closes the node's connection; its requests fail as disconnected. */
  disconnect(node: string): void {
    const n = this.nodes.get(node);
    if (n === undefined || n.state === "DISCONNECTED") return;
    this.processDisconnection(n, false);
  }

  /** Closes every connection; requests still waiting fail as disconnected (the client is shutting down). */
  close(): void {
    this.closed = true;
    for (const n of this.nodes.values()) if (n.state !== "DISCONNECTED") this.processDisconnection(n, false);
  }

  // ---- from the process's connections (ConnectionRouter) ----

  onResponse(conn: ConnectionId, msg: unknown): void {
    const n = this.byConn.get(conn);
    if (n === undefined) return;
    const { correlationId, type } = msg as { correlationId?: number; type?: string };
    const i = n.inFlight.findIndex((r) => r.correlationId === correlationId);
    if (i < 0) return; // an answer nobody waits for any more
    // Kafka parses an answer with its request's API: a message of another API is not its answer.
    if (type !== `${n.inFlight[i].api}Response`) return;
    const r = n.inFlight[i];
    n.inFlight.splice(i, 1);
    this.requestTimer.cancel(r.timer);
    r.handler!(msg as ResponseTo<AnyRequest>);
    this.trySendUnsent(n);
  }

  onConnectionEvent(conn: ConnectionId, event: ConnectionEvent): void {
    const n = this.byConn.get(conn);
    if (n === undefined || n.conn !== conn) return;
    if (event === "connected") {
      if (n.state !== "CONNECTING") return;
      // ClusterConnectionStates.ready: the back-offs start over.
      n.state = "READY";
      n.failedAttempts = 0;
      n.reconnectBackoffMs = this.reconnectBackoff(0);
      this.resetConnectionSetupTimeout(n);
      this.setupTimer.cancel(n.setupTimer);
      this.trySendUnsent(n);
      this.tell(n, "READY");
      return;
    }
    this.processDisconnection(n, false);
  }

  // ---- internals ----

  private state(node: string): NodeConnectionState {
    let n = this.nodes.get(node);
    if (n === undefined) {
      n = {
        node,
        state: "DISCONNECTED",
        conn: -1,
        lastConnectAttemptUs: -Infinity,
        failedAttempts: 0,
        reconnectBackoffMs: 0,
        failedConnectAttempts: 0,
        connectionSetupTimeoutMs: 0,
        setupTimer: -1,
        inFlight: [],
        unsent: [],
      };
      this.nodes.set(node, n);
    }
    return n;
  }

  /** ClusterConnectionStates.canConnect: disconnected, and the reconnect back-off has passed. */
  private canConnect(n: NodeConnectionState): boolean {
    return !this.closed && n.state === "DISCONNECTED" && this.ctx.nowUs - n.lastConnectAttemptUs >= n.reconnectBackoffMs * 1000;
  }

  /** NetworkClient.initiateConnect + ClusterConnectionStates.connecting. */
  private initiateConnect(n: NodeConnectionState): void {
    if (n.lastConnectAttemptUs === -Infinity) {
      n.reconnectBackoffMs = this.reconnectBackoff(0);
      n.connectionSetupTimeoutMs = this.connectionSetupTimeout(0);
    }
    n.state = "CONNECTING";
    n.lastConnectAttemptUs = this.ctx.nowUs;
    n.conn = this.ctx.connect(n.node);
    this.byConn.set(n.conn, n);
    this.router.register(n.conn, this);
    n.setupTimer = this.setupTimer.set(n.connectionSetupTimeoutMs, { n, conn: n.conn });
  }

  /**
   * NetworkClient.processDisconnection: the connection is closed, the node enters the reconnect back-off (longer
   * after each failure), and every request in flight on it fails, oldest first (InFlightRequests.clearAll).
   */
  private processDisconnection(n: NodeConnectionState, timedOut: boolean): void {
    const wasConnecting = n.state === "CONNECTING";
    this.ctx.close(n.conn);
    this.byConn.delete(n.conn);
    this.router.unregister(n.conn);
    this.setupTimer.cancel(n.setupTimer);
    n.state = "DISCONNECTED";
    n.conn = -1;
    // ClusterConnectionStates.disconnected.
    n.lastConnectAttemptUs = this.ctx.nowUs;
    n.reconnectBackoffMs = this.reconnectBackoff(n.failedAttempts);
    n.failedAttempts++;
    if (wasConnecting) {
      n.failedConnectAttempts++;
      n.connectionSetupTimeoutMs = this.connectionSetupTimeout(n.failedConnectAttempts);
    } else this.resetConnectionSetupTimeout(n);
    const failed = n.inFlight;
    n.inFlight = [];
    const unsent = n.unsent;
    n.unsent = [];
    if (failed.length > 0 || unsent.length > 0)
      this.ctx.trace("network.disconnected", { client: this.config.name, node: n.node, inFlight: failed.length, unsent: unsent.length, timedOut });
    const why = timedOut ? TIMED_OUT : DISCONNECTED;
    for (const r of failed) {
      this.requestTimer.cancel(r.timer);
      r.handler!(why);
    }
    // ConsumerNetworkClient.checkDisconnects: what waited for this node fails too.
    for (const u of unsent) {
      this.unsentTimer.cancel(u.timer);
      u.handler?.(DISCONNECTED);
    }
    this.tell(n, "DISCONNECTED");
  }

  /** NetworkClient.handleTimedOutRequests: the connection is closed; everything in flight on it times out. */
  private onRequestTimeout(r: InFlightRequest): void {
    const n = r.node;
    if (!n.inFlight.includes(r)) return;
    this.ctx.trace("network.request-timeout", { client: this.config.name, node: n.node, api: r.api, correlationId: r.correlationId });
    this.processDisconnection(n, true);
  }

  private trySendUnsent(n: NodeConnectionState): void {
    while (n.unsent.length > 0 && n.state === "READY" && n.inFlight.length < this.config.maxInFlightRequestsPerConnection) {
      const u = n.unsent.shift()!;
      this.unsentTimer.cancel(u.timer);
      this.send(n.node, u.request, u.handler, u.timeoutMs);
    }
  }

  private tell(n: NodeConnectionState, state: ConnectionState): void {
    for (const l of this.listeners) l(n.node, state);
  }

  private reconnectBackoff(attempts: number): number {
    const c = this.config;
    return exponentialBackoffMs(c.reconnectBackoffMs, RECONNECT_BACKOFF_EXP_BASE, c.reconnectBackoffMaxMs, RECONNECT_BACKOFF_JITTER, attempts, this.random);
  }

  private connectionSetupTimeout(attempts: number): number {
    const c = this.config;
    return exponentialBackoffMs(c.connectionSetupTimeoutMs, CONNECTION_SETUP_TIMEOUT_EXP_BASE, c.connectionSetupTimeoutMaxMs, CONNECTION_SETUP_TIMEOUT_JITTER, attempts, this.random);
  }

  private resetConnectionSetupTimeout(n: NodeConnectionState): void {
    n.failedConnectAttempts = 0;
    n.connectionSetupTimeoutMs = this.connectionSetupTimeout(0);
  }
}

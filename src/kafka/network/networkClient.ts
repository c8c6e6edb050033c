import type { ActorContext, ConnectionEvent, ConnectionId, RandomStream, Timer } from "../../sim/index.js";
import type { ApiKey, FetchResponseOf, RequestOf, ResponseOf } from "../protocol/apis.js";
import { ClusterConnectionStates, type ConnectionBackoffConfig, type ConnectionState, type NodeConnectionState } from "./clusterConnectionStates.js";
import { ConnectionRouter, type ConnectionOwner } from "./connectionRouter.js";

export type { ConnectionState };

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
/** Any answer of the protocol (it echoes its request's correlation id). */
export type AnyResponse = ResponseOf<ApiKey> & { correlationId: number };
/** The answer to a request, by the request's API (a Fetch's by who asked: `FetchResponseOf`). */
export type ResponseTo<R> = R extends RequestOf<"Fetch"> ? FetchResponseOf<R> : R extends { type: infer A extends ApiKey } ? ResponseOf<A> : never;
/** Called once per request: with its answer, or with why none will come. */
export type ResponseHandler<R> = (response: ResponseTo<R> | Disconnect) => void;

/**
 * Whether a message that arrived on a client's connection is an answer of the protocol (the engine carries messages
 * untyped; Kafka's NetworkClient reads a response header, with its correlation id, from every answer).
 */
export function isResponse(msg: unknown): msg is AnyResponse {
  return typeof msg === "object" && msg !== null && "type" in msg && typeof msg.type === "string" && "correlationId" in msg && typeof msg.correlationId === "number";
}

/** Whether `res` is an answer of `request`'s API (Kafka parses an answer with its request's API): `<Api>Response`. */
export function isResponseTo<R extends AnyRequest>(request: R, res: AnyResponse): res is AnyResponse & ResponseTo<R> {
  return res.type === responseTypeOf(request.type);
}

const responseTypes = new Map<string, string>();
/** `<Api>Response`, made once per API rather than once per answer (every answer is checked against its request's API). */
function responseTypeOf(api: string): string {
  let t = responseTypes.get(api);
  if (t === undefined) responseTypes.set(api, (t = `${api}Response`));
  return t;
}

/** A request's handler with its request's type checked: given an answer of any API, or a Disconnect. */
type Completion = (response: AnyResponse | Disconnect) => void;

function completion<R extends AnyRequest>(request: R, handler: ResponseHandler<R>): Completion {
  return (res) => {
    if (res.type === "Disconnected") handler(res);
    else if (isResponseTo(request, res)) handler(res);
  };
}

/** The settings of one NetworkClient (Kafka's client configs, or the fixed values a broker's clients use). */
export interface NetworkClientConfig extends ConnectionBackoffConfig {
  /** For traces and the client's own random stream: "producer", "consumer", "replica-fetcher", ... */
  name: string;
  /** request.timeout.ms: a request unanswered this long closes its connection (a request may give its own). */
  requestTimeoutMs: number;
  /** max.in.flight.requests.per.connection (InFlightRequests.canSendMore). */
  maxInFlightRequestsPerConnection: number;
}

interface InFlightRequest {
  node: ClientNode;
  correlationId: number;
  api: ApiKey;
  complete: Completion;
  timer: number;
}

interface Unsent {
  request: AnyRequest;
  complete: Completion | null;
  timeoutMs: number;
  timer: number;
  /** What it fails with when its timer fires: TIMED_OUT, or DISCONNECTED for a node in its reconnect back-off. */
  failWith: Disconnect;
}

/** A node's connection state, with its in-flight and not-yet-sent requests. */
interface ClientNode extends NodeConnectionState {
  /** Oldest first. */
  inFlight: InFlightRequest[];
  /** Waiting for the connection to be ready (ConsumerNetworkClient's unsent queue). */
  unsent: Unsent[];
}

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
 * The connection states and their back-offs are its `ClusterConnectionStates` (clusterConnectionStates.ts).
 * Simplified: answers are matched by correlation id in any order (a Kafka broker reads one request per connection
 * at a time, so they come in order there); no ApiVersions round trip, SASL or throttling.
 */
export class NetworkClient implements ConnectionOwner {
  private readonly nodes: ClusterConnectionStates<ClientNode>;
  private readonly byConn = new Map<ConnectionId, ClientNode>();
  private readonly listeners: ((node: string, state: ConnectionState) => void)[] = [];
  private readonly random: RandomStream;
  private readonly router: ConnectionRouter;
  private readonly requestTimer: Timer<InFlightRequest>;
  private readonly unsentTimer: Timer<{ n: ClientNode; u: Unsent }>;
  private readonly setupTimer: Timer<{ n: ClientNode; conn: ConnectionId }>;
  private closed = false;

  constructor(
    private readonly ctx: ActorContext,
    readonly config: NetworkClientConfig,
    private readonly nextCorrelationId: () => number,
  ) {
    this.random = ctx.stream(`network-client:${config.name}`);
    this.nodes = new ClusterConnectionStates(config, this.random, (base) => ({ ...base, inFlight: [], unsent: [] }));
    this.router = ConnectionRouter.of(ctx);
    this.requestTimer = ctx.timer((r) => this.onRequestTimeout(r));
    this.unsentTimer = ctx.timer(({ n, u }) => {
      const i = n.unsent.indexOf(u);
      if (i < 0) return;
      n.unsent.splice(i, 1);
      u.complete?.(u.failWith);
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
    const n = this.nodes.state(node);
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
    return this.nodes.connectionDelayMs(node, this.ctx.nowUs);
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
    return this.write(node, request, handler && completion(request, handler), timeoutMs);
  }

  private write(node: string, request: AnyRequest, complete: Completion | null, timeoutMs: number): number {
    const n = this.nodes.get(node);
    if (n === undefined || n.state !== "READY") throw new Error(`NetworkClient ${this.config.name}: ${node} is not ready`);
    this.ctx.write(n.conn, request);
    if (complete === null) return request.correlationId;
    const r: InFlightRequest = { node: n, correlationId: request.correlationId, api: request.type, complete, timer: -1 };
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
    const n = this.nodes.state(node);
    // ConsumerNetworkClient.checkDisconnects: a node in its reconnect back-off fails the request at once (as the
    // next poll would), and the caller retries after its own back-off.
    const failed = n.state === "DISCONNECTED";
    const u: Unsent = { request, complete: handler && completion(request, handler), timeoutMs, timer: -1, failWith: failed ? DISCONNECTED : TIMED_OUT };
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
    for (const n of this.nodes.all()) if (n.state !== "DISCONNECTED") this.processDisconnection(n, false);
  }

  // ---- from the process's connections (ConnectionRouter) ----

  onResponse(conn: ConnectionId, msg: unknown): void {
    const n = this.byConn.get(conn);
    if (n === undefined || !isResponse(msg)) return;
    const i = n.inFlight.findIndex((r) => r.correlationId === msg.correlationId);
    if (i < 0) return; // an answer nobody waits for any more
    // Kafka parses an answer with its request's API: a message of another API is not its answer.
    if (msg.type !== responseTypeOf(n.inFlight[i].api)) return;
    const r = n.inFlight[i];
    n.inFlight.splice(i, 1);
    this.requestTimer.cancel(r.timer);
    r.complete(msg);
    this.trySendUnsent(n);
  }

  onConnectionEvent(conn: ConnectionId, event: ConnectionEvent): void {
    const n = this.byConn.get(conn);
    if (n === undefined || n.conn !== conn) return;
    if (event === "connected") {
      if (n.state !== "CONNECTING") return;
      this.nodes.ready(n);
      this.setupTimer.cancel(n.setupTimer);
      this.trySendUnsent(n);
      this.tell(n, "READY");
      return;
    }
    this.processDisconnection(n, false);
  }

  // ---- internals ----

  /** ClusterConnectionStates.canConnect, while the client is open. */
  private canConnect(n: ClientNode): boolean {
    return !this.closed && this.nodes.canConnect(n, this.ctx.nowUs);
  }

  /** NetworkClient.initiateConnect + ClusterConnectionStates.connecting. */
  private initiateConnect(n: ClientNode): void {
    this.nodes.connecting(n, this.ctx.nowUs);
    n.conn = this.ctx.connect(n.node);
    this.byConn.set(n.conn, n);
    this.router.register(n.conn, this);
    n.setupTimer = this.setupTimer.set(n.connectionSetupTimeoutMs, { n, conn: n.conn });
  }

  /**
   * NetworkClient.processDisconnection: the connection is closed, the node enters the reconnect back-off (longer
   * after each failure), and every request in flight on it fails, oldest first (InFlightRequests.clearAll).
   */
  private processDisconnection(n: ClientNode, timedOut: boolean): void {
    this.ctx.close(n.conn);
    this.byConn.delete(n.conn);
    this.router.unregister(n.conn);
    this.setupTimer.cancel(n.setupTimer);
    this.nodes.disconnected(n, this.ctx.nowUs);
    const failed = n.inFlight;
    n.inFlight = [];
    const unsent = n.unsent;
    n.unsent = [];
    if (failed.length > 0 || unsent.length > 0)
      this.ctx.trace("network.disconnected", { client: this.config.name, node: n.node, inFlight: failed.length, unsent: unsent.length, timedOut });
    const why = timedOut ? TIMED_OUT : DISCONNECTED;
    for (const r of failed) {
      this.requestTimer.cancel(r.timer);
      r.complete(why);
    }
    // ConsumerNetworkClient.checkDisconnects: what waited for this node fails too.
    for (const u of unsent) {
      this.unsentTimer.cancel(u.timer);
      u.complete?.(DISCONNECTED);
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

  private trySendUnsent(n: ClientNode): void {
    while (n.unsent.length > 0 && n.state === "READY" && n.inFlight.length < this.config.maxInFlightRequestsPerConnection) {
      const u = n.unsent.shift()!;
      this.unsentTimer.cancel(u.timer);
      this.write(n.node, u.request, u.complete, u.timeoutMs);
    }
  }

  private tell(n: ClientNode, state: ConnectionState): void {
    for (const l of this.listeners) l(n.node, state);
  }
}

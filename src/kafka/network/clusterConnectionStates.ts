import type { ConnectionId, RandomStream } from "../../sim/index.js";
import { exponentialBackoffMs } from "./exponentialBackoff.js";

/** ClusterConnectionStates.ConnectionState, the states the model uses (no SASL, no ApiVersions round trip). */
export type ConnectionState = "CONNECTING" | "READY" | "DISCONNECTED";

/** The back-off settings of ClusterConnectionStates (a client's configs), in ms. */
export interface ConnectionBackoffConfig {
  /** reconnect.backoff.ms / reconnect.backoff.max.ms (exponential, ±20% jitter). */
  reconnectBackoffMs: number;
  reconnectBackoffMaxMs: number;
  /** socket.connection.setup.timeout.ms / .max.ms (exponential per failed attempt, ±20% jitter). */
  connectionSetupTimeoutMs: number;
  connectionSetupTimeoutMaxMs: number;
}

/** ClusterConnectionStates.NodeConnectionState: one node's connection and its back-offs. */
export interface NodeConnectionState {
  node: string;
  state: ConnectionState;
  conn: ConnectionId;
  /** In whole µs, so back-off comparisons never miss by a rounding error and spin. */
  lastConnectAttemptUs: number;
  failedAttempts: number;
  reconnectBackoffMs: number;
  failedConnectAttempts: number;
  connectionSetupTimeoutMs: number;
  /** The engine timer of the connection-setup timeout (-1: none). */
  setupTimer: number;
}

const RECONNECT_BACKOFF_EXP_BASE = 2;
const RECONNECT_BACKOFF_JITTER = 0.2;
const CONNECTION_SETUP_TIMEOUT_EXP_BASE = 2;
const CONNECTION_SETUP_TIMEOUT_JITTER = 0.2;

/**
 * Kafka's `ClusterConnectionStates`: each node's connection state and its two back-offs — reconnect.backoff.ms
 * doubling per failed attempt to .max.ms, and socket.connection.setup.timeout.ms doubling per failed connection
 * attempt to .max.ms, both with ±20% jitter drawn from the client's seeded stream. `N` is the client's node record
 * (it adds what it keeps per node, such as its in-flight requests). Times are µs of simulated time, back-offs ms.
 */
export class ClusterConnectionStates<N extends NodeConnectionState> {
  private readonly nodes = new Map<string, N>();

  constructor(
    private readonly config: ConnectionBackoffConfig,
    private readonly random: RandomStream,
    private readonly newNode: (base: NodeConnectionState) => N,
  ) {}

  get(node: string): N | undefined {
    return this.nodes.get(node);
  }

  /** The node's record, created DISCONNECTED (never tried) on first use. */
  state(node: string): N {
    let n = this.nodes.get(node);
    if (n === undefined) {
      n = this.newNode({
        node,
        state: "DISCONNECTED",
        conn: -1,
        lastConnectAttemptUs: -Infinity,
        failedAttempts: 0,
        reconnectBackoffMs: 0,
        failedConnectAttempts: 0,
        connectionSetupTimeoutMs: 0,
        setupTimer: -1,
      });
      this.nodes.set(node, n);
    }
    return n;
  }

  /** Every node's record, in the order they were first used. */
  all(): IterableIterator<N> {
    return this.nodes.values();
  }

  /** ClusterConnectionStates.canConnect: disconnected, and the reconnect back-off has passed at `nowUs`. */
  canConnect(n: N, nowUs: number): boolean {
    return n.state === "DISCONNECTED" && nowUs - n.lastConnectAttemptUs >= n.reconnectBackoffMs * 1000;
  }

  /** ClusterConnectionStates.connectionDelay: ms until a connection to the node may be attempted (0: now, Infinity: connected). */
  connectionDelayMs(node: string, nowUs: number): number {
    const n = this.nodes.get(node);
    if (n === undefined) return 0;
    if (n.state === "CONNECTING") return n.connectionSetupTimeoutMs;
    if (n.state === "DISCONNECTED") return Math.max(n.reconnectBackoffMs * 1000 - (nowUs - n.lastConnectAttemptUs), 0) / 1000;
    return Infinity;
  }

  /**
   * ClusterConnectionStates.connecting: an attempt starts at `nowUs` (the first one draws both back-offs); the
   * caller opens the connection and records it in `n.conn`.
   */
  connecting(n: N, nowUs: number): void {
    if (n.lastConnectAttemptUs === -Infinity) {
      n.reconnectBackoffMs = this.reconnectBackoff(0);
      n.connectionSetupTimeoutMs = this.connectionSetupTimeout(0);
    }
    n.state = "CONNECTING";
    n.lastConnectAttemptUs = nowUs;
  }

  /** ClusterConnectionStates.ready: the connection is established; the back-offs start over. */
  ready(n: N): void {
    n.state = "READY";
    n.failedAttempts = 0;
    n.reconnectBackoffMs = this.reconnectBackoff(0);
    this.resetConnectionSetupTimeout(n);
  }

  /**
   * ClusterConnectionStates.disconnected at `nowUs`: the node enters its reconnect back-off (longer after each
   * failure); a failed connection attempt also lengthens the next setup timeout, any other loss resets it.
   */
  disconnected(n: N, nowUs: number): void {
    const wasConnecting = n.state === "CONNECTING";
    n.state = "DISCONNECTED";
    n.conn = -1;
    n.lastConnectAttemptUs = nowUs;
    n.reconnectBackoffMs = this.reconnectBackoff(n.failedAttempts);
    n.failedAttempts++;
    if (wasConnecting) {
      n.failedConnectAttempts++;
      n.connectionSetupTimeoutMs = this.connectionSetupTimeout(n.failedConnectAttempts);
    } else this.resetConnectionSetupTimeout(n);
  }

  private reconnectBackoff(attempts: number): number {
    const c = this.config;
    return exponentialBackoffMs(c.reconnectBackoffMs, RECONNECT_BACKOFF_EXP_BASE, c.reconnectBackoffMaxMs, RECONNECT_BACKOFF_JITTER, attempts, this.random);
  }

  private connectionSetupTimeout(attempts: number): number {
    const c = this.config;
    return exponentialBackoffMs(c.connectionSetupTimeoutMs, CONNECTION_SETUP_TIMEOUT_EXP_BASE, c.connectionSetupTimeoutMaxMs, CONNECTION_SETUP_TIMEOUT_JITTER, attempts, this.random);
  }

  private resetConnectionSetupTimeout(n: N): void {
    n.failedConnectAttempts = 0;
    n.connectionSetupTimeoutMs = this.connectionSetupTimeout(0);
  }
}

import { long } from "./configDef.js";

/**
 * The connection settings every Kafka client shares (Kafka `CommonClientConfigs`), with their defaults, for the
 * producer's and the consumer's config definitions.
 */
export const CLIENT_NETWORK_KEYS = [
  long("reconnect.backoff.ms", 50, "CommonClientConfigs: first wait before reconnecting to a node; doubles per failure (±20% jitter)"),
  long("reconnect.backoff.max.ms", 1000, "CommonClientConfigs: the reconnect back-off's cap"),
  long("socket.connection.setup.timeout.ms", 10000, "CommonClientConfigs.DEFAULT_SOCKET_CONNECTION_SETUP_TIMEOUT_MS: a connection not established in time is given up", 1),
  long("socket.connection.setup.timeout.max.ms", 30000, "CommonClientConfigs.DEFAULT_SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS: the setup timeout's cap (doubling per failed attempt)", 1),
] as const;

/** A client's connection settings, typed (the `NetworkClient`'s reconnect and connection set-up timing). */
export interface ClientNetworkSettings {
  reconnectBackoffMs: number;
  reconnectBackoffMaxMs: number;
  connectionSetupTimeoutMs: number;
  connectionSetupTimeoutMaxMs: number;
}

type NetworkKeys = { "reconnect.backoff.ms": number; "reconnect.backoff.max.ms": number; "socket.connection.setup.timeout.ms": number; "socket.connection.setup.timeout.max.ms": number };

/**
 * The connection settings of a resolved client config. As CommonClientConfigs.postProcessReconnectBackoffConfigs:
 * reconnect.backoff.ms set without reconnect.backoff.max.ms makes the back-off constant.
 */
export function clientNetworkSettings(c: NetworkKeys, explicit: ReadonlySet<string>): ClientNetworkSettings {
  const reconnectBackoffMaxMs = explicit.has("reconnect.backoff.ms") && !explicit.has("reconnect.backoff.max.ms") ? c["reconnect.backoff.ms"] : c["reconnect.backoff.max.ms"];
  return {
    reconnectBackoffMs: c["reconnect.backoff.ms"],
    reconnectBackoffMaxMs,
    connectionSetupTimeoutMs: c["socket.connection.setup.timeout.ms"],
    connectionSetupTimeoutMaxMs: c["socket.connection.setup.timeout.max.ms"],
  };
}

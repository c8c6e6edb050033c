import type { ClientCpu } from "../client/clientCpu.js";
import type { CompressionType } from "../log/compression.js";
import { type ClientNetworkSettings, clientNetworkSettings } from "./clientNetworkConfig.js";
import { INT_MAX } from "./configDef.js";
import type { ProducerConfig } from "./producerConfig.js";

/** The producer's settings as typed fields, read once from the resolved config map. */
export interface ProducerSettings {
  /** -1 for all. */
  acks: -1 | 0 | 1;
  idempotence: boolean;
  retries: number;
  maxInFlight: number;
  lingerMs: number;
  batchSize: number;
  /** compression.type: the codec of the producer's batches (src/kafka/log/compression.ts). */
  compressionType: CompressionType;
  /** max.request.size, bytes. */
  maxRequestSize: number;
  deliveryTimeoutMs: number;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  bufferMemory: number;
  maxBlockMs: number;
  metadataMaxAgeMs: number;
  partitionerIgnoreKeys: boolean;
  partitionerAdaptive: boolean;
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** reconnect.backoff.*, socket.connection.setup.timeout.* */
  network: ClientNetworkSettings;
  /**
   * Topics whose message.format.version names a legacy format (magic 0 or 1): the producer writes their batches as
   * legacy MessageSets, as a producer of that Kafka version did (its newest ProduceRequest version carried that
   * magic). Absent or not listed: record batch v2. Set by the scenario from the topic configs, not a producer key.
   */
  legacyMessageFormat?: Readonly<Record<string, 0 | 1>>;
  /**
   * The client's CPU for compression (`capacity.clientCpu`), set by the world builder, not a Kafka config: a batch's
   * compression (the codec's ns per uncompressed byte) runs on it before the request that carries it is written.
   * Absent: compression costs no time.
   */
  cpu?: ClientCpu;
}

export interface ConfigConflict {
  key: string;
  message: string;
}

/**
 * linger.ms + request.timeout.ms as KafkaProducer.configureDeliveryTimeout adds them: linger.ms cut to an int
 * (`KafkaProducer.lingerMs`), the sum capped at Integer.MAX_VALUE.
 */
function lingerAndRequestTimeoutMs(c: ProducerConfig): number {
  return Math.min(Math.min(c["linger.ms"], INT_MAX) + c["request.timeout.ms"], INT_MAX);
}


/**
 * Kafka `ProducerConfig.postProcessAndValidateIdempotenceConfigs` (Kafka 4.0): idempotence needs acks=all, retries > 0
 * and max.in.flight ≤ 5. A max.in.flight above 5 is a ConfigException whenever idempotence is on (by default too).
 * For acks and retries: when enable.idempotence was set explicitly, a conflict is a ConfigException; when it was left
 * at its default, idempotence is silently switched off instead (see `producerSettings`) — and then a transactional.id
 * is a ConfigException ("Cannot set a transactional.id without also enabling idempotence."), which names the key
 * that switched it off.
 */
export function producerConfigConflicts(c: ProducerConfig, explicit: ReadonlySet<string>): ConfigConflict[] {
  const out: ConfigConflict[] = [];
  // KafkaProducer.configureDeliveryTimeout: an explicit delivery.timeout.ms below linger.ms + request.timeout.ms is an error.
  const minDelivery = lingerAndRequestTimeoutMs(c);
  if (explicit.has("delivery.timeout.ms") && c["delivery.timeout.ms"] < minDelivery)
    out.push({ key: "delivery.timeout.ms", message: `should be equal to or larger than linger.ms + request.timeout.ms (${minDelivery}) (ConfigException in Kafka)` });
  // A transactional producer is idempotent; it cannot be told not to be (KafkaProducer configureTransactionState).
  const transactional = c["transactional.id"] !== null;
  if (transactional && explicit.has("enable.idempotence") && c["enable.idempotence"] === false)
    out.push({ key: "enable.idempotence", message: "cannot be false with a transactional.id: transactions need idempotence (ConfigException in Kafka: \"Cannot set a transactional.id without also enabling idempotence.\")" });
  // Kafka 4.0 (KAFKA-17927, ProducerConfig.postProcessAndValidateIdempotenceConfigs): while idempotence is on — set
  // true, left at its default true (whatever acks and retries say), or needed by a transactional.id — max.in.flight
  // above 5 is a ConfigException; Kafka 3.x only warned and switched a defaulted idempotence off ("in v4.0.0 and
  // onward, this will become an error"). Only an explicit enable.idempotence=false allows more.
  const maxInFlight = c["max.in.flight.requests.per.connection"];
  if (maxInFlight > 5 && (c["enable.idempotence"] || transactional))
    out.push({ key: "max.in.flight.requests.per.connection", message: `must be at most 5 while enable.idempotence is true${explicit.has("enable.idempotence") ? "" : " (its default)"} (ConfigException in Kafka 4.0: "To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is ${maxInFlight}."); set enable.idempotence: false to send more at once${transactional ? ", which a transactional producer cannot" : ""}` });
  const explicitIdempotence = explicit.has("enable.idempotence") && c["enable.idempotence"] === true;
  if (!(transactional || explicitIdempotence)) return out;
  // With enable.idempotence left at its default, each conflict below switches idempotence off, and Kafka refuses
  // the transactional.id; with it set to true, Kafka refuses the conflicting key itself.
  const why = (kafka: string) =>
    explicitIdempotence ? ` (ConfigException in Kafka: "${kafka}")` : `: it turns idempotence off (enable.idempotence was not set), and a transactional.id needs it (ConfigException in Kafka: "Cannot set a transactional.id without also enabling idempotence.")`;
  if (c.retries === 0) out.push({ key: "retries", message: `must be non-zero to use the idempotent producer${why("Must set retries to non-zero when using the idempotent producer.")}` });
  const acks = c.acks;
  if (acks !== "all" && acks !== "-1")
    out.push({ key: "acks", message: `must be "all" (or -1) to use the idempotent producer${why("Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.")}` });
  return out;
}

/** The producer's settings from its resolved config (`explicit`: the keys the user set; Kafka treats them differently). */
export function producerSettings(c: ProducerConfig, explicit: ReadonlySet<string>): ProducerSettings {
  const acksRaw = c.acks;
  const acks = acksRaw === "all" || acksRaw === "-1" ? -1 : acksRaw === "0" ? 0 : 1;
  const maxInFlight = c["max.in.flight.requests.per.connection"];
  const retries = c.retries;
  let idempotence = c["enable.idempotence"] || c["transactional.id"] !== null;
  // Not set explicitly and a conflicting acks or retries: Kafka disables idempotence rather than failing (a
  // max.in.flight above 5 is refused instead, producerConfigConflicts).
  if (idempotence && !explicit.has("enable.idempotence") && c["transactional.id"] === null && (acks !== -1 || retries === 0)) idempotence = false;
  return {
    acks,
    idempotence,
    retries,
    maxInFlight,
    lingerMs: c["linger.ms"],
    batchSize: c["batch.size"],
    compressionType: c["compression.type"],
    maxRequestSize: c["max.request.size"],
    // Not set explicitly and too small: Kafka raises it to linger.ms + request.timeout.ms (with a warning).
    deliveryTimeoutMs: explicit.has("delivery.timeout.ms") ? c["delivery.timeout.ms"] : Math.max(c["delivery.timeout.ms"], lingerAndRequestTimeoutMs(c)),
    requestTimeoutMs: c["request.timeout.ms"],
    retryBackoffMs: c["retry.backoff.ms"],
    retryBackoffMaxMs: c["retry.backoff.max.ms"],
    bufferMemory: c["buffer.memory"],
    maxBlockMs: c["max.block.ms"],
    metadataMaxAgeMs: c["metadata.max.age.ms"],
    partitionerIgnoreKeys: c["partitioner.ignore.keys"],
    partitionerAdaptive: c["partitioner.adaptive.partitioning.enable"],
    transactionalId: c["transactional.id"],
    transactionTimeoutMs: c["transaction.timeout.ms"],
    network: clientNetworkSettings(c, explicit),
  };
}

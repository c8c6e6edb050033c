import type { ConfigValue } from "./configDef.js";

/** The producer's settings as typed fields, read once from the resolved config map. */
export interface ProducerSettings {
  /** -1 for all. */
  acks: -1 | 0 | 1;
  idempotence: boolean;
  retries: number;
  maxInFlight: number;
  lingerMs: number;
  batchSize: number;
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
}

export interface ConfigConflict {
  key: string;
  message: string;
}

/**
 * Kafka `ProducerConfig.postProcessAndValidateIdempotenceConfigs`: idempotence needs acks=all, retries > 0 and
 * max.in.flight ≤ 5. When enable.idempotence was set explicitly, a conflict is a ConfigException; when it was left
 * at its default, idempotence is silently switched off instead (see `producerSettings`).
 */
export function producerConfigConflicts(c: Map<string, ConfigValue>, explicit: Set<string>): ConfigConflict[] {
  const out: ConfigConflict[] = [];
  // KafkaProducer.configureDeliveryTimeout: an explicit delivery.timeout.ms below linger.ms + request.timeout.ms is an error.
  const minDelivery = (c.get("linger.ms") as number) + (c.get("request.timeout.ms") as number);
  if (explicit.has("delivery.timeout.ms") && (c.get("delivery.timeout.ms") as number) < minDelivery)
    out.push({ key: "delivery.timeout.ms", message: `should be equal to or larger than linger.ms + request.timeout.ms (${minDelivery}) (ConfigException in Kafka)` });
  // A transactional producer is idempotent; it cannot be told not to be (KafkaProducer configureTransactionState).
  const transactional = c.get("transactional.id") !== null;
  if (transactional && explicit.has("enable.idempotence") && c.get("enable.idempotence") === false)
    out.push({ key: "enable.idempotence", message: "cannot be false with a transactional.id: transactions need idempotence (ConfigException in Kafka)" });
  if (!(transactional || (explicit.has("enable.idempotence") && c.get("enable.idempotence") === true))) return out;
  if ((c.get("max.in.flight.requests.per.connection") as number) > 5)
    out.push({ key: "max.in.flight.requests.per.connection", message: "must be at most 5 to use the idempotent producer (ConfigException in Kafka)" });
  if ((c.get("retries") as number) === 0)
    out.push({ key: "retries", message: "must be non-zero when using the idempotent producer (ConfigException in Kafka)" });
  const acks = c.get("acks");
  if (acks !== "all" && acks !== "-1")
    out.push({ key: "acks", message: 'must be "all" (or -1) to use the idempotent producer (ConfigException in Kafka)' });
  return out;
}

export function producerSettings(c: Map<string, ConfigValue>, explicit: Set<string>): ProducerSettings {
  const acksRaw = c.get("acks");
  const acks = acksRaw === "all" || acksRaw === "-1" ? -1 : acksRaw === "0" ? 0 : 1;
  const maxInFlight = c.get("max.in.flight.requests.per.connection") as number;
  const retries = c.get("retries") as number;
  let idempotence = (c.get("enable.idempotence") as boolean) || c.get("transactional.id") !== null;
  // Not set explicitly and a conflicting setting: Kafka disables idempotence rather than failing.
  if (idempotence && !explicit.has("enable.idempotence") && c.get("transactional.id") === null && (acks !== -1 || retries === 0 || maxInFlight > 5)) idempotence = false;
  return {
    acks,
    idempotence,
    retries,
    maxInFlight,
    lingerMs: c.get("linger.ms") as number,
    batchSize: c.get("batch.size") as number,
    // Not set explicitly and too small: Kafka raises it to linger.ms + request.timeout.ms (with a warning).
    deliveryTimeoutMs: explicit.has("delivery.timeout.ms") ? (c.get("delivery.timeout.ms") as number) : Math.max(c.get("delivery.timeout.ms") as number, (c.get("linger.ms") as number) + (c.get("request.timeout.ms") as number)),
    requestTimeoutMs: c.get("request.timeout.ms") as number,
    retryBackoffMs: c.get("retry.backoff.ms") as number,
    retryBackoffMaxMs: c.get("retry.backoff.max.ms") as number,
    bufferMemory: c.get("buffer.memory") as number,
    maxBlockMs: c.get("max.block.ms") as number,
    metadataMaxAgeMs: c.get("metadata.max.age.ms") as number,
    partitionerIgnoreKeys: c.get("partitioner.ignore.keys") as boolean,
    partitionerAdaptive: c.get("partitioner.adaptive.partitioning.enable") as boolean,
    transactionalId: c.get("transactional.id") as string | null,
    transactionTimeoutMs: c.get("transaction.timeout.ms") as number,
  };
}

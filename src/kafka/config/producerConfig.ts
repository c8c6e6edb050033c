import { CLIENT_NETWORK_KEYS } from "./clientNetworkConfig.js";
import { PRODUCER_KEYS } from "./kafkaKeyCatalogue.js";
import { COMPRESSION_TYPES } from "../log/compression.js";
import { bool, ConfigDef, type ConfigOf, int, INT_MAX, INT_MIN, long, oneOf, str } from "./configDef.js";


/** Producer settings with Kafka 4.0 defaults (kafka-facts §3.1; Kafka `ProducerConfig.java`). */
export const PRODUCER_CONFIG = new ConfigDef("producer", [
  oneOf("acks", "all", ["all", "-1", "0", "1"], "ProducerConfig: in(\"all\",\"-1\",\"0\",\"1\")"),
  bool("enable.idempotence", true, "ProducerConfig: true since 3.0"),
  int("retries", INT_MAX, "ProducerConfig"),
  int("max.in.flight.requests.per.connection", 5, "ProducerConfig", 1),
  long("linger.ms", 5, "KIP-1030: 5 from Kafka 4.0"),
  oneOf("compression.type", "none", COMPRESSION_TYPES, "ProducerConfig: the codec of the producer's batches (src/kafka/log/compression.ts: ratios and CPU costs)"),
  int("batch.size", 16384, "ProducerConfig; also the sticky-partition switch threshold (KIP-794)"),
  int("max.request.size", 1048576, "ProducerConfig atLeast(0): a record whose batch bound exceeds it fails with RecordTooLargeException; also caps a request"),
  int("delivery.timeout.ms", 120000, "ProducerConfig: upper bound of a record's life"),
  int("request.timeout.ms", 30000, "ProducerConfig"),
  long("retry.backoff.ms", 100, "CommonClientConfigs.DEFAULT_RETRY_BACKOFF_MS"),
  long("retry.backoff.max.ms", 1000, "CommonClientConfigs.DEFAULT_RETRY_BACKOFF_MAX_MS"),
  long("buffer.memory", 33554432, "ProducerConfig"),
  long("max.block.ms", 60000, "ProducerConfig"),
  long("metadata.max.age.ms", 300000, "ProducerConfig"),
  bool("partitioner.ignore.keys", false, "ProducerConfig"),
  bool("partitioner.adaptive.partitioning.enable", true, "ProducerConfig"),
  str("transactional.id", null, "ProducerConfig (NonEmptyString): setting it makes the producer transactional (and idempotent)", { nonEmpty: true }),
  // No validator in ProducerConfig: the client takes any int, and the coordinator refuses one outside
  // (0, transaction.max.timeout.ms] with INVALID_TRANSACTION_TIMEOUT (TransactionCoordinator.handleInitProducerId).
  int("transaction.timeout.ms", 60000, "ProducerConfig: the coordinator aborts a transaction open longer than this", INT_MIN),
  ...CLIENT_NETWORK_KEYS,
], PRODUCER_KEYS);

/** A producer's resolved configuration: Kafka's keys, typed (Kafka `ProducerConfig`). */
export type ProducerConfig = ConfigOf<typeof PRODUCER_CONFIG>;

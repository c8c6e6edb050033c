/**
 * Kafka error names with their codes and whether the client retries them (the exception extends
 * RetriableException). Kafka `clients/.../common/protocol/Errors.java`; kafka-facts §4.1.
 */
export const ERRORS = {
  NONE: { code: 0, retriable: false },
  OFFSET_OUT_OF_RANGE: { code: 1, retriable: false },
  NOT_LEADER_OR_FOLLOWER: { code: 6, retriable: true },
  /** A batch larger than the topic's max.message.bytes (broker: message.max.bytes); RecordTooLargeException. */
  MESSAGE_TOO_LARGE: { code: 10, retriable: false },
  REQUEST_TIMED_OUT: { code: 7, retriable: true },
  NETWORK_EXCEPTION: { code: 13, retriable: true },
  NOT_ENOUGH_REPLICAS: { code: 19, retriable: true },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: { code: 20, retriable: true },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 3, retriable: true },
  OUT_OF_ORDER_SEQUENCE_NUMBER: { code: 45, retriable: false },
  DUPLICATE_SEQUENCE_NUMBER: { code: 46, retriable: false },
  INVALID_PRODUCER_EPOCH: { code: 47, retriable: false },
  UNKNOWN_PRODUCER_ID: { code: 59, retriable: false },
  INVALID_TXN_STATE: { code: 48, retriable: false },
  INVALID_PRODUCER_ID_MAPPING: { code: 49, retriable: false },
  INVALID_TRANSACTION_TIMEOUT: { code: 50, retriable: false },
  CONCURRENT_TRANSACTIONS: { code: 51, retriable: true },
  TRANSACTION_COORDINATOR_FENCED: { code: 52, retriable: false },
  COORDINATOR_LOAD_IN_PROGRESS: { code: 14, retriable: true },
  COORDINATOR_NOT_AVAILABLE: { code: 15, retriable: true },
  NOT_COORDINATOR: { code: 16, retriable: true },
  PRODUCER_FENCED: { code: 90, retriable: false },
  UNSTABLE_OFFSET_COMMIT: { code: 88, retriable: true },
  ILLEGAL_GENERATION: { code: 22, retriable: false },
  UNKNOWN_MEMBER_ID: { code: 25, retriable: false },
  INCONSISTENT_GROUP_PROTOCOL: { code: 23, retriable: false },
  INVALID_SESSION_TIMEOUT: { code: 26, retriable: false },
  REBALANCE_IN_PROGRESS: { code: 27, retriable: false },
  MEMBER_ID_REQUIRED: { code: 79, retriable: false },
  FENCED_INSTANCE_ID: { code: 82, retriable: false },
  /** A group at group.max.size (classic) or group.consumer.max.size (KIP-848) members; GroupMaxSizeReachedException. */
  GROUP_MAX_SIZE_REACHED: { code: 81, retriable: false },
  GROUP_ID_NOT_FOUND: { code: 69, retriable: false },
  FENCED_MEMBER_EPOCH: { code: 110, retriable: false },
  UNRELEASED_INSTANCE_ID: { code: 111, retriable: false },
  UNSUPPORTED_ASSIGNOR: { code: 112, retriable: false },
  STALE_MEMBER_EPOCH: { code: 113, retriable: false },
  TRANSACTION_ABORTABLE: { code: 120, retriable: false },
  /** Client-side: a record of a transaction the application aborted (TransactionAbortedException). */
  TRANSACTION_ABORTED: { code: 0, retriable: false },
  FENCED_LEADER_EPOCH: { code: 74, retriable: true },
  UNKNOWN_LEADER_EPOCH: { code: 75, retriable: true },
  LEADER_NOT_AVAILABLE: { code: 5, retriable: true },
  STALE_BROKER_EPOCH: { code: 77, retriable: false },
  /** A registration for a broker id whose previous incarnation still has a valid session (DuplicateBrokerRegistrationException). */
  DUPLICATE_BROKER_REGISTRATION: { code: 101, retriable: false },
  INVALID_UPDATE_VERSION: { code: 95, retriable: false },
  /** Client-side: a record's delivery.timeout.ms expired (TimeoutException in the Java client). */
  DELIVERY_TIMEOUT: { code: 7, retriable: false },
  /**
   * Client-side: a record whose serialized bound exceeds max.request.size or buffer.memory
   * (KafkaProducer.ensureValidRecordSize throws RecordTooLargeException, whose broker code is MESSAGE_TOO_LARGE).
   */
  RECORD_TOO_LARGE: { code: 10, retriable: false },
  /** A record the broker's LogValidator refused (a compacted topic's record without a key): InvalidRecordException. */
  INVALID_RECORD: { code: 87, retriable: false },
  /** Client-side: buffer.memory full for longer than max.block.ms (TimeoutException from send()). */
  BUFFER_EXHAUSTED: { code: 7, retriable: false },
  /** Client-side: the topic was not in metadata within max.block.ms (TimeoutException from send()). */
  METADATA_TIMEOUT: { code: 7, retriable: false },
  NOT_CONTROLLER: { code: 41, retriable: true },
  INVALID_CONFIG: { code: 40, retriable: false },
  /** An idempotent or transactional batch for a topic in a legacy message format (UnsupportedForMessageFormatException). */
  UNSUPPORTED_FOR_MESSAGE_FORMAT: { code: 43, retriable: false },
  /** DeleteRecords on a topic whose cleanup.policy has no `delete` (PolicyViolationException). */
  POLICY_VIOLATION: { code: 44, retriable: false },
  /** A malformed or refused admin request (a broker config that is not dynamic; another broker's resource). */
  INVALID_REQUEST: { code: 42, retriable: false },
  /** AlterPartitionReassignments names a broker that is not registered, twice, or none (InvalidReplicaAssignmentException). */
  INVALID_REPLICA_ASSIGNMENT: { code: 39, retriable: false },
  /** CreatePartitions asks for no more partitions than the topic has (InvalidPartitionsException). */
  INVALID_PARTITIONS: { code: 37, retriable: false },
  /** New partitions cannot be placed: fewer brokers than the replication factor, or none unfenced (InvalidReplicationFactorException). */
  INVALID_REPLICATION_FACTOR: { code: 38, retriable: false },
  /** Client-side: commitSync outside a stable generation (CommitFailedException in the Java client). */
  COMMIT_FAILED: { code: 0, retriable: false },
  /**
   * Client-side: KIP-320 validation found the position past where its epoch ends on the leader (the log was
   * truncated under it) and auto.offset.reset=none (LogTruncationException from poll(), an OffsetOutOfRangeException).
   */
  LOG_TRUNCATION: { code: 1, retriable: false },
  /** Client-side: no committed offset and auto.offset.reset=none (NoOffsetForPartitionException from poll()). */
  NO_OFFSET_FOR_PARTITION: { code: 0, retriable: false },
  /** Client-side: max.poll.interval.ms passed between two polls; the member left the group (KIP-62). */
  POLL_TIMEOUT_EXPIRED: { code: 0, retriable: false },
} as const;

export type ErrorName = keyof typeof ERRORS;

export function isRetriable(e: ErrorName): boolean {
  return ERRORS[e].retriable;
}

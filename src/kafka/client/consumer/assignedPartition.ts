import type { ErrorName } from "../../protocol/errors.js";
import type { FetchedRecord } from "../../protocol/messages.js";
import { tpKey } from "../../protocol/messages.js";
import type { CompletedFetch } from "./completedFetch.js";
import { type FetchPosition, type LogTruncation, TopicPartitionState } from "./subscriptionState.js";

/**
 * The exceptions the Java consumer's poll() throws about positions: NoOffsetForPartitionException (no committed
 * offset and auto.offset.reset=none), OffsetOutOfRangeException (a fetch out of range and no reset policy) and
 * LogTruncationException (KIP-320: the position is past where its epoch ends on the leader, and no reset policy).
 */
export type ConsumerPositionException = "NoOffsetForPartitionException" | "OffsetOutOfRangeException" | "LogTruncationException";

/** Each exception's error name, as the history records it (see `ERRORS`). */
export const POSITION_EXCEPTION_ERRORS = {
  NoOffsetForPartitionException: "NO_OFFSET_FOR_PARTITION",
  OffsetOutOfRangeException: "OFFSET_OUT_OF_RANGE",
  LogTruncationException: "LOG_TRUNCATION",
} as const satisfies Record<ConsumerPositionException, ErrorName>;

/** What poll() raised instead of returning records, with the partitions and offsets the exception names. */
export interface ConsumerPollError {
  exception: ConsumerPositionException;
  /** The exception's error name (POSITION_EXCEPTION_ERRORS). */
  error: ErrorName;
  partitions: { topic: string; partition: number; offset: number | null; divergentOffset?: number }[];
}

/** One poll's outcome: the records per partition, or the exception the Java client would throw from poll(). */
export type PollResult = { ok: true; partitions: PolledPartition[] } | { ok: false; error: ConsumerPollError };

export interface PolledPartition {
  topic: string;
  partition: number;
  records: FetchedRecord[];
}

/**
 * An assigned partition: its fetch state (SubscriptionState), what was fetched, and the request in flight for it
 * (a Fetch to its leader carries it with the node's other partitions; ListOffsets and OffsetsForLeaderEpoch are its own).
 */
export class AssignedPartition extends TopicPartitionState {
  readonly key: string;
  /** The fetched batches poll() has not used up yet; no new fetch while there are some (AbstractFetch.fetchablePartitions). */
  completed: CompletedFetch | null = null;
  /** Group mode: the committed offset has not been fetched yet (no reset and no fetching until it has). */
  awaitingCommitted: boolean;
  /** The request in flight for this partition (its correlation id; -1: none), and what it asked. */
  inFlight = -1;
  inFlightKind: "fetch" | "reset" | "validate" = "fetch";
  /** Fetch: its offset; validation: the position it validates. */
  inFlightOffset = -1;
  inFlightPosition: FetchPosition | null = null;
  /** Raised by the next poll(): an out-of-range fetch or a truncation with auto.offset.reset=none. */
  raise: { exception: "OffsetOutOfRangeException" | "LogTruncationException"; offset: number; truncation?: LogTruncation } | null = null;

  constructor(topic: string, partition: number, awaitingCommitted: boolean) {
    super(topic, partition);
    this.key = tpKey(topic, partition);
    this.awaitingCommitted = awaitingCommitted;
  }

  /** Forget the partition's request: an answer still on its way is dropped (it no longer matches `inFlight`). */
  abandonRequest(): void {
    this.inFlight = -1;
  }
}

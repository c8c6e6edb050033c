import { UNDEFINED_EPOCH, UNDEFINED_OFFSET } from "../../log/leaderEpochCache.js";

/**
 * Where an assigned partition is (Kafka `SubscriptionState.FetchStates`): INITIALIZING — no position yet (the
 * committed offset, else `auto.offset.reset`); FETCHING — a valid position, fetched from; AWAIT_RESET — a ListOffsets
 * for the reset strategy is due; AWAIT_VALIDATION — a position whose epoch must first be checked against the
 * current leader with OffsetsForLeaderEpoch (KIP-320), not fetched from meanwhile.
 */
export type FetchState = "INITIALIZING" | "FETCHING" | "AWAIT_RESET" | "AWAIT_VALIDATION";

/** `auto.offset.reset`; `none` raises NoOffsetForPartitionException / OffsetOutOfRangeException / LogTruncationException. */
export type OffsetResetStrategy = "earliest" | "latest" | "none";

/** The leader a position was last checked against (Kafka `Metadata.LeaderAndEpoch`); null: unknown. */
export interface LeaderAndEpoch {
  leader: string | null;
  epoch: number | null;
}

/**
 * A position (Kafka `SubscriptionState.FetchPosition`): the next offset to hand out and fetch; `offsetEpoch`, the
 * leader epoch of the record before it (the last batch consumed, or the committed offset's epoch), null when
 * unknown (a reset); and the leader it was last validated against.
 */
export interface FetchPosition {
  offset: number;
  offsetEpoch: number | null;
  currentLeader: LeaderAndEpoch;
}

/** A truncation found by validation with no reset policy to apply (Kafka `SubscriptionState.LogTruncation`). */
export interface LogTruncation {
  /** The position that was validated. */
  offset: number;
  /** The first offset known to diverge and its epoch, or null when the leader knows no end for the position's epoch. */
  divergentOffset: { offset: number; leaderEpoch: number } | null;
}

/** What validation with an OffsetsForLeaderEpoch answer did (SubscriptionState.maybeCompleteValidation). */
export type ValidationOutcome =
  | { kind: "stale" }
  | { kind: "valid" }
  /** Truncation detected; reset policy set: the position moved to the first offset known to diverge. */
  | { kind: "truncated-seek"; offset: number; leaderEpoch: number }
  /** Truncation detected and the leader knows no end for the epoch; reset policy set: reset by it. */
  | { kind: "truncated-reset" }
  /** Truncation detected, auto.offset.reset=none: LogTruncationException. */
  | { kind: "truncated-raise"; truncation: LogTruncation };

export function sameLeader(a: LeaderAndEpoch, b: LeaderAndEpoch): boolean {
  return a.leader === b.leader && a.epoch === b.epoch;
}

/**
 * One assigned partition's fetch state (Kafka `SubscriptionState.TopicPartitionState`), with its transitions: a
 * position set by seekValidated is fetched from at once; one set by seekUnvalidated (a committed offset) is first
 * validated when both its epoch and the leader's are known; so is any position whose leader or leader epoch changes
 * (`maybeValidatePosition`, on every metadata update). A reset (AWAIT_RESET) drops the position until ListOffsets
 * answers; a reset position carries no epoch, so it is not validated.
 */
export class TopicPartitionState {
  fetchState: FetchState = "INITIALIZING";
  position: FetchPosition | null = null;
  resetStrategy: Exclude<OffsetResetStrategy, "none"> | null = null;
  /** µs before which no validation or reset request is sent (SubscriptionState's nextRetryTimeMs). */
  nextRetryTimeUs = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** FETCHING: the position may be fetched from and committed (hasValidPosition). */
  get hasValidPosition(): boolean {
    return this.fetchState === "FETCHING";
  }

  private transitionTo(state: FetchState, position: FetchPosition | null): void {
    this.fetchState = state;
    // FetchStates.requiresPosition: INITIALIZING and AWAIT_RESET hold none.
    this.position = state === "INITIALIZING" || state === "AWAIT_RESET" ? null : position;
    this.nextRetryTimeUs = 0;
  }

  /** A position known good: fetch from it (seekValidated). */
  seekValidated(position: FetchPosition): void {
    this.transitionTo("FETCHING", position);
    this.resetStrategy = null;
  }

  /** A position to check first when it carries an epoch (seekUnvalidated: a committed offset). */
  seekUnvalidated(position: FetchPosition): void {
    this.seekValidated(position);
    this.validatePosition(position);
  }

  /** validatePosition: AWAIT_VALIDATION if both the position's epoch and the leader's are known, else FETCHING. */
  private validatePosition(position: FetchPosition): void {
    this.transitionTo(position.offsetEpoch !== null && position.currentLeader.epoch !== null ? "AWAIT_VALIDATION" : "FETCHING", position);
  }

  /**
   * maybeValidatePosition: the metadata names `current` as the leader; if the position was checked against another
   * leader or epoch, it is validated again. Metadata older than the position's leader epoch is ignored, as Kafka's
   * `Metadata` keeps the newest epoch it has seen for a partition. Returns whether validation is now due.
   */
  maybeValidatePosition(current: LeaderAndEpoch): boolean {
    // SubscriptionState.TopicPartitionState.maybeValidatePosition: awaiting a reset, or no leader known, is false.
    if (this.fetchState === "AWAIT_RESET" || current.leader === null) return false;
    if (this.position === null) return this.fetchState === "AWAIT_VALIDATION";
    const known = this.position.currentLeader.epoch;
    if (known !== null && current.epoch !== null && current.epoch < known) return this.fetchState === "AWAIT_VALIDATION";
    if (!sameLeader(this.position.currentLeader, current)) this.validatePosition({ ...this.position, currentLeader: current });
    return this.fetchState === "AWAIT_VALIDATION";
  }

  /** requestOffsetReset: drop the position; ListOffsets for `strategy` is due. */
  reset(strategy: Exclude<OffsetResetStrategy, "none">): void {
    this.transitionTo("AWAIT_RESET", null);
    this.resetStrategy = strategy;
  }

  /** The state before a position is known (a new assignment, or a rewind to the committed offset). */
  reinitialize(): void {
    this.transitionTo("INITIALIZING", null);
    this.resetStrategy = null;
  }

  /**
   * maybeCompleteValidation: the leader said where the position's epoch ends. An answer for a position that has
   * moved since is stale. No end known (UNDEFINED), or an end below the position, is a truncation: with a reset
   * policy the position moves to the first offset known to diverge (or, with no end known, is reset by the
   * policy); with `none` it is a LogTruncationException and the partition stays awaiting validation. Otherwise the
   * position is valid.
   */
  maybeCompleteValidation(requestPosition: FetchPosition, end: { leaderEpoch: number; endOffset: number }, strategy: OffsetResetStrategy): ValidationOutcome {
    if (this.fetchState !== "AWAIT_VALIDATION" || this.position !== requestPosition) return { kind: "stale" };
    const current = this.position;
    if (end.endOffset === UNDEFINED_OFFSET || end.leaderEpoch === UNDEFINED_EPOCH) {
      if (strategy === "none") return { kind: "truncated-raise", truncation: { offset: current.offset, divergentOffset: null } };
      this.reset(strategy);
      return { kind: "truncated-reset" };
    }
    if (end.endOffset < current.offset) {
      if (strategy === "none") return { kind: "truncated-raise", truncation: { offset: current.offset, divergentOffset: { offset: end.endOffset, leaderEpoch: end.leaderEpoch } } };
      this.seekValidated({ offset: end.endOffset, offsetEpoch: end.leaderEpoch, currentLeader: current.currentLeader });
      return { kind: "truncated-seek", offset: end.endOffset, leaderEpoch: end.leaderEpoch };
    }
    this.transitionTo("FETCHING", current);
    return { kind: "valid" };
  }
}

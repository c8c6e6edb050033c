/**
 * The transaction coordinator's states (Kafka `TransactionMetadata.scala` `TransactionState`; kafka-facts §5.3),
 * and the states each may follow.
 */
export type TransactionState =
  | "Empty"
  | "Ongoing"
  | "PrepareCommit"
  | "PrepareAbort"
  | "CompleteCommit"
  | "CompleteAbort"
  | "Dead"
  | "PrepareEpochFence";

export const TRANSACTION_STATES: readonly TransactionState[] = ["Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort", "Dead", "PrepareEpochFence"];

/** `validPreviousStates` of each state. */
export const VALID_PREVIOUS_STATES: Record<TransactionState, readonly TransactionState[]> = {
  // No transaction yet; AddPartitions / AddOffsets go to Ongoing. Expiration allowed.
  Empty: ["Empty", "CompleteCommit", "CompleteAbort"],
  // EndTxn(commit) → PrepareCommit, EndTxn(abort) → PrepareAbort; AddPartitions / AddOffsets stay Ongoing.
  Ongoing: ["Ongoing", "Empty", "CompleteCommit", "CompleteAbort"],
  // Once every partition acknowledged its marker: CompleteCommit.
  PrepareCommit: ["Ongoing"],
  PrepareAbort: ["Ongoing", "PrepareEpochFence"],
  CompleteCommit: ["PrepareCommit"],
  CompleteAbort: ["PrepareAbort"],
  // The transactional id expired (transactional.id.expiration.ms).
  Dead: ["Empty", "CompleteAbort", "CompleteCommit"],
  // Bumping the epoch to fence an older producer; goes on to PrepareAbort.
  PrepareEpochFence: ["Ongoing"],
};

/**
 * The transactional producer's states (Kafka `TransactionManager.State`; kafka-facts §5.3) and which transitions
 * are legal. FATAL_ERROR is reachable from anywhere (itself included) and terminal. The transactional producer itself lands with the
 * transactions issue; this is the state machine it will run.
 */
export type TransactionManagerState =
  | "UNINITIALIZED"
  | "INITIALIZING"
  | "READY"
  | "IN_TRANSACTION"
  | "COMMITTING_TRANSACTION"
  | "ABORTING_TRANSACTION"
  | "ABORTABLE_ERROR"
  | "FATAL_ERROR";

export const TRANSACTION_MANAGER_STATES: readonly TransactionManagerState[] = ["UNINITIALIZED", "INITIALIZING", "READY", "IN_TRANSACTION", "COMMITTING_TRANSACTION", "ABORTING_TRANSACTION", "ABORTABLE_ERROR", "FATAL_ERROR"];

const FROM: Record<TransactionManagerState, readonly TransactionManagerState[]> = {
  // An idempotent (non-transactional) producer resets its producer id this way (resetIdempotentProducerId).
  UNINITIALIZED: ["READY", "ABORTABLE_ERROR"],
  INITIALIZING: ["UNINITIALIZED", "ABORTING_TRANSACTION"],
  READY: ["INITIALIZING", "COMMITTING_TRANSACTION", "ABORTING_TRANSACTION"],
  IN_TRANSACTION: ["READY"],
  COMMITTING_TRANSACTION: ["IN_TRANSACTION"],
  ABORTING_TRANSACTION: ["IN_TRANSACTION", "ABORTABLE_ERROR"],
  ABORTABLE_ERROR: ["IN_TRANSACTION", "COMMITTING_TRANSACTION", "ABORTABLE_ERROR", "INITIALIZING"],
  FATAL_ERROR: TRANSACTION_MANAGER_STATES,
};

/**
 * `TransactionManager.State.isTransitionValid`: may the producer move from `from` to `to`? FATAL_ERROR may always be
 * entered (again, too); no transition leaves it.
 */
export function isTransitionValid(from: TransactionManagerState, to: TransactionManagerState): boolean {
  return FROM[to].includes(from);
}

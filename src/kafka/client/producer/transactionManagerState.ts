/**
 * The transactional producer's states (Kafka `TransactionManager.State`; kafka-facts §5.3) and which transitions
 * are legal. FATAL_ERROR is reachable from anywhere and terminal. The transactional producer itself lands with the
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
  UNINITIALIZED: [],
  INITIALIZING: ["UNINITIALIZED", "ABORTING_TRANSACTION"],
  READY: ["INITIALIZING", "COMMITTING_TRANSACTION", "ABORTING_TRANSACTION"],
  IN_TRANSACTION: ["READY"],
  COMMITTING_TRANSACTION: ["IN_TRANSACTION"],
  ABORTING_TRANSACTION: ["IN_TRANSACTION", "ABORTABLE_ERROR"],
  ABORTABLE_ERROR: ["IN_TRANSACTION", "COMMITTING_TRANSACTION", "ABORTABLE_ERROR", "INITIALIZING"],
  FATAL_ERROR: TRANSACTION_MANAGER_STATES,
};

/** `State.isTransitionValid`: may the producer move from `from` to `to`? */
export function isTransitionValid(from: TransactionManagerState, to: TransactionManagerState): boolean {
  if (from === "FATAL_ERROR") return false; // terminal
  return FROM[to].includes(from);
}

import { ERRORS, type ErrorName } from "../../protocol/errors.js";

/** The transaction coordinator requests whose answers the producer's TransactionManager handles. */
export type TxnCoordinatorApi = "InitProducerId" | "AddPartitionsToTxn" | "AddOffsetsToTxn" | "EndTxn";

/**
 * What a TxnRequestHandler does with an error answer: `lookup-coordinator` (find the transaction coordinator again,
 * then send again), `retry` (reenqueue: again after retry.backoff.ms), `fatal` (fatalError: the producer can only be
 * closed; `error` is what the application sees) or `abortable` (abortableError: the call fails with `error` and the
 * transaction can only be aborted; `bumpEpoch`: abortableErrorIfPossible, the abort bumps the epoch with
 * InitProducerId instead of sending EndTxn).
 */
export type TxnErrorAction =
  | { kind: "lookup-coordinator" }
  | { kind: "retry" }
  | { kind: "fatal"; error: ErrorName }
  | { kind: "abortable"; error: ErrorName; bumpEpoch: boolean };

const LOOKUP: TxnErrorAction = { kind: "lookup-coordinator" };
const RETRY: TxnErrorAction = { kind: "retry" };
const fatal = (error: ErrorName): TxnErrorAction => ({ kind: "fatal", error });
const abortable = (error: ErrorName, bumpEpoch = false): TxnErrorAction => ({ kind: "abortable", error, bumpEpoch });

/**
 * The error branches of Kafka 4's `TransactionManager` handlers (InitProducerIdHandler, AddPartitionsToTxnHandler,
 * AddOffsetsToTxnHandler, EndTxnHandler `.handleResponse`) for an error other than NONE, in their order:
 * NOT_COORDINATOR and COORDINATOR_NOT_AVAILABLE look the coordinator up again; any other retriable error (a
 * RetriableException: COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS, …) is retried after the back-off;
 * INVALID_PRODUCER_EPOCH and PRODUCER_FENCED are fatal as PRODUCER_FENCED; TRANSACTION_ABORTABLE is abortable;
 * INVALID_TXN_STATE is fatal except for InitProducerId, where like any unexpected error it is fatal too;
 * UNKNOWN_PRODUCER_ID and INVALID_PRODUCER_ID_MAPPING are abortable with an epoch bump (abortableErrorIfPossible: a
 * coordinator from 2.5 on can bump); what is left is fatal, except for AddPartitionsToTxn, where a partition's
 * unexpected error makes the transaction abortable. Authorization errors are not modelled.
 */
export function txnErrorAction(api: TxnCoordinatorApi, error: ErrorName): TxnErrorAction {
  if (error === "NOT_COORDINATOR" || error === "COORDINATOR_NOT_AVAILABLE") return LOOKUP;
  if (ERRORS[error].retriable) return RETRY;
  if (error === "INVALID_PRODUCER_EPOCH" || error === "PRODUCER_FENCED") return fatal("PRODUCER_FENCED");
  if (error === "TRANSACTION_ABORTABLE") return abortable(error);
  if (api === "InitProducerId") return fatal(error);
  if (error === "INVALID_TXN_STATE") return fatal(error);
  if (error === "UNKNOWN_PRODUCER_ID" || error === "INVALID_PRODUCER_ID_MAPPING") return abortable(error, true);
  return api === "AddPartitionsToTxn" ? abortable(error) : fatal(error);
}

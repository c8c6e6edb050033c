import { describe, expect, it } from "vitest";
import { txnErrorAction, type TxnCoordinatorApi } from "../../../src/kafka/client/producer/txnErrorHandling.js";
import type { ErrorName } from "../../../src/kafka/protocol/errors.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/producer/internals/TransactionManagerTest.java:
// what the producer does with each error answer of the transaction coordinator's requests (InitProducerId,
// AddPartitionsToTxn, AddOffsetsToTxn, EndTxn), as its handlers' handleResponse decide it. kafkasim's handlers
// (txnRequestHandlers.ts, sendOffsets.ts) act on `txnErrorAction`, so these are the vectors of the model's code.
// The state transitions (TransactionManager.State.isTransitionValid) are in kafka/transactionManagerState.test.ts.
// Not ported, with why: authorization errors (TRANSACTIONAL_ID_/CLUSTER_/GROUP_/TOPIC_AUTHORIZATION_FAILED: no ACLs
// in kafkasim); TxnOffsetCommit's and FindCoordinator's per-error tests other than the coordinator lookups (their
// handling is SendOffsets.onResponse, covered by kafka/sendOffsets.test.ts); the sequence-number and epoch-bump
// tests of the idempotent producer (kafka/accumulator.test.ts and kafka/idempotence.property.test.ts cover them);
// the retry back-off override for CONCURRENT_TRANSACTIONS (AddPartitionsToTxnHandler.maybeOverrideRetryBackoffMs,
// 20 ms while partitions are already in the transaction): kafkasim retries after retry.backoff.ms.

const APIS: TxnCoordinatorApi[] = ["InitProducerId", "AddPartitionsToTxn", "AddOffsetsToTxn", "EndTxn"];
const action = (api: TxnCoordinatorApi, error: ErrorName) => txnErrorAction(api, error);

describe("TransactionManagerTest: error answers of the transaction coordinator", () => {
  it.each(["REQUEST_TIMED_OUT", "COORDINATOR_LOAD_IN_PROGRESS", "CONCURRENT_TRANSACTIONS", "UNKNOWN_TOPIC_OR_PARTITION"] as ErrorName[])(
    "testRetriableErrors(%s): every request is sent again, to the same coordinator",
    (error) => {
      for (const api of APIS) expect([api, action(api, error)]).toEqual([api, { kind: "retry" }]);
    },
  );

  it("testLookupCoordinatorOnNotCoordinatorError / testCoordinatorNotAvailable: the coordinator is looked up again", () => {
    for (const api of APIS)
      for (const error of ["NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE"] as ErrorName[]) expect([api, error, action(api, error)]).toEqual([api, error, { kind: "lookup-coordinator" }]);
  });

  it("testProducerFencedExceptionIn* / testInvalidProducerEpochConvertToProducerFencedIn*: fatal, as PRODUCER_FENCED", () => {
    for (const api of APIS)
      for (const error of ["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"] as ErrorName[]) expect([api, error, action(api, error)]).toEqual([api, error, { kind: "fatal", error: "PRODUCER_FENCED" }]);
  });

  it("testTransactionAbortableExceptionIn{InitProducerId,AddPartitions,AddOffsetsToTxn,EndTxn}: abortable", () => {
    for (const api of APIS) expect([api, action(api, "TRANSACTION_ABORTABLE")]).toEqual([api, { kind: "abortable", error: "TRANSACTION_ABORTABLE", bumpEpoch: false }]);
  });

  it("testInvalidTxnStateInAddPartitions / testInvalidTxnStateFailureInAddOffsetsToTxn: fatal (EndTxn too)", () => {
    for (const api of ["AddPartitionsToTxn", "AddOffsetsToTxn", "EndTxn"] as TxnCoordinatorApi[]) expect([api, action(api, "INVALID_TXN_STATE")]).toEqual([api, { kind: "fatal", error: "INVALID_TXN_STATE" }]);
  });

  it("testBumpTransactionalEpochOnUnknownProducerIdError: UNKNOWN_PRODUCER_ID / INVALID_PRODUCER_ID_MAPPING are abortable, the abort bumping the epoch", () => {
    for (const api of ["AddPartitionsToTxn", "AddOffsetsToTxn", "EndTxn"] as TxnCoordinatorApi[])
      for (const error of ["UNKNOWN_PRODUCER_ID", "INVALID_PRODUCER_ID_MAPPING"] as ErrorName[])
        expect([api, error, action(api, error)]).toEqual([api, error, { kind: "abortable", error, bumpEpoch: true }]);
  });

  it("unexpected errors: fatal for InitProducerId, AddOffsetsToTxn and EndTxn; a partition's error makes AddPartitionsToTxn abortable", () => {
    // InitProducerIdHandler: "Unexpected error in InitProducerIdResponse"; AddPartitionsToTxnHandler: hasPartitionErrors.
    expect(action("InitProducerId", "INVALID_TXN_STATE")).toEqual({ kind: "fatal", error: "INVALID_TXN_STATE" });
    expect(action("InitProducerId", "UNKNOWN_PRODUCER_ID")).toEqual({ kind: "fatal", error: "UNKNOWN_PRODUCER_ID" });
    expect(action("EndTxn", "INVALID_REQUEST")).toMatchObject({ kind: "fatal" });
    expect(action("AddOffsetsToTxn", "INVALID_REQUEST")).toMatchObject({ kind: "fatal" });
    expect(action("AddPartitionsToTxn", "INVALID_REQUEST")).toEqual({ kind: "abortable", error: "INVALID_REQUEST", bumpEpoch: false });
  });
});

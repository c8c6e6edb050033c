import { describe, expect, it } from "vitest";
import { isTransitionValid, TRANSACTION_MANAGER_STATES, type TransactionManagerState } from "../../src/kafka/client/producer/transactionManagerState.js";

// kafka-facts §5.3, producer side: the transitions TransactionManager allows (Kafka
// TransactionManager.State.isTransitionValid: FATAL_ERROR may always be entered, itself included, and never left).
const VALID: [TransactionManagerState, TransactionManagerState][] = [
  ["INITIALIZING", "READY"],
  ["COMMITTING_TRANSACTION", "READY"],
  ["ABORTING_TRANSACTION", "READY"],
  ["READY", "IN_TRANSACTION"],
  ["IN_TRANSACTION", "COMMITTING_TRANSACTION"],
  ["IN_TRANSACTION", "ABORTABLE_ERROR"],
  ["COMMITTING_TRANSACTION", "ABORTABLE_ERROR"],
  ["ABORTABLE_ERROR", "ABORTABLE_ERROR"],
  ["INITIALIZING", "ABORTABLE_ERROR"],
  ["IN_TRANSACTION", "ABORTING_TRANSACTION"],
  ["ABORTABLE_ERROR", "ABORTING_TRANSACTION"],
  ["UNINITIALIZED", "INITIALIZING"],
  ["ABORTING_TRANSACTION", "INITIALIZING"],
  // resetIdempotentProducerId: an idempotent producer starts over with a new producer id.
  ["READY", "UNINITIALIZED"],
  ["ABORTABLE_ERROR", "UNINITIALIZED"],
];

describe("TransactionManager states", () => {
  for (const from of TRANSACTION_MANAGER_STATES)
    for (const to of TRANSACTION_MANAGER_STATES) {
      const expected = to === "FATAL_ERROR" || (from !== "FATAL_ERROR" && VALID.some(([f, t]) => f === from && t === to));
      it(`${from} -> ${to}: ${expected ? "valid" : "invalid"}`, () => {
        expect(isTransitionValid(from, to)).toBe(expected);
      });
    }
});

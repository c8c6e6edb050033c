import { describe, expect, it } from "vitest";
import { IllegalTransition, TransactionMetadata } from "../../../src/kafka/coordinator/transactionMetadata.js";
import { TRANSACTION_STATES, type TransactionState, VALID_PREVIOUS_STATES } from "../../../src/kafka/coordinator/transactionState.js";

function inState(state: TransactionState): TransactionMetadata {
  const m = new TransactionMetadata("tx", 100, -1, 3, -1, 60000, state, state === "Empty" ? -1 : 1000, 1000);
  if (state === "Ongoing" || state === "PrepareCommit" || state === "PrepareAbort") m.topicPartitions.add("t-0");
  return m;
}

describe("TransactionMetadata transitions (kafka-facts §5.3)", () => {
  // Every (from, to) pair: allowed exactly when `from` is one of `to`'s valid previous states.
  for (const from of TRANSACTION_STATES)
    for (const to of TRANSACTION_STATES) {
      const valid = VALID_PREVIOUS_STATES[to].includes(from);
      it(`${from} -> ${to} is ${valid ? "valid" : "rejected"}`, () => {
        const m = inState(from);
        const attempt = () => m.prepareTransitionTo(to, 100, 3, -1, 60000, [...m.topicPartitions], m.txnStartTimestamp, 2000);
        if (valid) expect(attempt().txnState).toBe(to);
        else expect(attempt).toThrow(IllegalTransition);
      });
    }

  it("only one transition may be pending", () => {
    const m = inState("Ongoing");
    m.prepareAbortOrCommit("PrepareCommit", 2000);
    expect(() => m.prepareAbortOrCommit("PrepareAbort", 2000)).toThrow(/pending/);
  });

  it("a full transaction: init, add partitions, commit, complete", () => {
    const m = TransactionMetadata.create("tx", 100, 60000, 0);
    const init = m.prepareIncrementProducerEpoch(60000, null, 1);
    expect(init.ok).toBe(true);
    if (!init.ok) return;
    m.completeTransitionTo(init.transit);
    expect([m.state, m.producerEpoch, m.lastProducerEpoch]).toEqual(["Empty", 0, -1]);
    m.completeTransitionTo(m.prepareAddPartitions(["t-0", "t-1"], 10));
    expect([m.state, m.txnStartTimestamp, [...m.topicPartitions]]).toEqual(["Ongoing", 10, ["t-0", "t-1"]]);
    m.completeTransitionTo(m.prepareAddPartitions(["t-2"], 20));
    expect(m.txnStartTimestamp).toBe(10); // the clock starts with the first partition
    m.completeTransitionTo(m.prepareAbortOrCommit("PrepareCommit", 30));
    m.completeTransitionTo(m.prepareComplete(40));
    expect([m.state, m.topicPartitions.size]).toEqual(["CompleteCommit", 0]);
  });

  it("transaction version 2 bumps the epoch on every commit or abort (KIP-890 part 2)", () => {
    const m = inState("Ongoing");
    m.completeTransitionTo(m.prepareAbortOrCommit("PrepareAbort", 2000, true));
    expect([m.producerEpoch, m.lastProducerEpoch]).toEqual([4, 3]);
    m.completeTransitionTo(m.prepareComplete(3000));
    expect(m.state).toBe("CompleteAbort");
  });

  it("fencing an ongoing transaction: PrepareEpochFence, then abort at the bumped epoch", () => {
    const m = inState("Ongoing");
    const fence = m.prepareFenceProducerEpoch();
    expect([fence.txnState, fence.producerEpoch]).toEqual(["PrepareEpochFence", 4]);
    m.applyEpochFence(fence);
    m.completeTransitionTo(m.prepareAbortOrCommit("PrepareAbort", 2000));
    m.completeTransitionTo(m.prepareComplete(3000));
    expect([m.state, m.producerEpoch]).toEqual(["CompleteAbort", 4]);
    // A fence whose PrepareAbort write failed (the coordinator marks it: TransactionCoordinator.endTransaction) is
    // not bumped again: the next fence reuses the epoch nobody was given.
    const n = inState("Ongoing");
    n.applyEpochFence(n.prepareFenceProducerEpoch());
    n.prepareAbortOrCommit("PrepareAbort", 2000);
    n.abortPendingTransition();
    n.hasFailedEpochFence = true;
    expect(n.prepareFenceProducerEpoch().producerEpoch).toBe(4);
  });

  it("InitProducerId epochs follow KIP-360: current → bump, last → retry, other → PRODUCER_FENCED", () => {
    const m = inState("CompleteCommit"); // epoch 3, last -1
    const bump = m.prepareIncrementProducerEpoch(60000, 3, 5000);
    expect(bump.ok && [bump.transit.producerEpoch, bump.transit.lastProducerEpoch]).toEqual([4, 3]);
    if (bump.ok) m.completeTransitionTo(bump.transit);
    const retry = m.prepareIncrementProducerEpoch(60000, 3, 6000);
    expect(retry.ok && [retry.transit.producerEpoch, retry.transit.lastProducerEpoch]).toEqual([4, 3]);
    m.abortPendingTransition();
    expect(m.prepareIncrementProducerEpoch(60000, 1, 7000)).toEqual({ ok: false, error: "PRODUCER_FENCED" });
    const fresh = m.prepareIncrementProducerEpoch(60000, null, 8000);
    expect(fresh.ok && [fresh.transit.producerEpoch, fresh.transit.lastProducerEpoch]).toEqual([5, -1]);
  });

  it("an exhausted epoch rotates the producer id; rotation needs no pending transaction", () => {
    const m = inState("CompleteAbort");
    m.producerEpoch = 32766;
    expect(m.isProducerEpochExhausted).toBe(true);
    const t = m.prepareProducerIdRotation(200, 60000, 9000, false);
    m.completeTransitionTo(t);
    expect([m.producerId, m.producerEpoch, m.lastProducerId]).toEqual([200, 0, 100]);
    expect(() => inState("Ongoing").prepareProducerIdRotation(300, 60000, 1, false)).toThrow(IllegalTransition);
  });

  it("completing checks the metadata: a PrepareEpochFence or Dead transition is never completed", () => {
    const m = inState("Ongoing");
    expect(() => m.completeTransitionTo(m.prepareFenceProducerEpoch())).toThrow(IllegalTransition);
    const d = inState("Empty");
    expect(() => d.completeTransitionTo(d.prepareDead())).toThrow(/removal/);
    const e = inState("Empty");
    expect(() => e.completeTransitionTo({ ...e.prepareAddPartitions(["t-0"], 5), txnState: "Empty" })).toThrow(IllegalTransition);
  });
});

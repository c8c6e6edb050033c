import { describe, expect, it } from "vitest";
import { IllegalTransition, NO_PRODUCER_ID, TransactionMetadata, type TxnTransitMetadata } from "../../../src/kafka/coordinator/transactionMetadata.js";
import { TRANSACTION_STATES, type TransactionState, VALID_PREVIOUS_STATES } from "../../../src/kafka/coordinator/transactionState.js";

/**
 * One transactional id's state at the transaction coordinator (Kafka `TransactionMetadata.scala`, kafka-facts §5.3):
 * a transition is prepared (one at a time, only to a state that may follow the current one), written to the
 * transaction log, and completed once the write is replicated, after Kafka's consistency checks. A failed check is an
 * IllegalStateException in Kafka: a coordinator bug, never a client error.
 */

const PID = 100;
const TIMEOUT = 60_000;

/** Metadata of producer 100 at epoch 3 in `state`; a transaction in flight holds t-0 and t-1 and started at 1000. */
function inState(state: TransactionState, opts: { epoch?: number; lastEpoch?: number } = {}): TransactionMetadata {
  const inTxn = state === "Ongoing" || state === "PrepareCommit" || state === "PrepareAbort" || state === "PrepareEpochFence";
  const m = new TransactionMetadata("tx", PID, NO_PRODUCER_ID, opts.epoch ?? 3, opts.lastEpoch ?? -1, TIMEOUT, state, state === "Empty" ? -1 : 1000, 1000);
  if (inTxn) for (const tp of ["t-0", "t-1"]) m.topicPartitions.add(tp);
  return m;
}

/** The metadata's fields a transition may change, for before/after comparisons. */
const fields = (m: TransactionMetadata) => ({
  state: m.state,
  pendingState: m.pendingState,
  producerId: m.producerId,
  lastProducerId: m.lastProducerId,
  producerEpoch: m.producerEpoch,
  lastProducerEpoch: m.lastProducerEpoch,
  txnTimeoutMs: m.txnTimeoutMs,
  topicPartitions: [...m.topicPartitions],
  txnStartTimestamp: m.txnStartTimestamp,
  txnLastUpdateTimestamp: m.txnLastUpdateTimestamp,
});

describe("TransactionState: which state may follow which (TransactionState.validPreviousStates)", () => {
  // Kafka's table, written out here rather than read from the model, so a change to the model's table shows.
  const KAFKA: Record<TransactionState, TransactionState[]> = {
    Empty: ["Empty", "CompleteCommit", "CompleteAbort"],
    Ongoing: ["Ongoing", "Empty", "CompleteCommit", "CompleteAbort"],
    PrepareCommit: ["Ongoing"],
    PrepareAbort: ["Ongoing", "PrepareEpochFence"],
    CompleteCommit: ["PrepareCommit"],
    CompleteAbort: ["PrepareAbort"],
    Dead: ["Empty", "CompleteAbort", "CompleteCommit"],
    PrepareEpochFence: ["Ongoing"],
  };

  it("has Kafka's eight states and Kafka's table", () => {
    expect([...TRANSACTION_STATES].sort()).toEqual(Object.keys(KAFKA).sort());
    for (const s of TRANSACTION_STATES) expect([...VALID_PREVIOUS_STATES[s]].sort(), s).toEqual([...KAFKA[s]].sort());
  });

  // Every (from, to) pair: preparing the transition is allowed exactly when Kafka's table allows it.
  for (const from of Object.keys(KAFKA) as TransactionState[])
    for (const to of Object.keys(KAFKA) as TransactionState[]) {
      const valid = KAFKA[to].includes(from);
      it(`${from} -> ${to} is ${valid ? "valid" : "rejected"}`, () => {
        const m = inState(from);
        const attempt = () => m.prepareTransitionTo(to, PID, 3, -1, TIMEOUT, [...m.topicPartitions], m.txnStartTimestamp, 2000);
        if (valid) expect(attempt().txnState).toBe(to);
        else expect(attempt).toThrow(new IllegalTransition(`${to} cannot follow ${from}`));
      });
    }
});

describe("TransactionMetadata basics", () => {
  it("a new transactional id starts Empty, with no epoch, no previous producer id and no transaction start", () => {
    // TransactionCoordinator.handleInitProducerId creates it with RecordBatch.NO_PRODUCER_EPOCH and txnStartTimestamp -1.
    const m = TransactionMetadata.create("tx", 7, 30_000, 500);
    expect(fields(m)).toEqual({
      state: "Empty",
      pendingState: null,
      producerId: 7,
      lastProducerId: -1,
      producerEpoch: -1,
      lastProducerEpoch: -1,
      txnTimeoutMs: 30_000,
      topicPartitions: [],
      txnStartTimestamp: -1,
      txnLastUpdateTimestamp: 500,
    });
    expect(NO_PRODUCER_ID).toBe(-1);
  });

  it("epochs are exhausted at Short.MaxValue - 1, so the coordinator can always fence with one more", () => {
    // TransactionMetadata.isEpochExhausted: producerEpoch >= Short.MaxValue - 1.
    expect(inState("Empty", { epoch: 32765 }).isProducerEpochExhausted).toBe(false);
    expect(inState("Empty", { epoch: 32766 }).isProducerEpochExhausted).toBe(true);
    expect(inState("Empty", { epoch: 32767 }).isProducerEpochExhausted).toBe(true);
  });

  it("a transaction is pending in Ongoing, PrepareCommit and PrepareAbort only", () => {
    // hasPendingTransaction: a producer id may not be rotated under a transaction still in flight.
    const pending = TRANSACTION_STATES.filter((s) => inState(s).hasPendingTransaction);
    expect(pending.sort()).toEqual(["Ongoing", "PrepareAbort", "PrepareCommit"]);
  });

  it("only one transition may be pending at a time", () => {
    const m = inState("Ongoing");
    m.prepareAbortOrCommit("PrepareCommit", 2000);
    expect(() => m.prepareAbortOrCommit("PrepareAbort", 2000)).toThrow(new IllegalTransition("transition to PrepareAbort while PrepareCommit is pending"));
  });

  it("a prepared transition needs a producer id and, unless the id is expiring, an epoch", () => {
    // prepareTransitionTo: "Illegal new producer id" / "Illegal new producer epoch". Producer id 0 is a real id; an
    // id that never got an epoch may still go Dead (transactional.id.expiration.ms).
    expect(() => inState("Empty").prepareTransitionTo("Empty", -1, 0, -1, TIMEOUT, [], -1, 1)).toThrow(new IllegalTransition("illegal producer id -1"));
    expect(inState("Empty").prepareTransitionTo("Empty", 0, 0, -1, TIMEOUT, [], -1, 1).producerId).toBe(0);
    expect(() => inState("Empty").prepareTransitionTo("Empty", PID, -1, -1, TIMEOUT, [], -1, 1)).toThrow(new IllegalTransition("illegal producer epoch -1"));
    expect(inState("Empty").prepareTransitionTo("Dead", PID, -1, -1, TIMEOUT, [], -1, 1).txnState).toBe("Dead");
  });

  it("a transit carries the new values and the producer id it replaces", () => {
    const m = inState("Empty");
    expect(m.prepareTransitionTo("Ongoing", 200, 4, 3, 9000, ["a-0"], 50, 60)).toEqual({
      producerId: 200,
      lastProducerId: PID,
      producerEpoch: 4,
      lastProducerEpoch: 3,
      txnTimeoutMs: 9000,
      txnState: "Ongoing",
      topicPartitions: ["a-0"],
      txnStartTimestamp: 50,
      txnLastUpdateTimestamp: 60,
    });
  });

  it("a failed log write drops the pending transition and leaves the state as it was", () => {
    // TransactionStateManager.appendTransactionToLog's error path: pendingState = None.
    const m = inState("Ongoing");
    const before = fields(m);
    m.prepareAbortOrCommit("PrepareCommit", 2000);
    m.abortPendingTransition();
    expect(fields(m)).toEqual(before);
    expect(m.hasFailedEpochFence).toBe(false);
    expect(m.prepareAbortOrCommit("PrepareAbort", 2001).txnState).toBe("PrepareAbort");
  });
});

describe("InitProducerId: bumping the epoch (prepareIncrementProducerEpoch, KIP-360)", () => {
  it("a new producer (no expected epoch) gets the next epoch and the last epoch is forgotten", () => {
    const m = inState("CompleteCommit", { epoch: 3, lastEpoch: 2 });
    const bump = m.prepareIncrementProducerEpoch(45_000, null, 5000);
    expect(bump).toEqual({
      ok: true,
      transit: { producerId: PID, lastProducerId: PID, producerEpoch: 4, lastProducerEpoch: -1, txnTimeoutMs: 45_000, txnState: "Empty", topicPartitions: [], txnStartTimestamp: -1, txnLastUpdateTimestamp: 5000 },
    });
  });

  it("a producer that gives its current epoch (recovering after an error) gets the next one and the last is remembered", () => {
    const m = inState("CompleteCommit", { epoch: 3 });
    const bump = m.prepareIncrementProducerEpoch(TIMEOUT, 3, 5000);
    expect(bump.ok && [bump.transit.producerEpoch, bump.transit.lastProducerEpoch]).toEqual([4, 3]);
  });

  it("an id with no epoch yet takes any expected epoch as a first InitProducerId", () => {
    // "The no current epoch case means this is a new producer; producerEpoch will be -1 and bumpedEpoch will be 0".
    const m = TransactionMetadata.create("tx", PID, TIMEOUT, 0);
    const bump = m.prepareIncrementProducerEpoch(TIMEOUT, 5, 10);
    expect(bump.ok && [bump.transit.producerEpoch, bump.transit.lastProducerEpoch]).toEqual([0, -1]);
  });

  it("a retry of a bump that succeeded (it gives the last epoch) gets the current epoch again, not another bump", () => {
    // "it is a retry of a successful call, so just return the current epoch without bumping".
    const m = inState("CompleteCommit", { epoch: 3 });
    const bump = m.prepareIncrementProducerEpoch(TIMEOUT, 3, 5000);
    if (bump.ok) m.completeTransitionTo(bump.transit);
    const retry = m.prepareIncrementProducerEpoch(TIMEOUT, 3, 6000);
    expect(retry.ok && [retry.transit.producerEpoch, retry.transit.lastProducerEpoch]).toEqual([4, 3]);
  });

  it("any other expected epoch is a fenced producer: PRODUCER_FENCED, and nothing is prepared", () => {
    const m = inState("CompleteCommit", { epoch: 4, lastEpoch: 3 });
    expect(m.prepareIncrementProducerEpoch(TIMEOUT, 1, 7000)).toEqual({ ok: false, error: "PRODUCER_FENCED" });
    expect(m.prepareIncrementProducerEpoch(TIMEOUT, 5, 7000)).toEqual({ ok: false, error: "PRODUCER_FENCED" });
    expect(m.pendingState).toBeNull();
  });

  it("refuses to bump an exhausted epoch: the producer id must be rotated instead", () => {
    const m = inState("CompleteAbort", { epoch: 32766 });
    expect(() => m.prepareIncrementProducerEpoch(TIMEOUT, null, 1)).toThrow(new IllegalTransition(`no more epochs for producer id ${PID}`));
  });
});

describe("InitProducerId: rotating the producer id (prepareProducerIdRotation)", () => {
  it("an exhausted epoch moves to a new producer id at epoch 0, remembering the old epoch only when asked", () => {
    // recordLastEpoch: the producer gave its id and epoch (KIP-360), so a retry can be recognised.
    const m = inState("CompleteAbort", { epoch: 32766 });
    const t = m.prepareProducerIdRotation(200, 50_000, 9000, true);
    expect(t).toEqual({ producerId: 200, lastProducerId: PID, producerEpoch: 0, lastProducerEpoch: 32766, txnTimeoutMs: 50_000, txnState: "Empty", topicPartitions: [], txnStartTimestamp: -1, txnLastUpdateTimestamp: 9000 });
    m.completeTransitionTo(t);
    expect([m.producerId, m.producerEpoch, m.lastProducerId, m.lastProducerEpoch, m.txnTimeoutMs]).toEqual([200, 0, PID, 32766, 50_000]);
    expect(inState("CompleteAbort", { epoch: 32766 }).prepareProducerIdRotation(200, TIMEOUT, 1, false).lastProducerEpoch).toBe(-1);
  });

  it("is refused while a transaction is pending", () => {
    for (const s of ["Ongoing", "PrepareCommit", "PrepareAbort"] as const)
      expect(() => inState(s).prepareProducerIdRotation(300, TIMEOUT, 1, false), s).toThrow(new IllegalTransition("cannot rotate producer ids while a transaction is pending"));
    expect(inState("Empty").prepareProducerIdRotation(300, TIMEOUT, 1, false).producerId).toBe(300);
  });
});

describe("a transaction's life: AddPartitions, EndTxn, markers", () => {
  it("init, add partitions, commit, complete", () => {
    const m = TransactionMetadata.create("tx", PID, TIMEOUT, 0);
    const init = m.prepareIncrementProducerEpoch(TIMEOUT, null, 1);
    if (!init.ok) throw new Error("init refused");
    m.completeTransitionTo(init.transit);
    expect([m.state, m.producerEpoch, m.lastProducerEpoch, m.txnLastUpdateTimestamp]).toEqual(["Empty", 0, -1, 1]);
    m.completeTransitionTo(m.prepareAddPartitions(["t-0", "t-1"], 10));
    expect([m.state, m.txnStartTimestamp, [...m.topicPartitions]]).toEqual(["Ongoing", 10, ["t-0", "t-1"]]);
    m.completeTransitionTo(m.prepareAbortOrCommit("PrepareCommit", 30));
    expect([m.state, m.txnLastUpdateTimestamp, m.pendingState]).toEqual(["PrepareCommit", 30, null]);
    m.completeTransitionTo(m.prepareComplete(40));
    expect([m.state, m.topicPartitions.size, m.txnStartTimestamp, m.txnLastUpdateTimestamp]).toEqual(["CompleteCommit", 0, 10, 40]);
  });

  it("the transaction's clock starts with its first partition, from Empty or a completed transaction", () => {
    // prepareAddPartitions: "case Empty | CompleteAbort | CompleteCommit => updateTimestamp".
    for (const s of ["Empty", "CompleteCommit", "CompleteAbort"] as const) expect(inState(s).prepareAddPartitions(["t-9"], 5000).txnStartTimestamp, s).toBe(5000);
    expect(inState("Ongoing").prepareAddPartitions(["t-9"], 5000).txnStartTimestamp).toBe(1000);
  });

  it("adding partitions keeps those already in the transaction, once each, and keeps the epochs", () => {
    const m = inState("Ongoing", { epoch: 3, lastEpoch: 2 });
    const t = m.prepareAddPartitions(["t-1", "t-2"], 3000);
    expect(t).toMatchObject({ txnState: "Ongoing", topicPartitions: ["t-0", "t-1", "t-2"], producerEpoch: 3, lastProducerEpoch: 2, txnLastUpdateTimestamp: 3000 });
    m.completeTransitionTo(t);
    expect([...m.topicPartitions]).toEqual(["t-0", "t-1", "t-2"]);
  });

  it("EndTxn keeps the partitions, the start and the epochs (transaction version 0/1)", () => {
    const m = inState("Ongoing", { epoch: 3, lastEpoch: 2 });
    expect(m.prepareAbortOrCommit("PrepareAbort", 2000)).toMatchObject({ txnState: "PrepareAbort", producerEpoch: 3, lastProducerEpoch: 2, topicPartitions: ["t-0", "t-1"], txnStartTimestamp: 1000, txnLastUpdateTimestamp: 2000 });
  });

  it("transaction version 2 bumps the epoch on every commit or abort (KIP-890 part 2)", () => {
    // prepareAbortOrCommit: "if (clientTransactionVersion.supportsEpochBump()) ((producerEpoch + 1), producerEpoch)".
    const m = inState("Ongoing");
    m.completeTransitionTo(m.prepareAbortOrCommit("PrepareAbort", 2000, true));
    expect([m.producerEpoch, m.lastProducerEpoch]).toEqual([4, 3]);
    m.completeTransitionTo(m.prepareComplete(3000));
    expect(m.state).toBe("CompleteAbort");
  });

  it("the markers' completion is CompleteCommit after PrepareCommit and CompleteAbort after PrepareAbort, with no partitions left", () => {
    const c = inState("PrepareCommit");
    expect(c.prepareComplete(3000)).toMatchObject({ txnState: "CompleteCommit", topicPartitions: [], txnStartTimestamp: 1000, txnLastUpdateTimestamp: 3000 });
    const a = inState("PrepareAbort");
    expect(a.prepareComplete(3000)).toMatchObject({ txnState: "CompleteAbort", topicPartitions: [] });
  });

  it("an expiring id goes Dead with no partitions and its timestamps as they were", () => {
    const m = inState("CompleteCommit");
    expect(m.prepareDead()).toEqual({ producerId: PID, lastProducerId: PID, producerEpoch: 3, lastProducerEpoch: -1, txnTimeoutMs: TIMEOUT, txnState: "Dead", topicPartitions: [], txnStartTimestamp: 1000, txnLastUpdateTimestamp: 1000 });
  });
});

describe("fencing an ongoing transaction (prepareFenceProducerEpoch / TransactionCoordinator's timeout abort)", () => {
  it("PrepareEpochFence bumps the epoch, forgets the last one, keeps the transaction; then the abort goes on at that epoch", () => {
    const m = inState("Ongoing", { epoch: 3, lastEpoch: 2 });
    const fence = m.prepareFenceProducerEpoch();
    expect(fence).toEqual({ producerId: PID, lastProducerId: PID, producerEpoch: 4, lastProducerEpoch: -1, txnTimeoutMs: TIMEOUT, txnState: "PrepareEpochFence", topicPartitions: ["t-0", "t-1"], txnStartTimestamp: 1000, txnLastUpdateTimestamp: 1000 });
    m.applyEpochFence(fence);
    expect([m.pendingState, m.producerEpoch, m.lastProducerEpoch, m.state]).toEqual([null, 4, -1, "Ongoing"]);
    m.completeTransitionTo(m.prepareAbortOrCommit("PrepareAbort", 2000));
    m.completeTransitionTo(m.prepareComplete(3000));
    expect([m.state, m.producerEpoch]).toEqual(["CompleteAbort", 4]);
  });

  it("a fence whose log write failed is not bumped again, until a transaction completes", () => {
    // TransactionCoordinator.endTransaction: the fence's bumped epoch is applied in memory and the PrepareAbort at that
    // epoch is written; if that write fails, the coordinator (not abortPendingTransition, which cannot tell a fence's
    // write from another) marks hasFailedEpochFence: "we never return the epoch to client if we fail to fence the
    // epoch", so the next fence reuses it. prepareComplete clears the mark, since the write that followed succeeded.
    const m = inState("Ongoing");
    m.applyEpochFence(m.prepareFenceProducerEpoch());
    expect(m.producerEpoch).toBe(4);
    m.prepareAbortOrCommit("PrepareAbort", 2000);
    m.abortPendingTransition();
    expect(m.hasFailedEpochFence).toBe(false);
    m.hasFailedEpochFence = true;
    const again = m.prepareFenceProducerEpoch();
    expect(again.producerEpoch).toBe(4);
    m.applyEpochFence(again);
    m.completeTransitionTo(m.prepareAbortOrCommit("PrepareAbort", 3000));
    m.prepareComplete(4000);
    expect(m.hasFailedEpochFence).toBe(false);
  });

  it("cannot fence at Short.MaxValue (the bump would overflow)", () => {
    expect(() => inState("Ongoing", { epoch: 32767 }).prepareFenceProducerEpoch()).toThrow(new IllegalTransition("cannot fence a producer at epoch Short.MaxValue"));
    expect(inState("Ongoing", { epoch: 32766 }).prepareFenceProducerEpoch().producerEpoch).toBe(32767);
  });

  it("applying a fence needs a pending fence and a fence transit", () => {
    const noFence = inState("Ongoing");
    const commit = noFence.prepareAbortOrCommit("PrepareCommit", 2000);
    expect(() => noFence.applyEpochFence({ ...commit, txnState: "PrepareEpochFence" })).toThrow(new IllegalTransition("no epoch fence pending"));
    const fenced = inState("Ongoing");
    const fence = fenced.prepareFenceProducerEpoch();
    expect(() => fenced.applyEpochFence({ ...fence, txnState: "PrepareAbort" })).toThrow(new IllegalTransition("no epoch fence pending"));
  });
});

describe("completeTransitionTo: Kafka's consistency checks", () => {
  /** Expects `complete(transit)` to be refused with Kafka's "unexpected metadata" and to change nothing. */
  function refused(m: TransactionMetadata, t: TxnTransitMetadata) {
    const before = fields(m);
    expect(() => m.completeTransitionTo(t)).toThrow(new IllegalTransition(`tx: unexpected metadata for ${t.txnState}`));
    expect(fields(m)).toEqual(before);
  }

  it("needs a prepared transition, and the one that was prepared", () => {
    const m = inState("Ongoing");
    const t = m.prepareAbortOrCommit("PrepareCommit", 2000);
    m.abortPendingTransition();
    expect(() => m.completeTransitionTo(t)).toThrow(new IllegalTransition("completing a transition that was not prepared"));
    m.prepareAbortOrCommit("PrepareCommit", 2000);
    expect(() => m.completeTransitionTo({ ...t, txnState: "PrepareAbort" })).toThrow(new IllegalTransition("pending PrepareCommit but completing PrepareAbort"));
  });

  describe("to Empty (InitProducerId)", () => {
    const bumpOf = (m: TransactionMetadata) => {
      const b = m.prepareIncrementProducerEpoch(45_000, 3, 5000);
      if (!b.ok) throw new Error("bump refused");
      return b.transit;
    };

    it("takes the same epoch, the next one, or epoch 0 of a new producer id; and applies the new id, epochs and timeout", () => {
      const m = inState("CompleteCommit");
      m.completeTransitionTo(bumpOf(m));
      expect([m.state, m.producerEpoch, m.lastProducerEpoch, m.txnTimeoutMs, m.txnLastUpdateTimestamp]).toEqual(["Empty", 4, 3, 45_000, 5000]);
      const same = inState("CompleteCommit");
      same.completeTransitionTo(same.prepareTransitionTo("Empty", PID, 3, -1, TIMEOUT, [], -1, 6000));
      expect(same.producerEpoch).toBe(3);
      const rotated = inState("CompleteCommit");
      rotated.completeTransitionTo(rotated.prepareProducerIdRotation(200, TIMEOUT, 7000, false));
      expect([rotated.producerId, rotated.producerEpoch, rotated.lastProducerId]).toEqual([200, 0, PID]);
    });

    it("refuses an epoch that skips ahead, epoch 0 for the same producer id, or a new producer id not at epoch 0", () => {
      const skip = inState("CompleteCommit");
      refused(skip, { ...bumpOf(skip), producerEpoch: 5 });
      const zeroSameId = inState("CompleteCommit", { epoch: 5 });
      refused(zeroSameId, zeroSameId.prepareTransitionTo("Empty", PID, 0, -1, TIMEOUT, [], -1, 1));
      const newIdNotZero = inState("CompleteCommit", { epoch: 5 });
      refused(newIdNotZero, newIdNotZero.prepareTransitionTo("Empty", 200, 3, -1, TIMEOUT, [], -1, 1));
    });

    it("refuses partitions or a transaction start", () => {
      const parts = inState("CompleteCommit");
      refused(parts, { ...bumpOf(parts), topicPartitions: ["t-0"] });
      const start = inState("CompleteCommit");
      refused(start, { ...bumpOf(start), txnStartTimestamp: 10 });
    });
  });

  describe("to Ongoing (AddPartitionsToTxn)", () => {
    it("applies the start and adds the partitions", () => {
      const m = inState("Empty");
      m.completeTransitionTo(m.prepareAddPartitions(["t-5"], 5000));
      expect([m.state, m.txnStartTimestamp, [...m.topicPartitions], m.txnLastUpdateTimestamp]).toEqual(["Ongoing", 5000, ["t-5"], 5000]);
    });

    it("refuses another epoch or producer id, a partition set that lost one, or another timeout", () => {
      const epoch = inState("Ongoing");
      refused(epoch, { ...epoch.prepareAddPartitions(["t-2"], 2000), producerEpoch: 4 });
      const id = inState("Ongoing");
      refused(id, { ...id.prepareAddPartitions(["t-2"], 2000), producerId: 200 });
      const lost = inState("Ongoing");
      refused(lost, { ...lost.prepareAddPartitions(["t-2"], 2000), topicPartitions: ["t-0", "t-2"] });
      const timeout = inState("Ongoing");
      refused(timeout, { ...timeout.prepareAddPartitions(["t-2"], 2000), txnTimeoutMs: 1 });
    });
  });

  describe("to PrepareCommit / PrepareAbort (EndTxn)", () => {
    it("accepts the same epoch, or one bump of the same producer id (TV2)", () => {
      const same = inState("Ongoing");
      same.completeTransitionTo(same.prepareAbortOrCommit("PrepareCommit", 2000));
      expect([same.state, same.producerEpoch]).toEqual(["PrepareCommit", 3]);
      const bumped = inState("Ongoing");
      bumped.completeTransitionTo(bumped.prepareAbortOrCommit("PrepareAbort", 2000, true));
      expect([bumped.state, bumped.producerEpoch, bumped.lastProducerEpoch]).toEqual(["PrepareAbort", 4, 3]);
    });

    it("refuses two bumps, or a bump to epoch 0 under another producer id", () => {
      const two = inState("Ongoing");
      refused(two, { ...two.prepareAbortOrCommit("PrepareCommit", 2000), producerEpoch: 5 });
      const otherId = inState("Ongoing");
      refused(otherId, { ...otherId.prepareAbortOrCommit("PrepareCommit", 2000), producerId: 200, producerEpoch: 0 });
      const otherIdBump = inState("Ongoing");
      refused(otherIdBump, { ...otherIdBump.prepareAbortOrCommit("PrepareCommit", 2000), producerId: 200, producerEpoch: 4 });
    });

    it("refuses any other partition set: one fewer, one more, or one swapped", () => {
      for (const topicPartitions of [["t-0"], ["t-0", "t-1", "t-2"], ["t-0", "t-9"]]) {
        const m = inState("Ongoing");
        refused(m, { ...m.prepareAbortOrCommit("PrepareAbort", 2000), topicPartitions });
      }
    });

    it("refuses another timeout or another transaction start", () => {
      const timeout = inState("Ongoing");
      refused(timeout, { ...timeout.prepareAbortOrCommit("PrepareAbort", 2000), txnTimeoutMs: 1 });
      const start = inState("Ongoing");
      refused(start, { ...start.prepareAbortOrCommit("PrepareAbort", 2000), txnStartTimestamp: 999 });
    });
  });

  describe("to CompleteCommit / CompleteAbort (the markers are written)", () => {
    it("applies the start and clears the partitions", () => {
      const m = inState("PrepareAbort");
      m.completeTransitionTo({ ...m.prepareComplete(3000), txnStartTimestamp: 1500 });
      expect([m.state, m.txnStartTimestamp, m.topicPartitions.size]).toEqual(["CompleteAbort", 1500, 0]);
    });

    it("refuses another epoch or producer id, another timeout, or no transaction start", () => {
      const epoch = inState("PrepareCommit");
      refused(epoch, { ...epoch.prepareComplete(3000), producerEpoch: 4 });
      const id = inState("PrepareCommit");
      refused(id, { ...id.prepareComplete(3000), producerId: 200 });
      const timeout = inState("PrepareCommit");
      refused(timeout, { ...timeout.prepareComplete(3000), txnTimeoutMs: 1 });
      const noStart = inState("PrepareCommit");
      refused(noStart, { ...noStart.prepareComplete(3000), txnStartTimestamp: -1 });
    });
  });

  it("never completes a PrepareEpochFence (it goes on to PrepareAbort) or a Dead (it ends in removal)", () => {
    const m = inState("Ongoing");
    refused(m, m.prepareFenceProducerEpoch());
    const d = inState("Empty");
    expect(() => d.completeTransitionTo(d.prepareDead())).toThrow(new IllegalTransition("tx: a Dead transition ends in removal, not in the log"));
    expect(d.state).toBe("Empty");
  });
});

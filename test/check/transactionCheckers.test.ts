import { describe, expect, it } from "vitest";
import { abortedRead, atomicity, hangingTransaction, transactionalOffsets, uncommittedRead, zombieFenced, zombieWrite } from "../../src/check/transactionCheckers.js";
import { History } from "../../src/workload/history.js";
import { replica } from "../support/history.js";

/** A small story of transactional instances and a read_committed reader. */
class TxnStory {
  readonly history = new History();

  init(process: string, at: number, instance = `${process}-1`): this {
    this.history.event(at * 1e6, process, "init", { app: "pay", instance, transactionalId: "tx", producerId: 1, producerEpoch: 0 });
    return this;
  }

  txn(process: string, txn: string, values: string[], opts: { at: number; end: number; commit: boolean; commitAt?: number; instance?: string; error?: string; offset?: number; unknown?: boolean }): this {
    const offsets = opts.offset !== undefined ? { offsets: { group: "g", topic: "in", partition: 0, offset: opts.offset } } : {};
    const inv = this.history.invoke(opts.at * 1e6, process, "txn", { app: "pay", transactionalId: "tx", txn, ...offsets });
    for (const v of values) {
      const s = this.history.invoke(opts.at * 1e6, process, "send", { topic: "t", partition: null, key: null, value: v, txn });
      this.history.complete(opts.at * 1e6 + 1000, s, "ok", { topic: "t", partition: 0, key: null, value: v, offset: 0, txn });
    }
    const value = {
      app: "pay",
      instance: opts.instance ?? `${process}-1`,
      transactionalId: "tx",
      txn,
      values,
      producerId: 1,
      producerEpoch: 0,
      commitRequestedUs: opts.commit ? (opts.commitAt ?? opts.end) * 1e6 : null,
      ...offsets,
    };
    const type = opts.unknown ? "info" : opts.commit ? "ok" : "fail";
    this.history.complete(opts.end * 1e6, inv, type, value, opts.commit ? undefined : (opts.error ?? "TRANSACTION_ABORTED"));
    return this;
  }

  poll(process: string, at: number, recs: [number, string][], isolation = "read_committed"): this {
    const inv = this.history.invoke(at * 1e6, process, "poll", { isolation });
    this.history.complete(at * 1e6, inv, "ok", { "t-0": recs });
    return this;
  }
}

describe("abortedRead (G1a)", () => {
  it("fires when a read_committed reader returns a record of an aborted transaction", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a", "b"], { at: 2, end: 3, commit: false }).poll("r", 4, [[0, "a"]]);
    expect(abortedRead.run({ history: s.history, logs: [] }, null)).toHaveLength(1);
  });

  it("stays quiet for committed records, and for read_uncommitted readers", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a"], { at: 2, end: 3, commit: false }).txn("app", "y", ["b"], { at: 4, end: 5, commit: true }).poll("r", 6, [[1, "b"]]).poll("u", 6, [[0, "a"]], "read_uncommitted");
    expect(abortedRead.run({ history: s.history, logs: [] }, null)).toEqual([]);
  });
});

describe("uncommittedRead", () => {
  it("fires when a read_committed reader sees a record before its commit was even requested", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a"], { at: 2, end: 5, commit: true, commitAt: 4 }).poll("r", 3, [[0, "a"]]);
    expect(uncommittedRead.run({ history: s.history, logs: [] }, null)).toHaveLength(1);
  });

  it("stays quiet when the read follows the commit request", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a"], { at: 2, end: 5, commit: true, commitAt: 4 }).poll("r", 4.5, [[0, "a"]]);
    expect(uncommittedRead.run({ history: s.history, logs: [] }, null)).toEqual([]);
  });
});

describe("atomicity", () => {
  it("fires when a committed transaction is only partly in the committed log", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a", "b"], { at: 2, end: 3, commit: true });
    expect(atomicity.run({ history: s.history, logs: [replica("broker-1", ["a"], { leader: true })] }, null)).toHaveLength(1);
  });

  it("stays quiet when all (or none) of it is visible", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a", "b"], { at: 2, end: 3, commit: true }).txn("app", "y", ["c"], { at: 4, end: 5, commit: true });
    expect(atomicity.run({ history: s.history, logs: [replica("broker-1", ["a", "b"], { leader: true })] }, null)).toEqual([]);
  });

  it("stays quiet when the rest is still in the leader's log above a stuck high watermark", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a", "b"], { at: 2, end: 3, commit: true });
    expect(atomicity.run({ history: s.history, logs: [replica("broker-1", ["a", "b"], { leader: true, hw: 1 })] }, null)).toEqual([]);
  });
});

describe("zombieWrite and zombieFenced", () => {
  it("zombieWrite fires when an instance commits after its replacement initialised", () => {
    const s = new TxnStory().init("app-1", 1).init("app-2", 20).txn("app-1", "late", ["z"], { at: 9, end: 41, commit: true });
    expect(zombieWrite.run({ history: s.history, logs: [] }, null)).toHaveLength(1);
  });

  it("zombieWrite stays quiet when the old instance's commits all precede the replacement, and for a restarted instance", () => {
    const s = new TxnStory()
      .init("app-1", 1)
      .txn("app-1", "early", ["a"], { at: 2, end: 3, commit: true })
      .init("app-2", 20)
      .init("app-1", 30, "app-1-2")
      .txn("app-1", "after-restart", ["b"], { at: 31, end: 32, commit: true, instance: "app-1-2" });
    expect(zombieWrite.run({ history: s.history, logs: [] }, null)).toEqual([]);
  });

  it("zombieFenced fires when the named instance never saw a fencing error, and stays quiet when it did", () => {
    const quiet = new TxnStory().init("app-1", 1).txn("app-1", "x", ["a"], { at: 40, end: 41, commit: false, error: "PRODUCER_FENCED" });
    expect(zombieFenced.run({ history: quiet.history, logs: [] }, "app-1")).toEqual([]);
    const fires = new TxnStory().init("app-1", 1).txn("app-1", "x", ["a"], { at: 40, end: 41, commit: true });
    expect(zombieFenced.run({ history: fires.history, logs: [] }, "app-1")).toHaveLength(1);
  });
});

describe("hangingTransaction", () => {
  const story = () => new TxnStory().init("app", 1).txn("app", "x", ["a"], { at: 2, end: 3, commit: false }).poll("r", 100, []);

  it("fires when a transaction open since long ago holds the LSO at the end", () => {
    const log = { ...replica("broker-1", ["a", "b"], { leader: true }), openTransactions: [{ producerId: 1, firstOffset: 0 }] };
    expect(hangingTransaction.run({ history: story().history, logs: [log] }, 30_000)).toHaveLength(1);
  });

  it("stays quiet without open transactions, or when the open one is recent", () => {
    expect(hangingTransaction.run({ history: story().history, logs: [replica("broker-1", ["a"], { leader: true })] }, 30_000)).toEqual([]);
    const log = { ...replica("broker-1", ["a"], { leader: true }), openTransactions: [{ producerId: 1, firstOffset: 0 }] };
    expect(hangingTransaction.run({ history: story().history, logs: [log] }, 200_000)).toEqual([]);
  });
});

describe("transactionalOffsets", () => {
  const at = (offset: number, atLogEnd = offset) => ({ group: "g", topic: "in", partition: 0, offset, atLogEnd });
  const story = () => new TxnStory().init("app", 1).txn("app", "a", ["x"], { at: 2, end: 3, commit: true, offset: 1 }).txn("app", "b", ["y"], { at: 4, end: 5, commit: false, offset: 2 });

  it("fires when the group's committed offset is an aborted transaction's", () => {
    const found = transactionalOffsets.run({ history: story().history, logs: [], groupOffsets: [at(2)] }, null);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain("aborted");
  });

  it("stays quiet when it is the last committed transaction's", () => {
    expect(transactionalOffsets.run({ history: story().history, logs: [], groupOffsets: [at(1)] }, null)).toEqual([]);
  });

  it("stays quiet when it is a later transaction's whose commit outcome is unknown (fenced mid-commit)", () => {
    const h = story().txn("app", "c", ["z"], { at: 6, end: 7, commit: true, unknown: true, error: "PRODUCER_FENCED", offset: 3 }).history;
    expect(transactionalOffsets.run({ history: h, logs: [], groupOffsets: [at(3)] }, null)).toEqual([]);
  });

  it("stays quiet when the last commit's marker is in the leader's log but not yet below the HW", () => {
    expect(transactionalOffsets.run({ history: story().history, logs: [], groupOffsets: [at(0, 1)] }, null)).toEqual([]);
  });

  it("still fires when an unknown-outcome transaction came before the last committed one", () => {
    const h = new TxnStory().init("app", 1).txn("app", "c", ["z"], { at: 1, end: 1.5, commit: true, unknown: true, offset: 3 }).txn("app", "a", ["x"], { at: 2, end: 3, commit: true, offset: 4 }).history;
    expect(transactionalOffsets.run({ history: h, logs: [], groupOffsets: [at(3)] }, null)).toHaveLength(1);
  });
});

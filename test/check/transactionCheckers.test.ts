import { readFileSync } from "node:fs";
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

describe("abortedRead { isolation: any } (the report's view: a read_uncommitted consumer processed aborted records)", () => {
  // read-uncommitted-sees-aborted: Kafka documents that read_uncommitted consumers return aborted records; a user
  // who did not know it writes the report, and the scenario must be able to state what the consumer saw.
  const story = () => new TxnStory().init("app", 1).txn("app", "x", ["a"], { at: 2, end: 3, commit: false }).txn("app", "y", ["b"], { at: 4, end: 5, commit: true });

  it("fires for a read_uncommitted reader that returned an aborted transaction's record", () => {
    const s = story().poll("u", 6, [[0, "a"]], "read_uncommitted");
    expect(abortedRead.run({ history: s.history, logs: [] }, { isolation: "any" })).toMatchObject([{ message: "u read a at t-0 offset 0 (6.000s) but its transaction x aborted", jepsenKey: "G1a" }]);
    // Without the parameter the check keeps Kafka's contract for read_committed readers only.
    expect(abortedRead.run({ history: s.history, logs: [] }, null)).toEqual([]);
    expect(abortedRead.run({ history: s.history, logs: [] }, { isolation: "read_committed" })).toEqual([]);
  });

  it("stays quiet when every reader returned committed records only, whatever its isolation", () => {
    const s = story().poll("u", 6, [[1, "b"]], "read_uncommitted").poll("r", 6, [[1, "b"]]);
    expect(abortedRead.run({ history: s.history, logs: [] }, { isolation: "any" })).toEqual([]);
  });

  it("takes isolation read_committed (the default) or any, nothing else", () => {
    expect(abortedRead.param!.schema.safeParse({ isolation: "any" }).success).toBe(true);
    expect(abortedRead.param!.schema.safeParse({ isolation: "read_uncommitted" }).success).toBe(false);
    expect(abortedRead.param!.required).toBeFalsy();
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

  it("zombieWrite stays quiet when the replacement initialised while the commit was in flight (asked before, answered after)", () => {
    // The zombie asked at 8.9 s; paused, it heard the answer at 41 s; the replacement initialised at 20 s, between.
    const s = new TxnStory().init("app-1", 1).init("app-2", 20).txn("app-1", "in-flight", ["z"], { at: 5, end: 41, commit: true, commitAt: 8.9 });
    expect(zombieWrite.run({ history: s.history, logs: [] }, null)).toEqual([]);
    // Asked after the replacement: a zombie write, reported at the moment it asked.
    const late = new TxnStory().init("app-1", 1).init("app-2", 20).txn("app-1", "late", ["z"], { at: 5, end: 41, commit: true, commitAt: 40 });
    const found = zombieWrite.run({ history: late.history, logs: [] }, null);
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/asked to commit late at 40\.000s/);
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

describe("abortedRead (G1a): whose write failed, and who read it", () => {
  it("names the reader, the value, where it was read and why its write failed: an aborted transaction, or a send that failed for certain", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a"], { at: 2, end: 3, commit: false }).poll("r", 4, [[0, "a"]]);
    const f = s.history.invoke(5e6, "p2", "send", { topic: "t", partition: null, key: null, value: "b" });
    s.history.complete(5.5e6, f, "fail", { topic: "t", partition: 0, key: null, value: "b" }, "NOT_ENOUGH_REPLICAS");
    s.poll("u", 6, [[1, "b"]], "read_uncommitted"); // a failed send: nobody may read it, whatever the isolation
    expect(abortedRead.run({ history: s.history, logs: [] }, null)).toEqual([
      { message: "r read a at t-0 offset 0 (4.000s) but its transaction x aborted", atUs: 4e6, jepsenKey: "G1a", evidence: { consumer: "r", value: "a", partition: "t-0", offset: 0, txn: "x" } },
      { message: "u read b at t-0 offset 1 (6.000s) but its send failed (NOT_ENOUGH_REPLICAS)", atUs: 6e6, jepsenKey: "G1a", evidence: { consumer: "u", value: "b", partition: "t-0", offset: 1, txn: null } },
    ]);
  });
});

describe("uncommittedRead: a read_committed poll ahead of the commit", () => {
  it("names the reader, value and transaction; the txn-commit call, recorded when made, is when the commit was asked", () => {
    // The commit was asked at 3s (the call), though the app's record says 4s: a read at 3.5s is after it.
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a", "b"], { at: 2, end: 5, commit: true, commitAt: 4 }).poll("r", 3.5, [[0, "a"]]).poll("r", 2.5, [[1, "b"]]);
    s.history.event(3e6, "app", "txn-commit", { txn: "x" });
    expect(uncommittedRead.run({ history: s.history, logs: [] }, null)).toEqual([
      { message: "r read b at t-0 offset 1 at 2.500s, before transaction x was committed", atUs: 2.5e6, evidence: { consumer: "r", value: "b", txn: "x" } },
    ]);
  });

  it("a read at the very instant the commit was asked is not early; one whose transaction never ended was read before any commit", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a"], { at: 2, end: 5, commit: true, commitAt: 4 }).poll("r", 4, [[0, "a"]]);
    expect(uncommittedRead.run({ history: s.history, logs: [] }, null)).toEqual([]);
    // y's sends were made, its outcome never came (the app crashed mid-transaction): no commit was ever asked.
    s.history.invoke(6e6, "app", "txn", { app: "pay", transactionalId: "tx", txn: "y" });
    s.history.invoke(6e6, "app", "send", { topic: "t", partition: null, key: null, value: "c", txn: "y" }); // never answered either
    s.poll("r", 7, [[1, "c"]]);
    expect(uncommittedRead.run({ history: s.history, logs: [] }, null)).toMatchObject([{ evidence: { value: "c", txn: "y" } }]);
  });

  it("leaves aborted transactions to abortedRead, plain records alone, and judges only read_committed polls that returned", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a"], { at: 2, end: 5, commit: false }).poll("r", 3, [[0, "a"]]).txn("app", "y", ["b"], { at: 6, end: 9, commit: true, commitAt: 8 }).poll("u", 7, [[1, "b"]], "read_uncommitted");
    const plain = s.history.invoke(1e6, "p", "send", { topic: "t", partition: null, key: null, value: "p" });
    s.history.complete(1.1e6, plain, "ok", { topic: "t", partition: 0, key: null, value: "p", offset: 2 });
    s.poll("r", 1.2, [[2, "p"]]);
    const thrown = s.history.invoke(7e6, "r", "poll", { isolation: "read_committed" });
    s.history.complete(7e6, thrown, "fail", null, "OFFSET_OUT_OF_RANGE");
    const assign = s.history.invoke(7e6, "r2", "poll", null); // an assign() consumer's poll carries no settings
    s.history.complete(7e6, assign, "ok", { "t-0": [[1, "b"]] });
    expect(uncommittedRead.run({ history: s.history, logs: [] }, null)).toEqual([]);
  });
});

describe("atomicity: the finding", () => {
  it("says how many of the committed transaction's records are visible and which are gone; aborted transactions are not judged", () => {
    const s = new TxnStory().init("app", 1).txn("app", "x", ["a", "b", "c"], { at: 2, end: 3, commit: true }).txn("app", "y", ["d", "e"], { at: 4, end: 5, commit: false });
    expect(atomicity.run({ history: s.history, logs: [replica("broker-1", ["a", "d"], { leader: true })] }, null)).toEqual([
      { message: "transaction x committed at 3.000s but only 1 of its 3 records are visible; b, c are gone from the log", atUs: 3e6, evidence: { txn: "x", visible: ["a"], missing: ["b", "c"] } },
    ]);
    expect(atomicity.run({ history: s.history, logs: [replica("broker-1", ["a", "b"], { leader: true })] }, null)[0].message).toMatch(/only 2 of its 3 records are visible; c is gone from the log$/);
  });
});

describe("zombieWrite: the replacement that should have fenced the commit", () => {
  it("names the zombie, its transaction, and the instance that replaced it before the commit", () => {
    const s = new TxnStory().init("app-1", 1).init("app-2", 20).txn("app-1", "late", ["z", "y"], { at: 9, end: 41, commit: true });
    expect(zombieWrite.run({ history: s.history, logs: [] }, null)).toEqual([
      {
        message: "app-1-1 asked to commit late at 41.000s (committed at 41.000s), after app-2-1 replaced it at 20.000s: 2 records from the zombie are visible",
        atUs: 41e6,
        evidence: { zombie: "app-1-1", replacement: "app-2-1", txn: "late", values: ["z", "y"] },
      },
    ]);
  });

  it("a replacement counts only if its init succeeded, for the same application, strictly between the zombie's init and commit", () => {
    const s = new TxnStory().init("app-1", 1);
    s.history.event(5e6, "app-2", "init", { app: "pay", instance: "app-2-1", transactionalId: "tx" }, "fail"); // timed out: no fence
    s.history.event(6e6, "audit-1", "init", { app: "audit", instance: "audit-1-1", transactionalId: "tx-audit" }); // another app
    s.history.event(1e6, "app-3", "init", { app: "pay", instance: "app-3-1", transactionalId: "tx" }); // at the same instant as app-1
    s.history.event(10e6, "app-4", "init", { app: "pay", instance: "app-4-1", transactionalId: "tx" }); // at the commit's instant
    s.txn("app-1", "t1", ["a"], { at: 2, end: 10, commit: true });
    s.txn("app-1", "t2", ["b"], { at: 11, end: 12, commit: false }); // aborted: not a zombie write, whatever came before
    s.txn("ghost", "t3", ["c"], { at: 11, end: 12, commit: true }); // an instance with no init on record: not judged
    expect(zombieWrite.run({ history: s.history, logs: [] }, null)).toEqual([]);
  });

  it("only inits are replacements: another instance's commit in between is not one (it is its own zombie write)", () => {
    // B initialised first, A replaced it at 2s; B still committed at 5s (B is the zombie), A committed at 10s.
    const s = new TxnStory().init("b", 0.5).init("a", 2).txn("b", "tb", ["x"], { at: 3, end: 5, commit: true }).txn("a", "ta", ["y"], { at: 6, end: 10, commit: true });
    expect(zombieWrite.run({ history: s.history, logs: [] }, null).map((f) => f.evidence?.zombie)).toEqual(["b-1"]);
  });
});

describe("zombieFenced: which errors prove the fence", () => {
  it("says which instance was never fenced, and needs the instance", () => {
    const s = new TxnStory().init("app-1", 1).txn("app-1", "x", ["a"], { at: 40, end: 41, commit: false, error: "TRANSACTION_ABORTED" }).txn("app-2", "y", ["b"], { at: 42, end: 43, commit: false, error: "PRODUCER_FENCED" });
    expect(zombieFenced.run({ history: s.history, logs: [] }, "app-1")).toEqual([{ message: "app-1 was never fenced (no PRODUCER_FENCED or INVALID_PRODUCER_EPOCH in its history)" }]);
    expect(zombieFenced.run({ history: s.history, logs: [] }, undefined)).toEqual([{ message: "zombieFenced needs the instance, e.g. zombieFenced: app-1" }]);
    expect(zombieFenced.param!.refs!("app-1")).toEqual({ clients: [{ path: [], name: "app-1" }] });
  });

  it("a commit whose outcome is unknown (info) with INVALID_PRODUCER_EPOCH is a fence; an ok op is not, whatever it carries", () => {
    const s = new TxnStory().init("app-1", 1).txn("app-1", "x", ["a"], { at: 40, end: 41, commit: false, unknown: true, error: "INVALID_PRODUCER_EPOCH" });
    expect(zombieFenced.run({ history: s.history, logs: [] }, "app-1")).toEqual([]);
    const ok = new TxnStory().init("app-1", 1);
    ok.history.event(2e6, "app-1", "txn-begin", { error: "PRODUCER_FENCED" }, "ok");
    expect(zombieFenced.run({ history: ok.history, logs: [] }, "app-1")).toHaveLength(1);
  });
});

describe("hangingTransaction: which transaction holds the LSO, and since when", () => {
  const withOpen = (values: string[], firstOffset: number, leader = true) => ({ ...replica("broker-1", values, { leader }), openTransactions: [{ producerId: 7, firstOffset }] });

  it("names the partition, the producer, the first record and when it was sent (its send call, not its answer); placed at the end, where it is judged", () => {
    const s = new TxnStory().txn("app", "x", ["a", "b"], { at: 2, end: 3, commit: false }).poll("r", 100, []);
    expect(hangingTransaction.run({ history: s.history, logs: [withOpen(["a", "b"], 1), withOpen(["a", "b"], 1, false)] }, 30_000)).toEqual([
      {
        message: "t-0: a transaction of producer 7 has no marker at the end; the LSO is stuck at 1 (HW 2); its first record (offset 1, b) was sent at 2.000s",
        // The history's last op (the poll at 100 s): a delayed record may have reached the log long after its send.
        atUs: 100e6,
        evidence: { partition: "t-0", producerId: 7, firstOffset: 1 },
      },
    ]);
  });

  it("open exactly the bound is within it; a first record no send of the history wrote is not judged", () => {
    const s = new TxnStory().txn("app", "x", ["a"], { at: 2, end: 3, commit: false }).poll("r", 32, []);
    expect(hangingTransaction.run({ history: s.history, logs: [withOpen(["a"], 0)] }, 30_000)).toEqual([]);
    expect(hangingTransaction.run({ history: s.history, logs: [withOpen(["a"], 0)] }, 29_999)).toHaveLength(1);
    expect(hangingTransaction.run({ history: s.history, logs: [withOpen(["elsewhere"], 0)] }, 1)).toEqual([]);
    expect(hangingTransaction.run({ history: s.history, logs: [withOpen(["a"], 0)] }, null)).toEqual([]); // the default bound is 30s
  });
});

describe("hangingTransaction judges the end of the run only, and its documentation says so", () => {
  it("a transaction that held the LSO past the bound but ended before the end is not a finding", () => {
    // Open from 2s to 90s (aborted on transaction.timeout.ms, say): far past 30s, but no longer open at the end.
    const s = new TxnStory().txn("app", "x", ["a"], { at: 2, end: 90, commit: false }).poll("r", 100, []);
    expect(hangingTransaction.run({ history: s.history, logs: [replica("broker-1", ["a"], { leader: true })] }, 30_000)).toEqual([]);
  });

  it("the README and the checker's description say it judges transactions still open at the end", () => {
    const readme = readFileSync("README.md", "utf8").replace(/\s+/g, " ");
    const sentence = /`hangingTransaction` \(([^`]*)\)/.exec(readme)![1];
    expect(sentence).toContain("still open at the end of the run");
    expect(sentence).toContain("ended before the end of the run is not judged");
    expect(hangingTransaction.description).toContain("still open at the end of the run");
  });
});

describe("transactionalOffsets: the finding and the order of outcomes", () => {
  const at = (offset: number | null, atLogEnd: number | null = offset) => ({ group: "g", topic: "in", partition: 0, offset, atLogEnd });

  it("says what the group has, none when it has no offset, and which transaction's offset it expected", () => {
    const h = new TxnStory().init("app", 1).txn("app", "plain", ["p"], { at: 1, end: 1.5, commit: true }).txn("app", "a", ["x"], { at: 2, end: 3, commit: true, offset: 1 }).history;
    expect(transactionalOffsets.run({ history: h, logs: [], groupOffsets: [at(0)] }, null)).toEqual([{ message: "g/in-0: the committed offset is 0, but the last committed transaction a (3.000s) committed 1", evidence: { key: "g/in-0", committed: 0, expected: 1 } }]);
    expect(transactionalOffsets.run({ history: h, logs: [] }, null)).toEqual([{ message: "g/in-0: the committed offset is none, but the last committed transaction a (3.000s) committed 1", evidence: { key: "g/in-0", committed: null, expected: 1 } }]);
    expect(transactionalOffsets.run({ history: h, logs: [], groupOffsets: [at(null)] }, null)).toMatchObject([{ evidence: { committed: null } }]);
  });

  it("orders transactions by when they ended, not when they began", () => {
    // b began first but committed last: its offset 5 is the one expected.
    const h = new TxnStory().init("app", 1).txn("app", "b", ["y"], { at: 1, end: 9, commit: true, offset: 5 }).txn("app", "a", ["x"], { at: 2, end: 3, commit: true, offset: 4 }).history;
    expect(transactionalOffsets.run({ history: h, logs: [], groupOffsets: [at(5)] }, null)).toEqual([]);
    expect(transactionalOffsets.run({ history: h, logs: [], groupOffsets: [at(4)] }, null)).toMatchObject([{ evidence: { expected: 5 } }]);
  });
});

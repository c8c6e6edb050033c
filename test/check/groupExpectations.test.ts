import { describe, expect, it } from "vitest";
import { assignmentUnchanged, consumerProgress, rebalancePause, rebalances } from "../../src/check/groupExpectations.js";
import type { SendValue } from "../../src/workload/history.js";
import { GroupRun, replica } from "../support/history.js";

/**
 * The consumer-group expectations an operator writes about a run (`rebalances`, `assignmentUnchanged`,
 * `consumerProgress`), pinned finding by finding: which generations count as a rebalance, what a member's
 * partitions are after revoke / lost / restart, and when records count as waiting for the group. The fire / quiet
 * pairs of each are in expectations.test.ts; these pin the details a refactor could lose.
 */
class Run extends GroupRun {
  send(value: string, o: { at: number; offset: number; fail?: string; txn?: string; topic?: string }): this {
    const v: SendValue = { topic: o.topic ?? "t", partition: null, key: null, value, ...(o.txn ? { txn: o.txn } : {}) };
    const inv = this.history.invoke(o.at * 1e6, "p", "send", v);
    if (o.fail) this.history.complete(o.at * 1e6 + 1000, inv, "fail", { ...v, partition: 0 }, o.fail);
    else this.history.complete(o.at * 1e6 + 1000, inv, "ok", { ...v, partition: 0, offset: o.offset });
    return this;
  }

  txn(values: string[], o: { at: number; end: number; ok: boolean }): this {
    const inv = this.history.invoke(o.at * 1e6, "p", "txn", { app: "a", transactionalId: "tx", txn: "T" });
    this.history.complete(o.end * 1e6, inv, o.ok ? "ok" : "fail", { txn: "T", values }, o.ok ? undefined : "TRANSACTION_ABORTED");
    return this;
  }

  poll(member: string, at: number, records: [number, string][], o: { group?: string; tp?: string } = {}): this {
    const inv = this.history.invoke(at * 1e6, member, "poll", { group: o.group ?? "g", isolation: "read_uncommitted" });
    this.history.complete(at * 1e6, inv, "ok", { [o.tp ?? "t-0"]: records });
    return this;
  }

  /** A non-group op (a monitor event) that only moves the end of the run. */
  tick(at: number): this {
    this.history.event(at * 1e6, "metadata-monitor", "partition-leader", { partition: "t-0", leader: "broker-1", leaderEpoch: 0 });
    return this;
  }
}

describe("rebalances (generations in which the group's members were given an assignment)", () => {
  it("needs its parameter: without one it says so rather than passing", () => {
    expect(rebalances.run(new Run().input(), null)).toEqual([{ message: "rebalances needs a group and max or min" }]);
  });

  it("over max: lists every generation in time order with its first assignment, and points at the first one over", () => {
    // Generation 2 is seen first at 5s (m2), again at 6s (m1): counted once, at 5s. Revocations are not rebalances.
    const r = new Run()
      .rebalance("assigned", "m1", ["t-0"], { at: 1, gen: 1 })
      .rebalance("revoked", "m1", ["t-0"], { at: 4, gen: 1 })
      .rebalance("assigned", "m2", ["t-0"], { at: 5, gen: 2 })
      .rebalance("assigned", "m1", [], { at: 6, gen: 2 })
      .rebalance("lost", "m2", ["t-0"], { at: 8, gen: 2 })
      .rebalance("assigned", "m1", ["t-0"], { at: 9, gen: 3 })
      .rebalance("assigned", "x1", ["u-0"], { at: 9.5, gen: 7, group: "other" });
    expect(rebalances.run(r.input(), { group: "g", max: 1 })).toEqual([
      { message: "group g rebalanced 3 times, more than 1 (generations 1 at 1.000s, 2 at 5.000s, 3 at 9.000s)", atUs: 5e6, evidence: { group: "g", rebalances: 3, max: 1 } },
    ]);
  });

  it("under min: says how many there were, and lists them only when there were some", () => {
    const r = new Run().rebalance("assigned", "m1", ["t-0"], { at: 2, gen: 4 });
    expect(rebalances.run(r.input(), { group: "g", min: 2 })).toEqual([{ message: "group g rebalanced 1 time(s), fewer than 2 (generations 4 at 2.000s)", evidence: { group: "g", rebalances: 1, min: 2 } }]);
    expect(rebalances.run(r.input(), { group: "none", min: 1 })).toEqual([{ message: "group none rebalanced 0 time(s), fewer than 1", evidence: { group: "none", rebalances: 0, min: 1 } }]);
    // max and min together: each is judged.
    expect(rebalances.run(r.input(), { group: "g", max: 0, min: 2 }).map((f) => f.message)).toEqual([expect.stringContaining("more than 0"), expect.stringContaining("fewer than 2")]);
  });

  it("orders generations by when they were first assigned, not by number", () => {
    const r = new Run().rebalance("assigned", "m1", ["t-0"], { at: 3, gen: 9 }).rebalance("assigned", "m1", ["t-0"], { at: 7, gen: 2 });
    expect(rebalances.run(r.input(), { group: "g", max: 1 })[0]).toMatchObject({ message: expect.stringContaining("(generations 9 at 3.000s, 2 at 7.000s)"), atUs: 7e6 });
  });
});

describe("rebalancePause (how long a rebalance left a member owning nothing: the group table's pause)", () => {
  // An eager rebalance: m1 revokes everything at 10 s and is assigned again at 12.5 s; m2 keeps t-1 throughout.
  const eager = () =>
    new Run()
      .rebalance("assigned", "m1", ["t-0"], { at: 1, gen: 1 })
      .rebalance("assigned", "m2", ["t-1"], { at: 1, gen: 1 })
      .rebalance("revoked", "m1", ["t-0"], { at: 10, gen: 1 })
      .rebalance("revoked", "m2", ["t-2"], { at: 10, gen: 1 })
      .rebalance("assigned", "m1", ["t-0"], { at: 12.5, gen: 2 })
      .rebalance("assigned", "x", ["t-0"], { at: 12.5, gen: 9, group: "other" });

  it("fires for a member that owned nothing longer than max, with both ends of the stretch", () => {
    expect(rebalancePause.run(eager().input(), { group: "g", maxMs: 2000 })).toEqual([
      {
        message: "m1 of group g owned no partition for 2.500s (from 10.000s, generation 1, to 12.500s, generation 2), longer than 2.000s",
        atUs: 12.5e6,
        evidence: { member: "m1", group: "g", fromUs: 10e6, toUs: 12.5e6, pausedMs: 2500, maxMs: 2000 },
      },
    ]);
  });

  it("stays quiet within max, for a member that kept a partition (cooperative), a first assignment, a restart and another group", () => {
    expect(rebalancePause.run(eager().input(), { group: "g", maxMs: 2500 })).toEqual([]);
    const restart = new Run().rebalance("assigned", "m1", ["t-0"], { at: 1, gen: 1 }).rebalance("revoked", "m1", ["t-0"], { at: 2, gen: 1 }).restart().rebalance("assigned", "m1", ["t-0"], { at: 30, gen: 2 });
    expect(rebalancePause.run(restart.input(), { group: "g", maxMs: 0 })).toEqual([]);
    expect(rebalancePause.run(eager().input(), { group: "other", maxMs: 0 })).toEqual([]);
  });

  it("takes { group, max } (max 0s: never), refers to the group, and refuses a missing max", () => {
    const p = rebalancePause.param!;
    expect(p.schema.parse({ group: "g", max: "0s" })).toEqual({ group: "g", maxMs: 0 });
    expect(p.schema.safeParse({ group: "g" }).success).toBe(false);
    expect(p.refs!({ group: "g", maxMs: 0 })).toEqual({ groups: [{ path: ["group"], name: "g" }] });
  });
});

describe("assignmentUnchanged (what static membership, KIP-345, promises a member)", () => {
  it("needs its member", () => {
    expect(assignmentUnchanged.run(new Run().input(), null)).toEqual([{ message: "assignmentUnchanged needs a member" }]);
  });

  it("reports the first change only, with the generation, the partitions now and the first ones", () => {
    const r = new Run()
      .rebalance("assigned", "m1", ["t-1", "t-0"], { at: 1, gen: 1 })
      .rebalance("lost", "m1", ["t-1"], { at: 5, gen: 1 })
      .rebalance("assigned", "m1", ["t-2"], { at: 6, gen: 2 });
    expect(assignmentUnchanged.run(r.input(), { member: "m1" })).toEqual([
      { message: "m1's partitions changed at 5.000s (generation 1): [t-0], first [t-0, t-1]", atUs: 5e6, evidence: { member: "m1", first: ["t-0", "t-1"], now: ["t-0"], generation: 1 } },
    ]);
  });

  it("judges only the named member: another member's partitions moving is not its change", () => {
    const r = new Run().rebalance("assigned", "m1", ["t-0"], { at: 1, gen: 1 }).rebalance("assigned", "m2", ["t-1"], { at: 2, gen: 2 }).rebalance("assigned", "m1", ["t-0"], { at: 2, gen: 2 });
    expect(assignmentUnchanged.run(r.input(), { member: "m1" })).toEqual([]);
  });

  it("a restarted member owns nothing until assigned again: coming back to other partitions is a change", () => {
    // Without the reset, t-0 from the first life would still count as owned: [t-0, t-1] would be reported instead.
    const r = new Run().rebalance("assigned", "m1", ["t-0"], { at: 1, gen: 1 }).restart().rebalance("assigned", "m1", ["t-1"], { at: 20, gen: 2 });
    expect(assignmentUnchanged.run(r.input(), { member: "m1" })).toMatchObject([{ evidence: { first: ["t-0"], now: ["t-1"] } }]);
  });

  it("owning nothing for a moment (eager revoke-all) is not a change; its first assignment after `after` is the reference", () => {
    const r = new Run()
      .rebalance("assigned", "m1", ["t-0"], { at: 1, gen: 1 })
      .rebalance("revoked", "m1", ["t-0"], { at: 3, gen: 1 })
      .rebalance("assigned", "m1", ["t-1"], { at: 4, gen: 2 })
      .rebalance("revoked", "m1", ["t-1"], { at: 6, gen: 2 })
      .rebalance("assigned", "m1", ["t-1"], { at: 7, gen: 3 });
    expect(assignmentUnchanged.run(r.input(), { member: "m1", afterMs: 4000 })).toEqual([]);
    expect(assignmentUnchanged.run(r.input(), { member: "m1", afterMs: 3999 })).toEqual([]);
    expect(assignmentUnchanged.run(r.input(), { member: "m1" })).toMatchObject([{ atUs: 4e6, evidence: { first: ["t-0"], now: ["t-1"] } }]);
  });

  it("with after:, a member assigned before it and never moved since holds (not 'never assigned'); a change after its reference fires", () => {
    const kept = new Run().rebalance("assigned", "m1", ["t-0", "t-1"], { at: 1, gen: 1 });
    expect(assignmentUnchanged.run(kept.input(), { member: "m1", afterMs: 10_000 })).toEqual([]);
    const changed = new Run()
      .rebalance("assigned", "m1", ["t-0", "t-1"], { at: 1, gen: 1 })
      .rebalance("assigned", "m1", ["t-2"], { at: 12, gen: 2 })
      .rebalance("revoked", "m1", ["t-0"], { at: 15, gen: 2 });
    expect(assignmentUnchanged.run(changed.input(), { member: "m1", afterMs: 10_000 })).toMatchObject([{ atUs: 15e6, evidence: { first: ["t-0", "t-1", "t-2"], now: ["t-1", "t-2"] } }]);
  });

  it("a member never assigned a partition (it died at its first JoinGroup) fails it: nothing stayed unchanged", () => {
    expect(assignmentUnchanged.run(new Run().rebalance("assigned", "m2", ["t-0"], { at: 1, gen: 1 }).input(), { member: "m1" })).toEqual([
      { message: "m1 was never assigned a partition, so its assignment cannot have stayed unchanged", evidence: { member: "m1" } },
    ]);
    const late = new Run().rebalance("assigned", "m1", ["t-0"], { at: 1, gen: 1 }).rebalance("revoked", "m1", ["t-0"], { at: 2, gen: 1 });
    expect(assignmentUnchanged.run(late.input(), { member: "m1", afterMs: 3000 })).toMatchObject([{ message: "m1 was never assigned a partition after 3.000s, so its assignment cannot have stayed unchanged" }]);
  });

  it("takes the bare member name or { member, after } from a scenario, and refers to the member at its path", () => {
    const p = assignmentUnchanged.param!;
    expect(p.schema.parse("m1")).toEqual({ member: "m1" });
    expect(p.schema.parse({ member: "m1", after: "10s" })).toEqual({ member: "m1", afterMs: 10_000 });
    expect(p.schema.safeParse({ member: "m1", after: "soon" }).success).toBe(false);
    expect(p.refs!({ member: "m1" })).toEqual({ clients: [{ path: [], name: "m1" }] });
    expect(p.refs!({ member: "m1", afterMs: 10_000 })).toEqual({ clients: [{ path: ["member"], name: "m1" }] });
  });
});

describe("consumerProgress (the group read further within `within` whenever records were waiting)", () => {
  const log = (values: string[], topic = "t") => replica("broker-1", values, { leader: true, tp: [topic, 0] });

  it("needs a group and a window", () => {
    expect(consumerProgress.run(new Run().input(), null)).toEqual([{ message: "consumerProgress needs a group and a window" }]);
    expect(consumerProgress.param!.refs!({ group: "billing", within: 1000 })).toEqual({ groups: [{ path: ["group"], name: "billing" }] });
  });

  it("a partition of the group's topic that nobody reads is stuck: the topic is known from the assignment alone", () => {
    const r = new Run().rebalance("assigned", "m1", ["t-0"], { at: 0, gen: 1 }).send("v0", { at: 1, offset: 0 }).tick(30);
    expect(consumerProgress.run(r.input([log(["v0"])]), { group: "g", within: 10_000 })).toEqual([
      {
        message: "group g read nothing past offset -1 of t-0 from 1.001s to the end of the run (29.0s) while records were waiting",
        atUs: 1.001e6,
        evidence: { group: "g", partition: "t-0", fromUs: 1.001e6, toUs: 30e6, frontier: -1 },
      },
    ]);
    // A revocation names the group's topic too.
    const revoked = new Run().rebalance("revoked", "m1", ["t-0"], { at: 0, gen: 1 }).send("v0", { at: 1, offset: 0 }).tick(30);
    expect(consumerProgress.run(revoked.input([log(["v0"])]), { group: "g", within: 10_000 })).toHaveLength(1);
    // Another group's assignment does not.
    const other = new Run().rebalance("assigned", "m1", ["t-0"], { at: 0, gen: 1, group: "h" }).send("v0", { at: 1, offset: 0 }).tick(30);
    expect(consumerProgress.run(other.input([log(["v0"])]), { group: "g", within: 10_000 })).toEqual([]);
  });

  it("a group whose only member died at its JoinGroup is stuck on the topics it subscribed to (the fatal error names them)", () => {
    // session-timeout-above-broker-max: INVALID_SESSION_TIMEOUT ends the member before any assignment or poll, so
    // only its subscription says which topics the group was to read; another group's fatal error says nothing of g.
    const fatal = (group: string) => (r: Run) => r.history.event(2e6, "m1", "consumer-fatal", { group, error: "INVALID_SESSION_TIMEOUT", topics: ["t"] }, "fail");
    const r = new Run().send("v0", { at: 1, offset: 0 });
    fatal("g")(r);
    // The record waits from the fatal error, the group's first op: no member of g is recorded before it.
    expect(consumerProgress.run(r.tick(30).input([log(["v0"])]), { group: "g", within: 10_000 })).toMatchObject([{ evidence: { group: "g", partition: "t-0", frontier: -1, fromUs: 2e6, toUs: 30e6 } }]);
    const other = new Run().send("v0", { at: 1, offset: 0 });
    fatal("h")(other);
    expect(consumerProgress.run(other.tick(30).input([log(["v0"])]), { group: "g", within: 10_000 })).toEqual([]);
  });

  it("only the group's own polls are progress, and only topics it reads are judged", () => {
    const r = new Run().poll("m1", 0.5, [], { tp: "t-0" }).send("v0", { at: 1, offset: 0 }).poll("x", 2, [[0, "v0"]], { group: "h" }).send("u0", { at: 1, offset: 0, topic: "u" }).tick(30);
    expect(consumerProgress.run(r.input([log(["v0"]), log(["u0"], "u")]), { group: "g", within: 10_000 })).toMatchObject([{ evidence: { partition: "t-0", frontier: -1 } }]);
  });

  it("a stall that a read ends is reported to that read, with its length", () => {
    const r = new Run().poll("m1", 0.5, [], { tp: "t-0" }).send("v0", { at: 1, offset: 0 }).poll("m1", 13.5, [[0, "v0"]]).tick(40);
    expect(consumerProgress.run(r.input([log(["v0"])]), { group: "g", within: 10_000 })).toMatchObject([
      { message: "group g read nothing past offset -1 of t-0 from 1.001s to 13.500s (12.5s) while records were waiting", evidence: { fromUs: 1.001e6, toUs: 13.5e6 } },
    ]);
    // Waiting exactly the window is within it.
    const exact = new Run().poll("m1", 0.5, [], { tp: "t-0" }).send("v0", { at: 1, offset: 0 }).poll("m1", 11.001, [[0, "v0"]]).tick(40);
    expect(consumerProgress.run(exact.input([log(["v0"])]), { group: "g", within: 10_000 })).toEqual([]);
  });

  it("a transactional record waits from its commit, not its send; aborted, failed and absent records never wait", () => {
    // v0 sent at 1s, committed at 25s; the group reads it at 30s: 5s of waiting, within 10s.
    const r = new Run().poll("m1", 0.5, [], { tp: "t-0" }).send("v0", { at: 1, offset: 0, txn: "T" }).txn(["v0"], { at: 1, end: 25, ok: true }).poll("m1", 30, [[0, "v0"]]).tick(60);
    expect(consumerProgress.run(r.input([log(["v0"])]), { group: "g", within: 10_000 })).toEqual([]);
    // A transaction that aborted: its record is never readable.
    const aborted = new Run().poll("m1", 0.5, [], { tp: "t-0" }).send("v0", { at: 1, offset: 0, txn: "T" }).txn(["v0"], { at: 1, end: 2, ok: false }).tick(60);
    expect(consumerProgress.run(aborted.input([log(["v0"])]), { group: "g", within: 10_000 })).toEqual([]);
    // Marked aborted in the log (the marker won even if the client thought otherwise): not waiting.
    const marked = log(["v0"]);
    marked.records[0].aborted = true;
    const client = new Run().poll("m1", 0.5, [], { tp: "t-0" }).send("v0", { at: 1, offset: 0 }).tick(60);
    expect(consumerProgress.run(client.input([marked]), { group: "g", within: 10_000 })).toEqual([]);
    // A failed send, and a send whose record is not in the final log.
    const failed = new Run().poll("m1", 0.5, [], { tp: "t-0" }).send("v0", { at: 1, offset: 0, fail: "NOT_ENOUGH_REPLICAS" }).send("w", { at: 2, offset: 1 }).tick(60);
    expect(consumerProgress.run(failed.input([log(["v0"])]), { group: "g", within: 10_000 })).toEqual([]);
  });

  it("a read that only reaches part of the backlog keeps the rest waiting from that read", () => {
    // v0, v1 arrive at 1s; the group reads v0 at 2s, then nothing until v1 at 20s: waiting from 2s.
    const r = new Run().poll("m1", 0.5, [], { tp: "t-0" }).send("v0", { at: 1, offset: 0 }).send("v1", { at: 1, offset: 1 }).poll("m1", 2, [[0, "v0"]]).poll("m1", 20, [[1, "v1"]]).tick(40);
    expect(consumerProgress.run(r.input([log(["v0", "v1"])]), { group: "g", within: 10_000 })).toMatchObject([{ evidence: { fromUs: 2e6, toUs: 20e6, frontier: 0 } }]);
  });

  it("a group's clock starts at its first op: records written before any member existed wait from the join", () => {
    // new-group-latest-misses-backlog: records from 1s, the group's first member is assigned at 20s and reads at 23s
    // (auto.offset.reset=latest: from the log end, v1 only). 3s after the join is within 10s.
    const late = new Run().send("v0", { at: 1, offset: 0 }).rebalance("assigned", "m1", ["t-0"], { at: 20, gen: 1 }).send("v1", { at: 21, offset: 1 }).poll("m1", 23, [[1, "v1"]]).tick(40);
    expect(consumerProgress.run(late.input([log(["v0", "v1"])]), { group: "g", within: 10_000 })).toEqual([]);
    // The same group reading 12s after its join stalled from the join, not from the first record.
    const slow = new Run().send("v0", { at: 1, offset: 0 }).rebalance("assigned", "m1", ["t-0"], { at: 20, gen: 1 }).poll("m1", 32, [[0, "v0"]]).tick(40);
    expect(consumerProgress.run(slow.input([log(["v0"])]), { group: "g", within: 10_000 })).toMatchObject([
      { message: "group g read nothing past offset -1 of t-0 from 20.000s to 32.000s (12.0s) while records were waiting", evidence: { fromUs: 20e6, toUs: 32e6 } },
    ]);
    // Another group's earlier op does not start g's clock: g's member, assigned at 20s, never reads.
    const other = new Run().rebalance("assigned", "x", ["t-0"], { at: 0, gen: 1, group: "h" }).send("v0", { at: 1, offset: 0 }).rebalance("assigned", "m1", ["t-0"], { at: 20, gen: 1 }).tick(40);
    expect(consumerProgress.run(other.input([log(["v0"])]), { group: "g", within: 10_000 })).toMatchObject([{ evidence: { fromUs: 20e6, toUs: 40e6 } }]);
  });

  it("judges each partition, in name order", () => {
    const logs = [replica("broker-1", ["b0"], { leader: true, tp: ["t", 1] }), replica("broker-1", ["a0"], { leader: true, tp: ["t", 0] })];
    const r = new Run().rebalance("assigned", "m1", ["t-0", "t-1"], { at: 0, gen: 1 }).send("a0", { at: 1, offset: 0 }).send("b0", { at: 1, offset: 0 }).tick(30);
    expect(consumerProgress.run(r.input(logs), { group: "g", within: 10_000 }).map((f) => f.evidence?.partition)).toEqual(["t-0", "t-1"]);
  });
});

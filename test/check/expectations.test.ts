import { describe, expect, it } from "vitest";
import { errorNotSeen, errorSeen } from "../../src/check/errorCheckers.js";
import { assignmentUnchanged, consumerProgress, rebalances } from "../../src/check/groupExpectations.js";
import { leaderless } from "../../src/check/leaderless.js";
import { lostAcknowledgedWrites } from "../../src/check/lostWrites.js";
import { unconfirmedSends } from "../../src/check/unconfirmedSends.js";
import type { SendValue } from "../../src/workload/history.js";
import { GroupRun, replica } from "../support/history.js";

/** A run's history for the operator-level expectations, told in seconds. */
class Run extends GroupRun {
  leader(tp: string, leader: string | null, epoch: number, at: number): this {
    this.history.event(at * 1e6, "metadata-monitor", "partition-leader", { partition: tp, leader, leaderEpoch: epoch });
    return this;
  }

  send(producer: string, value: string, o: { at: number; offset?: number; acks0?: boolean; fail?: string }): this {
    const v: SendValue = { topic: "t", partition: null, key: null, value, ...(o.acks0 ? { acks: "0" as const } : {}) };
    const inv = this.history.invoke(o.at * 1e6, producer, "send", v);
    if (o.fail) this.history.complete(o.at * 1e6 + 1000, inv, "fail", { ...v, partition: 0 }, o.fail);
    else this.history.complete(o.at * 1e6 + 1000, inv, "ok", { ...v, partition: 0, offset: o.acks0 ? -1 : o.offset });
    return this;
  }

  poll(member: string, at: number, records: [number, string][], group = "g"): this {
    const inv = this.history.invoke(at * 1e6, member, "poll", { group, isolation: "read_uncommitted" });
    this.history.complete(at * 1e6, inv, "ok", { "t-0": records });
    return this;
  }
}

describe("rebalances", () => {
  const storm = new Run().rebalance("assigned", "m1", ["t-0"], { at: 1, gen: 1 }).rebalance("assigned", "m1", ["t-0"], { at: 5, gen: 2 }).rebalance("assigned", "m2", [], { at: 5, gen: 2 }).rebalance("assigned", "m1", ["t-0"], { at: 9, gen: 3 });

  it("fires when the group went through more generations than max (the first join counts)", () => {
    expect(rebalances.run(storm.input(), { group: "g", max: 2 })).toMatchObject([{ evidence: { group: "g", rebalances: 3, max: 2 } }]);
  });

  it("stays quiet at or under max, and counts only the named group", () => {
    expect(rebalances.run(storm.input(), { group: "g", max: 3 })).toEqual([]);
    expect(rebalances.run(storm.input(), { group: "other", max: 0 })).toEqual([]);
  });

  it("min: fires when the group did not rebalance enough, quiet when it did", () => {
    expect(rebalances.run(storm.input(), { group: "g", min: 4 })).toMatchObject([{ evidence: { rebalances: 3, min: 4 } }]);
    expect(rebalances.run(storm.input(), { group: "g", min: 3 })).toEqual([]);
  });
});

describe("assignmentUnchanged", () => {
  it("stays quiet when a static member comes back from a restart to the same partitions, and through eager revoke-all", () => {
    const r = new Run()
      .rebalance("assigned", "m1", ["t-0", "t-1"], { at: 1, gen: 1 })
      .rebalance("revoked", "m1", ["t-0", "t-1"], { at: 5, gen: 1 })
      .rebalance("assigned", "m1", ["t-1", "t-0"], { at: 5.1, gen: 2 })
      .restart()
      .rebalance("assigned", "m1", ["t-0", "t-1"], { at: 20, gen: 2 });
    expect(assignmentUnchanged.run(r.input(), { member: "m1" })).toEqual([]);
  });

  it("after: judges only from then on (a group still settling at its start hands partitions around)", () => {
    const r = new Run().rebalance("assigned", "m1", ["t-0", "t-1"], { at: 1, gen: 1 }).rebalance("revoked", "m1", ["t-1"], { at: 2, gen: 1 }).rebalance("assigned", "m1", [], { at: 2.1, gen: 2 });
    expect(assignmentUnchanged.run(r.input(), { member: "m1" })).toHaveLength(1);
    expect(assignmentUnchanged.run(r.input(), { member: "m1", afterMs: 1500 })).toEqual([]);
  });

  it("fires when a cooperative rebalance hands one of its partitions over", () => {
    const r = new Run().rebalance("assigned", "m1", ["t-0", "t-1"], { at: 1, gen: 1 }).rebalance("revoked", "m1", ["t-1"], { at: 5, gen: 1 });
    expect(assignmentUnchanged.run(r.input(), { member: "m1" })).toMatchObject([{ evidence: { member: "m1", first: ["t-0", "t-1"], now: ["t-0"] } }]);
  });
});

describe("errorSeen and errorNotSeen", () => {
  const r = new Run().send("app-1", "a", { at: 1, offset: 0 }).send("app-1", "b", { at: 2, fail: "PRODUCER_FENCED" });
  r.history.event(3e6, "app-2", "txn-begin", { transactionalId: "tx", error: "INVALID_PRODUCER_EPOCH" }, "fail");

  it("errorSeen: quiet when the client's failed op carried the error, or an event recorded it; fires otherwise", () => {
    expect(errorSeen.run(r.input(), { client: "app-1", error: "PRODUCER_FENCED" })).toEqual([]);
    expect(errorSeen.run(r.input(), { client: "app-2", error: "INVALID_PRODUCER_EPOCH" })).toEqual([]);
    expect(errorSeen.run(r.input(), { client: "app-2", error: "PRODUCER_FENCED" })).toMatchObject([{ message: expect.stringMatching(/^no op of app-2 ended with PRODUCER_FENCED \(/) }]);
  });

  it("errorNotSeen: fires when the client saw it, quiet when another client did", () => {
    expect(errorNotSeen.run(r.input(), { client: "app-1", error: "PRODUCER_FENCED" })).toMatchObject([{ evidence: { client: "app-1", times: 1 } }]);
    expect(errorNotSeen.run(r.input(), { client: "app-2", error: "PRODUCER_FENCED" })).toEqual([]);
  });
});

describe("leaderless", () => {
  // The metadata the brokers published: leader broker-1, none from 10s to 25s, broker-2 after.
  const r = new Run().leader("t-0", "broker-1", 0, 1).leader("t-0", null, 1, 10).leader("t-0", "broker-2", 2, 25).leader("t-1", "broker-2", 0, 1);

  it("max: fires for a leaderless stretch longer than allowed, quiet within it", () => {
    expect(leaderless.run(r.input(), { partition: "t-0", max: 10_000 })).toMatchObject([{ evidence: { partition: "t-0", ms: 15_000 } }]);
    expect(leaderless.run(r.input(), { partition: "t-0", max: 15_000 })).toEqual([]);
    expect(leaderless.run(r.input(), { partition: "t-1", max: 0 })).toEqual([]);
  });

  it("min: quiet when an outage at least that long happened, fires when the partition always had a leader", () => {
    expect(leaderless.run(r.input(), { partition: "t-0", min: 12_000 })).toEqual([]);
    expect(leaderless.run(r.input(), { partition: "t-1", min: 1_000 })).toMatchObject([{ message: "t-1 was never without a leader for 1s (it always had one)" }]);
  });

  it("a stretch still open at the end counts to the end of the run", () => {
    const open = new Run().leader("t-0", null, 1, 10).send("p", "x", { at: 40, offset: 0 });
    expect(leaderless.run(open.input(), { partition: "t-0", max: 20_000 })).toMatchObject([{ evidence: { fromUs: 10e6, toUs: 40e6 + 1000 } }]);
  });
});

describe("consumerProgress", () => {
  const log = replica("broker-1", ["v0", "v1", "v2", "v3"], { leader: true });

  it("fires when records wait and the group reads nothing new for longer than the window", () => {
    const r = new Run().send("p", "v0", { at: 1, offset: 0 }).send("p", "v1", { at: 2, offset: 1 }).poll("m1", 3, [[0, "v0"], [1, "v1"]]).send("p", "v2", { at: 4, offset: 2 }).send("p", "v3", { at: 5, offset: 3 });
    // Re-reading old records at 20s is not progress.
    r.poll("m1", 20, [[0, "v0"]]).poll("m1", 30, [[2, "v2"], [3, "v3"]]);
    expect(consumerProgress.run(r.input([log]), { group: "g", within: 10_000 })).toMatchObject([{ evidence: { group: "g", partition: "t-0", frontier: 1, fromUs: 4e6 + 1000, toUs: 30e6 } }]);
  });

  it("stays quiet when the group keeps up, and when nothing is waiting", () => {
    const r = new Run().send("p", "v0", { at: 1, offset: 0 }).poll("m1", 2, [[0, "v0"]]).send("p", "v1", { at: 3, offset: 1 }).poll("m1", 8, [[1, "v1"]]).send("p", "v2", { at: 30, offset: 2 }).send("p", "v3", { at: 31, offset: 3 }).poll("m1", 35, [[2, "v2"], [3, "v3"]]);
    expect(consumerProgress.run(r.input([log]), { group: "g", within: 10_000 })).toEqual([]);
  });
});

describe("unconfirmedSends, and acks=0 is never an acknowledged loss (regression: acks-0-leader-crash)", () => {
  // acks=0: the client completes a, b and c with no offset. b never reached the log.
  const r = new Run().send("p", "a", { at: 1, acks0: true }).send("p", "b", { at: 2, acks0: true }).send("p", "c", { at: 3, acks0: true });
  const logs = [replica("broker-2", ["a", "c"], { leader: true })];

  it("unconfirmedSends counts the acks=0 sends that never appeared", () => {
    expect(unconfirmedSends.run(r.input(logs), null)).toMatchObject([{ evidence: { partition: "t-0", sent: 3, missing: 1 } }]);
  });

  it("with a span, tolerates missing sends that lie within it and reports those spread wider", () => {
    // b (sent at 2 s) and d (at 4.5 s) are missing: 2.5 s apart.
    const spread = new Run().send("p", "a", { at: 1, acks0: true }).send("p", "b", { at: 2, acks0: true }).send("p", "c", { at: 3, acks0: true }).send("p", "d", { at: 4.5, acks0: true }).send("p", "e", { at: 8, acks0: true });
    const log = [replica("broker-2", ["a", "c", "e"], { leader: true })];
    expect(unconfirmedSends.run(spread.input(log), 1000)).toMatchObject([{ evidence: { partition: "t-0", sent: 4, missing: 2 } }]);
    expect(unconfirmedSends.run(spread.input(log), 3000)).toEqual([]);
    expect(unconfirmedSends.run(r.input(logs), 1000)).toEqual([]);
    // Sends of the run's last second are still on their way: with a span they do not count.
    const late = new Run().send("p", "a", { at: 1, acks0: true }).send("p", "b", { at: 2, acks0: true }).send("p", "c", { at: 9.5, acks0: true });
    expect(unconfirmedSends.run(late.input([replica("broker-2", ["a"], { leader: true })]), 1000)).toEqual([]);
    expect(unconfirmedSends.run(late.input([replica("broker-2", ["a"], { leader: true })]), null)).toHaveLength(1);
  });

  it("stays quiet when every acks=0 send is in the log or was read", () => {
    expect(unconfirmedSends.run(r.input([replica("broker-2", ["a", "b", "c"], { leader: true })]), null)).toEqual([]);
  });

  it("lostAcknowledgedWrites does not count b: the client was never told it was written", () => {
    expect(lostAcknowledgedWrites.run(r.input(logs), null)).toEqual([]);
  });
});

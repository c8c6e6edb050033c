import { describe, expect, it } from "vitest";
import { toJepsenHistory } from "../../../src/check/kafkasim/toJepsen.js";
import { History, type SendValue } from "../../../src/workload/history.js";
import { replica } from "../../support/history.js";

// The cases behind toJepsen.test.ts's overview, one rule each: which lane, key, offset and field an op gets when
// kafkasim's history says less than usual (no offset, no partition, no completion), following the shape of
// Jepsen's Kafka workload (jepsen/src/jepsen/tests/kafka.clj: its docstring and `op->...` helpers).

type Ops = ReturnType<typeof toJepsenHistory>;
const sendValue = (value: string, extra: Partial<SendValue> = {}): SendValue => ({ topic: "t", partition: null, key: null, value, ...extra });
const summary = (ops: Ops) => ops.filter((o) => o.client !== "final-reader").map((o) => [o.client, o.process, o.type, o.f]);

describe("Jepsen processes: lanes per client life (a process runs one op at a time)", () => {
  it("a free lane is reused, most recently freed first; with none free a new lane is opened; clients never share lanes", () => {
    const h = new History();
    const a = h.invoke(1e6, "p", "send", sendValue("a"));
    h.complete(1.1e6, a, "ok", sendValue("a", { partition: 0, offset: 0 }));
    const b = h.invoke(2e6, "p", "send", sendValue("b")); // takes lane 0, the only free one
    const c = h.invoke(2.1e6, "p", "send", sendValue("c")); // none free: lane 1
    h.complete(3e6, b, "ok", sendValue("b", { partition: 0, offset: 1 }));
    h.complete(3.1e6, c, "ok", sendValue("c", { partition: 0, offset: 2 }));
    const d = h.invoke(4e6, "p", "send", sendValue("d")); // lane 1, freed last
    const e = h.invoke(4.1e6, "p", "send", sendValue("e")); // lane 0
    const q = h.invoke(4.2e6, "q", "send", sendValue("q")); // another client: a lane of its own
    h.complete(5e6, d, "ok", sendValue("d", { partition: 0, offset: 3 }));
    h.complete(5e6, e, "ok", sendValue("e", { partition: 0, offset: 4 }));
    h.complete(5e6, q, "ok", sendValue("q", { partition: 0, offset: 5 }));
    expect(summary(toJepsenHistory(h.ops, []))).toEqual([
      ["p", 0, "invoke", "send"],
      ["p", 0, "ok", "send"],
      ["p", 0, "invoke", "send"],
      ["p", 1, "invoke", "send"],
      ["p", 0, "ok", "send"],
      ["p", 1, "ok", "send"],
      ["p", 1, "invoke", "send"],
      ["p", 0, "invoke", "send"],
      ["q", 2, "invoke", "send"],
      ["p", 1, "ok", "send"],
      ["p", 0, "ok", "send"],
      ["q", 2, "ok", "send"],
    ]);
  });

  it("a restarted client's new life gets new lanes, and its ops (even those still open at the end) carry that life", () => {
    const h = new History();
    let life = 1;
    h.incarnationOf = () => life;
    const a = h.invoke(1e6, "p", "send", sendValue("a"));
    h.complete(1.1e6, a, "ok", sendValue("a", { partition: 0, offset: 0 }));
    life = 2;
    h.invoke(2e6, "p", "send", sendValue("b")); // never completes
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.map((o) => [o.process, o.type, o.incarnation])).toEqual([
      [0, "invoke", 1],
      [0, "ok", 1],
      [1, "invoke", 2],
      [1, "info", 2],
    ]);
  });

  it("a second completion of one invocation is dropped: Jepsen pairs an invocation with one completion", () => {
    const h = new History();
    const a = h.invoke(1e6, "p", "send", sendValue("a"));
    h.complete(1.1e6, a, "ok", sendValue("a", { partition: 0, offset: 0 }));
    h.complete(1.2e6, a, "ok", sendValue("a", { partition: 0, offset: 0 }));
    const t = h.invoke(2e6, "app", "txn", { app: "app", transactionalId: "tx", txn: "T1" });
    h.complete(2.1e6, t, "ok", { txn: "T1", values: [] });
    h.complete(2.2e6, t, "ok", { txn: "T1", values: [] });
    expect(summary(toJepsenHistory(h.ops, []))).toEqual([
      ["p", 0, "invoke", "send"],
      ["p", 0, "ok", "send"],
      ["app", 1, "invoke", "txn"],
      ["app", 1, "ok", "txn"],
    ]);
  });
});

describe("sends: offsets and fields (kafka.clj: a send completes as [:send k [offset v]])", () => {
  it("an acks=0 send says acks 0 on its invocation too; if it failed before it was sent it is :fail; never completed, :info with acks 0", () => {
    const h = new History();
    const a = h.invoke(1e6, "p", "send", sendValue("a", { acks: "0" }));
    h.complete(1.1e6, a, "fail", sendValue("a", { acks: "0", partition: 0 }), "TIMEOUT");
    h.invoke(2e6, "p", "send", sendValue("b", { acks: "0" })); // still open at the end
    const c = h.invoke(3e6, "q", "send", sendValue("c"));
    h.complete(3.1e6, c, "ok", sendValue("c", { partition: 0, offset: 0 }));
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.map((o) => [o.client, o.type, o.acks ?? "-", o.error ?? "-"])).toEqual([
      ["p", "invoke", 0, "-"],
      ["p", "fail", 0, "TIMEOUT"],
      ["p", "invoke", 0, "-"],
      ["q", "invoke", "-", "-"],
      ["q", "ok", "-", "-"],
      ["p", "info", 0, "-"],
    ]);
  });

  it("an acknowledged send whose offset is unknown (none, or -1) completes as [null v]; offset 0 is an offset", () => {
    const h = new History();
    const send = (value: string, offset: number | undefined, at: number) => {
      const i = h.invoke(at * 1e6, "p", "send", sendValue(value));
      h.complete(at * 1e6 + 1, i, "ok", sendValue(value, { partition: 0, ...(offset !== undefined ? { offset } : {}) }));
    };
    send("a", undefined, 1);
    send("b", -1, 2);
    send("c", 0, 3);
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.filter((o) => o.type === "ok").map((o) => o.value)).toEqual([[["send", "t-0", [null, "a"]]], [["send", "t-0", [null, "b"]]], [["send", "t-0", [0, "c"]]]]);
  });

  it("an op carries error and isolation only when it has them (no keys set to undefined)", () => {
    const h = new History();
    const a = h.invoke(1e6, "p", "send", sendValue("a"));
    h.complete(1.1e6, a, "ok", sendValue("a", { partition: 0, offset: 0 }));
    h.event(1.5e6, "c", "assign", { topic: "t", partitions: [0] });
    const r = h.invoke(2e6, "c", "poll", null); // an assign() consumer's poll: no isolation recorded
    h.complete(2.1e6, r, "ok", { "t-0": [[0, "a"]] });
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    for (const o of ops) {
      expect(Object.keys(o)).not.toContain("error");
      expect(Object.keys(o)).not.toContain("isolation");
      expect(Object.keys(o)).not.toContain("rebalance-log");
    }
  });

  it("a poll that completed ok carries no error: only a poll that threw has one", () => {
    const h = new History();
    const r = h.invoke(1e6, "c", "poll", null);
    h.complete(1.1e6, r, "ok", { "t-0": [] }, "COORDINATOR_NOT_AVAILABLE");
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.map((o) => [o.type, o.error])).toEqual([
      ["invoke", undefined],
      ["ok", undefined],
    ]);
  });
});

describe("transactions: one txn op (kafka.clj: :txn with its micro-ops)", () => {
  it("holds every send of the transaction; only acknowledged ones have offsets: one in flight or failed when it ended has none", () => {
    const h = new History();
    const t = h.invoke(1e6, "app", "txn", { app: "app", transactionalId: "tx", txn: "T1" });
    const s = (value: string) => h.invoke(1.1e6, "app", "send", sendValue(value, { txn: "T1" }));
    const a = s("a");
    const b = s("b");
    const c = s("c");
    s("d"); // never completed: no partition known (no logs), so `t-?`
    h.complete(1.2e6, a, "ok", sendValue("a", { txn: "T1", partition: 0, offset: 0 }));
    h.complete(1.2e6, b, "ok", sendValue("b", { txn: "T1", partition: 0, offset: -1 }));
    h.complete(1.2e6, c, "fail", sendValue("c", { txn: "T1", partition: 0 }), "INVALID_TXN_STATE");
    h.complete(2e6, t, "fail", { txn: "T1", values: [] }, "INVALID_TXN_STATE");
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.map((o) => [o.type, o.value, o.txn, o.error])).toEqual([
      ["invoke", [["send", "t-0", "a"], ["send", "t-0", "b"], ["send", "t-0", "c"], ["send", "t-?", "d"]], "T1", undefined],
      ["fail", [["send", "t-0", [0, "a"]], ["send", "t-0", "b"], ["send", "t-0", "c"], ["send", "t-?", "d"]], "T1", "INVALID_TXN_STATE"],
    ]);
  });

  it("a transaction that sent nothing is a txn op with no micro-ops, open or closed", () => {
    const h = new History();
    const t = h.invoke(1e6, "app", "txn", { app: "app", transactionalId: "tx", txn: "T1" });
    h.complete(2e6, t, "ok", { txn: "T1", values: [] });
    h.invoke(3e6, "app", "txn", { app: "app", transactionalId: "tx", txn: "T2" }); // open at the end
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.map((o) => [o.type, o.value, o.txn])).toEqual([
      ["invoke", [], "T1"],
      ["ok", [], "T1"],
      ["invoke", [], "T2"],
      ["info", [], "T2"],
    ]);
  });

  it("only an ok poll right before a transaction goes into it: a failed poll is its own op, and the next transaction has no poll", () => {
    const h = new History();
    const r = h.invoke(1e6, "rpw", "poll", null);
    h.complete(1.1e6, r, "fail", null, "OFFSET_OUT_OF_RANGE");
    const t1 = h.invoke(2e6, "rpw", "txn", { app: "rpw", transactionalId: "tx", txn: "T1" });
    h.complete(2.1e6, t1, "ok", { txn: "T1", values: [] });
    const t2 = h.invoke(3e6, "rpw", "txn", { app: "rpw", transactionalId: "tx", txn: "T2" });
    h.complete(3.1e6, t2, "ok", { txn: "T2", values: [] });
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.map((o) => [o.f, o.type, o.value])).toEqual([
      ["poll", "invoke", [["poll"]]],
      ["poll", "fail", [["poll"]]],
      ["txn", "invoke", []],
      ["txn", "ok", []],
      ["txn", "invoke", []],
      ["txn", "ok", []],
    ]);
  });

  it("a poll made while a transaction is open is its own poll op, on a lane of its own (only a poll before the txn goes into it)", () => {
    const h = new History();
    const t = h.invoke(1e6, "rpw", "txn", { app: "rpw", transactionalId: "tx", txn: "T1" });
    const r = h.invoke(1.1e6, "rpw", "poll", null);
    h.complete(1.2e6, r, "ok", { "in-0": [[0, "x"]] });
    h.complete(2e6, t, "ok", { txn: "T1", values: [] });
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.map((o) => [o.process, o.f, o.type, o.value])).toEqual([
      [0, "txn", "invoke", []],
      [1, "poll", "invoke", [["poll"]]],
      [1, "poll", "ok", [["poll", { "in-0": [[0, "x"]] }]]],
      [0, "txn", "ok", []],
    ]);
  });

  it("a failed begin that did not follow an ok poll adds no op (neither after a transaction nor after a failed poll)", () => {
    const h = new History();
    const t1 = h.invoke(1e6, "rpw", "txn", { app: "rpw", transactionalId: "tx", txn: "T1" });
    h.complete(1.1e6, t1, "ok", { txn: "T1", values: [] });
    h.event(2e6, "rpw", "txn-begin", { transactionalId: "tx", error: "PRODUCER_FENCED" }, "fail");
    const r = h.invoke(3e6, "rpw", "poll", null);
    h.complete(3.1e6, r, "fail", null, "OFFSET_OUT_OF_RANGE");
    h.event(4e6, "rpw", "txn-begin", { transactionalId: "tx", error: "PRODUCER_FENCED" }, "fail");
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.map((o) => [o.f, o.type])).toEqual([
      ["txn", "invoke"],
      ["txn", "ok"],
      ["poll", "invoke"],
      ["poll", "fail"],
    ]);
  });

  it("a transaction with no poll in it leaves the rebalances since the last poll to the next poll (kafka.clj: :rebalance-log)", () => {
    const h = new History();
    h.event(0.5e6, "rpw", "assigned", { group: "g", generation: 1, memberId: "m", partitions: ["in-0"], protocol: "range" });
    const t = h.invoke(1e6, "rpw", "txn", { app: "rpw", transactionalId: "tx", txn: "T1" });
    h.complete(1.1e6, t, "ok", { txn: "T1", values: [] });
    const r = h.invoke(2e6, "rpw", "poll", { group: "g", isolation: "read_committed" });
    h.complete(2.1e6, r, "ok", { "in-0": [] });
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.map((o) => [o.f, o.type, o["rebalance-log"] ?? null])).toEqual([
      ["subscribe", "invoke", null],
      ["subscribe", "ok", null],
      ["txn", "invoke", null],
      ["txn", "ok", null],
      ["poll", "invoke", null],
      ["poll", "ok", [{ keys: ["in-0"] }]],
    ]);
  });
});

describe("polls and subscribes (kafka.clj: :subscribe before a group member's polls; :rebalance-log on polls)", () => {
  it("a group member with no rebalance yet subscribes at its first poll, to the partitions its polls read; two polls in a row are two ops", () => {
    const h = new History();
    for (const [at, records] of [
      [1, [[0, "a"]]],
      [2, [[1, "b"]]],
    ] as const) {
      const r = h.invoke(at * 1e6, "c", "poll", { group: "g", isolation: "read_committed" });
      h.complete(at * 1e6 + 1, r, "ok", { "t-3": records });
    }
    const ops = toJepsenHistory(h.ops, [], { finalReads: false });
    expect(ops.map((o) => [o.f, o.type, o.time, o.value])).toEqual([
      ["subscribe", "invoke", 1e9, ["t-3"]],
      ["subscribe", "ok", 1e9, ["t-3"]],
      ["poll", "invoke", 1e9, [["poll"]]],
      ["poll", "ok", 1e9 + 1000, [["poll", { "t-3": [[0, "a"]] }]]],
      ["poll", "invoke", 2e9, [["poll"]]],
      ["poll", "ok", 2e9 + 1000, [["poll", { "t-3": [[1, "b"]] }]]],
    ]);
  });

  it("a restarted member subscribes again in its new life, and the subscribe carries that life", () => {
    const h = new History();
    let life = 1;
    h.incarnationOf = () => life;
    const member = () => {
      const r = h.invoke(life * 1e6, "c", "poll", { group: "g", isolation: "read_committed" });
      h.complete(life * 1e6 + 1, r, "ok", { "t-0": [] });
    };
    member();
    life = 2;
    member();
    const subscribes = toJepsenHistory(h.ops, [], { finalReads: false }).filter((o) => o.f === "subscribe");
    expect(subscribes.map((o) => [o.type, o.incarnation, o.time])).toEqual([
      ["invoke", 1, 1e9],
      ["ok", 1, 1e9],
      ["invoke", 2, 2e9],
      ["ok", 2, 2e9],
    ]);
  });

  it("a rebalance that moved no partition leaves no rebalance-log", () => {
    const h = new History();
    h.event(0.5e6, "c", "assigned", { group: "g", generation: 1, memberId: "m", partitions: [], protocol: "range" });
    const r = h.invoke(1e6, "c", "poll", { group: "g", isolation: "read_committed" });
    h.complete(1.1e6, r, "ok", { "t-0": [] });
    const polls = toJepsenHistory(h.ops, [], { finalReads: false }).filter((o) => o.f === "poll");
    expect(polls.map((o) => Object.keys(o).includes("rebalance-log"))).toEqual([false, false]);
  });

  it("a member that never polled still subscribes at its first rebalance (assigned, revoked or lost), to every known partition of its topics, in name and number order", () => {
    const h = new History();
    const rebalance = (at: number, client: string, f: string, partitions: string[]) => h.event(at * 1e6, client, f, { group: "g", generation: 1, memberId: client, partitions, protocol: "range" });
    rebalance(1, "assigned-only", "assigned", ["b-10", "a-1", "z-0"]);
    rebalance(2, "revoked-only", "revoked", ["a-1"]);
    rebalance(3, "lost-only", "lost", ["b-2"]);
    // Partitions known from the final logs, in no order; topic z is seen nowhere, so it has no known partition.
    const logs = [replica("broker-1", [], { leader: true, tp: ["b", 10] }), replica("broker-1", [], { leader: true, tp: ["b", 2] }), replica("broker-1", [], { leader: true, tp: ["a", 1] }), replica("broker-1", [], { leader: true, tp: ["b", 0] })];
    const ops = toJepsenHistory(h.ops, logs, { finalReads: false });
    expect(ops.map((o) => [o.client, o.f, o.type, o.value])).toEqual([
      ["assigned-only", "subscribe", "invoke", ["a-1", "b-0", "b-2", "b-10"]],
      ["assigned-only", "subscribe", "ok", ["a-1", "b-0", "b-2", "b-10"]],
      ["revoked-only", "subscribe", "invoke", ["a-1"]],
      ["revoked-only", "subscribe", "ok", ["a-1"]],
      ["lost-only", "subscribe", "invoke", ["b-0", "b-2", "b-10"]],
      ["lost-only", "subscribe", "ok", ["b-0", "b-2", "b-10"]],
    ]);
  });

  it("a lost partition the member was never assigned still goes in the next poll's rebalance-log", () => {
    const h = new History();
    h.event(0.5e6, "c", "lost", { group: "g", generation: 1, memberId: "m", partitions: ["t-1"], protocol: "range" });
    const r = h.invoke(1e6, "c", "poll", { group: "g", isolation: "read_committed" });
    h.complete(1.1e6, r, "ok", { "t-0": [] });
    const ok = toJepsenHistory(h.ops, [], { finalReads: false }).find((o) => o.f === "poll" && o.type === "ok");
    expect(ok?.["rebalance-log"]).toEqual([{ keys: ["t-1"] }]);
  });
});

describe("a send's key when the client never learned its partition", () => {
  it("an acknowledged send's partition is its invocation's key too; a send never completed goes where its value was seen, else `topic-?`", () => {
    const h = new History();
    const a = h.invoke(1e6, "p", "send", sendValue("a"));
    h.complete(1.1e6, a, "ok", sendValue("a", { partition: 1, offset: 0 }));
    h.invoke(2e6, "p", "send", sendValue("b")); // never completed, seen nowhere
    const logs = [replica("broker-1", [], { leader: true, tp: ["t", 0] }), replica("broker-1", [], { leader: true, tp: ["t", 1] })];
    const ops = toJepsenHistory(h.ops, logs, { finalReads: false });
    expect(ops.map((o) => [o.type, (o.value as unknown[][])[0][1]])).toEqual([
      ["invoke", "t-1"],
      ["ok", "t-1"],
      ["invoke", "t-?"],
      ["info", "t-?"],
    ]);
  });

  it("a topic known only from a poll of partition 3 has that one partition; a topic known nowhere gives `topic-?`; a value seen in another topic of the same name length is not this topic's", () => {
    const h = new History();
    const unknown = (topic: string, value: string, at: number) => {
      const i = h.invoke(at * 1e6, "p", "send", { topic, partition: null, key: null, value });
      h.complete(at * 1e6 + 1, i, "info", { topic, partition: null, key: null, value }, "REQUEST_TIMED_OUT");
    };
    const r = h.invoke(0.5e6, "c", "poll", null);
    h.complete(0.5e6, r, "ok", { "v-3": [[0, "x"]], "u-0": [[0, "in-u"]] });
    unknown("v", "y", 1);
    unknown("w", "z", 2);
    unknown("t", "in-u", 3); // t has two partitions, and in-u was read from u-0 only
    const logs = [replica("broker-1", [], { leader: true, tp: ["t", 0] }), replica("broker-1", [], { leader: true, tp: ["t", 1] })];
    const keys = toJepsenHistory(h.ops, logs, { finalReads: false })
      .filter((o) => o.f === "send" && o.type === "invoke")
      .map((o) => (o.value as unknown[][])[0][1]);
    expect(keys).toEqual(["v-3", "w-?", "t-?"]);
  });
});

describe("the final reader (kafka.clj's final polls)", () => {
  it("assigns every partition in name order, however many and in whatever order the logs come", () => {
    const logs = ["t-10", "s-0", "t-2", "t-1"].map((tp) => replica("broker-1", [`${tp}:v`], { leader: true, tp: [tp.split("-")[0], Number(tp.split("-")[1])] }));
    const ops = toJepsenHistory([], logs);
    expect(ops[0].value).toEqual(["s-0", "t-1", "t-10", "t-2"]);
    expect(Object.keys((ops[3].value as [string, Record<string, unknown>][])[0][1])).toEqual(["s-0", "t-1", "t-10", "t-2"]);
  });
});

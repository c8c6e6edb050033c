import { describe, expect, it } from "vitest";
import { toJepsenHistory } from "../../../src/check/kafkasim/toJepsen.js";
import { History, type SendValue } from "../../../src/workload/history.js";
import { replica } from "../../support/history.js";

/** A kafkasim history told in seconds; `life` is which life of its process each op comes from. */
function story() {
  const h = new History();
  let life = 1;
  h.incarnationOf = () => life;
  const send = (p: string, value: string, at: number, done?: { at: number; offset?: number; type?: "ok" | "fail" | "info"; acks0?: boolean; txn?: string; partition?: number }) => {
    const v: SendValue = { topic: "t", partition: null, key: null, value, ...(done?.acks0 ? { acks: "0" as const } : {}), ...(done?.txn ? { txn: done.txn } : {}) };
    const inv = h.invoke(at * 1e6, p, "send", v);
    if (done) h.complete(done.at * 1e6, inv, done.type ?? "ok", { ...v, partition: done.partition ?? 0, ...(done.offset !== undefined ? { offset: done.offset } : {}) }, done.type === "fail" ? "NOT_ENOUGH_REPLICAS" : undefined);
    return inv;
  };
  return { h, send, restart: () => life++ };
}

describe("kafkasim history → Jepsen's Kafka shape", () => {
  it("sends: ok with [offset v], failed ones :fail, acks=0 ones :info (never acknowledged), unfinished ones :info at the end", () => {
    const { h, send } = story();
    send("p", "a", 1, { at: 1.1, offset: 0 });
    send("p", "b", 2, { at: 2.1, type: "fail" });
    send("p", "c", 3, { at: 3, acks0: true, offset: -1 });
    send("p", "d", 4); // the producer crashed before d had an outcome
    const ops = toJepsenHistory(h.ops, [replica("broker-1", ["a", "c"], { leader: true })]);
    const sends = ops.filter((o) => o.f === "send" && o.type !== "invoke").map((o) => [o.type, o.value, o.acks ?? null]);
    expect(sends).toEqual([
      ["ok", [["send", "t-0", [0, "a"]]], null],
      ["fail", [["send", "t-0", "b"]], null],
      ["info", [["send", "t-0", "c"]], 0],
      ["info", [["send", "t-0", "d"]], null],
    ]);
    // Last, the final reader: assign every partition from the beginning, poll what read_committed would read.
    expect(ops.slice(-2).map((o) => [o.client, o.f, o.type, o.value])).toEqual([
      ["final-reader", "poll", "invoke", [["poll"]]],
      ["final-reader", "poll", "ok", [["poll", { "t-0": [[0, "a"], [1, "c"]] }]]],
    ]);
  });

  it("gives every op an integer process running one op at a time: a producer with sends in flight uses lanes", () => {
    const { h, send } = story();
    const a = send("p", "a", 1);
    const b = send("p", "b", 1.1);
    h.complete(2e6, a, "ok", { topic: "t", partition: 0, key: null, value: "a", offset: 0 });
    h.complete(2.1e6, b, "ok", { topic: "t", partition: 0, key: null, value: "b", offset: 1 });
    send("p", "c", 3, { at: 3.1, offset: 2 });
    const ops = toJepsenHistory(h.ops, []);
    expect(ops.map((o) => [o.process, o.type, o.client])).toEqual([
      [0, "invoke", "p"],
      [1, "invoke", "p"],
      [0, "ok", "p"],
      [1, "ok", "p"],
      [1, "invoke", "p"],
      [1, "ok", "p"],
    ]);
  });

  it("a restarted client is a new process: its life is on every op", () => {
    const { h, send, restart } = story();
    send("p", "a", 1, { at: 1.1, offset: 0 });
    restart();
    send("p", "b", 5, { at: 5.1, offset: 1 });
    const ops = toJepsenHistory(h.ops, []);
    expect(ops.map((o) => [o.client, o.incarnation])).toEqual([
      ["p", 1],
      ["p", 1],
      ["p", 2],
      ["p", 2],
    ]);
  });

  it("a transaction is one txn op with its sends; a read-process-write app's poll goes into its transaction, rebalances with it", () => {
    const { h, send } = story();
    h.event(0.5e6, "rpw", "assigned", { group: "g", generation: 1, memberId: "m", partitions: ["in-0"], protocol: "range" });
    const poll = h.invoke(1e6, "rpw", "poll", { group: "g", isolation: "read_committed" });
    h.complete(1e6, poll, "ok", { "in-0": [[7, "x"]] });
    const txn = h.invoke(1e6, "rpw", "txn", { app: "rpw", transactionalId: "tx", txn: "T1" });
    send("rpw", "in-0@7#T1", 1.1, { at: 1.2, offset: 3, txn: "T1" });
    h.complete(2e6, txn, "ok", { txn: "T1", values: ["in-0@7#T1"] });
    const ops = toJepsenHistory(h.ops, []);
    const txnOps = ops.filter((o) => o.f === "txn");
    expect(txnOps.map((o) => [o.type, o.value])).toEqual([
      ["invoke", [["poll"], ["send", "t-0", "in-0@7#T1"]]],
      ["ok", [["poll", { "in-0": [[7, "x"]] }], ["send", "t-0", [3, "in-0@7#T1"]]]],
    ]);
    expect(txnOps[1]).toMatchObject({ txn: "T1", isolation: "read_committed", "rebalance-log": [{ keys: ["in-0"] }] });
    // A group member subscribes (to every known partition of its topics) before its first poll.
    expect(ops.filter((o) => o.f === "subscribe").map((o) => [o.type, o.value])).toEqual([
      ["invoke", ["in-0"]],
      ["ok", ["in-0"]],
    ]);
    expect(ops.some((o) => o.f === "poll")).toBe(false);
  });
});

describe("kafkasim history → Jepsen's Kafka shape: the rest of a client's life", () => {
  const pick = (ops: ReturnType<typeof toJepsenHistory>) => ops.map((o) => ({ p: o.process, type: o.type, f: o.f, value: o.value, ...(o.error !== undefined ? { error: o.error } : {}), ...(o.isolation !== undefined ? { isolation: o.isolation } : {}), ...(o["rebalance-log"] !== undefined ? { log: o["rebalance-log"] } : {}) }));

  it("a read-process-write app that polled but could not begin its transaction: one failed txn op carrying the poll", () => {
    const h = new History();
    h.event(0.5e6, "rpw", "revoked", { group: "g", generation: 1, memberId: "m", partitions: ["in-0"], protocol: "range" });
    const poll = h.invoke(1e6, "rpw", "poll", { group: "g", isolation: "read_committed" });
    h.complete(1.5e6, poll, "ok", { "in-0": [[7, "x"]] });
    h.event(2e6, "rpw", "txn-begin", { transactionalId: "tx", error: "PRODUCER_FENCED" }, "fail");
    h.event(3e6, "other", "txn-begin", { transactionalId: "tx2", error: "PRODUCER_FENCED" }, "fail"); // no poll before: nothing
    const txnOps = toJepsenHistory(h.ops, []).filter((o) => o.f !== "subscribe");
    expect(pick(txnOps)).toEqual([
      { p: 0, type: "invoke", f: "txn", value: [["poll"]] },
      { p: 0, type: "fail", f: "txn", value: [["poll", { "in-0": [[7, "x"]] }]], error: "PRODUCER_FENCED", isolation: "read_committed", log: [{ keys: ["in-0"] }] },
    ]);
    expect(txnOps.map((o) => o.time)).toEqual([1.5e9, 2e9]);
  });

  it("polls: one that threw fails with its error and read nothing; rebalances since the last poll ride on the next one, once", () => {
    const h = new History();
    h.event(0.5e6, "c", "assigned", { group: "g", generation: 1, memberId: "m", partitions: ["t-0", "t-1"], protocol: "range" });
    h.event(0.6e6, "c", "lost", { group: "g", generation: 1, memberId: "m", partitions: ["t-1"], protocol: "range" });
    const a = h.invoke(1e6, "c", "poll", { group: "g", isolation: "read_uncommitted" });
    h.complete(1.2e6, a, "fail", null, "OFFSET_OUT_OF_RANGE");
    const b = h.invoke(2e6, "c", "poll", { group: "g", isolation: "read_uncommitted" });
    h.complete(2.2e6, b, "ok", { "t-0": [[0, "v"]] });
    const ops = toJepsenHistory(h.ops, []);
    expect(pick(ops)).toEqual([
      // Every partition of its topics known from polls and logs: t-1 was never seen anywhere.
      { p: 0, type: "invoke", f: "subscribe", value: ["t-0"] },
      { p: 0, type: "ok", f: "subscribe", value: ["t-0"] },
      { p: 0, type: "invoke", f: "poll", value: [["poll"]] },
      { p: 0, type: "fail", f: "poll", value: [["poll"]], error: "OFFSET_OUT_OF_RANGE", isolation: "read_uncommitted", log: [{ keys: ["t-0", "t-1"] }] },
      { p: 0, type: "invoke", f: "poll", value: [["poll"]] },
      { p: 0, type: "ok", f: "poll", value: [["poll", { "t-0": [[0, "v"]] }]], isolation: "read_uncommitted" },
    ]);
    expect(ops.map((o) => o.time)).toEqual([0.5e9, 0.5e9, 1e9, 1.2e9, 2e9, 2.2e9]);
  });

  it("an assign() consumer: one assign op of its keys, and its polls need no subscribe", () => {
    const h = new History();
    h.event(1e6, "c", "assign", { topic: "t", partitions: [1, 0] });
    const a = h.invoke(2e6, "c", "poll", null);
    h.complete(2e6, a, "ok", { "t-1": [] });
    expect(pick(toJepsenHistory(h.ops, [])).slice(0, 2)).toEqual([
      { p: 0, type: "invoke", f: "assign", value: ["t-1", "t-0"] },
      { p: 0, type: "ok", f: "assign", value: ["t-1", "t-0"] },
    ]);
    expect(toJepsenHistory(h.ops, []).map((o) => o.f)).toEqual(["assign", "assign", "poll", "poll"]);
  });

  it("a transaction still open at the end is :info with its sends (no offsets), and an :info lane is retired", () => {
    const h = new History();
    const t = h.invoke(1e6, "app", "txn", { app: "app", transactionalId: "tx", txn: "T9" });
    const s = h.invoke(1.1e6, "app", "send", { topic: "t", partition: null, key: null, value: "a", txn: "T9" });
    h.complete(1.2e6, s, "ok", { topic: "t", partition: 0, key: null, value: "a", offset: 4, txn: "T9" });
    const lost = h.invoke(2e6, "p", "send", { topic: "t", partition: null, key: null, value: "b" });
    h.complete(3e6, lost, "info", { topic: "t", partition: 0, key: null, value: "b" }, "REQUEST_TIMED_OUT");
    const next = h.invoke(4e6, "p", "send", { topic: "t", partition: null, key: null, value: "c" });
    h.complete(5e6, next, "ok", { topic: "t", partition: 0, key: null, value: "c", offset: 5 });
    void t;
    const ops = toJepsenHistory(h.ops, []);
    expect(ops.filter((o) => o.f === "send").map((o) => [o.process, o.type])).toEqual([
      [1, "invoke"],
      [1, "info"],
      [2, "invoke"],
      [2, "ok"],
    ]);
    expect(ops.filter((o) => o.f === "txn").map((o) => ({ type: o.type, time: o.time, value: o.value, txn: o.txn }))).toEqual([
      { type: "invoke", time: 1e9, value: [["send", "t-0", "a"]], txn: "T9" },
      { type: "info", time: 5e9, value: [["send", "t-0", [4, "a"]]], txn: "T9" },
    ]);
  });

  it("a send whose partition the client never learned goes to the topic's only partition, else where its value was seen, else `topic-?`", () => {
    const h = new History();
    const send = (topic: string, value: string, at: number) => {
      const i = h.invoke(at * 1e6, "p", "send", { topic, partition: null, key: null, value });
      h.complete(at * 1e6 + 1, i, "info", { topic, partition: null, key: null, value }, "REQUEST_TIMED_OUT");
    };
    send("one", "o", 1); // one partition known (its log): one-0
    send("t", "seen-in-log", 2); // t has t-0 and t-1: found in t-1's log
    send("t", "seen-in-poll", 3); // found by a poll of t-0
    send("t", "nowhere", 4);
    send("t", "elsewhere", 5); // seen only in tt-0 and t-b-0: other topics
    const q = h.invoke(6e6, "c", "poll", null);
    h.complete(6e6, q, "ok", { "t-0": [[0, "seen-in-poll"]], "tt-0": [[0, "elsewhere"]], "t-b-0": [[0, "elsewhere"]] });
    const logs = [replica("broker-1", ["x"], { leader: true, tp: ["one", 0] }), replica("broker-1", ["seen-in-log"], { leader: true, tp: ["t", 1] }), replica("broker-1", [], { leader: true, tp: ["t", 0] })];
    const keys = toJepsenHistory(h.ops, logs, { finalReads: false })
      .filter((o) => o.f === "send" && o.type === "invoke")
      .map((o) => (o.value as unknown[][])[0][1]);
    expect(keys).toEqual(["one-0", "t-1", "t-0", "t-?", "t-?"]);
  });

  it("the final reader assigns every partition in name order and reads what read_committed would: below the first open transaction, no aborted records", () => {
    const b = replica("broker-1", ["b0", "b1", "b2", "b3"], { leader: true, tp: ["t", 1] });
    b.records[1].aborted = true;
    b.records[2].aborted = "open";
    const a = replica("broker-1", ["a0"], { leader: true, tp: ["t", 0] });
    const ops = toJepsenHistory([], [b, a]);
    expect(ops.map((o) => ({ p: o.process, type: o.type, f: o.f, value: o.value, time: o.time, client: o.client }))).toEqual([
      { p: 0, type: "invoke", f: "assign", value: ["t-0", "t-1"], time: 1, client: "final-reader" },
      { p: 0, type: "ok", f: "assign", value: ["t-0", "t-1"], time: 1, client: "final-reader" },
      { p: 0, type: "invoke", f: "poll", value: [["poll"]], time: 1, client: "final-reader" },
      { p: 0, type: "ok", f: "poll", value: [["poll", { "t-0": [[0, "a0"]], "t-1": [[0, "b0"]] }]], time: 2, client: "final-reader" },
    ]);
    expect(ops[0]["seek-to-beginning?"]).toBe(true);
    expect(ops[3].isolation).toBe("read_committed");
    expect(toJepsenHistory([], [])).toEqual([]);
    expect(toJepsenHistory([], [a], { finalReads: false })).toEqual([]);
  });
});

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

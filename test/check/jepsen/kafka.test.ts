import { describe, expect, it } from "vitest";
import { analyzeKafkaHistory } from "../../../src/check/jepsen/analysis.js";
import { IndexedHistory } from "../../../src/check/jepsen/indexedHistory.js";
import { opMaxOffsets, realtimeLag, worstRealtimeLag } from "../../../src/check/jepsen/realtimeLag.js";
import { unseenSeries } from "../../../src/check/jepsen/unseen.js";
import { errors, history, o, verdict } from "../../support/jepsen.js";

/**
 * Jepsen's own tests of its Kafka analysis (jepsen `jepsen/test/jepsen/tests/kafka_test.clj`), case by case, each
 * with its story. Keywords are strings (:x is "x"); ops are referred to by their position, as Jepsen's `h/history`
 * numbers them. Where Jepsen's answer depends on Clojure's hash order (which value of an offset conflict becomes
 * the version order's representative, the rotation of a cycle), kafkasim picks deterministically and says so.
 */

describe("version orders (kafka_test version-orders-test, log->…-index tests)", () => {
  it("reads offsets from polls, and from sends whose op must have committed; a conflict is inconsistent-offsets", () => {
    // Read [a b] at offsets 0 and 1, but an info txn wrote c at 1, b at 3 and d at 4. Though it crashed, it must
    // have committed: someone read b. Values are Jepsen's keywords (":a" is how kafkasim reads EDN's :a).
    const h = [
      { index: 0, process: 0, type: "ok" as const, f: "txn", value: [["poll", { x: [[0, ":a"], [1, ":b"]] }]] },
      { index: 1, process: 1, type: "info" as const, f: "txn", value: [["send", "x", [1, ":c"]], ["send", "x", [3, ":b"]], ["send", "x", [4, ":d"]]] },
    ];
    const a = analyzeKafkaHistory(history(h));
    const x = a.ctx.h.keys.id.get("x")!;
    const order = a.ctx.vo.orders[x];
    const vals = a.ctx.h.keys.values[x];
    // The raw log has a gap at offset 2.
    expect(Array.from(order.offsets)).toEqual([0, 1, 3, 4]);
    // Jepsen's :by-index [:a :c :b :d]: `first` of #{:b :c} is :c in Clojure's hash order; :by-value {:a 0, :b 2, :c 1, :d 3}.
    expect(Array.from(order.byIndex, (v) => vals[v])).toEqual([":a", ":c", ":b", ":d"]);
    expect(Object.fromEntries([":a", ":b", ":c", ":d"].map((v) => [v, order.byValue[a.ctx.h.keys.idOf(x, v)!]]))).toEqual({ ":a": 0, ":b": 2, ":c": 1, ":d": 3 });
    expect(errors(h)["inconsistent-offsets"]).toEqual([{ key: "x", offset: 1, index: 1, values: [":b", ":c"] }]);
    // kafkasim's own run views pick the first observed value instead (AnalysisOptions.hashOrder false).
    const first = analyzeKafkaHistory(history(h), { hashOrder: false });
    expect(Array.from(first.ctx.vo.orders[x].byIndex, (v) => vals[v])).toEqual([":a", ":b", ":b", ":d"]);
  });

  it("a real-world example: two acknowledged sends at one offset", () => {
    const h = [
      { index: 0, type: "invoke" as const, f: "send", value: [["send", 11, 641]], time: 280153467070, process: 379 },
      { index: 1, type: "ok" as const, f: "send", value: [["send", 11, [537, 641]]], time: 280169754615, process: 379 },
      { index: 2, type: "invoke" as const, f: "send", value: [["send", 11, 645]], time: 283654729962, process: 363 },
      { index: 3, type: "ok" as const, f: "send", value: [["send", 11, [537, 645]]], time: 287474569112, process: 363 },
    ];
    expect(errors(h)["inconsistent-offsets"]).toEqual([{ key: 11, index: 0, offset: 537, values: [641, 645] }]);
  });

  it("first and last index of each value skip the log's holes (log->value->first-index, log->last-index->values)", () => {
    // The log [nil #{a} #{a b c} nil #{c} #{c d} #{d}] from Jepsen's test, written as polls at offsets 1, 2, 4, 5, 6.
    const h = [o(0, 0, "ok", "poll", [["poll", { x: [[1, "a"], [2, "a"], [2, "b"], [2, "c"], [4, "c"], [5, "c"], [5, "d"], [6, "d"]] }]])];
    const a = analyzeKafkaHistory(history(h));
    const x = a.ctx.h.keys.id.get("x")!;
    const order = a.ctx.vo.orders[x];
    const idOf = (v: string) => a.ctx.h.keys.idOf(x, v)!;
    expect(["a", "b", "c", "d"].map((v) => order.firstIndex[idOf(v)])).toEqual([0, 1, 1, 3]);
    // log->last-index->values: [nil #{a b} nil #{c} #{d}]
    expect(["a", "b", "c", "d"].map((v) => order.lastIndex[idOf(v)])).toEqual([1, 1, 3, 4]);
  });
});

describe("inconsistent-offsets (kafka_test inconsistent-offsets-test)", () => {
  // An info send conflicts with an ok send at x offset 0. We can assume the info one did not commit.
  const send1 = o(0, 0, "invoke", "send", [["send", "x", 1], ["send", "y", 1]]);
  const send1done = o(1, 0, "info", "send", [["send", "x", [0, 1]], ["send", "y", 1]]);
  const send2 = o(2, 1, "invoke", "send", [["send", "x", 2]]);
  const send2done = o(3, 1, "ok", "send", [["send", "x", [0, 2]]]);

  it("stays quiet while the info send may not have committed", () => {
    expect(errors([send1, send1done, send2, send2done])["inconsistent-offsets"]).toBeUndefined();
  });

  it("fires once a read of the info send's y proves it committed: x offset 0 holds 1 and 2", () => {
    const poll = o(4, 2, "invoke", "poll", [["poll"]]);
    const pollDone = o(5, 2, "ok", "poll", [["poll", { y: [[5, 1]] }]]);
    expect(errors([send1, send1done, send2, send2done, poll, pollDone])["inconsistent-offsets"]).toEqual([{ key: "x", index: 0, offset: 0, values: [1, 2] }]);
  });
});

describe("G1a (kafka_test g1a-test)", () => {
  it("fires when a failed write is visible to a committed read", () => {
    const h = [
      o(0, 0, "invoke", "send", [["send", "x", 2], ["send", "y", 3]]),
      o(1, 0, "fail", "send", [["send", "x", 2], ["send", "y", 3]]),
      o(2, 1, "invoke", "poll", [["poll"]]),
      o(3, 1, "ok", "poll", [["poll", { x: [[0, 2]] }]]),
    ];
    expect(errors(h).G1a).toEqual([{ reader: 3, writer: 1, key: "x", value: 2 }]);
  });

  it("stays quiet when the write that was read succeeded", () => {
    const h = [
      o(0, 0, "invoke", "send", [["send", "x", 2]]),
      o(1, 0, "ok", "send", [["send", "x", [0, 2]]]),
      o(2, 1, "invoke", "poll", [["poll"]]),
      o(3, 1, "ok", "poll", [["poll", { x: [[0, 2]] }]]),
    ];
    expect(errors(h).G1a).toBeUndefined();
  });
});

describe("lost-write (kafka_test lost-write-test)", () => {
  it("consistent: a read of c at offset 2 means a (0) and b (1) should have been read too", () => {
    // d at offset 3 was never read past, so it is not lost.
    const h = [
      o(0, 0, "invoke", "send", [["send", "x", "a"]]),
      o(1, 0, "ok", "send", [["send", "x", [0, "a"]]]),
      o(2, 0, "invoke", "send", [["send", "x", "b"], ["send", "x", "d"]]),
      o(3, 0, "ok", "send", [["send", "x", [1, "b"]], ["send", "x", [3, "d"]]]),
      o(4, 1, "invoke", "send", [["send", "x", "c"]]),
      o(5, 1, "info", "send", [["send", "x", "c"]]),
      o(6, 0, "invoke", "poll", [["poll"]]),
      o(7, 0, "ok", "poll", [["poll", { x: [[2, "c"]] }]]),
    ];
    expect(errors(h)["lost-write"]).toEqual([
      { key: "x", value: "a", index: 0, "max-read-index": 2, writer: 1, "max-read": 7 },
      { key: "x", value: "b", index: 1, "max-read-index": 2, writer: 3, "max-read": 7 },
    ]);
  });

  it("inconsistent: a was overwritten at offset 0 by b; reading c at 2 still means a was lost", () => {
    // If b's offset wins the version order, the index alone would hide a: the last-index map keeps it.
    const h = [
      o(0, 0, "invoke", "send", [["send", "x", "a"]]),
      o(1, 0, "ok", "send", [["send", "x", [0, "a"]]]),
      o(2, 0, "invoke", "send", [["send", "x", "b"], ["send", "x", "c"]]),
      o(3, 0, "ok", "send", [["send", "x", [0, "b"]], ["send", "x", [2, "c"]]]),
      o(4, 0, "invoke", "poll", [["poll"]]),
      o(5, 0, "ok", "poll", [["poll", { x: [[0, "b"], [2, "c"]] }]]),
    ];
    // There is no offset 1: index 1 is offset 2.
    expect(errors(h)["lost-write"]).toEqual([{ key: "x", value: "a", index: 0, "max-read-index": 1, writer: 1, "max-read": 5 }]);
  });

  describe("atomic: a crashed transaction's writes count once any of them is read", () => {
    const sendAb = o(0, 0, "invoke", "send", [["send", "x", "a"], ["send", "y", "b"]]);
    const sendAbDone = o(1, 0, "info", "send", [["send", "x", "a"], ["send", "y", [0, "b"]]]);
    const sendC = o(2, 1, "invoke", "send", [["send", "y", "c"]]);
    const sendCDone = o(3, 1, "info", "send", [["send", "y", "c"]]);
    const pollA = o(4, 2, "invoke", "poll", [["poll"]]);
    const pollADone = o(5, 2, "ok", "poll", [["poll", { x: [[0, "a"]] }]]);
    const pollC = o(6, 3, "invoke", "poll", [["poll"]]);
    const pollCDone = o(7, 3, "ok", "poll", [["poll", { y: [[1, "c"]] }]]);

    it("stays quiet without the poll of a: nothing proves the crashed send committed", () => {
      expect(errors([sendAb, sendAbDone, sendC, sendCDone, pollC, pollCDone])["lost-write"]).toBeUndefined();
    });

    it("fires with it: b at y offset 0 was committed, and c at 1 was read, so b is lost", () => {
      expect(errors([sendAb, sendAbDone, sendC, sendCDone, pollA, pollADone, pollC, pollCDone])["lost-write"]).toEqual([
        { key: "y", value: "b", index: 0, "max-read-index": 1, writer: 1, "max-read": 7 },
      ]);
    });
  });
});

describe("poll-skip (kafka_test poll-skip-test)", () => {
  // Process 0 reads offsets 1, 2, then 4, then 7; we know 3 and 6 exist from other reads and writes. 5 may be a
  // gap in the log (a transaction marker).
  const poll12 = o(0, 0, "invoke", "poll", [["poll"]]);
  const poll12done = o(1, 0, "ok", "poll", [["poll", { x: [[1, "a"], [2, "b"]] }]]);
  const poll3 = o(2, 1, "invoke", "poll", [["poll"]]);
  const poll3done = o(3, 1, "ok", "poll", [["poll", { x: [[3, "c"]] }]]);
  const poll4 = o(6, 0, "invoke", "poll", [["poll"]]);
  const poll4done = o(7, 0, "ok", "poll", [["poll", { x: [[4, "d"]] }]]);
  const write6 = o(10, 2, "invoke", "send", [["send", "x", "f"]]);
  const write6done = o(11, 2, "ok", "send", [["send", "x", [6, "f"]]]);
  const poll7 = o(12, 0, "invoke", "poll", [["poll"]]);
  const poll7done = o(13, 0, "ok", "poll", [["poll", { x: [[7, "g"]] }]]);
  const writes = o(14, 3, "invoke", "send", [["send", "x", "a"], ["send", "x", "b"], ["send", "x", "c"], ["send", "x", "d"], ["send", "x", "g"]]);
  const writesDone = o(15, 3, "info", "send", [["send", "x", "a"], ["send", "x", "b"], ["send", "x", "c"], ["send", "x", "d"], ["send", "x", "g"]]);
  const sub = (f: string, keys: string[], type: "ok" | "info" = "ok") => [o(4, 0, "invoke", f, keys), o(5, 0, type, f, keys)];

  it("fires for 2 → 4 (skipping c) and 4 → 7 (skipping f)", () => {
    const h = [poll12, poll12done, poll3, poll3done, poll4, poll4done, write6, write6done, poll7, poll7done, writes, writesDone];
    expect(errors(h)["poll-skip"]).toEqual([
      { key: "x", ops: [1, 5], delta: 2, skipped: ["c"] },
      { key: "x", ops: [5, 9], delta: 2, skipped: ["f"] },
    ]);
  });

  it("stays quiet when process 0 subscribed or assigned away from x in between", () => {
    const h = [poll12, poll12done, poll3, poll3done, ...sub("subscribe", ["y"]), poll4, poll4done, ...sub("assign", ["y"], "info"), write6, write6done, poll7, poll7done, writes, writesDone];
    expect(errors(h)["poll-skip"]).toBeUndefined();
  });

  it("still fires when the subscribe and assign in between keep x", () => {
    const h = [poll12, poll12done, poll3, poll3done, ...sub("subscribe", ["x", "y"]), poll4, poll4done, ...sub("assign", ["x", "y"]), write6, write6done, poll7, poll7done, writes, writesDone];
    expect(errors(h)["poll-skip"]).toEqual([
      { key: "x", ops: [1, 7], delta: 2, skipped: ["c"] },
      { key: "x", ops: [7, 13], delta: 2, skipped: ["f"] },
    ]);
  });

  const sends = (n: number) => [o(0, 0, "invoke", "send", Array.from({ length: n }, (_, i) => ["send", "x", i])), o(1, 0, "ok", "send", Array.from({ length: n }, (_, i) => ["send", "x", [i, i]]))];

  it("txn abort, good: aborted (fail or info) transactions pick up where the last committed one left off", () => {
    const h = [
      ...sends(3),
      o(1, 1, "invoke", "txn", [["poll"]]),
      o(2, 1, "ok", "txn", [["poll", { x: [[0, 0]] }]]),
      o(3, 1, "invoke", "txn", [["poll"]]),
      o(4, 1, "fail", "txn", [["poll", { x: [[1, 1], [2, 2]] }]]),
      o(5, 1, "invoke", "txn", [["poll"]]),
      o(6, 1, "info", "txn", [["poll", { x: [[1, 1], [2, 2]] }]]),
      o(7, 1, "invoke", "txn", [["poll"]]),
      o(8, 1, "ok", "txn", [["poll", { x: [[1, 1], [2, 2]] }]]),
    ];
    // Jepsen expects no errors at all; the one key left is the empty-graph marker (no op depends on another: the
    // test's ops are concurrent), which Jepsen's test history (times and processes reused) does not reach.
    const e = errors(h);
    expect(Object.keys(e).filter((k) => k !== "empty-transaction-graph")).toEqual([]);
  });

  it("abort doesn't roll back: polls after an abort must rewind, even when they fail themselves", () => {
    const h = [
      ...sends(6),
      o(1, 1, "invoke", "txn", [["poll"]]),
      o(2, 1, "ok", "txn", [["poll", { x: [[0, 0]] }]]),
      o(3, 1, "invoke", "txn", [["poll"]]),
      o(4, 1, "fail", "txn", [["poll", { x: [[1, 1], [2, 2]] }]]),
      o(5, 1, "invoke", "txn", [["poll"]]),
      o(6, 1, "fail", "txn", [["poll", { x: [[3, 3], [4, 4]] }]]),
      o(7, 1, "invoke", "txn", [["poll"]]),
      o(8, 1, "ok", "txn", [["poll", { x: [[5, 5]] }]]),
    ];
    expect(errors(h)["poll-skip"]).toEqual([
      { key: "x", delta: 3, skipped: [1, 2], ops: [3, 7] },
      { key: "x", delta: 5, skipped: [1, 2, 3, 4], ops: [3, 9] },
    ]);
  });

  it("info can be a poll-skip", () => {
    const h = [
      ...sends(6),
      o(1, 1, "invoke", "txn", [["poll"]]),
      o(2, 1, "ok", "txn", [["poll", { x: [[0, 0]] }]]),
      o(3, 1, "invoke", "txn", [["poll"]]),
      o(4, 1, "fail", "txn", [["poll", { x: [[1, 1], [2, 2]] }]]),
      o(5, 1, "invoke", "txn", [["poll"]]),
      o(6, 1, "info", "txn", [["poll", { x: [[3, 3], [4, 4]] }]]),
    ];
    expect(errors(h)["poll-skip"]).toEqual([{ key: "x", delta: 3, skipped: [1, 2], ops: [3, 7] }]);
  });
});

describe("nonmonotonic-poll (kafka_test nonmonotonic-poll-test)", () => {
  // Process 0 polls 1 2 3, then goes back and reads 2 again.
  const send = o(0, 0, "invoke", "send", [["send", "x", "a"], ["send", "x", "b"], ["send", "x", "c"], ["send", "x", "d"]]);
  const sendDone = o(1, 0, "ok", "send", [["send", "x", "a"], ["send", "x", "b"], ["send", "x", "c"], ["send", "x", "d"]]);
  const poll123 = o(2, 0, "invoke", "poll", [["poll"]]);
  const poll123done = o(3, 0, "ok", "poll", [["poll", { x: [[1, "a"], [2, "b"], [3, "c"]] }]]);
  const poll234 = o(6, 0, "invoke", "poll", [["poll"]]);
  const poll234done = o(7, 0, "ok", "poll", [["poll", { x: [[2, "b"], [3, "c"], [4, "d"]] }]]);
  const sub = (f: string, keys: string[]) => [o(4, 0, "invoke", f, keys), o(5, 0, "ok", f, keys)];

  it("fires when the next poll starts at or before where the last one ended", () => {
    expect(errors([send, sendDone, poll123, poll123done, poll234, poll234done])["nonmonotonic-poll"]).toEqual([{ key: "x", ops: [3, 5], values: ["c", "b"], delta: -1 }]);
  });

  it("stays quiet after a subscribe or assign that drops x", () => {
    expect(errors([send, sendDone, poll123, poll123done, ...sub("subscribe", ["y"]), poll234, poll234done])["nonmonotonic-poll"]).toBeUndefined();
    expect(errors([send, sendDone, poll123, poll123done, ...sub("assign", ["y"]), poll234, poll234done])["nonmonotonic-poll"]).toBeUndefined();
  });

  it("still fires after a subscribe or assign that keeps x", () => {
    const want = [{ key: "x", ops: [3, 7], values: ["c", "b"], delta: -1 }];
    expect(errors([send, sendDone, poll123, poll123done, ...sub("subscribe", ["x", "y"]), poll234, poll234done])["nonmonotonic-poll"]).toEqual(want);
    expect(errors([send, sendDone, poll123, poll123done, ...sub("assign", ["x", "y"]), poll234, poll234done])["nonmonotonic-poll"]).toEqual(want);
  });
});

describe("nonmonotonic-send (kafka_test nonmonotonic-send-test)", () => {
  // Process 0 sends to offsets 3, 4, then to 1, 2.
  const send34 = o(0, 0, "invoke", "send", [["send", "x", "c"], ["send", "x", "d"]]);
  const send34done = o(1, 0, "ok", "send", [["send", "x", [3, "c"]], ["send", "x", [4, "d"]]]);
  const send12 = o(10, 0, "invoke", "send", [["send", "x", 1], ["send", "x", 2]]);
  const send12done = o(11, 0, "ok", "send", [["send", "x", [1, "a"]], ["send", "x", [2, "b"]]]);
  const sub = (f: string, keys: string[], type: "ok" | "info" = "ok") => [o(2, 0, "invoke", f, keys), o(3, 0, type, f, keys)];

  it("fires when a later send lands before an earlier one", () => {
    expect(errors([send34, send34done, send12, send12done])["nonmonotonic-send"]).toEqual([{ key: "x", values: ["d", "a"], delta: -3, ops: [1, 3] }]);
  });

  it("stays quiet after a subscribe or (even crashed) assign that drops x", () => {
    expect(errors([send34, send34done, ...sub("subscribe", ["y"]), send12, send12done])["nonmonotonic-send"]).toBeUndefined();
    expect(errors([send34, send34done, ...sub("assign", ["y"], "info"), send12, send12done])["nonmonotonic-send"]).toBeUndefined();
  });

  it("still fires after a subscribe or assign that keeps x", () => {
    const want = [{ key: "x", values: ["d", "a"], delta: -3, ops: [1, 5] }];
    expect(errors([send34, send34done, ...sub("subscribe", ["x", "y"]), send12, send12done])["nonmonotonic-send"]).toEqual(want);
    expect(errors([send34, send34done, ...sub("assign", ["x", "y"]), send12, send12done])["nonmonotonic-send"]).toEqual(want);
  });
});

describe("int-poll-skip (kafka_test int-poll-skip-test)", () => {
  // One op observes offsets 1 and 4, but another observes offset 2: a value lies between them.
  const send = o(0, 1, "invoke", "send", [["send", "x", "a"], ["send", "x", "b"], ["send", "x", "d"]]);
  const sendDone = o(1, 1, "info", "send", [["send", "x", "a"], ["send", "x", "b"], ["send", "x", "d"]]);
  const pollA = [o(2, 0, "invoke", "poll", [["poll"]]), o(3, 0, "ok", "poll", [["poll", { x: [[1, "a"], [4, "d"]] }]])];
  const pollB = [o(4, 0, "invoke", "poll", [["poll"], ["poll"]]), o(5, 0, "ok", "poll", [["poll", { x: [[1, "a"]] }], ["poll", { x: [[4, "d"]] }]])];
  const poll2 = [o(6, 0, "invoke", "poll", [["poll"]]), o(7, 0, "ok", "poll", [["poll", { x: [[2, "b"]] }]])];

  it("fires within one poll and across two polls of one op", () => {
    expect(errors([send, sendDone, ...pollA, ...pollB, ...poll2])["int-poll-skip"]).toEqual([
      { key: "x", values: ["a", "d"], skipped: ["b"], delta: 2, op: 3 },
      { key: "x", values: ["a", "d"], skipped: ["b"], delta: 2, op: 5 },
    ]);
  });

  it("stays quiet when nothing is known to lie between", () => {
    expect(errors([send, sendDone, ...pollA, ...pollB])["int-poll-skip"]).toBeUndefined();
  });

  it("stays quiet for a key the op's rebalance-log names (a rebalance during the poll)", () => {
    const rebalanced = { ...pollA[1], "rebalance-log": [{ keys: ["x"] }] };
    expect(errors([send, sendDone, pollA[0], rebalanced, ...poll2])["int-poll-skip"]).toBeUndefined();
  });
});

describe("int-send-skip (kafka_test int-send-skip-test)", () => {
  // One op sends a (offset 1) and c (offset unknown); a poll shows b at 2 and c at 3: b interleaved.
  const send13 = [o(0, 0, "invoke", "send", [["send", "x", "a"], ["send", "x", "c"]]), o(1, 0, "ok", "send", [["send", "x", [1, "a"]], ["send", "x", "c"]])];
  const sendB = [o(2, 1, "invoke", "send", [["send", "x", "b"]]), o(3, 1, "info", "send", [["send", "x", "b"]])];
  const poll23 = [o(4, 2, "invoke", "poll", [["poll"]]), o(5, 2, "ok", "poll", [["poll", { x: [[2, "b"], [3, "c"]] }]])];

  it("fires, and is allowed (writes interleave in Kafka's transaction model)", () => {
    const h = [...send13, ...sendB, ...poll23];
    expect(errors(h)["int-send-skip"]).toEqual([{ key: "x", values: ["a", "c"], skipped: ["b"], delta: 2, op: 1 }]);
    expect(verdict(h).allowed).toContain("int-send-skip");
  });

  it("stays quiet when the poll shows c right after a", () => {
    expect(errors([...send13, [o(4, 2, "invoke", "poll", [["poll"]]), o(5, 2, "ok", "poll", [["poll", { x: [[2, "c"]] }]])]].flat())["int-send-skip"]).toBeUndefined();
  });
});

describe("int-nonmonotonic-poll (kafka_test int-nonmonotonic-poll-test)", () => {
  const send = [o(0, 0, "invoke", "send", [["send", "x", "a"], ["send", "x", "b"], ["send", "x", "c"]]), o(1, 0, "info", "send", [["send", "x", "a"], ["send", "x", "b"], ["send", "x", "c"]])];

  it("fires for 3 then 1 within a poll (b at 2 makes the delta -2) and for c read twice", () => {
    const h = [
      ...send,
      o(2, 0, "invoke", "poll", [["poll"]]),
      o(3, 0, "ok", "poll", [["poll", { x: [[3, "c"], [1, "a"]] }]]),
      o(4, 0, "invoke", "poll", [["poll"]]),
      o(5, 0, "ok", "poll", [["poll", { x: [[2, "b"], [3, "c"]] }], ["poll", { x: [[3, "c"]] }]]),
    ];
    expect(errors(h)["int-nonmonotonic-poll"]).toEqual([
      { key: "x", values: ["c", "a"], delta: -2, op: 3 },
      { key: "x", values: ["c", "c"], delta: 0, op: 5 },
    ]);
  });

  it("stays quiet for polls in log order", () => {
    expect(errors([...send, o(2, 0, "invoke", "poll", [["poll"]]), o(3, 0, "ok", "poll", [["poll", { x: [[1, "a"], [2, "b"]] }], ["poll", { x: [[3, "c"]] }]])])["int-nonmonotonic-poll"]).toBeUndefined();
  });
});

describe("int-nonmonotonic-send (kafka_test int-nonmonotonic-send-test)", () => {
  it("fires for offsets out of order, and for an order only polls reveal", () => {
    const h = [
      // Directly out of order.
      o(0, 0, "invoke", "send", [["send", "x", 3], ["send", "x", 1]]),
      o(1, 0, "ok", "send", [["send", "x", [3, "c"]], ["send", "x", [1, "a"]]]),
      // Or inferred from poll offsets.
      o(2, 0, "invoke", "send", [["send", "y", "d"], ["send", "y", "b"]]),
      o(3, 0, "info", "send", [["send", "y", "d"], ["send", "y", "b"]]),
      // c has to come from somewhere, too.
      o(4, 1, "invoke", "send", [["send", "y", "c"]]),
      o(5, 1, "info", "send", [["send", "y", "c"]]),
      // This poll tells us b < d on y.
      o(6, 0, "invoke", "poll", [["poll"]]),
      o(7, 0, "ok", "poll", [["poll", { y: [[2, "b"], [3, "c"], [4, "d"]] }]]),
    ];
    expect(errors(h)["int-nonmonotonic-send"]).toEqual([
      { key: "x", values: ["c", "a"], delta: -1, op: 1 },
      { key: "y", values: ["d", "b"], delta: -2, op: 3 },
    ]);
  });

  it("stays quiet for sends in order", () => {
    expect(errors([o(0, 0, "invoke", "send", [["send", "x", "a"], ["send", "x", "b"]]), o(1, 0, "ok", "send", [["send", "x", [1, "a"]], ["send", "x", [2, "b"]]])])["int-nonmonotonic-send"]).toBeUndefined();
  });
});

describe("duplicate (kafka_test duplicate-test)", () => {
  it("basic: a sent at offset 1 and polled at offset 3 was written twice", () => {
    const h = [
      o(0, 0, "invoke", "send", [["send", "x", "a"]]),
      o(1, 0, "ok", "send", [["send", "x", [1, "a"]]]),
      o(2, 1, "invoke", "send", [["send", "x", "b"]]),
      o(3, 1, "info", "send", [["send", "x", "b"]]),
      o(4, 2, "invoke", "poll", [["poll"]]),
      o(5, 2, "ok", "poll", [["poll", { x: [[2, "b"], [3, "a"]] }]]),
    ];
    expect(errors(h).duplicate).toEqual([{ key: "x", value: "a", count: 2, offsets: [1, 3] }]);
  });

  it("hash-insensitive: every value sent at 0 and polled at 1 is a duplicate, and both offsets conflict", () => {
    const values = Array.from({ length: 10 }, (_, i) => i);
    const h = values.flatMap((v, n) => [
      o(n * 4, 0, "invoke", "send", [["send", "x", v]]),
      o(n * 4 + 1, 0, "ok", "send", [["send", "x", [0, v]]]),
      o(n * 4 + 2, 1, "invoke", "poll", [["poll"]]),
      o(n * 4 + 3, 1, "ok", "poll", [["poll", { x: [[1, v]] }]]),
    ]);
    const e = errors(h);
    expect((e.duplicate as { value: number }[]).map((d) => d.value).sort((a, b) => a - b)).toEqual(values);
    expect(e["inconsistent-offsets"]).toEqual([
      { key: "x", offset: 0, index: 0, values },
      { key: "x", offset: 1, index: 1, values },
    ]);
  });

  it("aborted txns: a failed poll's data still counts, a failed send's does not", () => {
    const h = [
      o(0, 0, "invoke", "send", [["send", "x", 0]]),
      o(1, 0, "ok", "send", [["send", "x", [1, 0]]]),
      o(2, 0, "invoke", "send", [["send", "x", 1]]),
      o(3, 0, "fail", "send", [["send", "x", [2, 1]]]),
      o(4, 1, "invoke", "poll", [["poll"]]),
      o(5, 1, "fail", "poll", [["poll", { x: [[11, 0], [12, 1]] }]]),
    ];
    expect(errors(h).duplicate).toEqual([{ key: "x", value: 0, count: 2, offsets: [1, 11] }]);
  });

  it("stays quiet when every value has one offset", () => {
    expect(errors([o(0, 0, "ok", "poll", [["poll", { x: [[0, "a"], [1, "b"]] }]])]).duplicate).toBeUndefined();
  });
});

describe("empty history (kafka_test empty-history-test)", () => {
  it("is not valid: nothing was sent or polled, the transaction graph is empty", () => {
    const v = verdict([o(0, 0, "invoke", "assign", ["x"]), o(1, 0, "ok", "assign", ["x"])]);
    expect(v).toMatchObject({ valid: false, anomalyTypes: ["empty-transaction-graph"] });
  });
});

describe("unseen (kafka_test unseen-test)", () => {
  const base = [
    o(0, 0, "invoke", "poll", [["poll"]]),
    o(1, 0, "ok", "poll", [["poll", {}]]),
    o(2, 0, "invoke", "send", [["send", "x", "a"], ["send", "x", "b"]]),
    o(3, 0, "ok", "send", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]]]),
    o(4, 0, "invoke", "poll", [["poll"]]),
    o(5, 0, "ok", "poll", [["poll", { x: [[0, "a"]] }]]),
  ];

  it("stays quiet once every acknowledged value was polled", () => {
    expect(errors([...base, o(6, 0, "invoke", "poll", [["poll"]]), o(7, 0, "ok", "poll", [["poll", { x: [[1, "b"]] }]])]).unseen).toBeUndefined();
  });

  it("fires for b, acknowledged and never polled", () => {
    expect(errors(base).unseen).toEqual([{ key: "x", count: 1, messages: ["b"], time: 5 }]);
  });

  it("the series after each ok op: nothing, then a and b unseen, then b, then none (kafka_test unseen-test's whole vector)", () => {
    const h = IndexedHistory.build(history([...base, o(6, 0, "invoke", "poll", [["poll"]]), o(7, 0, "ok", "poll", [["poll", { x: [[1, "b"]] }]])]));
    expect(unseenSeries(h)).toEqual([
      { time: 1, unseen: {} },
      { time: 3, unseen: { x: 2 } },
      { time: 5, unseen: { x: 1 } },
      { time: 7, unseen: { x: 0 }, messages: { x: [] } },
    ]);
    // Stopped after the poll of a: b is the message still unseen.
    expect(unseenSeries(IndexedHistory.build(history(base))).at(-1)).toEqual({ time: 5, unseen: { x: 1 }, messages: { x: ["b"] } });
  });
});

describe("op->max-offsets (kafka_test op->max-offsets-test)", () => {
  it("the highest offset polled or sent per key: x 5 (polled 2, 5, 4), y 3 (sent 2, 3)", () => {
    const h = IndexedHistory.build([o(0, 0, "ok", "txn", [["poll", { x: [[2, null], [5, null], [4, null]] }], ["send", "y", [2, null]], ["send", "y", [3, null]]])]);
    const max = opMaxOffsets(h, 0)!;
    expect(Object.fromEntries([...max].map(([k, off]) => [h.keys.shown[k], off]))).toEqual({ x: 5, y: 3 });
  });

  it("a key polled with no records is -1; a send of unknown offset forgets the sends before it; an invocation has none", () => {
    const h = IndexedHistory.build([
      o(0, 0, "invoke", "txn", [["send", "y", 1]]),
      o(1, 0, "ok", "txn", [["poll", { x: [] }], ["send", "y", [4, 1]], ["send", "z", 2], ["send", "w", [0, 3]]]),
    ]);
    expect(opMaxOffsets(h, 0)).toBeNull();
    const max = opMaxOffsets(h, 1)!;
    expect(Object.fromEntries([...max].map(([k, off]) => [h.keys.shown[k], off]))).toEqual({ x: -1, w: 0 });
  });
});

describe("realtime lag (kafka_test realtime-lag-test)", () => {
  // Jepsen's test builds ops with :time and no :index; h/history numbers them 0, 1, ... as their times are.
  const ops = [
    o(0, 0, "invoke", "assign", ["x"]),
    o(1, 0, "ok", "assign", ["x"]),
    // This initial poll should observe nothing.
    o(2, 0, "invoke", "poll", [["poll"]]),
    o(3, 0, "ok", "poll", [["poll", { x: [] }]]),
    o(4, 0, "invoke", "send", [["send", "x", "a"]]),
    o(5, 0, "ok", "send", [["send", "x", [0, "a"]]]),
    // Started 1 after x's a was acknowledged and did not see it: lag at least 1.
    o(6, 0, "invoke", "poll", [["poll"]]),
    o(7, 0, "ok", "poll", [["poll", { x: [] }]]),
    o(8, 1, "invoke", "send", [["send", "x", "c"], ["send", "x", "d"]]),
    o(9, 1, "ok", "send", [["send", "x", [2, "c"]], ["send", "x", [3, "d"]]]),
    // Offsets 1, 2 and 3 exist; reading nothing again, the reader is still at time 5: lag 5.
    o(10, 0, "invoke", "poll", [["poll"]]),
    o(11, 0, "ok", "poll", [["poll"]]),
    // Up to [1 b], which stopped being the last at 9 (when [2 c] was written): lag 12 - 9 = 3.
    o(12, 0, "invoke", "poll", [["poll"]]),
    o(13, 0, "ok", "poll", [["poll", { x: [[0, "a"], [1, "b"]] }]]),
    // Assigned x and y again, reading nothing: x's lag is 16 - 9 = 7, y's 0 (nothing written).
    o(14, 0, "invoke", "assign", ["x", "y"]),
    o(15, 0, "ok", "assign", ["x", "y"]),
    o(16, 0, "invoke", "poll", [["poll"]]),
    o(17, 0, "ok", "poll", [["poll", {}]]),
    // Assigned y, then x: x's offset starts over, rewound to time 5: lag 22 - 5 = 17.
    o(18, 0, "invoke", "assign", ["y"]),
    o(19, 0, "ok", "assign", ["y"]),
    o(20, 0, "invoke", "assign", ["x"]),
    o(21, 0, "ok", "assign", ["x"]),
    o(22, 0, "invoke", "poll", [["poll"]]),
    o(23, 0, "ok", "poll", [["poll", {}]]),
    // Caught up to [3 d]: lag 0.
    o(24, 0, "invoke", "poll", [["poll"], ["poll"]]),
    o(25, 0, "ok", "poll", [["poll", { x: [[0, "a"], [1, "b"]] }], ["poll", { x: [[2, "c"], [3, "d"]] }]]),
    // And x's b, reordered to offset 1.
    o(26, 1, "invoke", "send", [["send", "x", "b"]]),
    o(27, 1, "info", "send", [["send", "x", "b"]]),
  ];
  const l = (time: number, process: number, key: string, lag: number) => ({ time, process, key, lag });

  it("realtime-lag: one lag per assigned key per ok poll, from the poll's invocation", () => {
    const lags = realtimeLag(IndexedHistory.build(history(ops)));
    expect(lags).toEqual([l(2, 0, "x", 0), l(6, 0, "x", 1), l(10, 0, "x", 5), l(12, 0, "x", 3), l(16, 0, "x", 7), l(16, 0, "y", 0), l(22, 0, "x", 17), l(24, 0, "x", 0)]);
  });

  it("worst realtime lag: the poll of 22 on x, 17 behind", () => {
    expect(worstRealtimeLag(realtimeLag(IndexedHistory.build(history(ops))))).toEqual({ time: 22, process: 0, key: "x", lag: 17 });
    // No poll at all: Jepsen's {:time 0, :lag 0}.
    expect(worstRealtimeLag(realtimeLag(IndexedHistory.build(history(ops.slice(0, 2)))))).toEqual({ time: 0, lag: 0 });
  });

  it("a subscribe forgets every offset: after it the process lags on nothing until it polls a key", () => {
    const sub = [...ops.slice(0, 14), o(14, 0, "invoke", "subscribe", ["x"]), o(15, 0, "ok", "subscribe", ["x"]), o(16, 0, "invoke", "poll", [["poll"]]), o(17, 0, "ok", "poll", [["poll", {}]])];
    expect(realtimeLag(IndexedHistory.build(history(sub))).filter((x) => x.time === 16)).toEqual([]);
  });
});

// kafka_test gen-poll-unseen-test checks Jepsen's generator (`poll-unseen` re-assigns clients to keys with unseen
// sends), not its analysis; kafkasim's check has no generator, so it has nothing to port.

describe("G0 (kafka_test g0-test)", () => {
  // Two transactions write to x and y and obtain conflicting orders: a write cycle. Needs ww-deps.
  const h = [
    o(0, 0, "invoke", "send", [["send", "x", "a"], ["send", "y", "a"]]),
    o(1, 1, "invoke", "send", [["send", "x", "b"], ["send", "y", "b"]]),
    o(2, 0, "ok", "send", [["send", "x", [0, "a"]], ["send", "y", [1, "a"]]]),
    o(3, 1, "ok", "send", [["send", "x", [1, "b"]], ["send", "y", [0, "b"]]]),
  ];

  it("fires with ww-deps (Jepsen shows the cycle from wb'; kafkasim starts from the first op, wa')", () => {
    expect(errors(h, { wwDeps: true }).G0).toEqual([
      {
        type: "G0",
        cycle: [2, 3, 2],
        steps: [
          { type: "ww", key: "x", value: "a", "value'": "b", "a-mop-index": 0, "b-mop-index": 0 },
          { type: "ww", key: "y", value: "b", "value'": "a", "a-mop-index": 1, "b-mop-index": 1 },
        ],
      },
    ]);
    // G0 is always allowed: writes are never isolated in Kafka. (A final poll reads everything, so no write is unseen.)
    const final = [o(4, 2, "invoke", "poll", [["poll"]]), o(5, 2, "ok", "poll", [["poll", { x: [[0, "a"], [1, "b"]], y: [[0, "b"], [1, "a"]] }]])];
    expect(verdict([...h, ...final], { wwDeps: true })).toMatchObject({ valid: true, anomalyTypes: ["G0", "PL-1-cycle-exists"] });
  });

  it("stays quiet without ww-deps (no write-write edges are inferred)", () => {
    expect(errors(h).G0).toBeUndefined();
  });
});

describe("G1c (kafka_test g1c-pure-wr-test, g1c-ww-wr-test)", () => {
  it("pure wr: each transaction read the other's write", () => {
    const h = [
      o(0, 0, "invoke", "txn", [["send", "x", "a"], ["poll"]]),
      o(1, 1, "invoke", "txn", [["send", "y", "b"], ["poll"]]),
      o(2, 0, "ok", "txn", [["send", "x", [0, "a"]], ["poll", { y: [[0, "b"]] }]]),
      o(3, 1, "ok", "txn", [["send", "y", [0, "b"]], ["poll", { x: [[0, "a"]] }]]),
    ];
    const e = errors(h);
    expect(e.G1c).toEqual([
      {
        type: "G1c",
        cycle: [2, 3, 2],
        steps: [
          { type: "wr", key: "x", value: "a", "a-mop-index": 0, "b-mop-index": 1 },
          { type: "wr", key: "y", value: "b", "a-mop-index": 0, "b-mop-index": 1 },
        ],
      },
    ]);
    expect(e["PL-2-cycle-exists"]).toEqual([{ type: "PL-2-cycle-exists", not: "read-committed", subgraph: ["union", "ww", "wwp", "wr", "wrp"], "scc-size": 2, scc: [2, 3] }]);
    expect(verdict(h).valid).toBe(false);
  });

  it("ww + wr: t1's write of c follows t2's write of b, and t2 read t1's a", () => {
    const h = [
      o(0, 0, "invoke", "txn", [["send", "x", "a"], ["send", "y", "c"]]),
      o(1, 1, "invoke", "txn", [["poll"], ["send", "y", "b"]]),
      o(2, 0, "ok", "txn", [["send", "x", [0, "a"]], ["send", "y", [2, "c"]]]),
      o(3, 1, "ok", "txn", [["poll", { x: [[0, "a"]] }], ["send", "y", [1, "b"]]]),
    ];
    expect(errors(h, { wwDeps: true }).G1c).toEqual([
      {
        type: "G1c",
        cycle: [2, 3, 2],
        steps: [
          { type: "wr", key: "x", value: "a", "a-mop-index": 0, "b-mop-index": 0 },
          { type: "ww", key: "y", value: "b", "value'": "c", "a-mop-index": 1, "b-mop-index": 1 },
        ],
      },
    ]);
    // With ww-deps, G1c is allowed too (t0 <ww t1 <wr t0 is expected without write isolation).
    expect(verdict(h, { wwDeps: true }).allowed).toEqual(expect.arrayContaining(["G1c", "PL-2-cycle-exists"]));
    expect(verdict(h).allowed).not.toContain("G1c");
  });

  it("stays quiet when only one transaction read the other", () => {
    const h = [
      o(0, 0, "invoke", "txn", [["send", "x", "a"]]),
      o(1, 0, "ok", "txn", [["send", "x", [0, "a"]]]),
      o(2, 1, "invoke", "txn", [["send", "y", "b"], ["poll"]]),
      o(3, 1, "ok", "txn", [["send", "y", [0, "b"]], ["poll", { x: [[0, "a"]] }]]),
    ];
    expect(errors(h).G1c).toBeUndefined();
  });
});

describe("G1c-realtime and G0-realtime (Elle's realtime variants, which kafka.clj asks for)", () => {
  it("G1c-realtime: a poll completed before the send it read was even invoked (a read from the future)", () => {
    const h = [
      o(0, 0, "invoke", "poll", [["poll"]]),
      o(1, 0, "ok", "poll", [["poll", { x: [[0, "a"]] }]]),
      o(2, 1, "invoke", "send", [["send", "x", "a"]]),
      o(3, 1, "ok", "send", [["send", "x", [0, "a"]]]),
    ];
    const e = errors(h);
    expect(e["G1c-realtime"]).toEqual([
      {
        type: "G1c-realtime",
        cycle: [1, 3, 1],
        steps: [
          { type: "realtime", "a'": 1, b: 2 },
          { type: "wr", key: "x", value: "a", "a-mop-index": 0, "b-mop-index": 0 },
        ],
      },
    ]);
    expect(e["strong-PL-2-cycle-exists"]).toHaveLength(1);
  });

  it("G0-realtime (with ww-deps): a send invoked after another completed lands before it", () => {
    const h = [
      o(0, 0, "invoke", "send", [["send", "x", "a"]]),
      o(1, 0, "ok", "send", [["send", "x", [1, "a"]]]),
      o(2, 1, "invoke", "send", [["send", "x", "b"]]),
      o(3, 1, "ok", "send", [["send", "x", [0, "b"]]]),
    ];
    expect(errors(h, { wwDeps: true })["G0-realtime"]).toEqual([{ type: "G0-realtime", cycle: [1, 3, 1], steps: [{ type: "realtime", "a'": 1, b: 2 }, { type: "ww", key: "x", value: "b", "value'": "a", "a-mop-index": 0, "b-mop-index": 0 }] }]);
    expect(verdict(h, { wwDeps: true }).allowed).toEqual(expect.arrayContaining(["G0-realtime", "strong-PL-1-cycle-exists"]));
  });

  it("stay quiet when the read comes after the send", () => {
    const h = [
      o(0, 1, "invoke", "send", [["send", "x", "a"]]),
      o(1, 1, "ok", "send", [["send", "x", [0, "a"]]]),
      o(2, 0, "invoke", "poll", [["poll"]]),
      o(3, 0, "ok", "poll", [["poll", { x: [[0, "a"]] }]]),
    ];
    expect(verdict(h, { wwDeps: true })).toMatchObject({ valid: true, anomalyTypes: [] });
  });
});

describe("precommitted-read (kafka_test precommitted-read-test)", () => {
  it("fires when a transaction observes its own write before committing", () => {
    // Legal in most databases; in Kafka's model a read_committed consumer never sees uncommitted records.
    const h = [o(0, 0, "invoke", "txn", [["send", "x", "a"], ["poll"]]), o(1, 0, "ok", "txn", [["send", "x", [0, "a"]], ["poll", { x: [[0, "a"]] }]])];
    expect(errors(h)["precommitted-read"]).toEqual([{ op: 1, key: "x", value: "a" }]);
  });

  it("stays quiet when the transaction reads only others' writes", () => {
    const h = [o(0, 0, "invoke", "txn", [["send", "x", "a"], ["poll"]]), o(1, 0, "ok", "txn", [["send", "x", [1, "a"]], ["poll", { x: [[0, "z"]] }]])];
    expect(errors(h)["precommitted-read"]).toBeUndefined();
  });
});

describe("allowed sets (kafka.clj allowed-error-types)", () => {
  const skip = [
    o(0, 9, "invoke", "send", [["send", "x", "a"], ["send", "x", "b"], ["send", "x", "c"]]),
    o(1, 9, "ok", "send", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]], ["send", "x", [2, "c"]]]),
    o(2, 0, "invoke", "poll", [["poll"]]),
    o(3, 0, "ok", "poll", [["poll", { x: [[0, "a"]] }]]),
    o(4, 0, "invoke", "poll", [["poll"]]),
    o(5, 0, "ok", "poll", [["poll", { x: [[2, "c"]] }]]),
    // Another consumer reads b, so b is neither lost nor unseen: only process 0 skipped it.
    o(6, 1, "invoke", "poll", [["poll"]]),
    o(7, 1, "ok", "poll", [["poll", { x: [[1, "b"]] }]]),
  ];

  it("a poll-skip makes an assign test invalid", () => {
    expect(verdict(skip)).toMatchObject({ valid: false, anomalyTypes: ["poll-skip"] });
  });

  it("a subscribe test tolerates it: a rebalance may move the consumer", () => {
    expect(verdict([o(0, 0, "invoke", "subscribe", ["x"]), o(1, 0, "ok", "subscribe", ["x"]), ...skip])).toMatchObject({ valid: true, anomalyTypes: ["poll-skip"] });
  });
});

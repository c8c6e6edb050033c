import { describe, expect, it } from "vitest";
import { analyzeKafkaHistory } from "../../../src/check/jepsen/analysis.js";
import type { JepsenOp } from "../../../src/check/jepsen/ops.js";
import { errors, history, o, verdict } from "../../support/jepsen.js";

/**
 * The edges of each anomaly kafka.clj's own tests (kafka.test.ts) leave open: which ops count, which bound is
 * taken, which value of a pair is compared. Each names the kafka.clj function whose behaviour it pins.
 */

const send = (i: number, p: number | string, type: "ok" | "info" | "fail", mops: unknown[][]): JepsenOp[] => [
  o(i, p, "invoke", "send", mops.map(([, k, v]) => ["send", k, Array.isArray(v) ? v[1] : v])),
  o(i + 1, p, type, "send", mops),
];
const poll = (i: number, p: number | string, type: "ok" | "info" | "fail", read: Record<string, [number | null, unknown][]>, f = "poll"): JepsenOp[] => [o(i, p, "invoke", f, [["poll"]]), o(i + 1, p, type, f, [["poll", read]])];

describe("version-orders: offsets in any order of arrival", () => {
  it("sorts a key's offsets whether they are dense (counting sort) or far apart (comparison sort), stable within one offset", () => {
    const dense = analyzeKafkaHistory(history([...send(0, 0, "ok", [["send", "x", [5, "e"]], ["send", "x", [3, "c"]], ["send", "x", [4, "d"]], ["send", "x", [3, "z"]]])]));
    const x = dense.ctx.h.keys.id.get("x")!;
    const show = (a: typeof dense) => Array.from(a.ctx.vo.orders[x].byIndex, (v) => a.ctx.h.keys.values[x][v]);
    expect(Array.from(dense.ctx.vo.orders[x].offsets)).toEqual([3, 4, 5]);
    // Offset 3 holds c and z: kafka.clj's `(map first)` of the set #{"c" "z"} is "z" (Clojure hash-set order).
    expect(show(dense)).toEqual(["z", "d", "e"]);
    // Offsets 2^40 apart: a counting sort over that range could not even allocate its table.
    const sparse = analyzeKafkaHistory(history([...send(0, 0, "ok", [["send", "x", [2 ** 40, "b"]], ["send", "x", [0, "a"]], ["send", "x", [2 ** 40, "c"]]])]));
    expect(Array.from(sparse.ctx.vo.orders[x].offsets)).toEqual([0, 2 ** 40]);
    expect(show(sparse)).toEqual(["a", "b"]);
    expect(sparse.anomalies["inconsistent-offsets"]).toEqual([{ key: x, offset: 2 ** 40, index: 1, values: ["b", "c"].map((v) => sparse.ctx.h.keys.idOf(x, v)) }]);
  });
});

describe("lost-write-cases: the bound is the highest first index of any value read", () => {
  it("takes the maximum over the poll, not its last record: reading c (offset 2) then a (offset 0) still bounds at c", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]], ["send", "x", [2, "c"]]]), ...poll(2, 1, "ok", { x: [[2, "c"], [0, "a"]] })];
    expect(errors(h)["lost-write"]).toEqual([{ key: "x", value: "b", index: 1, "max-read-index": 2, writer: 1, "max-read": 3 }]);
  });

  it("takes the maximum whatever order the values were first met in (c, sent first, sits at the highest offset)", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [2, "c"]], ["send", "x", [0, "a"]], ["send", "x", [1, "b"]]]), ...poll(2, 1, "ok", { x: [[2, "c"], [0, "a"]] })];
    expect(errors(h)["lost-write"]).toEqual([{ key: "x", value: "b", index: 1, "max-read-index": 2, writer: 1, "max-read": 3 }]);
  });

  it("a value read only where its offset is unknown bounds nothing: no lost-write", () => {
    // b's send crashed without an offset, and the poll did not say where it read b.
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]]]), ...send(2, 0, "info", [["send", "x", "b"]]), ...poll(4, 1, "ok", { x: [[null, "b"]] })];
    expect(errors(h)["lost-write"]).toBeUndefined();
    // With the offset known, a is lost.
    expect(errors([...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]]]), ...poll(2, 1, "ok", { x: [[1, "b"]] })])["lost-write"]).toHaveLength(1);
  });

  it("only ok polls bound: a crashed or failed poll reading far ahead proves nothing about the others", () => {
    const sends = send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]]]);
    expect(errors([...sends, ...poll(2, 1, "info", { x: [[1, "b"]] }), ...poll(4, 2, "fail", { x: [[1, "b"]] })])["lost-write"]).toBeUndefined();
  });

  it("a value polled by an ok op is not lost, whoever read it; a lost value is reported once though it sits at two offsets", () => {
    // a was written at 0 and again at 2 (a duplicate); c at 3 was read; b at 1 was read by someone else.
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]], ["send", "x", [2, "a"]], ["send", "x", [3, "c"]]]), ...poll(2, 1, "ok", { x: [[3, "c"]] }), ...poll(4, 2, "ok", { x: [[1, "b"]] })];
    expect(errors(h)["lost-write"]).toEqual([{ key: "x", value: "a", index: 0, "max-read-index": 3, writer: 1, "max-read": 3 }]);
  });

  it("max-read is nobody when the value at the bound appears again later (its last index is past the bound)", () => {
    // c is read at offset 2 and shows up again at 3; a at 0 was never read.
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "x", [2, "c"]], ["send", "x", [3, "c"]]]), ...poll(2, 1, "ok", { x: [[2, "c"]] })];
    expect(errors(h)["lost-write"]).toEqual([{ key: "x", value: "a", index: 0, "max-read-index": 1, writer: 1, "max-read": null }]);
  });

  it("max-read is the first op that read the value at the bound, failed or crashed ones included (readers-of)", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]]]), ...poll(2, 1, "info", { x: [[1, "b"]] }), ...poll(4, 2, "ok", { x: [[1, "b"]] })];
    expect(errors(h)["lost-write"]).toEqual([{ key: "x", value: "a", index: 0, "max-read-index": 1, writer: 1, "max-read": 3 }]);
  });

  it("skips a value nobody wrote (kafka.clj would throw :no-writer-of) and one whose writer failed", () => {
    // z at 0 came only from a crashed poll; y at 1 from a failed send that a crashed poll saw; c at 2 was read.
    const h = [...poll(0, 3, "info", { x: [[0, "z"], [1, "y"]] }), ...send(2, 0, "fail", [["send", "x", [1, "y"]]]), ...send(4, 0, "ok", [["send", "x", [2, "c"]]]), ...poll(6, 1, "ok", { x: [[2, "c"]] })];
    expect(errors(h)["lost-write"]).toBeUndefined();
  });

  it("a bound of index 0: two values at offset 0, one read, the other lost (the bound's own index counts)", () => {
    const h = [o(0, 0, "ok", "send", [["send", "x", [0, "a"]]]), ...send(1, 1, "ok", [["send", "x", [0, "b"]]]), ...poll(3, 2, "ok", { x: [[0, "b"]] })];
    // max-read is `first` of #{"a" "b"}, "a" in Clojure's hash order, which nobody read: Jepsen's max-read is nil.
    expect(errors(h)["lost-write"]).toEqual([{ key: "x", value: "a", index: 0, "max-read-index": 0, writer: 0, "max-read": null }]);
    // With "c" in place of "a" (#{"b" "c"} iterates "b" first), max-read is b's reader.
    const h2 = [o(0, 0, "ok", "send", [["send", "x", [0, "c"]]]), ...send(1, 1, "ok", [["send", "x", [0, "b"]]]), ...poll(3, 2, "ok", { x: [[0, "b"]] })];
    expect(errors(h2)["lost-write"]).toEqual([{ key: "x", value: "c", index: 0, "max-read-index": 0, writer: 0, "max-read": 4 }]);
  });

  it("max-read: of two values at the bound, the first reader of the one first in Clojure's hash-set order", () => {
    // #{"b" "c"} iterates "b" first: its reader, op 5.
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]]]), ...send(2, 3, "ok", [["send", "x", [1, "c"]]]), ...poll(4, 1, "ok", { x: [[1, "b"]] }), ...poll(6, 2, "ok", { x: [[1, "c"]] })];
    expect(errors(h)["lost-write"]).toEqual([{ key: "x", value: "a", index: 0, "max-read-index": 1, writer: 1, "max-read": 5 }]);
    // The same with c read first: still b's reader (op 7 now), whichever was observed first.
    const h2 = [...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]]]), ...send(2, 3, "ok", [["send", "x", [1, "c"]]]), ...poll(4, 2, "ok", { x: [[1, "c"]] }), ...poll(6, 1, "ok", { x: [[1, "b"]] })];
    expect(errors(h2)["lost-write"]).toEqual([{ key: "x", value: "a", index: 0, "max-read-index": 1, writer: 1, "max-read": 7 }]);
  });

  it("judges each key on its own bound", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]], ["send", "y", [0, "p"]], ["send", "y", [1, "q"]]]), ...poll(2, 1, "ok", { y: [[1, "q"]], x: [[0, "a"]] })];
    expect(errors(h)["lost-write"]).toEqual([{ key: "y", value: "p", index: 0, "max-read-index": 1, writer: 1, "max-read": 3 }]);
  });
});

describe("unseen (kafka.clj `unseen`, final state)", () => {
  it("lists every key's acknowledged, never-polled values, at the time of the last ok op", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "y", [0, "p"]], ["send", "y", [1, "q"]]]), ...poll(2, 1, "ok", { y: [[0, "p"]] }), ...send(4, 0, "info", [["send", "x", "z"]])];
    expect(errors(h).unseen).toEqual([
      { key: "x", count: 1, messages: ["a"], time: 3 },
      { key: "y", count: 1, messages: ["q"], time: 3 },
    ]);
  });

  it("a key read in full is quiet even when the next key's first value is unseen", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "y", [0, "p"]]]), ...poll(2, 1, "ok", { x: [[0, "a"]] })];
    expect(errors(h).unseen).toEqual([{ key: "y", count: 1, messages: ["p"], time: 3 }]);
  });

  it("a value read only by a failed poll, or sent only by a crashed send, is not what unseen is about", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]]]), ...poll(2, 1, "fail", { x: [[0, "a"]] }), ...send(4, 0, "info", [["send", "x", [1, "b"]]])];
    expect(errors(h).unseen).toEqual([{ key: "x", count: 1, messages: ["a"], time: 1 }]);
  });

  it("time is that of the last ok send, poll or txn: kafka.clj's unseen walks only those, not a later assign", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]]]), o(2, 0, "invoke", "assign", ["x"]), o(3, 0, "ok", "assign", ["x"]), o(4, 0, "invoke", "txn", [["poll"]]), o(5, 0, "ok", "txn", [["poll", {}]]), o(6, 1, "invoke", "subscribe", ["x"]), o(7, 1, "ok", "subscribe", ["x"])];
    expect(errors(h).unseen).toEqual([{ key: "x", count: 1, messages: ["a"], time: 5 }]);
  });

  // kafka.clj's unseen computes (bm/merge sent' polled' bs/difference): bifurcan's merge keeps a key found only in
  // polled' with its polled values. So when the last ok send/poll/txn op is the first ok op to read a key that no ok
  // op ever sent to (its sends all crashed), Jepsen reports the values it just read as unseen, though they were seen.
  // kafkasim does not reproduce that artefact: a value an ok poll returned is never unseen.
  it.skip("kafka.clj divergence, kept on purpose: Jepsen would call x's a unseen, read by the last op", () => {
    const h = [...send(0, 0, "info", [["send", "x", "a"]]), ...poll(2, 1, "ok", { x: [[0, "a"]] })];
    expect(errors(h).unseen).toEqual([{ key: "x", count: 1, messages: ["a"], time: 3 }]);
  });

  it("the last ok op may be the history's first", () => {
    expect(errors([o(0, 0, "ok", "send", [["send", "x", [0, "a"]]])]).unseen).toEqual([{ key: "x", count: 1, messages: ["a"], time: 0 }]);
    expect(errors([{ ...o(0, 0, "ok", "send", [["send", "x", [0, "a"]]]), time: 42 }, o(1, 1, "invoke", "poll", [["poll"]])]).unseen).toEqual([{ key: "x", count: 1, messages: ["a"], time: 42 }]);
  });

  it("time is 0 when the last ok op has none", () => {
    const h: JepsenOp[] = [
      { index: 0, process: 0, type: "invoke", f: "send", value: [["send", "x", "a"]] },
      { index: 1, process: 0, type: "ok", f: "send", value: [["send", "x", [0, "a"]]] },
    ];
    expect(errors(h).unseen).toEqual([{ key: "x", count: 1, messages: ["a"], time: 0 }]);
  });
});

describe("duplicate-cases: one value at several offsets", () => {
  it("counts every offset, lists them in offset order, cases in order of each value's first offset, keys apart", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [5, "b"]], ["send", "x", [1, "b"]], ["send", "x", [3, "a"]], ["send", "x", [4, "c"]]]), ...poll(2, 1, "ok", { x: [[2, "a"], [6, "b"]], y: [[0, "b"], [1, "c"]] })];
    expect(errors(h).duplicate).toEqual([
      { key: "x", value: "b", count: 3, offsets: [1, 5, 6] },
      { key: "x", value: "a", count: 2, offsets: [2, 3] },
    ]);
  });

  it("stays quiet for a key where only another value repeats elsewhere", () => {
    const h = [...poll(0, 1, "ok", { x: [[0, "a"], [1, "a"]], y: [[0, "a"], [1, "b"]] })];
    expect(errors(h).duplicate).toEqual([{ key: "x", value: "a", count: 2, offsets: [0, 1] }]);
  });
});

describe("nonmonotonic-send-cases: a process's next send to a key lands after its last", () => {
  it("compares the previous op's last value with this op's first: [a@0 c@2] then [b@1 d@3] went back", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]], ["send", "x", [2, "c"]]]), ...send(2, 0, "ok", [["send", "x", [1, "b"]], ["send", "x", [3, "d"]]])];
    expect(errors(h)["nonmonotonic-send"]).toEqual([{ key: "x", values: ["c", "b"], delta: -1, ops: [1, 3] }]);
  });

  it("the next index is fine, the same index is not (delta 0: the value landed where the last one did)", () => {
    expect(errors([...send(0, 0, "ok", [["send", "x", [0, "a"]]]), ...send(2, 0, "ok", [["send", "x", [1, "b"]]])])["nonmonotonic-send"]).toBeUndefined();
    expect(errors([...send(0, 0, "ok", [["send", "x", [0, "a"]]]), ...send(2, 0, "ok", [["send", "x", [0, "a"]]])])["nonmonotonic-send"]).toEqual([{ key: "x", values: ["a", "a"], delta: 0, ops: [1, 3] }]);
  });

  it("counts ok and crashed sends and txns; a failed send is skipped, and so is a failed assign away", () => {
    // b at offset 1 shows in a poll, so its index is known even though its send failed.
    const read = poll(10, 9, "ok", { x: [[0, "a"], [1, "b"], [4, "c"], [5, "d"]] });
    const base = [...send(0, 0, "ok", [["send", "x", [4, "c"]]])];
    expect(errors([...base, ...send(2, 0, "fail", [["send", "x", [1, "b"]]]), ...read])["nonmonotonic-send"]).toBeUndefined();
    expect(errors([...base, ...send(2, 0, "info", [["send", "x", [1, "b"]]]), ...read])["nonmonotonic-send"]).toEqual([{ key: "x", values: ["c", "b"], delta: -1, ops: [1, 3] }]);
    const txn = [o(2, 0, "invoke", "txn", [["send", "x", "a"]]), o(3, 0, "ok", "txn", [["send", "x", [0, "a"]]])];
    expect(errors([...base, ...txn, ...read])["nonmonotonic-send"]).toEqual([{ key: "x", values: ["c", "a"], delta: -2, ops: [1, 3] }]);
    const failedAssign = [o(2, 0, "invoke", "assign", ["y"]), o(3, 0, "fail", "assign", ["y"])];
    expect(errors([...base, ...failedAssign, ...send(4, 0, "ok", [["send", "x", [0, "a"]]]), ...read])["nonmonotonic-send"]).toHaveLength(1);
  });

  it("stays quiet when either index is unknown, and between different processes or keys", () => {
    expect(errors([...send(0, 0, "ok", [["send", "x", [4, "c"]]]), ...send(2, 0, "info", [["send", "x", "b"]])])["nonmonotonic-send"]).toBeUndefined();
    expect(errors([...send(0, 0, "ok", [["send", "x", [4, "c"]]]), ...send(2, 1, "ok", [["send", "x", [1, "b"]]])])["nonmonotonic-send"]).toBeUndefined();
    expect(errors([...send(0, 0, "ok", [["send", "x", [4, "c"]]]), ...send(2, 0, "ok", [["send", "y", [1, "b"]]])])["nonmonotonic-send"]).toBeUndefined();
  });

  it("with a session function (kafkasim's pipelined producer), lanes of one client are one sender, in invocation order", () => {
    const h = history([
      { ...o(0, 0, "invoke", "send", [["send", "x", "a"]]), client: "p" },
      { ...o(1, 1, "invoke", "send", [["send", "x", "b"]]), client: "p" },
      { ...o(2, 1, "ok", "send", [["send", "x", [0, "b"]]]), client: "p" },
      { ...o(3, 0, "ok", "send", [["send", "x", [1, "a"]]]), client: "p" },
    ]);
    expect(analyzeKafkaHistory(h).anomalies["nonmonotonic-send"]).toBeUndefined();
    expect(analyzeKafkaHistory(h, { sessionOf: (op) => op.client }).anomalies["nonmonotonic-send"]).toEqual([{ key: 0, values: [1, 0], delta: -1, ops: [3, 2] }]);
  });
});

describe("poll-skip+nonmonotonic-cases-per-process: edges", () => {
  const sends = send(0, 9, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]], ["send", "x", [2, "c"]], ["send", "x", [3, "d"]]]);

  it("compares the last value of the last ok poll with the first of this one; the next index is no skip", () => {
    const h = [...sends, ...poll(2, 0, "ok", { x: [[0, "a"], [1, "b"]] }), ...poll(4, 0, "ok", { x: [[2, "c"], [3, "d"]] })];
    expect(errors(h)["poll-skip"]).toBeUndefined();
    expect(errors(h)["nonmonotonic-poll"]).toBeUndefined();
    const skip = [...sends, ...poll(2, 0, "ok", { x: [[0, "a"]] }), ...poll(4, 0, "ok", { x: [[2, "c"], [3, "d"]] })];
    expect(errors(skip)["poll-skip"]).toEqual([{ key: "x", delta: 2, skipped: ["b"], ops: [3, 5] }]);
    const again = [...sends, ...poll(2, 0, "ok", { x: [[0, "a"], [1, "b"]] }), ...poll(4, 0, "ok", { x: [[1, "b"], [2, "c"]] })];
    expect(errors(again)["nonmonotonic-poll"]).toEqual([{ key: "x", values: ["b", "b"], delta: 0, ops: [3, 5] }]);
  });

  it("a txn's polls count like a poll's; a failed assign or subscribe changes nothing", () => {
    const txnSkip = [...sends, ...poll(2, 0, "ok", { x: [[0, "a"]] }, "txn"), o(4, 0, "invoke", "subscribe", ["y"]), o(5, 0, "fail", "subscribe", ["y"]), ...poll(6, 0, "ok", { x: [[2, "c"]] }, "txn")];
    expect(errors(txnSkip)["poll-skip"]).toEqual([{ key: "x", delta: 2, skipped: ["b"], ops: [3, 7] }]);
  });

  it("an unknown index on either side is a step of one: quiet", () => {
    const h = [...sends, ...poll(2, 0, "ok", { x: [[0, "a"]] }), ...poll(4, 0, "ok", { x: [[null, "zz"]] })];
    expect(errors(h)["poll-skip"]).toBeUndefined();
    expect(errors(h)["nonmonotonic-poll"]).toBeUndefined();
    const after = [...sends, ...poll(2, 0, "ok", { x: [[null, "zz"]] }), ...poll(4, 0, "ok", { x: [[2, "c"]] })];
    expect(errors(after)["poll-skip"]).toBeUndefined();
  });

  it("reading index 0 again is nonmonotonic (delta 0)", () => {
    const h = [...sends, ...poll(2, 0, "ok", { x: [[0, "a"]] }), ...poll(4, 0, "ok", { x: [[0, "a"]] })];
    expect(errors(h)["nonmonotonic-poll"]).toEqual([{ key: "x", values: ["a", "a"], delta: 0, ops: [3, 5] }]);
  });

  it("kafkasim's rebalanceResets: a key the poll's rebalance-log names starts afresh; off by default, as in Jepsen", () => {
    const rebalanced = [o(4, 0, "invoke", "poll", [["poll"]]), { ...o(5, 0, "ok", "poll", [["poll", { x: [[3, "d"]] }]]), "rebalance-log": [{ keys: ["x"] }] }];
    const h = history([...sends, ...poll(2, 0, "ok", { x: [[0, "a"]] }), ...rebalanced]);
    expect(analyzeKafkaHistory(h).anomalies["poll-skip"]).toHaveLength(1);
    expect(analyzeKafkaHistory(h, { rebalanceResets: true }).anomalies["poll-skip"]).toBeUndefined();
    const other = history([...sends, ...poll(2, 0, "ok", { x: [[0, "a"]] }), rebalanced[0], { ...rebalanced[1], "rebalance-log": [{ keys: ["y"] }] }]);
    expect(analyzeKafkaHistory(other, { rebalanceResets: true }).anomalies["poll-skip"]).toHaveLength(1);
  });
});

describe("int-poll-skip and int-send-skip: within one op", () => {
  const sends = send(0, 9, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]], ["send", "x", [2, "c"]], ["send", "y", [0, "p"]], ["send", "y", [1, "q"]], ["send", "y", [2, "r"]]]);

  it("a txn's polls are judged like a poll's; the rebalance exemption covers only the keys it names", () => {
    const txn = [o(2, 0, "invoke", "txn", [["poll"]]), { ...o(3, 0, "ok", "txn", [["poll", { x: [[0, "a"], [2, "c"]], y: [[0, "p"], [2, "r"]] }]]), "rebalance-log": [{ keys: ["x"] }] }];
    expect(errors([...sends, ...txn])["int-poll-skip"]).toEqual([{ key: "y", values: ["p", "r"], delta: 2, skipped: ["q"], op: 3 }]);
  });

  it("a value whose index is unknown, before or after a known one, is a step of one (int-poll-skip+nonmonotonic)", () => {
    const h = [...sends, ...poll(2, 0, "ok", { x: [[null, "zz"], [2, "c"]] }), ...poll(4, 1, "ok", { x: [[2, "c"], [null, "zz"]] })];
    expect(errors(h)["int-poll-skip"]).toBeUndefined();
    expect(errors(h)["int-nonmonotonic-poll"]).toBeUndefined();
    const sendsUnknown = [o(6, 2, "invoke", "send", [["send", "x", "yy"], ["send", "x", "c"], ["send", "x", "yy"]]), o(7, 2, "info", "send", [["send", "x", "yy"], ["send", "x", "c"], ["send", "x", "yy"]])];
    expect(errors([...sends, ...sendsUnknown])["int-send-skip"]).toBeUndefined();
    expect(errors([...sends, ...sendsUnknown])["int-nonmonotonic-send"]).toBeUndefined();
  });

  it("failed and crashed polls are judged too (Kafka's pollers always emit safe data)", () => {
    const h = [...sends, ...poll(2, 0, "fail", { x: [[2, "c"], [0, "a"]] })];
    expect(errors(h)["int-nonmonotonic-poll"]).toEqual([{ key: "x", values: ["c", "a"], delta: -2, op: 3 }]);
  });

  it("a txn's sends are judged like a send's; a skip lists every value between", () => {
    const h = [...sends, o(2, 0, "invoke", "txn", [["send", "y", "p"], ["send", "y", "z"]]), o(3, 0, "ok", "txn", [["send", "x", [0, "a"]], ["send", "y", [0, "p"]], ["send", "x", [3, "d"]], ["send", "y", [4, "z"]]]), ...poll(4, 1, "ok", { y: [[3, "s"]] })];
    expect(errors(h)["int-send-skip"]).toEqual([
      { key: "x", values: ["a", "d"], delta: 3, skipped: ["b", "c"], op: 3 },
      { key: "y", values: ["p", "z"], delta: 4, skipped: ["q", "r", "s"], op: 3 },
    ]);
  });

  it("sends whose offsets are unknown are a step of one; an invocation is never judged", () => {
    const h = [o(0, 0, "invoke", "send", [["send", "x", "b"], ["send", "x", "a"]]), o(1, 0, "info", "send", [["send", "x", "b"], ["send", "x", "a"]]), ...poll(2, 1, "ok", { x: [[0, "a"]] })];
    expect(errors(h)["int-nonmonotonic-send"]).toBeUndefined();
    const known = [o(0, 0, "invoke", "send", [["send", "x", "b"], ["send", "x", "a"]]), o(1, 0, "ok", "send", [["send", "x", [1, "b"]], ["send", "x", [0, "a"]]])];
    expect(errors(known)["int-nonmonotonic-send"]).toEqual([{ key: "x", values: ["b", "a"], delta: -1, op: 1 }]);
  });
});

describe("g1a-cases and precommitted-read-cases: edges", () => {
  const failed = send(0, 0, "fail", [["send", "x", [0, "a"]]]);

  it("G1a: each reader only for its own reads, for a failed value that is not its key's first", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [0, "ok1"]]]), ...send(2, 0, "fail", [["send", "x", [1, "bad"]]]), o(4, 1, "invoke", "poll", [["poll"]]), o(5, 1, "ok", "poll", [["poll", { x: [[0, "ok1"]] }]]), o(6, 2, "info", "poll", [["poll", { x: [[1, "bad"]] }]]), ...poll(7, 3, "ok", { x: [[1, "bad"]] })];
    expect(errors(h).G1a).toEqual([{ key: "x", value: "bad", writer: 3, reader: 8 }]);
  });

  it("G1a needs an ok reader: a failed or crashed poll of an aborted write is no aborted read", () => {
    expect(errors([...failed, ...poll(2, 1, "info", { x: [[0, "a"]] }), ...poll(4, 2, "fail", { x: [[0, "a"]] })]).G1a).toBeUndefined();
  });

  it("G1a: an ok txn that read it fires; an ok send of the same value does not (a send is no read)", () => {
    const txn = [o(2, 1, "invoke", "txn", [["poll"]]), o(3, 1, "ok", "txn", [["poll", { x: [[0, "a"]] }]])];
    expect(errors([...failed, ...txn]).G1a).toEqual([{ key: "x", value: "a", writer: 1, reader: 3 }]);
    // An ok txn that sends the failed value again has not read it: op-reads only.
    const resend = [o(2, 1, "invoke", "txn", [["send", "x", "a"]]), o(3, 1, "ok", "txn", [["send", "x", [1, "a"]]])];
    expect(errors([...failed, ...resend]).G1a).toBeUndefined();
  });

  it("precommitted-read: one case per op, the first key and value its writes and reads share", () => {
    const h = [
      o(0, 0, "invoke", "txn", [["send", "y", "q"], ["send", "x", "a"], ["poll"]]),
      o(1, 0, "ok", "txn", [["send", "y", [0, "q"]], ["send", "x", [0, "a"]], ["poll", { x: [[0, "a"]], y: [[0, "q"]] }]]),
      o(2, 1, "invoke", "txn", [["poll"], ["send", "x", "b"]]),
      o(3, 1, "info", "txn", [["poll", { x: [[1, "b"]] }], ["send", "x", [1, "b"]]]),
    ];
    expect(errors(h)["precommitted-read"]).toEqual([
      { op: 1, key: "y", value: "q" },
      { op: 3, key: "x", value: "b" },
    ]);
  });

  it("precommitted-read: an op's reads meet only its own sends, not the next op's", () => {
    const h = [...send(0, 0, "ok", [["send", "x", [0, "a"]]]), o(2, 1, "invoke", "txn", [["poll"]]), o(3, 1, "ok", "txn", [["poll", { x: [[0, "a"]] }]]), o(4, 2, "info", "txn", [["send", "x", [1, "a"]]])];
    expect(errors(h)["precommitted-read"]).toBeUndefined();
  });

  it("precommitted-read is about txn ops only, and a txn that read nothing", () => {
    const h = [o(0, 0, "invoke", "txn", [["send", "x", "a"]]), o(1, 0, "ok", "txn", [["send", "x", [0, "a"]]]), ...poll(2, 0, "ok", { x: [[0, "a"]] })];
    expect(errors(h)["precommitted-read"]).toBeUndefined();
    // Same value, other key: no self-read.
    expect(errors([o(0, 0, "invoke", "txn", [["send", "x", "a"], ["poll"]]), o(1, 0, "ok", "txn", [["send", "x", [0, "a"]], ["poll", { y: [[0, "a"]] }]])])["precommitted-read"]).toBeUndefined();
  });
});

describe("analysis: what it reports and how the verdict is made (kafka.clj `analysis`, `checker`)", () => {
  it("compacted topics: lost-write, unseen, poll-skip and int-poll-skip are not judged there; the rest are", () => {
    // orders-0 holds a..e at 0..4: the first poll skips b inside itself, the second jumps from c to e and reads e
    // twice; b and d are never read. x-1: a at 0 is never read, though b at 1 is.
    const orders = ["a", "b", "c", "d", "e"].map((v, i) => ["send", "orders-0", [i, v]]);
    const h = history([...send(0, 0, "ok", [...orders, ["send", "x-1", [0, "a"]], ["send", "x-1", [1, "b"]]]), ...poll(2, 1, "ok", { "orders-0": [[0, "a"], [2, "c"]], "x-1": [[1, "b"]] }), ...poll(4, 1, "ok", { "orders-0": [[4, "e"], [4, "e"]] })]);
    const all = analyzeKafkaHistory(h);
    expect(all.anomalyTypes).toEqual(["int-nonmonotonic-poll", "int-poll-skip", "lost-write", "poll-skip", "unseen"]);
    expect((all.anomalies["lost-write"] as { key: number }[]).map((c) => all.ctx.h.keys.names[c.key])).toEqual(["orders-0", "orders-0", "x-1"]);
    const compacted = analyzeKafkaHistory(h, { compactedTopics: ["orders"] });
    expect(compacted.anomalyTypes).toEqual(["int-nonmonotonic-poll", "lost-write", "unseen"]);
    expect((compacted.anomalies["lost-write"] as { key: number }[]).map((c) => compacted.ctx.h.keys.names[c.key])).toEqual(["x-1"]);
    expect((compacted.anomalies.unseen as { key: number }[]).map((c) => compacted.ctx.h.keys.names[c.key])).toEqual(["x-1"]);
    // A topic name alone, a key without a partition number, or another topic: judged as usual.
    expect(analyzeKafkaHistory(h, { compactedTopics: ["order"] }).anomalyTypes).toEqual(all.anomalyTypes);
    expect(analyzeKafkaHistory(history([...send(0, 0, "ok", [["send", "orders", [0, "a"]]])]), { compactedTopics: ["orders"] }).anomalyTypes).toContain("unseen");
    expect(analyzeKafkaHistory(history([...send(0, 0, "ok", [["send", "orders-x", [0, "a"]]])]), { compactedTopics: ["orders"] }).anomalyTypes).toContain("unseen");
    expect(analyzeKafkaHistory(history([...send(0, 0, "ok", [["send", "-0", [0, "a"]]])]), { compactedTopics: [""] }).anomalyTypes).toContain("unseen");
  });

  it("cycles: false skips the cycle search (and the empty-graph marker with it)", () => {
    const h = history([o(0, 0, "invoke", "assign", ["x"]), o(1, 0, "ok", "assign", ["x"])]);
    expect(analyzeKafkaHistory(h).anomalyTypes).toEqual(["empty-transaction-graph"]);
    expect(analyzeKafkaHistory(h, { cycles: false })).toMatchObject({ anomalyTypes: [], valid: true });
  });

  it("subscribe: from the options, else whether some op subscribed; the allowed list is sorted", () => {
    const h = history([...send(0, 0, "ok", [["send", "x", [0, "a"]]]), ...poll(2, 1, "ok", { x: [[0, "a"]] })]);
    expect(analyzeKafkaHistory(h)).toMatchObject({ subscribe: false, wwDeps: false, valid: true });
    expect(analyzeKafkaHistory(h, { subscribe: true, wwDeps: true })).toMatchObject({
      subscribe: true,
      wwDeps: true,
      allowed: ["G0", "G0-process", "G0-realtime", "G1c", "G1c-process", "G1c-realtime", "PL-1-cycle-exists", "PL-2-cycle-exists", "int-send-skip", "nonmonotonic-poll", "poll-skip", "strong-PL-1-cycle-exists", "strong-PL-2-cycle-exists"],
    });
    expect(verdict([o(0, 0, "invoke", "subscribe", ["x"]), o(1, 0, "ok", "subscribe", ["x"]), ...h]).allowed).toContain("poll-skip");
  });

  it("takes an indexed history as it is", () => {
    const a = analyzeKafkaHistory(history([...send(0, 0, "ok", [["send", "x", [0, "a"]]]), ...poll(2, 1, "ok", { x: [[0, "a"]] })]));
    expect(analyzeKafkaHistory(a.ctx.h).ctx.h).toBe(a.ctx.h);
  });
});

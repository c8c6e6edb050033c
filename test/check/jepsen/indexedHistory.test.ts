import { describe, expect, it } from "vitest";
import { Arena, NO_ARENA } from "../../../src/check/jepsen/arena.js";
import { ByteColumn, FloatColumn, IntColumn, filled } from "../../../src/check/jepsen/growable.js";
import { E_POLL, E_SEND, F_ASSIGN, F_OTHER, F_POLL, F_SEND, F_SUBSCRIBE, F_TXN, FAIL, HistoryBuilder, INFO, INVOKE, IndexedHistory, KeyTable, OK } from "../../../src/check/jepsen/indexedHistory.js";
import { IntIds } from "../../../src/check/jepsen/intIds.js";
import { OpKeys } from "../../../src/check/jepsen/opKeys.js";
import type { JepsenOp } from "../../../src/check/jepsen/ops.js";
import { history, o } from "../../support/jepsen.js";

/**
 * The indexed history every part of the analysis reads (kafka.clj reads op maps; kafkasim flattens them into columns
 * once). What the analysis relies on: Jepsen's pairing of an invocation with its process's next completion
 * (jepsen.history), op-writes/op-reads as entry rows of completions only, keys and values interned per key, and a
 * malformed op refused with its position.
 */

const build = (ops: JepsenOp[], sessionOf?: (op: { process: number | string; client?: string; incarnation?: number }) => unknown) => IndexedHistory.build(ops, { sessionOf });

/** The HistoryFormatError message building a one-op history throws. */
function refusal(op: Partial<JepsenOp>): string {
  try {
    build([{ index: 3, process: 0, type: "ok", f: "send", value: [], ...op } as JepsenOp]);
  } catch (e) {
    return (e as Error).message;
  }
  return "accepted";
}

/** Each entry row of op i as [kind, key name, value, offset, micro-op index]. */
function rows(h: IndexedHistory, i: number): unknown[][] {
  const out: unknown[][] = [];
  for (let e = h.opStart[i]; e < h.opStart[i + 1]; e++) out.push([h.eKind[e], h.keys.names[h.eKey[e]], h.keys.values[h.eKey[e]][h.eVal[e]], h.eOff[e], h.eMop[e]]);
  return out;
}

describe("pairing and op columns (jepsen.history)", () => {
  it("pairs each invocation with its process's next completion; a completion without one pairs with nothing", () => {
    const h = build(history([o(0, 0, "invoke", "send", [["send", "x", 1]]), o(1, 1, "invoke", "poll", [["poll"]]), o(2, 1, "ok", "poll", [["poll", {}]]), o(3, 0, "info", "send", [["send", "x", 1]]), o(4, 2, "fail", "txn", [])]));
    expect(Array.from(h.pair)).toEqual([3, 2, 1, 0, -1]);
    expect(Array.from(h.type)).toEqual([INVOKE, INVOKE, OK, INFO, FAIL]);
    expect(Array.from(h.f)).toEqual([F_SEND, F_POLL, F_POLL, F_SEND, F_TXN]);
    expect(h.n).toBe(5);
    expect(h.processNames).toEqual([0, 1, 2]);
    expect(h.sessionCount).toBe(3);
  });

  it("refuses a process that invokes while its last op is still open", () => {
    expect(() => build(history([o(0, "p", "invoke", "poll", [["poll"]]), o(1, "p", "invoke", "poll", [["poll"]])]))).toThrow('op 1: process "p" invokes while its op 0 is still open (a process runs one op at a time)');
  });

  it("leaves nemesis ops out (h/client-ops), with whatever they carry", () => {
    const h = build(history([o(0, "nemesis", "info", "send", [["send", "x", [0, 1]]]), o(1, ":nemesis", "info", "start-partition", "majority"), o(2, 0, "ok", "poll", [["poll", { x: [[0, 1]] }]])]));
    expect(h.n).toBe(1);
    expect(h.opRef(0)).toMatchObject({ index: 2, process: 0 });
    expect(h.keys.count).toBe(1);
    expect(rows(h, 0)).toEqual([[E_POLL, "x", 1, 0, 0]]);
  });

  it("a process that is a number but not an integer is no client (jepsen.history client-op? is integer?)", () => {
    const h = build(history([o(0, 0.5, "info", "start-partition", "majority"), o(1, 0, "ok", "poll", [["poll", { x: [[0, 1]] }]])]));
    expect(h.n).toBe(1);
    expect(h.opRef(0)).toMatchObject({ index: 1, process: 0 });
  });

  it("an op the analysis does not know keeps its f name; time is given only when the op had one", () => {
    const h = build([{ index: 0, process: 0, type: "info", f: "crash", value: null }, { index: 1, time: 5, process: 0, type: "ok", f: "debug-topic-partitions", value: [] }]);
    expect(Array.from(h.f)).toEqual([F_OTHER, F_OTHER]);
    expect(h.opRef(0)).toEqual({ index: 0, process: 0, type: "info", f: "crash" });
    expect(h.opRef(1)).toEqual({ index: 1, process: 0, type: "ok", f: "debug-topic-partitions", time: 5 });
    expect(h.opRef(-1)).toBeNull();
  });

  it("only ops of an unknown function have their f name kept aside (otherF); send, poll, txn, assign, subscribe are codes", () => {
    const h = build(history([o(0, 0, "ok", "send", []), o(1, 0, "info", "crash", null), o(2, 0, "ok", "poll", []), o(3, 0, "ok", "txn", []), o(4, 0, "ok", "assign", []), o(5, 0, "ok", "subscribe", [])]));
    expect([...h.otherF]).toEqual([[1, "crash"]]);
    expect(Array.from(h.f)).toEqual([F_SEND, F_OTHER, F_POLL, F_TXN, F_ASSIGN, F_SUBSCRIBE]);
  });

  it("a nemesis op is left out before its value is read: whatever it carries is not checked (h/client-ops)", () => {
    const h = build(history([o(0, "nemesis", "info", "send", "not micro-ops"), o(1, ":nemesis", "info", "assign", { not: "keys" }), { ...o(2, "nemesis", "info", "poll", null), "rebalance-log": "bad" as never }]));
    expect(h.n).toBe(0);
  });

  it("kafkasim's client and life are kept once any op names one (earlier ops have none)", () => {
    const h = build([o(0, 0, "ok", "assign", ["x"]), { ...o(1, 1, "ok", "assign", ["x"]), client: "c1", incarnation: 2 }, { ...o(2, 2, "ok", "assign", ["x"]), client: "c1" }, { ...o(3, 3, "ok", "assign", ["x"]), client: "c2", incarnation: 1 }]);
    expect(Array.from(h.client)).toEqual([-1, 0, 0, 1]);
    expect(Array.from(h.incarnation)).toEqual([0, 2, 0, 1]);
    expect(h.clientNames).toEqual(["c1", "c2"]);
    expect(h.opRef(0)).not.toHaveProperty("client");
    expect(h.opRef(2)).toMatchObject({ client: "c1", incarnation: 0 });
    expect(build([o(0, 0, "ok", "assign", ["x"])]).client).toHaveLength(0);
  });

  it("once a client column exists, a later op naming no client has none (-1); a client or life of the wrong type is not one", () => {
    const h = build([{ ...o(0, 0, "ok", "assign", ["x"]), client: "c1", incarnation: 1 }, o(1, 1, "ok", "assign", ["x"]), { ...o(2, 2, "ok", "assign", ["x"]), client: 7 as never, incarnation: "3" as never }]);
    expect(Array.from(h.client)).toEqual([0, -1, -1]);
    expect(Array.from(h.incarnation)).toEqual([1, 0, 0]);
    expect(h.clientNames).toEqual(["c1"]);
    expect(h.opRef(1)).not.toHaveProperty("client");
  });
});

describe("completionsBySession: each client's completions in invocation order", () => {
  // Two lanes of one pipelined producer: lane 1 invokes after lane 0 but completes first.
  const ops = history([
    { ...o(0, 0, "invoke", "send", [["send", "x", 1]]), client: "p" },
    { ...o(1, 1, "invoke", "send", [["send", "x", 2]]), client: "p" },
    { ...o(2, 1, "ok", "send", [["send", "x", [1, 2]]]), client: "p" },
    { ...o(3, 0, "ok", "send", [["send", "x", [0, 1]]]), client: "p" },
    { ...o(4, 2, "ok", "poll", [["poll", { x: [[0, 1]] }]]), client: "q" },
  ]);

  it("by process (Jepsen's default): one list per process, completions only", () => {
    expect(build(ops).completionsBySession().map((l) => Array.from(l))).toEqual([[3], [2], [4]]);
  });

  it("by a session function (kafkasim's client): the lanes' completions sorted by when each was invoked", () => {
    const h = build(ops, (op) => op.client);
    expect(h.sessionCount).toBe(2);
    expect(h.completionsBySession().map((l) => Array.from(l))).toEqual([[3, 2], [4]]);
    // Computed once.
    expect(h.completionsBySession()).toBe(h.completionsBySession());
    expect(h.orderOf(2)).toBe(1);
    expect(h.orderOf(1)).toBe(1);
    expect(h.orderOf(4)).toBe(4);
  });

  it("a completion without an invocation takes its own place", () => {
    const h = build(history([o(0, 0, "invoke", "poll", [["poll"]]), o(1, 1, "ok", "poll", [["poll", {}]]), o(2, 0, "ok", "poll", [["poll", {}]])]), () => "one");
    expect(h.completionsBySession().map((l) => Array.from(l))).toEqual([[2, 1]]);
  });

  it("three lanes of one client completing out of order are put back in invocation order", () => {
    // Lanes 0, 1, 2 invoke in that order; lane 2 completes first, then 0, then 1.
    const lanes = history([0, 1, 2].map((l) => ({ ...o(l, l, "invoke", "send", [["send", "x", l]]), client: "p" })).concat([2, 0, 1].map((l) => ({ ...o(0, l, "ok", "send", [["send", "x", [l, l]]]), client: "p" }))));
    const h = build(lanes, (op) => op.client);
    expect(h.completionsBySession().map((l) => Array.from(l))).toEqual([[4, 5, 3]]);
  });
});

describe("entry rows: op-writes and op-reads of completions", () => {
  it("a completed send's [offset v]; a bare v, null or -1 offset is unknown (NaN); a big integer offset is a number", () => {
    const h = build(history([o(0, 0, "ok", "send", [["send", "x", [4, "a"]], ["send", "x", "b"], ["send", "y", [null, "c"]], ["send", "y", [-1, "d"]], ["send", "y", [5n, "e"]]])]));
    expect(rows(h, 0)).toEqual([
      [E_SEND, "x", "a", 4, 0],
      [E_SEND, "x", "b", NaN, 1],
      [E_SEND, "y", "c", NaN, 2],
      [E_SEND, "y", "d", NaN, 3],
      [E_SEND, "y", "e", 5, 4],
    ]);
  });

  it("a txn's sends and polls in micro-op order; invocations and a poll with nothing (or null) add no rows", () => {
    const h = build(
      history([
        o(0, 0, "invoke", "txn", [["send", "x", "a"], ["poll"]]),
        o(1, 0, "ok", "txn", [["poll", { y: [[0, "p"], [1, "q"]], x: [[2, "r"]] }], ["send", "x", [3, "a"]], ["poll"], ["poll", null]]),
        o(2, 1, "ok", "poll", [["poll", new Map([[7, [[0, 70]]]])]]),
      ]),
    );
    expect(rows(h, 0)).toEqual([]);
    expect(rows(h, 1)).toEqual([
      [E_POLL, "y", "p", 0, 0],
      [E_POLL, "y", "q", 1, 0],
      [E_POLL, "x", "r", 2, 0],
      [E_SEND, "x", "a", 3, 1],
    ]);
    expect(rows(h, 2)).toEqual([[E_POLL, "7", 70, 0, 0]]);
    expect(h.entries).toBe(5);
  });

  it("only where op-writes and op-reads look: a poll op's sends and a send op's polls are not rows", () => {
    const b = new HistoryBuilder();
    // Before the first op() nothing is current: keys, rebalances, fields and rows given then belong to no op.
    b.keys(["x"]);
    b.rebalanced(["x"]);
    b.attr("error", "early");
    b.send("x", 0, 0, 0);
    b.op(0, 0, 0, "ok", "poll");
    b.send("x", 1, 0, 0);
    b.polled("x", 0, 1, 0);
    b.op(1, 1, 1, "ok", "send");
    b.polled("x", 1, 2, 0);
    b.send("x", 2, 1, 0);
    b.op(2, 2, 2, "invoke", "txn");
    b.send("x", 3, 2, 0);
    b.polled("x", 2, 3, 0);
    b.op(3, 3, "nemesis", "info", "txn");
    b.send("x", 4, 3, 0);
    b.keys(["x"]);
    b.rebalanced(["x"]);
    b.attr("error", "boom");
    const h = b.build();
    expect([rows(h, 0), rows(h, 1), rows(h, 2)]).toEqual([[[E_POLL, "x", 1, 0, 0]], [[E_SEND, "x", 2, 1, 0]], []]);
    expect(h.subKeys.size + h.rebalanceKeys.size + h.attrs.size).toBe(0);
  });

  it("assign and subscribe keep the keys they name; only a subscribe makes the test a subscribe test", () => {
    const assign = build(history([o(0, 0, "ok", "assign", ["x", 2])]));
    expect(Array.from(assign.subKeys.get(0)!, (k) => assign.keys.shown[k])).toEqual(["x", 2]);
    expect(assign.subscribes).toBe(false);
    const subscribe = build(history([o(0, 0, "invoke", "subscribe", ["x"]), o(1, 0, "ok", "subscribe", ["x"])]));
    expect(subscribe.subscribes).toBe(true);
    expect(Array.from(subscribe.f)).toEqual([F_SUBSCRIBE, F_SUBSCRIBE]);
    expect(Array.from(assign.f)).toEqual([F_ASSIGN]);
  });

  it("a rebalance-log's keys, over every rebalance of the op (maps from EDN too); entries without keys are skipped", () => {
    const h = build([{ ...o(0, 0, "ok", "poll", [["poll", {}]]), "rebalance-log": [{ keys: ["x"] }, new Map([["keys", ["y", "x"]]]) as never, { other: 1 } as never, null as never] }, { ...o(1, 0, "ok", "poll", [["poll", {}]]), "rebalance-log": null as never }]);
    expect(Array.from(h.rebalanceKeys.get(0)!, (k) => h.keys.names[k])).toEqual(["x", "y", "x"]);
    expect(h.rebalanceKeys.has(1)).toBe(false);
  });

  it("the extra fields views read: isolation, error, txn, acks", () => {
    const h = build([{ ...o(0, 0, "fail", "send", [["send", "x", 1]]), isolation: "read_committed", error: "NOT_LEADER_OR_FOLLOWER", txn: true, acks: -1 }, o(1, 0, "ok", "send", [["send", "x", 1]])]);
    expect(h.attrs.get(0)).toEqual({ isolation: "read_committed", error: "NOT_LEADER_OR_FOLLOWER", txn: true, acks: -1 });
    expect(h.attrs.has(1)).toBe(false);
  });
});

describe("malformed ops are refused at their position", () => {
  it("an op's value of the wrong shape", () => {
    expect(refusal({ value: "x" })).toBe('op 3: a send op\'s value must be a list of micro-ops (got "x")');
    // A nil :value is empty to kafka.clj (op-writes-helper / op-reads-helper reduce over it; select-keys of nil is {}).
    expect(refusal({ f: "txn", value: null })).toBe("accepted");
    expect(refusal({ f: "assign", value: "x" })).toBe('op 3: an assign op\'s value must be a list of keys (got "x")');
    expect(refusal({ f: "subscribe", value: undefined })).toBe("accepted");
    expect(refusal({ f: "crash", value: "anything" })).toBe("accepted");
    expect(refusal({ "rebalance-log": { keys: [] } as never })).toBe('op 3: rebalance-log must be a list of {keys: [...]} (got {"keys":[]})');
  });

  it("micro-ops of the wrong shape, even in an invocation", () => {
    expect(refusal({ value: ["send"] })).toBe('op 3: micro-op 0 must be ["send", k, v] or ["poll", ...] (got "send")');
    expect(refusal({ value: [[]] })).toBe('op 3: micro-op 0 must be ["send", k, v] or ["poll", ...] (got [])');
    expect(refusal({ value: [null] })).toBe('op 3: micro-op 0 must be ["send", k, v] or ["poll", ...] (got null)');
    expect(refusal({ type: "invoke", value: [["send", "x", 1], ["send", "x"]] })).toBe('op 3: micro-op 1 must be ["send", k, v] or ["send", k, [offset, v]] (got ["send","x"])');
    expect(refusal({ value: [["send", "x", [1, 2, 3]]] })).toBe("op 3: micro-op 0: a completed send is [offset, value] (got [1,2,3])");
    expect(refusal({ type: "invoke", value: [["send", "x", [1, 2, 3]]] })).toBe("accepted");
    expect(refusal({ f: "poll", value: [["poll", {}, {}]] })).toBe('op 3: micro-op 0 must be ["poll"] or ["poll", {k: [[offset, v], ...]}] (got ["poll",{},{}])');
    expect(refusal({ f: "poll", value: [["poll", [[0, 1]]]] })).toBe("op 3: micro-op 0: a completed poll is a map of key to [[offset, value], ...] (got [[0,1]])");
    expect(refusal({ f: "poll", value: [["poll", 5]] })).toBe("op 3: micro-op 0: a completed poll is a map of key to [[offset, value], ...] (got 5)");
    expect(refusal({ f: "poll", type: "invoke", value: [["poll", 5]] })).toBe("accepted");
    expect(refusal({ f: "poll", value: [["poll", { x: 1 }]] })).toBe('op 3: micro-op 0: key "x" must map to a list of [offset, value] pairs (got 1)');
    expect(refusal({ f: "poll", value: [["poll", { x: [[0, 1], [1]] }]] })).toBe('op 3: micro-op 0: key "x": each record is [offset, value] (got [1])');
    expect(refusal({ f: "poll", value: [["poll", { x: [5] }]] })).toBe('op 3: micro-op 0: key "x": each record is [offset, value] (got 5)');
    expect(refusal({ f: "txn", value: [["read", "x"]] })).toBe('op 3: micro-op 0: unknown function "read" (Kafka histories use "send" and "poll")');
  });

  it("an offset that is not a whole number, and a micro-op that names no key", () => {
    expect(refusal({ value: [["send", "x", [1.5, 2]]] })).toBe("op 3: micro-op 0: an offset must be a whole number or null (got 1.5)");
    expect(refusal({ f: "poll", value: [["poll", { x: [["0", 2]] }]] })).toBe('op 3: micro-op 0: key "x": an offset must be a whole number or null (got "0")');
    expect(refusal({ value: [["send", null, [0, 2]]] })).toBe("op 3: a micro-op names no key");
    expect(refusal({ value: [["send", undefined, [0, 2]]] })).toBe("op 3: a micro-op names no key");
    // Absent (undefined) is unknown, like null.
    expect(refusal({ value: [["send", "x", [undefined, 2]]] })).toBe("accepted");
  });
});

describe("KeyTable: keys and per-key values interned", () => {
  it("11 and \"11\" are one key (JSON object keys are strings), shown as a number if ever written as one", () => {
    const t = new KeyTable();
    const a = t.keyOf("11", 0);
    expect(t.shown[a]).toBe("11");
    expect(t.keyOf(11, 0)).toBe(a);
    expect(t.shown[a]).toBe(11);
    expect(t.keyOf(11, 0)).toBe(a);
    const b = t.keyOf(12, 0);
    expect(t.keyOf("12", 0)).toBe(b);
    expect([t.names, t.shown, t.count]).toEqual([["11", "12"], [11, 12], 2]);
    expect(t.keyOf(3n, 0)).toBe(t.keyOf("3", 0));
    expect(t.names[t.keyOf(["t", 0], 0)]).toBe('["t",0]');
    expect(t.id.get("12")).toBe(b);
  });

  it("values are ids local to their key; 32-bit integers, other numbers, strings and data each by equality", () => {
    const t = new KeyTable();
    const x = t.keyOf("x", 0);
    const y = t.keyOf("y", 0);
    expect([t.valueOf(x, 5), t.valueOf(x, "5"), t.valueOf(x, 1.5), t.valueOf(x, { a: 1 }), t.valueOf(x, 2 ** 40), t.valueOf(x, 7n)]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([t.valueOf(x, 5), t.valueOf(x, "5"), t.valueOf(x, 1.5), t.valueOf(x, { a: 1 }), t.valueOf(x, 2 ** 40), t.valueOf(x, 7)]).toEqual([0, 1, 2, 3, 4, 6]);
    expect(t.values[x]).toEqual([5, "5", 1.5, '{"a":1}', 2 ** 40, 7, 7]);
    expect(t.valueOf(y, 5)).toBe(0);
    // A null value stays null (only objects and arrays are kept as their JSON text).
    expect([t.valueOf(y, null), t.valueOf(y, "null"), t.valueOf(y, null)]).toEqual([1, 2, 1]);
    expect(t.values[y]).toEqual([5, null, "null"]);
    expect([t.idOf(x, 5), t.idOf(x, "5"), t.idOf(x, 1.5), t.idOf(x, 6), t.idOf(x, "6"), t.idOf(y, "5")]).toEqual([0, 1, 2, undefined, undefined, undefined]);
  });

  it("IntIds: dense ids for any 32-bit integers, through growth and hash collisions", () => {
    const ids = new IntIds();
    const xs = Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? i * 65536 : -i * 7919));
    xs.forEach((x, i) => {
      expect(ids.get(x)).toBe(-1);
      ids.set(x, i);
    });
    expect(ids.size).toBe(xs.length);
    expect(xs.every((x, i) => ids.get(x) === i)).toBe(true);
    expect(ids.get(1)).toBe(-1);
    const big = new IntIds(100);
    for (let i = 0; i < 100; i++) big.set(i, i);
    expect(big.get(99)).toBe(99);
    expect(big.get(100)).toBe(-1);
  });
});

describe("the analysis' memory: arena, columns, scratch", () => {
  it("Arena: typed arrays carved from one buffer, aligned, zero-filled; a request past the end gets its own array", () => {
    const arena = new Arena(30);
    const bytes = arena.uint8(3);
    const ints = arena.int32(2);
    expect([bytes.buffer, bytes.byteOffset, ints.buffer, ints.byteOffset]).toEqual([ints.buffer, 0, bytes.buffer, 4]);
    expect(arena.used).toBe(12);
    const f = arena.float64(2);
    expect([f.buffer === bytes.buffer, f.byteOffset, arena.used]).toEqual([true, 16, 32]);
    expect(bytes.buffer.byteLength).toBe(32);
    const late = arena.int32(1);
    expect(late.buffer).not.toBe(bytes.buffer);
    expect(arena.used).toBe(32);
    expect(Array.from(ints)).toEqual([0, 0]);
    const exact = new Arena(8);
    expect(exact.int32(2).buffer).toBe(exact.uint8(0).buffer);
    expect(NO_ARENA.int32(3)).toHaveLength(3);
    expect(new Arena(-5).uint8(1)).toHaveLength(1);
  });

  it("columns grow past their reserved capacity and show only what was pushed", () => {
    const ints = new IntColumn(1);
    const bytes = new ByteColumn(1);
    const floats = new FloatColumn(1);
    for (let i = 0; i < 40; i++) {
      ints.push(-i);
      bytes.push(i);
      floats.push(i + 0.5);
    }
    expect(ints.data.length).toBe(64);
    expect([ints.length, bytes.length, floats.length]).toEqual([40, 40, 40]);
    expect([ints.view()[39], bytes.view()[39], floats.view()[39]]).toEqual([-39, 39, 39.5]);
    expect([ints.view().length, bytes.view().length, floats.view().length]).toEqual([40, 40, 40]);
    expect(Array.from(new IntColumn().view())).toEqual([]);
    expect(new ByteColumn().data.length).toBe(1024);
    expect(Array.from(filled(3, -1))).toEqual([-1, -1, -1]);
    expect(Array.from(filled(2, 0))).toEqual([0, 0]);
  });

  it("OpKeys: an op's keys in order of first appearance, each with its values in micro-op order", () => {
    const h = build(history([o(0, 0, "ok", "txn", [["send", "y", [0, 1]], ["poll", { x: [[0, 5]], y: [[1, 6]] }], ["send", "x", [1, 2]], ["send", "y", [2, 3]]]), o(1, 0, "ok", "txn", [["send", "x", [2, 4]]])]));
    // One scratch per kind, as each analysis keeps its own (a scratch remembers the last op it loaded by position).
    const sends = new OpKeys(h.keys.count);
    const polls = new OpKeys(h.keys.count);
    const show = (ks: OpKeys, n: number) => Array.from({ length: n }, (_, j) => [h.keys.names[ks.keys[j]], ks.valuesOf(j).map((v) => h.keys.values[ks.keys[j]][v])]);
    expect(show(sends, sends.load(h, 0, E_SEND))).toEqual([
      ["y", [1, 3]],
      ["x", [2]],
    ]);
    expect(show(polls, polls.load(h, 0, E_POLL))).toEqual([
      ["x", [5]],
      ["y", [6]],
    ]);
    expect(show(sends, sends.load(h, 1, E_SEND))).toEqual([["x", [4]]]);
    expect(polls.load(h, 1, E_POLL)).toBe(0);
  });
});

describe("fromJepsenOps sizes its columns from the history (one buffer, see Arena)", () => {
  /** Whether every column of h is a view into the one buffer the builder reserved (none outgrew its reservation). */
  const oneBuffer = (h: IndexedHistory) => [h.f, h.proc, h.pair, h.opIndex, h.time, h.opStart, h.eKind, h.eKey, h.eVal, h.eOff, h.eMop].every((c) => c.buffer === h.type.buffer);
  /** 20 ops (a column reserves at least 16 cells, so fewer would hide a short count), each completion made by `value`. */
  const ops = (f: string, value: (j: number) => unknown) => history(Array.from({ length: 20 }, (_, j) => o(j, j, "ok", f, value(j))));
  const pairs = (j: number) => [[j, j], [j + 1, j + 1]];

  it("counts each completion's sends and every record its polls returned, from JSON objects and EDN maps alike", () => {
    const sends = build(ops("send", (j) => [["send", "x", [j, j]], ["send", "y", j]]));
    const objects = build(ops("poll", (j) => [["poll", { x: pairs(j), y: pairs(j) }], ["poll"]]));
    const maps = build(ops("txn", (j) => [["poll", new Map([["x", pairs(j)], ["y", pairs(j)]])], ["send", "x", [j, j]]]));
    expect([sends.entries, objects.entries, maps.entries]).toEqual([40, 80, 100]);
    expect([oneBuffer(sends), oneBuffer(objects), oneBuffer(maps)]).toEqual([true, true, true]);
  });
});

import { describe, expect, it } from "vitest";
import { analyzeKafkaHistory } from "../../../src/check/jepsen/analysis.js";
import { describeAnalysis, describeCase, opLabel } from "../../../src/check/jepsen/describe.js";
import { opRef, renderAnalysis, renderCase } from "../../../src/check/jepsen/render.js";
import { history, o } from "../../support/jepsen.js";

/**
 * How an anomaly reads once the analysis found it: `renderCase` puts the file's keys, values and ops back in place of
 * the analysis' ids (the `kafkasim check --json` shape, Jepsen's field names), and `describeCase` says it in one line
 * a Kafka engineer can follow (ops by history index, process and outcome; values with their offsets).
 */

// Producer 1 (its second life, process 0) sends a and b to x; process 1's send of z to y failed; process 2 polls.
const h = history([
  o(0, 0, "invoke", "send", [["send", "x", "a"], ["send", "x", "b"]]),
  { ...o(1, 0, "ok", "send", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]]]), client: "producer-1", incarnation: 2 },
  o(2, 1, "invoke", "send", [["send", "y", "z"]]),
  { ...o(3, 1, "fail", "send", [["send", "y", [0, "z"]]]), client: "producer-2", incarnation: 1 },
  o(4, 2, "invoke", "poll", [["poll"]]),
  o(5, 2, "ok", "poll", [["poll", { x: [[1, "b"], [4, "c"]], y: [[0, "z"]] }]]),
  o(6, 3, "invoke", "poll", [["poll"]]),
  o(7, 3, "ok", "poll", [["poll", { 7: [[0, 70]] }]]),
]);
const a = analyzeKafkaHistory(h);
const ctx = a.ctx;
const x = ctx.h.keys.id.get("x")!;
const y = ctx.h.keys.id.get("y")!;
const seven = ctx.h.keys.id.get("7")!;
const id = (k: number, v: unknown) => ctx.h.keys.idOf(k, v)!;
const [va, vb, vc] = ["a", "b", "c"].map((v) => id(x, v));

describe("describeCase: one line per anomaly", () => {
  it("labels an op by history index, process and outcome, with the kafkasim client and a later life", () => {
    expect(opLabel(ctx, 1)).toBe("op 1 (producer-1 #2, process 0, ok)");
    expect(opLabel(ctx, 3)).toBe("op 3 (producer-2, process 1, fail)");
    expect(opLabel(ctx, 5)).toBe("op 5 (process 2, ok)");
  });

  it("duplicate, inconsistent-offsets, G1a, precommitted-read", () => {
    expect(describeCase(ctx, "duplicate", { key: x, value: va, count: 2, offsets: [0, 3] })).toBe("key x: value a appears at 2 offsets: 0, 3");
    expect(describeCase(ctx, "inconsistent-offsets", { key: x, offset: 1, index: 1, values: [vb, vc] })).toBe("key x offset 1: different values b, c");
    expect(describeCase(ctx, "G1a", { key: y, value: id(y, "z"), writer: 3, reader: 5 })).toBe("key y: op 5 (process 2, ok) read z (offset 0), written by op 3 (producer-2, process 1, fail), whose write failed (aborted read)");
    expect(describeCase(ctx, "precommitted-read", { op: 5, key: x, value: vb })).toBe("key x: op 5 (process 2, ok) read b (offset 1), its own write, before it committed");
  });

  it("lost-write names the writer and the op that read past it; with no such op, says so", () => {
    const c = { key: x, value: va, index: 0, "max-read-index": 2, writer: 1, "max-read": 5 };
    expect(describeCase(ctx, "lost-write", c)).toBe("key x: a (offset 0) written by op 1 (producer-1 #2, process 0, ok) was never read, though op 5 (process 2, ok) read past it (to index 2)");
    expect(describeCase(ctx, "lost-write", { ...c, "max-read": -1 })).toContain("though no op read past it");
    // The history's first op (index 0) is an op like any other, not "no op".
    expect(describeCase(ctx, "lost-write", { ...c, writer: 0 })).toContain("written by op 0 (process 0, invoke)");
  });

  it("poll-skip, nonmonotonic-poll, nonmonotonic-send: the two ops in order", () => {
    expect(describeCase(ctx, "poll-skip", { key: x, delta: 2, skipped: [vb], ops: [1, 5] })).toBe("key x: op 5 (process 2, ok) skipped 1 value(s) (b (offset 1)) after op 1 (producer-1 #2, process 0, ok)");
    expect(describeCase(ctx, "nonmonotonic-poll", { key: x, values: [vc, va], delta: -2, ops: [5, 7] })).toBe("key x: op 7 (process 3, ok) went back to a (offset 0) after op 5 (process 2, ok) read up to c (offset 4)");
    expect(describeCase(ctx, "nonmonotonic-send", { key: x, values: [vb, va], delta: -1, ops: [1, 3] })).toBe("key x: op 3 (producer-2, process 1, fail) sent a (offset 0), before b (offset 1) sent earlier by op 1 (producer-1 #2, process 0, ok)");
  });

  it("the int- kinds: within one op; a long list of skipped values is cut to the first three and the last", () => {
    expect(describeCase(ctx, "int-poll-skip", { key: x, values: [va, vc], delta: 2, skipped: [vb], op: 5 })).toBe("key x: within op 5 (process 2, ok), a (offset 0) then c (offset 4) skip 1 value(s) (b (offset 1))");
    expect(describeCase(ctx, "int-send-skip", { key: x, values: [va, vc], delta: 5, skipped: [va, vb, vc, vb], op: 1 })).toBe(
      "key x: within op 1 (producer-1 #2, process 0, ok), a (offset 0) then c (offset 4) skip 4 value(s) (a (offset 0), b (offset 1), c (offset 4), b (offset 1))",
    );
    expect(describeCase(ctx, "int-poll-skip", { key: x, values: [va, vc], delta: 6, skipped: [va, vb, vc, va, vb], op: 5 })).toBe(
      "key x: within op 5 (process 2, ok), a (offset 0) then c (offset 4) skip 5 value(s) (a (offset 0), b (offset 1), c (offset 4), …, b (offset 1))",
    );
    expect(describeCase(ctx, "int-nonmonotonic-poll", { key: x, values: [vc, va], delta: -2, op: 5 })).toBe("key x: within op 5 (process 2, ok), c (offset 4) then a (offset 0) go backwards (delta -2)");
    expect(describeCase(ctx, "int-nonmonotonic-send", { key: x, values: [vb, va], delta: -1, op: 1 })).toBe("key x: within op 1 (producer-1 #2, process 0, ok), b (offset 1) then a (offset 0) go backwards (delta -1)");
  });

  it("unseen, the empty graph, a search timeout", () => {
    expect(describeCase(ctx, "unseen", { key: x, count: 1, messages: [va], time: 7 })).toBe("key x: 1 acknowledged value(s) never polled: a (offset 0)");
    expect(describeCase(ctx, "empty-transaction-graph", {})).toBe("no op depends on another: nothing sent was polled and no op followed another in time");
    expect(describeCase(ctx, "cycle-search-timeout", { type: "cycle-search-timeout", "anomaly-spec-type": "G1c", "does-not-contain": ["G0"], "scc-size": 12 })).toBe("the search for G1c in a component of 12 ops ran out of its step budget");
  });

  it("numbers stay numbers, JSON-written values are quoted, and an unknown offset is ?", () => {
    expect(describeCase(ctx, "unseen", { key: seven, count: 1, messages: [id(seven, 70)], time: 7 })).toBe("key 7: 1 acknowledged value(s) never polled: 70 (offset 0)");
    // A value the key's version order never placed (never chosen, so no index), and a non-number value.
    const unplaced = ctx.h.keys.valueOf(x, "never-seen");
    expect(describeCase(ctx, "unseen", { key: x, count: 1, messages: [unplaced], time: 7 })).toBe("key x: 1 acknowledged value(s) never polled: never-seen (offset ?)");
    expect(describeCase(ctx, "unseen", { key: x, count: 1, messages: ["raw"], time: 7 })).toBe("key x: 1 acknowledged value(s) never polled: raw (offset ?)");
    // Without a key, values are shown as they are.
    expect(describeCase(ctx, "duplicate", { value: { v: 1 }, count: 2, offsets: [1, 2] })).toBe(': value {"v":1} appears at 2 offsets: 1, 2');
  });

  it("cycles: the ops, then each step as ww, wr or realtime; a cycle-exists case names its ops, eight at most", () => {
    const g0 = { type: "G0", cycle: [1, 3, 5, 1], steps: [{ type: "ww", key: x, value: va, "value'": vb, "a-mop-index": 0, "b-mop-index": 0 }, { type: "wr", key: y, value: id(y, "z"), "a-mop-index": 0, "b-mop-index": 1 }, { type: "realtime", "a'": 1, b: 2 }] };
    expect(describeCase(ctx, "G0", g0)).toBe("op 1 → op 3 → op 5 → op 1: op 1 sent a to key x before op 3 sent b; op 5 polled z from key y, sent by op 3; op 5 completed before op 1 was invoked");
    const exists = (scc: number[]) => ({ type: "PL-1-cycle-exists", not: "read-uncommitted", subgraph: [], "scc-size": scc.length, scc });
    expect(describeCase(ctx, "PL-1-cycle-exists", exists([1, 3]))).toBe("2 ops (1, 3) form a cycle that rules out read-uncommitted");
    expect(describeCase(ctx, "PL-1-cycle-exists", exists([1, 2, 3, 4, 5, 6, 7, 8]))).toBe("8 ops (1, 2, 3, 4, 5, 6, 7, 8) form a cycle that rules out read-uncommitted");
    expect(describeCase(ctx, "PL-1-cycle-exists", exists([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe("9 ops (1, 2, 3, 4, 5, 6, 7, 8, …) form a cycle that rules out read-uncommitted");
    expect(describeCase(ctx, "something-else", { a: 1 })).toBe('{"a":1}');
  });

  it("describeAnalysis: every kind found, whether it is allowed, and at most perKind lines with the rest counted", () => {
    const lines = describeAnalysis(a);
    expect(lines.map((l) => [l.kind, l.allowed, l.count])).toEqual([
      ["G1a", false, 1],
      ["lost-write", false, 1],
      ["unseen", false, 1],
    ]);
    expect(describeAnalysis(a, 0).find((l) => l.kind === "unseen")!.lines).toEqual(["… and 1 more"]);
    expect(describeAnalysis(a, 1).find((l) => l.kind === "unseen")!.lines).toEqual(["key x: 1 acknowledged value(s) never polled: a (offset 0)"]);
    // Three unacknowledged-never-polled keys, one line shown: the other two counted.
    const three = analyzeKafkaHistory(history(["p", "q", "r"].flatMap((k, i) => [o(2 * i, i, "invoke", "send", [["send", k, "v"]]), o(2 * i + 1, i, "ok", "send", [["send", k, [0, "v"]]])])));
    expect(describeAnalysis(three, 1).find((l) => l.kind === "unseen")!.lines).toEqual(["key p: 1 acknowledged value(s) never polled: v (offset 0)", "… and 2 more"]);
    const empty = analyzeKafkaHistory(history([o(0, 0, "invoke", "assign", ["x"]), o(1, 0, "ok", "assign", ["x"])]));
    expect(describeAnalysis(empty)).toEqual([{ kind: "empty-transaction-graph", allowed: false, count: 1, lines: ["no op depends on another: nothing sent was polled and no op followed another in time"] }]);
    const g0 = analyzeKafkaHistory(history([o(0, 0, "invoke", "send", [["send", "x", 1]]), o(1, 0, "ok", "send", [["send", "x", [1, 1]]]), o(2, 1, "invoke", "send", [["send", "x", 2]]), o(3, 1, "ok", "send", [["send", "x", [0, 2]]])]), { wwDeps: true });
    expect(describeAnalysis(g0).find((l) => l.kind === "G0-realtime")!.allowed).toBe(true);
  });
});

describe("renderCase: the file's keys, values and ops in place of ids", () => {
  it("op fields become op references (with time, client and life when known); -1 is null", () => {
    expect(opRef(ctx.h, -1)).toBeNull();
    expect(opRef(ctx.h, 1)).toEqual({ index: 1, process: 0, type: "ok", f: "send", time: 1, client: "producer-1", incarnation: 2 });
    expect(renderCase(ctx.h, { key: x, value: va, index: 0, "max-read-index": 2, writer: 1, "max-read": -1 })).toEqual({ key: "x", value: "a", index: 0, "max-read-index": 2, writer: opRef(ctx.h, 1), "max-read": null });
    expect(renderCase(ctx.h, { key: x, values: [vb, va], delta: -1, ops: [5, 7] })).toEqual({ key: "x", values: ["b", "a"], delta: -1, ops: [opRef(ctx.h, 5), opRef(ctx.h, 7)] });
  });

  it("an offset conflict's values are sorted, as Jepsen's sorted set: numbers by value, others as text", () => {
    expect(renderCase(ctx.h, { key: x, offset: 1, index: 1, values: [vc, va, vb] })).toEqual({ key: "x", offset: 1, index: 1, values: ["a", "b", "c"] });
    const k = ctx.h.keys.keyOf("n", 0);
    const ns = [10, 9, 100].map((v) => ctx.h.keys.valueOf(k, v));
    expect(renderCase(ctx.h, { key: k, offset: 0, index: 0, values: ns })).toMatchObject({ values: [9, 10, 100] });
    const mixed = [2, "b", "a", 1, "b"].map((v) => ctx.h.keys.valueOf(k, v));
    expect((renderCase(ctx.h, { key: k, offset: 0, index: 0, values: mixed }) as { values: unknown[] }).values).toEqual([1, 2, "a", "b", "b"]);
    // Anywhere else the order is the analysis' own.
    expect(renderCase(ctx.h, { key: x, values: [vc, va], delta: -2, op: 5 })).toMatchObject({ values: ["c", "a"] });
    expect(renderCase(ctx.h, { key: x, skipped: [vc, va], delta: 3, op: 5, values: [va, vb] })).toMatchObject({ skipped: ["c", "a"] });
    expect(renderCase(ctx.h, { key: x, count: 2, messages: [vc, va], time: 1 })).toMatchObject({ messages: ["c", "a"] });
  });

  it("cycle steps are rendered too; a case without a key keeps its numbers; non-objects pass through", () => {
    const c = { type: "G1c", cycle: [1, 5, 1], steps: [{ type: "wr", key: x, value: vb, "a-mop-index": 1, "b-mop-index": 0 }, { type: "ww", key: x, value: va, "value'": vb, "a-mop-index": 0, "b-mop-index": 1 }, { type: "realtime", "a'": 5, b: 1 }] };
    expect(renderCase(ctx.h, c)).toEqual({
      type: "G1c",
      cycle: [opRef(ctx.h, 1), opRef(ctx.h, 5), opRef(ctx.h, 1)],
      steps: [
        { type: "wr", key: "x", value: "b", "a-mop-index": 1, "b-mop-index": 0 },
        { type: "ww", key: "x", value: "a", "value'": "b", "a-mop-index": 0, "b-mop-index": 1 },
        { type: "realtime", "a'": opRef(ctx.h, 5), b: opRef(ctx.h, 1) },
      ],
    });
    expect(renderCase(ctx.h, { type: "PL-1-cycle-exists", scc: [1, 3], value: 3, values: [1, 2] })).toEqual({ type: "PL-1-cycle-exists", scc: [1, 3], value: 3, values: [1, 2] });
    expect(renderCase(ctx.h, { key: "raw", op: "x", ops: 5 })).toEqual({ key: "raw", op: "x", ops: 5 });
    expect(renderCase(ctx.h, true)).toBe(true);
    expect(renderCase(ctx.h, null)).toBeNull();
  });

  it("renderAnalysis: the check --json object, anomalies in Jepsen's sorted key order", () => {
    const r = renderAnalysis(a, 8);
    expect(Object.keys(r)).toEqual(["valid", "anomalies", "anomalyTypes", "allowed", "ops", "worstRealtimeLag"]);
    expect(r).toMatchObject({ valid: false, anomalyTypes: ["G1a", "lost-write", "unseen"], ops: 8 });
    expect(Object.keys(r.anomalies)).toEqual(["G1a", "lost-write", "unseen"]);
    expect(r.anomalies.unseen).toEqual([{ key: "x", count: 1, messages: ["a"], time: 7 }]);
  });
});

import { describe, expect, it } from "vitest";
import { buildFacts, type Facts } from "../../../src/check/jepsen/facts.js";
import { IndexedHistory } from "../../../src/check/jepsen/indexedHistory.js";
import type { JepsenOp } from "../../../src/check/jepsen/ops.js";
import { history, o } from "../../support/jepsen.js";

/**
 * buildFacts: kafka.clj's `writer-of`, `writes-by-type`, `reads-by-type`, `readers-of` (first reader) and
 * `must-have-committed?`, as flat arrays over (key, value) ids. Each test reads one fact of one pair by name.
 */
function factsOf(ops: JepsenOp[]): { facts: Facts; fact: (name: keyof Facts, k: string, v: unknown) => number } {
  const h = IndexedHistory.build(history(ops));
  const facts = buildFacts(h);
  const fact = (name: keyof Facts, k: string, v: unknown) => {
    const key = h.keys.id.get(k)!;
    return (facts[name] as Int32Array | Uint8Array)[facts.kvBase[key] + h.keys.idOf(key, v)!];
  };
  return { facts, fact };
}
const send = (p: number, type: "ok" | "info" | "fail", mops: unknown[][], f = "send"): JepsenOp[] => [
  o(0, p, "invoke", f, mops.map(([, k, v]) => ["send", k, Array.isArray(v) ? v[1] : v])),
  o(0, p, type, f, mops),
];
const poll = (p: number, type: "ok" | "info" | "fail", read: Record<string, [number | null, unknown][]>, f = "poll"): JepsenOp[] => [o(0, p, "invoke", f, [["poll"]]), o(0, p, type, f, [["poll", read]])];

describe("buildFacts (kafka.clj writer-of, writes-by-type, reads-by-type, readers-of, must-have-committed?)", () => {
  it("numbers (key, value) pairs key by key: kvBase is each key's first pair id, kvCount all of them", () => {
    const { facts } = factsOf([...send(0, "ok", [["send", "x", [0, 1]], ["send", "y", [0, 2]], ["send", "x", [1, 3]], ["send", "z", [0, 4]], ["send", "y", [1, 5]], ["send", "x", [2, 6]]])]);
    expect(Array.from(facts.kvBase)).toEqual([0, 3, 5, 6]);
    expect(facts.kvCount).toBe(6);
  });

  it("writer-of: the last completion that sent the value, whatever its type; an invocation never writes", () => {
    // a: sent by a failed send (op 1), then again by an ok txn (op 3), then invoked again by op 6, never completed.
    const { fact } = factsOf([...send(0, "fail", [["send", "x", [null, "a"]]]), ...send(1, "ok", [["send", "x", [0, "a"]]], "txn"), ...poll(2, "ok", { x: [[0, "a"]] }), o(6, 3, "invoke", "send", [["send", "x", "a"]])]);
    expect(fact("writer", "x", "a")).toBe(3);
    // A value only read (nobody sent it) has no writer.
    const { fact: f2 } = factsOf([...poll(0, "ok", { x: [[0, "z"]] })]);
    expect(f2("writer", "x", "z")).toBe(-1);
  });

  it("writes-by-type: :fail and :ok sends are told apart, and an :info send is neither", () => {
    const { fact } = factsOf([...send(0, "fail", [["send", "x", [null, "f"]]]), ...send(1, "ok", [["send", "x", [0, "k"]]]), ...send(2, "info", [["send", "x", "i"]], "txn")]);
    expect([fact("failed", "x", "f"), fact("sentOk", "x", "f")]).toEqual([1, 0]);
    expect([fact("failed", "x", "k"), fact("sentOk", "x", "k")]).toEqual([0, 1]);
    expect([fact("failed", "x", "i"), fact("sentOk", "x", "i"), fact("writer", "x", "i")]).toEqual([0, 0, 5]);
  });

  it("reads-by-type :ok and readers-of: only an ok poll or txn reads :ok, but any completed poll is a reader, the first one kept", () => {
    const { fact } = factsOf([
      ...send(0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]], ["send", "x", [2, "c"]]]),
      ...poll(1, "info", { x: [[0, "a"]] }),
      ...poll(2, "ok", { x: [[0, "a"], [1, "b"]] }, "txn"),
      ...poll(3, "fail", { x: [[1, "b"]] }),
      // A send op's stray poll micro-op reads nothing (op-reads looks at :poll and :txn ops only).
      o(8, 4, "ok", "send", [["poll", { x: [[2, "c"]] }]]),
    ]);
    expect([fact("readOk", "x", "a"), fact("firstReader", "x", "a")]).toEqual([1, 3]);
    expect([fact("readOk", "x", "b"), fact("firstReader", "x", "b")]).toEqual([1, 5]);
    expect([fact("readOk", "x", "c"), fact("firstReader", "x", "c")]).toEqual([0, -1]);
  });

  it("readers-of keeps the first reader even when it is the history's first op (position 0)", () => {
    // A history may start with a completion whose invocation came before the recording began.
    const { fact } = factsOf([o(0, 1, "ok", "poll", [["poll", { x: [[0, "a"]] }]]), ...poll(2, "ok", { x: [[0, "a"]] })]);
    expect(fact("firstReader", "x", "a")).toBe(0);
  });

  it("a failed poll alone makes a reader but no :ok read", () => {
    const { fact } = factsOf([...send(0, "ok", [["send", "x", [0, "a"]]]), ...poll(1, "fail", { x: [[0, "a"]] })]);
    expect([fact("readOk", "x", "a"), fact("firstReader", "x", "a")]).toEqual([0, 3]);
  });

  it("must-have-committed?: ok always; info only when one of its sends was read by an ok op; fail and invocations never", () => {
    const ops = [
      ...send(0, "ok", [["send", "x", [0, "a"]]]), // 0, 1
      ...send(1, "info", [["send", "x", "b"], ["send", "y", "c"]], "txn"), // 2, 3: c is read below
      ...send(2, "info", [["send", "x", "d"]]), // 4, 5: d is never read
      ...send(3, "fail", [["send", "x", [null, "e"]]]), // 6, 7: e is read (a phantom), still a failed op
      ...poll(4, "ok", { y: [[0, "c"]], x: [[1, "e"]] }), // 8, 9
      // 10, 11: an info txn that only polled a value an ok op also read: its own sends were never read.
      o(10, 5, "invoke", "txn", [["send", "z", "g"], ["poll"]]),
      o(11, 5, "info", "txn", [["send", "z", "g"], ["poll", { x: [[1, "e"]] }]]),
    ];
    const { facts } = factsOf(ops);
    expect(Array.from(facts.committed)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
  });
});

import { describe, expect, it } from "vitest";
import { E_POLL, E_SEND, IndexedHistory } from "../../../src/check/jepsen/indexedHistory.js";
import { OpKeys } from "../../../src/check/jepsen/opKeys.js";
import { history, o } from "../../support/jepsen.js";

/**
 * kafka.clj's `op-reads` and `op-writes` (a map of key -> values in micro-op order) as the scratch OpKeys keeps:
 * the keys in order of first appearance, each with its values, reloaded per op without allocating.
 */
const h = IndexedHistory.build(
  history([
    o(0, 0, "invoke", "txn", [["send", "x", 1], ["poll"]]),
    // Op 1 writes y, x, y and polls x twice and z: its keys per kind are y, x (sends) and x, z (polls).
    o(1, 0, "ok", "txn", [["send", "y", [0, 1]], ["poll", { x: [[0, 5], [1, 6]], z: [[0, 9]] }], ["send", "x", [2, 2]], ["send", "y", [1, 3]]]),
    o(2, 1, "ok", "send", [["send", "z", [1, 7]]]),
    o(3, 1, "ok", "txn", [["send", "x", [3, 8]], ["send", "x", [4, 10]]]),
  ]),
);
const show = (ks: OpKeys, n: number) => Array.from({ length: n }, (_, j) => [h.keys.names[ks.keys[j]], ks.valuesOf(j).map((v) => h.keys.values[ks.keys[j]][v])]);

describe("OpKeys: op-reads / op-writes as a reusable scratch", () => {
  it("op-writes: the sent values per key, keys in order of first send, values in micro-op order", () => {
    const sends = new OpKeys(h.keys.count);
    // Op 1 is loaded first, in a fresh scratch: no key is taken for already seen.
    expect(show(sends, sends.load(h, 1, E_SEND))).toEqual([
      ["y", [1, 3]],
      ["x", [2]],
    ]);
  });

  it("op-reads: the polled values per key, and nothing of the op's sends", () => {
    const polls = new OpKeys(h.keys.count);
    expect(show(polls, polls.load(h, 1, E_POLL))).toEqual([
      ["x", [5, 6]],
      ["z", [9]],
    ]);
    expect(polls.load(h, 2, E_POLL)).toBe(0);
    expect(polls.keys).toEqual([]);
  });

  it("the next op starts afresh: no key or value of the op before is kept, whatever slot it sat in", () => {
    const sends = new OpKeys(h.keys.count);
    sends.load(h, 1, E_SEND);
    expect(show(sends, sends.load(h, 2, E_SEND))).toEqual([["z", [7]]]);
    // x sat in slot 1 for op 1; now it is alone in slot 0, with op 3's two values only.
    expect(show(sends, sends.load(h, 3, E_SEND))).toEqual([["x", [8, 10]]]);
    expect(show(sends, sends.load(h, 1, E_SEND))).toEqual([
      ["y", [1, 3]],
      ["x", [2]],
    ]);
  });

  it("an invocation, whose micro-ops have no results, has no keys", () => {
    expect(new OpKeys(h.keys.count).load(h, 0, E_SEND)).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { Arena } from "../../../src/check/jepsen/arena.js";
import { buildFacts } from "../../../src/check/jepsen/facts.js";
import { IndexedHistory } from "../../../src/check/jepsen/indexedHistory.js";
import type { JepsenOp } from "../../../src/check/jepsen/ops.js";
import { buildVersionOrders } from "../../../src/check/jepsen/versionOrders.js";
import { history, o } from "../../support/jepsen.js";

/**
 * buildVersionOrders: kafka.clj's `version-orders` (with `index-seq`, `log->value->first-index` and
 * `log->last-index->values`), read back in the history's own keys and values so each assertion says what a
 * Jepsen user would see: which offsets of a key hold what, in dense-index order.
 */
function ordersOf(ops: JepsenOp[], arena?: Arena) {
  const h = IndexedHistory.build(history(ops));
  const vo = buildVersionOrders(h, buildFacts(h), arena);
  const of = (k: string) => {
    const key = h.keys.id.get(k)!;
    const ord = vo.orders[key];
    const vals = h.keys.values[key];
    const perValue = (a: Int32Array) => Object.fromEntries(vals.map((v, id) => [String(v), a[id]]));
    return {
      offsets: Array.from(ord.offsets),
      atIndex: Array.from({ length: ord.offsets.length }, (_, d) => Array.from(ord.vals.subarray(ord.valStart[d], ord.valStart[d + 1]), (v) => vals[v])),
      byIndex: Array.from(ord.byIndex, (v) => vals[v]),
      byValue: perValue(ord.byValue),
      firstIndex: perValue(ord.firstIndex),
      lastIndex: perValue(ord.lastIndex),
    };
  };
  const conflicts = vo.conflicts.map((c) => ({ key: h.keys.names[c.key], offset: c.offset, index: c.index, values: c.values.map((v) => h.keys.values[c.key][v]) }));
  return { of, conflicts, vo, h };
}
const send = (p: number, type: "ok" | "info" | "fail", mops: unknown[][], f = "send"): JepsenOp[] => [
  o(0, p, "invoke", f, mops.map(([, k, v]) => ["send", k, Array.isArray(v) ? v[1] : v])),
  o(0, p, type, f, mops),
];
const poll = (p: number, type: "ok" | "info" | "fail", read: Record<string, [number | null, unknown][]>, f = "poll"): JepsenOp[] => [o(0, p, "invoke", f, [["poll"]]), o(0, p, type, f, [["poll", read]])];

describe("version-orders: which observations count", () => {
  it("sends count when their op must have committed: ok, or info with a send read by an ok op; never a failed or unproven send", () => {
    const { of } = ordersOf([
      ...send(0, "ok", [["send", "x", [0, "a"]]]),
      // An info txn whose b was read: its c (offset 2) counts too.
      ...send(1, "info", [["send", "x", [1, "b"]], ["send", "x", [2, "c"]]], "txn"),
      // An info send nobody read, and a failed send: their offsets say nothing.
      ...send(2, "info", [["send", "x", [3, "d"]]]),
      ...send(3, "fail", [["send", "x", [4, "e"]]]),
      ...poll(4, "ok", { x: [[1, "b"]] }),
    ]);
    expect(of("x").offsets).toEqual([0, 1, 2]);
    expect(of("x").byIndex).toEqual(["a", "b", "c"]);
  });

  it("polls count from every completed poll or txn, info and fail included (kafka.clj: pollers always emit safe data)", () => {
    const { of } = ordersOf([...poll(0, "fail", { x: [[5, "f"]] }), ...poll(1, "info", { x: [[3, "i"]] }, "txn"), ...poll(2, "ok", { x: [[4, "k"]] })]);
    expect(of("x").offsets).toEqual([3, 4, 5]);
    expect(of("x").byIndex).toEqual(["i", "k", "f"]);
  });

  it("an observation without an offset (a send with no result, a record read at nil) is left out", () => {
    const { of } = ordersOf([...send(0, "ok", [["send", "x", [null, "a"]], ["send", "x", [1, "b"]]]), ...poll(1, "ok", { x: [[null, "c"], [2, "d"]] })]);
    expect(of("x").offsets).toEqual([1, 2]);
    expect(of("x").firstIndex).toEqual({ a: -1, b: 0, c: -1, d: 1 });
  });
});

describe("version-orders: dense indices, by-index, by-value, first and last index", () => {
  it("indices are dense over the offsets seen (a transaction marker's hole takes no index)", () => {
    const { of } = ordersOf([...send(0, "ok", [["send", "x", [0, "a"]], ["send", "x", [5, "b"]], ["send", "x", [7, "c"]]])]);
    expect(of("x").offsets).toEqual([0, 5, 7]);
    expect(of("x").byValue).toEqual({ a: 0, b: 1, c: 2 });
  });

  it("by-index takes `first` of an offset's values in Clojure hash-set order; by-value the last index where a value was chosen, -1 where it never was", () => {
    const { of } = ordersOf([
      // a at 0 and 2 (a duplicate); z also seen at 0, later: #{"a" "z"} iterates "z" first, so z is chosen there.
      ...send(0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]], ["send", "x", [2, "a"]], ["send", "y", [0, "c"]]]),
      ...poll(1, "ok", { x: [[0, "z"]], y: [[0, "b"]] }),
    ]);
    const x = of("x");
    expect(x.atIndex).toEqual([["a", "z"], ["b"], ["a"]]);
    expect(x.byIndex).toEqual(["z", "b", "a"]);
    expect(x.byValue).toEqual({ a: 2, b: 1, z: 0 });
    // #{"c" "b"} iterates "b" first, whichever was observed first.
    expect(of("y").byIndex).toEqual(["b"]);
    expect(x.firstIndex).toEqual({ a: 0, b: 1, z: 0 });
    expect(x.lastIndex).toEqual({ a: 2, b: 1, z: 0 });
  });

  it("one value seen twice at one offset is listed once there", () => {
    const { of, conflicts } = ordersOf([...send(0, "ok", [["send", "x", [0, "a"]]]), ...poll(1, "ok", { x: [[0, "a"]] }), ...poll(2, "info", { x: [[0, "a"], [1, "b"]] })]);
    expect(of("x").atIndex).toEqual([["a"], ["b"]]);
    expect(conflicts).toEqual([]);
  });

  it("keys are kept apart, each in its own offset order", () => {
    const { of } = ordersOf([...send(0, "ok", [["send", "y", [1, "y1"]], ["send", "x", [1, "x1"]], ["send", "y", [0, "y0"]], ["send", "x", [0, "x0"]]]), ...poll(1, "ok", { z: [[9, "z9"]] })]);
    expect(of("x").byIndex).toEqual(["x0", "x1"]);
    expect(of("y").byIndex).toEqual(["y0", "y1"]);
    expect(of("z").byIndex).toEqual(["z9"]);
    expect(of("z").offsets).toEqual([9]);
  });

  it("a key nobody observed at a known offset has an empty order", () => {
    const { of } = ordersOf([...send(0, "info", [["send", "x", "a"]])]);
    expect(of("x")).toEqual({ offsets: [], atIndex: [], byIndex: [], byValue: { a: -1 }, firstIndex: { a: -1 }, lastIndex: { a: -1 } });
  });
});

describe("version-orders :errors (inconsistent-offsets)", () => {
  it("names the key, the offset, its dense index and the values in the order they were seen", () => {
    const { conflicts } = ordersOf([
      ...send(0, "ok", [["send", "x", [0, "a"]], ["send", "x", [4, "b"]], ["send", "y", [0, "p"]]]),
      ...poll(1, "ok", { x: [[4, "c"], [4, "d"]], y: [[0, "p"]] }),
    ]);
    expect(conflicts).toEqual([{ key: "x", offset: 4, index: 1, values: ["b", "c", "d"] }]);
  });
});

describe("version-orders: offsets arriving out of order", () => {
  it("a key whose observations come in offset order keeps history order within an offset", () => {
    const { of } = ordersOf([...send(0, "ok", [["send", "x", [0, "a"]], ["send", "x", [1, "b"]]]), ...poll(1, "ok", { x: [[1, "c"]] })]);
    expect(of("x").atIndex).toEqual([["a"], ["b", "c"]]);
  });

  it("dense offsets out of order are sorted, stable within an offset, from the smallest offset on", () => {
    const { of } = ordersOf([...send(0, "ok", [["send", "x", [12, "c"]], ["send", "x", [10, "a"]], ["send", "x", [11, "b"]], ["send", "x", [10, "z"]], ["send", "x", [12, "y"]]])]);
    expect(of("x").offsets).toEqual([10, 11, 12]);
    expect(of("x").atIndex).toEqual([["a", "z"], ["b"], ["c", "y"]]);
  });

  it("offsets just past the counting sort's reach (range above 4 per observation + 1024) sort the same, stable too", () => {
    // 4 observations: the counting sort takes ranges up to 4 * 4 + 1024 = 1040 wide (0 .. 1039).
    for (const far of [1039, 1040, 5000]) {
      const { of } = ordersOf([...send(0, "ok", [["send", "x", [far, "c"]], ["send", "x", [0, "a"]], ["send", "x", [far, "d"]], ["send", "x", [0, "b"]]])]);
      expect(of("x").offsets).toEqual([0, far]);
      expect(of("x").atIndex).toEqual([
        ["a", "b"],
        ["c", "d"],
      ]);
    }
  });

  it("many observations out of order come out sorted, through an arena or without one", () => {
    const n = 300;
    const mops = Array.from({ length: n }, (_, i) => ["send", "x", [(i * 7) % n, `v${(i * 7) % n}`]]);
    for (const arena of [undefined, new Arena(1 << 16)]) {
      const { of } = ordersOf([...send(0, "ok", mops)], arena);
      expect(of("x").offsets).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(of("x").byIndex).toEqual(Array.from({ length: n }, (_, i) => `v${i}`));
    }
  });
});

describe("version-orders: what sorting costs (the arena a key's sort takes its tables from)", () => {
  // The same observations in two orders: the bytes the in-order one takes from the arena are the baseline, so the
  // difference is what sorting the other cost. A counting sort takes its table (range + 1 counts) and its output
  // (one id per observation) from the arena; a comparison sort allocates outside it; a key in order is not sorted.
  const sortCost = (unsorted: number[], sorted: number[]) => {
    const used = (offsets: number[]) => {
      const h = IndexedHistory.build(history(send(0, "ok", offsets.map((off, j) => ["send", "x", [off, `v${j}`]]))));
      const arena = new Arena(1 << 20);
      buildVersionOrders(h, buildFacts(h), arena);
      return arena.used;
    };
    return used(unsorted) - used(sorted);
  };
  // Give or take the 4 bytes of padding a later float64 request may need (or no longer need) to stay aligned.
  const counting = (range: number, n: number) => [(range + 1 + n) * 4 - 4, (range + 1 + n) * 4 + 4];

  it("a key whose offsets come in order, ties included, is not sorted at all", () => {
    expect(sortCost([10, 10, 11, 12, 12], [10, 10, 11, 12, 12])).toBe(0);
    // The in-order baseline with ties costs what a tie-free one does: ties alone do not trigger a sort.
    const tie = sortCost([11, 10, 10], [10, 10, 11]);
    const [lo, hi] = counting(2, 3);
    expect(tie).toBeGreaterThanOrEqual(lo);
    expect(tie).toBeLessThanOrEqual(hi);
  });

  it("dense offsets out of order take a counting table as wide as their range, not more (offsets from 10 on)", () => {
    const cost = sortCost([12, 10, 11], [10, 11, 12]);
    const [lo, hi] = counting(3, 3);
    expect(cost).toBeGreaterThanOrEqual(lo);
    expect(cost).toBeLessThanOrEqual(hi);
  });

  it("the counting sort is taken up to a range of 4 per observation + 1024, the comparison sort past it", () => {
    // 4 observations: ranges up to 1040 count; 1041 compares (no arena bytes).
    const at = sortCost([1039, 0, 1, 2], [0, 1, 2, 1039]);
    const [lo, hi] = counting(1040, 4);
    expect(at).toBeGreaterThanOrEqual(lo);
    expect(at).toBeLessThanOrEqual(hi);
    expect(sortCost([1040, 0, 1, 2], [0, 1, 2, 1040])).toBe(0);
    // The allowance grows with the observations: 100 of them count over a range of 1,424.
    const many = Array.from({ length: 99 }, (_, j) => j);
    const wide = sortCost([1423, ...many], [...many, 1423]);
    const [lo100, hi100] = counting(1424, 100);
    expect(wide).toBeGreaterThanOrEqual(lo100);
    expect(wide).toBeLessThanOrEqual(hi100);
  });
});

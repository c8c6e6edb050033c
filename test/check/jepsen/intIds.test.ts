import { describe, expect, it } from "vitest";
import { IntIds } from "../../../src/check/jepsen/intIds.js";

/**
 * The integer interning behind KeyTable.valueOf (intIds.ts): Jepsen's Kafka workload writes integer values
 * (kafka.clj's generator counts them up per key), and the analysis turns each into a dense id. An open-addressing
 * table: what matters is that every id comes back through collisions and growth, id 0 included, and an absent
 * value is -1.
 */
describe("IntIds: open addressing over typed arrays", () => {
  it("id 0 is an id like any other, before and after the table grows", () => {
    const ids = new IntIds();
    ids.set(42, 0);
    expect(ids.get(42)).toBe(0);
    for (let i = 1; i < 100; i++) ids.set(1000 + i, i);
    expect(ids.get(42)).toBe(0);
    expect(ids.size).toBe(100);
  });

  it("values that hash to one slot all come back: the probe walks on, and wraps around the table's end", () => {
    // Multiples of 2^24 all hash to slot 0 of any table under 2^24 slots (the hash multiplies, then keeps the low bits).
    const ids = new IntIds(4);
    const xs = [0, 1, 2, 3, 4, 5, 6].map((i) => i * 2 ** 28);
    xs.forEach((x, i) => ids.set(x, i + 10));
    expect(xs.map((x) => ids.get(x))).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(ids.get(7 * 2 ** 28)).toBe(-1);
    // Filled to just under half, then past it (growth rehashes every colliding value).
    const more = Array.from({ length: 40 }, (_, i) => -(i + 1) * 2 ** 24);
    more.forEach((x, i) => ids.set(x, 100 + i));
    expect(more.every((x, i) => ids.get(x) === 100 + i)).toBe(true);
    expect(xs.map((x) => ids.get(x))).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(ids.size).toBe(47);
  });

  it("a run of collisions at the table's last slot wraps around to its first", () => {
    // The default table has 32 slots; these values all hash to slot 31 (the hash is kept as the test's own copy).
    const slot = (x: number) => Math.imul(x, 0x9e3779b1) & 31;
    const last: number[] = [];
    for (let x = 1; last.length < 6; x++) if (slot(x) === 31) last.push(x);
    const ids = new IntIds();
    last.slice(0, 5).forEach((x, i) => ids.set(x, i));
    // The sixth was never set: its probe walks slots 31, 0 .. 3 and stops at the empty slot 4.
    expect(last.map((x) => ids.get(x))).toEqual([0, 1, 2, 3, 4, -1]);
  });

  it("a table asked for room grows only when half full, and never loses an id on the way (capacity is a hint)", () => {
    for (const capacity of [0, 1, 8, 9, 1000]) {
      const ids = new IntIds(capacity);
      const n = capacity * 3 + 20;
      for (let i = 0; i < n; i++) ids.set(Math.imul(i, 2654435761), i);
      expect(ids.size).toBe(n);
      for (let i = 0; i < n; i++) expect(ids.get(Math.imul(i, 2654435761))).toBe(i);
      expect(ids.get(-1)).toBe(-1);
    }
  });

  it("an empty table knows nothing, not even 0", () => {
    const ids = new IntIds();
    expect([ids.get(0), ids.get(-1), ids.get(2 ** 31 - 1), ids.size]).toEqual([-1, -1, -1, 0]);
  });
});

import { describe, expect, it } from "vitest";
import { Arena } from "../../../src/check/jepsen/arena.js";
import { ByteColumn, FloatColumn, IntColumn } from "../../../src/check/jepsen/growable.js";

/**
 * The append-only columns the indexed history and kafka.clj's `version-orders` pairs are built in (growable.ts):
 * one typed array per field instead of one object per row. A column starts at its capacity (at least 16 cells),
 * doubles when full, and `view()` is exactly the rows pushed so far.
 */
const kinds = [
  { name: "IntColumn", make: (c?: number, a?: Arena) => new IntColumn(c, a), sample: (i: number) => i * 7 - 100, bytes: 4 },
  { name: "ByteColumn", make: (c?: number, a?: Arena) => new ByteColumn(c, a), sample: (i: number) => (i * 7) % 256, bytes: 1 },
  { name: "FloatColumn", make: (c?: number, a?: Arena) => new FloatColumn(c, a), sample: (i: number) => i + 0.5, bytes: 8 },
] as const;

describe.each(kinds)("$name", ({ make, sample, bytes }) => {
  it("starts with room for 1024 rows by default, and at least 16 whatever capacity is asked", () => {
    expect(make().data.length).toBe(1024);
    expect(make(1).data.length).toBe(16);
    expect(make(0).data.length).toBe(16);
    expect(make(40).data.length).toBe(40);
    expect(make().length).toBe(0);
    expect(make().view().length).toBe(0);
  });

  it("keeps every pushed row in order past its capacity, doubling its array when full", () => {
    const c = make(16);
    const n = 16 * 4 + 3;
    for (let i = 0; i < n; i++) {
      c.push(sample(i));
      if (i === 15) expect(c.data.length).toBe(16);
      if (i === 16) expect(c.data.length).toBe(32);
    }
    expect(c.length).toBe(n);
    expect(c.data.length).toBe(128);
    expect(Array.from(c.view())).toEqual(Array.from({ length: n }, (_, i) => sample(i)));
  });

  it("view() is a window on the column's array, not a copy", () => {
    const c = make(16);
    c.push(sample(1));
    c.push(sample(2));
    const v = c.view();
    expect(v.buffer).toBe(c.data.buffer);
    expect(v.length).toBe(2);
  });

  it("takes its first array from the arena, and its grown arrays outside it", () => {
    const arena = new Arena(1024);
    const c = make(20, arena);
    expect(c.data.buffer.byteLength).toBe(1024);
    expect(arena.used).toBe(20 * bytes);
    for (let i = 0; i < 21; i++) c.push(sample(i));
    expect(c.data.buffer.byteLength).toBe(40 * bytes);
    expect(Array.from(c.view())).toEqual(Array.from({ length: 21 }, (_, i) => sample(i)));
  });
});

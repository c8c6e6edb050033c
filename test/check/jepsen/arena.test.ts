import { describe, expect, it } from "vitest";
import { Arena, NO_ARENA } from "../../../src/check/jepsen/arena.js";

/**
 * The analysis' one-buffer allocator (arena.ts). Jepsen's kafka.clj keeps its version orders and facts in
 * persistent maps; kafkasim keeps them in typed-array columns, and the Arena carves those out of one ArrayBuffer so a
 * million-op analysis does not trigger a full collection per array. What it must promise: arrays are zero-filled,
 * aligned, disjoint, inside the buffer while they fit, and fresh arrays (never an error) once they do not.
 */
describe("Arena: typed arrays carved out of one buffer", () => {
  it("rounds its buffer up to whole 8-byte words, so a Float64Array can always start at offset 0", () => {
    const a = new Arena(9);
    const f = a.float64(2);
    expect(f.buffer.byteLength).toBe(16);
    expect(f.byteOffset).toBe(0);
    expect(a.used).toBe(16);
    expect(new Arena(16).int32(1).buffer.byteLength).toBe(16);
  });

  it("a request at offset 0 is carved from the buffer like any other, whatever its element type", () => {
    for (const take of [(a: Arena) => a.float64(1), (a: Arena) => a.int32(1), (a: Arena) => a.uint8(1)]) {
      const a = new Arena(64);
      const first = take(a);
      expect(first.byteOffset).toBe(0);
      expect(first.buffer).toBe(a.uint8(1).buffer);
      expect(first.buffer.byteLength).toBe(64);
    }
  });

  it("a negative or zero size makes an arena that holds nothing: every request gets a fresh array", () => {
    for (const bytes of [-5, 0]) {
      const a = new Arena(bytes);
      const x = a.int32(3);
      expect(x.length).toBe(3);
      expect(x.buffer.byteLength).toBe(12);
      expect(a.used).toBe(0);
    }
  });

  it("hands out consecutive, disjoint, zero-filled views of one buffer, each aligned to its element size", () => {
    const a = new Arena(64);
    const b = a.uint8(3);
    const i = a.int32(2);
    const f = a.float64(2);
    for (const x of [b, i, f]) expect(x.buffer).toBe(b.buffer);
    expect([b.byteOffset, i.byteOffset, f.byteOffset]).toEqual([0, 4, 16]);
    expect([b.length, i.length, f.length]).toEqual([3, 2, 2]);
    expect(a.used).toBe(32);
    expect([...b, ...i, ...f]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    b.fill(255);
    i.fill(-1);
    f.fill(1.5);
    // Writing one did not touch the others (no overlap), and the next request is zero as promised.
    expect([...b, ...i, ...f]).toEqual([255, 255, 255, -1, -1, 1.5, 1.5]);
    expect(Array.from(a.int32(4))).toEqual([0, 0, 0, 0]);
  });

  it("a request that fits exactly uses the buffer; one byte more gets a fresh array and leaves the arena as it was", () => {
    const exact = new Arena(16);
    expect(exact.int32(4).buffer.byteLength).toBe(16);
    expect(exact.used).toBe(16);
    const over = new Arena(16);
    over.uint8(1);
    const fresh = over.float64(2);
    expect(fresh.buffer.byteLength).toBe(16);
    expect(fresh.byteOffset).toBe(0);
    expect(over.used).toBe(1);
    // A smaller request still fits after the one that did not.
    const after = over.float64(1);
    expect(after.byteOffset).toBe(8);
    expect(over.used).toBe(16);
    const bytes = new Arena(8);
    expect(bytes.uint8(9).buffer.byteLength).toBe(9);
    expect(bytes.uint8(8).buffer.byteLength).toBe(8);
    expect(bytes.used).toBe(8);
  });

  it("NO_ARENA allocates every array fresh", () => {
    const x = NO_ARENA.uint8(5);
    const y = NO_ARENA.uint8(5);
    expect(x.buffer).not.toBe(y.buffer);
    expect(NO_ARENA.used).toBe(0);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FetchSessionOrder } from "../../src/kafka/protocol/fetchSessionOrder.js";

/** The session order as first written (a map of the request's keys each time): the reference the fast path must equal. */
class ReferenceOrder {
  private order: string[] = [];
  readOrder(keys: readonly string[]): number[] {
    const index = new Map<string, number>();
    for (let i = 0; i < keys.length; i++) index.set(keys[i], i);
    const kept: string[] = [];
    const out: number[] = [];
    for (const k of this.order) {
      const i = index.get(k);
      if (i === undefined) continue;
      kept.push(k);
      out.push(i);
      index.delete(k);
    }
    for (const [k, i] of index) {
      kept.push(k);
      out.push(i);
    }
    this.order = kept;
    return out;
  }
  moveToEnd(keys: readonly string[]): void {
    const moved = new Set(keys);
    this.order = this.order.filter((k) => !moved.has(k));
    for (const k of keys) this.order.push(k);
  }
}

const key = fc.integer({ min: 0, max: 24 }).map((i) => `t-${i}`);
const step = fc.oneof(
  fc.record({ op: fc.constant("read" as const), keys: fc.array(key, { maxLength: 20 }) }),
  fc.record({ op: fc.constant("move" as const), keys: fc.uniqueArray(key, { maxLength: 6 }) }),
);

describe("FetchSessionOrder", () => {
  it("gives the reference order for any sequence of Fetches (few keys by scans, many by a map; keys repeated or not)", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const fast = new FetchSessionOrder();
        const ref = new ReferenceOrder();
        for (const s of steps) {
          if (s.op === "read") expect(fast.readOrder(s.keys)).toEqual(ref.readOrder(s.keys));
          else {
            fast.moveToEnd(s.keys);
            ref.moveToEnd(s.keys);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

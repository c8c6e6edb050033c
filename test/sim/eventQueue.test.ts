import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../src/sim/index.js";

describe("EventQueue", () => {
  it("pops by time, and by insertion order among equal times", () => {
    const q = new EventQueue(2);
    const input = [5, 1, 5, 3, 1, 5];
    input.forEach((t, i) => q.push(t, 1, i, 0, 0, `e${i}`));
    const out: string[] = [];
    while (q.size > 0) {
      const t = q.peekTime();
      const s = q.pop();
      out.push(`${t}:${q.refs[s]}`);
      q.release(s);
    }
    expect(out).toEqual(["1:e1", "1:e4", "3:e3", "5:e0", "5:e2", "5:e5"]);
  });

  it("matches a stable sort for any interleaving of pushes and pops", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1)), { maxLength: 300 }), (ops) => {
        const q = new EventQueue(4);
        const model: { t: number; id: number }[] = [];
        let id = 0;
        for (const op of ops) {
          if (op >= 0) {
            q.push(op, 0, id, 0, 0, null);
            model.push({ t: op, id: id++ });
          } else if (model.length > 0) {
            // The earliest time, first inserted among equals.
            let best = 0;
            for (let i = 1; i < model.length; i++) if (model[i].t < model[best].t) best = i;
            const want = model.splice(best, 1)[0];
            const s = q.pop();
            expect(q.target[s]).toBe(want.id);
            q.release(s);
          }
        }
        expect(q.size).toBe(model.length);
      }),
    );
  });

  it("matches a stable sort when events are removed before they come due (cancelled timers)", () => {
    // ops: a time pushes; -1 pops the earliest; -2-k removes the k-th still-queued event (by insertion), if any.
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1), fc.integer({ min: -40, max: -2 })), { maxLength: 300 }), (ops) => {
        const q = new EventQueue(4);
        const model: { t: number; id: number; slot: number }[] = [];
        let id = 0;
        for (const op of ops) {
          if (op >= 0) {
            model.push({ t: op, id, slot: id % 3 === 0 ? q.push(op, 0, id, 0, 0, null) : q.pushRemovable(op, 0, id, 0, 0, null) });
            id++;
          } else if (op === -1 && model.length > 0) {
            let best = 0;
            for (let i = 1; i < model.length; i++) if (model[i].t < model[best].t) best = i;
            const want = model.splice(best, 1)[0];
            expect(q.peekTime()).toBe(want.t);
            const s = q.pop();
            expect(q.target[s]).toBe(want.id);
            q.release(s);
          } else if (op <= -2 && model.length > 0) {
            // Only removable events (two in three here) may be taken out; the plain ones stay and fire.
            const removable = model.filter((m) => m.id % 3 !== 0);
            if (removable.length === 0) continue;
            const gone = removable[(-op - 2) % removable.length];
            model.splice(model.indexOf(gone), 1);
            q.remove(gone.slot);
          }
        }
        expect(q.size).toBe(model.length);
      }),
    );
  });

  it("refuses to remove an event that is not queued", () => {
    const q = new EventQueue(2);
    const slot = q.pushRemovable(1, 0, 0, 0, 0, null);
    q.release(q.pop());
    expect(() => q.remove(slot)).toThrow(/not queued/);
    const plain = q.push(2, 0, 0, 0, 0, null);
    expect(() => q.remove(plain)).toThrow(/not queued as removable/);
  });
});

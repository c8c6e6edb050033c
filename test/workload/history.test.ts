import { describe, expect, it } from "vitest";
import { fc, test as fcTest } from "@fast-check/vitest";
import { History, type SendValue } from "../../src/workload/history.js";

/** The same story recorded through the object path and through the producer's columnar path. */
function both(record: (h: History, columnar: boolean) => void): [History, History] {
  const a = new History();
  const b = new History();
  record(a, false);
  record(b, true);
  return [a, b];
}

function send(h: History, columnar: boolean, t: number, process: string, v: SendValue): number {
  return columnar ? h.invokeSend(t, process, v) : h.invoke(t, process, "send", v);
}

function done(h: History, columnar: boolean, t: number, inv: number, type: "ok" | "fail" | "info", v: SendValue, partition: number | null, offset?: number, error?: string): void {
  if (columnar) h.completeSend(t, inv, type, partition, offset, error);
  else {
    const acks = v.acks !== undefined ? { acks: v.acks } : {};
    h.complete(t, inv, type, offset !== undefined ? { topic: v.topic, partition, key: v.key, value: v.value, offset, ...acks } : { topic: v.topic, partition, key: v.key, value: v.value, ...acks }, error);
  }
}

describe("History (columns)", () => {
  it("gives a producer's columnar sends the very ops (and JSON) the object path gives", () => {
    // app-1 sends a (acked at offset 7), b (fails), c with acks=0 (completes with -1); a monitor event in between.
    const [objects, columns] = both((h, col) => {
      h.incarnationOf = (p) => (p === "app" ? 2 : undefined);
      const a: SendValue = { topic: "t", partition: null, key: "k1", value: "app-2-0" };
      const b: SendValue = { topic: "t", partition: 3, key: null, value: "app-2-1" };
      const c: SendValue = { topic: "u", partition: null, key: "k2", value: "app-2-2", acks: "0" };
      const ia = send(h, col, 10, "app", a);
      const ib = send(h, col, 11, "app", b);
      h.event(12, "monitor", "partition-leader", { partition: "t-0", leader: "broker-1" });
      const ic = send(h, col, 13, "app", c);
      done(h, col, 20, ia, "ok", a, 0, 7);
      done(h, col, 21, ib, "fail", b, 3, undefined, "NOT_ENOUGH_REPLICAS");
      done(h, col, 22, ic, "ok", c, 1, -1);
    });
    expect(JSON.stringify(columns.ops)).toBe(JSON.stringify(objects.ops));
    expect(columns.ops).toEqual(objects.ops);
    expect([...columns.completed("send")].map((x) => [x.invoke.index, x.done.index])).toEqual([
      [0, 4],
      [1, 5],
      [3, 6],
    ]);
    // The accessors read the same fields from either path.
    for (const h of [objects, columns])
      expect([4, 5, 6].map((i) => [h.sendTopicAt(i), h.sendPartitionAt(i), h.sendKeyAt(i), h.sendValueAt(i), h.sendOffsetAt(i), h.sendAcks0At(i), h.typeAt(i), h.errorAt(i), h.invokeAt(i)])).toEqual([
        ["t", 0, "k1", "app-2-0", 7, false, "ok", undefined, 0],
        ["t", 3, null, "app-2-1", undefined, false, "fail", "NOT_ENOUGH_REPLICAS", 1],
        ["u", 1, "k2", "app-2-2", -1, true, "ok", undefined, 3],
      ]);
  });

  it("keeps the op objects up to date once built, and the same objects on every read", () => {
    const h = new History();
    const i = h.invokeSend(1, "p", { topic: "t", partition: null, key: null, value: "v0" });
    const first = h.ops;
    expect(first).toHaveLength(1);
    h.completeSend(2, i, "ok", 0, 0);
    expect(h.ops).toBe(first);
    expect(h.ops[1]).toMatchObject({ index: 1, type: "ok", invoke: 0, value: { value: "v0", offset: 0, partition: 0 } });
    expect(h.opAt(1)).toBe(h.ops[1]);
  });

  it("keeps a send with an offset or a transaction as the object given", () => {
    const h = new History();
    const v: SendValue = { topic: "t", partition: null, key: null, value: "x", txn: "app-1-0" };
    const i = h.invokeSend(1, "p", v);
    expect(h.isColumnarSend(i)).toBe(false);
    expect(h.valueAt(i)).toBe(v);
  });

  it("one send row per send: what does not fit its narrow columns, and a second completion, read back as the object path gives them", () => {
    // Past the columns: partition 70,000 (Uint16), offset 2^31 (int32), a completion 2^32 µs after its invocation
    // (Uint32 delta) or before it, a fractional time, incarnation 70,000; and one invocation completed twice.
    const [objects, columns] = both((h, col) => {
      h.incarnationOf = (p) => (p === "old" ? 70_000 : 1);
      const v = (value: string, partition: number | null = null): SendValue => ({ topic: "t", partition, key: "k", value });
      const sends: [number, SendValue, number, "ok" | "fail", number | null, number | undefined][] = [
        [send(h, col, 5, "app", v("app-1-0", 70_000)), v("app-1-0", 70_000), 6, "ok", 70_000, 1],
        [send(h, col, 5, "app", v("app-1-1")), v("app-1-1"), 6, "ok", 70_001, 2],
        [send(h, col, 5, "app", v("app-1-2")), v("app-1-2"), 6, "ok", 0, 2 ** 31],
        [send(h, col, 5, "app", v("app-1-3")), v("app-1-3"), 5 + 2 ** 32, "ok", 0, 3],
        [send(h, col, 5, "app", v("app-1-4")), v("app-1-4"), 4, "fail", null, undefined],
        [send(h, col, 5, "app", v("app-1-5")), v("app-1-5"), 6.5, "ok", 1, 4],
        [send(h, col, 5, "old", v("old-1-0")), v("old-1-0"), 6, "ok", 1, 5],
        [send(h, col, 5, "app", v("app-1-6")), v("app-1-6"), 7, "ok", 2, -1],
      ];
      for (const [inv, value, t, type, partition, offset] of sends) done(h, col, t, inv, type, value, partition, offset, type === "fail" ? "REQUEST_TIMED_OUT" : undefined);
      // The last send completed a second time (a workload never does; the history still records it).
      done(h, col, 9, sends[7][0], "info", sends[7][1], 2, 8);
    });
    expect(JSON.stringify(columns.ops)).toBe(JSON.stringify(objects.ops));
    for (const h of [objects, columns])
      expect([...Array(h.length).keys()].map((i) => [h.timeAt(i), h.typeAt(i), h.invokeAt(i), h.sendPartitionAt(i), h.sendOffsetAt(i), h.errorAt(i)]).slice(8)).toEqual([
        [6, "ok", 0, 70_000, 1, undefined],
        [6, "ok", 1, 70_001, 2, undefined],
        [6, "ok", 2, 0, 2 ** 31, undefined],
        [5 + 2 ** 32, "ok", 3, 0, 3, undefined],
        [4, "fail", 4, null, undefined, "REQUEST_TIMED_OUT"],
        [6.5, "ok", 5, 1, 4, undefined],
        [6, "ok", 6, 1, 5, undefined],
        [7, "ok", 7, 2, -1, undefined],
        [9, "info", 7, 2, 8, undefined],
      ]);
  });

  fcTest.prop([
    fc.array(fc.record({ key: fc.option(fc.constantFrom("a", "b", "c")), partition: fc.option(fc.nat(5)), outcome: fc.constantFrom("ok", "fail", "info", "open"), acks0: fc.boolean(), at: fc.nat(1000), value: fc.option(fc.oneof(fc.string(), fc.constantFrom("v007", "v1234567890", "9", "p-2-"))) }), { maxLength: 40 }),
  ])("any mix of sends reads back the same through columns as through objects (values split into prefix and number where they can be, kept whole where not)", (sends) => {
    const [objects, columns] = both((h, col) => {
      const open: [number, SendValue, (typeof sends)[number]][] = [];
      sends.forEach((s, n) => {
        const v: SendValue = { topic: "t", partition: s.partition, key: s.key, value: s.value ?? `p-1-${n}`, ...(s.acks0 ? { acks: "0" as const } : {}) };
        open.push([send(h, col, s.at, `p${n % 3}`, v), v, s]);
      });
      for (const [inv, v, s] of open) {
        if (s.outcome === "open") continue;
        const p = s.partition ?? 0;
        if (s.outcome === "ok") done(h, col, s.at + 1, inv, "ok", v, p, s.acks0 ? -1 : 2 * inv);
        else done(h, col, s.at + 1, inv, s.outcome, v, p, undefined, "REQUEST_TIMED_OUT");
      }
    });
    expect(JSON.stringify(columns.ops)).toBe(JSON.stringify(objects.ops));
  });
});

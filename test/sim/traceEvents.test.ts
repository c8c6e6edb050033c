import { describe, expect, it } from "vitest";
import { fitsKind, matchableKind } from "../../src/sim/index.js";
import { traceConformance } from "../support/traceConformance.js";

describe("trace event registries", () => {
  it("fitsKind reads the kinds as written: JSON type, |null, ? for absent", () => {
    expect(fitsKind("number", 3)).toBe(true);
    expect(fitsKind("number", "3")).toBe(false);
    expect(fitsKind("string|null", null)).toBe(true);
    expect(fitsKind("string", null)).toBe(false);
    expect(fitsKind("string?", undefined)).toBe(true);
    expect(fitsKind("string", undefined)).toBe(false);
    expect(fitsKind("list", ["a"])).toBe(true);
    expect(fitsKind("map", { a: 1 })).toBe(true);
    expect(fitsKind("map", ["a"])).toBe(false);
    expect(matchableKind("list?")).toBe(false);
    expect(matchableKind("number|null")).toBe(true);
  });

  it("the conformance check fires on an undeclared type, field or kind, and stays quiet on a declared record", () => {
    const c = traceConformance();
    c.observe({ t: 0, actor: "app-1", type: "producer.txn-state", data: { transactionalId: "t", from: "READY", to: "IN_TRANSACTION", why: "beginTransaction" } });
    expect([...c.problems]).toEqual([]);
    c.observe({ t: 0, actor: "app-1", type: "producer.made-up" });
    c.observe({ t: 0, actor: "app-1", type: "producer.txn-state", data: { transactionalId: 1, from: "READY", to: "X", why: "w", extra: true } });
    c.observe({ t: 0, actor: "app-1", type: "producer.bump-epoch", data: { producerId: 1, producerEpoch: 2 } });
    expect([...c.problems].sort()).toEqual([
      "producer.bump-epoch.cause: missing (declare it optional?)",
      "producer.made-up: not in any trace event registry",
      "producer.txn-state.extra: not declared",
      "producer.txn-state.transactionalId: 1 is not string",
    ]);
  });
});

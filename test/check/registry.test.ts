import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkerNamed, checkerNames } from "../../src/check/registry.js";

/**
 * The registry is how a scenario's `expect:` entries find their checks: `noLostAcknowledgedWrites`, `anomaly:
 * duplicates`, `leaderless: {...}`. These tests pin each checker's published name, its one-line description and its
 * parameter contract (the example in error messages parses with its own schema; required parameters are required;
 * the names it refers to are reported at their path), so a renamed or emptied checker cannot go unnoticed.
 */

const NAMES = [
  "abortedRead", "assignmentUnchanged", "atomicity", "committedOffsetRegression", "compactedKeyLost", "concurrentOwnership", "consumedTwice",
  "consumerProgress", "duplicates", "errorNotSeen", "errorSeen", "exactlyOnce", "failedSends", "falseSuspicion", "hangingTransaction",
  "inconsistentOffsets", "keyReordering", "leaderless", "logDivergence", "lostAcknowledgedWrites", "missedTombstone", "nonmonotonicPoll",
  "pollSkip", "rebalancePause", "rebalanceStorm", "rebalances", "reordering", "replicasOutOfSync", "skippedRecords", "staleWrite", "transactionalOffsets",
  "unavailability", "uncommittedRead", "unconfirmedSends", "zombieFenced", "zombieWrite",
];

/** The value a parameter example gives its check: `noUnavailability: 15s` → "15s"; `anomaly: { failedSends: X }` → "X". */
function exampleValue(example: string, name: string): unknown {
  const find = (o: unknown): unknown => {
    if (o === null || typeof o !== "object") return undefined;
    for (const [k, v] of Object.entries(o)) {
      if (k.toLowerCase().endsWith(name.toLowerCase())) return v;
      const inner = find(v);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  return find(parse(example));
}

describe("checker registry", () => {
  it("publishes every checker under its own name, sorted, each with a one-line description", () => {
    expect(checkerNames()).toEqual([...NAMES].sort());
    for (const n of NAMES) {
      const c = checkerNamed(n)!;
      expect(c.name).toBe(n);
      expect(c.description.length).toBeGreaterThan(20);
    }
  });

  it("reads a plural expectation as its check (`noAbortedReads` is abortedRead), and knows no other name", () => {
    expect(checkerNamed("abortedReads")?.name).toBe("abortedRead");
    expect(checkerNamed("duplicates")?.name).toBe("duplicates");
    expect(checkerNamed("nonsense")).toBeUndefined();
    expect(checkerNamed("nonsenses")).toBeUndefined();
  });

  it("gives every parameter an example that its own schema accepts (the example is what a bad-input error shows)", () => {
    for (const n of NAMES) {
      const p = checkerNamed(n)!.param;
      if (!p) continue;
      const v = exampleValue(p.example, n);
      expect(v, `${n}: ${p.example}`).not.toBeUndefined();
      expect(p.schema.safeParse(v).success, `${n}: ${p.example}`).toBe(true);
    }
  });

  it("requires a parameter exactly where the check means nothing without one", () => {
    const required = NAMES.filter((n) => checkerNamed(n)!.param?.required === true);
    expect(required.sort()).toEqual(["assignmentUnchanged", "consumerProgress", "errorNotSeen", "errorSeen", "leaderless", "rebalancePause", "rebalances", "zombieFenced"].sort());
  });

  it("names the clients and partitions a parameter refers to, at their path, so a scenario naming an unknown one gets exit 2 there", () => {
    const refsOf = (n: string, v: unknown) => {
      const p = checkerNamed(n)!.param!;
      return p.refs!(p.schema.parse(v));
    };
    expect(refsOf("errorSeen", { client: "app-1", error: "PRODUCER_FENCED" })).toEqual({ clients: [{ path: ["client"], name: "app-1" }] });
    expect(refsOf("errorNotSeen", { client: "p-1", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" })).toEqual({ clients: [{ path: ["client"], name: "p-1" }] });
    expect(refsOf("leaderless", { partition: "orders-0", max: "10s" })).toEqual({ partitions: [{ path: ["partition"], name: "orders-0" }] });
  });

  it("parses durations to ms and refuses what is not a Kafka error name or a duration", () => {
    expect(checkerNamed("unavailability")!.param!.schema.parse("15s")).toBe(15_000);
    expect(checkerNamed("unconfirmedSends")!.param!.schema.parse("250ms")).toBe(250);
    expect(checkerNamed("failedSends")!.param!.schema.safeParse("NOT_A_KAFKA_ERROR").success).toBe(false);
    expect(checkerNamed("failedSends")!.param!.schema.parse("DELIVERY_TIMEOUT")).toBe("DELIVERY_TIMEOUT");
    const err = checkerNamed("errorSeen")!.param!.schema;
    expect(err.safeParse({ client: "a", error: "PRODUCER_FENCED", extra: 1 }).success).toBe(false);
    expect(err.safeParse({ client: "a" }).success).toBe(false);
    expect(err.safeParse({ error: "PRODUCER_FENCED" }).success).toBe(false);
  });

  it("leaderless takes exactly one of max and min, as durations", () => {
    const s = checkerNamed("leaderless")!.param!.schema;
    expect(s.parse({ partition: "t-0", max: "10s" })).toEqual({ partition: "t-0", max: 10_000 });
    expect(s.parse({ partition: "t-0", min: "2s" })).toEqual({ partition: "t-0", min: 2_000 });
    const both = s.safeParse({ partition: "t-0", max: "10s", min: "2s" });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0].message).toContain("needs exactly one of max");
    expect(s.safeParse({ partition: "t-0" }).success).toBe(false);
    expect(s.safeParse({ partition: "t-0", max: "10s", other: 1 }).success).toBe(false);
    expect(s.safeParse({ max: "10s" }).success).toBe(false);
  });
});

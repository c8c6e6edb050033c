import { describe, expect, it } from "vitest";
import { errorName } from "../../src/check/errorParams.js";
import { at } from "../../src/check/input.js";
import { countParam, durationMs, nameParam } from "../../src/check/params.js";
import { checkerNamed } from "../../src/check/registry.js";

/**
 * What an expectation's parameter accepts, and what a user who writes a bad one is told (brief rule 3: the loader
 * shows this message at the parameter's path and exits 2). A message that lost its "what is allowed" would leave
 * the user guessing, so the messages are pinned, not only success and failure.
 */
const messageOf = (r: { success: boolean; error?: { issues: { message: string }[] } }) => (r.success ? null : r.error!.issues[0].message);

describe("expectation parameters", () => {
  it("durationMs: a duration with a unit becomes milliseconds; anything else is refused with an example and what was given", () => {
    expect(durationMs.parse("15s")).toBe(15_000);
    expect(durationMs.parse("500us")).toBe(0.5);
    expect(durationMs.parse(0)).toBe(0);
    expect(messageOf(durationMs.safeParse("15"))).toBe('must be a duration with a unit, like "250ms", "30s" or "2m" (got "15")');
    expect(messageOf(durationMs.safeParse({ s: 1 }))).toBe('must be a duration with a unit, like "250ms", "30s" or "2m" (got {"s":1})');
  });

  it("nameParam: a non-empty string", () => {
    expect(nameParam.parse("app-1")).toBe("app-1");
    expect(messageOf(nameParam.safeParse(""))).toBe("must not be empty");
    expect(messageOf(nameParam.safeParse(3))).toBe("must be a name");
  });

  it("countParam: a whole number, zero allowed", () => {
    expect(countParam.parse(0)).toBe(0);
    for (const bad of [-1, 1.5, "2"]) expect(messageOf(countParam.safeParse(bad))).toBe("must be a whole number ≥ 0");
  });

  it("errorName: Kafka's error names (Errors.java) and the Java client's own; a wrong one is told the known names, without NONE", () => {
    expect(errorName.parse("NOT_LEADER_OR_FOLLOWER")).toBe("NOT_LEADER_OR_FOLLOWER");
    expect(errorName.parse("DELIVERY_TIMEOUT")).toBe("DELIVERY_TIMEOUT");
    const m = messageOf(errorName.safeParse("NOT_LEADER"))!;
    expect(m).toMatch(/^must be a Kafka error name \(got "NOT_LEADER"; known: .*\)$/);
    expect(m).toContain("DELIVERY_TIMEOUT");
    expect(m).toContain("PRODUCER_FENCED");
    expect(m).not.toMatch(/\bNONE\b/);
    expect(m).toMatch(/; known: [A-Z_]+, [A-Z_]+, /); // one name after another, readable
    expect(messageOf(errorName.safeParse(7))).toBe("must be a Kafka error name, e.g. DELIVERY_TIMEOUT");
  });

  it("at: verdicts show simulated µs as seconds to the millisecond", () => {
    expect(at(0)).toBe("0.000s");
    expect(at(1_234_567)).toBe("1.235s");
    expect(at(60e6)).toBe("60.000s");
  });
});

describe("checker registry lookups", () => {
  it("a name not ending in s is looked up as given only", () => {
    // `duplicate` is not a checker (its check is `duplicates`): no singular-to-plural guessing.
    expect(checkerNamed("duplicate")).toBeUndefined();
    expect(checkerNamed("rebalances")?.name).toBe("rebalances");
    expect(checkerNamed("noLostAcknowledgedWrites")).toBeUndefined();
    // A typo one letter past a checker's name is not that checker: only a trailing s is dropped.
    expect(checkerNamed("duplicatesX")).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { seqOf, seqPrefixLength } from "../../src/common/seqValue.js";

describe("seqValue", () => {
  it("splits a producer's value into its prefix and number", () => {
    const v = "app-1-123";
    const k = seqPrefixLength(v);
    expect(v.slice(0, k)).toBe("app-1-");
    expect(seqOf(v, k)).toBe(123);
    expect(seqPrefixLength("0")).toBe(0);
  });

  it("refuses what the number would not give back: no digits, a leading zero, more than 9 digits", () => {
    expect(seqPrefixLength("app")).toBe(-1);
    expect(seqPrefixLength("app-01")).toBe(-1);
    expect(seqPrefixLength("a1234567890")).toBe(-1);
    expect(seqPrefixLength("")).toBe(-1);
  });
});

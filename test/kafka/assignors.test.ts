import { describe, expect, it } from "vitest";
import { parts, subs } from "../support/assignorInput.js";
import { assign } from "../../src/index.js";

describe("CooperativeStickyAssignor — cases of CooperativeStickyAssignorTest (kafka-facts §2.4)", () => {
  it("a partition claimed by two members is revoked from both and not given to a third in the same round", () => {
    const members = {
      c1: subs(["t"], { ownedPartitions: parts("t-0, t-1") }),
      c2: subs(["t"], { ownedPartitions: parts("t-0, t-2") }),
      c3: subs(["t"]),
    };
    expect(assign("cooperative-sticky", { t: 3 }, members)).toEqual({ c1: parts("t-1"), c2: parts("t-2"), c3: [] });
    expect(assign("cooperative-sticky", { t: 4 }, members)).toEqual({ c1: parts("t-1, t-3"), c2: parts("t-2"), c3: [] });
  });

  it("a partition that moves is only revoked in this round; the follow-up rebalance hands it over", () => {
    const first = assign("cooperative-sticky", { t: 4 }, { c1: subs(["t"], { ownedPartitions: parts("t-0, t-1, t-2, t-3") }), c2: subs(["t"]) });
    expect(first).toEqual({ c1: parts("t-0, t-1"), c2: [] });
    const second = assign("cooperative-sticky", { t: 4 }, { c1: subs(["t"], { ownedPartitions: first.c1 }), c2: subs(["t"], { ownedPartitions: first.c2 }) });
    expect(second).toEqual({ c1: parts("t-0, t-1"), c2: parts("t-2, t-3") });
  });
});

describe("StickyAssignor (eager)", () => {
  it("testReassignmentAfterOneConsumerLeaves: the stayers keep everything they had", () => {
    const before = assign("sticky", { t1: 5, t2: 4 }, { c1: subs(["t1", "t2"]), c2: subs(["t1", "t2"]), c3: subs(["t1", "t2"]) });
    const after = assign("sticky", { t1: 5, t2: 4 }, { c1: subs(["t1", "t2"], { ownedPartitions: before.c1 }), c3: subs(["t1", "t2"], { ownedPartitions: before.c3 }) });
    for (const tp of before.c1) expect(after.c1).toContainEqual(tp);
    for (const tp of before.c3) expect(after.c3).toContainEqual(tp);
    expect(Math.abs(after.c1.length - after.c3.length)).toBeLessThanOrEqual(1);
  });
});

it("an unknown strategy is refused", () => {
  expect(() => assign("nope" as never, {}, {})).toThrow(/unknown assignment strategy/);
});

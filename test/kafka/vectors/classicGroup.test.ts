import { describe, expect, it } from "vitest";
import { ClassicGroup, type ClassicGroupMember, type ClassicGroupState } from "../../../src/kafka/coordinator/group/classicGroup.js";

// Vectors from Kafka's group-coordinator/src/test/java/org/apache/kafka/coordinator/group/classic/ClassicGroupTest.java:
// the group's state machine (ClassicGroupState.validPreviousStates) and protocol selection. A new group is Empty,
// as Kafka's test builds it. kafkasim's `transitionTo` throws a plain Error where Kafka throws IllegalStateException.
// Not ported, with why: join/sync futures, pending members, leader election, offset commit validation and
// expiration (the coordinator drives those; kafka/groupCoordinator.test.ts and kafka/consumerGroup.test.ts cover
// them through requests), subscribed topics (not tracked by the model's ClassicGroup), and the KIP-848 conversions
// (testFromConsumerGroup*: online migration between classic and consumer groups is not modelled).

const group = (...path: ClassicGroupState[]) => {
  const g = new ClassicGroup("groupId");
  for (const s of path) g.transitionTo(s, 0);
  return g;
};

/** ClassicGroup.canRebalance: PreparingRebalance may follow the current state. */
const canRebalance = (g: ClassicGroup) => {
  const copy = group();
  copy.state = g.state;
  try {
    copy.transitionTo("PreparingRebalance", 0);
    return true;
  } catch {
    return false;
  }
};

const member = (memberId: string, ...protocols: string[]): ClassicGroupMember => ({
  memberId,
  groupInstanceId: null,
  clientId: "client",
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 60_000,
  protocols: protocols.map((name) => ({ name, metadata: { topics: [], ownedPartitions: [], generationId: -1 } })),
  assignment: [],
  awaitingJoin: null,
  awaitingSync: null,
  isNew: false,
  deadlineUs: 0,
});

describe("ClassicGroupTest", () => {
  it("testCanRebalanceWhenStable / WhenCompletingRebalance; testCannotRebalanceWhenPreparingRebalance / WhenDead", () => {
    expect(canRebalance(group())).toBe(true);
    expect(canRebalance(group("PreparingRebalance", "CompletingRebalance"))).toBe(true);
    expect(canRebalance(group("PreparingRebalance"))).toBe(false);
    expect(canRebalance(group("PreparingRebalance", "Empty", "Dead"))).toBe(false);
  });

  it.each<[string, ClassicGroupState[]]>([
    ["testStableToPreparingRebalanceTransition", ["PreparingRebalance"]],
    ["testStableToDeadTransition", ["Dead"]],
    ["testAwaitingRebalanceToPreparingRebalanceTransition", ["PreparingRebalance", "CompletingRebalance", "PreparingRebalance"]],
    ["testPreparingRebalanceToDeadTransition", ["PreparingRebalance", "Dead"]],
    ["testPreparingRebalanceToEmptyTransition", ["PreparingRebalance", "Empty"]],
    ["testEmptyToDeadTransition", ["PreparingRebalance", "Empty", "Dead"]],
    ["testAwaitingRebalanceToStableTransition", ["PreparingRebalance", "CompletingRebalance", "Stable"]],
    ["testDeadToDeadIllegalTransition (allowed: Dead may follow Dead)", ["PreparingRebalance", "Dead", "Dead"]],
  ])("%s", (_, path) => {
    expect(group(...path).state).toBe(path[path.length - 1]);
  });

  it.each<[string, ClassicGroupState[], ClassicGroupState]>([
    ["testEmptyToStableIllegalTransition", [], "Stable"],
    ["testStableToStableIllegalTransition", ["PreparingRebalance", "CompletingRebalance", "Stable"], "Stable"],
    ["testEmptyToAwaitingRebalanceIllegalTransition", [], "CompletingRebalance"],
    ["testPreparingRebalanceToPreparingRebalanceIllegalTransition", ["PreparingRebalance"], "PreparingRebalance"],
    ["testPreparingRebalanceToStableIllegalTransition", ["PreparingRebalance"], "Stable"],
    ["testAwaitingRebalanceToAwaitingRebalanceIllegalTransition", ["PreparingRebalance", "CompletingRebalance"], "CompletingRebalance"],
    ["testDeadToStableIllegalTransition", ["PreparingRebalance", "Dead"], "Stable"],
    ["testDeadToPreparingRebalanceIllegalTransition", ["PreparingRebalance", "Dead"], "PreparingRebalance"],
    ["testDeadToAwaitingRebalanceIllegalTransition", ["PreparingRebalance", "Dead"], "CompletingRebalance"],
  ])("%s", (_, path, next) => {
    const g = group(...path);
    expect(() => g.transitionTo(next, 0)).toThrow(/illegal transition/);
    expect(g.state).toBe(path[path.length - 1] ?? "Empty");
  });

  it("testSelectProtocol: each member votes for its most preferred common protocol; the majority wins", () => {
    const g = group();
    g.add(member("member1", "range", "roundrobin"));
    g.add(member("member2", "roundrobin", "range"));
    // No majority: either.
    expect(["range", "roundrobin"]).toContain(g.selectProtocol());
    g.add(member("member3", "roundrobin", "range"));
    expect(g.selectProtocol()).toBe("roundrobin");
  });

  it("testSelectProtocolRaisesIfNoMembers", () => {
    expect(() => group().selectProtocol()).toThrow(/no members/);
  });

  it("testSelectProtocolChoosesCompatibleProtocol", () => {
    const g = group();
    g.add(member("member1", "range", "roundrobin"));
    g.add(member("member2", "roundrobin", "foo"));
    expect(g.selectProtocol()).toBe("roundrobin");
  });

  it("testSupportsProtocols: an empty group supports any; else a protocol every member has", () => {
    const g = group();
    const asked = (...names: string[]) => member("new", ...names).protocols;
    expect(g.supportsProtocols(asked("range", "roundrobin"))).toBe(true);
    g.add(member("member1", "range", "roundrobin"));
    g.transitionTo("PreparingRebalance", 0);
    expect(g.supportsProtocols(asked("roundrobin", "foo"))).toBe(true);
    expect(g.supportsProtocols(asked("range", "bar"))).toBe(true);
    expect(g.supportsProtocols(asked("foo", "bar"))).toBe(false);
  });
});

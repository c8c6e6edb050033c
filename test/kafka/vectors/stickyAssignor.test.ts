import { describe, expect, it } from "vitest";
import { stickyAssign } from "../../../src/kafka/assignors/sticky.js";
import { javaHashMapKeyOrder, javaStringHashCode } from "../../../src/kafka/assignors/javaHashOrder.js";
import type { Assignment, AssignorMember, TopicPartitionRef } from "../../../src/kafka/assignors/types.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/internals/AbstractStickyAssignorTest.java
// (run there for both StickyAssignorTest and CooperativeStickyAssignorTest) and CooperativeStickyAssignorTest.java,
// without racks (RackConfig.NO_BROKER_RACK). Kafka asserts List equality, so where all members subscribe to the same
// topics (ConstrainedAssignmentBuilder) the order inside each member's list is Kafka's order too: kept owned
// partitions by (partition, topic), then new ones. Kafka's generation ids are not modelled by kafkasim's assignor
// input, so the tests about stale/mixed generations are not ported.

const tp = (topic: string, partition: number): TopicPartitionRef => ({ topic, partition });
const member = (topics: string[], owned: TopicPartitionRef[] = []): AssignorMember => ({ topics, ownedPartitions: owned });
const key = (t: TopicPartitionRef) => `${t.topic}-${t.partition}`;
const sorted = (l: TopicPartitionRef[]) => l.map(key).sort();

/** AbstractStickyAssignorTest.isFullyBalanced: sizes differ by at most one. */
function isFullyBalanced(a: Assignment): boolean {
  const sizes = Object.values(a).map((l) => l.length);
  return Math.max(...sizes) - Math.min(...sizes) <= 1;
}

/** Valid: every partition of a subscribed topic to exactly one subscriber (verifyValidityAndBalance's first half). */
function expectValid(ppt: Record<string, number>, members: Record<string, AssignorMember>, a: Assignment): void {
  const seen = new Set<string>();
  for (const [m, l] of Object.entries(a))
    for (const t of l) {
      expect(members[m].topics).toContain(t.topic);
      expect(seen.has(key(t))).toBe(false);
      seen.add(key(t));
    }
  for (const [topic, n] of Object.entries(ppt))
    if (Object.values(members).some((m) => m.topics.includes(topic))) for (let p = 0; p < n; p++) expect(seen.has(`${topic}-${p}`)).toBe(true);
}

/**
 * The balance half of AbstractStickyAssignorTest.verifyValidityAndBalance: a member with two or more fewer
 * partitions than another cannot take any of that member's partitions (it does not subscribe to their topics).
 */
function expectBalanced(members: Record<string, AssignorMember>, a: Assignment): void {
  for (const [m1, l1] of Object.entries(a))
    for (const [m2, l2] of Object.entries(a))
      if (l1.length + 1 < l2.length) for (const t of l2) expect(members[m1].topics, `${m1} (${l1.length}) could take ${key(t)} from ${m2} (${l2.length})`).not.toContain(t.topic);
}

/** AbstractStickyAssignorTest.getCanonicalName: prefix + i zero-padded to the digits of maxNum. */
const canonical = (prefix: string, i: number, maxNum: number) => prefix + String(i).padStart(String(maxNum).length, "0");

/**
 * CooperativeStickyAssignorTest.verifyValidityAndBalance: while the assignment revokes something, no partition may be
 * revoked and assigned in one round, and the members rebalance again with what they now own (at most 4 rounds).
 */
function cooperativeFollowUps(ppt: Record<string, number>, members: Record<string, AssignorMember>, first: Assignment): Assignment {
  let a = first;
  let subs = members;
  for (let rounds = 0; ; rounds++) {
    const added = new Set<string>();
    const revoked = new Set<string>();
    for (const [m, l] of Object.entries(a)) {
      const owned = (subs[m].ownedPartitions ?? []).map(key);
      for (const k of l.map(key)) if (!owned.includes(k)) added.add(k);
      for (const k of owned) if (!l.map(key).includes(k)) revoked.add(k);
    }
    expect([...added].filter((k) => revoked.has(k))).toEqual([]);
    if (revoked.size === 0) return a;
    expect(rounds).toBeLessThan(4);
    subs = Object.fromEntries(Object.entries(a).map(([m, l]) => [m, member(subs[m].topics, l)]));
    a = stickyAssign(ppt, subs, true);
  }
}

/** Runs a Kafka test body for both assignors, as the abstract test class does. */
const BOTH = [
  ["StickyAssignorTest", false],
  ["CooperativeStickyAssignorTest", true],
] as const;
const run = (ppt: Record<string, number>, members: Record<string, AssignorMember>, cooperative: boolean): Assignment => {
  const a = stickyAssign(ppt, members, cooperative);
  const final = cooperative ? cooperativeFollowUps(ppt, members, a) : a;
  expectValid(ppt, members, final);
  expectBalanced(members, final);
  return final;
};

describe("Java HashMap iteration order (the order Kafka's assignOwnedPartitions visits members)", () => {
  it("String.hashCode matches Java's values", () => {
    // "consumer1".hashCode() in Java; "" is 0; "a" is 97; overflow wraps as a 32-bit int.
    expect(javaStringHashCode("consumer1")).toBe(-421004549);
    expect(javaStringHashCode("")).toBe(0);
    expect(javaStringHashCode("a")).toBe(97);
    expect(javaStringHashCode("polygenelubricants")).toBe(-2147483648);
  });
  it("keys come out by bucket, not by insertion", () => {
    expect(javaHashMapKeyOrder(["consumer1", "consumer2", "consumer3", "consumer4"])).toEqual(["consumer4", "consumer3", "consumer2", "consumer1"]);
  });
});

for (const [cls, cooperative] of BOTH) {
  describe(`${cls} (AbstractStickyAssignorTest), exact assignments`, () => {
    it("testOneConsumerOneTopic", () => {
      expect(run({ topic: 3 }, { consumer: member(["topic"]) }, cooperative)).toEqual({ consumer: [tp("topic", 0), tp("topic", 1), tp("topic", 2)] });
    });

    it("testOnlyAssignsPartitionsFromSubscribedTopics", () => {
      const a = run({ topic: 2 }, { consumer: member(["topic"], [tp("topic", 0), tp("topic", 1), tp("other", 0), tp("other", 1)]) }, cooperative);
      expect(a.consumer).toEqual([tp("topic", 0), tp("topic", 1)]);
    });

    it("testOneConsumerMultipleTopics", () => {
      expect(run({ topic1: 1, topic2: 2 }, { consumer: member(["topic1", "topic2"]) }, cooperative).consumer).toEqual([tp("topic1", 0), tp("topic2", 0), tp("topic2", 1)]);
    });

    it("testTwoConsumersOneTopicOnePartition", () => {
      const a = run({ topic: 1 }, { consumer1: member(["topic"]), consumer2: member(["topic"]) }, cooperative);
      expect(isFullyBalanced(a)).toBe(true);
    });

    it("testTwoConsumersOneTopicTwoPartitions", () => {
      const a = run({ topic: 2 }, { consumer1: member(["topic"]), consumer2: member(["topic"]) }, cooperative);
      expect(a.consumer1).toEqual([tp("topic", 0)]);
      expect(a.consumer2).toEqual([tp("topic", 1)]);
    });

    it("testTwoConsumersTwoTopicsSixPartitions", () => {
      const a = run({ topic1: 3, topic2: 3 }, { consumer1: member(["topic1", "topic2"]), consumer2: member(["topic1", "topic2"]) }, cooperative);
      expect(a.consumer1).toEqual([tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)]);
      expect(a.consumer2).toEqual([tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]);
    });

    it("testConsumerOwningMinQuotaExpectedMaxQuota", () => {
      const t = ["topic1", "topic2"];
      const a = run({ topic1: 2, topic2: 3 }, { consumer1: member(t, [tp("topic1", 0), tp("topic2", 1)]), consumer2: member(t, [tp("topic1", 1), tp("topic2", 2)]) }, cooperative);
      expect(a.consumer1).toEqual([tp("topic1", 0), tp("topic2", 1), tp("topic2", 0)]);
      expect(a.consumer2).toEqual([tp("topic1", 1), tp("topic2", 2)]);
    });

    it("testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: the member Kafka's HashMap visits first keeps maxQuota", () => {
      const t = ["topic1", "topic2"];
      const members = { consumer1: member(t, [tp("topic1", 0), tp("topic2", 0)]), consumer2: member(t, [tp("topic1", 1), tp("topic2", 1)]), consumer3: member(t) };
      if (!cooperative) {
        // partitionsTransferringOwnership == {topic2-0: consumer3}: so the cooperative assignor holds it back a round.
        expect(stickyAssign({ topic1: 2, topic2: 2 }, members, true).consumer3).toEqual([]);
      }
      const a = run({ topic1: 2, topic2: 2 }, members, cooperative);
      expect(a.consumer1).toEqual([tp("topic1", 0)]);
      expect(a.consumer2).toEqual([tp("topic1", 1), tp("topic2", 1)]);
      expect(a.consumer3).toEqual([tp("topic2", 0)]);
    });

    it("testAllConsumersAreUnderMinQuota", () => {
      const t = ["topic1", "topic2"];
      const a = run({ topic1: 2, topic2: 3 }, { consumer1: member(t, [tp("topic1", 0)]), consumer2: member(t, [tp("topic1", 1)]), consumer3: member(t) }, cooperative);
      expect(a.consumer1).toEqual([tp("topic1", 0), tp("topic2", 1)]);
      expect(a.consumer2).toEqual([tp("topic1", 1), tp("topic2", 2)]);
      expect(a.consumer3).toEqual([tp("topic2", 0)]);
    });

    it("testAddRemoveConsumerOneTopic", () => {
      let a = run({ topic: 3 }, { consumer1: member(["topic"]) }, cooperative);
      expect(a.consumer1).toEqual([tp("topic", 0), tp("topic", 1), tp("topic", 2)]);
      a = run({ topic: 3 }, { consumer1: member(["topic"], a.consumer1), consumer2: member(["topic"]) }, cooperative);
      expect(a.consumer1).toEqual([tp("topic", 0), tp("topic", 1)]);
      expect(a.consumer2).toEqual([tp("topic", 2)]);
      a = run({ topic: 3 }, { consumer2: member(["topic"], a.consumer2) }, cooperative);
      expect(sorted(a.consumer2)).toEqual(["topic-0", "topic-1", "topic-2"]);
    });

    it("testTopicBalanceAfterReassignment: each member gets an equal share of each topic", () => {
      const t = ["topic1", "topic2"];
      const ppt = { topic1: 12, topic2: 12 };
      const perTopic = (a: Assignment, n: number) => {
        for (const l of Object.values(a)) for (const topic of t) expect(l.filter((x) => x.topic === topic)).toHaveLength(n);
      };
      let a = run(ppt, { consumer1: member(t) }, cooperative);
      perTopic(a, 12);
      a = run(ppt, { consumer1: member(t, a.consumer1), consumer2: member(t) }, cooperative);
      perTopic(a, 6);
      a = run(ppt, { consumer1: member(t, a.consumer1), consumer2: member(t, a.consumer2), consumer3: member(t), consumer4: member(t) }, cooperative);
      perTopic(a, 3);
      a = run(ppt, { consumer3: member(t, a.consumer3), consumer4: member(t, a.consumer4) }, cooperative);
      perTopic(a, 6);
    });

    it("testAddRemoveTwoConsumersTwoTopics", () => {
      const t = ["topic1", "topic2"];
      const ppt = { topic1: 3, topic2: 4 };
      let a = run(ppt, { consumer1: member(t), consumer2: member(t) }, cooperative);
      expect(a.consumer1).toEqual([tp("topic1", 0), tp("topic1", 2), tp("topic2", 1), tp("topic2", 3)]);
      expect(a.consumer2).toEqual([tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]);
      const added = { consumer1: member(t, a.consumer1), consumer2: member(t, a.consumer2), consumer3: member(t), consumer4: member(t) };
      if (!cooperative) {
        // partitionsTransferringOwnership == {topic1-2: consumer3, topic2-3: consumer3, topic2-2: consumer4}
        const held = stickyAssign(ppt, added, true);
        expect(held.consumer3).toEqual([]);
        expect(held.consumer4).toEqual([]);
      }
      a = run(ppt, added, cooperative);
      expect(a.consumer1).toEqual([tp("topic1", 0), tp("topic2", 1)]);
      expect(a.consumer2).toEqual([tp("topic2", 0), tp("topic1", 1)]);
      expect(a.consumer3).toEqual([tp("topic1", 2), tp("topic2", 3)]);
      expect(a.consumer4).toEqual([tp("topic2", 2)]);
      a = run(ppt, { consumer3: member(t, a.consumer3), consumer4: member(t, a.consumer4) }, cooperative);
      expect(a.consumer3).toEqual([tp("topic1", 2), tp("topic2", 3), tp("topic1", 0), tp("topic2", 1)]);
      expect(a.consumer4).toEqual([tp("topic2", 2), tp("topic1", 1), tp("topic2", 0)]);
    });

    it("testStickiness: after the leader leaves, every member keeps the partition it had", () => {
      const four = { consumer1: member(["topic1"]), consumer2: member(["topic1"]), consumer3: member(["topic1"]), consumer4: member(["topic1"]) };
      const a = run({ topic1: 3 }, four, cooperative);
      for (const l of Object.values(a)) expect(l.length).toBeLessThanOrEqual(1);
      const b = run({ topic1: 3 }, { consumer2: member(["topic1"], a.consumer2), consumer3: member(["topic1"], a.consumer3), consumer4: member(["topic1"], a.consumer4) }, cooperative);
      for (const m of ["consumer2", "consumer3", "consumer4"]) {
        expect(b[m]).toHaveLength(1);
        if (a[m].length === 1) expect(b[m]).toEqual(a[m]);
      }
    });

    it("testAllConsumersReachExpectedQuotaAndAreConsideredFilled", () => {
      const a = run({ topic: 4 }, { consumer1: member(["topic"], [tp("topic", 0), tp("topic", 1)]), consumer2: member(["topic"], [tp("topic", 2)]), consumer3: member(["topic"]) }, cooperative);
      expect(a.consumer1).toEqual([tp("topic", 0), tp("topic", 1)]);
      expect(a.consumer2).toEqual([tp("topic", 2)]);
      expect(a.consumer3).toEqual([tp("topic", 3)]);
    });

    it("testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration", () => {
      const a = run({ topic: 3 }, { consumer1: member(["topic"], [tp("topic", 0), tp("topic", 1)]), consumer2: member(["topic"], [tp("topic", 0), tp("topic", 2)]), consumer3: member(["topic"]) }, cooperative);
      expect(a.consumer1).toEqual([tp("topic", 1)]);
      expect(a.consumer2).toEqual([tp("topic", 2)]);
      expect(a.consumer3).toEqual([tp("topic", 0)]);
    });

    it("testAssignmentUpdatedForDeletedTopic / testNoExceptionThrownWhenOnlySubscribedTopicDeleted", () => {
      const a = run({ topic1: 1, topic3: 100 }, { consumer: member(["topic1", "topic2", "topic3"]) }, cooperative);
      expect(a.consumer).toHaveLength(101);
      expect(stickyAssign({}, { consumer: member(["topic"], [tp("topic", 0), tp("topic", 1), tp("topic", 2)]) }, cooperative)).toEqual({ consumer: [] });
    });

    it("testPoorRoundRobinAssignmentScenario (general builder)", () => {
      const ppt: Record<string, number> = {};
      for (let i = 1; i <= 5; i++) ppt[`topic${i}`] = (i % 2) + 1;
      const all = ["topic1", "topic2", "topic3", "topic4", "topic5"];
      const odd = ["topic1", "topic3", "topic5"];
      const a = run(ppt, { consumer1: member(all), consumer2: member(odd), consumer3: member(odd), consumer4: member(all) }, cooperative);
      expect(isFullyBalanced(a)).toBe(true);
    });

    it("testMoveExistingAssignments (general builder)", () => {
      const ppt = { topic1: 1, topic2: 1, topic3: 1, topic4: 1, topic5: 1, topic6: 1 };
      run(
        ppt,
        {
          consumer1: member(["topic1", "topic2"], [tp("topic1", 0)]),
          consumer2: member(["topic1", "topic2", "topic3", "topic4"], [tp("topic2", 0), tp("topic3", 0)]),
          consumer3: member(["topic2", "topic3", "topic4", "topic5", "topic6"], [tp("topic4", 0), tp("topic5", 0), tp("topic6", 0)]),
        },
        cooperative,
      );
    });

    it("testAddRemoveTopicTwoConsumers: members keep what they had as topics come and go", () => {
      const ppt: Record<string, number> = { topic: 3 };
      const a1 = run(ppt, { consumer1: member(["topic"]), consumer2: member(["topic"]) }, cooperative);
      expect([a1.consumer1.length, a1.consumer2.length].sort()).toEqual([1, 2]);
      const ppt2 = { topic: 3, topic2: 3 };
      const a2 = run(ppt2, { consumer1: member(["topic", "topic2"], a1.consumer1), consumer2: member(["topic", "topic2"], a1.consumer2) }, cooperative);
      expect([a2.consumer1.length, a2.consumer2.length]).toEqual([3, 3]);
      expect(sorted(a2.consumer1)).toEqual(expect.arrayContaining(sorted(a1.consumer1)));
      expect(sorted(a2.consumer2)).toEqual(expect.arrayContaining(sorted(a1.consumer2)));
      const a3 = run({ topic2: 3 }, { consumer1: member(["topic2"], a2.consumer1), consumer2: member(["topic2"], a2.consumer2) }, cooperative);
      expect([a3.consumer1.length, a3.consumer2.length].sort()).toEqual([1, 2]);
      expect(sorted(a2.consumer1)).toEqual(expect.arrayContaining(sorted(a3.consumer1)));
      expect(sorted(a2.consumer2)).toEqual(expect.arrayContaining(sorted(a3.consumer2)));
    });

    it("testReassignmentAfterOneConsumerLeaves (general builder): valid and balanced", () => {
      const ppt: Record<string, number> = {};
      for (let i = 1; i < 20; i++) ppt[canonical("t", i, 20)] = i;
      const members: Record<string, AssignorMember> = {};
      for (let i = 1; i < 20; i++) members[canonical("c", i, 20)] = member(Array.from({ length: i }, (_, j) => canonical("t", j + 1, 20)));
      const a = run(ppt, members, cooperative);
      const next: Record<string, AssignorMember> = {};
      for (const [m, sub] of Object.entries(members)) if (m !== "c10") next[m] = member(sub.topics, a[m]);
      run(ppt, next, cooperative);
    });

    it("testReassignmentAfterOneConsumerAdded", () => {
      const members: Record<string, AssignorMember> = {};
      for (let i = 1; i < 10; i++) members[canonical("c", i, 10)] = member(["topic"]);
      run({ topic: 20 }, members, cooperative);
      run({ topic: 20 }, { ...members, [canonical("c", 10, 10)]: member(["topic"]) }, cooperative);
    });

    it("testSameSubscriptions: valid and balanced after one member leaves", () => {
      const ppt: Record<string, number> = {};
      for (let i = 1; i < 15; i++) ppt[canonical("t", i, 15)] = i;
      const topics = Object.keys(ppt);
      const members: Record<string, AssignorMember> = {};
      for (let i = 1; i < 9; i++) members[canonical("c", i, 9)] = member(topics);
      const a = run(ppt, members, cooperative);
      const next: Record<string, AssignorMember> = {};
      for (const m of Object.keys(members)) if (m !== canonical("c", 5, 9)) next[m] = member(topics, a[m]);
      const b = run(ppt, next, cooperative);
      // Stickiness: with equal subscriptions a stayer keeps min(owned, quota) of what it had.
      for (const m of Object.keys(next)) expect(b[m].filter((t) => a[m].some((x) => key(x) === key(t))).length).toBeGreaterThanOrEqual(Math.min(a[m].length, Math.floor(105 / 7)));
    });

    it("testNewSubscription (general builder): valid and balanced when a member subscribes to one more topic", () => {
      const ppt: Record<string, number> = {};
      for (let i = 1; i < 5; i++) ppt[canonical("t", i, 5)] = 1;
      const members: Record<string, AssignorMember> = {};
      for (let i = 0; i < 3; i++) {
        const topics: string[] = [];
        for (let j = i; j <= 3 * i - 2; j++) topics.push(canonical("t", j, 5));
        members[canonical("c", i, 3)] = member(topics);
      }
      run(ppt, members, cooperative);
      members[canonical("c", 0, 3)] = member([...members[canonical("c", 0, 3)].topics, canonical("t", 1, 5)]);
      run(ppt, members, cooperative);
    });

    it("testMultipleConsumersMixedTopicSubscriptions (general builder)", () => {
      const a = run({ topic1: 3, topic2: 2 }, { consumer1: member(["topic1"]), consumer2: member(["topic1", "topic2"]), consumer3: member(["topic1"]) }, cooperative);
      expect(a.consumer1).toEqual([tp("topic1", 0), tp("topic1", 2)]);
      expect(a.consumer2).toEqual([tp("topic2", 0), tp("topic2", 1)]);
      expect(a.consumer3).toEqual([tp("topic1", 1)]);
    });
  });
}

describe("CooperativeStickyAssignorTest", () => {
  it("testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer", () => {
    const a = stickyAssign({ topic: 3 }, { consumer1: member(["topic"], [tp("topic", 0), tp("topic", 1)]), consumer2: member(["topic"], [tp("topic", 0), tp("topic", 2)]), consumer3: member(["topic"]) }, true);
    expect(a.consumer1).toEqual([tp("topic", 1)]);
    expect(a.consumer2).toEqual([tp("topic", 2)]);
    // topic-0 counts as owned, so nobody gets it until both claimants have revoked it.
    expect(a.consumer3).toEqual([]);
  });

  it("testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer", () => {
    const a = stickyAssign({ topic: 4 }, { consumer1: member(["topic"], [tp("topic", 0), tp("topic", 1)]), consumer2: member(["topic"], [tp("topic", 0), tp("topic", 2)]), consumer3: member(["topic"]) }, true);
    expect(a.consumer1).toEqual([tp("topic", 1), tp("topic", 3)]);
    expect(a.consumer2).toEqual([tp("topic", 2)]);
    expect(a.consumer3).toEqual([]);
  });
});

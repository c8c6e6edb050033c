import { describe, expect, it } from "vitest";
import { javaHashOrder } from "../../../src/kafka/assignors/javaHashOrder.js";
import { stickyAssign } from "../../../src/kafka/assignors/sticky.js";
import { hashSetCapacityFor, TOPIC_NAME_ORDER, uniformAssign, uniformAssignSpec } from "../../../src/kafka/assignors/uniform.js";
import { type MemberPartitions, PartitionAssignorException, type UniformGroupSpec, type UniformMemberSpec, type UniformTopicOrder } from "../../../src/kafka/assignors/uniformSpec.js";
import { ConsumerGroup, type ConsumerGroupMember } from "../../../src/kafka/coordinator/group/consumerGroup.js";

// Vectors from Kafka's group-coordinator/src/test/java/org/apache/kafka/coordinator/group/assignor/
// OptimizedUniformAssignmentBuilderTest.java (the homogeneous builder's test at the mirror's commit; later renamed
// UniformHomogeneousAssignmentBuilderTest) and UniformHeterogeneousAssignmentBuilderTest.java (there is no
// UniformAssignorTest there). Kafka's topics are Uuids: the topics here are named by those Uuid strings, and the
// vectors' topic order is Java's for those Uuids (Uuid.hashCode for HashSet/HashMap iteration, Uuid.compareTo), so
// inputs and expected outputs are Kafka's own. Members come in a TreeMap (GroupSpecImpl over a TreeMap, or the
// heterogeneous test's TestGroupSpecImpl that sorts them): memberIds sorted.

const T1 = "T1-A4s3VTwiI5CTbEp6POw";
const T2 = "T2-B4s3VTwiI5YHbPp6YUe";
const T3 = "T3-CU8fVTLCz5YMkLoDQsa";
const T4 = "T4-Tw9fVTLCz5HbPp6YQsa";

/** Uuid.fromString: the two signed 64-bit halves of the base64url-decoded 16 bytes. */
function uuidBits(s: string): [bigint, bigint] {
  const b = Buffer.from(s, "base64url");
  if (b.length !== 16) throw new Error(`not a Uuid: ${s}`);
  return [b.readBigInt64BE(0), b.readBigInt64BE(8)];
}
/** Uuid.hashCode: (int)(xor >> 32) ^ (int) xor of msb ^ lsb. */
function uuidHashCode(s: string): number {
  const [msb, lsb] = uuidBits(s);
  const x = msb ^ lsb;
  return Number(BigInt.asIntN(32, x >> 32n)) ^ Number(BigInt.asIntN(32, x));
}
/** Uuid.compareTo: signed msb, then signed lsb. */
function uuidCompare(a: string, b: string): number {
  const [am, al] = uuidBits(a);
  const [bm, bl] = uuidBits(b);
  return am !== bm ? (am < bm ? -1 : 1) : al !== bl ? (al < bl ? -1 : 1) : 0;
}
const UUID_ORDER: UniformTopicOrder = {
  hashSetOrder: (topics) => javaHashOrder([...new Set(topics)], uuidHashCode, hashSetCapacityFor(topics.length)),
  compare: uuidCompare,
};

type Parts = Record<string, number[]>;
/** AssignmentTestUtil.mkAssignment: a HashMap<Uuid, HashSet<Integer>> (default table), in its iteration order. */
function mkAssignment(a: Parts): UniformMemberSpec["assignment"] {
  return javaHashOrder(Object.keys(a), uuidHashCode).map((t) => [t, javaHashOrder(a[t], (p) => p, hashSetCapacityFor(a[t].length))] as const);
}
/** AssignmentTestUtil.mkOrderedAssignment: a LinkedHashMap in the given order (partitions still in a HashSet). */
function mkOrderedAssignment(a: Parts): UniformMemberSpec["assignment"] {
  return Object.keys(a).map((t) => [t, javaHashOrder(a[t], (p) => p, hashSetCapacityFor(a[t].length))] as const);
}
const msa = (subscribedTopics: string[], assignment: UniformMemberSpec["assignment"] = []): UniformMemberSpec => ({ subscribedTopics, assignment });
function spec(subscriptionType: UniformGroupSpec["subscriptionType"], members: Record<string, UniformMemberSpec>): UniformGroupSpec {
  return { memberIds: Object.keys(members).sort(), members, subscriptionType };
}
/** The computed GroupAssignment as member → topic → sorted partitions (assertAssignment compares sets). */
function shape(result: Map<string, MemberPartitions>): Record<string, Parts> {
  const out: Record<string, Parts> = {};
  for (const [m, a] of result) {
    out[m] = {};
    for (const [t, ps] of a) out[m][t] = [...ps].sort((x, y) => x - y);
  }
  return out;
}
const homogeneous = (members: Record<string, UniformMemberSpec>, topics: Record<string, number>) => uniformAssignSpec(spec("HOMOGENEOUS", members), topics, UUID_ORDER);
const heterogeneous = (members: Record<string, UniformMemberSpec>, topics: Record<string, number>) => uniformAssignSpec(spec("HETEROGENEOUS", members), topics, UUID_ORDER);

/**
 * OptimizedUniformAssignmentBuilderTest.checkValidityAndBalance: every assigned topic is in the member's
 * subscription, no partition has two owners, and sizes differ by at most one. Returns the violations.
 */
function validityAndBalanceViolations(members: Record<string, UniformMemberSpec>, result: Map<string, MemberPartitions>): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  const sizes: number[] = [];
  for (const [m, a] of result) {
    let size = 0;
    for (const [t, ps] of a) {
      if (!members[m].subscribedTopics.includes(t)) problems.push(`${m} has ${t} without subscribing`);
      for (const p of ps) {
        const k = `${t}-${p}`;
        if (owner.has(k)) problems.push(`${k} is both ${owner.get(k)}'s and ${m}'s`);
        owner.set(k, m);
        size++;
      }
    }
    sizes.push(size);
  }
  if (sizes.length > 0 && Math.max(...sizes) - Math.min(...sizes) > 1) problems.push(`sizes ${Math.min(...sizes)}..${Math.max(...sizes)}`);
  return problems;
}

describe("Java Uuid helpers the vectors need", () => {
  it("Uuid.fromString decodes the vectors' topic ids, and Java's HashMap puts T3 before T1 (the order Kafka's expected answers show)", () => {
    expect(uuidCompare(T1, T2)).toBe(-1);
    expect(uuidCompare(T3, T3)).toBe(0);
    expect(UUID_ORDER.hashSetOrder([T1, T3])).toEqual([T3, T1]);
  });

  it("checkValidityAndBalance fires on an unbalanced, doubly owned, unsubscribed assignment and stays quiet on a good one", () => {
    const members = { A: msa([T1]), B: msa([T1]) };
    const bad = new Map([
      ["A", new Map([[T1, [0, 1, 2]], [T2, [0]]])],
      ["B", new Map([[T1, [0]]])],
    ]);
    expect(validityAndBalanceViolations(members, bad)).toEqual([`A has ${T2} without subscribing`, `${T1}-0 is both A's and B's`, "sizes 1..4"]);
    const good = new Map([
      ["A", new Map([[T1, [0, 1]]])],
      ["B", new Map([[T1, [2]]])],
    ]);
    expect(validityAndBalanceViolations(members, good)).toEqual([]);
  });
});

describe("OptimizedUniformAssignmentBuilderTest (UniformHomogeneousAssignmentBuilder)", () => {
  it("testOneMemberNoTopicSubscription: an empty GroupAssignment", () => {
    expect(shape(homogeneous({ A: msa([]) }, { [T1]: 3 }))).toEqual({});
  });

  it("testOneMemberSubscribedToNonexistentTopic: PartitionAssignorException", () => {
    expect(() => homogeneous({ A: msa([T2]) }, { [T1]: 3 })).toThrow(PartitionAssignorException);
  });

  it("testFirstAssignmentTwoMembersTwoTopicsNoMemberRacks", () => {
    const members = { A: msa([T1, T3]), B: msa([T1, T3]) };
    const result = homogeneous(members, { [T1]: 3, [T3]: 2 });
    expect(shape(result)).toEqual({ A: { [T1]: [0], [T3]: [0, 1] }, B: { [T1]: [1, 2] } });
    expect(validityAndBalanceViolations(members, result)).toEqual([]);
  });

  it("testFirstAssignmentNumMembersGreaterThanTotalNumPartitions", () => {
    const members = { A: msa([T3]), B: msa([T3]), C: msa([T3]) };
    const result = homogeneous(members, { [T3]: 2 });
    expect(shape(result)).toEqual({ A: { [T3]: [0] }, B: { [T3]: [1] }, C: {} });
    expect(validityAndBalanceViolations(members, result)).toEqual([]);
  });

  it("testValidityAndBalanceForLargeSampleSet: 99 topics of 3 partitions over 49 members", () => {
    const topics: Record<string, number> = {};
    for (let i = 1; i < 100; i++) topics[`topic-${i}`] = 3;
    const members: Record<string, UniformMemberSpec> = {};
    for (let i = 1; i < 50; i++) members[`member${i}`] = msa(Object.keys(topics));
    const result = uniformAssignSpec(spec("HOMOGENEOUS", members), topics, TOPIC_NAME_ORDER);
    expect(result.size).toBe(49);
    expect(validityAndBalanceViolations(members, result)).toEqual([]);
  });

  it("testReassignmentForTwoMembersTwoTopicsGivenUnbalancedPrevAssignment", () => {
    const members = {
      A: msa([T1, T2], mkOrderedAssignment({ [T1]: [0, 1], [T2]: [0, 1] })),
      B: msa([T1, T2], mkOrderedAssignment({ [T1]: [2], [T2]: [2] })),
    };
    const result = homogeneous(members, { [T1]: 3, [T2]: 3 });
    expect(shape(result)).toEqual({ A: { [T1]: [0, 1], [T2]: [0] }, B: { [T1]: [2], [T2]: [1, 2] } });
    expect(validityAndBalanceViolations(members, result)).toEqual([]);
  });

  it("testReassignmentWhenPartitionsAreAddedForTwoMembersTwoTopics", () => {
    const members = {
      A: msa([T1, T2], mkOrderedAssignment({ [T1]: [0, 2], [T2]: [0] })),
      B: msa([T1, T2], mkOrderedAssignment({ [T1]: [1], [T2]: [1, 2] })),
    };
    const result = homogeneous(members, { [T1]: 6, [T2]: 5 });
    expect(shape(result)).toEqual({ A: { [T1]: [0, 2, 3], [T2]: [0, 3, 4] }, B: { [T1]: [1, 4, 5], [T2]: [1, 2] } });
    expect(validityAndBalanceViolations(members, result)).toEqual([]);
  });

  it("testReassignmentWhenOneMemberAddedAfterInitialAssignmentWithTwoMembersTwoTopics", () => {
    const members = {
      A: msa([T1, T2], mkOrderedAssignment({ [T1]: [0, 2], [T2]: [0] })),
      B: msa([T1, T2], mkOrderedAssignment({ [T1]: [1], [T2]: [1, 2] })),
      C: msa([T1, T2]),
    };
    const result = homogeneous(members, { [T1]: 3, [T2]: 3 });
    expect(shape(result)).toEqual({ A: { [T1]: [0, 2] }, B: { [T1]: [1], [T2]: [1] }, C: { [T2]: [0, 2] } });
    expect(validityAndBalanceViolations(members, result)).toEqual([]);
  });

  it("testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithThreeMembersTwoTopics", () => {
    const members = {
      A: msa([T1, T2], mkAssignment({ [T1]: [0], [T2]: [0] })),
      B: msa([T1, T2], mkAssignment({ [T1]: [1], [T2]: [1] })),
    };
    const result = homogeneous(members, { [T1]: 3, [T2]: 3 });
    expect(shape(result)).toEqual({ A: { [T1]: [0], [T2]: [0, 2] }, B: { [T1]: [1, 2], [T2]: [1] } });
    expect(validityAndBalanceViolations(members, result)).toEqual([]);
  });

  it("testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignmentWithTwoMembersTwoTopics", () => {
    const members = {
      A: msa([T2], mkAssignment({ [T1]: [0], [T2]: [0] })),
      B: msa([T2], mkAssignment({ [T1]: [1], [T2]: [1] })),
    };
    const result = homogeneous(members, { [T1]: 2, [T2]: 2 });
    expect(shape(result)).toEqual({ A: { [T2]: [0] }, B: { [T2]: [1] } });
    expect(validityAndBalanceViolations(members, result)).toEqual([]);
  });
});

describe("UniformHeterogeneousAssignmentBuilderTest", () => {
  it("testTwoMembersNoTopicSubscription: an empty GroupAssignment", () => {
    expect(shape(heterogeneous({ A: msa([]), B: msa([]) }, { [T1]: 3 }))).toEqual({});
  });

  it("testTwoMembersSubscribedToNonexistentTopics: PartitionAssignorException", () => {
    expect(() => heterogeneous({ A: msa([T3]), B: msa([T2]) }, { [T1]: 3 })).toThrow(PartitionAssignorException);
  });

  it("testFirstAssignmentTwoMembersTwoTopics", () => {
    const result = heterogeneous({ A: msa([T1, T3]), B: msa([T3]) }, { [T1]: 3, [T3]: 6 });
    expect(shape(result)).toEqual({ A: { [T1]: [0, 1, 2], [T3]: [4] }, B: { [T3]: [0, 1, 2, 3, 5] } });
  });

  it("testFirstAssignmentNumMembersGreaterThanTotalNumPartitions", () => {
    const result = heterogeneous({ A: msa([T3]), B: msa([T3]), C: msa([T1]) }, { [T3]: 1, [T1]: 2 });
    expect(shape(result)).toEqual({ A: { [T3]: [0] }, B: {}, C: { [T1]: [0, 1] } });
  });

  it("testReassignmentForTwoMembersThreeTopicsGivenUnbalancedPrevAssignment", () => {
    const result = heterogeneous(
      {
        A: msa([T1], mkAssignment({ [T1]: [0, 1, 2] })),
        B: msa([T1, T2], mkAssignment({ [T1]: [3], [T2]: [0] })),
        C: msa([T1, T2, T3], mkAssignment({ [T1]: [4, 5], [T2]: [1, 2, 3], [T3]: [0, 1, 2, 3] })),
      },
      { [T1]: 6, [T2]: 4, [T3]: 4 },
    );
    expect(shape(result)).toEqual({ A: { [T1]: [0, 1, 2, 5] }, B: { [T1]: [3], [T2]: [0, 1, 2, 3] }, C: { [T1]: [4], [T3]: [0, 1, 2, 3] } });
  });

  it("testReassignmentWhenPartitionsAreAddedForTwoMembers", () => {
    const result = heterogeneous(
      {
        A: msa([T1, T3], mkAssignment({ [T1]: [0, 1, 2, 3], [T3]: [0, 1] })),
        B: msa([T1, T2, T3, T4], mkAssignment({ [T2]: [0, 1, 2], [T4]: [0, 1, 2] })),
      },
      { [T1]: 6, [T2]: 5, [T3]: 3, [T4]: 3 },
    );
    expect(shape(result)).toEqual({ A: { [T1]: [0, 1, 2, 3, 4, 5], [T3]: [0, 1, 2] }, B: { [T2]: [0, 1, 2, 3, 4], [T4]: [0, 1, 2] } });
  });

  it("testReassignmentWhenOneMemberAddedAndPartitionsAddedTwoMembersTwoTopics", () => {
    const result = heterogeneous(
      {
        A: msa([T1], mkAssignment({ [T1]: [0, 2], [T2]: [0] })),
        B: msa([T1, T2], mkAssignment({ [T1]: [1], [T2]: [1, 2] })),
        C: msa([T1, T2]),
      },
      { [T1]: 6, [T2]: 7 },
    );
    expect(shape(result)).toEqual({ A: { [T1]: [0, 2, 3, 4, 5] }, B: { [T1]: [1], [T2]: [1, 2, 6] }, C: { [T2]: [0, 3, 4, 5] } });
  });

  it("testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithThreeMembersThreeTopics", () => {
    const result = heterogeneous(
      {
        A: msa([T1, T3], mkAssignment({ [T1]: [0, 1, 2], [T3]: [0, 1] })),
        B: msa([T2], mkAssignment({ [T2]: [3, 4, 5, 6] })),
      },
      { [T1]: 3, [T2]: 8, [T3]: 3 },
    );
    expect(shape(result)).toEqual({ A: { [T1]: [0, 1, 2], [T3]: [0, 1, 2] }, B: { [T2]: [0, 1, 2, 3, 4, 5, 6, 7] } });
  });

  it("testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignmentWithTwoMembersTwoTopics", () => {
    const result = heterogeneous(
      {
        A: msa([T1], mkAssignment({ [T1]: [0, 2], [T2]: [1, 3] })),
        B: msa([T1, T2], mkAssignment({ [T1]: [1], [T2]: [0, 2, 4] })),
      },
      { [T1]: 3, [T2]: 5 },
    );
    expect(shape(result)).toEqual({ A: { [T1]: [0, 1, 2] }, B: { [T2]: [0, 1, 2, 3, 4] } });
  });

  it("testReassignmentWhenTopicPartitionsRunOutAndMembersHaveNoPartitions", () => {
    const result = heterogeneous(
      {
        A: msa([T1, T2, T3], mkAssignment({ [T1]: [0, 1], [T2]: [0, 1], [T3]: [0, 1] })),
        B: msa([T1, T2, T3]),
      },
      { [T1]: 2, [T2]: 2, [T3]: 2 },
    );
    expect(shape(result)).toEqual({ A: { [T2]: [0], [T3]: [0, 1] }, B: { [T1]: [0, 1], [T2]: [1] } });
  });

  it("testFirstAssignmentWithTwoMembersIncludingOneWithoutSubscriptions", () => {
    const result = heterogeneous({ A: msa([T1]), B: msa([]) }, { [T1]: 3 });
    expect(shape(result)).toEqual({ A: { [T1]: [0, 1, 2] }, B: {} });
  });
});

// kafkasim's use: ConsumerGroup.computeTargetAssignment("uniform") builds Kafka's GroupSpec from its members
// (uniformAssign): topic names for ids, Java's HashMap order of the member ids, existing topics only.
function groupMember(memberId: string, subscribedTopics: string[]): ConsumerGroupMember {
  return { memberId, instanceId: null, clientId: memberId, memberEpoch: 0, previousMemberEpoch: -1, state: "STABLE", subscribedTopics, serverAssignor: null, rebalanceTimeoutMs: 300000, assigned: [], pendingRevocation: [] };
}
const tps = (topic: string, ...ps: number[]) => ps.map((partition) => ({ topic, partition }));

describe("uniformAssign: the GroupSpec kafkasim's consumer group hands the uniform builders", () => {
  it("members go in Java's HashMap order of their ids, not sorted: 'a' (bucket 1) before 'B' (bucket 2) gets the extra partition", () => {
    expect(uniformAssign({ t: 3 }, { B: { topics: ["t"] }, a: { topics: ["t"] } })).toEqual({ B: tps("t", 2), a: tps("t", 0, 1) });
  });

  it("a topic that does not exist (no partitions) is left out, not an error; it still makes the group heterogeneous", () => {
    // ModernGroup.subscriptionType counts names: A's 'missing' makes it HETEROGENEOUS; TopicIds drops it for the builder.
    expect(uniformAssign({ t: 4, missing: 0 }, { A: { topics: ["t", "missing"] }, B: { topics: ["t"] } })).toEqual({ A: tps("t", 0, 2), B: tps("t", 1, 3) });
    // Homogeneous over the same topics: the first unfilled member takes the first half.
    expect(uniformAssign({ t: 4 }, { A: { topics: ["t"] }, B: { topics: ["t"] } })).toEqual({ A: tps("t", 0, 1), B: tps("t", 2, 3) });
  });

  it("sticky to the previous target: a new member takes only the excess, from the end of each member's HashSet order", () => {
    const before = { A: { topics: ["t"], ownedPartitions: tps("t", 0, 1, 2) }, B: { topics: ["t"], ownedPartitions: tps("t", 3, 4, 5) }, C: { topics: ["t"] } };
    expect(uniformAssign({ t: 6 }, before)).toEqual({ A: tps("t", 0, 1), B: tps("t", 3, 4), C: tps("t", 2, 5) });
  });

  it("ConsumerGroup.computeTargetAssignment('uniform') runs it (Kafka's answer, not the client sticky assignor's)", () => {
    const g = new ConsumerGroup("g");
    for (const id of ["A", "B"]) g.members.set(id, groupMember(id, ["topic1", "topic3"]));
    g.groupEpoch = 1;
    g.computeTargetAssignment("uniform", { topic1: 3, topic3: 2 });
    expect(Object.fromEntries(g.targetAssignment)).toEqual({ A: tps("topic1", 0, 1, 2), B: tps("topic3", 0, 1) });
    expect(g.targetAssignmentEpoch).toBe(1);
    // The client sticky assignor balances topic by topic instead; the server assignor does not.
    const sticky = stickyAssign({ topic1: 3, topic3: 2 }, { A: { topics: ["topic1", "topic3"] }, B: { topics: ["topic1", "topic3"] } }, false);
    expect(sticky.B.map((t) => t.topic)).toContain("topic1");
  });
});

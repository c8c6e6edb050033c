import { describe, expect, it } from "vitest";
import { rangeAssign } from "../../../src/kafka/assignors/range.js";
import type { AssignorMember } from "../../../src/kafka/assignors/types.js";
import { ConsumerGroup, type ConsumerGroupMember } from "../../../src/kafka/coordinator/group/consumerGroup.js";

// Vectors from Kafka's group-coordinator/src/test/java/org/apache/kafka/coordinator/group/assignor/RangeAssignorTest.java
// (the KIP-848 server-side `range` assignor, `group.consumer.assignors`). Kafka's RangeAssignor.assign is the client
// RangeAssignor's arithmetic per topic over members sorted by instance id (static first), then member id, which is
// what ConsumerGroup.computeTargetAssignment runs (rangeAssign). Topics are ids in Kafka; names here.

const sub = (topics: string[], groupInstanceId?: string): AssignorMember => ({ topics, ...(groupInstanceId !== undefined ? { groupInstanceId } : {}) });
/** member → topic → partitions, the shape of Kafka's mkAssignment(mkTopicAssignment(...)). */
function byTopic(a: Record<string, { topic: string; partition: number }[]>): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [m, l] of Object.entries(a)) {
    out[m] = {};
    for (const t of l) (out[m][t.topic] ??= []).push(t.partition);
  }
  return out;
}

describe("group-coordinator RangeAssignorTest", () => {
  it("testOneMemberNoTopic / testOneMemberSubscribedToNonExistentTopic: nothing to assign", () => {
    expect(byTopic(rangeAssign({}, { A: sub([]) }))).toEqual({ A: {} });
    expect(byTopic(rangeAssign({ topic1: 3 }, { A: sub(["topic2"]) }))).toEqual({ A: {} });
  });

  it("testFirstAssignmentTwoMembersTwoTopicsSameSubscriptions", () => {
    expect(byTopic(rangeAssign({ topic1: 3, topic3: 2 }, { A: sub(["topic1", "topic3"]), B: sub(["topic1", "topic3"]) }))).toEqual({
      A: { topic1: [0, 1], topic3: [0] },
      B: { topic1: [2], topic3: [1] },
    });
  });

  it("testFirstAssignmentThreeMembersThreeTopicsDifferentSubscriptions", () => {
    expect(byTopic(rangeAssign({ topic1: 3, topic2: 3, topic3: 2 }, { A: sub(["topic1", "topic2"]), B: sub(["topic3"]), C: sub(["topic2", "topic3"]) }))).toEqual({
      A: { topic1: [0, 1, 2], topic2: [0, 1] },
      B: { topic3: [0] },
      C: { topic2: [2], topic3: [1] },
    });
  });

  it("testFirstAssignmentNumMembersGreaterThanNumPartitions", () => {
    const t = ["topic1", "topic3"];
    expect(byTopic(rangeAssign({ topic1: 3, topic3: 2 }, { A: sub(t), B: sub(t), C: sub(t) }))).toEqual({
      A: { topic1: [0], topic3: [0] },
      B: { topic1: [1], topic3: [1] },
      C: { topic1: [2] },
    });
  });

  it("testStaticMembership: a static member that rejoins with a new member id keeps its partitions", () => {
    const first = rangeAssign({ topic1: 3 }, { A: sub(["topic1"], "instanceA"), B: sub(["topic1"], "instanceB") });
    const again = rangeAssign({ topic1: 3 }, { B: sub(["topic1"], "instanceB"), memberA1: sub(["topic1"], "instanceA") });
    expect(again.memberA1).toEqual(first.A);
    expect(again.B).toEqual(first.B);
  });

  it("testMixedStaticMembership: static members sort before dynamic ones", () => {
    const first = rangeAssign({ topic1: 5 }, { A: sub(["topic1"], "instanceA"), C: sub(["topic1"], "instanceC"), B: sub(["topic1"]) });
    const again = rangeAssign({ topic1: 5 }, { C: sub(["topic1"], "instanceC"), B: sub(["topic1"]), memberA1: sub(["topic1"], "instanceA") });
    expect(again.memberA1).toEqual(first.A);
    expect(again.B).toEqual(first.B);
    expect(again.C).toEqual(first.C);
  });

  it("the same through ConsumerGroup.computeTargetAssignment: the group passes its members' instance ids", () => {
    const member = (memberId: string, instanceId: string | null): ConsumerGroupMember => ({
      memberId,
      instanceId,
      clientId: memberId,
      memberEpoch: 0,
      previousMemberEpoch: 0,
      state: "STABLE",
      subscribedTopics: ["topic1"],
      serverAssignor: "range",
      rebalanceTimeoutMs: 30000,
      assigned: [],
      pendingRevocation: [],
    });
    const g = new ConsumerGroup("g");
    // Member ids sort the other way round from the instance ids: Kafka orders by instance id.
    for (const [id, inst] of [
      ["m-z", "instanceA"],
      ["m-a", "instanceC"],
      ["m-b", null],
    ] as const)
      g.members.set(id, member(id, inst));
    g.computeTargetAssignment("range", { topic1: 5 });
    expect(Object.fromEntries(g.targetAssignment)).toEqual({
      "m-z": [
        { topic: "topic1", partition: 0 },
        { topic: "topic1", partition: 1 },
      ],
      "m-a": [
        { topic: "topic1", partition: 2 },
        { topic: "topic1", partition: 3 },
      ],
      "m-b": [{ topic: "topic1", partition: 4 }],
    });
  });
});

import { describe, expect, it } from "vitest";
import { ConsumerGroup, type ConsumerGroupMember, type MemberState } from "../../../src/kafka/coordinator/group/consumerGroup.js";
import type { TopicPartitionRef } from "../../../src/kafka/protocol/groupMessages.js";

// Vectors from Kafka's group-coordinator/src/test/java/org/apache/kafka/coordinator/group/modern/consumer/
// CurrentAssignmentBuilderTest.java. kafkasim's CurrentAssignmentBuilder is ConsumerGroup.reconcile(member, owned):
// withTargetAssignment(epoch, assignment) is the group's targetAssignmentEpoch and targetAssignment of "member";
// withCurrentPartitionEpoch((t, p) -> 10) is another member of the group holding (t, p), -> -1 nobody holding it;
// withOwnedTopicPartitions(list) is `owned` (null when not given). topicId1/topicId2 are topics "t1"/"t2".

type Assign = { t1?: number[]; t2?: number[] };
const tps = (a: Assign): TopicPartitionRef[] => [
  ...(a.t1 ?? []).map((partition) => ({ topic: "t1", partition })),
  ...(a.t2 ?? []).map((partition) => ({ topic: "t2", partition })),
];

interface MemberSpec {
  state: MemberState;
  memberEpoch: number;
  previousMemberEpoch: number;
  assigned: Assign;
  pendingRevocation?: Assign;
}

function memberOf(spec: MemberSpec, memberId = "member"): ConsumerGroupMember {
  return {
    memberId,
    instanceId: null,
    clientId: memberId,
    memberEpoch: spec.memberEpoch,
    previousMemberEpoch: spec.previousMemberEpoch,
    state: spec.state,
    subscribedTopics: ["t1", "t2"],
    serverAssignor: null,
    rebalanceTimeoutMs: 300000,
    assigned: tps(spec.assigned),
    pendingRevocation: tps(spec.pendingRevocation ?? {}),
  };
}

/** Runs the builder; `heldByOthers` are the partitions whose current partition epoch is not -1. */
function build(spec: MemberSpec, targetEpoch: number, target: Assign, heldByOthers: Assign, owned: Assign | null): ConsumerGroupMember {
  const g = new ConsumerGroup("group");
  const m = memberOf(spec);
  g.members.set(m.memberId, m);
  const other = memberOf({ state: "STABLE", memberEpoch: 10, previousMemberEpoch: 10, assigned: heldByOthers }, "other");
  g.members.set(other.memberId, other);
  g.targetAssignment.set("member", tps(target));
  g.targetAssignmentEpoch = targetEpoch;
  g.groupEpoch = targetEpoch;
  g.reconcile(m, owned === null ? null : tps(owned));
  return m;
}

const view = (m: ConsumerGroupMember) => ({
  state: m.state,
  memberEpoch: m.memberEpoch,
  previousMemberEpoch: m.previousMemberEpoch,
  assigned: [...m.assigned].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
  pendingRevocation: [...m.pendingRevocation].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
});
const expected = (spec: MemberSpec) => view(memberOf(spec));
const all: Assign = { t1: [1, 2, 3, 4, 5, 6, 7], t2: [1, 2, 3, 4, 5, 6, 7] };

describe("CurrentAssignmentBuilderTest", () => {
  it("testStableToStable", () => {
    const m = build({ state: "STABLE", memberEpoch: 10, previousMemberEpoch: 10, assigned: { t1: [1, 2, 3], t2: [4, 5, 6] } }, 11, { t1: [1, 2, 3], t2: [4, 5, 6] }, {}, null);
    expect(view(m)).toEqual(expected({ state: "STABLE", memberEpoch: 11, previousMemberEpoch: 10, assigned: { t1: [1, 2, 3], t2: [4, 5, 6] } }));
  });

  it("testStableToStableWithNewPartitions", () => {
    const m = build({ state: "STABLE", memberEpoch: 10, previousMemberEpoch: 10, assigned: { t1: [1, 2, 3], t2: [4, 5, 6] } }, 11, { t1: [1, 2, 3, 4], t2: [4, 5, 6, 7] }, {}, null);
    expect(view(m)).toEqual(expected({ state: "STABLE", memberEpoch: 11, previousMemberEpoch: 10, assigned: { t1: [1, 2, 3, 4], t2: [4, 5, 6, 7] } }));
  });

  it("testStableToUnrevokedPartitions", () => {
    const m = build({ state: "STABLE", memberEpoch: 10, previousMemberEpoch: 10, assigned: { t1: [1, 2, 3], t2: [4, 5, 6] } }, 11, { t1: [2, 3, 4], t2: [5, 6, 7] }, {}, null);
    expect(view(m)).toEqual(
      expected({ state: "UNREVOKED_PARTITIONS", memberEpoch: 10, previousMemberEpoch: 10, assigned: { t1: [2, 3], t2: [5, 6] }, pendingRevocation: { t1: [1], t2: [4] } }),
    );
  });

  it("testStableToUnreleasedPartitions", () => {
    const m = build({ state: "STABLE", memberEpoch: 10, previousMemberEpoch: 10, assigned: { t1: [1, 2, 3], t2: [4, 5, 6] } }, 11, { t1: [1, 2, 3, 4], t2: [4, 5, 6, 7] }, { t1: [4], t2: [7] }, null);
    expect(view(m)).toEqual(expected({ state: "UNRELEASED_PARTITIONS", memberEpoch: 11, previousMemberEpoch: 10, assigned: { t1: [1, 2, 3], t2: [4, 5, 6] } }));
  });

  it("testStableToUnreleasedPartitionsWithOwnedPartitionsNotHavingRevokedPartitions", () => {
    // The member's heartbeat lists no partitions, so it already let t2-6 go: no revocation round.
    const m = build({ state: "STABLE", memberEpoch: 10, previousMemberEpoch: 10, assigned: { t1: [1, 2, 3], t2: [4, 5, 6] } }, 11, { t1: [1, 2, 3], t2: [4, 5, 7] }, { t2: [7] }, {});
    expect(view(m)).toEqual(expected({ state: "UNRELEASED_PARTITIONS", memberEpoch: 11, previousMemberEpoch: 10, assigned: { t1: [1, 2, 3], t2: [4, 5] } }));
  });

  it("testUnrevokedPartitionsToStable", () => {
    const m = build(
      { state: "UNREVOKED_PARTITIONS", memberEpoch: 10, previousMemberEpoch: 10, assigned: { t1: [2, 3], t2: [5, 6] }, pendingRevocation: { t1: [1], t2: [4] } },
      11,
      { t1: [2, 3], t2: [5, 6] },
      {},
      { t1: [2, 3], t2: [5, 6] },
    );
    expect(view(m)).toEqual(expected({ state: "STABLE", memberEpoch: 11, previousMemberEpoch: 10, assigned: { t1: [2, 3], t2: [5, 6] } }));
  });

  it("testRemainsInUnrevokedPartitions", () => {
    const spec: MemberSpec = { state: "UNREVOKED_PARTITIONS", memberEpoch: 10, previousMemberEpoch: 10, assigned: { t1: [2, 3], t2: [5, 6] }, pendingRevocation: { t1: [1], t2: [4] } };
    for (const owned of [null, { t1: [1, 2, 3], t2: [5, 6] }, { t1: [2, 3], t2: [4, 5, 6] }]) {
      expect(view(build(spec, 12, { t1: [3], t2: [6] }, {}, owned))).toEqual(expected(spec));
    }
  });

  it("testUnrevokedPartitionsToUnrevokedPartitions", () => {
    const m = build(
      { state: "UNREVOKED_PARTITIONS", memberEpoch: 10, previousMemberEpoch: 10, assigned: { t1: [2, 3], t2: [5, 6] }, pendingRevocation: { t1: [1], t2: [4] } },
      12,
      { t1: [3], t2: [6] },
      {},
      { t1: [2, 3], t2: [5, 6] },
    );
    expect(view(m)).toEqual(
      expected({ state: "UNREVOKED_PARTITIONS", memberEpoch: 11, previousMemberEpoch: 10, assigned: { t1: [3], t2: [6] }, pendingRevocation: { t1: [2], t2: [5] } }),
    );
  });

  it("testUnrevokedPartitionsToUnreleasedPartitions", () => {
    const m = build(
      { state: "UNREVOKED_PARTITIONS", memberEpoch: 11, previousMemberEpoch: 10, assigned: { t1: [2, 3], t2: [5, 6] } },
      11,
      { t1: [2, 3, 4], t2: [5, 6, 7] },
      { t1: [4], t2: [7] },
      { t1: [2, 3], t2: [5, 6] },
    );
    expect(view(m)).toEqual(expected({ state: "UNRELEASED_PARTITIONS", memberEpoch: 11, previousMemberEpoch: 11, assigned: { t1: [2, 3], t2: [5, 6] } }));
  });

  it("testUnreleasedPartitionsToStable", () => {
    const m = build({ state: "UNRELEASED_PARTITIONS", memberEpoch: 11, previousMemberEpoch: 11, assigned: { t1: [2, 3], t2: [5, 6] } }, 12, { t1: [2, 3], t2: [5, 6] }, { t1: [1], t2: [1] }, null);
    expect(view(m)).toEqual(expected({ state: "STABLE", memberEpoch: 12, previousMemberEpoch: 11, assigned: { t1: [2, 3], t2: [5, 6] } }));
  });

  it("testUnreleasedPartitionsToStableWithNewPartitions", () => {
    const m = build({ state: "UNRELEASED_PARTITIONS", memberEpoch: 11, previousMemberEpoch: 11, assigned: { t1: [2, 3], t2: [5, 6] } }, 11, { t1: [2, 3, 4], t2: [5, 6, 7] }, {}, null);
    expect(view(m)).toEqual(expected({ state: "STABLE", memberEpoch: 11, previousMemberEpoch: 11, assigned: { t1: [2, 3, 4], t2: [5, 6, 7] } }));
  });

  it("testUnreleasedPartitionsToUnreleasedPartitions", () => {
    const spec: MemberSpec = { state: "UNRELEASED_PARTITIONS", memberEpoch: 11, previousMemberEpoch: 11, assigned: { t1: [2, 3], t2: [5, 6] } };
    expect(view(build(spec, 11, { t1: [2, 3, 4], t2: [5, 6, 7] }, { t1: [4], t2: [7] }, null))).toEqual(expected(spec));
  });

  it("testUnreleasedPartitionsToUnrevokedPartitions", () => {
    const m = build({ state: "UNRELEASED_PARTITIONS", memberEpoch: 11, previousMemberEpoch: 11, assigned: { t1: [2, 3], t2: [5, 6] } }, 12, { t1: [3], t2: [6] }, { t1: [4], t2: [7] }, null);
    expect(view(m)).toEqual(
      expected({ state: "UNREVOKED_PARTITIONS", memberEpoch: 11, previousMemberEpoch: 11, assigned: { t1: [3], t2: [6] }, pendingRevocation: { t1: [2], t2: [5] } }),
    );
  });
});
void all;

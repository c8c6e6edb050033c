import { describe, expect, it } from "vitest";
import { ConsumerGroup, type ConsumerGroupMember, type MemberState } from "../../../src/kafka/coordinator/group/consumerGroup.js";

// Vectors from Kafka's group-coordinator/src/test/java/org/apache/kafka/coordinator/group/modern/consumer/
// ConsumerGroupTest.java, the methods whose subject kafkasim models (group state; offset commit validation for
// members of the modern protocol at OffsetCommit v9+ — kafkasim has no classic members inside a consumer group).
// group.updateMember(m) is members.set; setGroupEpoch/setTargetAssignmentEpoch are the fields; an exception
// (UnknownMemberIdException, StaleMemberEpochException) is the error name validateOffsetCommit returns, success null.

function member(memberId: string, state: MemberState = "STABLE", memberEpoch = 0, previousMemberEpoch = -1): ConsumerGroupMember {
  return {
    memberId,
    instanceId: null,
    clientId: memberId,
    memberEpoch,
    previousMemberEpoch,
    state,
    subscribedTopics: [],
    serverAssignor: null,
    rebalanceTimeoutMs: 300000,
    assigned: [],
    pendingRevocation: [],
  };
}

describe("ConsumerGroupTest", () => {
  it("testGroupState", () => {
    const g = new ConsumerGroup("foo");
    expect(g.state()).toBe("Empty");

    g.members.set("member1", member("member1", "STABLE", 1, 0));
    g.groupEpoch = 1;
    expect(g.state()).toBe("Assigning");

    g.members.set("member2", member("member2", "STABLE", 1, 0));
    g.groupEpoch = 2;
    expect(g.state()).toBe("Assigning");

    g.targetAssignmentEpoch = 2;
    expect(g.state()).toBe("Reconciling");

    g.members.set("member1", member("member1", "STABLE", 2, 1));
    expect(g.state()).toBe("Reconciling");

    // Member 2 is not stable so the group stays in reconciling state.
    g.members.set("member2", member("member2", "UNREVOKED_PARTITIONS", 2, 1));
    expect(g.state()).toBe("Reconciling");

    g.members.set("member2", member("member2", "STABLE", 2, 1));
    expect(g.state()).toBe("Stable");

    g.members.delete("member1");
    g.members.delete("member2");
    expect(g.state()).toBe("Empty");
  });

  // isTransactional = false at OffsetCommit v9+, and isTransactional = true: the same answers for modern members.
  it.each(["testValidateOffsetCommit (version >= 9)", "testValidateTransactionalOffsetCommit"])("%s", () => {
    const g = new ConsumerGroup("group-foo");
    // A call from the admin client without member id and member epoch passes only while the group is empty.
    expect(g.validateOffsetCommit("", -1)).toBeNull();
    // The member does not exist.
    expect(g.validateOffsetCommit("member-id", 0)).toBe("UNKNOWN_MEMBER_ID");

    g.members.set("new-protocol-member-id", member("new-protocol-member-id"));
    // A call from the admin client fails as the group is not empty.
    expect(g.validateOffsetCommit("", -1)).toBe("UNKNOWN_MEMBER_ID");
    // The member epoch is stale.
    expect(g.validateOffsetCommit("new-protocol-member-id", 10)).toBe("STALE_MEMBER_EPOCH");
    // This succeeds.
    expect(g.validateOffsetCommit("new-protocol-member-id", 0)).toBeNull();
  });
});

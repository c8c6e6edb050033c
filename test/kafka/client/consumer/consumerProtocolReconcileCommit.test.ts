import { describe, expect, it } from "vitest";
import { groupMember } from "../../../support/groupMemberHarness.js";

/**
 * A KIP-848 member (group.protocol=consumer) with enable.auto.commit reconciles as Kafka's
 * AbstractMembershipManager.maybeReconcile does (apache/kafka 1eb7644): commit everything consumed first
 * (CommitRequestManager.maybeAutoCommitSyncBeforeRevocation: subscriptions.allConsumed(), not only the partitions
 * leaving), wait for the answer, then revoke, assign and acknowledge. Without auto-commit it revokes at once.
 * onPartitionsAssigned follows every reconciliation, with nothing too (ConsumerMembershipManager.
 * invokeOnPartitionsAssignedCallback: "This should always trigger the callback, even if partitionsAssigned is empty").
 */
function memberOwningBoth(autoCommit: boolean) {
  const h = groupMember({ "group.protocol": "consumer", "enable.auto.commit": autoCommit });
  h.consumer.poll();
  const join = h.one("ConsumerGroupHeartbeat");
  const memberId = join.msg.memberId as string;
  const both = [{ topic: "t", partition: 0 }, { topic: "t", partition: 1 }];
  h.answer(join, { error: "NONE", memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: both });
  h.consumer.poll();
  h.answer(h.one("OffsetFetch"), { error: "NONE", offsets: [{ topic: "t", partition: 0, offset: 5 }, { topic: "t", partition: 1, offset: 9 }] });
  h.answer(h.one("ConsumerGroupHeartbeat"), { error: "NONE", memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: null });
  h.consumer.poll();
  return { ...h, memberId };
}

describe("KIP-848 reconciliation and the auto-commit before it", () => {
  it("commits every consumed partition, keeps fetching and owning t-1 while the commit is unanswered, and revokes it (then acknowledges) only after", () => {
    const h = memberOwningBoth(true);
    h.ctx.advance(1000);
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "NONE", memberId: h.memberId, memberEpoch: 2, heartbeatIntervalMs: 1000, assignment: [{ topic: "t", partition: 0 }] });
    const commit = h.one("OffsetCommit");
    expect(commit.msg.offsets).toEqual([
      { topic: "t", partition: 0, offset: 5 },
      { topic: "t", partition: 1, offset: 9 },
    ]);
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0,t-1 @1"]);
    expect(h.consumer.assignment()).toHaveLength(2);
    expect(h.take("ConsumerGroupHeartbeat")).toEqual([]);
    h.answer(commit, { error: "NONE" });
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0,t-1 @1", "revoked t-1 @2", "assigned  @2"]);
    expect(h.consumer.assignment()).toEqual([{ topic: "t", partition: 0 }]);
    expect(h.one("ConsumerGroupHeartbeat").msg.topicPartitions).toEqual([{ topic: "t", partition: 0 }]);
  });

  it("goes on with the revocation when the commit fails for good (the reconciliation does not wait forever)", () => {
    const h = memberOwningBoth(true);
    h.ctx.advance(1000);
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "NONE", memberId: h.memberId, memberEpoch: 2, heartbeatIntervalMs: 1000, assignment: [{ topic: "t", partition: 0 }] });
    h.answer(h.one("OffsetCommit"), { error: "GROUP_AUTHORIZATION_FAILED" });
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0,t-1 @1", "revoked t-1 @2", "assigned  @2"]);
  });

  it("without enable.auto.commit sends no commit and revokes on the next poll", () => {
    const h = memberOwningBoth(false);
    h.ctx.advance(1000);
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "NONE", memberId: h.memberId, memberEpoch: 2, heartbeatIntervalMs: 1000, assignment: [{ topic: "t", partition: 0 }] });
    expect(h.take("OffsetCommit")).toEqual([]);
    expect(h.events).toEqual(["assigned t-0,t-1 @1"]);
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0,t-1 @1", "revoked t-1 @2", "assigned  @2"]);
    expect(h.take("OffsetCommit")).toEqual([]);
  });
});

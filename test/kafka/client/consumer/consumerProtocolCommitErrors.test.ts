import { describe, expect, it } from "vitest";
import { stableConsumerProtocolMember } from "../../../support/groupMemberHarness.js";

const offsets = [{ topic: "t", partition: 0, offset: 7 }];

/**
 * A KIP-848 member's refused OffsetCommit, as Kafka's CommitRequestManager (OffsetCommitRequestState.onResponse,
 * commitSyncWithRetries, commitAsync, autoCommitSyncBeforeRevocationWithRetries; apache/kafka 1eb7644) treats it.
 * The member is at epoch 1 owning t-0 and heartbeats every second; answers are written by hand.
 */
describe("KIP-848 OffsetCommit errors (CommitRequestManager)", () => {
  it("UNKNOWN_MEMBER_ID only fails the commit (CommitFailedException); the member keeps its partitions until its heartbeat is answered UNKNOWN_MEMBER_ID", () => {
    const h = stableConsumerProtocolMember();
    h.consumer.commitAsync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "UNKNOWN_MEMBER_ID" });
    expect(h.commits).toEqual(["COMMIT_FAILED"]);
    // The next poll still owns and fetches t-0: no partitions-lost callback at the commit's answer.
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0 @1"]);
    expect(h.consumer.assignment()).toEqual([{ topic: "t", partition: 0 }]);
    // AbstractHeartbeatRequestManager.onErrorResponse: the heartbeat's answer fences it; the next poll loses t-0 and
    // the member joins again with epoch 0.
    h.ctx.advance(1000);
    const hb = h.one("ConsumerGroupHeartbeat");
    expect(hb.msg.memberEpoch).toBe(1);
    h.answer(hb, { error: "UNKNOWN_MEMBER_ID", memberId: h.memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: null });
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0 @1", "lost t-0 @1"]);
    expect(h.consumer.assignment()).toEqual([]);
    expect(h.one("ConsumerGroupHeartbeat").msg.memberEpoch).toBe(0);
  });

  it("STALE_MEMBER_EPOCH fails commitSync at once with CommitFailedException (commitSyncExceptionForError), without a retry", () => {
    const h = stableConsumerProtocolMember();
    h.consumer.commitSync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "STALE_MEMBER_EPOCH" });
    h.ctx.advance(1000);
    expect(h.take("OffsetCommit")).toEqual([]);
    expect(h.commits).toEqual(["COMMIT_FAILED"]);
  });

  it("STALE_MEMBER_EPOCH reaches a commitAsync callback as itself (StaleMemberEpochException is not retriable)", () => {
    const h = stableConsumerProtocolMember();
    h.consumer.commitAsync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "STALE_MEMBER_EPOCH" });
    h.ctx.advance(1000);
    expect(h.take("OffsetCommit")).toEqual([]);
    expect(h.commits).toEqual(["STALE_MEMBER_EPOCH"]);
  });

  it("the auto-commit before a revocation retries STALE_MEMBER_EPOCH with the epoch the heartbeat brings", () => {
    const h = stableConsumerProtocolMember({ "enable.auto.commit": true });
    // The coordinator takes t-0 away at epoch 2; reconciliation starts at once (Kafka's background thread):
    // auto-commit t-0's position first.
    h.ctx.advance(1000);
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "NONE", memberId: h.memberId, memberEpoch: 2, heartbeatIntervalMs: 1000, assignment: [] });
    const first = h.one("OffsetCommit");
    expect([first.msg.generationId, first.msg.offsets]).toEqual([2, [{ topic: "t", partition: 0, offset: 5 }]]);
    // The next interval's heartbeat brings epoch 3 just as the commit is refused; the retry (after the first
    // failure's back-off, retry.backoff.ms ± 20%) carries it.
    h.ctx.advance(1000);
    const hb = h.one("ConsumerGroupHeartbeat");
    h.answer(first, { error: "STALE_MEMBER_EPOCH" });
    h.answer(hb, { error: "NONE", memberId: h.memberId, memberEpoch: 3, heartbeatIntervalMs: 1000, assignment: [] });
    h.ctx.advance(120);
    const retry = h.one("OffsetCommit");
    expect(retry.msg.generationId).toBe(3);
    // Not revoked while the commit is unanswered, even across a poll.
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0 @1"]);
    h.answer(retry, { error: "NONE" });
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0 @1", "revoked t-0 @3", "assigned  @3"]);
  });

  /**
   * A member whose poll timer expired left with epoch -1 (AbstractMembershipManager.transitionToSendingLeaveGroup) and
   * notified no epoch (updateMemberEpoch): its commitSync is still sent, with member id "" and epoch -1
   * (OffsetCommitRequestState.toUnsentRequest's defaults), not failed in the client. Found by
   * test/fixtures/bug-reports/kip848-poll-timeout-commit-failed.yaml.
   */
  function staleMember() {
    const h = stableConsumerProtocolMember({ "max.poll.interval.ms": 5000 });
    h.ctx.advance(6000);
    expect(h.take("ConsumerGroupHeartbeat").map((r) => r.msg.memberEpoch)).toContain(-1);
    h.consumer.commitSync(offsets, h.recordCommit);
    const commit = h.one("OffsetCommit");
    expect([commit.msg.memberId, commit.msg.generationId]).toEqual(["", -1]);
    return { h, commit };
  }

  it("a member stale after a poll timeout sends its commit without member id and epoch; a group with members answers UNKNOWN_MEMBER_ID (CommitFailedException)", () => {
    const { h, commit } = staleMember();
    h.answer(commit, { error: "UNKNOWN_MEMBER_ID" });
    expect(h.commits).toEqual(["COMMIT_FAILED"]);
  });

  it("a member stale after a poll timeout has its commit taken by a group left empty (ConsumerGroup.validateOffsetCommit)", () => {
    const { h, commit } = staleMember();
    h.answer(commit, { error: "NONE" });
    expect(h.commits).toEqual(["ok"]);
  });
});

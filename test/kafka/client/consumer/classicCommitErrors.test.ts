import { describe, expect, it } from "vitest";
import { stableClassicMember } from "../../../support/groupMemberHarness.js";

const offsets = [{ topic: "t", partition: 0, offset: 7 }];

/**
 * A classic member's refused OffsetCommit, as Kafka's ConsumerCoordinator.OffsetCommitResponseHandler.handle treats
 * it (apache/kafka 1eb7644): which exception the application sees, and whether the generation is reset.
 * The member is a follower at generation 1 owning t-0; answers are written by hand.
 */
describe("classic OffsetCommit errors (ConsumerCoordinator.OffsetCommitResponseHandler)", () => {
  it("ILLEGAL_GENERATION for a generation the member already left while it rejoins: RebalanceInProgressException, and the rejoin goes on", () => {
    const h = stableClassicMember();
    h.consumer.commitAsync(offsets, h.recordCommit);
    const commit = h.one("OffsetCommit");
    // The heartbeat learns first that generation 1 is over; the next poll gives t-0 up as lost and sends a JoinGroup.
    h.ctx.advance(3000);
    h.answer(h.one("Heartbeat"), { error: "ILLEGAL_GENERATION" });
    h.consumer.poll();
    const join = h.one("JoinGroup");
    h.answer(commit, { error: "ILLEGAL_GENERATION" });
    // generationUnchanged() is false and the state is PREPARING_REBALANCE: no second reset, REBALANCE_IN_PROGRESS.
    expect(h.commits).toEqual(["REBALANCE_IN_PROGRESS"]);
    expect(h.ctx.tracesOf("consumer.generation-reset").map((t) => t.data.why)).toEqual(["ILLEGAL_GENERATION"]);
    // The JoinGroup in flight completes the rebalance: generation 2, with no second JoinGroup and no second loss.
    h.answer(join, { error: "NONE", generationId: 2, protocolName: "range", leader: "leader-member", memberId: "c1-member", members: [] });
    h.answer(h.one("SyncGroup"), { error: "NONE", assignment: [{ topic: "t", partition: 1 }] });
    h.consumer.poll();
    expect(h.take("JoinGroup")).toEqual([]);
    expect(h.events).toEqual(["assigned t-0 @1", "lost t-0 @-1", "assigned t-1 @2"]);
  });

  it("UNKNOWN_MEMBER_ID for the generation the member still has: CommitFailedException, generation and member id reset, partitions lost on the next poll", () => {
    const h = stableClassicMember();
    h.consumer.commitAsync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "UNKNOWN_MEMBER_ID" });
    expect(h.commits).toEqual(["COMMIT_FAILED"]);
    expect(h.ctx.tracesOf("consumer.generation-reset").map((t) => t.data.why)).toEqual(["UNKNOWN_MEMBER_ID"]);
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0 @1", "lost t-0 @-1"]);
    expect(h.one("JoinGroup").msg.memberId).toBe("");
  });

  it("ILLEGAL_GENERATION for the generation the member still has: CommitFailedException, the member id is kept for the rejoin", () => {
    const h = stableClassicMember();
    h.consumer.commitSync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "ILLEGAL_GENERATION" });
    // Not retriable: commitSync throws at once.
    expect(h.commits).toEqual(["COMMIT_FAILED"]);
    expect(h.take("OffsetCommit")).toEqual([]);
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0 @1", "lost t-0 @-1"]);
    expect(h.one("JoinGroup").msg.memberId).toBe("c1-member");
  });

  it("UNKNOWN_MEMBER_ID after the heartbeat reset the generation but before the rejoin was sent: CommitFailedException (not rebalancing yet)", () => {
    const h = stableClassicMember();
    h.consumer.commitAsync(offsets, h.recordCommit);
    const commit = h.one("OffsetCommit");
    h.ctx.advance(3000);
    h.answer(h.one("Heartbeat"), { error: "UNKNOWN_MEMBER_ID" });
    h.answer(commit, { error: "UNKNOWN_MEMBER_ID" });
    // The state is UNJOINED, not PREPARING_REBALANCE: Kafka resets again and raises CommitFailedException.
    expect(h.commits).toEqual(["COMMIT_FAILED"]);
    expect(h.ctx.tracesOf("consumer.generation-reset")).toHaveLength(2);
  });

  it("REBALANCE_IN_PROGRESS: RebalanceInProgressException, the generation is kept, and the rejoin revokes rather than loses", () => {
    const h = stableClassicMember();
    h.consumer.commitSync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "REBALANCE_IN_PROGRESS" });
    expect(h.commits).toEqual(["REBALANCE_IN_PROGRESS"]);
    expect(h.take("OffsetCommit")).toEqual([]);
    expect(h.ctx.tracesOf("consumer.generation-reset")).toEqual([]);
    // requestRejoin: the next poll runs onJoinPrepare with generation 1 still held (eager: revoked, not lost).
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0 @1", "revoked t-0 @1"]);
    expect(h.one("JoinGroup").msg.memberId).toBe("c1-member");
  });
});

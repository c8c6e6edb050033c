import { describe, expect, it } from "vitest";
import { groupMember, stableClassicMember } from "../../support/groupMemberHarness.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/internals/ConsumerCoordinatorTest.java
// (apache/kafka 1eb7644): what a classic consumer does with each answer to its OffsetCommit (which error the
// application sees, whether commitSync retries, whether the coordinator is forgotten, whether it rejoins), run against
// kafkasim's KafkaConsumer through test/support/groupMemberHarness.ts (a member of group "g" at a stable generation
// 1 owning t-0; requests are answered by hand).
//
// Shapes adapted:
// - `coordinator.commitOffsetsAsync(offsets, cb)` / `commitOffsetsSync(offsets, timer)` are the consumer's
//   commitAsync / commitSync; what the callback or commitSync ends with is the error's name ("ok" for success):
//   Kafka's RetriableCommitFailedException around a coordinator error is that error's name (retriable in kafkasim's
//   catalogue), CommitFailedException is COMMIT_FAILED, RebalanceInProgressException REBALANCE_IN_PROGRESS.
// - `coordinator.coordinatorUnknown()` is the member looking for its coordinator again: a FindCoordinator (at once:
//   ensureCoordinatorReady). A commitSync retry waits `retryBackoff.backoff(attempts)` (100 ms ± 20% jitter after the
//   first failure), which Kafka's MockTime sleeps through: here the clock is moved past its largest value.
// - Kafka's MockClient answers requests prepared in advance; here each answer is written when the request is seen.
//
// Not ported, with why: disconnections (testCommitOffsetAsyncDisconnected, testCommitOffsetSyncCoordinatorDisconnected:
// the harness has no network to break), committed metadata strings (OFFSET_METADATA_TOO_LARGE), the default
// callback and callback-ordering tests (threads), authorization errors, and the membership errors that
// kafka/client/consumer/classicCommitErrors.test.ts already checks with Kafka's generationUnchanged cases.

const offsets = [{ topic: "t", partition: 0, offset: 100 }];

describe("ConsumerCoordinatorTest: OffsetCommit answers", () => {
  it("testCommitOffsetAsyncCoordinatorNotAvailable: the callback gets the retriable error and the coordinator is looked up again", () => {
    const h = stableClassicMember();
    h.consumer.commitAsync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "COORDINATOR_NOT_AVAILABLE" });
    expect(h.commits).toEqual(["COORDINATOR_NOT_AVAILABLE"]);
    h.ctx.advance(100);
    expect(h.take("FindCoordinator").length).toBe(1);
    expect(h.take("OffsetCommit")).toEqual([]);
  });

  it("testCommitOffsetAsyncNotCoordinator: the same for NOT_COORDINATOR", () => {
    const h = stableClassicMember();
    h.consumer.commitAsync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "NOT_COORDINATOR" });
    expect(h.commits).toEqual(["NOT_COORDINATOR"]);
    h.ctx.advance(100);
    expect(h.take("FindCoordinator").length).toBe(1);
  });

  for (const error of ["NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE"]) {
    const name = error === "NOT_COORDINATOR" ? "testCommitOffsetSyncNotCoordinator" : "testCommitOffsetSyncCoordinatorNotAvailable";
    it(`${name}: commitSync finds the coordinator again and commits`, () => {
      const h = stableClassicMember();
      h.consumer.commitSync(offsets, h.recordCommit);
      h.answer(h.one("OffsetCommit"), { error });
      expect(h.commits).toEqual([]);
      h.ctx.advance(120); // commitOffsetsSync sleeps retryBackoff.backoff(0): 100 ms ± 20%
      h.answer(h.one("FindCoordinator"), { error: "NONE", coordinator: "broker-1" });
      const retry = h.one("OffsetCommit");
      expect(retry.msg.offsets).toEqual(offsets);
      h.answer(retry, { error: "NONE" });
      expect(h.commits).toEqual(["ok"]);
    });
  }

  // Fixed here: kafkasim's commitSync failed at once with UNKNOWN_TOPIC_OR_PARTITION; OffsetCommitResponseHandler
  // raises it as a RetriableException, which commitOffsetsSync retries.
  it("testRetryCommitUnknownTopicOrPartition: commitSync retries UNKNOWN_TOPIC_OR_PARTITION (a RetriableException) and then commits", () => {
    const h = stableClassicMember();
    h.consumer.commitSync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "UNKNOWN_TOPIC_OR_PARTITION" });
    expect(h.commits).toEqual([]);
    h.ctx.advance(120); // retryBackoff.backoff(0): 100 ms ± 20%
    h.answer(h.one("OffsetCommit"), { error: "NONE" });
    expect(h.commits).toEqual(["ok"]);
  });

  it("testCommitOffsetIllegalGeneration: commitSync fails at once with CommitFailedException", () => {
    const h = stableClassicMember();
    h.consumer.commitSync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "ILLEGAL_GENERATION" });
    expect(h.commits).toEqual(["COMMIT_FAILED"]);
    h.ctx.advance(100);
    expect(h.take("OffsetCommit")).toEqual([]);
  });

  it("testCommitOffsetUnknownMemberId: commitSync fails at once with CommitFailedException", () => {
    const h = stableClassicMember();
    h.consumer.commitSync(offsets, h.recordCommit);
    h.answer(h.one("OffsetCommit"), { error: "UNKNOWN_MEMBER_ID" });
    expect(h.commits).toEqual(["COMMIT_FAILED"]);
  });

  it("testCommitOffsetRebalanceInProgress: refused before the request while joining; after REBALANCE_IN_PROGRESS it rejoins, generation kept", () => {
    const h = groupMember();
    h.consumer.poll();
    const join = h.one("JoinGroup");
    // While the group is rebalancing the commit is not even sent.
    h.consumer.commitSync(offsets, h.recordCommit);
    expect(h.commits).toEqual(["REBALANCE_IN_PROGRESS"]);
    expect(h.take("OffsetCommit")).toEqual([]);
    h.answer(join, { error: "NONE", generationId: 1, protocolName: "range", leader: "leader-member", memberId: "c1-member", members: [] });
    h.answer(h.one("SyncGroup"), { error: "NONE", assignment: [{ topic: "t", partition: 0 }] });
    h.consumer.poll();
    h.answer(h.one("OffsetFetch"), { error: "NONE", offsets: [] });
    h.consumer.commitSync(offsets, h.recordCommit);
    const commit = h.one("OffsetCommit");
    expect([commit.msg.generationId, commit.msg.memberId]).toEqual([1, "c1-member"]);
    h.answer(commit, { error: "REBALANCE_IN_PROGRESS" });
    expect(h.commits).toEqual(["REBALANCE_IN_PROGRESS", "REBALANCE_IN_PROGRESS"]);
    // rejoinNeededOrPending, with the generation kept (generationIfStable is still generation 1).
    h.consumer.poll();
    const rejoin = h.one("JoinGroup");
    expect(rejoin.msg.memberId).toBe("c1-member");
    expect(h.events).toEqual(["assigned t-0 @1", "revoked t-0 @1"]);
  });
});

import { describe, expect, it } from "vitest";
import { stableClassicMember } from "../../../support/groupMemberHarness.js";

/**
 * ConsumerCoordinator.onJoinPrepare with enable.auto.commit (apache/kafka 1eb7644): the member commits what it
 * consumed and sends no JoinGroup until that commit has ended — retried on retriable errors up to the rebalance
 * timeout, given up on others. The member is a follower at generation 1 owning t-0 from offset 5.
 */
function rebalancing() {
  const h = stableClassicMember({ "enable.auto.commit": true });
  h.ctx.advance(3000);
  h.answer(h.one("Heartbeat"), { error: "REBALANCE_IN_PROGRESS" });
  h.consumer.poll();
  return h;
}

describe("classic onJoinPrepare: the JoinGroup waits for the auto-commit", () => {
  it("sends the JoinGroup only on the first poll after the commit is answered", () => {
    const h = rebalancing();
    const commit = h.one("OffsetCommit");
    expect(commit.msg.offsets).toEqual([{ topic: "t", partition: 0, offset: 5 }]);
    expect(h.take("JoinGroup")).toEqual([]);
    h.consumer.poll();
    expect(h.take("JoinGroup")).toEqual([]);
    h.answer(commit, { error: "NONE" });
    h.consumer.poll();
    expect(h.one("JoinGroup").msg.memberId).toBe("c1-member");
  });

  it("retries a retriable error (COORDINATOR_LOAD_IN_PROGRESS) and still holds the JoinGroup back", () => {
    const h = rebalancing();
    h.answer(h.one("OffsetCommit"), { error: "COORDINATOR_LOAD_IN_PROGRESS" });
    h.consumer.poll();
    expect(h.take("JoinGroup")).toEqual([]);
    h.ctx.advance(120); // the first failure's back-off: retry.backoff.ms ± 20%
    const retry = h.one("OffsetCommit");
    h.answer(retry, { error: "NONE" });
    h.consumer.poll();
    expect(h.take("JoinGroup")).toHaveLength(1);
  });

  it("goes on to join after a non-retriable error", () => {
    const h = rebalancing();
    h.answer(h.one("OffsetCommit"), { error: "GROUP_AUTHORIZATION_FAILED" });
    h.consumer.poll();
    expect(h.take("JoinGroup")).toHaveLength(1);
  });

  it("without enable.auto.commit joins on the same poll", () => {
    const h = stableClassicMember();
    h.ctx.advance(3000);
    h.answer(h.one("Heartbeat"), { error: "REBALANCE_IN_PROGRESS" });
    h.consumer.poll();
    expect(h.take("OffsetCommit")).toEqual([]);
    expect(h.take("JoinGroup")).toHaveLength(1);
  });
});

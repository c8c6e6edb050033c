import { describe, expect, it } from "vitest";
import type { ConsumerMembershipManager } from "../../../src/kafka/client/consumer/consumerMembershipManager.js";
import { groupMember, stableConsumerProtocolMember } from "../../support/groupMemberHarness.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/internals/
// ConsumerHeartbeatRequestManagerTest.java (apache/kafka 1eb7644): when a KIP-848 member sends its
// ConsumerGroupHeartbeat and what the first one carries, run against kafkasim's ConsumerMembershipManager (which is
// the heartbeat request manager too) through test/support/groupMemberHarness.ts.
//
// Shapes adapted:
// - `heartbeatRequestManager.poll(now)` returning an unsent request is the member having sent a
//   ConsumerGroupHeartbeat by then (the harness's `take`); `inflightReq.handler().onComplete(response)` is the test
//   answering it. Times are the simulated clock's: DEFAULT_HEARTBEAT_INTERVAL_MS is the interval the coordinator
//   gives (1000 ms in the harness), DEFAULT_RETRY_BACKOFF_MS retry.backoff.ms (100 ms).
// - testFirstHeartbeatIncludesRequiredInfoToJoinGroupAndGetAssignments: at the mirrored commit the first heartbeat
//   carries no member id (the coordinator gave one); kafkasim models Kafka 4.0, whose client chooses its member id
//   and sends it from the first heartbeat (KIP-1082), so that assertion is Kafka 4.0's: a member id is sent.
//
// Not ported, with why: toString, metrics, the request's field versions, network timeouts and disconnects (the
// harness has no network to break), the error table's per-error back-off timings (testHeartbeatResponseOnErrorHandling,
// testDisconnect: ported in test/kafka/client/consumer/consumerBackoff.test.ts with the back-off tests), and the
// mocked-membership cases (testSkippingHeartbeat, testHeartbeatOutsideInterval: states driven by a mock).

const manager = (h: ReturnType<typeof groupMember>) => h.consumer.group as ConsumerMembershipManager;

describe("ConsumerHeartbeatRequestManagerTest", () => {
  it("testFirstHeartbeatIncludesRequiredInfoToJoinGroupAndGetAssignments", () => {
    const h = groupMember({ "group.protocol": "consumer", "group.instance.id": "group-instance-id", "max.poll.interval.ms": 10000 });
    h.consumer.poll();
    const hb = h.one("ConsumerGroupHeartbeat").msg;
    // Epoch 0 to join (Kafka 4.0, KIP-1082: with the member id the client chose).
    expect(hb.memberEpoch).toBe(0);
    expect(typeof hb.memberId).toBe("string");
    expect((hb.memberId as string).length).toBeGreaterThan(0);
    // The subscription and the group's basic information, and the rebalance timeout.
    expect(hb.subscribedTopicNames).toEqual(["t"]);
    expect(hb.rebalanceTimeoutMs).toBe(10000);
    expect(hb.groupId).toBe("g");
    expect(hb.instanceId).toBe("group-instance-id");
  });

  it("testSuccessfulHeartbeatTiming: one heartbeat per interval, the interval counted from the send", () => {
    const h = stableConsumerProtocolMember();
    h.ctx.advance(999);
    expect(h.take("ConsumerGroupHeartbeat"), "No heartbeat should be sent while interval has not expired").toEqual([]);
    h.ctx.advance(1);
    const inflight = h.take("ConsumerGroupHeartbeat");
    expect(inflight, "A heartbeat should be sent when interval expires").toHaveLength(1);
    const partOfInterval = Math.floor(1000 / 3);
    h.ctx.advance(partOfInterval);
    expect(h.take("ConsumerGroupHeartbeat"), "No heartbeat should be sent while only part of the interval has passed").toEqual([]);
    h.answer(inflight[0], { error: "NONE", memberId: h.memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: null });
    h.ctx.advance(1000 - partOfInterval - 1);
    expect(h.take("ConsumerGroupHeartbeat")).toEqual([]);
    h.ctx.advance(1);
    expect(h.take("ConsumerGroupHeartbeat")).toHaveLength(1);
  });

  it("testTimerNotDue: 100 ms into the interval no heartbeat is sent", () => {
    const h = stableConsumerProtocolMember();
    h.ctx.advance(100);
    expect(h.take("ConsumerGroupHeartbeat")).toEqual([]);
  });

  // A heartbeat answered after its interval expired is followed by the next one a retry back-off after the answer:
  // the heartbeat timer (reset at the send) has run out, only RequestState's minimal back-off from the answer holds it
  // (HeartbeatRequestState.canSendRequest, RequestState.onSuccessfulAttempt / remainingBackoffMs).
  it("testHeartbeatNotSentIfAnotherOneInFlight", () => {
    // Kafka's test builds its HeartbeatRequestState without jitter; retry.backoff.max.ms = retry.backoff.ms gives the
    // same exact 100 ms minimal back-off here.
    const h = stableConsumerProtocolMember({ "retry.backoff.max.ms": 100 });
    h.ctx.advance(1000);
    const inflight = h.take("ConsumerGroupHeartbeat");
    expect(inflight).toHaveLength(1);
    h.ctx.advance(1000);
    expect(h.take("ConsumerGroupHeartbeat"), "No heartbeat should be sent while a previous one is in-flight").toEqual([]);
    h.ctx.advance(1000);
    expect(h.take("ConsumerGroupHeartbeat"), "No heartbeat should be sent when the interval expires if there is a previous HB request in-flight").toEqual([]);
    h.answer(inflight[0], { error: "NONE", memberId: h.memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: null });
    h.ctx.advance(100);
    expect(h.take("ConsumerGroupHeartbeat"), "A next heartbeat should be sent after receiving a response that took longer than the interval, waiting only for the minimal backoff.").toHaveLength(1);
  });

  it("testFencedMemberStopHeartbeatUntilItReleasesAssignmentToRejoin", () => {
    const h = stableConsumerProtocolMember();
    h.ctx.advance(1000);
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "FENCED_MEMBER_EPOCH" });
    expect(manager(h).state).toBe("FENCED");
    h.ctx.advance(5000);
    expect(h.take("ConsumerGroupHeartbeat"), "Member should not send heartbeats while FENCED").toEqual([]);
    // The application's poll releases the assignment; the member joins again.
    h.consumer.poll();
    expect(h.take("ConsumerGroupHeartbeat"), "Fenced member should resume heartbeat after transitioning to JOINING").toHaveLength(1);
  });

  it("testPollTimerExpiration: a last heartbeat to leave, none while stale, heartbeats again once polled", () => {
    const h = stableConsumerProtocolMember({ "max.poll.interval.ms": 10000 });
    // Heartbeats answered until the poll timer expires.
    for (let t = 0; t < 9000; t += 1000) {
      h.ctx.advance(1000);
      for (const hb of h.take("ConsumerGroupHeartbeat")) if ((hb.msg.memberEpoch as number) >= 0) h.answer(hb, { error: "NONE", memberId: h.memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: null });
    }
    h.ctx.advance(999);
    const last = h.take("ConsumerGroupHeartbeat");
    for (const hb of last) h.answer(hb, { error: "NONE", memberId: h.memberId, memberEpoch: 1, heartbeatIntervalMs: 1000, assignment: null });
    expect(manager(h).state).toBe("STABLE");
    h.ctx.advance(1);
    const leave = h.take("ConsumerGroupHeartbeat");
    expect(leave.map((r) => r.msg.memberEpoch)).toEqual([-1]);
    expect(manager(h).state).toBe("STALE");
    h.ctx.advance(5000);
    expect(h.take("ConsumerGroupHeartbeat")).toEqual([]);
    h.consumer.poll(); // resetPollTimer: maybeRejoinStaleMember
    expect(h.take("ConsumerGroupHeartbeat").map((r) => r.msg.memberEpoch)).toEqual([0]);
  });
});

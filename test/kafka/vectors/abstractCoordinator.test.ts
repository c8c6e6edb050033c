import { describe, expect, it } from "vitest";
import type { ConsumerCoordinator } from "../../../src/kafka/client/consumer/consumerCoordinator.js";
import { groupMember, stableClassicMember } from "../../support/groupMemberHarness.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/internals/AbstractCoordinatorTest.java
// (apache/kafka 1eb7644): a classic member's JoinGroup, SyncGroup, Heartbeat and LeaveGroup as the coordinator
// answers them, run against kafkasim's ConsumerCoordinator through test/support/groupMemberHarness.ts (a
// KafkaConsumer of group "g" subscribed to topic "t"; the test answers its requests by hand).
//
// Shapes adapted:
// - Kafka's test drives a DummyCoordinator with a MockClient's prepared responses; here the consumer sends real
//   requests from its poll and the test answers them. `coordinator.sendJoinGroupRequest()` + the answer is the
//   JoinGroup the first poll sends and its answer; `ensureActiveGroup()` the polls that complete join and sync.
// - A fatal error (Kafka's exception out of ensureActiveGroup / pollHeartbeat, or a non-retriable future) is the
//   member's `fatal` error, which kafkasim's consumer raises from poll; "rejoin needed" is the next poll sending a
//   JoinGroup; `hasUnknownGeneration()` that JoinGroup carrying member id "" (and the member's generation -1).
// - `coordinator.generation()` is the member's generation id and member id; `setNewGeneration(gen)` (a rebalance
//   completed while the heartbeat was in flight) is the member rejoining and completing generation 2 before the old
//   heartbeat's answer arrives.
// - onJoinPrepare / onJoinComplete invocations are the rebalance listener's calls (the harness records them).
//
// Not ported, with why: metrics, wakeups and the heartbeat thread's threading, request timeouts of the JoinGroup
// (kafka/consumer tests: the NetworkClient's), disconnections (the harness has no network to break), rejoin reasons,
// protocol type/name checks (kafkasim's coordinator always answers the member's own protocol), authentication and
// authorization errors, GROUP_MAX_SIZE_REACHED (testGroupMaxSizeExceptionIsFatal is in groupMaxSize.test.ts),
// and the LeaveGroup response parsing tests (kafkasim's member does not read the LeaveGroup answer).

type H = ReturnType<typeof groupMember>;
const member = (h: H) => h.consumer.group as ConsumerCoordinator;
const generation = (h: H) => ({ generationId: member(h).generation, memberId: member(h).memberId });

describe("AbstractCoordinatorTest", () => {
  it("testJoinGroupRequestWithMemberIdRequired: the member joins again at once with the id the coordinator gave", () => {
    const h = groupMember();
    h.consumer.poll();
    const first = h.one("JoinGroup");
    expect(first.msg.memberId).toBe("");
    h.answer(first, { error: "MEMBER_ID_REQUIRED", generationId: -1, protocolName: "", leader: "", memberId: "memberId", members: [] });
    // Rejoin pending, with a valid member id and the generation unchanged.
    const second = h.one("JoinGroup");
    expect(second.msg.memberId).toBe("memberId");
    expect(generation(h)).toEqual({ generationId: -1, memberId: "memberId" });
    h.answer(second, { error: "UNKNOWN_MEMBER_ID", generationId: -1, protocolName: "", leader: "", memberId: "", members: [] });
    expect(member(h).fatal).toBeNull();
  });

  it("testJoinGroupRequestWithFencedInstanceIdException: FENCED_INSTANCE_ID on JoinGroup is fatal", () => {
    const h = groupMember({ "group.instance.id": "instance" });
    h.consumer.poll();
    h.answer(h.one("JoinGroup"), { error: "FENCED_INSTANCE_ID", generationId: -1, protocolName: "", leader: "", memberId: "", members: [] });
    expect(member(h).fatal).toBe("FENCED_INSTANCE_ID");
    h.ctx.advance(1000);
    h.consumer.poll();
    expect(h.take("JoinGroup")).toEqual([]);
  });

  it("testSyncGroupRequestWithFencedInstanceIdException: FENCED_INSTANCE_ID on SyncGroup is fatal", () => {
    const h = groupMember({ "group.instance.id": "instance" });
    h.consumer.poll();
    h.answer(h.one("JoinGroup"), { error: "NONE", generationId: -1, protocolName: "range", leader: "leader-member", memberId: "memberId", members: [] });
    h.answer(h.one("SyncGroup"), { error: "FENCED_INSTANCE_ID", assignment: [] });
    expect(member(h).fatal).toBe("FENCED_INSTANCE_ID");
  });

  it("testHeartbeatRequestWithFencedInstanceIdException: FENCED_INSTANCE_ID on Heartbeat is fatal", () => {
    const h = groupMember({ "group.instance.id": "instance" });
    h.consumer.poll();
    h.answer(h.one("JoinGroup"), { error: "NONE", generationId: -1, protocolName: "range", leader: "leader-member", memberId: "memberId", members: [] });
    h.answer(h.one("SyncGroup"), { error: "NONE", assignment: [] });
    h.ctx.advance(3000); // heartbeat.interval.ms
    h.answer(h.one("Heartbeat"), { error: "FENCED_INSTANCE_ID" });
    expect(member(h).fatal).toBe("FENCED_INSTANCE_ID");
  });

  it("testJoinGroupRequestWithGroupInstanceIdNotFound: UNKNOWN_MEMBER_ID resets to an unknown generation and rejoins", () => {
    const h = groupMember();
    h.consumer.poll();
    h.answer(h.one("JoinGroup"), { error: "UNKNOWN_MEMBER_ID", generationId: -1, protocolName: "", leader: "", memberId: "", members: [] });
    expect(member(h).fatal).toBeNull();
    expect(generation(h)).toEqual({ generationId: -1, memberId: "" });
    h.ctx.advance(100); // retry.backoff.ms
    h.consumer.poll();
    expect(h.one("JoinGroup").msg.memberId).toBe("");
  });

  it("testJoinGroupRequestWithRebalanceInProgress: retried on the next poll; onJoinPrepare and onJoinComplete once", () => {
    const h = groupMember();
    h.consumer.poll();
    h.answer(h.one("JoinGroup"), { error: "REBALANCE_IN_PROGRESS", generationId: -1, protocolName: "", leader: "", memberId: "", members: [] });
    expect(member(h).fatal).toBeNull();
    expect(h.events).toEqual([]);
    h.ctx.advance(100);
    h.consumer.poll();
    h.answer(h.one("JoinGroup"), { error: "NONE", generationId: 1, protocolName: "range", leader: "leader-member", memberId: "memberId", members: [] });
    h.answer(h.one("SyncGroup"), { error: "NONE", assignment: [{ topic: "t", partition: 0 }] });
    h.consumer.poll();
    expect(h.events).toEqual(["assigned t-0 @1"]);
  });

  it("testLeaveGroupSentWithGroupInstanceIdUnSet: a dynamic member sends LeaveGroup on close, a static one does not", () => {
    const dynamic = stableClassicMember();
    dynamic.consumer.close();
    expect(dynamic.take("LeaveGroup")).toHaveLength(1);
    const stat = stableClassicMember({ "group.instance.id": "groupInstanceId" });
    stat.consumer.close();
    expect(stat.take("LeaveGroup")).toEqual([]);
  });

  it("testHeartbeatRebalanceInProgressResponseDuringRebalancing: the generation is kept through the rebalance", () => {
    const h = stableClassicMember();
    const currGen = generation(h);
    h.ctx.advance(3000);
    h.answer(h.one("Heartbeat"), { error: "REBALANCE_IN_PROGRESS" });
    expect(generation(h)).toEqual(currGen);
    h.consumer.poll();
    const join = h.one("JoinGroup");
    expect(join.msg.memberId).toBe(currGen.memberId);
    expect(generation(h)).toEqual(currGen);
    h.answer(join, { error: "NONE", generationId: currGen.generationId, protocolName: "range", leader: "leader-member", memberId: currGen.memberId, members: [] });
    h.answer(h.one("SyncGroup"), { error: "NONE", assignment: [{ topic: "t", partition: 0 }] });
    h.consumer.poll();
    expect(generation(h)).toEqual(currGen);
  });

  /** A stable member whose heartbeat is in flight when a rebalance completes generation 2 (`setNewGeneration`). */
  function heartbeatOfOldGeneration(newMemberId: string) {
    const h = stableClassicMember();
    h.ctx.advance(3000);
    const hb = h.one("Heartbeat");
    expect(hb.msg.generationId).toBe(1);
    // The member rejoins (another member's change) and completes a new generation while the heartbeat is unanswered.
    (member(h) as unknown as { rejoinNeeded: boolean }).rejoinNeeded = true;
    h.consumer.poll();
    h.answer(h.one("JoinGroup"), { error: "NONE", generationId: 2, protocolName: "range", leader: "leader-member", memberId: newMemberId, members: [] });
    h.answer(h.one("SyncGroup"), { error: "NONE", assignment: [{ topic: "t", partition: 0 }] });
    h.consumer.poll();
    return { h, hb, newGen: { generationId: 2, memberId: newMemberId } };
  }

  it("testHeartbeatIllegalGenerationResponseWithOldGeneration: the error of a heartbeat of an older generation is ignored", () => {
    const { h, hb, newGen } = heartbeatOfOldGeneration("c1-member");
    expect(generation(h)).toEqual(newGen);
    h.answer(hb, { error: "ILLEGAL_GENERATION" });
    // The generation is not reset.
    expect(generation(h)).toEqual(newGen);
    h.consumer.poll();
    expect(h.take("JoinGroup")).toEqual([]);
  });

  it("testHeartbeatUnknownMemberResponseWithOldGeneration", () => {
    const { h, hb, newGen } = heartbeatOfOldGeneration("c1-member-new");
    h.answer(hb, { error: "UNKNOWN_MEMBER_ID" });
    expect(generation(h)).toEqual(newGen);
  });

  it("testHeartbeatInstanceFencedResponseWithOldGeneration", () => {
    const { h, hb, newGen } = heartbeatOfOldGeneration("c1-member-new");
    h.answer(hb, { error: "FENCED_INSTANCE_ID" });
    expect(generation(h)).toEqual(newGen);
    expect(member(h).fatal).toBeNull();
  });
});

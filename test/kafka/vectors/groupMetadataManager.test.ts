import { describe, expect, it } from "vitest";
import { ConsumerGroup, type ConsumerGroupMember } from "../../../src/kafka/coordinator/group/consumerGroup.js";
import { ConsumerGroupCoordinator } from "../../../src/kafka/coordinator/group/consumerGroupCoordinator.js";
import type { ErrorName } from "../../../src/kafka/protocol/errors.js";
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, TopicPartitionRef } from "../../../src/kafka/protocol/groupMessages.js";
import { FakeContext } from "../../support/fakeContext.js";

// Vectors from Kafka's group-coordinator/src/test/java/org/apache/kafka/coordinator/group/GroupMetadataManagerTest.java
// (apache/kafka 1eb7644): how the KIP-848 coordinator validates a ConsumerGroupHeartbeat — unknown groups and members,
// member epochs (FENCED_MEMBER_EPOCH, the previous epoch with a subset of the owned partitions accepted), static
// members' instance ids (UNRELEASED_INSTANCE_ID, FENCED_INSTANCE_ID) — run against kafkasim's ConsumerGroupCoordinator
// (GroupMetadataManager.consumerGroupHeartbeat) with a fake host whose writes succeed at once.
//
// Shapes adapted:
// - The group Kafka's test replays (ConsumerGroupBuilder, or the member / epoch / target assignment records) is set
//   in the coordinator's groups directly: the member, the group epoch, the target assignment and its epoch. Kafka's
//   subscription metadata is stored with the group (its metadata image has the topics, or none); kafkasim's is the
//   coordinator's partition signature of the group, stored here as replayed.
// - Topic ids are names ("foo"); member ids are fixed strings where Kafka draws UUIDs.
// - An exception of Kafka's consumerGroupHeartbeat is the answer's error; a request whose topicPartitions Kafka leaves
//   unset (null) cannot be sent by kafkasim's client (it always lists what it owns), so that case is checked on
//   ConsumerGroup.epochError (GroupMetadataManager.throwIfMemberEpochIsInvalid), which takes null for it.
//
// Not ported, with why: the heartbeat's field validation (testConsumerHeartbeatRequestValidation: kafkasim's client
// builds valid requests), regex subscriptions, assignment results and reconciliation steps (kafkasim runs its own
// server assignors, see ServerRangeAssignor's and CurrentAssignmentBuilder's vectors), group size limits (in
// groupMaxSize.test.ts), classic
// groups' JoinGroup (kafka/groupCoordinator.test.ts), metadata refresh, timers and metrics.

const GROUP = "fooup";
const MEMBER = "member-1";

function member(memberId: string, o: { instanceId?: string; memberEpoch: number; previousMemberEpoch: number; assigned: number[] }): ConsumerGroupMember {
  return {
    memberId,
    instanceId: o.instanceId ?? null,
    clientId: "client",
    memberEpoch: o.memberEpoch,
    previousMemberEpoch: o.previousMemberEpoch,
    state: "STABLE",
    subscribedTopics: ["bar", "foo"],
    serverAssignor: "range",
    rebalanceTimeoutMs: 5000,
    assigned: o.assigned.map((partition) => ({ topic: "foo", partition })),
    pendingRevocation: [],
  };
}

function context(o: { topics?: Record<string, number> } = {}) {
  const ctx = new FakeContext("broker-1");
  const topics = o.topics ?? {};
  const coord = new ConsumerGroupCoordinator({
    ctx,
    settings: { sessionTimeoutMs: 45000, heartbeatIntervalMs: 5000, assignors: ["uniform", "range"] },
    isCoordinatorFor: () => true,
    partitionCount: (t) => topics[t],
    store: (_g, _record, done) => done("NONE"),
  });
  let correlationId = 0;
  return {
    coord,
    /** The group as Kafka's test replays it: `m` at its epochs, the group and target assignment epochs, m's target. */
    withGroup(groupEpoch: number, m: ConsumerGroupMember, assignmentEpoch = groupEpoch): ConsumerGroup {
      const g = new ConsumerGroup(GROUP);
      g.groupEpoch = groupEpoch;
      g.targetAssignmentEpoch = assignmentEpoch;
      g.members.set(m.memberId, m);
      g.targetAssignment.set(m.memberId, [...m.assigned]);
      coord.groups.set(GROUP, g);
      // The stored subscription metadata (ConsumerGroupPartitionMetadataRecord) of the group's subscriptions.
      (coord["partitionSignature"] as Map<string, string>).set(GROUP, (coord["signature"] as (g: ConsumerGroup) => string).call(coord, g));
      return g;
    },
    /** context.consumerGroupHeartbeat: the answer. */
    heartbeat(r: Partial<ConsumerGroupHeartbeatRequest> & { memberId: string; memberEpoch: number }): ConsumerGroupHeartbeatResponse {
      const req: ConsumerGroupHeartbeatRequest = { type: "ConsumerGroupHeartbeat", correlationId: ++correlationId, groupId: GROUP, instanceId: null, rebalanceTimeoutMs: 5000, subscribedTopicNames: ["foo", "bar"], serverAssignor: null, topicPartitions: [], ...r };
      coord.handleHeartbeat("client", req, ctx.conn("client"));
      return ctx.sent[ctx.sent.length - 1].msg as ConsumerGroupHeartbeatResponse;
    },
  };
}

const error = (r: ConsumerGroupHeartbeatResponse): ErrorName => r.error;
const foo = (...partitions: number[]): TopicPartitionRef[] => partitions.map((partition) => ({ topic: "foo", partition }));

describe("GroupMetadataManagerTest: ConsumerGroupHeartbeat validation", () => {
  it("testUnknownGroupId: epoch 100 to a group that does not exist is GROUP_ID_NOT_FOUND", () => {
    const c = context();
    expect(error(c.heartbeat({ memberId: MEMBER, memberEpoch: 100, serverAssignor: "range" }))).toBe("GROUP_ID_NOT_FOUND");
  });

  it("testUnknownMemberIdJoinsConsumerGroup: after a first member created the group, an unknown member at epoch 1 is UNKNOWN_MEMBER_ID", () => {
    const c = context();
    expect(error(c.heartbeat({ memberId: MEMBER, memberEpoch: 0, serverAssignor: "range" }))).toBe("NONE");
    expect(error(c.heartbeat({ memberId: "member-2", memberEpoch: 1 }))).toBe("UNKNOWN_MEMBER_ID");
  });

  for (const instanceId of [undefined, MEMBER]) {
    const name = instanceId === undefined ? "testConsumerGroupMemberEpochValidation" : "testConsumerGroupMemberEpochValidationForStaticMember";
    it(`${name}: 200 and 50 against 100 are FENCED_MEMBER_EPOCH; the previous epoch 99 with a subset of the owned partitions gets epoch 100`, () => {
      const c = context();
      const m = member(MEMBER, { instanceId, memberEpoch: 100, previousMemberEpoch: 99, assigned: [1, 2, 3] });
      c.withGroup(100, m);
      const id = { memberId: MEMBER, instanceId: instanceId ?? null };
      expect(error(c.heartbeat({ ...id, memberEpoch: 200 }))).toBe("FENCED_MEMBER_EPOCH");
      expect(error(c.heartbeat({ ...id, memberEpoch: 50 }))).toBe("FENCED_MEMBER_EPOCH");
      // The previous epoch without the owned partitions (null topicPartitions): fenced.
      expect(ConsumerGroup.epochError(m, 99, null)).toBe("FENCED_MEMBER_EPOCH");
      const result = c.heartbeat({ ...id, memberEpoch: 99, topicPartitions: foo(1, 2) });
      expect(error(result)).toBe("NONE");
      expect(result.memberEpoch).toBe(100);
    });
  }

  const staticGroup = () => {
    const c = context({ topics: { foo: 6 } });
    c.withGroup(10, member(MEMBER, { instanceId: MEMBER, memberEpoch: 10, previousMemberEpoch: 9, assigned: [0, 1, 2] }));
    return c;
  };

  it("testStaticMemberGetsBackAssignmentUponRejoin: a static member leaves with -2 (answered -2) and its instance rejoins under a new id at epoch 10 with its partitions", () => {
    const c = context({ topics: { foo: 6, bar: 3 } });
    const tps = (fooParts: number[], barParts: number[]) => [...foo(...fooParts), ...barParts.map((partition) => ({ topic: "bar", partition }))];
    const member1 = { ...member("member-1", { instanceId: "member-1", memberEpoch: 10, previousMemberEpoch: 9, assigned: [] }), assigned: tps([0, 1, 2], [0, 1]) };
    const member2 = { ...member("member-2", { instanceId: "member-2", memberEpoch: 10, previousMemberEpoch: 9, assigned: [] }), assigned: tps([3, 4, 5], [2]) };
    const g = c.withGroup(10, member1);
    g.members.set(member2.memberId, member2);
    g.targetAssignment.set(member2.memberId, [...member2.assigned]);
    (c.coord["partitionSignature"] as Map<string, string>).set(GROUP, (c.coord["signature"] as (g: ConsumerGroup) => string).call(c.coord, g));
    const left = c.heartbeat({ memberId: "member-2", instanceId: "member-2", memberEpoch: -2 });
    expect([left.error, left.memberId, left.memberEpoch]).toEqual(["NONE", "member-2", -2]);
    expect(g.members.get("member-2")?.memberEpoch).toBe(-2);
    const rejoin = c.heartbeat({ memberId: "member-2-rejoin", instanceId: "member-2", memberEpoch: 0, serverAssignor: "range" });
    expect([rejoin.error, rejoin.memberId, rejoin.memberEpoch]).toEqual(["NONE", "member-2-rejoin", 10]);
    const key = (t: TopicPartitionRef) => `${t.topic}-${t.partition}`;
    expect((rejoin.assignment ?? []).map(key).sort()).toEqual(["bar-2", "foo-3", "foo-4", "foo-5"]);
    // The previous member is replaced by the new one; the group epoch did not move.
    expect([...g.members.keys()].sort()).toEqual(["member-1", "member-2-rejoin"]);
    expect(g.groupEpoch).toBe(10);
  });

  it("testShouldThrownUnreleasedInstanceIdExceptionWhenNewMemberJoinsWithInUseInstanceId: UNRELEASED_INSTANCE_ID", () => {
    const c = staticGroup();
    expect(error(c.heartbeat({ memberId: "member-2", instanceId: MEMBER, memberEpoch: 0, serverAssignor: "range" }))).toBe("UNRELEASED_INSTANCE_ID");
  });

  it("testShouldThrownUnknownMemberIdExceptionWhenUnknownStaticMemberJoins: a new static member at epoch 10 is UNKNOWN_MEMBER_ID", () => {
    const c = staticGroup();
    expect(error(c.heartbeat({ memberId: "member-2", instanceId: "member-2", memberEpoch: 10, serverAssignor: "range" }))).toBe("UNKNOWN_MEMBER_ID");
  });

  it("testShouldThrowUnknownMemberIdExceptionWhenUnknownStaticMemberLeaves: leaving (-2) under an unknown instance id is UNKNOWN_MEMBER_ID", () => {
    const c = staticGroup();
    expect(error(c.heartbeat({ memberId: MEMBER, instanceId: `unknown-${MEMBER}`, memberEpoch: -2 }))).toBe("UNKNOWN_MEMBER_ID");
  });

  // Fixed here: for a static member GroupMetadataManager looks the instance id up first
  // (getOrMaybeSubscribeStaticConsumerGroupMember / consumerGroupStaticMemberGroupLeave): an instance registered to
  // another member id is FENCED_INSTANCE_ID. kafkasim's ConsumerGroupCoordinator.handleHeartbeat looked the member id
  // up first and answered UNKNOWN_MEMBER_ID.
  it("testShouldThrowFencedInstanceIdExceptionWhenStaticMemberWithDifferentMemberIdJoins: another member id at epoch 11 is FENCED_INSTANCE_ID", () => {
    const c = staticGroup();
    expect(error(c.heartbeat({ memberId: `unknown-${MEMBER}`, instanceId: MEMBER, memberEpoch: 11 }))).toBe("FENCED_INSTANCE_ID");
  });

  it("testShouldThrowFencedInstanceIdExceptionWhenStaticMemberWithDifferentMemberIdLeaves: another member id leaving (-2) is FENCED_INSTANCE_ID", () => {
    const c = staticGroup();
    expect(error(c.heartbeat({ memberId: `unknown-${MEMBER}`, instanceId: MEMBER, memberEpoch: -2 }))).toBe("FENCED_INSTANCE_ID");
  });
});

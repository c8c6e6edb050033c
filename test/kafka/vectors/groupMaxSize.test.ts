import { describe, expect, it } from "vitest";
import { BROKER_CONFIG } from "../../../src/kafka/config/brokerConfig.js";
import { ClassicGroupManager } from "../../../src/kafka/coordinator/group/classicGroupManager.js";
import { ConsumerGroup, type ConsumerGroupMember } from "../../../src/kafka/coordinator/group/consumerGroup.js";
import { ConsumerGroupCoordinator } from "../../../src/kafka/coordinator/group/consumerGroupCoordinator.js";
import type { ConsumerGroupHeartbeatResponse, JoinGroupResponse } from "../../../src/kafka/protocol/groupMessages.js";
import type { ConsumerCoordinator } from "../../../src/kafka/client/consumer/consumerCoordinator.js";
import type { ConsumerMembershipManager } from "../../../src/kafka/client/consumer/consumerMembershipManager.js";
import { FakeContext } from "../../support/fakeContext.js";
import { groupMember } from "../../support/groupMemberHarness.js";

// group.max.size / group.consumer.max.size. The clients' side: AbstractCoordinatorTest.testGroupMaxSizeExceptionIsFatal
// (clients/src/test/java/.../consumer/internals), through test/support/groupMemberHarness.ts as abstractCoordinator.test.ts
// does, and the KIP-848 member's AbstractHeartbeatRequestManager.onErrorResponse (GROUP_MAX_SIZE_REACHED with
// INVALID_REQUEST and UNSUPPORTED_ASSIGNOR: handleFatalFailure), which ConsumerHeartbeatRequestManagerTest checks only
// for its other fatal errors. The coordinators' side: vectors from Kafka's GroupMetadataManagerTest (apache/kafka 1eb7644,
// group-coordinator/src/test/java/org/apache/kafka/coordinator/group/), run against kafkasim's ClassicGroupManager
// (GroupMetadataManager.classicGroupJoin, acceptJoiningMember) and ConsumerGroupCoordinator
// (consumerGroupHeartbeat, throwIfConsumerGroupIsFull), with fake hosts whose writes succeed at once.
// Shapes adapted: member ids are the coordinator's own (Kafka's test reads them from the MEMBER_ID_REQUIRED answers);
// each member sends from its own client ("c0".."c10"); "every join of the round" is checked per member.
// Not ported: testStaticMembersJoinGroupWithMaxSize, testLastJoiningMembersAreKickedOutWhenRejoiningGroupWithMaxSize
// (they build groups over the limit, which kafkasim's config cannot do at run time), testOnLoadedExceedGroupMaxSize...
// (a limit lowered across a coordinator move), the classic-to-consumer upgrade cases and share groups (not modelled).

const GROUP_MAX_SIZE = 10;

function classic(maxSize: number) {
  const ctx = new FakeContext("broker-1");
  const mgr = new ClassicGroupManager({
    ctx,
    initialRebalanceDelayMs: 50,
    minSessionTimeoutMs: 6000,
    maxSessionTimeoutMs: 1800000,
    classicGroupMaxSize: maxSize,
    isCoordinatorFor: () => true,
    isConsumerGroup: () => false,
    store: (_g, _r, done) => done("NONE"),
  });
  let correlationId = 0;
  /** JoinGroup from `client` with `memberId`; returns a reader of its answer (undefined while parked). */
  const join = (client: string, memberId: string) => {
    const id = ++correlationId;
    mgr.handleJoinGroup(client, { type: "JoinGroup", correlationId: id, groupId: "group-id", memberId, groupInstanceId: null, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 5000, protocolType: "consumer", protocols: [{ name: "range", metadata: { topics: ["foo"], ownedPartitions: [], generationId: -1 } }] }, ctx.conn(client));
    return () => ctx.sent.find((s) => s.to === client && (s.msg as JoinGroupResponse).correlationId === id)?.msg as JoinGroupResponse | undefined;
  };
  return { ctx, mgr, join, group: () => mgr.groups.get("group-id")! };
}

const clients = Array.from({ length: GROUP_MAX_SIZE + 1 }, (_, i) => `c${i}`);
const errorCount = (answers: (JoinGroupResponse | undefined)[], error: string) => answers.filter((a) => a?.error === error).length;

describe("GroupMetadataManagerTest: classic groups and group.max.size", () => {
  it("testDynamicMembersJoinGroupWithMaxSizeAndRequiredKnownMember: 11 get ids while Empty; with them one is refused, 10 join; in CompletingRebalance the 10 may rejoin, the 11th not", () => {
    const c = classic(GROUP_MAX_SIZE);
    const first = clients.map((cl) => c.join(cl, "")());
    expect(errorCount(first, "MEMBER_ID_REQUIRED")).toBe(GROUP_MAX_SIZE + 1);
    expect([c.group().members.size, c.group().state, c.group().pendingMembers.size]).toEqual([0, "Empty", GROUP_MAX_SIZE + 1]);
    const ids = first.map((a) => a!.memberId);
    const second = clients.map((cl, i) => c.join(cl, ids[i]));
    c.ctx.advance(50);
    c.ctx.advance(50);
    const answers = second.map((a) => a());
    expect(errorCount(answers, "GROUP_MAX_SIZE_REACHED")).toBe(1);
    expect(errorCount(answers, "NONE")).toBe(GROUP_MAX_SIZE);
    // The refused member is told with no member id (UNKNOWN_MEMBER_ID), and is no longer pending.
    expect(answers.find((a) => a?.error === "GROUP_MAX_SIZE_REACHED")!.memberId).toBe("");
    expect([c.group().members.size, c.group().pendingMembers.size, c.group().state]).toEqual([GROUP_MAX_SIZE, 0, "CompletingRebalance"]);
    const third = clients.map((cl, i) => c.join(cl, ids[i])());
    expect(errorCount(third, "GROUP_MAX_SIZE_REACHED")).toBe(1);
    expect(errorCount(third, "NONE")).toBe(GROUP_MAX_SIZE);
  });

  it("testDynamicMembersCanRejoinGroupWithMaxSizeWhileRebalancing: 10 await their join, the 11th is refused; all 10 may join again while it prepares", () => {
    const c = classic(GROUP_MAX_SIZE);
    const ids = clients.map((cl) => c.join(cl, "")()!.memberId);
    clients.forEach((cl, i) => c.join(cl, ids[i]));
    let awaiting = 0;
    for (const m of c.group().members.values()) if (m.awaitingJoin) awaiting++;
    expect([c.group().members.size, awaiting, c.group().state]).toEqual([GROUP_MAX_SIZE, GROUP_MAX_SIZE, "PreparingRebalance"]);
    const third = clients.map((cl, i) => c.join(cl, ids[i]));
    c.ctx.advance(50);
    c.ctx.advance(50);
    const answers = third.map((a) => a());
    expect(errorCount(answers, "GROUP_MAX_SIZE_REACHED")).toBe(1);
    expect(errorCount(answers, "NONE")).toBe(GROUP_MAX_SIZE);
    expect([c.group().members.size, c.group().state]).toEqual([GROUP_MAX_SIZE, "CompletingRebalance"]);
  });

  it("testJoinGroupShouldReceiveErrorIfGroupOverMaxSize: with 10 awaiting their join, an 11th's first JoinGroup is refused at once (before it gets an id)", () => {
    const c = classic(GROUP_MAX_SIZE);
    clients.slice(0, GROUP_MAX_SIZE).forEach((cl) => c.join(cl, c.join(cl, "")()!.memberId));
    expect(c.group().state).toBe("PreparingRebalance");
    const extra = c.join("c10", "")();
    expect([extra?.error, extra?.memberId]).toEqual(["GROUP_MAX_SIZE_REACHED", ""]);
    expect(c.group().pendingMembers.size).toBe(0);
    expect(c.ctx.tracesOf("group-coordinator.group-max-size-reached").map((t) => t.data)).toEqual([{ groupId: "group-id", memberId: "", state: "PreparingRebalance", members: GROUP_MAX_SIZE, maxSize: GROUP_MAX_SIZE }]);
  });

  it("quiet: with the default (Integer.MAX_VALUE) all 11 join", () => {
    const c = classic(2147483647);
    const ids = clients.map((cl) => c.join(cl, "")()!.memberId);
    const answers = clients.map((cl, i) => c.join(cl, ids[i]));
    c.ctx.advance(50);
    c.ctx.advance(50);
    expect(errorCount(answers.map((a) => a()), "NONE")).toBe(GROUP_MAX_SIZE + 1);
  });
});

function consumerGroups(maxSize?: number) {
  const ctx = new FakeContext("broker-1");
  const coord = new ConsumerGroupCoordinator({
    ctx,
    settings: { sessionTimeoutMs: 45000, heartbeatIntervalMs: 5000, assignors: ["uniform", "range"], ...(maxSize !== undefined ? { maxSize } : {}) },
    isCoordinatorFor: () => true,
    partitionCount: (t) => ({ foo: 6, bar: 3 })[t],
    store: (_g, _r, done) => done("NONE"),
  });
  const member = (memberId: string): ConsumerGroupMember => ({ memberId, instanceId: null, clientId: "client", memberEpoch: 10, previousMemberEpoch: 9, state: "STABLE", subscribedTopics: ["bar", "foo"], serverAssignor: "range", rebalanceTimeoutMs: 5000, assigned: [], pendingRevocation: [] });
  const g = new ConsumerGroup("fooup");
  g.groupEpoch = 10;
  g.targetAssignmentEpoch = 10;
  for (const id of ["member-1", "member-2"]) {
    g.members.set(id, member(id));
    g.targetAssignment.set(id, []);
  }
  coord.groups.set("fooup", g);
  let correlationId = 0;
  const heartbeat = (memberId: string, memberEpoch: number) => {
    coord.handleHeartbeat("client", { type: "ConsumerGroupHeartbeat", correlationId: ++correlationId, groupId: "fooup", memberId, memberEpoch, instanceId: null, rebalanceTimeoutMs: 5000, subscribedTopicNames: ["foo", "bar"], serverAssignor: "range", topicPartitions: [] }, ctx.conn("client"));
    return ctx.sent[ctx.sent.length - 1].msg as ConsumerGroupHeartbeatResponse;
  };
  return { heartbeat, g };
}

describe("GroupMetadataManagerTest: consumer groups and group.consumer.max.size", () => {
  it("testNewMemberIsRejectedWithMaximumMembersIsReached: a group of 2 at group.consumer.max.size 2 refuses member-3 (GroupMaxSizeReachedException)", () => {
    const c = consumerGroups(2);
    expect(c.heartbeat("member-3", 0).error).toBe("GROUP_MAX_SIZE_REACHED");
    expect(c.g.members.has("member-3")).toBe(false);
  });

  it("a full group still takes its own members' heartbeats; quiet with the default", () => {
    expect(consumerGroups(2).heartbeat("member-1", 10).error).toBe("NONE");
    expect(consumerGroups(2).heartbeat("member-3", 0).error).toBe("GROUP_MAX_SIZE_REACHED");
    expect(consumerGroups().heartbeat("member-3", 0).error).toBe("NONE");
  });
});

describe("the clients' reaction: fatal", () => {
  it("AbstractCoordinatorTest.testGroupMaxSizeExceptionIsFatal: GROUP_MAX_SIZE_REACHED on JoinGroup is fatal (GroupMaxSizeReachedException to poll)", () => {
    const h = groupMember();
    h.consumer.poll();
    h.answer(h.one("JoinGroup"), { error: "GROUP_MAX_SIZE_REACHED", generationId: -1, protocolName: "", leader: "", memberId: "", members: [] });
    expect((h.consumer.group as ConsumerCoordinator).fatal).toBe("GROUP_MAX_SIZE_REACHED");
    h.ctx.advance(1000);
    h.consumer.poll();
    expect(h.take("JoinGroup")).toEqual([]);
  });

  it("KIP-848: GROUP_MAX_SIZE_REACHED on ConsumerGroupHeartbeat is a fatal failure; the member sends no more heartbeats", () => {
    const h = groupMember({ "group.protocol": "consumer" });
    h.consumer.poll();
    h.answer(h.one("ConsumerGroupHeartbeat"), { error: "GROUP_MAX_SIZE_REACHED" });
    const m = h.consumer.group as ConsumerMembershipManager;
    expect([m.fatal, m.state]).toEqual(["GROUP_MAX_SIZE_REACHED", "FATAL"]);
    h.ctx.advance(10_000);
    h.consumer.poll();
    expect(h.take("ConsumerGroupHeartbeat")).toEqual([]);
  });
});

describe("GroupCoordinatorConfigTest: the two keys", () => {
  it("testConfigs: group.consumer.max.size 55 and group.max.size 60 are read as given; defaults Integer.MAX_VALUE", () => {
    const c = BROKER_CONFIG.resolve({ "group.consumer.max.size": 55, "group.max.size": 60 });
    expect([c["group.consumer.max.size"], c["group.max.size"]]).toEqual([55, 60]);
    const d = BROKER_CONFIG.resolve({});
    expect([d["group.consumer.max.size"], d["group.max.size"]]).toEqual([2147483647, 2147483647]);
  });

  it("atLeast(1): 0 is refused for both, 1 accepted", () => {
    expect(BROKER_CONFIG.validate({ "group.max.size": 0, "group.consumer.max.size": 0 }).map((p) => p.key)).toEqual(["group.max.size", "group.consumer.max.size"]);
    expect(BROKER_CONFIG.validate({ "group.max.size": 1, "group.consumer.max.size": 1 })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { ClassicGroup, type ClassicGroupMember } from "../../../src/kafka/coordinator/group/classicGroup.js";
import type { ClassicGroupManager } from "../../../src/kafka/coordinator/group/classicGroupManager.js";
import { ConsumerGroup, type ConsumerGroupMember } from "../../../src/kafka/coordinator/group/consumerGroup.js";
import { type OffsetHost, OffsetManager } from "../../../src/kafka/coordinator/group/offsetManager.js";
import type { CoordinatorReplica } from "../../../src/kafka/coordinator/partitionWriter.js";
import type { ErrorName } from "../../../src/kafka/protocol/errors.js";
import type { OffsetCommitRequest } from "../../../src/kafka/protocol/groupMessages.js";
import type { TxnOffsetCommitRequest } from "../../../src/kafka/protocol/transactionMessages.js";
import { FakeContext } from "../../support/fakeContext.js";

// Vectors from Kafka's group-coordinator/src/test/java/org/apache/kafka/coordinator/group/OffsetMetadataManagerTest.java
// (apache/kafka 1eb7644): how the group coordinator validates an OffsetCommit and a TxnOffsetCommit against the group
// (OffsetMetadataManager.validateOffsetCommit / validateTransactionalOffsetCommit, ClassicGroup.validateOffsetCommit,
// ConsumerGroup.validateOffsetCommit), run against kafkasim's OffsetManager (src/kafka/coordinator/group/
// offsetManager.ts) with a fake host: a FakeContext, this broker leading the offsets partition, and appends that
// succeed at once (recorded; Kafka's `result.records()` is what was appended).
//
// Shapes adapted:
// - `getOrMaybeCreateClassicGroup("foo", true)` is a new ClassicGroup in the host's classic groups;
//   `getOrMaybeCreatePersistedConsumerGroup("foo", true)` a new ConsumerGroup in its consumer groups.
// - `mkGenericMember(id, instanceId)` is a member with that id and group.instance.id; `group.add` is ClassicGroup.add.
// - `group.initNextGeneration()` on a group with members is generation + 1 and CompletingRebalance (kafkasim's is
//   inside the join logic, classicGroupJoin.ts): set here as Kafka's does it.
// - An exception Kafka's commitOffset throws (UnknownMemberIdException, ...) is the error of kafkasim's answer; a
//   successful commit answers NONE and appends one record.
// - The request's version: kafkasim's classic consumer commits below OffsetCommit v9 (unknown group: ILLEGAL_GENERATION),
//   its KIP-848 consumer at v9 (ConsumerGroupMember without ClassicMemberMetadata).
//
// Not ported, with why: retention times (OffsetCommit v2-v4 retention_time_ms; kafkasim's records carry no expiry),
// committed metadata strings and OffsetMetadataTooLarge (not in kafkasim's OffsetEntry), testGenericGroupOffsetCommit-
// MaintainsSession (the session timer belongs to ClassicGroupManager; kafka/groupCoordinator.test.ts covers it),
// classic members inside a consumer group (testConsumerGroupOffsetCommitWithIllegalGenerationId: no online migration),
// OffsetFetch per partition (kafkasim answers UNSTABLE_OFFSET_COMMIT for the whole request), OffsetDelete, expiration
// (kafka/groupCoordinator.test.ts), replay and metrics.

interface Appended {
  value: string;
  txn: { producerId: number; producerEpoch: number } | null;
}

function context() {
  const ctx = new FakeContext("broker-1");
  const classicGroups = new Map<string, ClassicGroup>();
  const consumerGroups = new Map<string, ConsumerGroup>();
  const appended: Appended[] = [];
  const classic = { groups: classicGroups, scheduleSession: () => {} } as unknown as ClassicGroupManager;
  const host: OffsetHost = {
    ctx,
    classic,
    consumerGroups,
    leaderReplica: () => ({}) as CoordinatorReplica,
    append: (_groupId, value, txn, done) => {
      appended.push({ value, txn });
      done("NONE");
    },
  };
  const om = new OffsetManager(host);
  let correlationId = 0;
  const lastAnswer = (): ErrorName => (ctx.sent[ctx.sent.length - 1].msg as { error: ErrorName }).error;
  return {
    classicGroups,
    consumerGroups,
    appended,
    /** context.commitOffset: the answer's error. */
    commitOffset(r: Partial<OffsetCommitRequest>): ErrorName {
      om.handleOffsetCommit({ type: "OffsetCommit", correlationId: ++correlationId, groupId: "foo", generationId: -1, memberId: "", groupInstanceId: null, offsets: [{ topic: "bar", partition: 0, offset: 100 }], ...r }, ctx.conn("client"));
      return lastAnswer();
    },
    /** context.commitTransactionalOffset: the answer's error. */
    commitTransactionalOffset(r: Partial<TxnOffsetCommitRequest>): ErrorName {
      om.handleTxnOffsetCommit(
        { type: "TxnOffsetCommit", correlationId: ++correlationId, transactionalId: "txn", groupId: "foo", producerId: 1, producerEpoch: 0, generationId: -1, memberId: "", groupInstanceId: null, offsets: [{ topic: "bar", partition: 0, offset: 100, leaderEpoch: 10 }], ...r },
        ctx.conn("producer"),
      );
      return lastAnswer();
    },
    /** getOrMaybeCreateClassicGroup("foo", true). */
    classicGroup(): ClassicGroup {
      const g = new ClassicGroup("foo");
      classicGroups.set("foo", g);
      return g;
    },
    /** getOrMaybeCreatePersistedConsumerGroup("foo", true). */
    consumerGroup(): ConsumerGroup {
      const g = new ConsumerGroup("foo");
      consumerGroups.set("foo", g);
      return g;
    },
  };
}

/** OffsetMetadataManagerTest.mkGenericMember. */
function mkGenericMember(memberId: string, groupInstanceId: string | null): ClassicGroupMember {
  return { memberId, groupInstanceId, clientId: "client", sessionTimeoutMs: 5000, rebalanceTimeoutMs: 5000, protocols: [{ name: "range", metadata: { topics: ["bar"], ownedPartitions: [], generationId: -1 } }], assignment: [], awaitingJoin: null, awaitingSync: null, isNew: false, deadlineUs: 0 };
}

/** group.transitionTo(PREPARING_REBALANCE); group.initNextGeneration() (a group with members: CompletingRebalance). */
function nextGeneration(g: ClassicGroup): void {
  g.transitionTo("PreparingRebalance", 0);
  g.generationId++;
  g.transitionTo("CompletingRebalance", 0);
}

/** new ConsumerGroupMember.Builder(memberId).setMemberEpoch(epoch).setPreviousMemberEpoch(epoch).build(). */
function consumerMember(memberId: string, epoch: number): ConsumerGroupMember {
  return { memberId, instanceId: null, clientId: memberId, memberEpoch: epoch, previousMemberEpoch: epoch, state: "STABLE", subscribedTopics: [], serverAssignor: null, rebalanceTimeoutMs: 300000, assigned: [], pendingRevocation: [] };
}

describe("OffsetMetadataManagerTest: OffsetCommit of classic groups", () => {
  it("testOffsetCommitWithUnknownGroup (version < 9): a commit at generation 10 to a group that does not exist is ILLEGAL_GENERATION", () => {
    const c = context();
    expect(c.commitOffset({ memberId: "member", generationId: 10 })).toBe("ILLEGAL_GENERATION");
    expect(c.appended).toEqual([]);
  });

  it("testGenericGroupOffsetCommitWithDeadGroup: COORDINATOR_NOT_AVAILABLE", () => {
    const c = context();
    c.classicGroup().transitionTo("Dead", 0);
    expect(c.commitOffset({ memberId: "member", generationId: 10 })).toBe("COORDINATOR_NOT_AVAILABLE");
  });

  it("testGenericGroupOffsetCommitWithUnknownMemberId: an empty group does not know 'member': UNKNOWN_MEMBER_ID", () => {
    const c = context();
    c.classicGroup();
    expect(c.commitOffset({ memberId: "member", generationId: 10 })).toBe("UNKNOWN_MEMBER_ID");
  });

  it("testGenericGroupOffsetCommitWithIllegalGeneration: generation 10 against the group's 1 is ILLEGAL_GENERATION", () => {
    const c = context();
    const g = c.classicGroup();
    g.add(mkGenericMember("member", "new-instance-id"));
    nextGeneration(g);
    expect(g.generationId).toBe(1);
    expect(c.commitOffset({ memberId: "member", generationId: 10 })).toBe("ILLEGAL_GENERATION");
  });

  it("testGenericGroupOffsetCommitWithUnknownInstanceId: an instance id the group does not have is UNKNOWN_MEMBER_ID", () => {
    const c = context();
    c.classicGroup().add(mkGenericMember("member", null));
    expect(c.commitOffset({ memberId: "member", groupInstanceId: "instanceid", generationId: 10 })).toBe("UNKNOWN_MEMBER_ID");
  });

  it("testGenericGroupOffsetCommitWithFencedInstanceId: 'old-instance-id' when the member is 'new-instance-id' is UNKNOWN_MEMBER_ID", () => {
    const c = context();
    c.classicGroup().add(mkGenericMember("member", "new-instance-id"));
    expect(c.commitOffset({ memberId: "member", groupInstanceId: "old-instance-id", generationId: 10 })).toBe("UNKNOWN_MEMBER_ID");
  });

  it("testGenericGroupOffsetCommitWhileInCompletingRebalanceState: the current generation while completing is REBALANCE_IN_PROGRESS", () => {
    const c = context();
    const g = c.classicGroup();
    g.add(mkGenericMember("member", "new-instance-id"));
    nextGeneration(g);
    expect(c.commitOffset({ memberId: "member", generationId: 1 })).toBe("REBALANCE_IN_PROGRESS");
    expect(c.appended).toEqual([]);
  });

  it("testGenericGroupOffsetCommitWithoutMemberIdAndGeneration: no member id and generation -1 to a non-empty group is UNKNOWN_MEMBER_ID", () => {
    const c = context();
    const g = c.classicGroup();
    g.add(mkGenericMember("member", "new-instance-id"));
    nextGeneration(g);
    expect(c.commitOffset({})).toBe("UNKNOWN_MEMBER_ID");
  });

  it("testGenericGroupOffsetCommitWithRetentionTime (without the retention): the member at generation 1 of a Stable group commits", () => {
    const c = context();
    const g = c.classicGroup();
    g.add(mkGenericMember("member", "new-instance-id"));
    nextGeneration(g);
    g.transitionTo("Stable", 0);
    expect(c.commitOffset({ memberId: "member", generationId: 1 })).toBe("NONE");
    expect(c.appended.map((a) => [JSON.parse(a.value), a.txn])).toEqual([[[{ topic: "bar", partition: 0, offset: 100 }], null]]);
  });

  it("testSimpleGroupOffsetCommit: generation -1 to an unknown group commits and creates the (classic) group 'foo'", () => {
    const c = context();
    expect(c.commitOffset({})).toBe("NONE");
    expect(c.appended.length).toBe(1);
    expect(c.classicGroups.get("foo")?.groupId).toBe("foo");
  });

  it("testSimpleGroupOffsetCommitWithInstanceId: the instance id of a simple commit is ignored", () => {
    const c = context();
    expect(c.commitOffset({ groupInstanceId: "instance-id" })).toBe("NONE");
    expect(c.appended.length).toBe(1);
  });
});

describe("OffsetMetadataManagerTest: OffsetCommit of consumer groups (KIP-848, OffsetCommit v9)", () => {
  it("testConsumerGroupOffsetCommitWithUnknownMemberId: UNKNOWN_MEMBER_ID", () => {
    const c = context();
    c.consumerGroup();
    expect(c.commitOffset({ memberId: "member", generationId: 10 })).toBe("UNKNOWN_MEMBER_ID");
  });

  it("testConsumerGroupOffsetCommitWithStaleMemberEpoch: epochs 9 and 11 against the member's 10 are both STALE_MEMBER_EPOCH", () => {
    const c = context();
    c.consumerGroup().members.set("member", consumerMember("member", 10));
    expect(c.commitOffset({ memberId: "member", generationId: 9 })).toBe("STALE_MEMBER_EPOCH");
    expect(c.commitOffset({ memberId: "member", generationId: 11 })).toBe("STALE_MEMBER_EPOCH");
    expect(c.appended).toEqual([]);
  });

  it("testConsumerGroupOffsetCommitFromAdminClient: no member id and epoch -1 to an empty consumer group commits", () => {
    const c = context();
    c.consumerGroup();
    expect(c.commitOffset({})).toBe("NONE");
    expect(c.appended.length).toBe(1);
  });

  it("testConsumerGroupOffsetCommit: the member at its epoch commits", () => {
    const c = context();
    c.consumerGroup().members.set("member", consumerMember("member", 10));
    expect(c.commitOffset({ memberId: "member", generationId: 10 })).toBe("NONE");
    expect(c.appended.length).toBe(1);
  });
});

describe("OffsetMetadataManagerTest: TxnOffsetCommit (validateTransactionalOffsetCommit, KIP-447)", () => {
  it("testConsumerGroupTransactionalOffsetCommit: the member at epoch 10 commits, as a transactional write of the producer", () => {
    const c = context();
    c.consumerGroup().members.set("member", consumerMember("member", 10));
    expect(c.commitTransactionalOffset({ memberId: "member", generationId: 10 })).toBe("NONE");
    expect(c.appended.map((a) => [JSON.parse(a.value), a.txn])).toEqual([[[{ topic: "bar", partition: 0, offset: 100, leaderEpoch: 10 }], { producerId: 1, producerEpoch: 0 }]]);
  });

  it("testConsumerGroupTransactionalOffsetCommitWithUnknownMemberId: UNKNOWN_MEMBER_ID", () => {
    const c = context();
    c.consumerGroup();
    expect(c.commitTransactionalOffset({ memberId: "member", generationId: 10 })).toBe("UNKNOWN_MEMBER_ID");
  });

  // validateTransactionalOffsetCommit catches StaleMemberEpochException and answers ILLEGAL_GENERATION (the error a
  // producer's TxnOffsetCommitHandler turns into an abortable CommitFailedException).
  it("testConsumerGroupTransactionalOffsetCommitWithStaleMemberEpoch: epoch 100 against 10 is ILLEGAL_GENERATION (StaleMemberEpoch mapped)", () => {
    const c = context();
    c.consumerGroup().members.set("member", consumerMember("member", 10));
    expect(c.commitTransactionalOffset({ memberId: "member", generationId: 100 })).toBe("ILLEGAL_GENERATION");
    expect(c.appended).toEqual([]);
  });

  // Fixed here: kafkasim created a simple group for any TxnOffsetCommit to an unknown group, and answered
  // UNKNOWN_MEMBER_ID; Kafka creates one only for generation < 0 (validateTransactionalOffsetCommit).
  it("testConsumerGroupTransactionalOffsetCommitWithUnknownGroupId / testGenericGroupTransactionalOffsetCommitWithUnknownGroupId: ILLEGAL_GENERATION", () => {
    const c = context();
    expect(c.commitTransactionalOffset({ memberId: "member", generationId: 10 })).toBe("ILLEGAL_GENERATION");
    expect(c.appended).toEqual([]);
  });

  it("testGenericGroupTransactionalOffsetCommit: the member at generation 1 of a Stable group commits", () => {
    const c = context();
    const g = c.classicGroup();
    g.add(mkGenericMember("member", null));
    nextGeneration(g);
    g.transitionTo("Stable", 0);
    expect(c.commitTransactionalOffset({ memberId: "member", generationId: 1 })).toBe("NONE");
    expect(c.appended.map((a) => a.txn)).toEqual([{ producerId: 1, producerEpoch: 0 }]);
  });

  it("testGenericGroupTransactionalOffsetCommitWithUnknownMemberId: UNKNOWN_MEMBER_ID", () => {
    const c = context();
    c.classicGroup();
    expect(c.commitTransactionalOffset({ memberId: "member", generationId: 10 })).toBe("UNKNOWN_MEMBER_ID");
  });

  it("testGenericGroupTransactionalOffsetCommitWithIllegalGenerationId: generation 100 against 1 is ILLEGAL_GENERATION", () => {
    const c = context();
    const g = c.classicGroup();
    g.add(mkGenericMember("member", null));
    nextGeneration(g);
    g.transitionTo("Stable", 0);
    expect(c.commitTransactionalOffset({ memberId: "member", generationId: 100 })).toBe("ILLEGAL_GENERATION");
  });
});

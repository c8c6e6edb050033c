import { describe, expect, it } from "vitest";
import type { PartitionState } from "../../../src/kafka/metadata/records.js";
import type { CreatePartitionsResponse } from "../../../src/kafka/protocol/configMessages.js";
import { ClusterControlHarness } from "../../support/clusterControlHarness.js";

// More vectors from Kafka's metadata/src/test/java/org/apache/kafka/controller/ReplicationControlManagerTest.java
// (apache/kafka 1eb7644), the ones replicationControlManager.test.ts leaves out because they need a controller:
// AlterPartition validation and ISR changes, a controlled shutdown's heartbeat, and CreatePartitions when no broker is
// active. Run against kafkasim's ReplicationControlManager and ClusterControlManager through
// test/support/clusterControlHarness.ts (with `replication`: the real managers over a metadata log that commits at
// once). Shapes adapted:
// - ReplicationControlTestContext's `registerBrokers(ids)` / `unfenceBrokers(ids)` / `inControlledShutdownBrokers`
//   are RegisterBroker (broker epoch 100 + id, as the context's defaultBrokerEpoch), UnfenceBroker and
//   BrokerRegistrationChange records; `createTestTopic("foo", [[...]])` a Topic record and a Partition record with the
//   replicas as ISR, the first as leader, epochs 0. Broker n is "broker-<n>"; topic ids are names.
// - `replication.alterPartition(ctx, request)` is an AlterPartition handled by the controller; kafkasim's request
//   has one partition and an ISR without per-broker epochs (AlterPartition version 2's shape): where Kafka's answer
//   depends on the version, the version-2 answer is the one asserted. `handleBrokerFenced(id)` is
//   ClusterControlManager.fence, `handleBrokerUnfenced(id)` a heartbeat caught up with the broker's registration.
// - `processBrokerHeartbeat(request, offset)`'s records are the records the heartbeat wrote.
//
// Disagreement, pinned with it.fails: testAlterPartitionShouldRejectBrokersWithStaleEpoch: KIP-903 (AlterPartition
// version 3) carries each new ISR member's broker epoch and the controller refuses a stale one
// (ineligibleReplicasForIsr: "broker epoch mismatch"), so a late AlterPartition cannot put back a broker that
// restarted meanwhile; kafkasim's AlterPartition has no broker epochs (version 2), and accepts it.
//
// Fixed, once pinned: testCreatePartitionsFailsWhenAllBrokersAreFencedOrInControlledShutdown. Kafka's placer chooses
// from BrokerHeartbeatManager.usableBrokers, which leaves out only the brokers whose controlled shutdown the
// controller's heartbeat manager drives (a registration record with inControlledShutdown does not), so broker 0
// counts as unfenced and the refusal comes from createPartitions' ISR check ("Unable to replicate the partition 2
// time(s): All brokers are currently fenced or in controlled shutdown."). kafkasim's CreatePartitions put a broker in
// controlled shutdown with the fenced ones and answered with the placer's message, wrapped as createTopics wraps it
// (createPartitions does not); both now as Kafka's.
//
// Fixed here, with the vectors kept: testInvalidAlterPartitionRequests found that kafkasim's controller accepted an
// ISR naming a broker that is not a replica (answered INELIGIBLE_REPLICA, not INVALID_REQUEST) and one without the
// leader, and testAlterPartitionShouldRejectShuttingDownBrokers that it checked only the brokers an ISR adds for
// eligibility (Kafka's ineligibleReplicasForIsr checks every member); ReplicationControlManager.handleAlterPartition
// now does both as validateAlterPartitionData does.
// Not ported: the LeaderRecoveryState assertions of testInvalidAlterPartitionRequests (no RECOVERING state in kafkasim).

const b = (id: number) => `broker-${id}`;

function context(brokerIds: number[]) {
  const h = new ClusterControlHarness(9000, 0, { brokers: brokerIds.map(b) });
  return {
    h,
    registerBrokers: (...ids: number[]) => ids.forEach((id) => h.propose({ type: "RegisterBroker", broker: b(id), brokerEpoch: 100 + id, incarnation: 1, logDirs: [] })),
    unfenceBrokers: (...ids: number[]) => ids.forEach((id) => h.propose({ type: "UnfenceBroker", broker: b(id) })),
    inControlledShutdownBrokers: (...ids: number[]) => ids.forEach((id) => h.propose({ type: "BrokerRegistrationChange", broker: b(id), brokerEpoch: h.image.brokers.get(b(id))!.brokerEpoch, inControlledShutdown: true })),
    createTestTopic(name: string, replicas: number[]): void {
      h.propose({ type: "Topic", name, partitions: 1, config: {} });
      h.propose({ type: "Partition", state: { topic: name, partition: 0, replicas: replicas.map(b), isr: replicas.map(b), leader: b(replicas[0]), leaderEpoch: 0, partitionEpoch: 0 } });
    },
    partition: (name = "foo") => h.image.partition(name, 0)!,
  };
}

const registration = (state: PartitionState) => ({ replicas: state.replicas, isr: state.isr, leader: state.leader, leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch });

describe("ReplicationControlManagerTest: AlterPartition", () => {
  it("testShrinkAndExpandIsr", () => {
    const ctx = context([0, 1, 2]);
    ctx.registerBrokers(0, 1, 2);
    ctx.unfenceBrokers(0, 1, 2);
    ctx.createTestTopic("foo", [0, 1, 2]);
    expect(ctx.partition().leader).toBe(b(0));
    const alter = (isr: number[]) => {
      const p = ctx.partition();
      return ctx.h.alterPartition({ broker: b(0), topic: "foo", partition: 0, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, newIsr: isr.map(b) })!;
    };
    // Shrink, then expand; each answer is consistent with the partition the controller now holds.
    const shrink = alter([0, 1]);
    expect(shrink.error).toBe("NONE");
    expect(shrink.state).toEqual(ctx.partition());
    expect(ctx.partition().isr).toEqual([b(0), b(1)]);
    const expand = alter([0, 1, 2]);
    expect(expand.error).toBe("NONE");
    expect(expand.state).toEqual(ctx.partition());
    expect(ctx.partition().isr).toEqual([b(0), b(1), b(2)]);
  });

  it("testInvalidAlterPartitionRequests", () => {
    const ctx = context([0, 1, 2]);
    ctx.registerBrokers(0, 1, 2);
    ctx.unfenceBrokers(0, 1, 2);
    ctx.createTestTopic("foo", [0, 1, 2]);
    const leaderId = 0;
    const notLeaderId = 1;
    expect(ctx.partition().leader).toBe(b(leaderId));
    const brokerEpoch = ctx.h.image.brokers.get(b(leaderId))!.brokerEpoch;
    const alter = (o: { broker?: number; brokerEpoch?: number; isr?: number[]; leaderEpoch?: number; partitionEpoch?: number }) =>
      ctx.h.alterPartition({ broker: b(o.broker ?? leaderId), brokerEpoch: o.brokerEpoch, topic: "foo", partition: 0, leaderEpoch: o.leaderEpoch ?? 0, partitionEpoch: o.partitionEpoch ?? 0, newIsr: (o.isr ?? [0, 1]).map(b) })!.error;
    // Invalid leader.
    expect(alter({ broker: notLeaderId })).toBe("INVALID_REQUEST");
    // Stale broker epoch (Kafka's StaleBrokerEpochException).
    expect(alter({ brokerEpoch: brokerEpoch - 1 })).toBe("STALE_BROKER_EPOCH");
    // Invalid leader epoch, invalid partition epoch (newer than the controller's: it may not be the active one).
    expect(alter({ leaderEpoch: 500 })).toBe("NOT_CONTROLLER");
    expect(alter({ partitionEpoch: 500 })).toBe("NOT_CONTROLLER");
    // Invalid ISR: 3 is not a replica.
    expect(alter({ isr: [0, 1, 3] })).toBe("INVALID_REQUEST");
    // Invalid ISR: without the leader 0.
    expect(alter({ isr: [1, 2] })).toBe("INVALID_REQUEST");
    expect(ctx.partition()).toMatchObject({ isr: [b(0), b(1), b(2)], partitionEpoch: 0 });
  });

  it("testAlterPartitionShouldRejectFencedBrokers", () => {
    const ctx = context([0, 1, 2, 3, 4]);
    ctx.registerBrokers(0, 1, 2, 3, 4);
    ctx.unfenceBrokers(0, 1, 2, 3, 4);
    ctx.createTestTopic("foo", [1, 2, 3, 4]);
    ctx.h.cluster.fence(b(3), "test");
    expect(registration(ctx.partition())).toEqual({ replicas: [1, 2, 3, 4].map(b), isr: [1, 2, 4].map(b), leader: b(1), leaderEpoch: 0, partitionEpoch: 1 });
    const request = { broker: b(1), topic: "foo", partition: 0, partitionEpoch: 1, leaderEpoch: 0, newIsr: [1, 2, 3, 4].map(b) };
    expect(ctx.h.alterPartition(request)!.error).toBe("INELIGIBLE_REPLICA");
    // Broker 3 unfenced: the same request is accepted.
    ctx.h.heartbeat(b(3), ctx.h.image.brokers.get(b(3))!.registrationOffset);
    expect(ctx.h.isUnfenced(b(3))).toBe(true);
    const res = ctx.h.alterPartition(request)!;
    expect(res.error).toBe("NONE");
    expect([res.state!.leader, res.state!.leaderEpoch, res.state!.isr, res.state!.partitionEpoch]).toEqual([b(1), 0, [1, 2, 3, 4].map(b), 2]);
  });

  it("testAlterPartitionShouldRejectShuttingDownBrokers", () => {
    const ctx = context([0, 1, 2, 3, 4]);
    ctx.registerBrokers(0, 1, 2, 3, 4);
    ctx.unfenceBrokers(0, 1, 2, 3, 4);
    ctx.createTestTopic("foo", [1, 2, 3, 4]);
    expect(registration(ctx.partition())).toEqual({ replicas: [1, 2, 3, 4].map(b), isr: [1, 2, 3, 4].map(b), leader: b(1), leaderEpoch: 0, partitionEpoch: 0 });
    ctx.inControlledShutdownBrokers(3);
    const res = ctx.h.alterPartition({ broker: b(1), topic: "foo", partition: 0, partitionEpoch: 0, leaderEpoch: 0, newIsr: [1, 2, 3, 4].map(b) })!;
    expect(res.error).toBe("INELIGIBLE_REPLICA");
  });

  it.fails("testAlterPartitionShouldRejectBrokersWithStaleEpoch (KIP-903 broker epochs in AlterPartition are not modelled)", () => {
    const ctx = context([0, 1, 2, 3, 4]);
    ctx.registerBrokers(0, 1, 2, 3, 4);
    ctx.unfenceBrokers(0, 1, 2, 3, 4);
    ctx.createTestTopic("foo", [1, 2, 3, 4]);
    // ctx.alterPartition(foo-0, leader 1, ISR [1, 2, 3]).
    expect(ctx.h.alterPartition({ broker: b(1), topic: "foo", partition: 0, partitionEpoch: 0, leaderEpoch: 0, newIsr: [1, 2, 3].map(b) })!.error).toBe("NONE");
    // The leader builds an AlterPartition adding 4 back (as of broker 4's old epoch)...
    const lateRequest = { broker: b(1), topic: "foo", partition: 0, partitionEpoch: 1, leaderEpoch: 0, newIsr: [1, 2, 3, 4].map(b) };
    // ...broker 4 has failed silently and registers again (a new broker epoch), and is unfenced.
    ctx.h.propose({ type: "RegisterBroker", broker: b(4), brokerEpoch: 104 + 1000, incarnation: 2, logDirs: [] });
    const hb = ctx.h.heartbeat(b(4), ctx.h.image.brokers.get(b(4))!.registrationOffset);
    expect([hb.response.error, hb.response.isFenced, hb.response.shouldShutDown]).toEqual(["NONE", false, false]);
    // The late request is refused (AlterPartition version 3).
    expect(ctx.h.alterPartition(lateRequest)!.error).toBe("INELIGIBLE_REPLICA");
  });
});

describe("ReplicationControlManagerTest: heartbeats and CreatePartitions", () => {
  it("testProcessBrokerHeartbeatInControlledShutdown", () => {
    const ctx = context([0, 1, 2]);
    for (const id of [0, 1, 2]) ctx.h.registerUnfenced(b(id));
    ctx.createTestTopic("foo", [0, 1, 2]);
    const from = ctx.h.logEndOffset;
    const brokerEpoch = ctx.h.image.brokers.get(b(0))!.brokerEpoch;
    ctx.h.heartbeat(b(0), 0, true);
    const written = ctx.h.records.filter((r) => r.offset >= from).map((r) => r.record);
    expect(written).toEqual([
      { type: "BrokerRegistrationChange", broker: b(0), brokerEpoch, inControlledShutdown: true },
      { type: "Partition", state: expect.objectContaining({ topic: "foo", partition: 0, isr: [b(1), b(2)], leader: b(1) }) },
    ]);
  });

  it("testCreatePartitionsFailsWhenAllBrokersAreFencedOrInControlledShutdown", () => {
    const ctx = context([0, 1]);
    ctx.registerBrokers(0, 1);
    ctx.unfenceBrokers(0, 1);
    ctx.createTestTopic("foo", [0, 1]);
    ctx.registerBrokers(0, 1);
    ctx.unfenceBrokers(0);
    ctx.inControlledShutdownBrokers(0);
    ctx.h.ctx.takeSent();
    ctx.h.replication!.handleCreatePartitions("admin", { type: "CreatePartitions", correlationId: 1, topic: "foo", count: 2 }, ctx.h.ctx.conn("admin"));
    const res = ctx.h.ctx.takeSent()[0].msg as CreatePartitionsResponse;
    expect([res.error, res.errorMessage]).toEqual(["INVALID_REPLICATION_FACTOR", "Unable to replicate the partition 2 time(s): All brokers are currently fenced or in controlled shutdown."]);
  });
});

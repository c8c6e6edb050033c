import { describe, expect, it } from "vitest";
import { nextPartitionState } from "../../../src/kafka/controller/partitionChange.js";
import { MetadataImage } from "../../../src/kafka/metadata/metadataImage.js";
import type { MetadataRecord, PartitionState } from "../../../src/kafka/metadata/records.js";

// Vectors from Kafka's metadata/src/test/java/org/apache/kafka/controller/ReplicationControlManagerTest.java
// (apache/kafka 1eb7644): the leaders, ISRs and ELRs the controller writes when brokers are fenced, unfenced or come
// back from an unclean shutdown, and unclean elections — run against kafkasim's nextPartitionState
// (src/kafka/controller/partitionChange.ts), which ReplicationControlManager.changePartitions runs for every
// partition on each broker event (Kafka's generateLeaderAndIsrUpdates), over a MetadataImage built from records.
//
// Shapes adapted:
// - ReplicationControlTestContext is `Ctx`: registerBrokers / unfenceBrokers / fenceBrokers write RegisterBroker,
//   UnfenceBroker and FenceBroker records; after each broker's record the partitions take their next state
//   (Kafka fences a Set one broker at a time, in its iteration order: ascending for these small ids). Broker ids are
//   strings ("0".."4"). createTestTopic writes each partition with its replicas as ISR and the first as leader.
// - `handleBrokerUncleanShutdown(id)` is a broker event with `uncleanShutdown = id`.
// - `electLeaders(UNCLEAN)` and `maybeElectUncleanLeaders` are nextPartitionState with the UNCLEAN election over each
//   partition (kafkasim's periodic unclean election; it has no ElectLeaders API, so no per-partition answers).
// - `alterTopicConfig(min.insync.replicas = 3)` is the policy's minIsr; `setIsElrEnabled(true)` its elrEnabled
//   (Kafka's default context: ELR off). Partitions are compared by leader, ISR, ELR and last known ELR (Kafka's
//   arrays; absent in kafkasim is empty).
//
// Not ported, with why: topic creation and deletion, CreatePartitions, quotas and policies, reassignments (partition
// reassignment has its own tests: kafka/reassign.test.ts), AlterPartition (handled with the controller's request
// loop; testShrinkAndExpandIsr, testInvalidAlterPartitionRequests need a ControllerContext), ElectLeaders' per-partition
// errors, heartbeats and controlled shutdown, the brokersToIsrs index (testRemoveLeaderships is checked on the ISRs).

class Ctx {
  readonly image = new MetadataImage();
  private offset = 0;

  constructor(private readonly policy: { elrEnabled?: boolean; minIsr?: number; uncleanAllowed?: boolean } = {}) {}

  private write(r: MetadataRecord): void {
    this.image.apply(r, this.offset++);
  }

  registerBrokers(...ids: number[]): void {
    for (const id of ids) this.write({ type: "RegisterBroker", broker: String(id), brokerEpoch: 100 + id, incarnation: 1, logDirs: [] });
  }

  unfenceBrokers(...ids: number[]): void {
    for (const id of ids) {
      this.write({ type: "UnfenceBroker", broker: String(id) });
      this.brokerEvent();
    }
  }

  fenceBrokers(...ids: number[]): void {
    for (const id of [...ids].sort((a, b) => a - b)) {
      this.write({ type: "FenceBroker", broker: String(id) });
      this.brokerEvent();
    }
  }

  handleBrokersUncleanShutdown(id: number): void {
    this.brokerEvent(String(id));
  }

  setUncleanAllowed(allowed: boolean): void {
    this.policy.uncleanAllowed = allowed;
  }

  /** electLeaders(UNCLEAN) / maybeElectUncleanLeaders: the partitions an unclean election changes. */
  electUncleanLeaders(): number[] {
    const changed: number[] = [];
    for (const p of [...this.image.partitions.values()]) {
      const next = nextPartitionState(p, this.image, this.electionPolicy(true));
      if (next) {
        changed.push(p.partition);
        this.write({ type: "Partition", state: next });
      }
    }
    return changed;
  }

  createTestTopic(name: string, replicas: number[][]): void {
    this.write({ type: "Topic", name, partitions: replicas.length, config: {} });
    replicas.forEach((r, partition) => {
      const ids = r.map(String);
      this.write({ type: "Partition", state: { topic: name, partition, replicas: ids, isr: [...ids], leader: ids[0], leaderEpoch: 0, partitionEpoch: 0 } });
    });
  }

  /** The leader's AlterPartition committed (ctx.alterPartition): the partition's ISR replaced. */
  alterPartition(partition: number, isr: number[]): void {
    const p = this.getPartition(partition);
    this.write({ type: "Partition", state: { ...p, isr: isr.map(String), partitionEpoch: p.partitionEpoch + 1 } });
  }

  getPartition(partition: number): PartitionState {
    return this.image.partition("foo", partition)!;
  }

  /** leader (-1 for none), isr, elr, lastKnownElr as Kafka's PartitionRegistration arrays. */
  registration(partition: number) {
    const p = this.getPartition(partition);
    const ints = (l: string[] | undefined) => (l ?? []).map(Number);
    return { leader: p.leader === null ? -1 : Number(p.leader), isr: ints(p.isr), elr: ints(p.elr), lastKnownElr: ints(p.lastKnownElr), replicas: ints(p.replicas) };
  }

  areSomePartitionsLeaderless(): boolean {
    return [...this.image.partitions.values()].some((p) => p.leader === null);
  }

  private electionPolicy(unclean: boolean) {
    return { uncleanAllowed: unclean, elrEnabled: this.policy.elrEnabled ?? false, minIsr: this.policy.minIsr ?? 1 };
  }

  private brokerEvent(uncleanShutdown?: string): void {
    for (const p of [...this.image.partitions.values()]) {
      const next = nextPartitionState(p, this.image, this.electionPolicy(this.policy.uncleanAllowed ?? false), undefined, uncleanShutdown);
      if (next) this.write({ type: "Partition", state: next });
    }
  }
}

describe("ReplicationControlManagerTest: fencing", () => {
  it("testFenceMultipleBrokers: fencing 2 and 3 leaves [1] (leader 1), [4] (leader 4), [0, 1] (leader not 2)", () => {
    const ctx = new Ctx();
    ctx.registerBrokers(0, 1, 2, 3, 4);
    ctx.unfenceBrokers(0, 1, 2, 3, 4);
    ctx.createTestTopic("foo", [
      [1, 2, 3],
      [2, 3, 4],
      [0, 2, 1],
    ]);
    ctx.fenceBrokers(2, 3);
    expect(ctx.registration(0)).toMatchObject({ replicas: [1, 2, 3], isr: [1], leader: 1 });
    expect(ctx.registration(1)).toMatchObject({ replicas: [2, 3, 4], isr: [4], leader: 4 });
    expect(ctx.registration(2)).toMatchObject({ replicas: [0, 2, 1], isr: [0, 1] });
    expect(ctx.registration(2).leader).not.toBe(2);
  });

  it("testRemoveLeaderships: once broker 0 is fenced no ISR holds it", () => {
    const ctx = new Ctx();
    ctx.registerBrokers(0, 1, 2, 3);
    ctx.unfenceBrokers(0, 1, 2, 3);
    ctx.createTestTopic("foo", [
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 0],
      [0, 2, 1],
    ]);
    // brokersToIsrs().iterator(0, true): the partitions broker 0 leads.
    expect([0, 1, 2, 3].filter((p) => ctx.registration(p).leader === 0)).toEqual([0, 3]);
    ctx.fenceBrokers(0);
    expect([0, 1, 2, 3].filter((p) => ctx.registration(p).leader === 0)).toEqual([]);
    expect([0, 1, 2, 3].filter((p) => ctx.registration(p).isr.includes(0))).toEqual([]);
  });
});

describe("ReplicationControlManagerTest: eligible leader replicas (KIP-966)", () => {
  const elrCtx = () => {
    const ctx = new Ctx({ elrEnabled: true, minIsr: 3 });
    ctx.registerBrokers(0, 1, 2, 3);
    ctx.unfenceBrokers(0, 1, 2, 3);
    ctx.createTestTopic("foo", [[0, 1, 2, 3]]);
    expect(ctx.registration(0).leader).toBe(0);
    return ctx;
  };

  it("testEligibleLeaderReplicas_BrokerFence: fencing 2, 3 puts 3 in the ELR; then 1 too: [1, 3]; unfencing keeps them", () => {
    const ctx = elrCtx();
    ctx.fenceBrokers(2, 3);
    expect(ctx.registration(0)).toMatchObject({ elr: [3], lastKnownElr: [] });
    ctx.fenceBrokers(1, 2, 3);
    expect(ctx.registration(0)).toMatchObject({ elr: [1, 3], lastKnownElr: [] });
    ctx.unfenceBrokers(0, 1, 2, 3);
    expect(ctx.registration(0)).toMatchObject({ elr: [1, 3], lastKnownElr: [] });
  });

  it("testEligibleLeaderReplicas_CleanElection: with 0 and 1 fenced, ELR member 2 (unfenced) is elected: ISR [2], ELR [0, 3]", () => {
    const ctx = elrCtx();
    ctx.fenceBrokers(1, 2, 3);
    expect(ctx.registration(0)).toMatchObject({ elr: [2, 3], lastKnownElr: [] });
    ctx.unfenceBrokers(2);
    ctx.fenceBrokers(0, 1);
    expect(ctx.registration(0)).toMatchObject({ elr: [0, 3], isr: [2], leader: 2, lastKnownElr: [] });
  });

  it("testEligibleLeaderReplicas_UncleanShutdown: an uncleanly shut down ELR member leaves the ELR", () => {
    const ctx = elrCtx();
    ctx.fenceBrokers(1, 2, 3);
    expect(ctx.registration(0)).toMatchObject({ elr: [2, 3], lastKnownElr: [] });
    ctx.handleBrokersUncleanShutdown(3);
    expect(ctx.registration(0).elr).toEqual([2]);
    ctx.handleBrokersUncleanShutdown(0);
    expect(ctx.registration(0).elr).toEqual([2]);
  });

  // Kafka's ReplicationControlManager builds every PartitionChangeBuilder with useLastKnownLeaderInBalancedRecovery =
  // true (the builder's default), so lastKnownElr holds only the last known leader, set when the ISR first becomes
  // empty (maybeUpdateLastKnownLeader); maybeUpdateRecordElr never writes the former ELR member (3) there.
  it("testEligibleLeaderReplicas_UncleanShutdown: lastKnownElr stays [] when 3 leaves the ELR, then is [0], the last known leader", () => {
    const ctx = elrCtx();
    ctx.fenceBrokers(1, 2, 3);
    ctx.handleBrokersUncleanShutdown(3);
    expect(ctx.registration(0)).toMatchObject({ elr: [2], lastKnownElr: [] });
    ctx.handleBrokersUncleanShutdown(0);
    expect(ctx.registration(0)).toMatchObject({ elr: [2], lastKnownElr: [0] });
  });
});

describe("ReplicationControlManagerTest: unclean elections", () => {
  it("testElectUncleanLeaders_WithoutElr: no replica for partition 0 until 2 is back; then 2 is elected uncleanly, and 1's leader stays 4", () => {
    const ctx = new Ctx();
    ctx.registerBrokers(0, 1, 2, 3, 4);
    ctx.unfenceBrokers(0, 1, 2, 3, 4);
    ctx.createTestTopic("foo", [
      [1, 2, 3],
      [2, 3, 4],
      [0, 2, 1],
    ]);
    ctx.fenceBrokers(2, 3);
    ctx.fenceBrokers(1, 2, 3);
    expect(ctx.registration(0)).toMatchObject({ leader: -1, isr: [1] });
    expect(ctx.registration(1)).toMatchObject({ leader: 4, isr: [4] });
    expect(ctx.registration(2)).toMatchObject({ leader: 0, isr: [0] });
    // No election can be done yet: no replica of partition 0 is available.
    expect(ctx.electUncleanLeaders()).toEqual([]);
    ctx.unfenceBrokers(2);
    // 2 back in partition 1's ISR: the unclean election must not make it leader there (no preferred election).
    ctx.alterPartition(1, [2, 4]);
    expect(ctx.electUncleanLeaders()).toEqual([0]);
    expect(ctx.registration(0)).toMatchObject({ leader: 2, isr: [2] });
    expect(ctx.registration(1)).toMatchObject({ leader: 4, isr: [2, 4] });
    expect(ctx.registration(2)).toMatchObject({ leader: 0, isr: [0] });
  });

  const leaderless = (uncleanStatic: boolean) => {
    const ctx = new Ctx({ uncleanAllowed: uncleanStatic });
    ctx.registerBrokers(0, 1, 2, 3, 4);
    ctx.unfenceBrokers(0, 1, 2, 3, 4);
    ctx.createTestTopic("foo", [
      [1, 2, 4],
      [1, 3, 4],
      [0, 2, 4],
    ]);
    expect(ctx.areSomePartitionsLeaderless()).toBe(false);
    ctx.fenceBrokers(0, 1, 2, 3, 4);
    expect(ctx.areSomePartitionsLeaderless()).toBe(true);
    for (const p of [0, 1, 2]) expect(ctx.registration(p)).toMatchObject({ isr: [4], leader: -1 });
    ctx.unfenceBrokers(2);
    return ctx;
  };

  it("testMaybeTriggerUncleanLeaderElectionForLeaderlessPartitions (none): unfencing 2 elects nobody", () => {
    const ctx = leaderless(false);
    for (const p of [0, 1, 2]) expect(ctx.registration(p)).toMatchObject({ isr: [4], leader: -1 });
  });

  it("testMaybeTriggerUncleanLeaderElectionForLeaderlessPartitions (static): unfencing 2 elects it for partitions 0 and 2 at once", () => {
    const ctx = leaderless(true);
    expect(ctx.registration(0)).toMatchObject({ isr: [2], leader: 2 });
    expect(ctx.registration(1)).toMatchObject({ isr: [4], leader: -1 });
    expect(ctx.registration(2)).toMatchObject({ isr: [2], leader: 2 });
  });

  it("testMaybeTriggerUncleanLeaderElectionForLeaderlessPartitions (dynamic): turned on later, maybeElectUncleanLeaders elects 2 for 0 and 2", () => {
    const ctx = leaderless(false);
    ctx.setUncleanAllowed(true);
    expect(ctx.electUncleanLeaders()).toEqual([0, 2]);
    expect(ctx.registration(0)).toMatchObject({ isr: [2], leader: 2 });
    expect(ctx.registration(1)).toMatchObject({ isr: [4], leader: -1 });
    expect(ctx.registration(2)).toMatchObject({ isr: [2], leader: 2 });
  });
});

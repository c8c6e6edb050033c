import { describe, expect, it } from "vitest";
import { validateAlterPartitionData } from "../../../src/kafka/controller/alterPartitionValidation.js";
import { buildPartitionChange, mergePartitionChange } from "../../../src/kafka/controller/partitionChangeBuilder.js";
import type { LeaderRecoveryState, PartitionState } from "../../../src/kafka/metadata/records.js";
import type { AlterPartitionRequest } from "../../../src/kafka/protocol/controllerMessages.js";
import { PartitionHarness, partitionState } from "../../support/partitionHarness.js";

// KIP-704 leader recovery state, vectors from apache/kafka 1eb7644:
// - ReplicationControlManagerTest.testInvalidAlterPartitionRequests (metadata/src/test/java/.../controller): the
//   per-partition checks of validateAlterPartitionData, run against kafkasim's validateAlterPartitionData
//   (src/kafka/controller/alterPartitionValidation.ts). Its "stale broker epoch" case is a top-level
//   STALE_BROKER_EPOCH (Kafka throws StaleBrokerEpochException), answered by ReplicationControlManager.handleAlterPartition
//   before any partition is looked at, so it is not here.
// - PartitionChangeBuilder.build with setTargetLeaderRecoveryState (what ReplicationControlManager.alterPartition
//   passes from the request): the leader's RECOVERED is recorded with the ISR it asks for.
// - Partition.makeLeader / makeFollower / handleAlterPartitionUpdate (core/.../cluster/Partition.scala): the leader
//   marks a RECOVERING partition RECOVERED at once, so its AlterPartition carries RECOVERED; a follower keeps the
//   metadata's state. PartitionTest has no test of it (its tests set RECOVERED only), so these follow the code.
// The PartitionChangeBuilderTest "Recover" tests (testUncleanSetsLeaderRecoveringState,
// testChangeInLeadershipDoesNotChangeRecoveryState) are in partitionChangeBuilder.test.ts with the rest of that class.

/** createTestTopic("foo", [[0, 1, 2]]) with brokers 0, 1, 2 registered and unfenced: leader 0, ISR [0, 1, 2]. */
const FOO: PartitionState = { topic: "foo", partition: 0, replicas: ["0", "1", "2"], isr: ["0", "1", "2"], leader: "0", leaderEpoch: 0, partitionEpoch: 0 };

/** newAlterPartition: the partition's own epochs, the given ISR and recovery state; sent by `broker`. */
function alter(p: PartitionState, newIsr: string[], leaderRecoveryState: LeaderRecoveryState, broker = "0"): AlterPartitionRequest {
  return { type: "AlterPartition", correlationId: 1, broker, brokerEpoch: 1, topic: p.topic, partition: p.partition, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, newIsr, leaderRecoveryState };
}

const everyoneEligible = () => true;

describe("ReplicationControlManagerTest.testInvalidAlterPartitionRequests", () => {
  it("invalid leader: a request from broker 1, which does not lead, is INVALID_REQUEST", () => {
    expect(validateAlterPartitionData(FOO, alter(FOO, ["0", "1"], "RECOVERED", "1"), everyoneEligible)).toBe("INVALID_REQUEST");
  });

  it("invalid leader epoch / partition epoch: a newer one than the controller's is NOT_CONTROLLER", () => {
    expect(validateAlterPartitionData(FOO, { ...alter(FOO, ["0", "1"], "RECOVERED"), leaderEpoch: 500 }, everyoneEligible)).toBe("NOT_CONTROLLER");
    expect(validateAlterPartitionData(FOO, { ...alter(FOO, ["0", "1"], "RECOVERED"), partitionEpoch: 500 }, everyoneEligible)).toBe("NOT_CONTROLLER");
  });

  it("invalid ISR: 3 is not a replica; an ISR without the leader 0", () => {
    expect(validateAlterPartitionData(FOO, alter(FOO, ["0", "1", "3"], "RECOVERED"), everyoneEligible)).toBe("INVALID_REQUEST");
    expect(validateAlterPartitionData(FOO, alter(FOO, ["1", "2"], "RECOVERED"), everyoneEligible)).toBe("INVALID_REQUEST");
  });

  it("invalid ISR length and recovery state: RECOVERING with more than the leader in the ISR", () => {
    expect(validateAlterPartitionData(FOO, alter(FOO, ["0", "1"], "RECOVERING"), everyoneEligible)).toBe("INVALID_REQUEST");
  });

  it("invalid recovery state transition from RECOVERED to RECOVERING, even with the leader alone", () => {
    expect(validateAlterPartitionData(FOO, alter(FOO, ["0"], "RECOVERING"), everyoneEligible)).toBe("INVALID_REQUEST");
  });

  it("quiet: the same requests from the leader, RECOVERED, are valid", () => {
    expect(validateAlterPartitionData(FOO, alter(FOO, ["0", "1"], "RECOVERED"), everyoneEligible)).toBe("NONE");
    expect(validateAlterPartitionData(FOO, alter(FOO, ["0"], "RECOVERED"), everyoneEligible)).toBe("NONE");
  });
});

describe("AlterPartition on a RECOVERING partition (validateAlterPartitionData, then PartitionChangeBuilder)", () => {
  // Broker 2 elected uncleanly: ISR [2], RECOVERING.
  const recovering: PartitionState = { ...FOO, isr: ["2"], leader: "2", leaderEpoch: 1, partitionEpoch: 1, leaderRecoveryState: "RECOVERING" };

  it("the leader may stay RECOVERING alone in the ISR, but not grow the ISR while RECOVERING", () => {
    expect(validateAlterPartitionData(recovering, alter(recovering, ["2"], "RECOVERING", "2"), everyoneEligible)).toBe("NONE");
    expect(validateAlterPartitionData(recovering, alter(recovering, ["2", "0"], "RECOVERING", "2"), everyoneEligible)).toBe("INVALID_REQUEST");
  });

  it("RECOVERED with a grown ISR is valid and recorded in one change: ISR [2, 0], RECOVERED, same leader epoch", () => {
    const req = alter(recovering, ["2", "0"], "RECOVERED", "2");
    expect(validateAlterPartitionData(recovering, req, everyoneEligible)).toBe("NONE");
    const record = buildPartitionChange(recovering, { isAcceptableLeader: () => true, minIsr: 1, targetIsr: req.newIsr, targetLeaderRecoveryState: req.leaderRecoveryState });
    expect(record).toEqual({ isr: ["2", "0"], leaderRecoveryState: "RECOVERED" });
    const next = mergePartitionChange(recovering, record!);
    expect([next.isr, next.leaderEpoch, next.partitionEpoch, "leaderRecoveryState" in next]).toEqual([["2", "0"], 1, 2, false]);
  });

  it("RECOVERED alone (the ISR unchanged) is a change too; RECOVERING asked of a RECOVERING partition is none", () => {
    const opts = (target: LeaderRecoveryState) => ({ isAcceptableLeader: () => true, minIsr: 1, targetIsr: ["2"], targetLeaderRecoveryState: target });
    expect(buildPartitionChange(recovering, opts("RECOVERED"))).toEqual({ leaderRecoveryState: "RECOVERED" });
    expect(buildPartitionChange(recovering, opts("RECOVERING"))).toBeNull();
  });
});

describe("Partition (Partition.scala): the leader recovers at once; a follower keeps the metadata's state", () => {
  const TWO = ["broker-1", "broker-2"];

  it("makeLeader of a RECOVERING partition marks it RECOVERED and traces it; a RECOVERED one is not traced", () => {
    const h = new PartitionHarness();
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leaderEpoch: 2, leaderRecoveryState: "RECOVERING" }));
    expect(h.p.leaderRecoveryState).toBe("RECOVERED");
    expect(h.ctx.tracesOf("partition.leader-recovered").map((t) => t.data)).toEqual([{ tp: "t-0", leaderEpoch: 2, partitionEpoch: 1, from: "RECOVERING" }]);
    const quiet = new PartitionHarness();
    quiet.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leaderEpoch: 2 }));
    expect(quiet.ctx.tracesOf("partition.leader-recovered")).toEqual([]);
  });

  it("a follower of a RECOVERING leader keeps RECOVERING; it fetches as from any leader (Kafka's fetch path does not read the state)", () => {
    const h = new PartitionHarness({ broker: "broker-2" });
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leaderEpoch: 2, leaderRecoveryState: "RECOVERING" }));
    expect([h.p.role, h.p.leaderRecoveryState]).toEqual(["follower", "RECOVERING"]);
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1", "broker-2"], leaderEpoch: 2, partitionEpoch: 2 }));
    expect(h.p.leaderRecoveryState).toBe("RECOVERED");
  });

  it("the recovered leader's ISR expansion is committed with the controller's answer, RECOVERED", () => {
    const h = new PartitionHarness();
    h.p.applyState(partitionState({ replicas: TWO, isr: ["broker-1"], leaderEpoch: 2, leaderRecoveryState: "RECOVERING" }));
    h.produce(["a"], 1);
    h.fetch("broker-2", 1);
    expect(h.alters).toEqual([TWO]);
    h.p.alterPartitionDone("NONE", partitionState({ replicas: TWO, isr: TWO, leaderEpoch: 2, partitionEpoch: 2 }));
    expect([h.p.isrState.kind, h.p.isrState.isr, h.p.leaderRecoveryState]).toEqual(["committed", TWO, "RECOVERED"]);
  });
});

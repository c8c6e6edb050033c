import { afterEach, describe, expect, it } from "vitest";
import { Partition } from "../../src/kafka/broker/partition.js";
import type { Invariant } from "../../src/kafka/invariants.js";
import { Kip848GroupViews, kip848LegalTargetAssignment, kip848NoDoubleAssignment, kip848ValidMemberEpoch } from "../../src/kafka/invariants/kip848Spec.js";
import { leaderCandidateCompleteness, leaderCompleteness, replicationQuorumSuperset } from "../../src/kafka/invariants/replicationSpec.js";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import type { TraceRecord } from "../../src/sim/index.js";

/**
 * The safety properties of Jack Vanlightly's TLA+ specifications of Kafka (kafka-tlaplus), as run-time invariants.
 * Each must fire on a deliberately broken model — a real run with an older protocol or a patched broker where that
 * can be arranged, otherwise the trace such a model would produce — and stay quiet on Kafka's protocol (the shipped
 * scenarios run with every invariant on: test/scenarios/shipped-part*.test.ts).
 */
function feed(inv: Invariant, records: [number, string, string, Record<string, unknown>?][]): string[] {
  const violations: string[] = [];
  for (const [t, actor, type, data] of records) {
    const r: TraceRecord = data === undefined ? { t: t * 1e6, actor, type } : { t: t * 1e6, actor, type, data };
    if (inv.types.includes(type)) inv.observe(r, violations);
  }
  return violations;
}

describe("LeaderCompleteness (v3_5_properties.tla LeaderCompletenessProperty)", () => {
  it("fires in a real run of the pre-KIP-101 protocol: a follower truncated to its stale HW is elected without committed records", () => {
    const s = loadScenario("scenarios/kip-101-truncation.yaml");
    const r = runScenario({ ...s, expect: [] }, { seed: 1 });
    expect(r.status).toBe("invariant-broken");
    expect(r.invariantViolations[0]).toMatch(/^LeaderCompleteness: broker-3 became leader of ledger-0 in epoch 2 .* with log end \d+, below the committed offset \d+/);
  });

  it("stays quiet with leader-epoch truncation (KIP-101), the same faults", () => {
    const r = runScenario(loadScenario("scenarios/kip-101-leader-epoch.yaml"), { seed: 1 });
    expect(r.invariantViolations).toEqual([]);
  });

  it("exempts an unclean election and a replica that lost unflushed data, until it rejoins the ISR", () => {
    const hw = (t: number, b: string, h: number): [number, string, string, Record<string, unknown>] => [t, b, "partition.hw", { tp: "t-0", highWatermark: h, leaderEpoch: 0, isr: [b] }];
    const lead = (t: number, b: string, epoch: number, leo: number): [number, string, string, Record<string, unknown>] => [t, b, "partition.become-leader", { tp: "t-0", leaderEpoch: epoch, isr: [b], logEndOffset: leo, highWatermark: 0, wasLeader: false }];
    expect(feed(leaderCompleteness(), [hw(1, "b1", 10), [2, "controller-1", "controller.unclean-election", { tp: "t-0", leaderEpoch: 1 }], lead(3, "b2", 1, 4)])).toEqual([]);
    expect(feed(leaderCompleteness(), [hw(1, "b1", 10), [2, "b2", "sim.crash", { loseUnflushed: true }], lead(3, "b2", 1, 4)])).toEqual([]);
    expect(feed(leaderCompleteness(), [hw(1, "b1", 10), lead(3, "b2", 1, 4)])).toHaveLength(1);
  });
});

describe("LeaderCandidateCompleteness (v3_5_properties.tla LeaderCandidateCompletenessProperty)", () => {
  // The trace of a leader that lets a follower back into the ISR before it reached the start of the leader's epoch
  // (the mutation that survived issue 10's audit): offsets up to 10 were committed under broker-1; broker-2 leads
  // epoch 1 from log end 10, but its HW is still 6; broker-3 at 7 is let in.
  const broken: [number, string, string, Record<string, unknown>][] = [
    [1, "broker-1", "partition.hw", { tp: "t-0", highWatermark: 10, leaderEpoch: 0, isr: ["broker-1", "broker-2"] }],
    [2, "broker-2", "partition.become-leader", { tp: "t-0", leaderEpoch: 1, isr: ["broker-2"], logEndOffset: 10, highWatermark: 6, wasLeader: false }],
    [3, "broker-2", "partition.isr-expand", { tp: "t-0", replica: "broker-3", oldIsr: ["broker-2"], followerLogEndOffset: 7 }],
  ];

  it("fires when a replica joins the ISR without every committed record", () => {
    expect(feed(leaderCandidateCompleteness(), broken)).toEqual(["LeaderCandidateCompleteness: broker-2 let broker-3 into the ISR of t-0 at 3.000s with log end 7, below the committed offset 10"]);
  });

  it("stays quiet when it joins at the leader's epoch start or beyond", () => {
    const fine = broken.map((r) => (r[2] === "partition.isr-expand" ? ([r[0], r[1], r[2], { ...r[3], followerLogEndOffset: 10 }] as typeof r) : r));
    expect(feed(leaderCandidateCompleteness(), fine)).toEqual([]);
  });
});

describe("ReplicationQuorumSuperset (v3_5_properties.tla ReplicationQuorumSupersetProperty)", () => {
  const original = (Partition.prototype as unknown as { setIsr: (s: unknown, why: string) => void }).setIsr;
  afterEach(() => {
    (Partition.prototype as unknown as { setIsr: unknown }).setIsr = original;
  });

  it("fires in a real run whose leader stops counting a follower before the controller agreed to drop it", () => {
    // A deliberately broken broker: a requested shrink takes effect at once (no pending-shrink state keeping the
    // follower in the maximal ISR), so for a while the controller's ISR has a replica the HW does not wait for.
    (Partition.prototype as unknown as { setIsr: (s: { kind: string; isr: string[]; removing?: string[] }, why: string) => void }).setIsr = function (s, why) {
      const broken = s.kind === "pendingShrink" ? { kind: "committed", isr: s.isr.filter((b) => !s.removing!.includes(b)), maximalIsr: s.isr.filter((b) => !s.removing!.includes(b)) } : s;
      original.call(this, broken, why);
    };
    const r = runScenario({ ...loadScenario("scenarios/slow-follower-isr-shrink.yaml"), expect: [] }, { seed: 1 });
    expect(r.invariantViolations.find((v) => v.startsWith("ReplicationQuorumSuperset"))).toMatch(/the controller's ISR \[.*\] .* has broker-\d, missing from leader broker-\d's maximal ISR/);
  });

  it("stays quiet with Kafka's pending shrink (the same run, unpatched)", () => {
    const r = runScenario({ ...loadScenario("scenarios/slow-follower-isr-shrink.yaml"), expect: [] }, { seed: 1 });
    expect(r.invariantViolations).toEqual([]);
  });
});

describe("KIP-848 group protocol (consumer_group_protocol_kip_848_v2.tla)", () => {
  const target = (t: number, epoch: number, assignment: Record<string, string[]>): [number, string, string, Record<string, unknown>] => [t, "broker-1", "group-coordinator.target-assignment", { groupId: "g", epoch, assignor: "uniform", assignment }];
  const reconciled = (t: number, memberId: string, memberEpoch: number, assigned: string[], revoking: string[] = [], state = "STABLE"): [number, string, string, Record<string, unknown>] => [t, "broker-1", "group-coordinator.member-reconciled", { groupId: "g", memberId, memberEpoch, state, assigned, revoking }];

  it("NoDoubleClientAssignment: fires when a partition is handed over before its old owner revoked it", () => {
    // m2 got t-1 while m1 still had it to revoke: the broken hand-over KIP-848's UNRELEASED_PARTITIONS prevents.
    const v = feed(kip848NoDoubleAssignment(), [target(1, 2, { m1: ["t-0"], m2: ["t-1"] }), reconciled(2, "m1", 1, ["t-0"], ["t-1"], "UNREVOKED_PARTITIONS"), reconciled(3, "m2", 2, ["t-1"])]);
    expect(v).toEqual(["Kip848NoDoubleAssignment: group g at 3.000s: m2 and m1 both hold t-1"]);
  });

  it("NoDoubleClientAssignment: quiet when the new owner waits for the revocation, and after a member leaves", () => {
    expect(feed(kip848NoDoubleAssignment(), [target(1, 2, { m1: ["t-0"], m2: ["t-1"] }), reconciled(2, "m1", 1, ["t-0"], ["t-1"], "UNREVOKED_PARTITIONS"), reconciled(3, "m2", 2, [], [], "UNRELEASED_PARTITIONS"), reconciled(4, "m1", 2, ["t-0"]), reconciled(5, "m2", 2, ["t-1"])])).toEqual([]);
    expect(feed(kip848NoDoubleAssignment(), [reconciled(1, "m1", 1, ["t-0"]), [2, "broker-1", "group-coordinator.member-removed", { groupId: "g", memberId: "m1" }], reconciled(3, "m2", 2, ["t-0"])])).toEqual([]);
  });

  it("NoDoubleClientAssignment: a paused old coordinator's stale records are not mixed with the new coordinator's", () => {
    // eos.property found it: broker-2 paused past the session timeout, broker-3 loaded the group, then broker-2 woke
    // and traced a removal and a new target it could no longer write; broker-3 went on reconciling the real members.
    const on = (actor: string, r: [number, string, string, Record<string, unknown>]): [number, string, string, Record<string, unknown>] => [r[0], actor, r[2], r[3]];
    const records: [number, string, string, Record<string, unknown>][] = [
      on("broker-2", reconciled(1, "k1", 2, ["t-0", "t-1"])),
      on("broker-2", reconciled(1, "k2", 2, ["t-2", "t-3"])),
      [2, "broker-3", "group-coordinator.loaded", { groupId: "g", groupEpoch: 2 }],
      on("broker-2", [3, "", "group-coordinator.member-removed", { groupId: "g", memberId: "k2" }]),
      on("broker-2", reconciled(3, "k1", 3, ["t-0", "t-1", "t-2", "t-3"])),
      on("broker-3", reconciled(4, "k2", 2, ["t-2", "t-3"])),
    ];
    expect(feed(kip848NoDoubleAssignment(), records)).toEqual([]);
    // The same records from one coordinator are a double assignment.
    expect(feed(kip848NoDoubleAssignment(), records.filter((r) => r[2] !== "group-coordinator.loaded").map((r) => on("broker-2", r)))).toHaveLength(1);
  });

  it("LegalTargetAssignment: fires when a target gives one partition to two members, quiet otherwise", () => {
    expect(feed(kip848LegalTargetAssignment(), [target(1, 3, { m1: ["t-0", "t-1"], m2: ["t-1"] })])).toEqual(["Kip848LegalTargetAssignment: group g target epoch 3 at 1.000s gives t-1 to both m1 and m2"]);
    expect(feed(kip848LegalTargetAssignment(), [target(1, 3, { m1: ["t-0"], m2: ["t-1"] })])).toEqual([]);
  });

  it("ValidMemberEpoch: fires when a member reaches the target epoch still holding another member's partition", () => {
    expect(feed(kip848ValidMemberEpoch(), [target(1, 2, { m1: ["t-0"], m2: ["t-1"] }), reconciled(2, "m1", 2, ["t-0", "t-1"])])).toHaveLength(1);
    expect(feed(kip848ValidMemberEpoch(), [target(1, 2, { m1: ["t-0"], m2: ["t-1"] }), reconciled(2, "m1", 1, ["t-0", "t-1"], [], "UNREVOKED_PARTITIONS"), reconciled(3, "m1", 2, ["t-0"])])).toEqual([]);
  });

  it("the Converged predicate: every member STABLE at the target epoch with exactly its target partitions", () => {
    const views = new Kip848GroupViews();
    const apply = (r: [number, string, string, Record<string, unknown>]) => views.apply({ t: r[0] * 1e6, actor: r[1], type: r[2], data: r[3] });
    apply(target(1, 2, { m1: ["t-0"], m2: ["t-1"] }));
    apply(reconciled(2, "m1", 2, ["t-0"]));
    apply(reconciled(2, "m2", 1, [], [], "UNRELEASED_PARTITIONS"));
    expect(views.converged("g")).toBe(false);
    apply(reconciled(3, "m2", 2, ["t-1"]));
    expect(views.converged("g")).toBe(true);
  });

  it("stays quiet in a real KIP-848 run with members joining, leaving and a GC-paused zombie", () => {
    const r = runScenario(loadScenario("scenarios/eos-read-process-write-kip848.yaml"), { seed: 1 });
    expect(r.invariantViolations).toEqual([]);
  });
});

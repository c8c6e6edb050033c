import { describe, expect, it } from "vitest";
import { MetadataImage } from "../../../src/kafka/metadata/metadataImage.js";
import type { PartitionState } from "../../../src/kafka/metadata/records.js";
import { hasPreferredLeader, nextPartitionState } from "../../../src/kafka/controller/partitionChange.js";
import { PREFERRED_ELECTION_REASON } from "../../../src/kafka/controller/replicationControl.js";
import { BROKER_CONFIG } from "../../../src/kafka/config/brokerConfig.js";
import { RunRecorder } from "../../../src/report/recorder/runRecorder.js";
import { runTraced } from "../../support/tracedRun.js";

/**
 * auto.leader.rebalance.enable as KRaft's controller does it (QuorumController.maybeScheduleNextBalancePartitionLeaders,
 * ReplicationControlManager.maybeBalancePartitionLeaders, PartitionChangeBuilder's Election.PREFERRED): a partition
 * whose leader is not its first replica is imbalanced; the write that makes it so schedules the balance check
 * leader.imbalance.check.interval.seconds later; the check elects the preferred replica if it is in the ISR, active
 * and not shutting down, else it waits another interval.
 */
function scenario(opts: { brokerConfig?: string; faults: string; duration?: string }): string {
  return `name: t
description: preferred leader test
duration: ${opts.duration ?? "400s"}
cluster:
  brokers: 3
  config: { ${opts.brokerConfig ?? ""} }
  topics:
    - { name: orders, partitions: 1, replicationFactor: 3 }
clients:
  - id: app
    kind: producer
    config: { acks: all }
    workload: { topic: orders, rate: 10 }
faults:
${opts.faults}
expect:
  - noLostAcknowledgedWrites
`;
}

/** broker-1, orders-0's preferred replica and first leader, crashes at 5s and is back at 30s. */
const crashAndRestart = "  - { at: 5s, crash: broker-1 }\n  - { at: 30s, restart: broker-1 }";

const INTERVAL_US = 300_000_000;

const run = runTraced;

describe("automatic preferred leader election (auto.leader.rebalance.enable)", () => {
  it("the configs have Kafka's names and defaults (ReplicationConfigs)", () => {
    const defaults = BROKER_CONFIG.resolve({});
    expect(defaults["auto.leader.rebalance.enable"]).toBe(true);
    expect(defaults["leader.imbalance.check.interval.seconds"]).toBe(300);
  });

  it("with the defaults, leadership returns to the restarted preferred replica exactly one interval after the failover", () => {
    const rec = new RunRecorder({ messages: false });
    const { r, of } = run(scenario({ faults: crashAndRestart }), rec.attach);
    const elections = of("controller.election").filter((t) => t.data!.tp === "orders-0");
    const failover = elections.find((t) => t.data!.oldLeader === "broker-1")!;
    expect(failover.data).toMatchObject({ newLeader: "broker-2" });
    const preferred = elections.filter((t) => t.data!.reason === PREFERRED_ELECTION_REASON);
    expect(preferred.map((t) => t.data)).toEqual([expect.objectContaining({ tp: "orders-0", oldLeader: "broker-2", newLeader: "broker-1", leaderEpoch: (failover.data!.leaderEpoch as number) + 1 })]);
    // The failover's PartitionChangeRecord scheduled the check (DEFERRED): one interval later, to the µs.
    expect(preferred[0].t - failover.t).toBe(INTERVAL_US);
    // By then broker-1 is back in the ISR (it rejoined long before).
    const rejoined = of("controller.alter-partition").find((t) => t.t > failover.t && (t.data!.newIsr as string[]).includes("broker-1"))!;
    expect(rejoined.t).toBeLessThan(preferred[0].t);
    // Through the metadata log: a Partition record with the bumped epoch, and broker-1 becomes leader from it.
    expect(of("controller.record").some((t) => t.t === preferred[0].t && t.data!.tp === "orders-0" && t.data!.leader === "broker-1")).toBe(true);
    expect(of("partition.become-leader").some((t) => t.actor === "broker-1" && t.t > preferred[0].t && t.data!.leaderEpoch === preferred[0].data!.leaderEpoch)).toBe(true);
    // The check ran once, elected one, and left nothing imbalanced: nothing more is scheduled.
    expect(of("controller.balance-leaders").map((t) => [t.t, t.data])).toEqual([[preferred[0].t, { elections: 1, imbalanced: false }]]);
    // The timeline shows it as a leader change with its reason.
    expect(rec.moments.filter((m) => m.atUs === preferred[0].t && m.kind === "leader").map((m) => m.text)).toEqual([
      expect.stringMatching(/^orders-0 leader broker-2 -> broker-1 \(leader epoch \d+, ISR .*\): preferred replica election \(auto\.leader\.rebalance\.enable\)$/),
    ]);
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([["noLostAcknowledgedWrites", true]]);
  });

  it("a new active controller schedules the check from its image: one interval after it took over, the crashed one's schedule gone with it", () => {
    const { of } = run(scenario({ duration: "420s", faults: `${crashAndRestart}\n  - { at: 100s, crash: active-controller, for: 5s }` }));
    const elections = of("controller.election").filter((t) => t.data!.tp === "orders-0");
    const failover = elections.find((t) => t.data!.oldLeader === "broker-1")!;
    const takeover = of("raft.leader").find((t) => t.t > 100_000_000)!;
    expect(takeover.actor).not.toBe(failover.actor);
    const preferred = elections.filter((t) => t.data!.reason === PREFERRED_ELECTION_REASON);
    expect(preferred.map((t) => [t.actor, t.t - takeover.t, t.data!.newLeader])).toEqual([[takeover.actor, INTERVAL_US, "broker-1"]]);
  });

  it("with auto.leader.rebalance.enable: false the failover's leader keeps the partition", () => {
    const { r, of } = run(scenario({ brokerConfig: "auto.leader.rebalance.enable: false", faults: crashAndRestart }));
    const elections = of("controller.election").filter((t) => t.data!.tp === "orders-0");
    expect(elections.find((t) => t.data!.oldLeader === "broker-1")!.data).toMatchObject({ newLeader: "broker-2" });
    expect(elections.filter((t) => t.data!.reason === PREFERRED_ELECTION_REASON)).toEqual([]);
    expect(of("controller.balance-leaders")).toEqual([]);
    expect(of("partition.become-leader").filter((t) => t.actor === "broker-1").length).toBe(1);
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([["noLostAcknowledgedWrites", true]]);
  });

  it("a shorter leader.imbalance.check.interval.seconds brings it back sooner", () => {
    const { of } = run(scenario({ brokerConfig: "leader.imbalance.check.interval.seconds: 60", faults: crashAndRestart, duration: "120s" }));
    const elections = of("controller.election").filter((t) => t.data!.tp === "orders-0");
    const failover = elections.find((t) => t.data!.oldLeader === "broker-1")!;
    const preferred = elections.find((t) => t.data!.reason === PREFERRED_ELECTION_REASON)!;
    expect(preferred.t - failover.t).toBe(60_000_000);
  });

  it("a preferred replica outside the ISR is not elected; the check comes back every interval while the imbalance lasts", () => {
    // broker-1 restarts but cannot reach the other brokers: it registers and is unfenced, but never rejoins the ISR.
    const { of } = run(
      scenario({
        duration: "700s",
        faults: "  - { at: 5s, crash: broker-1 }\n  - { at: 20s, partition: [[broker-1], [broker-2, broker-3]], for: 1000s }\n  - { at: 30s, restart: broker-1 }",
      }),
    );
    const elections = of("controller.election").filter((t) => t.data!.tp === "orders-0");
    const failover = elections.find((t) => t.data!.oldLeader === "broker-1")!;
    expect(of("controller.unfence").some((t) => t.data!.broker === "broker-1" && t.t > failover.t)).toBe(true);
    expect(elections.filter((t) => t.data!.reason === PREFERRED_ELECTION_REASON)).toEqual([]);
    const checks = of("controller.balance-leaders");
    expect(checks.map((t) => t.data)).toEqual([
      { elections: 0, imbalanced: true },
      { elections: 0, imbalanced: true },
    ]);
    expect(checks.map((t) => t.t - failover.t)).toEqual([INTERVAL_US, 2 * INTERVAL_US]);
  });

  it("a run whose leaders never move schedules no check, and is the same run with the feature off", () => {
    const quiet = "  - { at: 5s, crash: broker-3 }\n  - { at: 30s, restart: broker-3 }";
    const on = run(scenario({ faults: quiet, duration: "60s" }));
    const off = run(scenario({ brokerConfig: "auto.leader.rebalance.enable: false", faults: quiet, duration: "60s" }));
    // broker-3 left and rejoined the ISR, but orders-0's leader stayed broker-1.
    expect(on.of("controller.alter-partition").length).toBeGreaterThan(0);
    expect(on.of("controller.election").filter((t) => t.data!.tp === "orders-0")).toEqual([]);
    expect(on.of("controller.balance-leaders")).toEqual([]);
    expect([on.r.digest, on.r.events]).toEqual([off.r.digest, off.r.events]);
  });
});

describe("Election.PREFERRED in nextPartitionState (PartitionChangeBuilder.electPreferredLeader)", () => {
  const image = (fenced: string[] = []) => {
    const m = new MetadataImage();
    for (const [i, b] of ["b1", "b2", "b3"].entries()) {
      m.apply({ type: "RegisterBroker", broker: b, brokerEpoch: i, incarnation: 0, logDirs: ["d"] }, i);
      if (!fenced.includes(b)) m.apply({ type: "UnfenceBroker", broker: b }, 3 + i);
    }
    return m;
  };
  const p = (over: Partial<PartitionState> = {}): PartitionState => ({ topic: "t", partition: 0, replicas: ["b1", "b2", "b3"], isr: ["b1", "b2", "b3"], leader: "b2", leaderEpoch: 4, partitionEpoch: 7, ...over });
  const policy = { uncleanAllowed: false, elrEnabled: false, minIsr: 1, preferred: true };

  it("elects the preferred replica in the ISR and active: leader epoch and partition epoch bumped, ISR kept", () => {
    expect(nextPartitionState(p(), image(), policy)).toEqual(p({ leader: "b1", leaderEpoch: 5, partitionEpoch: 8 }));
    // Without Election.PREFERRED a valid leader stays.
    expect(nextPartitionState(p(), image(), { ...policy, preferred: false })).toBeNull();
  });

  it("keeps the leader when the preferred replica is out of the ISR, fenced, or in controlled shutdown", () => {
    expect(nextPartitionState(p({ isr: ["b2", "b3"] }), image(), policy)).toBeNull();
    expect(nextPartitionState(p({ isr: ["b2", "b3"] }), image(["b1"]), policy)).toBeNull();
    expect(nextPartitionState(p(), image(), policy, new Set(["b1"]))?.leader).toBe("b2");
  });

  it("hasPreferredLeader: the leader is the first replica (a leaderless partition is imbalanced)", () => {
    expect(hasPreferredLeader(p({ leader: "b1" }))).toBe(true);
    expect(hasPreferredLeader(p())).toBe(false);
    expect(hasPreferredLeader(p({ leader: null }))).toBe(false);
  });
});


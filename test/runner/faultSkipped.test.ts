import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import type { TraceRecord } from "../../src/sim/trace.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-fault-skipped-"));

describe("a fault whose role nobody holds when it comes due", () => {
  it("is skipped and says so (sim.fault-skipped, the summary's faults) instead of failing the run on an unknown actor", () => {
    const f = join(dir, "ac.yaml");
    writeFileSync(
      f,
      `name: ac
description: crash the active controller at 0s, before one is elected, and again at 5s
duration: 10s
cluster:
  brokers: 3
  topics: [{ name: orders, partitions: 1, replicationFactor: 3 }]
clients:
  - { id: p1, kind: producer, workload: { topic: orders, rate: 10 } }
faults:
  - { at: 0s, crash: active-controller, for: 2s }
  - { at: 5s, crash: active-controller, for: 2s }
expect: [noLostAcknowledgedWrites]
`,
    );
    const skipped: TraceRecord[] = [];
    const r = runScenario(loadScenario(f), { seed: 1, observe: (t) => (t.type === "sim.fault-skipped" ? skipped.push(t) : undefined) });
    expect(r.status).toBe("ok");
    expect(r.faultSkippedRole).toEqual(["active-controller", null]);
    expect(r.faultFiredAtMs).toEqual([null, 5000]);
    expect(skipped).toEqual([{ t: 0, actor: "sim", type: "sim.fault-skipped", data: { fault: "crash", role: "active-controller", reason: "no actor holds the role now" } }]);
  });
});

describe("a leader: role while no controller is active (the metadata quorum is lost)", () => {
  it("resolves to the leader the brokers' metadata still publishes, as kafka-topics --describe would show it", () => {
    // kraft-quorum-loss-no-failover: two of three controllers are down from 5s, so nobody is active at 10s, but
    // broker-1 still leads orders-0 (replica placement puts partition 0 on broker-1 first) and serves it.
    const f = join(dir, "quorum.yaml");
    writeFileSync(
      f,
      `name: quorum
description: crash orders-0's leader while the KRaft quorum is lost
duration: 20s
liveness: none
cluster:
  brokers: 3
  controllers: 3
  topics: [{ name: orders, partitions: 1, replicationFactor: 3 }]
clients:
  - { id: p1, kind: producer, workload: { topic: orders, rate: 10 } }
faults:
  - { at: 5s, crash: controller-2, for: 10s }
  - { at: 5s, crash: controller-3, for: 10s }
  - { at: 10s, crash: "leader:orders-0", for: 2s }
expect: [noLostAcknowledgedWrites]
`,
    );
    const crashes: TraceRecord[] = [];
    const r = runScenario(loadScenario(f), { seed: 1, observe: (t) => (t.type === "sim.crash" && t.t === 10_000_000 ? crashes.push(t) : undefined) });
    expect(r.faultSkippedRole).toEqual([null, null, null]);
    expect(r.faultFiredAtMs).toEqual([5000, 5000, 10000]);
    expect(crashes.map((t) => t.actor)).toEqual(["broker-1"]);
  });
});

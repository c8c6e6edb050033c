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

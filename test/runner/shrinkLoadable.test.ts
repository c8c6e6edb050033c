import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { noOpInverses } from "../../src/scenario/noOpInverses.js";
import { shrinkFaults } from "../../src/runner/shrink.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-shrink-loadable-"));

describe("shrink writes only schedules the loader accepts", () => {
  it("does not drop a crash and keep the restart that undoes it (the restart would do nothing: refused on load)", () => {
    const f = join(dir, "always-fails.yaml");
    // The expectation fails whatever the faults do (acks=all loses nothing), so every candidate "still fails":
    // the first one tried drops the crash, leaving a restart of a running broker.
    writeFileSync(
      f,
      `name: always-fails
description: acks=all with a crash and its restart, expecting a loss that never comes
duration: 6s
cluster:
  brokers: 3
  topics: [{ name: t, partitions: 1, replicationFactor: 3 }]
clients:
  - { id: app, kind: producer, config: { acks: all }, workload: { topic: t, rate: 50 } }
faults:
  - { at: 1s, crash: broker-2 }
  - { at: 3s, restart: broker-2 }
expect:
  - anomaly: lostAcknowledgedWrites
`,
    );
    const s = loadScenario(f);
    const actors = new Set([...s.brokers, ...s.controllers, ...s.clients.map((c) => c.id)]);
    expect(noOpInverses(s.faults, actors, [])).toEqual([]);
    // Two runs: the original and one candidate; without the guard that candidate is [restart] and is kept.
    const r = shrinkFaults(s, 1, s.faults, 2)!;
    expect(r).not.toBeNull();
    expect(r.shrunk.map((op) => op.op)).toEqual(["crash"]);
    expect(noOpInverses(r.shrunk, actors, [])).toEqual([]);
  });

  it("noOpInverses names the restart that would do nothing, and is quiet when the crash comes first", () => {
    const crash = { atMs: 1000, op: "crash", node: "broker-2" } as const;
    const restart = { atMs: 3000, op: "restart", node: "broker-2" } as const;
    const actors = new Set(["broker-1", "broker-2", "broker-3"]);
    expect(noOpInverses([crash, restart], actors, [])).toEqual([]);
    const found = noOpInverses([restart], actors, []);
    expect(found).toHaveLength(1);
    expect(found[0].index).toBe(0);
    expect(found[0].message).toMatch(/"broker-2" is not down at 3s/);
  });
});

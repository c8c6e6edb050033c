import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { shippedScenarioPath } from "../../src/scenario/shipped.js";
import { runScenario } from "../../src/runner/run.js";
import { cli } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-shrink-"));

describe("kafkasim shrink", () => {
  it("writes a scenario with fewer faults that still fails the same way, and replays", async () => {
    const f = join(dir, "acks1.yaml");
    writeFileSync(
      f,
      `name: acks1-random
description: acks=1 with slow replication under random faults
duration: 20s
cluster:
  brokers: 3
  topics: [{ name: t, partitions: 3, replicationFactor: 3 }]
network:
  links:
    - { between: [broker-1, broker-2], latency: { model: uniform, min: 20ms, max: 60ms } }
    - { between: [broker-1, broker-3], latency: { model: uniform, min: 20ms, max: 60ms } }
    - { between: [broker-2, broker-3], latency: { model: uniform, min: 20ms, max: 60ms } }
clients:
  - { id: app, kind: producer, config: { acks: "1" }, workload: { topic: t, rate: 100 } }
randomFaults: { nodes: [broker-1, broker-2, broker-3], kinds: [crash, pause, partition], count: { min: 3, max: 5 }, duration: { min: 1s, max: 8s } }
expect: [noLostAcknowledgedWrites]
`,
    );
    const out = join(dir, "out");
    // Seed 8 draws four faults and loses acknowledged writes (on connections, seed 2 no longer does).
    const r = await cli("shrink", f, "--seed", "8", "--out", out);
    expect(r.code).toBe(0); // it did what it was asked: wrote a smaller failing scenario
    expect(r.stdout).toMatch(/shrunk \d+ faults to \d+/);
    const written = join(out, readdirSync(out)[0]);
    const shrunk = loadScenario(written);
    const original = runScenario(loadScenario(f), { seed: 8 });
    expect(shrunk.faults.length).toBeLessThan(original.faults.length);
    expect(shrunk.randomFaults).toBeNull();
    const replay = runScenario(shrunk);
    expect(replay.checks.find((c) => c.name === "noLostAcknowledgedWrites")!.ok).toBe(false);
  });

  it("keeps the scenario's admin calls as written (it shrinks injected faults only) and says so", async () => {
    // acks-1-leader-failover's loss, expected as a failure (noLostAcknowledgedWrites), with an operator's call beside.
    const yaml = readFileSync(shippedScenarioPath("acks-1-leader-failover")!, "utf8")
      .replace("  - anomaly: lostAcknowledgedWrites", "  - noLostAcknowledgedWrites")
      .replace("faults:\n", "faults:\n  - { at: 5s, alterConfig: { topic: orders, key: retention.ms, value: 600000 } }\n");
    const f = join(dir, "with-admin.yaml");
    writeFileSync(f, yaml);
    const out = join(dir, "admin-out");
    const r = await cli("shrink", f, "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("kept the 1 admin call as written");
    const shrunk = loadScenario(join(out, readdirSync(out)[0]));
    expect(shrunk.adminOps).toEqual([expect.objectContaining({ op: "alterConfig", topic: "orders", key: "retention.ms" })]);
    expect(shrunk.description).toMatch(/^Shrunk by kafkasim shrink from acks-1-leader-failover at seed 1: /);
  });

  it("a sweep scenario's shrunk file is one fixed failing run: no sweep: block (its finds spoke of the generator's seeds)", async () => {
    const out = join(dir, "sweep-out");
    const r = await cli("shrink", "acks-1-random-leader-crashes", "--seed", "14", "--out", out);
    expect(r.code).toBe(0);
    const text = readFileSync(join(out, readdirSync(out)[0]), "utf8");
    expect(text).not.toMatch(/^sweep:/m);
    const shrunk = loadScenario(join(out, readdirSync(out)[0]));
    expect(shrunk.sweep).toBeNull();
    expect(runScenario(shrunk).checks.find((c) => c.name === "noLostAcknowledgedWrites")!.ok).toBe(false);
  });

  it("exits 1 when the run does not fail (nothing to shrink), and writes nothing", async () => {
    const out = join(dir, "none");
    const r = await cli("shrink", "engine/lease-gc-pause-fenced", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("nothing to shrink");
    expect(existsSync(out)).toBe(false);
  });

  it("exits 2 for bad input: an unknown scenario, a bad seed", async () => {
    expect((await cli("shrink", "no-such-scenario")).code).toBe(2);
    expect((await cli("shrink", "engine/lease-gc-pause-fenced", "--seed", " ")).code).toBe(2);
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-explore-"));

describe("kafkasim explore", () => {
  it("runs every seed and exits 0 when all hold", async () => {
    const r = await cli("explore", "engine/lease-gc-pause-fenced", "--seeds", "4", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.seeds).toBe(4);
    expect(j.failures).toEqual([]);
  });

  it("tables failing seeds by check, with a replay line, and exits 1", async () => {
    // Random pauses of 0.2–2s on the nodes: some seeds make the monitor suspect a live node, some do not.
    const f = join(dir, "random.yaml");
    writeFileSync(
      f,
      `name: random-pauses
description: random pauses against a heartbeat detector
duration: 10s
demo:
  heartbeat: { monitor: m, nodes: [a, b], interval: 100ms, timeout: 1s }
randomFaults: { nodes: [a, b], kinds: [pause], count: 1, duration: { min: 200ms, max: 2s } }
expect:
  - noFalseSuspicion
`,
    );
    const r = await cli("explore", f, "--seeds", "12", "--from", "100");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("noFalseSuspicion");
    expect(r.stdout).toMatch(/replay one: kafkasim run .*random.yaml --seed 1\d\d/);
    const ok = await cli("explore", f, "--seeds", "12", "--from", "100", "--json");
    const j = JSON.parse(ok.stdout);
    expect(j.failures.length).toBeGreaterThan(0);
    expect(j.failures.length).toBeLessThan(12);
  });

  it("--shard splits the seeds", async () => {
    const a = JSON.parse((await cli("explore", "engine/lease-gc-pause-fenced", "--seeds", "5", "--shard", "1/2", "--json")).stdout);
    const b = JSON.parse((await cli("explore", "engine/lease-gc-pause-fenced", "--seeds", "5", "--shard", "2/2", "--json")).stdout);
    expect(a.seeds + b.seeds).toBe(5);
    expect((await cli("explore", "engine/lease-gc-pause-fenced", "--seeds", "5", "--shard", "3/2")).code).toBe(2);
  });
});

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import { cli } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-swarm-"));

/** A heartbeat detector whose timeout and fault mix each seed draws (engine only: cheap). */
const swarmText = (timeout: string) => `name: swarm-heartbeat
description: each seed draws the detector's timeout and its fault mix
duration: 10s
demo:
  heartbeat: { monitor: m, nodes: [a, b], interval: { oneOf: [100ms, 200ms] }, timeout: ${timeout} }
randomFaults: { nodes: [a, b], kinds: { someOf: [pause, isolate] }, count: { range: [1, 2] }, duration: { min: 200ms, max: 2s } }
expect:
  - noFalseSuspicion
`;
const SWARM = join(dir, "swarm.yaml");
writeFileSync(SWARM, swarmText('{ oneOf: [1s, 5s] }'));

const untimed = (t: string) => {
  const j = JSON.parse(t);
  for (const k of ["wallMs", "seedsPerSec", "workers"]) delete j[k];
  return j;
};

describe("swarm testing", () => {
  it("each seed draws its own configuration; workers and one thread agree; failing seeds print what they drew", async () => {
    const seq = await cli("explore", SWARM, "--seeds", "12", "--workers", "1", "--json");
    const par = await cli("explore", SWARM, "--seeds", "12", "--workers", "2", "--json");
    expect(untimed(par.stdout)).toEqual(untimed(seq.stdout));
    const j = JSON.parse(seq.stdout);
    expect(j.failures.length).toBeGreaterThan(0);
    for (const f of j.failures) {
      // The draw the run used is the one reported, and a seed run alone draws the same.
      expect(Object.keys(f.drawn)).toEqual(["demo.heartbeat.interval", "demo.heartbeat.timeout", "randomFaults.kinds", "randomFaults.count"]);
      expect(runScenario(loadScenario(SWARM), { seed: f.seed }).drawn).toEqual(f.drawn);
    }
    // A 5s timeout never suspects a node paused for at most 2s: only seeds that drew 1s fail.
    expect(j.failures.every((f: { drawn: Record<string, unknown> }) => f.drawn["demo.heartbeat.timeout"] === "1s")).toBe(true);
    const table = (await cli("explore", SWARM, "--seeds", "12", "--workers", "1")).stdout;
    expect(table).toMatch(/seed \d+ drew: demo\.heartbeat\.interval=\d+ms {2}demo\.heartbeat\.timeout=1s {2}randomFaults\.kinds=\[/);
  });

  it("a seed's draw equals the same file with the drawn values written in (a concrete scenario)", () => {
    const r = runScenario(loadScenario(SWARM), { seed: 4 });
    const d = r.drawn!;
    const concrete = join(dir, "concrete.yaml");
    writeFileSync(
      concrete,
      swarmText(String(d["demo.heartbeat.timeout"]))
        .replace("{ oneOf: [100ms, 200ms] }", String(d["demo.heartbeat.interval"]))
        .replace("{ someOf: [pause, isolate] }", `[${(d["randomFaults.kinds"] as string[]).join(", ")}]`)
        .replace("{ range: [1, 2] }", String(d["randomFaults.count"])),
    );
    const c = runScenario(loadScenario(concrete), { seed: 4 });
    expect(c.drawn).toBeNull();
    expect(c.digest).toBe(r.digest);
  });

  it("a bad choice is exit 2 at its own path; so is a bad range", async () => {
    writeFileSync(join(dir, "bad.yaml"), swarmText('{ oneOf: [1s, soon] }'));
    const r = await cli("run", join(dir, "bad.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml: demo\.heartbeat\.timeout\.oneOf\[1\]: must be a duration/);
    writeFileSync(join(dir, "badrange.yaml"), swarmText("{ range: [5s, 1s] }"));
    const b = await cli("run", join(dir, "badrange.yaml"));
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/demo\.heartbeat\.timeout\.range: min must not be above max/);
    writeFileSync(join(dir, "empty.yaml"), swarmText("{ oneOf: [] }"));
    expect((await cli("run", join(dir, "empty.yaml"))).stderr).toMatch(/demo\.heartbeat\.timeout\.oneOf: must list at least one value/);
  });

  it("shrink writes the seed's configuration as a concrete scenario that fails the same way", async () => {
    const j = JSON.parse((await cli("explore", SWARM, "--seeds", "12", "--workers", "1", "--json")).stdout);
    const seed = j.failures[0].seed;
    const out = join(dir, "shrunk");
    const r = await cli("shrink", SWARM, "--seed", String(seed), "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("with the configuration it drew: demo.heartbeat.interval=");
    const file = join(out, readdirSync(out)[0]);
    expect(readFileSync(file, "utf8")).not.toMatch(/oneOf|someOf|range/);
    expect(loadScenario(file).swarm).toBeUndefined();
    expect((await cli("run", file)).code).toBe(1);
  });
});

describe("kafkasim compare", () => {
  it("runs the same seeds under each --set and counts failures per check, as explore does on each edited file", async () => {
    const cmp = await cli("compare", SWARM, "--set", "demo.heartbeat.timeout=1s", "--set", "demo.heartbeat.timeout=5s", "--seeds", "8", "--json");
    expect(cmp.code).toBe(0);
    const j = JSON.parse(cmp.stdout);
    expect(j.variants.map((v: { set: string }) => v.set)).toEqual(["demo.heartbeat.timeout=1s", "demo.heartbeat.timeout=5s"]);
    for (const [i, t] of ["1s", "5s"].entries()) {
      const f = join(dir, `edited-${t}.yaml`);
      writeFileSync(f, swarmText(t));
      const e = JSON.parse((await cli("explore", f, "--seeds", "8", "--workers", "1", "--json")).stdout);
      expect(j.variants[i].failures).toEqual(e.failures);
      expect(j.variants[i].coverage).toEqual(e.coverage);
      expect(j.variants[i].checks.noFalseSuspicion ?? 0).toBe(e.failures.length);
    }
    expect(j.variants[1].failing).toBe(0);
    const table = (await cli("compare", SWARM, "--set", "demo.heartbeat.timeout=1s", "--set", "demo.heartbeat.timeout=5s", "--seeds", "8", "--workers", "1")).stdout;
    expect(table).toMatch(/demo\.heartbeat\.timeout=5s\s+0\/8\s+0/);
  });

  it("shards of a compare merge into the compare of all seeds", async () => {
    const args = ["compare", SWARM, "--set", "demo.heartbeat.timeout=1s", "--set", "demo.heartbeat.timeout=5s", "--seeds", "6", "--workers", "1"];
    const files = [1, 2].map((k) => join(dir, `cmp-${k}.jsonl`));
    for (const [i, f] of files.entries()) await cli(...args, "--shard", `${i + 1}/2`, "--out", f, "--json");
    const merged = await cli("merge", ...files, "--json");
    expect(merged.code).toBe(0);
    expect(untimed(merged.stdout)).toEqual(untimed((await cli(...args, "--json")).stdout));
  });

  it("a --set that names nothing, a bad value or one variant is exit 2", async () => {
    const nothing = await cli("compare", SWARM, "--set", "clients.p1.config.acks=1", "--set", "clients.p1.config.acks=all", "--seeds", "2");
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/--set clients\.p1\.config\.acks=1: the scenario has no clients/);
    const bad = await cli("compare", SWARM, "--set", "demo.heartbeat.timeout=soon", "--set", "demo.heartbeat.timeout=1s", "--seeds", "2");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--set demo\.heartbeat\.timeout=soon: .*demo\.heartbeat\.timeout/);
    expect((await cli("compare", SWARM, "--set", "demo.heartbeat.timeout=1s", "--seeds", "2")).code).toBe(2);
  });
});

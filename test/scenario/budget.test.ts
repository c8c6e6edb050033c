import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { estimateWork } from "../../src/scenario/workEstimate.js";
import { formatSimTime } from "../../src/runner/eventBudget.js";
import { readGolden } from "../support/goldenDigests.js";
import { cli } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-budget-"));
let n = 0;
function file(text: string): string {
  const f = join(dir, `b${n++}.yaml`);
  writeFileSync(f, text);
  return f;
}

const kafka = (o: { brokers?: number | string; partitions?: number | string; rate?: number | string; duration?: string; extra?: string } = {}) => `name: big
description: a scenario too big to run
duration: ${o.duration ?? "30s"}
cluster:
  brokers: ${o.brokers ?? 3}
  topics: [{ name: clicks, partitions: ${o.partitions ?? 3}, replicationFactor: 3 }]
clients:
  - { id: p, kind: producer, config: { acks: all }, workload: { topic: clicks, rate: ${o.rate ?? 100} } }
${o.extra ?? ""}`;

/** Refused before anything runs: exit 2, nothing on stdout, one line naming the file, the field and the limit. */
async function expectRefused(f: string, ...needles: string[]) {
  const r = await cli("run", f);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.split("\n")).toHaveLength(1);
  expect(r.stderr).toContain(f);
  for (const needle of needles) expect(r.stderr).toContain(needle);
}

describe("absurd values are out of the schema's range, with the range in the message", () => {
  it("10,000 brokers", async () => {
    await expectRefused(file(kafka({ brokers: 10000 })), "cluster.brokers", "from 0 to 1,000", "got 10000");
  });
  it("100,000 partitions in a topic", async () => {
    await expectRefused(file(kafka({ partitions: 100000 })), "cluster.topics[0].partitions", "from 1 to 10,000", "got 100000");
  });
  it("a producer rate of 1e9 records/s", async () => {
    await expectRefused(file(kafka({ rate: "1e9" })), "clients[0].workload.rate", "at most 1,000,000", "got 1000000000");
  });
  it("absurd counts: keys, records per transaction, random faults, controllers", async () => {
    await expectRefused(file(kafka().replace("rate: 100", "rate: 100, keys: { distribution: uniform, count: 1e12 }")), "workload.keys.count", "from 1 to 1,000,000");
    await expectRefused(file(kafka({ extra: "randomFaults: { count: 1000000 }\n" })), "randomFaults.count", "from 0 to 1,000");
    await expectRefused(file(kafka().replace("brokers: 3", "brokers: 3\n  controllers: 1000")), "cluster.controllers", "from 0 to 15");
  });
  it("a duration past a year", async () => {
    await expectRefused(file(kafka({ duration: "99999999h" })), "duration", "at most 365 days");
  });
});

describe("a run estimated past its budget is refused before it starts, with the estimate and the way out", () => {
  it("duration: 100h names the fields, the estimate and simulator.maxEvents", async () => {
    await expectRefused(file(kafka({ duration: "100h" })), "simulator.maxEvents", "events", "duration 100h", "3 brokers", "over the budget of 20,000,000", "raise simulator.maxEvents to at least");
  });
  it("many partitions in many topics", async () => {
    const topics = Array.from({ length: 30 }, (_, i) => `{ name: t${i}, partitions: 10000, replicationFactor: 3 }`).join(", ");
    await expectRefused(file(kafka().replace(/topics: \[.*\]/, `topics: [${topics}, { name: clicks, partitions: 3, replicationFactor: 3 }]`)), "simulator.maxEvents", "300,003 partitions");
  });
  it("a memory bound: many records kept for the checkers", async () => {
    await expectRefused(file(kafka({ rate: 1000000, duration: "2m" })), "simulator.maxMemoryMiB", "MiB of memory", "records produced", "raise simulator.maxMemoryMiB");
  });
  it("raising the limit lets the run be considered again", async () => {
    const r = await cli("run", file(kafka({ duration: "100h", extra: "simulator: { maxEvents: 1000 }\n" })));
    expect(r.stderr).toContain("over the budget of 1,000");
    expect(estimateWork(loadScenario(file(kafka()))).events).toBeLessThan(20_000_000);
  });
});

describe("when the event budget runs out mid-run", () => {
  it("time still advancing: says where it stopped, of how long, and how far to raise simulator.maxEvents (exit 2)", async () => {
    // The estimate leans low (see workEstimate.ts); pick a budget between it and the real count.
    const base = loadScenario("scenarios/acks-1-leader-failover.yaml");
    const estimated = estimateWork(base).events;
    const real = readGolden()["acks-1-leader-failover"]["1"].events;
    expect(real).toBeGreaterThan(estimated * 1.1);
    const budget = Math.floor((estimated + real) / 2);
    const f = file(readFileSync("scenarios/acks-1-leader-failover.yaml", "utf8") + `simulator: { maxEvents: ${budget} }\n`);
    const r = await cli("run", f, "--seed", "1");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/event budget reached at \d+(\.\d{1,3})?s of 45s simulated/);
    expect(r.stderr).toContain("still advancing");
    expect(r.stderr).toMatch(/raise simulator\.maxEvents to about [\d,]+/);
    const j = JSON.parse((await cli("run", f, "--seed", "1", "--json")).stdout);
    expect(j.status).toBe("event-budget");
    expect(j.eventBudget.stuck).toBe(false);
  });

  it("time stuck: a livelock, with the actors and events that repeat (exit 1)", async () => {
    const f = file(`name: t
description: heartbeats every 0ms never let time move
duration: 5s
demo:
  heartbeat: { monitor: m, nodes: [a, b], interval: 0ms, timeout: 500ms }
simulator: { maxEvents: 50000 }
`);
    const r = await cli("run", f);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("livelock: simulated time stood still at");
    expect(r.stdout).toMatch(/repeating: [ab] timer \S+ ×\d+/);
    expect(r.stdout).toContain("replay: kafkasim run");
    // --quiet: the replay line on stdout, the status once on stderr (no check failed, so no list of checks).
    const q = await cli("run", f, "--quiet");
    expect(q.code).toBe(1);
    expect(q.stdout).toMatch(/^kafkasim run /);
    expect(q.stderr.trim()).toMatch(/^[a-z-]+$/);
  });

  it("formats simulated time as people read it", () => {
    expect(formatSimTime(11_340_000)).toBe("3h09m");
    expect(formatSimTime(360_000_000)).toBe("100h");
    expect(formatSimTime(245_000)).toBe("4m05s");
    expect(formatSimTime(12_500)).toBe("12.5s");
  });
});

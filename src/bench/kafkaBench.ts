import { join } from "node:path";
import { shippedScenarioDir } from "../cli/scenarioFiles.js";
import { loadScenario, parseScenario } from "../scenario/load.js";
import { runScenario } from "../runner/run.js";
import { referenceWorkload } from "./referenceWorkload.js";

/** The reference workload (60 s; see referenceWorkload.ts). */
export const REFERENCE_WORKLOAD = referenceWorkload();

/**
 * `kafka`: simulated ms per wall ms of the reference workload, checks included (after a 10-s warm-up run), and how
 * much of that wall time the end-of-run checks took (`checksShare`: reading the final logs and judging them, from the
 * run's own phase timing).
 */
export function kafkaSimulatedMsPerWallMs(): { simulatedMsPerWallMs: number; events: number; wallMs: number; checksShare: number; acknowledged: number } {
  const scenario = parseScenario(REFERENCE_WORKLOAD, "<bench>");
  runScenario(scenario, { durationMs: 10_000 }); // warm the JIT up, as the engine figure does
  const t0 = performance.now();
  let checksAt = 0;
  const r = runScenario(scenario, { beforeChecks: () => (checksAt = performance.now()) });
  const t1 = performance.now();
  const wallMs = t1 - t0;
  const h = r.history;
  let acknowledged = 0;
  for (let i = 0; i < h.length; i++) if (h.typeAt(i) === "ok" && h.fAt(i) === "send") acknowledged++;
  if (!r.ok) throw new Error(`reference workload failed its checks: ${JSON.stringify(r.checks)}`);
  return {
    simulatedMsPerWallMs: Math.round((r.simulatedMs / wallMs) * 10) / 10,
    events: r.events,
    wallMs: Math.round(wallMs),
    checksShare: Math.round(((t1 - checksAt) / wallMs) * 1000) / 1000,
    acknowledged,
  };
}

/** Explore throughput: seeds of a faulted scenario per wall second. */
export function exploreSeedsPerSec(seeds: number): { seedsPerSec: number; seeds: number } {
  const scenario = parseScenario(
    `name: bench-explore
description: explore throughput
duration: 30s
cluster:
  brokers: 3
  topics: [{ name: t, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: 2 } }]
clients:
  - { id: app, kind: producer, config: { acks: all }, workload: { topic: t, rate: 200 } }
randomFaults: { kinds: [crash, pause, partition], count: { min: 1, max: 3 }, duration: { min: 1s, max: 5s } }
expect: [noLostAcknowledgedWrites]
`,
    "<bench>",
  );
  const t0 = performance.now();
  for (let s = 1; s <= seeds; s++) runScenario(scenario, { seed: s });
  return { seedsPerSec: Math.round((seeds / ((performance.now() - t0) / 1000)) * 10) / 10, seeds };
}

/**
 * `validation`: the Kreps 2014 validation scenario (scenarios/perf-kreps-2014-single-producer.yaml, a perf-test
 * producer at ~900,000 records per simulated second, issue 17 item 6): simulated ms per wall ms of one run at its
 * seed (after a warm-up run), its producer's records/s and the published figure's ratio.
 */
export function validationSimulatedMsPerWallMs(): { scenario: string; simulatedMsPerWallMs: number; wallMs: number; events: number; recordsPerSec: number; ratioToPublished: number } {
  const file = join(shippedScenarioDir(), "perf-kreps-2014-single-producer.yaml");
  const scenario = loadScenario(file);
  runScenario(scenario, { durationMs: 4_000 }); // warm the JIT up
  const t0 = performance.now();
  const r = runScenario(scenario);
  const wallMs = performance.now() - t0;
  const recordsPerSec = r.performance?.producers[0]?.recordsPerSec ?? 0;
  return {
    scenario: "perf-kreps-2014-single-producer",
    simulatedMsPerWallMs: Math.round((r.simulatedMs / wallMs) * 100) / 100,
    wallMs: Math.round(wallMs),
    events: r.events,
    recordsPerSec,
    ratioToPublished: Math.round((recordsPerSec / 821_557) * 1000) / 1000,
  };
}

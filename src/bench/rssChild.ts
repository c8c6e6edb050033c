import { parseScenario } from "../scenario/load.js";
import { runScenario } from "../runner/run.js";
import { referenceWorkload, type ReferenceShape } from "./referenceWorkload.js";

/**
 * Child process of `rssBench.ts`: runs one reference-workload shape (JSON in argv[2]), checks included, and prints
 * one JSON line: simulated ms per wall ms, events, the run's status, and the process's peak RSS in MiB
 * (`process.resourceUsage().maxRSS`, KiB on Linux), which a fresh process makes the run's own.
 */
const shape = JSON.parse(process.argv[2] ?? "{}") as Partial<ReferenceShape>;
const scenario = parseScenario(referenceWorkload(shape), "<bench>");
const t0 = performance.now();
let checksAt = 0;
const r = runScenario(scenario, { beforeChecks: () => (checksAt = performance.now()) });
const t1 = performance.now();
process.stdout.write(
  JSON.stringify({
    simulatedMsPerWallMs: Math.round((r.simulatedMs / (t1 - t0)) * 10) / 10,
    wallMs: Math.round(t1 - t0),
    checksShare: Math.round(((t1 - checksAt) / (t1 - t0)) * 1000) / 1000,
    events: r.events,
    status: r.status,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + "\n",
);

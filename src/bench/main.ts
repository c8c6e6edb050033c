import { baselineEventsPerSec, engineEventsPerSec } from "./engineBench.js";
import { exploreSeedsPerSec, kafkaSimulatedMsPerWallMs, validationSimulatedMsPerWallMs } from "./kafkaBench.js";
import { checkOpsPerSec } from "./checkBench.js";
import { exploreWorkersSeedsPerSec } from "./exploreBench.js";
import { peakRssOfTenMinuteRun } from "./rssBench.js";

/** `npm run bench`: one JSON object of figures (design.md §6). Ratios are what notes should quote. */
function best<T extends { eventsPerSec: number }>(runs: number, f: () => T): T {
  let top: T | undefined;
  for (let i = 0; i < runs; i++) {
    const r = f();
    if (!top || r.eventsPerSec > top.eventsPerSec) top = r;
  }
  return top!;
}

const EVENTS = 2_000_000;
best(1, () => engineEventsPerSec(200_000)); // warm up the JIT
best(1, () => baselineEventsPerSec(200_000));
const engine = best(3, () => engineEventsPerSec(EVENTS));
const baseline = best(3, () => baselineEventsPerSec(EVENTS));
const figures: Record<string, unknown> = {
  engine,
  baseline,
  ratio: Number((engine.eventsPerSec / baseline.eventsPerSec).toFixed(3)),
  kafka: { ...kafkaSimulatedMsPerWallMs(), ...peakRssOfTenMinuteRun() },
  validation: validationSimulatedMsPerWallMs(),
  explore: { ...exploreSeedsPerSec(10), ...(await exploreWorkersSeedsPerSec(2, 60)) },
  check: checkOpsPerSec(),
  node: process.version,
};
process.stdout.write(JSON.stringify(figures, null, 2) + "\n");

import { shippedScenarioPath } from "../scenario/shipped.js";
import { runSweep } from "../cli/seedPool.js";

/**
 * `explore` on worker threads (issue 14's figure): the shipped 60-s zombie-producer scenario (its GC pause ends at 40 s), `seeds` seeds on
 * `workers` threads through the same pool and task as `kafkasim explore`, timed from the pool's start (thread
 * start-up and scenario loading included) to the last outcome. Seeds per wall second.
 */
export async function exploreWorkersSeedsPerSec(workers: number, seeds: number): Promise<{ zombieSeedsPerSec: number; workers: number; zombieSeeds: number }> {
  const path = shippedScenarioPath("zombie-producer")!;
  const tasks = Array.from({ length: seeds }, (_, i) => ({ path, overrides: [], variant: 0, seed: i + 1 }));
  const t0 = performance.now();
  await runSweep(tasks, { workers });
  const s = (performance.now() - t0) / 1000;
  return { zombieSeedsPerSec: Math.round((seeds / s) * 10) / 10, workers, zombieSeeds: seeds };
}

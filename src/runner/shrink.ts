import type { ResolvedScenario } from "../scenario/resolved.js";
import type { FaultOp } from "../sim/index.js";
import { noOpInverses } from "../scenario/noOpInverses.js";
import { runScenario } from "./run.js";

export interface ShrinkResult {
  /** What failed in the original run (check names, or the run status). */
  failing: string[];
  original: FaultOp[];
  shrunk: FaultOp[];
  runs: number;
}

function failures(s: ResolvedScenario, seed: string | number, faults: FaultOp[]): string[] {
  const r = runScenario(s, { seed, faults });
  if (r.ok) return [];
  const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
  return failed.length > 0 ? failed : [r.status];
}

/**
 * Greedy shrinking of a failing run's fault schedule: drop faults one at a time, then halve durations and pull
 * faults earlier, keeping each change that still fails the same way (the first failure of the original run must
 * still be among the failures). The seed stays fixed, so the rest of the run is the same random world.
 */
export function shrinkFaults(s: ResolvedScenario, seed: string | number, faults: FaultOp[], maxRuns = 200): ShrinkResult | null {
  const failing = failures(s, seed, faults);
  if (failing.length === 0) return null;
  const target = failing[0];
  let runs = 1;
  // A candidate the loader would refuse (dropping a crash leaves its restart doing nothing; a halved for: restarts
  // the actor before a restart the file asks for) is not tried: the schedule written must load again. The written
  // file has no random generator, so no node is a random fault's.
  const actors = new Set([...s.brokers, ...s.controllers, ...s.clients.map((c) => c.id)]);
  const stillFails = (candidate: FaultOp[]) => {
    if (noOpInverses(candidate, actors, []).length > 0) return false;
    runs++;
    return failures(s, seed, candidate).includes(target);
  };
  let current = [...faults];
  let progress = true;
  while (progress && runs < maxRuns) {
    progress = false;
    for (let i = 0; i < current.length && runs < maxRuns; i++) {
      const without = current.filter((_, j) => j !== i);
      if (stillFails(without)) {
        current = without;
        progress = true;
        i--;
      }
    }
    for (let i = 0; i < current.length && runs < maxRuns; i++) {
      const f = current[i];
      const simpler: FaultOp[] = [];
      if ("forMs" in f && f.forMs !== undefined && f.forMs > 100) simpler.push({ ...f, forMs: Math.round(f.forMs / 2) } as FaultOp);
      for (const candidate of simpler) {
        const next = current.map((x, j) => (j === i ? candidate : x));
        if (stillFails(next)) {
          current = next;
          progress = true;
        }
      }
    }
  }
  return { failing, original: faults, shrunk: current, runs };
}

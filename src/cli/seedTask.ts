import { loadScenario } from "../scenario/load.js";
import { parseOverride } from "../scenario/overrides.js";
import type { ResolvedScenario } from "../scenario/resolved.js";
import { runSeed, type SeedOutcome } from "../runner/seedOutcome.js";
import { ScenarioError } from "../scenario/errors.js";

/** One seed of a sweep, as sent to a worker thread (plain data: it is structured-cloned). */
export interface SeedTask {
  /** Absolute path of the scenario file. */
  path: string;
  /** `--set KEY=VALUE` texts of the variant (compare), in order; [] for explore. */
  overrides: string[];
  /** Which variant of a compare (0 for explore). */
  variant: number;
  seed: number;
  durationMs?: number;
  checkDeterminism?: boolean;
}

/** A seed's outcome with its variant and the wall time it took (ms, this process's clock). */
export interface TimedOutcome extends SeedOutcome {
  variant: number;
  wallMs: number;
}

/** What a task returns: the outcome, or a user's mistake found only while running (a swarm draw past the budget). */
export type TaskResult = { ok: true; outcome: TimedOutcome } | { ok: false; userError: string };

const loaded = new Map<string, ResolvedScenario>();

/**
 * Runs one task; the same function in-process (`--workers 1`) and in each worker thread, so both give the same
 * outcomes. A scenario is loaded once per thread and variant.
 */
export function runSeedTask(t: SeedTask): TaskResult {
  const key = [t.path, ...t.overrides].join("\0");
  try {
    let s = loaded.get(key);
    if (!s) loaded.set(key, (s = loadScenario(t.path, { overrides: t.overrides.map(parseOverride), runDurationMs: t.durationMs })));
    const started = performance.now();
    const o = runSeed(s, t.seed, { durationMs: t.durationMs, checkDeterminism: t.checkDeterminism });
    return { ok: true, outcome: { ...o, variant: t.variant, wallMs: performance.now() - started } };
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, userError: e.message };
    throw e;
  }
}

import { ScenarioError } from "../scenario/errors.js";
import { loadScenario } from "../scenario/load.js";
import { OverrideError, parseOverride } from "../scenario/overrides.js";
import type { ResolvedScenario } from "../scenario/resolved.js";
import { UsageError } from "./options.js";

/** The `--set KEY=VALUE` texts as yargs hands them over (absent, one string, or a list), in the order given. */
export function setTexts(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
}

/**
 * A scenario file with `--set KEY=VALUE` changes applied before validation (scenario/overrides.ts), so the run is
 * checked exactly as if the file said it; the result's `sets` lists them for replay lines. A malformed `--set`, or
 * one whose KEY names nothing, is a UsageError (exit 2); so is a value the scenario's rules refuse, named by the
 * --set and the path in the file. A ScenarioError the file gives without the changes passes through as it is.
 * `runDurationMs` is the run's `--duration` (ms), when given: the file's times may reach up to it.
 */
export function loadWithSets(file: string, sets: readonly string[], runDurationMs?: number): ResolvedScenario {
  if (new Set(sets).size !== sets.length) throw new UsageError("--set: the same --set is given twice");
  try {
    return loadScenario(file, { overrides: sets.map(parseOverride), runDurationMs });
  } catch (e) {
    if (e instanceof OverrideError) throw new UsageError(e.message);
    // A mistake the file makes on its own is the file's; one only the changes make is named by them.
    if (sets.length > 0 && e instanceof ScenarioError && e.path !== "" && fileLoads(file, runDurationMs)) throw new UsageError(`--set ${sets.join(" --set ")}: ${e.message}`);
    throw e;
  }
}

function fileLoads(file: string, runDurationMs: number | undefined): boolean {
  try {
    loadScenario(file, { runDurationMs });
    return true;
  } catch {
    return false;
  }
}

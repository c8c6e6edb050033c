import { resolve } from "node:path";
import type { ResolvedScenario } from "../scenario/resolved.js";
import { checkWorkBudget } from "../scenario/workEstimate.js";
import type { CliIO } from "./io.js";
import { parseDurationOption, parsePositiveInt, parseSeed, parseShard, UsageError } from "./options.js";
import { checkOutputFile } from "./outputPaths.js";
import { defaultWorkers } from "./seedPool.js";
import { shardSeeds } from "./shardFile.js";

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** The options explore and compare share: which seeds, how many workers, the shard and its output file. */
export interface SweepArgs {
  seeds: unknown;
  from?: unknown;
  shard?: unknown;
  workers?: unknown;
  duration?: unknown;
  out?: string;
  checkDeterminism?: boolean;
}

export interface SweepPlan {
  count: number;
  from: number;
  shard?: { k: number; n: number };
  seeds: number[];
  workers: number;
  durationMs?: number;
  /** Absolute path for --out, checked writable. */
  outPath?: string;
}

/** Parses and checks the shared options (UsageError, exit 2) before anything runs; `from` defaults to the scenario's seed. */
export function planSweep(a: SweepArgs, scenario: ResolvedScenario, io: CliIO): SweepPlan {
  const count = parsePositiveInt(a.seeds, "--seeds");
  const fromRaw = parseSeed(a.from);
  if (typeof fromRaw === "string") throw new UsageError("--from: must be an integer seed");
  const shard = parseShard(a.shard);
  const workers = a.workers === undefined ? defaultWorkers() : parsePositiveInt(a.workers, "--workers");
  const durationMs = parseDurationOption(a.duration, "--duration");
  if (a.out !== undefined && !a.out.endsWith(".jsonl")) throw new UsageError(`--out ${a.out}: must end in .jsonl (one JSON line per seed)`);
  const outPath = a.out !== undefined ? checkOutputFile(a.out, "--out", io.cwd) : undefined;
  const from = fromRaw ?? (typeof scenario.seed === "number" ? scenario.seed : 1);
  // A run past its budget is refused here, once, not in every worker.
  checkWorkBudget(scenario, { durationMs });
  return { count, from, shard, seeds: shardSeeds(from, count, shard), workers, durationMs, outPath };
}

/** Absolute path of the scenario for worker threads (they share the process's cwd, but not the CLI's io.cwd). */
export function scenarioPath(file: string, io: CliIO): string {
  return resolve(io.cwd, file);
}

/** Wires Ctrl-C to an AbortController for the sweep; returns it and the function that unwires it. */
export function interruptible(io: CliIO): { signal: AbortSignal; done: () => void } {
  const ac = new AbortController();
  const off = io.onInterrupt?.(() => ac.abort()) ?? (() => {});
  return { signal: ac.signal, done: off };
}

import { resolve } from "node:path";
import type { ResolvedScenario } from "../scenario/resolved.js";
import { checkWorkBudget } from "../scenario/workEstimate.js";
import type { CliIO } from "./io.js";
import { parseDurationOption, parsePositiveInt, parseSeed, parseShard, UsageError } from "./options.js";
import { checkOutputFile } from "./outputPaths.js";
import { defaultWorkers, runSweep } from "./seedPool.js";
import type { SeedTask, TimedOutcome } from "./seedTask.js";
import { fileSha256, type ShardHeader, shardSeeds, shardText } from "./shardFile.js";
import { writeOutputFile } from "./outputPaths.js";
import { startProgress } from "./sweepProgress.js";

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
  const fromRaw = parseSeed(a.from, "--from");
  const shard = parseShard(a.shard);
  const workers = a.workers === undefined ? defaultWorkers() : parsePositiveInt(a.workers, "--workers");
  const durationMs = parseDurationOption(a.duration, "--duration");
  if (a.out !== undefined && !a.out.endsWith(".jsonl")) throw new UsageError(`--out ${a.out}: must end in .jsonl (one JSON line per seed)`);
  const outPath = a.out !== undefined ? checkOutputFile(a.out, "--out", io.cwd) : undefined;
  const from = fromRaw ?? (typeof scenario.seed === "number" ? scenario.seed : 1);
  checkSeedRange(from, count, shard);
  // A run past its budget is refused here, once, not in every worker.
  checkWorkBudget(scenario, { durationMs });
  return { count, from, shard, seeds: shardSeeds(from, count, shard), workers, durationMs, outPath };
}

/** The most seeds one explore or compare process runs (its shard's share): a list past ~10^8 numbers is past V8's array limit. */
export const MAX_SEEDS_PER_PROCESS = 10_000_000;

/**
 * Refuses (UsageError, exit 2) a sweep whose seeds leave the safe integers (past 2^53 - 1 two seeds would be one
 * number) or whose share for this process is more than MAX_SEEDS_PER_PROCESS (`--seeds 1e9` allocated a billion
 * seeds and V8 aborted with a fatal error instead of an answer).
 */
function checkSeedRange(from: number, count: number, shard: { k: number; n: number } | undefined): void {
  // Not from + count - 1 > MAX: past 2^53 that sum rounds back into range; MAX - (count - 1) is exact.
  if (from > Number.MAX_SAFE_INTEGER - (count - 1))
    throw new UsageError(`--seeds ${count}: the last seed, ${from} + ${count} - 1, is past ${Number.MAX_SAFE_INTEGER} (2^53 - 1, the largest seed); give a smaller --from or --seeds`);
  const mine = shard ? Math.floor((count - shard.k) / shard.n) + 1 : count;
  if (mine > MAX_SEEDS_PER_PROCESS)
    throw new UsageError(`--seeds ${count}: at most ${MAX_SEEDS_PER_PROCESS.toLocaleString("en-US")} seeds in one process (this one would run ${mine.toLocaleString("en-US")}); split the sweep with --shard K/N (see README "Sweeps at scale")`);
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

/** What a planned sweep produced: the outcomes finished (in task order), whether Ctrl-C cut it short, its wall time. */
export interface PlannedSweepRun {
  done: TimedOutcome[];
  interrupted: boolean;
  wallMs: number;
  workers: number;
}

/**
 * Runs `tasks` on the plan's workers (never more than tasks) with a progress line (none for `--json` on a terminal)
 * and Ctrl-C wired to stop it: the part `explore` and `compare` share. `label` names what the progress counts.
 */
export async function runPlannedSweep(tasks: SeedTask[], plan: SweepPlan, io: CliIO, json: boolean | undefined, label?: string): Promise<PlannedSweepRun> {
  const workers = Math.max(1, Math.min(plan.workers, tasks.length));
  const progress = json && io.interactive ? undefined : startProgress(io, tasks.length, label);
  const interrupt = interruptible(io);
  const started = performance.now();
  let run;
  try {
    run = await runSweep(tasks, { workers, signal: interrupt.signal, onResult: (o) => progress?.seedDone(!o.ok) });
  } finally {
    interrupt.done();
    progress?.stop();
  }
  const wallMs = performance.now() - started;
  return { done: run.results.filter((o): o is TimedOutcome => o !== undefined), interrupted: run.interrupted, wallMs, workers };
}

/**
 * `--out FILE.jsonl`: writes the shard file (its header, then one line per finished seed) when the plan asks for it.
 * `command`, `variants` and `extra` are what differs between explore and compare.
 */
export function writeShardFile(
  plan: SweepPlan,
  run: PlannedSweepRun,
  s: { command: "explore" | "compare"; scenario: string; file: string; path: string; variants: string[]; checkDeterminism?: boolean; extra?: Partial<ShardHeader> },
): void {
  if (plan.outPath === undefined) return;
  const header: ShardHeader = {
    kafkasim: "sweep-shard",
    version: 1,
    command: s.command,
    scenario: s.scenario,
    file: s.file,
    scenarioSha256: fileSha256(s.path),
    from: plan.from,
    seeds: plan.count,
    shard: plan.shard ?? { k: 1, n: 1 },
    variants: s.variants,
    durationMs: plan.durationMs ?? null,
    checkDeterminism: s.checkDeterminism ?? false,
    complete: !run.interrupted,
    ...s.extra,
  };
  writeOutputFile(plan.outPath, shardText(header, run.done), "--out");
}

import type { ChalkInstance } from "chalk";
import { RARE_MOMENT_NAMES, type MomentCoverage, sumCoverage } from "../runner/rareMoments.js";
import { failuresByCheck } from "../report/failuresByCheck.js";
import { replayLine, replayOptions } from "../report/summary.js";
import { shellQuote } from "../report/shellQuote.js";
import { describeDrawn, type Drawn } from "../scenario/swarm.js";
import type { TimedOutcome } from "./seedTask.js";

/** A failing seed in the table and in `--json`. */
export interface SweepFailure {
  seed: number;
  status: string;
  failed: string[];
  firstFinding: string;
  /** The seed's run digest (16 hex digits): `kafkasim run FILE --seed N` prints the same. */
  digest: string;
  /** A swarm scenario: the configuration the seed drew. */
  drawn?: Drawn;
  /** With --check-determinism: what the two reruns showed. */
  determinism?: string;
}

/**
 * The `explore --json` object; `merge` prints the same object for the same seeds. Only `wallMs`, `seedsPerSec`
 * and `workers` (timing) differ between one run and merged shards.
 */
export interface SweepSummary {
  scenario: string;
  file: string;
  /** The `--set KEY=VALUE` changes every seed ran with (absent: none). */
  sets?: string[];
  /** `--duration` (ms), when the seeds ran for other than the scenario's duration. */
  durationMs?: number;
  /** Seeds finished (all of them unless interrupted). */
  seeds: number;
  from: number;
  /** Only when the run was a shard: which one. */
  shard?: string;
  failures: SweepFailure[];
  events: number;
  /** How many seeds reached each rare moment, and how often it happened in all (rareMoments.ts). */
  coverage: MomentCoverage;
  /** Ctrl-C: how many seeds were asked for (`seeds` is how many finished). */
  interrupted?: { asked: number };
  wallMs: number;
  seedsPerSec: number;
  workers?: number;
  ok: boolean;
}

export interface SweepMeta {
  scenario: string;
  file: string;
  sets?: readonly string[];
  durationMs?: number;
  from: number;
  shard?: string;
  asked: number;
  interrupted: boolean;
  wallMs: number;
  workers?: number;
}

/** Summarises finished seeds (in any order: the summary lists them in seed order). */
export function summarizeSweep(outcomes: readonly TimedOutcome[], m: SweepMeta): SweepSummary {
  const done = [...outcomes].sort((a, b) => a.seed - b.seed);
  const failures: SweepFailure[] = done
    .filter((o) => !o.ok)
    .map((o) => ({
      seed: o.seed,
      status: o.status,
      failed: o.failed,
      firstFinding: o.firstFinding,
      digest: o.digest,
      ...(o.drawn ? { drawn: o.drawn } : {}),
      ...(o.determinism ? { determinism: o.determinism.message } : {}),
    }));
  const events = done.reduce((n, o) => n + o.events, 0);
  return {
    scenario: m.scenario,
    file: m.file,
    ...(m.sets && m.sets.length > 0 ? { sets: [...m.sets] } : {}),
    ...(m.durationMs !== undefined ? { durationMs: m.durationMs } : {}),
    seeds: done.length,
    from: m.from,
    ...(m.shard ? { shard: m.shard } : {}),
    failures,
    events,
    coverage: sumCoverage(done.map((o) => o.moments)),
    ...(m.interrupted ? { interrupted: { asked: m.asked } } : {}),
    wallMs: Math.round(m.wallMs),
    seedsPerSec: done.length / Math.max(m.wallMs / 1000, 1e-9),
    ...(m.workers !== undefined ? { workers: m.workers } : {}),
    ok: failures.length === 0,
  };
}

/** How many swarm draws a table prints (each failing seed's configuration is in --json). */
const DRAWS_SHOWN = 5;

/** The explore table: failing checks with their seeds, rare-moment coverage, replay and shrink lines. */
export function formatSweep(s: SweepSummary, c: ChalkInstance, finds?: string[]): string[] {
  const lines: string[] = [];
  const head = s.interrupted ? `interrupted: ${s.seeds} of ${s.interrupted.asked} seeds finished` : `${s.seeds} seeds from ${s.from}`;
  const workers = s.workers !== undefined ? `, ${s.workers} worker${s.workers === 1 ? "" : "s"}` : "";
  lines.push(`${s.scenario}: ${head}${s.shard ? ` (shard ${s.shard})` : ""}, ${s.failures.length} failing  ${c.dim(`(${s.wallMs}ms wall${workers}, ${s.events} events, ${s.seedsPerSec.toFixed(1)} seeds/s)`)}`);
  if (finds) lines.push(c.dim(`  a sweep: the seeds that break ${finds.join(", ")} are its findings`));
  if (s.failures.length > 0) {
    const byCheck = failuresByCheck(s.failures);
    lines.push(c.bold("  failing check".padEnd(40) + "seeds"));
    for (const [name, seeds] of byCheck) lines.push(`  ${name.padEnd(38)}${seeds.slice(0, 12).join(" ")}${seeds.length > 12 ? ` ... (${seeds.length})` : ""}`);
    const drawn = s.failures.filter((f) => f.drawn);
    for (const f of drawn.slice(0, DRAWS_SHOWN)) lines.push(`  seed ${f.seed} drew: ${describeDrawn(f.drawn!)}`);
    if (drawn.length > DRAWS_SHOWN) lines.push(c.dim(`  (and ${drawn.length - DRAWS_SHOWN} more draws in --json)`));
    for (const f of s.failures.filter((x) => x.determinism)) lines.push(`  seed ${f.seed} ${f.determinism}`);
    lines.push(c.dim(`  replay one: ${replayLine({ file: s.file, seed: s.failures[0].seed, sets: s.sets, durationMs: s.durationMs })}`));
    lines.push(c.dim(`  shrink it:  kafkasim shrink ${shellQuote(s.file)} --seed ${s.failures[0].seed}${replayOptions(s)}`));
  }
  lines.push(...formatCoverage(s.coverage, s.seeds, c));
  return lines;
}

/** Rare moments reached, most seeds first; the ones never reached in one line (a sweep may mean to reach them). */
export function formatCoverage(cov: MomentCoverage, seeds: number, c: ChalkInstance): string[] {
  const reached = RARE_MOMENT_NAMES.filter((n) => cov[n].seeds > 0).sort((a, b) => cov[b].seeds - cov[a].seeds);
  const never = RARE_MOMENT_NAMES.filter((n) => cov[n].seeds === 0);
  const lines = [c.bold("  rare moment".padEnd(40) + "seeds reached   times")];
  for (const n of reached) lines.push(`  ${n.padEnd(38)}${`${cov[n].seeds}/${seeds}`.padEnd(16)}${cov[n].times}`);
  if (never.length > 0) lines.push(c.dim(`  never reached: ${never.join(", ")}`));
  return lines;
}

import type { ChalkInstance } from "chalk";
import { RARE_MOMENT_NAMES, type MomentCoverage } from "../runner/rareMoments.js";
import type { TimedOutcome } from "./seedTask.js";
import { type SweepFailure, summarizeSweep } from "./sweepSummary.js";

/** One variant of `kafkasim compare`: its `--set`, and how many of the same seeds failed each check under it. */
export interface VariantSummary {
  set: string;
  seeds: number;
  /** Seeds with any failure. */
  failing: number;
  /** Check name → seeds that failed it. */
  checks: Record<string, number>;
  failures: SweepFailure[];
  coverage: MomentCoverage;
}

/** The `compare --json` object; `merge` of compare shards prints the same (timing fields aside). */
export interface CompareSummary {
  scenario: string;
  file: string;
  /** Seeds per variant (finished, for every variant). */
  seeds: number;
  from: number;
  shard?: string;
  variants: VariantSummary[];
  events: number;
  interrupted?: { asked: number };
  wallMs: number;
  seedsPerSec: number;
  workers?: number;
}

export interface CompareMeta {
  scenario: string;
  file: string;
  from: number;
  shard?: string;
  variants: string[];
  asked: number;
  interrupted: boolean;
  wallMs: number;
  workers?: number;
}

/**
 * Per variant, over the seeds every variant finished (after Ctrl-C a seed finished under one variant only is left
 * out, so the variants are compared on the same seeds).
 */
export function summarizeCompare(outcomes: readonly TimedOutcome[], m: CompareMeta): CompareSummary {
  const perVariant = m.variants.map((_, v) => outcomes.filter((o) => o.variant === v));
  const common = perVariant.map((os) => new Set(os.map((o) => o.seed))).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
  let events = 0;
  const variants = m.variants.map((set, v): VariantSummary => {
    const mine = perVariant[v].filter((o) => common.has(o.seed));
    const s = summarizeSweep(mine, { scenario: m.scenario, file: m.file, from: m.from, asked: 0, interrupted: false, wallMs: 0 });
    events += s.events;
    const checks: Record<string, number> = {};
    for (const f of s.failures) for (const n of f.failed) checks[n] = (checks[n] ?? 0) + 1;
    return { set, seeds: s.seeds, failing: s.failures.length, checks, failures: s.failures, coverage: s.coverage };
  });
  const total = variants.reduce((n, v) => n + v.seeds, 0);
  return {
    scenario: m.scenario,
    file: m.file,
    seeds: common.size,
    from: m.from,
    ...(m.shard ? { shard: m.shard } : {}),
    variants,
    events,
    ...(m.interrupted ? { interrupted: { asked: m.asked } } : {}),
    wallMs: Math.round(m.wallMs),
    seedsPerSec: total / Math.max(m.wallMs / 1000, 1e-9),
    ...(m.workers !== undefined ? { workers: m.workers } : {}),
  };
}

/** The verdict table: a row per variant, a column per check that failed under some variant; then rare moments. */
export function formatCompare(s: CompareSummary, c: ChalkInstance): string[] {
  const checks = [...new Set(s.variants.flatMap((v) => Object.keys(v.checks)))].sort();
  const setWidth = Math.max(24, ...s.variants.map((v) => v.set.length + 2));
  const col = (t: string) => t.padEnd(Math.max(10, t.length + 2));
  const lines = [
    `${s.scenario}: ${s.seeds} seeds from ${s.from}${s.shard ? ` (shard ${s.shard})` : ""}, the same seeds and fault schedules under ${s.variants.length} variants${s.interrupted ? " (interrupted)" : ""}  ${c.dim(`(${s.wallMs}ms wall, ${s.events} events)`)}`,
    c.bold(`  ${"--set".padEnd(setWidth)}${col("failing")}${checks.map(col).join("")}`),
  ];
  for (const v of s.variants) lines.push(`  ${v.set.padEnd(setWidth)}${col(`${v.failing}/${v.seeds}`)}${checks.map((n) => col(String(v.checks[n] ?? 0))).join("")}`);
  // An `anomaly:` expectation fails where the anomaly is NOT found: a variant that fixes it counts as failing there.
  const anomalies = checks.filter((n) => n.startsWith("anomaly"));
  if (anomalies.length > 0) lines.push(c.dim(`  (${anomalies.join(", ")}: the scenario expects the anomaly, so a seed counts as failing there when the anomaly did NOT happen)`));
  const reached = RARE_MOMENT_NAMES.filter((n) => s.variants.some((v) => v.coverage[n].seeds > 0));
  if (reached.length > 0) {
    lines.push(c.bold(`  ${"rare moment (seeds reached)".padEnd(setWidth)}${s.variants.map((_, i) => col(`#${i + 1}`)).join("")}`));
    for (const n of reached) lines.push(`  ${n.padEnd(setWidth)}${s.variants.map((v) => col(String(v.coverage[n].seeds))).join("")}`);
    lines.push(c.dim(`  ${s.variants.map((v, i) => `#${i + 1}: --set ${v.set}`).join("   ")}`));
  }
  return lines;
}

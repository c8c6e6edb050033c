import cliProgress from "cli-progress";
import type { ChalkInstance } from "chalk";
import { join } from "node:path";
import { loadScenario } from "../scenario/load.js";
import type { ExploreEntry } from "../report/html/page.js";
import { RunRecorder } from "../report/recorder/runRecorder.js";
import { replayLine } from "../report/summary.js";
import { shellQuote } from "../report/shellQuote.js";
import { type RunResult, runScenario } from "../runner/run.js";
import type { CliIO } from "./io.js";
import { parsePositiveInt, parseSeed, parseShard, UsageError } from "./options.js";
import { prepareReportDir, RUN_REPORT_FILES, safeName, writeExploreIndex, writeRunReport } from "./reportFiles.js";
import { findScenario } from "./scenarioFiles.js";

export interface ExploreArgs {
  scenario: string;
  seeds: unknown;
  from?: unknown;
  shard?: unknown;
  json?: boolean;
  report?: string;
}

/** `explore --report DIR` writes a page for at most this many failing seeds (each is one more run). */
export const MAX_SEED_REPORTS = 20;

interface Failure {
  seed: number;
  status: string;
  failed: string[];
  firstFinding: string;
}

/** The first thing that went wrong in a failed run, in one line. */
function firstProblem(r: RunResult): string {
  const c = r.checks.find((x) => !x.ok);
  if (c) return `${c.name}: ${c.details[0] ?? ""}`;
  if (r.invariantViolations.length > 0) return `invariant: ${r.invariantViolations[0]}`;
  return r.status;
}

/** Runs many seeds one after another and tables the ones whose expectations fail. */
export function exploreCommand(args: ExploreArgs, io: CliIO, c: ChalkInstance): number {
  const file = findScenario(args.scenario, io.cwd);
  const count = parsePositiveInt(args.seeds, "--seeds");
  const fromRaw = parseSeed(args.from);
  if (typeof fromRaw === "string") throw new UsageError("--from: must be an integer seed");
  const shard = parseShard(args.shard);
  const scenario = loadScenario(file);
  // The report folder is checked (and made) before any seed runs.
  const reportDir = args.report !== undefined ? prepareReportDir(args.report, io.cwd, ["index.html"]) : undefined;
  const from = fromRaw ?? (typeof scenario.seed === "number" ? scenario.seed : 1);
  const seeds: number[] = [];
  for (let i = 0; i < count; i++) if (!shard || i % shard.n === shard.k - 1) seeds.push(from + i);

  const bar =
    io.interactive && !args.json
      ? new cliProgress.SingleBar(
          { format: "  {bar} {value}/{total} seeds  {failed} failing", stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(seeds.length, 0, { failed: 0 });
  const failures: Failure[] = [];
  const started = performance.now();
  let events = 0;
  for (const seed of seeds) {
    const r = runScenario(scenario, { seed });
    events += r.events;
    if (!r.ok) failures.push({ seed, status: r.status, failed: [...r.checks.filter((x) => !x.ok).map((x) => x.name), ...r.invariantViolations.slice(0, 1).map(() => "invariant")], firstFinding: firstProblem(r) });
    bar?.increment(1, { failed: failures.length });
  }
  bar?.stop();
  const wallMs = performance.now() - started;
  if (reportDir) writeExploreReport(reportDir, scenario, file, seeds.length, from, failures);
  if (args.json) {
    io.out(JSON.stringify({ scenario: scenario.name, file, seeds: seeds.length, from, failures, events, wallMs: Math.round(wallMs), seedsPerSec: seeds.length / (wallMs / 1000), ok: failures.length === 0 }));
  } else {
    io.out(`${scenario.name}: ${seeds.length} seeds from ${from}, ${failures.length} failing  ${c.dim(`(${Math.round(wallMs)}ms wall, ${events} events)`)}`);
    if (scenario.sweep) io.out(c.dim(`  a sweep: the seeds that break ${scenario.sweep.finds.join(", ")} are its findings`));
    if (failures.length > 0) {
      const byCheck = new Map<string, number[]>();
      for (const f of failures) for (const name of f.failed.length ? f.failed : [f.status]) byCheck.set(name, [...(byCheck.get(name) ?? []), f.seed]);
      io.out(c.bold("  failing check".padEnd(40) + "seeds"));
      for (const [name, s] of byCheck) io.out(`  ${name.padEnd(38)}${s.slice(0, 12).join(" ")}${s.length > 12 ? ` ... (${s.length})` : ""}`);
      io.out(c.dim(`  replay one: ${replayLine({ file, seed: failures[0].seed })}`));
      io.out(c.dim(`  shrink it:  kafkasim shrink ${shellQuote(file)} --seed ${failures[0].seed}`));
    }
    if (args.report) io.out(c.dim(`report: ${join(args.report, "index.html")} (open it in a browser)`));
  }
  return failures.length === 0 ? 0 : 1;
}

/**
 * Runs each failing seed again (the same run: determinism) with a recorder, writes its page into DIR/seed-N/, and
 * the index page listing every failing seed. Pages only for the first MAX_SEED_REPORTS failing seeds.
 */
function writeExploreReport(dir: string, scenario: ReturnType<typeof loadScenario>, file: string, seeds: number, from: number, failures: Failure[]): void {
  const entries: ExploreEntry[] = failures.map((f, i) => {
    let href: string | null = null;
    if (i < MAX_SEED_REPORTS) {
      const sub = safeName(`seed-${f.seed}`);
      const seedDir = prepareReportDir(join(dir, sub), dir, RUN_REPORT_FILES);
      const recorder = new RunRecorder({ messages: true });
      const started = performance.now();
      const r = runScenario(scenario, { seed: f.seed, attach: recorder.attach });
      writeRunReport(seedDir, r, recorder, performance.now() - started);
      href = `${sub}/index.html`;
    }
    return { seed: f.seed, status: f.status, checks: f.failed, firstFinding: f.firstFinding, replay: replayLine({ file, seed: f.seed }), href };
  });
  writeExploreIndex(dir, scenario.name, file, seeds, from, entries);
}

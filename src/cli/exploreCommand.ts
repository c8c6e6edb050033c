import type { ChalkInstance } from "chalk";
import { join } from "node:path";
import type { ResolvedScenario } from "../scenario/resolved.js";
import type { ExploreEntry } from "../report/html/exploreIndex.js";
import { describeDrawn } from "../scenario/swarm.js";
import { RunRecorder } from "../report/recorder/runRecorder.js";
import { replayLine } from "../report/summary.js";
import { runScenario } from "../runner/run.js";
import type { CliIO } from "./io.js";
import { prepareReportDir, RUN_REPORT_FILES, safeName, writeExploreIndex, writeRunReport } from "./reportFiles.js";
import { findScenario } from "./scenarioFiles.js";
import { loadWithSets, setTexts } from "./setOption.js";
import { parseDurationOption } from "./options.js";
import type { SeedTask } from "./seedTask.js";
import { EXIT_INTERRUPTED, planSweep, runPlannedSweep, scenarioPath, type SweepArgs, writeShardFile } from "./sweepSetup.js";
import { formatSweep, summarizeSweep, type SweepSummary } from "./sweepSummary.js";

export interface ExploreArgs extends SweepArgs {
  scenario: string;
  json?: boolean;
  report?: string;
  /** `--set KEY=VALUE` (repeatable): settings changed in the scenario for every seed. */
  set?: unknown;
}

/** `explore --report DIR` writes a page for at most this many failing seeds (each is one more run). */
export const MAX_SEED_REPORTS = 20;

/**
 * `kafkasim explore`: many seeds (each its own random faults and, for a swarm scenario, its own configuration) on
 * `--workers` threads, tabled in seed order with the failing checks and the rare moments reached. Exit 0 all hold,
 * 1 some seed failed, 2 bad input, 130 interrupted (the table of the seeds finished so far is printed first).
 */
export async function exploreCommand(args: ExploreArgs, io: CliIO, c: ChalkInstance): Promise<number> {
  const file = findScenario(args.scenario, io.cwd);
  const sets = setTexts(args.set);
  const scenario = loadWithSets(file, sets, parseDurationOption(args.duration, "--duration"));
  const plan = planSweep(args, scenario, io);
  // The report folder is checked (and made) before any seed runs.
  const reportDir = args.report !== undefined ? prepareReportDir(args.report, io.cwd, ["index.html"]) : undefined;
  const path = scenarioPath(file, io);
  const tasks: SeedTask[] = plan.seeds.map((seed) => ({ path, overrides: sets, variant: 0, seed, durationMs: plan.durationMs, checkDeterminism: args.checkDeterminism }));
  const run = await runPlannedSweep(tasks, plan, io, args.json);
  const { done, wallMs, workers } = run;
  const shard = plan.shard ? `${plan.shard.k}/${plan.shard.n}` : undefined;
  writeShardFile(plan, run, { command: "explore", scenario: scenario.name, file, path, variants: [], checkDeterminism: args.checkDeterminism, extra: { ...(scenario.sweep ? { finds: scenario.sweep.finds } : {}), ...(sets.length > 0 ? { sets } : {}) } });
  const summary = summarizeSweep(done, { scenario: scenario.name, file, sets, durationMs: plan.durationMs, from: plan.from, shard, asked: tasks.length, interrupted: run.interrupted, wallMs, workers });
  if (reportDir && !run.interrupted) writeExploreReport(reportDir, scenario, summary);
  if (args.json) io.out(JSON.stringify(summary));
  else {
    for (const l of formatSweep(summary, c, scenario.sweep?.finds)) io.out(l);
    if (reportDir) io.out(c.dim(`report: ${join(args.report!, "index.html")} (open it in a browser)`));
    if (plan.outPath) io.out(c.dim(`seeds written to ${args.out}; kafkasim merge FILE... tables every shard as one run`));
  }
  if (run.interrupted) return EXIT_INTERRUPTED;
  return summary.failures.length === 0 ? 0 : 1;
}

/**
 * Runs each failing seed again (the same run: determinism) with a recorder, writes its page into DIR/seed-N/ (linked
 * back to the index), and the index page: the numbers of `summary` (what --json prints) with a link per seed. Pages
 * only for the first MAX_SEED_REPORTS failing seeds.
 */
function writeExploreReport(dir: string, scenario: ResolvedScenario, summary: SweepSummary): void {
  const { file, durationMs } = summary;
  const entries: ExploreEntry[] = summary.failures.map((f, i) => {
    let href: string | null = null;
    if (i < MAX_SEED_REPORTS) {
      const sub = safeName(`seed-${f.seed}`);
      const seedDir = prepareReportDir(join(dir, sub), dir, RUN_REPORT_FILES);
      const recorder = new RunRecorder({ messages: true });
      const started = performance.now();
      const r = runScenario(scenario, { seed: f.seed, durationMs, attach: recorder.attach });
      writeRunReport(seedDir, r, recorder, performance.now() - started, { href: "../index.html", text: "failing seeds" });
      href = `${sub}/index.html`;
    }
    const replay = replayLine({ file, seed: f.seed, sets: scenario.sets, durationMs });
    return { seed: f.seed, status: f.status, checks: f.failed, firstFinding: f.firstFinding, digest: f.digest, replay, href, ...(f.drawn ? { drawn: describeDrawn(f.drawn) } : {}), ...(f.determinism ? { determinism: f.determinism } : {}) };
  });
  writeExploreIndex(dir, { scenario: summary.scenario, file, sets: summary.sets, durationMs, seeds: summary.seeds, from: summary.from, finds: scenario.sweep?.finds, coverage: summary.coverage, entries });
}

import type { ChalkInstance } from "chalk";
import type { CliIO } from "./io.js";
import { parseDurationOption, UsageError } from "./options.js";
import { findScenario } from "./scenarioFiles.js";
import { loadWithSets, setTexts } from "./setOption.js";
import type { SeedTask } from "./seedTask.js";
import { formatCompare, summarizeCompare } from "./compareSummary.js";
import { EXIT_INTERRUPTED, planSweep, runPlannedSweep, scenarioPath, type SweepArgs, writeShardFile } from "./sweepSetup.js";

export interface CompareArgs extends SweepArgs {
  scenario: string;
  set?: unknown;
  json?: boolean;
}

/**
 * `kafkasim compare SCENARIO --set KEY=A --set KEY=B --seeds N`: the same seeds (so the same random fault
 * schedules: they come from the seed's own stream) under each variant, and per variant how many seeds failed which
 * check. A report, not a verdict on one setting: exit 0 whatever fails (2 bad input, 130 interrupted).
 */
export async function compareCommand(args: CompareArgs, io: CliIO, c: ChalkInstance): Promise<number> {
  const sets = setTexts(args.set);
  if (sets.length < 2) throw new UsageError("compare: give at least two variants, e.g. --set clients.p1.config.acks=1 --set clients.p1.config.acks=all");
  if (new Set(sets).size !== sets.length) throw new UsageError("compare: the same --set is given twice");
  const file = findScenario(args.scenario, io.cwd);
  const runDurationMs = parseDurationOption(args.duration, "--duration");
  const scenarios = sets.map((text) => loadWithSets(file, [text], runDurationMs));
  const plan = planSweep(args, scenarios[0], io);
  for (const s of scenarios.slice(1)) planSweep(args, s, io); // every variant within its budget
  const path = scenarioPath(file, io);
  const tasks: SeedTask[] = sets.flatMap((text, variant) =>
    plan.seeds.map((seed) => ({ path, overrides: [text], variant, seed, durationMs: plan.durationMs, checkDeterminism: args.checkDeterminism })),
  );
  const run = await runPlannedSweep(tasks, plan, io, args.json, "runs");
  const { done, workers } = run;
  const shard = plan.shard ? `${plan.shard.k}/${plan.shard.n}` : undefined;
  writeShardFile(plan, run, { command: "compare", scenario: scenarios[0].name, file, path, variants: sets, checkDeterminism: args.checkDeterminism });
  const summary = summarizeCompare(done, { scenario: scenarios[0].name, file, from: plan.from, shard, variants: sets, asked: plan.seeds.length, interrupted: run.interrupted, wallMs: run.wallMs, workers });
  if (args.json) io.out(JSON.stringify(summary));
  else for (const l of formatCompare(summary, c)) io.out(l);
  return run.interrupted ? EXIT_INTERRUPTED : 0;
}

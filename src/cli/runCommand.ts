import { writeFileSync } from "node:fs";
import type { ChalkInstance } from "chalk";
import { loadScenario } from "../scenario/load.js";
import { formatRunSummary, runJson } from "../report/summary.js";
import { exitCodeOf, runScenario } from "../runner/run.js";
import { JsonLinesTrace } from "../sim/index.js";
import type { CliIO } from "./io.js";
import { parseDurationOption, parseSeed } from "./options.js";
import { findScenario } from "./scenarioFiles.js";
import { extraSummary, writeReport } from "./reportHooks.js";

export interface RunArgs {
  scenario: string;
  seed?: unknown;
  duration?: unknown;
  json?: boolean;
  trace?: string;
  traceMessages?: boolean;
  report?: string;
  quiet?: boolean;
}

export function runCommand(args: RunArgs, io: CliIO, c: ChalkInstance): number {
  const file = findScenario(args.scenario, io.cwd);
  const seed = parseSeed(args.seed);
  const durationMs = parseDurationOption(args.duration, "--duration");
  const scenario = loadScenario(file);
  const trace = args.trace ? new JsonLinesTrace() : undefined;
  const started = performance.now();
  const result = runScenario(scenario, { seed, durationMs, observe: trace?.observer, traceMessages: args.traceMessages });
  const wallMs = performance.now() - started;
  if (trace && args.trace) writeFileSync(args.trace, trace.text());
  if (args.report) writeReport(args.report, result);
  if (args.json) io.out(JSON.stringify(runJson(result, wallMs)));
  else if (!args.quiet) io.out(formatRunSummary(result, c, wallMs, extraSummary(result, c)));
  else if (!result.ok) io.out(`${result.status}: ${result.file} --seed ${result.seed}`);
  return exitCodeOf(result.status);
}

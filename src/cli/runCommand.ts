import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChalkInstance } from "chalk";
import { loadScenario } from "../scenario/load.js";
import { RunRecorder } from "../report/recorder/runRecorder.js";
import { formatRunSummary, runJson } from "../report/summary.js";
import { findingMoments, mergeMoments, type TimelineMode, timelineLines } from "../report/timeline.js";
import { exitCodeOf, runScenario } from "../runner/run.js";
import { JsonLinesTrace } from "../sim/index.js";
import type { CliIO } from "./io.js";
import { parseDurationOption, parseSeed, UsageError } from "./options.js";
import { prepareReportDir, writeRunReport } from "./reportFiles.js";
import { findScenario } from "./scenarioFiles.js";
import { extraSummary } from "./reportHooks.js";
import { writeJepsenHistory } from "./historyFile.js";

export interface RunArgs {
  scenario: string;
  seed?: unknown;
  duration?: unknown;
  json?: boolean;
  trace?: string;
  traceMessages?: boolean;
  report?: string;
  quiet?: boolean;
  timeline?: unknown;
  /** Write the run's client history in Jepsen's Kafka shape (history.edn if FILE ends in .edn, else JSON lines). */
  history?: string;
}

const TIMELINE_MODES: readonly TimelineMode[] = ["brief", "full", "none"];

function parseTimeline(v: unknown): TimelineMode {
  if (v === undefined) return "brief";
  if (typeof v === "string" && (TIMELINE_MODES as readonly string[]).includes(v)) return v as TimelineMode;
  throw new UsageError(`--timeline: must be one of ${TIMELINE_MODES.join(", ")} (got ${JSON.stringify(v)})`);
}

export function runCommand(args: RunArgs, io: CliIO, c: ChalkInstance): number {
  const file = findScenario(args.scenario, io.cwd);
  const seed = parseSeed(args.seed);
  const durationMs = parseDurationOption(args.duration, "--duration");
  const timeline = parseTimeline(args.timeline);
  const scenario = loadScenario(file);
  // The report folder is checked (and made) before the run, so a bad path costs no simulation.
  const reportDir = args.report !== undefined ? prepareReportDir(args.report, io.cwd) : undefined;
  const trace = args.trace ? new JsonLinesTrace() : undefined;
  const human = !args.json && !args.quiet;
  const recorder = reportDir || (human && timeline !== "none") ? new RunRecorder({ messages: reportDir !== undefined }) : undefined;
  const started = performance.now();
  const result = runScenario(scenario, { seed, durationMs, observe: trace?.observer, traceMessages: args.traceMessages, attach: recorder?.attach });
  const wallMs = performance.now() - started;
  if (trace && args.trace) writeFileSync(args.trace, trace.text());
  if (reportDir && recorder) writeRunReport(reportDir, result, recorder, wallMs);
  if (args.history) writeJepsenHistory(args.history, result);
  if (args.json) io.out(JSON.stringify(runJson(result, wallMs)));
  else if (!args.quiet) {
    const moments = recorder ? mergeMoments(recorder.moments, findingMoments(result.checks, Math.round(result.simulatedMs * 1000))) : [];
    io.out(formatRunSummary(result, c, wallMs, [...timelineLines(moments, timeline, c), ...extraSummary(result, c)]));
    if (args.report) io.out(c.dim(`report: ${join(args.report, "index.html")} (open it in a browser)`));
  } else if (!result.ok) io.out(`${result.status}: ${result.file} --seed ${result.seed}`);
  return exitCodeOf(result.status);
}

import { join, resolve } from "node:path";
import type { ChalkInstance } from "chalk";
import { RunRecorder } from "../report/recorder/runRecorder.js";
import { formatRunSummary, replayLine, runJson } from "../report/summary.js";
import { findingMoments, mergeMoments, type TimelineMode, timelineLines } from "../report/timeline.js";
import { exitCodeOf, runScenario } from "../runner/run.js";
import { JsonLinesTrace } from "../sim/index.js";
import type { CliIO } from "./io.js";
import { parseDurationOption, parseSeed, UsageError } from "./options.js";
import { checkOutputFile, checkOutputsApart, writeOutputFile } from "./outputPaths.js";
import { prepareReportDir, writeRunReport } from "./reportFiles.js";
import { findScenario } from "./scenarioFiles.js";
import { loadWithSets, setTexts } from "./setOption.js";
import { extraSummary } from "./reportHooks.js";
import { scenarioNotes } from "./scenarioNotes.js";
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
  /** `--set KEY=VALUE` (repeatable): settings changed in the scenario for this run (scenario/overrides.ts). */
  set?: unknown;
}

const TIMELINE_MODES: readonly TimelineMode[] = ["brief", "full", "none"];

function parseTimeline(v: unknown): TimelineMode {
  if (v === undefined) return "brief";
  if (typeof v === "string" && (TIMELINE_MODES as readonly string[]).includes(v)) return v as TimelineMode;
  throw new UsageError(`--timeline: must be one of ${TIMELINE_MODES.join(", ")} (got ${JSON.stringify(v)})`);
}

export function runCommand(args: RunArgs, io: CliIO, c: ChalkInstance): number {
  const seed = parseSeed(args.seed);
  const durationMs = parseDurationOption(args.duration, "--duration");
  const timeline = parseTimeline(args.timeline);
  // Every output path is checked before the run (the report folder is also made): a typo must not cost a simulation.
  const tracePath = args.trace !== undefined ? checkOutputFile(args.trace, "--trace", io.cwd) : undefined;
  const reportDir = args.report !== undefined ? prepareReportDir(args.report, io.cwd) : undefined;
  const historyPath = args.history !== undefined ? checkOutputFile(args.history, "--history", io.cwd) : undefined;
  const file = findScenario(args.scenario, io.cwd);
  const outputs = [
    ...(tracePath !== undefined ? [{ flag: "--trace", path: args.trace!, abs: tracePath }] : []),
    ...(historyPath !== undefined ? [{ flag: "--history", path: args.history!, abs: historyPath }] : []),
  ];
  checkOutputsApart(outputs, { what: "scenario file", abs: resolve(io.cwd, file) });
  const scenario = loadWithSets(file, setTexts(args.set), durationMs);
  // Before the run, so they come first; --quiet prints nothing for a run that holds.
  if (!args.quiet) for (const w of scenario.warnings ?? []) io.err(c.yellow(`${scenario.file}: warning: ${w}`));
  const trace = tracePath !== undefined ? new JsonLinesTrace() : undefined;
  const human = !args.json && !args.quiet;
  const recorder = reportDir || (human && timeline !== "none") ? new RunRecorder({ messages: reportDir !== undefined }) : undefined;
  const started = performance.now();
  const result = runScenario(scenario, { seed, durationMs, observe: trace?.observer, traceMessages: args.traceMessages, attach: recorder?.attach });
  const wallMs = performance.now() - started;
  if (trace && tracePath !== undefined) writeOutputFile(tracePath, trace.text(), "--trace");
  if (reportDir && recorder) writeRunReport(reportDir, result, recorder, wallMs);
  if (historyPath !== undefined) writeJepsenHistory(historyPath, result);
  if (args.json) io.out(JSON.stringify(runJson(result, wallMs)));
  else if (result.status === "event-budget") {
    // The run is incomplete because the budget is too small for it: like a run refused up front, one line, exit 2.
    io.err(c.red(`${result.file}: simulator.maxEvents: ${result.eventBudget!.message}`));
  } else if (!args.quiet) {
    const moments = recorder ? mergeMoments(recorder.moments, findingMoments(result.checks, Math.round(result.simulatedMs * 1000))) : [];
    io.out(formatRunSummary(result, c, wallMs, [...scenarioNotes(scenario, c), ...timelineLines(moments, timeline, c), ...extraSummary(result, c)]));
    if (args.report) io.out(c.dim(`report: ${join(args.report, "index.html")} (open it in a browser)`));
    if (historyPath !== undefined) {
      // Jepsen's analysis reads a record missing from later reads as lost; the log cleaner removes superseded ones.
      const compacted = [...new Set(result.logs.filter((l) => l.compacted).map((l) => l.topic))].sort();
      const flags = compacted.map((t) => ` --compacted ${t}`).join("");
      io.out(c.dim(`history: ${args.history}${compacted.length > 0 ? ` (compacted topics: check it with kafkasim check ${args.history}${flags})` : ""}`));
    }
  } else if (!result.ok) {
    // stdout: only the line that replays the run, so it can be pasted or captured; stderr: what failed.
    io.out(replayLine(result));
    // A run that failed no check (did-not-converge, event-limit) says its status alone.
    const failed = [...result.checks.filter((x) => !x.ok).map((x) => x.name), ...(result.invariantViolations.length ? ["invariant"] : [])];
    io.err(failed.length > 0 ? `${result.status}: ${failed.join(", ")}` : result.status);
  }
  return exitCodeOf(result.status);
}

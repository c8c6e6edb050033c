import { type BoundedRead, MAX_LARGE_INPUT_BYTES, overLimit, readBounded } from "../common/readBounded.js";
import { resolve } from "node:path";
import type { ChalkInstance } from "chalk";
import { analyzeKafkaHistory, NOT_JUDGED_WHEN_COMPACTED } from "../check/jepsen/analysis.js";
import { describeAnalysis } from "../check/jepsen/describe.js";
import { HistoryFormatError } from "../check/jepsen/ops.js";
import { forEachEdnToken, parseHistoryText } from "../check/jepsen/parseHistory.js";
import { renderAnalysis } from "../check/jepsen/render.js";
import { fileKindOf, unreadable, wrongFileKind } from "../scenario/fileKind.js";
import type { CliIO } from "./io.js";
import { UsageError } from "./options.js";

export interface CheckArgs {
  history: string;
  json?: boolean;
  wwDeps?: boolean;
  subscribe?: boolean;
  /** Compacted topics (`--compacted`): see AnalysisOptions.compactedTopics. */
  compacted?: string[];
}

/**
 * `kafkasim check FILE`: Jepsen's Kafka analysis of a history in Jepsen's op shape (JSON array, JSON lines or
 * Jepsen's history.edn). Prints each anomaly with the ops involved, and Jepsen's worst realtime lag; `--json` prints
 * exactly one object `{valid, anomalies, anomalyTypes, allowed, ops, worstRealtimeLag}`. Exit 0 valid, 1 an anomaly outside the allowed set, 2 the file
 * is unreadable or malformed (one line naming the file and the op).
 */
export function checkCommand(args: CheckArgs, io: CliIO, c: ChalkInstance): number {
  const file = args.history;
  let read: BoundedRead;
  try {
    read = readBounded(resolve(io.cwd, file), MAX_LARGE_INPUT_BYTES);
  } catch (e) {
    throw new UsageError(`${file}: ${unreadable(e, "a history")}`);
  }
  if (read.over) throw new UsageError(`${file}: ${overLimit(read, "500 MiB")}; check reads histories up to 500 MiB (${MAX_LARGE_INPUT_BYTES} bytes)`);
  const bytes = read.bytes;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${file}: is not UTF-8 text, so not a history (histories are JSON, JSON lines or EDN text)`);
  }
  if (text.includes("\0")) throw new UsageError(`${file}: is a binary file (it holds a NUL byte), not a history`);
  // A scenario, shard file, trace or summary given to check: say what it is, not "op 0: an op must be a map".
  const kind = fileKindOf(text);
  if (kind !== null && kind !== "history-edn" && kind !== "history-json") throw new UsageError(`${file}: ${wrongFileKind(kind, "a history")}`);
  const compacted = (args.compacted ?? []).flatMap((t) => String(t).split(",")).map((t) => t.trim());
  if (compacted.some((t) => t === "")) throw new UsageError("--compacted: give a topic name (e.g. --compacted changelog)");
  const long = longToken(text);
  if (long) throw new UsageError(`${file}: line ${long.line}: an EDN symbol, keyword or tag of ${long.length.toLocaleString("en-US")} characters; a history's are short (at most ${MAX_TOKEN.toLocaleString("en-US")}): is this a history file?`);
  let analysis;
  let ops: number;
  try {
    const history = parseHistoryText(text);
    ops = history.length;
    // Nothing to judge: a verdict (valid, exit 0) would pass a file cut short or the wrong file.
    if (ops === 0) throw new UsageError(`${file}: the history has no ops (a history from kafkasim run --history FILE, or Jepsen's history.edn)`);
    analysis = analyzeKafkaHistory(history, { wwDeps: args.wwDeps, subscribe: args.subscribe, compactedTopics: compacted });
  } catch (e) {
    if (e instanceof HistoryFormatError) throw new UsageError(`${file}: op ${e.opIndex}: ${e.problem}`);
    throw e;
  }
  const rendered = renderAnalysis(analysis, ops);
  if (args.json) io.out(JSON.stringify(rendered));
  else {
    const lines: string[] = [];
    lines.push(c.bold(file) + c.dim(`  ${ops} ops; consumers ${analysis.subscribe ? "subscribe (poll-skip and nonmonotonic-poll allowed)" : "assign"}${analysis.wwDeps ? "; ww-deps (G1c allowed)" : ""}`));
    if (compacted.length > 0) lines.push(c.dim(`  compacted: ${compacted.join(", ")} (${NOT_JUDGED_WHEN_COMPACTED.join(", ")} not judged on their partitions)`));
    for (const group of describeAnalysis(analysis)) {
      const head = `${group.kind} (${group.count})${group.allowed ? " — allowed" : ""}`;
      lines.push(group.allowed ? c.yellow(`  ~ ${head}`) : c.red(`  ✗ ${head}`));
      for (const l of group.lines) lines.push(c.dim(`      ${l}`));
    }
    if (analysis.anomalyTypes.length === 0) lines.push(c.dim("  no anomalies"));
    lines.push(c.dim(`  ${describeWorstLag(rendered.worstRealtimeLag)}`));
    lines.push(analysis.valid ? c.green.bold("VALID: no anomaly outside the allowed set") : c.red.bold(`INVALID: ${analysis.anomalyTypes.filter((t) => !analysis.allowed.includes(t)).join(", ")}`));
    io.out(lines.join("\n"));
  }
  return analysis.valid ? 0 : 1;
}

/**
 * Jepsen's `:worst-realtime-lag` in words: how far behind the log's end (at least) the worst poll was, which process
 * and key, and when it was invoked; seconds, as Jepsen's checker reports them.
 */
function describeWorstLag(w: { time: number; lag: number; process?: number | string; key?: number | string }): string {
  if (w.process === undefined) return "worst realtime lag: 0s (no poll to measure)";
  return `worst realtime lag: ${secs(w.lag)} (process ${String(w.process)}, key ${String(w.key)}, poll invoked at ${secs(w.time)})`;
}

/** Seconds as Jepsen's nanos->secs gives them, printed to the ms; under a ms in µs or ns (a hand-made history's times). */
function secs(s: number): string {
  if (s === 0 || s >= 1e-3) return `${Number(s.toFixed(3))}s`;
  return s >= 1e-6 ? `${Number((s * 1e6).toFixed(3))}µs` : `${Number((s * 1e9).toFixed(3))}ns`;
}

/** The longest symbol, keyword, tag or number a history may hold: Jepsen's are a few characters. */
const MAX_TOKEN = 1_000;

/** The first token longer than MAX_TOKEN (edn-data reads one in quadratic time), with its line, or null. */
function longToken(text: string): { line: number; length: number } | null {
  let found: { line: number; length: number } | null = null;
  forEachEdnToken(text, (from, to, line) => {
    if (to - from > MAX_TOKEN) found = { line, length: to - from };
    return found !== null;
  });
  return found;
}

import { existsSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { RunResult } from "../runner/run.js";
import { pageAssets } from "../report/html/assets.js";
import { type ExploreIndex, renderExploreIndex } from "../report/html/exploreIndex.js";
import { type BackLink, renderRunPage } from "../report/html/page.js";
import { buildReportData } from "../report/html/reportData.js";
import { HISTORY_FILE, historyLines, JEPSEN_HISTORY_FILE, jepsenHistoryText } from "../report/historyFile.js";
import type { RunRecorder } from "../report/recorder/runRecorder.js";
import { runJson } from "../report/summary.js";
import { findingMoments, mergeMoments } from "../report/timeline.js";
import { UsageError } from "./options.js";
import { checkOutputDir, makeOutputDir } from "./outputPaths.js";

/** The files one run's report holds, inside its folder. */
export const RUN_REPORT_FILES = ["index.html", "summary.json", HISTORY_FILE];

/**
 * Makes sure a report can be written to `dir` (resolved against `cwd`) before any simulation runs: checks it as
 * outputPaths.ts does (a writable folder; a missing one is made if its parent exists), makes it, and checks that
 * none of `files` is a folder in the way. Returns the absolute path. Throws UsageError (exit 2, one line) otherwise.
 */
export function prepareReportDir(dir: string, cwd: string, files: readonly string[] = RUN_REPORT_FILES, flag = "--report"): string {
  // The shared output-path rules (outputPaths.ts): a writable folder, or one that can be made in an existing folder.
  const abs = checkOutputDir(dir, flag, cwd, "the report");
  makeOutputDir(abs, flag);
  for (const f of files) {
    const p = join(abs, f);
    if (existsSync(p) && statSync(p).isDirectory()) throw new UsageError(`${flag} ${dir}: ${f} is a folder in the way`);
  }
  return abs;
}

/** `dir/name`, refusing any name that would land outside `dir` (names here are fixed, this is a second lock). */
export function inside(dir: string, name: string): string {
  const p = resolve(dir, name);
  const rel = relative(dir, p);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) throw new Error(`refusing to write outside the report folder: ${name}`);
  return p;
}

/** A folder name from a seed: letters, digits, `-`, `_` and `.` only (a string seed may hold anything). */
export function safeName(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[.]+/, "_").slice(0, 80);
  return cleaned === "" ? "_" : cleaned;
}

/**
 * Writes one run's report into `dir` (already prepared): index.html (self-contained), summary.json (the --json
 * object with the timeline), the history, and for a Kafka run the history in Jepsen's shape. Returns the page's size
 * in bytes. `back`: a link to the page this one belongs to (explore's index).
 */
export function writeRunReport(dir: string, r: RunResult, recorder: RunRecorder, wallMs: number, back?: BackLink): number {
  const assets = pageAssets();
  const data = buildReportData(r, recorder, assets.version, wallMs);
  const page = renderRunPage(data, assets, back);
  writeFileSync(inside(dir, "index.html"), page);
  const moments = mergeMoments(recorder.moments, findingMoments(r.checks, Math.round(r.simulatedMs * 1000)));
  const summary = { ...runJson(r, wallMs), version: assets.version, replay: data.meta.replay, timeline: moments.map((m) => ({ atUs: m.atUs, kind: m.kind, text: m.text })) };
  writeFileSync(inside(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  writeFileSync(inside(dir, HISTORY_FILE), historyLines(r.history));
  if (r.logs.length > 0) writeFileSync(inside(dir, JEPSEN_HISTORY_FILE), jepsenHistoryText(r.history, r.logs, "edn"));
  return Buffer.byteLength(page);
}

/** Writes `explore --report DIR`'s index page (`index` without the version, which is this build's). */
export function writeExploreIndex(dir: string, index: Omit<ExploreIndex, "version">): void {
  writeFileSync(inside(dir, "index.html"), renderExploreIndex({ ...index, version: pageAssets().version }));
}

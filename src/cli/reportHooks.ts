import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChalkInstance } from "chalk";
import type { RunResult } from "../runner/run.js";
import { runJson } from "../report/summary.js";

/** Extra lines of the human summary (e.g. per-partition state of the Kafka model). */
export function extraSummary(_r: RunResult, _c: ChalkInstance): string[] {
  return [];
}

/** `--report DIR`: the run's JSON summary and its history, for later `kafkasim check`. */
export function writeReport(dir: string, r: RunResult): void {
  mkdirSync(dir, { recursive: true });
  const base = `${r.scenario}-seed-${r.seed}`;
  writeFileSync(join(dir, `${base}.json`), JSON.stringify(runJson(r, 0), null, 2) + "\n");
  writeFileSync(join(dir, `${base}.history.json`), JSON.stringify(r.history.ops) + "\n");
}

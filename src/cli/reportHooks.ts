import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChalkInstance } from "chalk";
import type { RunResult } from "../runner/run.js";
import { partitionLines, producerLines } from "../report/kafkaSummary.js";
import { groupLines } from "../report/groupSummary.js";
import { runJson } from "../report/summary.js";

/** Extra lines of the human summary: the Kafka model's end state and the producers' outcomes. */
export function extraSummary(r: RunResult, c: ChalkInstance): string[] {
  return [...producerLines(r, c), ...partitionLines(r.logs, c), ...groupLines(r, c)];
}

/** `--report DIR`: the run's JSON summary and its history, for later `kafkasim check`. */
export function writeReport(dir: string, r: RunResult): void {
  mkdirSync(dir, { recursive: true });
  const base = `${r.scenario}-seed-${r.seed}`;
  writeFileSync(join(dir, `${base}.json`), JSON.stringify(runJson(r, 0), null, 2) + "\n");
  writeFileSync(join(dir, `${base}.history.json`), JSON.stringify(r.history.ops) + "\n");
}

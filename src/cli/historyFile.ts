import { writeFileSync } from "node:fs";
import { jepsenHistoryText } from "../report/historyFile.js";
import type { RunResult } from "../runner/run.js";

/**
 * `run --history FILE`: the run's client history in the shape of Jepsen's Kafka workload, final reads included, so
 * `kafkasim check FILE` or Jepsen's own checker can judge it. `.edn` writes Jepsen's history.edn; anything else
 * JSON lines.
 */
export function writeJepsenHistory(file: string, result: RunResult): void {
  writeFileSync(file, jepsenHistoryText(result.history, result.logs, file.endsWith(".edn") ? "edn" : "jsonl"));
}

import { jepsenHistoryText } from "../report/historyFile.js";
import type { RunResult } from "../runner/run.js";
import { writeOutputFile } from "./outputPaths.js";

/**
 * `run --history FILE`: the run's client history in the shape of Jepsen's Kafka workload, final reads included, so
 * `kafkasim check FILE` or Jepsen's own checker can judge it. `.edn` writes Jepsen's history.edn; anything else
 * JSON lines. FILE was checked writable before the run (checkOutputFile); a write error is exit 2 naming it.
 */
export function writeJepsenHistory(file: string, result: RunResult): void {
  writeOutputFile(file, jepsenHistoryText(result.history, result.logs, file.endsWith(".edn") ? "edn" : "jsonl"), "--history");
}

import type { FinalReplicaLog } from "../check/input.js";
import { toEdnLines, toJsonLines } from "../check/jepsen/writeHistory.js";
import { toJepsenHistory } from "../check/kafkasim/toJepsen.js";
import type { History } from "../workload/history.js";

/** The history file's name in a report folder. */
export const HISTORY_FILE = "history.jsonl";

/** The history in Jepsen's Kafka shape, in a report folder: what `kafkasim check` and Jepsen's checker read. */
export const JEPSEN_HISTORY_FILE = "history.jepsen.edn";

/**
 * The history file a report writes: kafkasim's own op shape (index, time in µs, process, type, f, value, error,
 * invoke, incarnation), one JSON object per line, so a person can open it; `JEPSEN_HISTORY_FILE` has the same run
 * in Jepsen's shape for `kafkasim check`.
 */
export function historyLines(history: History): string {
  let out = "";
  for (const op of history.ops) out += JSON.stringify(op) + "\n";
  return out;
}

/**
 * The run's client history in the shape of Jepsen's Kafka workload (src/check/kafkasim/toJepsen.ts), final reads
 * of the logs included: Jepsen's `history.edn` lines, or JSON lines.
 */
export function jepsenHistoryText(history: History, logs: readonly FinalReplicaLog[], format: "edn" | "jsonl"): string {
  const ops = toJepsenHistory(history.ops, logs);
  return format === "edn" ? toEdnLines(ops) : toJsonLines(ops);
}

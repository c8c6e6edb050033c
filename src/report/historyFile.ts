import type { History } from "../workload/history.js";

/** The history file's name in a report folder. */
export const HISTORY_FILE = "history.jsonl";

/**
 * The history file a report writes: kafkasim's own op shape (index, time in µs, process, type, f, value, error,
 * invoke), one JSON object per line, so a person can open it and `kafkasim check` can read it back.
 * The one place to switch to Jepsen's op shape once that converter exists in src/check.
 */
export function historyLines(history: History): string {
  let out = "";
  for (const op of history.ops) out += JSON.stringify(op) + "\n";
  return out;
}

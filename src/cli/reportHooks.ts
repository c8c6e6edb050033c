import type { ChalkInstance } from "chalk";
import type { RunResult } from "../runner/run.js";
import { partitionLines, producerLines } from "../report/kafkaSummary.js";
import { groupLines } from "../report/groupSummary.js";

/** Extra lines of the human summary: the Kafka model's end state and the producers' outcomes. */
export function extraSummary(r: RunResult, c: ChalkInstance): string[] {
  return [...producerLines(r, c), ...partitionLines(r.logs, c), ...groupLines(r, c)];
}

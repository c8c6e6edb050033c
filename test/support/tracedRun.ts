import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import type { RunOptions } from "../../src/runner/run.js";
import type { TraceRecord } from "../../src/sim/index.js";

/**
 * Runs a scenario text (file name `t.yaml` in messages), keeping its trace: the result, every trace record, and the
 * records of one type. `attach`: a recorder's attach (a RunRecorder), when a test reads the report's moments too.
 */
export function runTraced(text: string, attach?: RunOptions["attach"]) {
  const trace: TraceRecord[] = [];
  const r = runScenario(parseScenario(text, "t.yaml"), { observe: (rec) => trace.push(rec), ...(attach ? { attach } : {}) });
  return { r, trace, of: (type: string) => trace.filter((t) => t.type === type) };
}

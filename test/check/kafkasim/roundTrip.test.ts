import { describe, expect, it } from "vitest";
import { analyzeKafkaHistory } from "../../../src/check/jepsen/analysis.js";
import { parseHistoryText } from "../../../src/check/jepsen/parseHistory.js";
import { toEdnLines, toJsonLines } from "../../../src/check/jepsen/writeHistory.js";
import { runAnalysis } from "../../../src/check/kafkasim/runAnalysis.js";
import { toJepsenHistory } from "../../../src/check/kafkasim/toJepsen.js";
import { loadScenario } from "../../../src/scenario/load.js";
import { runScenario } from "../../../src/runner/run.js";

/**
 * A whole simulated run through the export and back (kept apart from toJepsen.test.ts's unit tests: it runs a
 * scenario, so a mutation run of src/check/kafkasim/ measures with the unit tests alone, `--testFiles`).
 */
describe("kafkasim history → Jepsen's Kafka shape, end to end", () => {
  it("a simulated run round-trips through history.edn and JSON lines to the same Jepsen verdict as the run's own analysis", () => {
    const r = runScenario(loadScenario("scenarios/acks-1-leader-failover.yaml"), { seed: 1 });
    const ops = toJepsenHistory(r.history.ops, r.logs);
    const inRun = runAnalysis({ history: r.history, logs: r.logs }).analysis;
    for (const text of [toEdnLines(ops), toJsonLines(ops)]) {
      // The run's own analysis takes an inconsistent offset's first observed value (hashOrder false): so does this.
      const fromFile = analyzeKafkaHistory(parseHistoryText(text), { hashOrder: false });
      expect(fromFile.anomalyTypes).toEqual(["inconsistent-offsets", "lost-write", "unseen"]);
      expect(fromFile.anomalyTypes).toEqual(inRun.anomalyTypes);
      expect(fromFile.anomalies["lost-write"]!.length).toBe(inRun.anomalies["lost-write"]!.length);
      // Jepsen's choice (Clojure's hash-set order, `check`'s default) adds the nonmonotonic-send next to a reused offset.
      expect(analyzeKafkaHistory(parseHistoryText(text)).anomalyTypes).toEqual(["inconsistent-offsets", "lost-write", "nonmonotonic-send", "unseen"]);
    }
  });
});

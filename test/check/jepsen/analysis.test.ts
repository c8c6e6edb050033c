import { describe, expect, it } from "vitest";
import { analyzeKafkaHistory } from "../../../src/check/jepsen/analysis.js";
import type { JepsenOp } from "../../../src/check/jepsen/ops.js";
import { history, o } from "../../support/jepsen.js";

/**
 * analyzeKafkaHistory's own choices around kafka.clj's `analysis`: which keys compactedTopics names. A key is
 * `<topic>-<partition>` (kafkasim's toJepsen), the partition a whole number after the key's last dash.
 */
const unseenOn = (key: string): JepsenOp[] => history([o(0, 0, "invoke", "send", [["send", key, "a"]]), o(1, 0, "ok", "send", [["send", key, [0, "a"]]])]);
const judged = (key: string, topics: string[]) => analyzeKafkaHistory(unseenOn(key), { compactedTopics: topics }).anomalyTypes.includes("unseen");

describe("analyzeKafkaHistory: compactedTopics names keys <topic>-<partition>", () => {
  it("a partition number of several digits is a partition: orders-12 belongs to orders", () => {
    expect(judged("orders-12", ["orders"])).toBe(false);
    expect(judged("orders-12", [])).toBe(true);
  });

  it("the partition is all digits: orders-x1 and orders-1x are not partitions of orders, so they are judged", () => {
    expect(judged("orders-x1", ["orders"])).toBe(true);
    expect(judged("orders-1x", ["orders"])).toBe(true);
  });

  it("the topic is everything before the last dash: my-orders-3 belongs to my-orders, not to orders or my", () => {
    expect(judged("my-orders-3", ["my-orders"])).toBe(false);
    expect(judged("my-orders-3", ["orders", "my"])).toBe(true);
  });
});

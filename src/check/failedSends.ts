import type { SendValue } from "../workload/history.js";
import { at, type Checker, type Finding } from "./input.js";
import { errorName } from "./errorParams.js";

/**
 * Sends that completed with an error (definitely failed, or unknown outcome), optionally only those with the given
 * Kafka error name (e.g. DELIVERY_TIMEOUT). Used to assert that records were reported failed rather than lost.
 */
export const failedSends: Checker<string> = {
  name: "failedSends",
  description: "sends that failed (optionally with one error name, e.g. DELIVERY_TIMEOUT)",
  param: { example: "anomaly: { failedSends: DELIVERY_TIMEOUT }", schema: errorName },
  run({ history }, error) {
    const only = error ?? null;
    const out: Finding[] = [];
    for (const { done } of history.completed("send")) {
      if (done.type === "ok" || (only !== null && done.error !== only)) continue;
      const v = done.value as SendValue;
      out.push({
        message: `${v.value} to ${v.topic}-${v.partition ?? "?"} ${done.type === "fail" ? "failed" : "ended with unknown outcome"} at ${at(done.time)}: ${done.error}`,
        atUs: done.time,
        evidence: { value: v.value, error: done.error, outcome: done.type },
      });
    }
    return out;
  },
};

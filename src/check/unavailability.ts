import type { SendValue } from "../workload/history.js";
import { at, type Checker, type Finding } from "./input.js";
import { positiveDurationMs } from "./params.js";

/**
 * A partition acknowledged nothing for longer than `maxGap` (default 10s) while the application kept sending:
 * the window in which the partition was, to its producers, unavailable. Gaps are measured between acknowledgements
 * of one partition, and from its last acknowledgement to the last send of the run.
 */
export const unavailability: Checker<number> = {
  name: "unavailability",
  description: "a partition acknowledged no write for longer than maxGap (default 10s) while sends continued",
  param: { example: "noUnavailability: 15s", schema: positiveDurationMs },
  run({ history }, maxGap) {
    const maxGapMs = maxGap ?? 10_000;
    const acks = new Map<string, number[]>();
    let lastInvokeUs = 0;
    for (const op of history.ops) {
      if (op.f !== "send") continue;
      if (op.type === "invoke") lastInvokeUs = Math.max(lastInvokeUs, op.time);
      if (op.type !== "ok") continue;
      const v = op.value as SendValue;
      const k = `${v.topic}-${v.partition}`;
      // Stryker disable next-line ArrayDeclaration: a non-number first point gives a NaN gap, never over maxGap, and the real points keep their gaps
      acks.set(k, [...(acks.get(k) ?? []), op.time]);
    }
    const out: Finding[] = [];
    for (const [tp, times] of [...acks].sort(([a], [b]) => a.localeCompare(b))) {
      const points = [...times, lastInvokeUs];
      // Stryker disable next-line EqualityOperator: points[length] is undefined, the gap NaN, never over maxGap
      for (let i = 1; i < points.length; i++) {
        const gapMs = (points[i] - points[i - 1]) / 1000;
        if (gapMs > maxGapMs)
          out.push({
            message: `${tp} acknowledged nothing for ${(gapMs / 1000).toFixed(1)}s, from ${at(points[i - 1])} to ${i === points.length - 1 ? `the last send at ${at(points[i])}` : at(points[i])}`,
            atUs: points[i - 1],
            evidence: { partition: tp, fromUs: points[i - 1], toUs: points[i], gapMs },
          });
      }
    }
    return out;
  },
};

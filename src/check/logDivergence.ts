import type { Checker, FinalReplicaLog, Finding } from "./input.js";

/** Replicas of one partition disagree at an offset below both their high watermarks (TLA+ StrongIsr). */
export const logDivergence: Checker = {
  name: "logDivergence",
  description: "two replicas hold different records below their common high watermark",
  run({ logs }) {
    const out: Finding[] = [];
    const byTp = new Map<string, FinalReplicaLog[]>();
    for (const l of logs) byTp.set(`${l.topic}-${l.partition}`, [...(byTp.get(`${l.topic}-${l.partition}`) ?? []), l]);
    for (const [tp, replicas] of byTp)
      // Stryker disable next-line EqualityOperator: at i = length the inner loop starts past the end and compares nothing
      for (let i = 0; i < replicas.length; i++)
        for (let j = i + 1; j < replicas.length; j++) {
          const a = replicas[i];
          const b = replicas[j];
          const common = Math.min(a.highWatermark, b.highWatermark);
          const av = new Map(a.records.map((r) => [r.offset, r]));
          for (const rb of b.records) {
            if (rb.offset >= common) break;
            const ra = av.get(rb.offset);
            if (ra && ra.value !== rb.value) {
              out.push({
                message: `${tp} offset ${rb.offset}: ${a.broker} has ${ra.value} (epoch ${ra.leaderEpoch}), ${b.broker} has ${rb.value} (epoch ${rb.leaderEpoch}), both below their HWs (${a.highWatermark}, ${b.highWatermark})`,
                evidence: { partition: tp, offset: rb.offset, replicas: [a.broker, b.broker] },
              });
              break;
            }
          }
        }
    return out;
  },
};

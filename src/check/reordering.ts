import { at, type Checker, type Finding } from "./input.js";
import type { IntNonmonotonicCase, NonmonotonicSendCase } from "./jepsen/cases.js";
import { runAnalysis } from "./kafkasim/runAnalysis.js";
import { CaseReader } from "./kafkasim/viewSupport.js";

/**
 * A producer's records sit in a partition in a different order than it sent them: Jepsen's `nonmonotonic-send`
 * (a later send lands at or before an earlier one) and, within one transaction, `int-nonmonotonic-send`. Kafka
 * promises order per producer and partition (with idempotence, or one request in flight), not per record key. The
 * producer is the client (a restarted one is a new producer) and its order is the order of its send() calls; the
 * position judged is where each record was acknowledged, or (acks=0, unknown outcome) where it was read; the offsets
 * quoted are the ones compared (`orderOffset`: a record written twice by a retry is judged, and quoted, at its later
 * copy).
 */
export const reordering: Checker = {
  name: "reordering",
  description: "a producer's records sit in a partition in a different order than it sent them",
  run(input) {
    const ra = runAnalysis(input);
    const r = new CaseReader(ra);
    const out: Finding[] = [];
    for (const c of (ra.analysis.anomalies["nonmonotonic-send"] ?? []) as NonmonotonicSendCase[]) {
      const tp = r.tp(c.key);
      const [a, b] = c.ops;
      const earlier = { value: r.value(c.key, c.values[0]), offset: r.orderOffset(c.key, c.values[0]) };
      const later = { value: r.value(c.key, c.values[1]), offset: r.orderOffset(c.key, c.values[1]) };
      out.push({
        message: `${r.client(b)} sent ${earlier.value} before ${later.value} to ${tp}, but they were written at offsets ${earlier.offset} and ${later.offset} (acknowledged at ${at(r.atUs(a))} and ${at(r.atUs(b))})`,
        atUs: r.atUs(b),
        jepsenKey: "nonmonotonic-send",
        evidence: { producer: r.client(b), partition: tp, earlier, later },
      });
    }
    for (const c of (ra.analysis.anomalies["int-nonmonotonic-send"] ?? []) as IntNonmonotonicCase[]) {
      const tp = r.tp(c.key);
      const earlier = { value: r.value(c.key, c.values[0]), offset: r.orderOffset(c.key, c.values[0]) };
      const later = { value: r.value(c.key, c.values[1]), offset: r.orderOffset(c.key, c.values[1]) };
      out.push({
        message: `within transaction ${String(r.attr(c.op, "txn") ?? "?")}, ${r.client(c.op)} sent ${earlier.value} before ${later.value} to ${tp}, but they were written at offsets ${earlier.offset} and ${later.offset}`,
        atUs: r.atUs(c.op),
        jepsenKey: "int-nonmonotonic-send",
        evidence: { producer: r.client(c.op), partition: tp, earlier, later },
      });
    }
    return out;
  },
};

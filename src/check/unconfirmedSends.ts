import { committedPartitions } from "./committedView.js";
import { at, type Checker, type Finding } from "./input.js";
import { durationMs } from "./params.js";
import type { PollValue } from "../workload/consumerWorkload.js";
import type { SendValue } from "../workload/history.js";

/**
 * acks=0 sends that never appeared. With acks=0 the broker sends no response: the client completes the send as soon
 * as it is written to the socket, with no offset, so it is never told whether the record was written. Such sends
 * are unconfirmed, never acknowledged losses; this counts, per partition, those that no consumer read and that are
 * not in the final log. `noUnconfirmedSends`: every acks=0 send made it; `anomaly: unconfirmedSends`: some did not.
 * With a duration (`noUnconfirmedSends: 1s`, ms) a partition's missing sends are tolerated when they all lie within
 * that span of each other (the moment a leader died: its unreplicated tail and what was on the wire), and reported
 * when they spread wider; sends within that span of the history's end are still on their way and not counted (a client that kept writing to a dead leader, as Kafka's Sender never does: it drains only
 * to ready nodes, `Sender.sendProducerData`).
 */
export const unconfirmedSends: Checker<number> = {
  name: "unconfirmedSends",
  description: "acks=0 sends (never acknowledged) that appear in no read and not in the final log (with a span: beyond one window of that span)",
  param: { example: "noUnconfirmedSends: 1s", schema: durationMs },
  run({ history, logs }, spanMs) {
    const parts = committedPartitions(logs);
    const read = new Set<string>();
    for (const op of history.ops) if (op.f === "poll" && op.type === "ok") for (const recs of Object.values(op.value as PollValue)) for (const [, v] of recs) read.add(v);
    const byTp = new Map<string, { sent: number; missing: string[]; firstUs: number; lastUs: number }>();
    let endUs = 0;
    for (const op of history.ops) endUs = Math.max(endUs, op.time);
    for (const { done } of history.completed("send")) {
      const v = done.value as SendValue;
      if (v.acks !== "0" || done.type !== "ok") continue;
      // Stryker disable next-line ConditionalExpression: without a span, `endUs - null * 1000` is endUs and no send completes after the history's end
      if (spanMs != null && done.time > endUs - spanMs * 1000) continue;
      const tp = `${v.topic}-${v.partition}`;
      const e = byTp.get(tp) ?? { sent: 0, missing: [], firstUs: 0, lastUs: 0 };
      e.sent++;
      if (!read.has(v.value) && !parts.get(tp)?.inLog.has(v.value)) {
        if (e.missing.length === 0) e.firstUs = done.time;
        e.lastUs = done.time;
        e.missing.push(v.value);
      }
      byTp.set(tp, e);
    }
    const out: Finding[] = [];
    for (const [tp, e] of [...byTp].sort(([a], [b]) => (a < b ? -1 : 1)))
      if (e.missing.length > 0 && (spanMs == null || (e.lastUs - e.firstUs) / 1000 > spanMs))
        out.push({
          message: `${e.missing.length} of ${e.sent} acks=0 sends to ${tp} never appeared (unconfirmed: the client is never told; first ${e.missing.slice(0, 3).join(", ")}${spanMs != null ? `; sent over ${((e.lastUs - e.firstUs) / 1e6).toFixed(3)}s, from ${at(e.firstUs)} to ${at(e.lastUs)}, more than ${spanMs}ms` : ""})`,
          atUs: e.firstUs,
          evidence: { partition: tp, sent: e.sent, missing: e.missing.length },
        });
    return out;
  },
};

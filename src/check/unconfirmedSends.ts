import { committedPartitions } from "./committedView.js";
import type { Checker, Finding } from "./input.js";
import type { PollValue } from "../workload/consumerWorkload.js";
import type { SendValue } from "../workload/history.js";

/**
 * acks=0 sends that never appeared. With acks=0 the broker sends no response: the client completes the send as soon
 * as it is written to the socket, with no offset, so it is never told whether the record was written. Such sends
 * are unconfirmed, never acknowledged losses; this counts, per partition, those that no consumer read and that are
 * not in the final log. `noUnconfirmedSends`: every acks=0 send made it; `anomaly: unconfirmedSends`: some did not.
 */
export const unconfirmedSends: Checker = {
  name: "unconfirmedSends",
  description: "acks=0 sends (never acknowledged) that appear in no read and not in the final log",
  run({ history, logs }) {
    const parts = committedPartitions(logs);
    const read = new Set<string>();
    for (const op of history.ops) if (op.f === "poll" && op.type === "ok") for (const recs of Object.values(op.value as PollValue)) for (const [, v] of recs) read.add(v);
    const byTp = new Map<string, { sent: number; missing: string[]; firstUs: number }>();
    for (const { done } of history.completed("send")) {
      const v = done.value as SendValue;
      if (v.acks !== "0" || done.type !== "ok") continue;
      const tp = `${v.topic}-${v.partition}`;
      const e = byTp.get(tp) ?? { sent: 0, missing: [], firstUs: 0 };
      e.sent++;
      if (!read.has(v.value) && !parts.get(tp)?.inLog.has(v.value)) {
        if (e.missing.length === 0) e.firstUs = done.time;
        e.missing.push(v.value);
      }
      byTp.set(tp, e);
    }
    const out: Finding[] = [];
    for (const [tp, e] of [...byTp].sort(([a], [b]) => (a < b ? -1 : 1)))
      if (e.missing.length > 0)
        out.push({
          message: `${e.missing.length} of ${e.sent} acks=0 sends to ${tp} never appeared (unconfirmed: the client is never told; first ${e.missing.slice(0, 3).join(", ")})`,
          atUs: e.firstUs,
          evidence: { partition: tp, sent: e.sent, missing: e.missing.length },
        });
    return out;
  },
};

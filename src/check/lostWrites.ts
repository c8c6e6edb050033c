import { committedPartitions } from "./committedView.js";
import { at, type Checker, type Finding } from "./input.js";
import { runAnalysis } from "./kafkasim/runAnalysis.js";
import type { SendValue } from "../workload/history.js";

/**
 * An acknowledged write is lost when its value is not in the final log of its partition's leader (or, if the
 * partition ended offline, of the replica with the highest HW). A record still above the HW when the run ends
 * (acks=1 replication in progress) is not lost yet, so it is not reported. acks=0 sends are never acknowledged
 * (the broker sends no response): they are `unconfirmedSends`, not losses. A record acknowledged at an offset below
 * the final log start offset was deleted by retention or DeleteRecords: not a loss either.
 *
 * A view of the run's Jepsen analysis: each finding carries the key Jepsen files it under, `lost-write` (a later
 * record was read, this one never) or `unseen` (acknowledged, never read by anyone, final read included). A value
 * a consumer read before it vanished from the log is neither in Jepsen's terms (Jepsen has no final log): it is
 * reported here without a Jepsen key.
 */
export const lostAcknowledgedWrites: Checker = {
  name: "lostAcknowledgedWrites",
  description: "an acknowledged send is not in the final committed log of its partition",
  run(input) {
    const { history, logs } = input;
    const parts = committedPartitions(logs);
    const ra = runAnalysis(input);
    const lost = ra.valueCases("lost-write");
    const unseen = ra.valueCases("unseen");
    const out: Finding[] = [];
    for (const { invoke, done } of history.completed("send")) {
      if (done.type !== "ok") continue;
      const v = done.value as SendValue;
      if (v.acks === "0") continue; // unconfirmed, not acknowledged
      const key = `${v.topic}-${v.partition}`;
      const p = parts.get(key);
      if (p?.inLog.has(v.value)) continue;
      // Below the final log start the record was deleted on purpose (retention.ms/bytes, DeleteRecords), not lost.
      if (p && v.offset !== undefined && v.offset < p.logStartOffset) continue;
      const id = `${key}\u0000${v.value}`;
      const jepsenKey = lost.has(id) ? "lost-write" : unseen.has(id) ? "unseen" : undefined;
      out.push({
        message: `${v.value} (key ${v.key}) acknowledged at ${at(done.time)} at ${key} offset ${v.offset} is not in the final log of ${key}${p ? ` on ${p.broker} (HW ${p.highWatermark}${p.offline ? ", partition offline at the end" : ""})` : " (no replica)"}${jepsenKey ? "" : " (a consumer had read it before it vanished)"}`,
        atUs: done.time,
        ...(jepsenKey ? { jepsenKey } : {}),
        evidence: { value: v.value, key: v.key, partition: key, offset: v.offset, invokedAt: invoke.time, ackedAt: done.time, finalHighWatermark: p?.highWatermark },
      });
    }
    return out;
  },
};

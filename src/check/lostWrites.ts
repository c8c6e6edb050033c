import { committedPartitions } from "./committedView.js";
import { at, type Checker, type Finding } from "./input.js";
import type { SendValue } from "../workload/history.js";

/**
 * An acknowledged write is lost when its value is not in the final log of its partition's leader (or, if the
 * partition ended offline, of the replica with the highest HW). A record still above the HW when the run ends
 * (acks=1 replication in progress) is not lost yet, so it is not reported. acks=0 sends have no offset and are
 * judged the same way: the client was told they succeeded.
 */
export const lostAcknowledgedWrites: Checker = {
  name: "lostAcknowledgedWrites",
  description: "an acknowledged send is not in the final committed log of its partition",
  run({ history, logs }) {
    const parts = committedPartitions(logs);
    const out: Finding[] = [];
    for (const { invoke, done } of history.completed("send")) {
      if (done.type !== "ok") continue;
      const v = done.value as SendValue;
      const key = `${v.topic}-${v.partition}`;
      const p = parts.get(key);
      if (p?.inLog.has(v.value)) continue;
      out.push({
        message: `${v.value} (key ${v.key}) acknowledged at ${at(done.time)} at ${key} offset ${v.offset} is not in the final log of ${key}${p ? ` on ${p.broker} (HW ${p.highWatermark}${p.offline ? ", partition offline at the end" : ""})` : " (no replica)"}`,
        atUs: done.time,
        evidence: { value: v.value, key: v.key, partition: key, offset: v.offset, invokedAt: invoke.time, ackedAt: done.time, finalHighWatermark: p?.highWatermark },
      });
    }
    return out;
  },
};

import { committedPartitions } from "./committedView.js";
import type { Checker, Finding } from "./input.js";
import type { SendValue } from "../workload/history.js";

/**
 * For one producer and one key, the log order differs from the send order (Jepsen's :nonmonotonic-send, per key):
 * a record sent later sits at a lower offset than one sent before it.
 */
export const reordering: Checker = {
  name: "reordering",
  description: "for one producer and key, records sit in the log in a different order than they were sent",
  run({ history, logs }) {
    const parts = committedPartitions(logs);
    const out: Finding[] = [];
    const lastByProducerKey = new Map<string, { value: string; offset: number }>();
    for (const op of history.ops) {
      if (op.f !== "send" || op.type !== "invoke") continue;
      const v = op.value as SendValue;
      if (v.key === null) continue;
      let offset: number | undefined;
      for (const p of parts.values()) {
        if (p.topic !== v.topic) continue;
        const o = p.offsetsOf.get(v.value);
        if (o) {
          offset = o[0];
          break;
        }
      }
      if (offset === undefined) continue;
      const k = `${op.process}/${v.topic}/${v.key}`;
      const prev = lastByProducerKey.get(k);
      if (prev && offset < prev.offset)
        out.push({
          message: `${op.process} sent ${prev.value} before ${v.value} (key ${v.key}) but the log has them at offsets ${prev.offset} and ${offset}`,
          atUs: op.time,
          evidence: { producer: op.process, key: v.key, earlier: prev, later: { value: v.value, offset } },
        });
      if (!prev || offset > prev.offset) lastByProducerKey.set(k, { value: v.value, offset });
    }
    return out;
  },
};

import { committedPartitions } from "./committedView.js";
import type { Checker, Finding } from "./input.js";
import type { SendValue } from "../workload/history.js";

/**
 * For one producer and key, the log order differs from the send order (Jepsen's :nonmonotonic-send, per key): a
 * record sent later sits at a lower offset than one sent before it. The offset judged is the one the producer was
 * acknowledged with (a retried duplicate is acknowledged at its second copy, after records sent later), or for
 * sends acknowledged without an offset (acks=0), the record's first place in the final log.
 */
export const reordering: Checker = {
  name: "reordering",
  description: "for one producer and key, records sit in the log in a different order than they were sent",
  run({ history, logs }) {
    const parts = committedPartitions(logs);
    const out: Finding[] = [];
    const lastByProducerKey = new Map<string, { value: string; offset: number }>();
    const inLog = (v: SendValue) => parts.get(`${v.topic}-${v.partition}`)?.offsetsOf.get(v.value)?.[0];
    const sends = [...history.completed("send")].filter(({ done }) => done.type === "ok").sort((a, b) => a.invoke.index - b.invoke.index);
    for (const { invoke, done } of sends) {
      const v = done.value as SendValue;
      if (v.key === null) continue;
      const offset = v.offset !== undefined && v.offset >= 0 ? v.offset : inLog(v);
      if (offset === undefined) continue;
      const k = `${invoke.process}/${v.topic}/${v.key}`;
      const prev = lastByProducerKey.get(k);
      if (prev && offset < prev.offset)
        out.push({
          message: `${invoke.process} sent ${prev.value} before ${v.value} (key ${v.key}) but they were written at offsets ${prev.offset} and ${offset} of ${v.topic}-${v.partition}`,
          atUs: done.time,
          evidence: { producer: invoke.process, key: v.key, earlier: prev, later: { value: v.value, offset } },
        });
      if (!prev || offset > prev.offset) lastByProducerKey.set(k, { value: v.value, offset });
    }
    return out;
  },
};

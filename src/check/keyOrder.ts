import type { PollValue } from "../workload/consumerWorkload.js";
import type { History } from "../workload/history.js";
import { at, type Checker, type Finding } from "./input.js";

/** An acknowledged write of a record key, from the history. */
interface KeyWrite {
  value: string;
  topic: string;
  key: string;
  partition: number | null;
  offset: number | undefined;
  producer: string;
  /** When send() was called and when it was acknowledged, simulated µs. */
  sentUs: number;
  ackedUs: number;
}

/** A value's first delivery to one reader (a group, or one life of a consumer outside any group). */
interface Delivery {
  write: KeyWrite;
  atUs: number;
  consumer: string;
}

/**
 * Acknowledged writes by value: every send that completed ok with a record key and an acknowledgement (acks=0 sends
 * are never acknowledged; failed and unknown sends have no acknowledgement to order by).
 */
function keyedWrites(history: History): Map<string, KeyWrite> {
  const out = new Map<string, KeyWrite>();
  for (let i = 0; i < history.length; i++) {
    if (history.fAt(i) !== "send" || history.typeAt(i) !== "ok" || history.invokeAt(i) < 0 || history.sendAcks0At(i)) continue;
    const key = history.sendKeyAt(i);
    if (key === null) continue;
    const value = history.sendValueAt(i);
    if (out.has(value)) continue;
    out.set(value, {
      value,
      topic: history.sendTopicAt(i),
      key,
      partition: history.sendPartitionAt(i),
      offset: history.sendOffsetAt(i),
      producer: history.processAt(i),
      sentUs: history.timeAt(history.invokeAt(i)),
      ackedUs: history.timeAt(i),
    });
  }
  return out;
}

/**
 * Each reader's first deliveries of keyed values, per `topic\u0000key`, in delivery order. A reader is a consumer
 * group (its members' polls together, `group <id>`), or, for a consumer outside any group, one life of that
 * process (a restarted consumer is a new reader, as in Jepsen). Polls are ordered by completion time, then history
 * order; the records of one poll in the order the poll returned them (partition by partition, offset order).
 */
function deliveries(history: History, writes: Map<string, KeyWrite>): Map<string, Map<string, Delivery[]>> {
  const ops = history.ops;
  const polls = ops.filter((o) => o.f === "poll" && o.type === "ok" && o.invoke !== undefined).sort((a, b) => a.time - b.time || a.index - b.index);
  const out = new Map<string, Map<string, Delivery[]>>();
  const seen = new Map<string, Set<string>>();
  for (const op of polls) {
    const group = (ops[op.invoke!].value as { group?: string } | null)?.group;
    const reader = group !== undefined ? `group ${group}` : op.incarnation !== undefined && op.incarnation > 1 ? `${op.process} (life ${op.incarnation})` : op.process;
    let byKey = out.get(reader);
    if (!byKey) out.set(reader, (byKey = new Map()));
    let read = seen.get(reader);
    if (!read) seen.set(reader, (read = new Set()));
    for (const records of Object.values(op.value as PollValue))
      for (const [, value] of records) {
        const w = writes.get(value);
        // Only a value's first delivery to the reader counts: a record read again (after a rebalance or a rewind)
        // is the consumedTwice check's business, not a reordering.
        if (!w || read.has(value)) continue;
        read.add(value);
        const k = `${w.topic}\u0000${w.key}`;
        let list = byKey.get(k);
        if (!list) byKey.set(k, (list = []));
        list.push({ write: w, atUs: op.time, consumer: op.process });
      }
  }
  return out;
}

const where = (w: KeyWrite) => `${w.topic}-${w.partition ?? "?"}${w.offset !== undefined && w.offset >= 0 ? ` offset ${w.offset}` : ""}`;

/**
 * Per-key order across partitions, as an application that keys its records expects it: for every record key (per
 * topic), a reader must deliver the key's values in the order their writes were acknowledged. Precisely: write A of
 * key k PRECEDES write B of k when A was acknowledged before B was sent (real-time order; writes whose send and
 * acknowledgement overlap are concurrent and not ordered, so several producers of a key, or one producer's pipelined
 * sends, raise nothing by themselves). A reader is a consumer group (its members' deliveries together, by poll
 * time) or one life of a consumer outside a group. A violation is a reader whose first delivery of B came strictly
 * before its first delivery of A, though A precedes B: the reader saw the newer value of the key first. Values the
 * reader never delivered, and deliveries after the first, are judged by other checks (lost writes, poll-skip,
 * consumedTwice). Deliveries of two members at the same instant are not ordered either.
 * Kafka orders records per partition only: a key stays in order while it maps to one partition, and when the
 * partition count changes (CreatePartitions) its new records hash to another partition that a reader may read
 * before the older ones (Kafka's operations docs, "Modifying topics": adding partitions "may disturb consumers if
 * they rely on that partition").
 * One finding per reader and key: the first out-of-order delivery, with how many of that key's deliveries were out
 * of order. Jepsen's Kafka workload keys are partitions, so it has no such anomaly; the Jepsen-style key is
 * `nonmonotonic-key-poll`, after its `nonmonotonic-poll`.
 */
export const keyReordering: Checker = {
  name: "keyReordering",
  description: "a reader delivered a record key's values out of the order their writes were acknowledged (e.g. after partitions were added)",
  run({ history }) {
    const writes = keyedWrites(history);
    if (writes.size === 0) return [];
    const out: Finding[] = [];
    for (const [reader, byKey] of deliveries(history, writes))
      for (const list of byKey.values()) {
        const found = firstOutOfOrder(list);
        if (found === null) continue;
        const { earlier, later, count } = found;
        const a = earlier.write;
        const b = later.write;
        out.push({
          message:
            `${reader} delivered key ${a.key} of ${a.topic} out of order: ${b.value} (${where(b)}, sent at ${at(b.sentUs)}) at ${at(later.atUs)} by ${later.consumer}, ` +
            `then ${a.value} (${where(a)}, acknowledged earlier, at ${at(a.ackedUs)}) at ${at(earlier.atUs)} by ${earlier.consumer}` +
            (count > 1 ? `; ${count} of the key's deliveries were out of order` : ""),
          atUs: earlier.atUs,
          jepsenKey: "nonmonotonic-key-poll",
          evidence: {
            reader,
            topic: a.topic,
            key: a.key,
            outOfOrder: count,
            earlier: { value: a.value, partition: a.partition, offset: a.offset ?? null, producer: a.producer, sentAtUs: a.sentUs, ackedAtUs: a.ackedUs, consumer: earlier.consumer, deliveredAtUs: earlier.atUs },
            later: { value: b.value, partition: b.partition, offset: b.offset ?? null, producer: b.producer, sentAtUs: b.sentUs, ackedAtUs: b.ackedUs, consumer: later.consumer, deliveredAtUs: later.atUs },
          },
        });
      }
    return out;
  },
};

/**
 * The first delivery in `list` (one reader's first deliveries of one key, in delivery order) of a write that
 * precedes a write delivered strictly before it, that later delivery, and how many deliveries are out of order.
 * Walking the list, `latest` is the write sent last among those delivered at an earlier instant; deliveries at the
 * current instant count as earlier only for the same consumer (one consumer's poll is in order).
 */
function firstOutOfOrder(list: readonly Delivery[]): { earlier: Delivery; later: Delivery; count: number } | null {
  let latest: Delivery | null = null;
  let now: Delivery[] = [];
  let first: { earlier: Delivery; later: Delivery } | null = null;
  let count = 0;
  for (const d of list) {
    if (now.length > 0 && now[0].atUs < d.atUs) {
      for (const p of now) if (latest === null || p.write.sentUs > latest.write.sentUs) latest = p;
      now = [];
    }
    let witness = latest;
    for (const p of now) if (p.consumer === d.consumer && (witness === null || p.write.sentUs > witness.write.sentUs)) witness = p;
    if (witness !== null && d.write.ackedUs < witness.write.sentUs) {
      count++;
      first ??= { earlier: d, later: witness };
    }
    now.push(d);
  }
  return first === null ? null : { ...first, count };
}

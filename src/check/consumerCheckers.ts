import type { PollValue } from "../workload/consumerWorkload.js";
import type { HistoryOp, SendValue } from "../workload/history.js";
import { committedPartitions } from "./committedView.js";
import { at, type Checker, type CheckInput, type Finding } from "./input.js";

interface Poll {
  time: number;
  process: string;
  value: PollValue;
}

function polls(input: CheckInput): Poll[] {
  const out: Poll[] = [];
  for (const op of input.history.ops) if (op.f === "poll" && op.type === "ok") out.push({ time: op.time, process: op.process, value: op.value as PollValue });
  return out;
}

/**
 * Jepsen's :inconsistent-offsets: two different values at the same offset of one partition, among what producers
 * were acknowledged with, what consumers polled, and the final committed log. A consumer that read a record later
 * overwritten (KIP-320's invariant) shows up here.
 */
export const inconsistentOffsets: Checker = {
  name: "inconsistentOffsets",
  description: "two different values seen at the same offset of a partition (acks, polls, final log)",
  run(input) {
    const seen = new Map<string, Map<string, string>>(); // "tp@offset" → value → where first seen
    const note = (tp: string, offset: number, value: string, where: string) => {
      const k = `${tp}@${offset}`;
      let m = seen.get(k);
      if (!m) seen.set(k, (m = new Map()));
      if (!m.has(value)) m.set(value, where);
    };
    for (const { done } of input.history.completed("send")) {
      const v = done.value as SendValue;
      if (done.type === "ok" && v.offset !== undefined && v.offset >= 0) note(`${v.topic}-${v.partition}`, v.offset, v.value, `acknowledged to ${done.process} at ${at(done.time)}`);
    }
    for (const p of polls(input)) for (const [tp, recs] of Object.entries(p.value)) for (const [o, v] of recs) note(tp, o, v, `polled by ${p.process} at ${at(p.time)}`);
    for (const [tp, part] of committedPartitions(input.logs)) for (const r of part.records) note(tp, r.offset, r.value, `in the final log on ${part.broker}`);
    const out: Finding[] = [];
    for (const [k, values] of seen) {
      if (values.size < 2) continue;
      const [tp, offset] = k.split("@");
      out.push({
        message: `${tp} offset ${offset} holds different values: ${[...values].map(([v, where]) => `${v} (${where})`).join(" vs ")}`,
        evidence: { partition: tp, offset: Number(offset), values: [...values.keys()] },
      });
    }
    return out;
  },
};

/**
 * Walks each consumer's successive non-empty polls of each partition, with where its previous poll of that partition
 * ended (`furthest`: the furthest it ever read instead). A re-assignment starts the consumer afresh.
 */
function eachPollStep(input: CheckInput, furthest: boolean, step: (op: HistoryOp, tp: string, recs: PollValue[string], prev: number | undefined) => void): void {
  const last = new Map<string, number>();
  for (const op of input.history.ops) {
    if (op.f === "assign") for (const k of [...last.keys()]) if (k.startsWith(`${op.process}/`)) last.delete(k);
    // A group member that gives a partition up, or rewinds it on purpose, starts afresh on it.
    if (op.f === "revoked" || op.f === "lost" || op.f === "seek") for (const tp of (op.value as { partitions: string[] }).partitions) last.delete(`${op.process}/${tp}`);
    if (op.f !== "poll" || op.type !== "ok") continue;
    for (const [tp, recs] of Object.entries(op.value as PollValue)) {
      if (recs.length === 0) continue;
      const k = `${op.process}/${tp}`;
      const prev = last.get(k);
      step(op, tp, recs, prev);
      const end = recs[recs.length - 1][0];
      last.set(k, furthest ? Math.max(prev ?? -1, end) : end);
    }
  }
}

/** Per consumer and partition, successive polls must move forward (Jepsen's :nonmonotonic-poll), unless it re-assigned. */
export const nonmonotonicPoll: Checker = {
  name: "nonmonotonicPoll",
  description: "a consumer's next poll of a partition starts at or before where its previous poll ended",
  run(input) {
    const out: Finding[] = [];
    eachPollStep(input, false, (op, tp, recs, prev) => {
      if (prev !== undefined && recs[0][0] <= prev)
        out.push({ message: `${op.process} polled ${tp} from offset ${recs[0][0]} at ${at(op.time)} after having read up to ${prev}`, atUs: op.time, evidence: { consumer: op.process, partition: tp, from: recs[0][0], previous: prev } });
    });
    return out;
  },
};

/** A consumer's next poll of a partition jumped past records that are in the final log (Jepsen's :poll-skip). */
export const pollSkip: Checker = {
  name: "pollSkip",
  description: "a consumer skipped records of a partition between two polls (e.g. an offset reset)",
  run(input) {
    const parts = committedPartitions(input.logs);
    const out: Finding[] = [];
    eachPollStep(input, true, (op, tp, recs, prev) => {
      const first = recs[0][0];
      if (prev === undefined || first <= prev + 1) return;
      const skipped = (parts.get(tp)?.records ?? []).filter((r) => r.offset > prev && r.offset < first);
      if (skipped.length > 0)
        out.push({ message: `${op.process} jumped from offset ${prev} to ${first} of ${tp} at ${at(op.time)}, skipping ${skipped.length} records of the final log`, atUs: op.time, evidence: { consumer: op.process, partition: tp, from: prev, to: first, skipped: skipped.length } });
    });
    return out;
  },
};

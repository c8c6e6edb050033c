import { z } from "zod";
import { at, type Checker, type Finding } from "./input.js";
import { durationMs, nameParam } from "./params.js";

/** The history's process for what an operator watching the cluster's published metadata saw. */
export const METADATA_MONITOR = "metadata-monitor";

/**
 * A `partition-leader` record of the metadata monitor: a partition's leader as the cluster published it (null:
 * no leader, what `kafka-topics --describe` shows as "Leader: none" and OfflinePartitionsCount counts).
 */
export interface PartitionLeaderValue {
  partition: string;
  leader: string | null;
  leaderEpoch: number;
}

export interface LeaderlessParams {
  partition: string;
  max?: number;
  min?: number;
}

/**
 * How long a partition had no leader in the cluster's published metadata (read from the metadata monitor's
 * records in the history, so it could judge a real cluster's recorded metadata). `max`: no leaderless stretch may
 * be longer (an outage the setting should prevent or bound); `min`: some stretch must last at least this long (an
 * outage that must happen, e.g. unclean election disabled). A stretch still open at the end counts to the end.
 */
export const leaderless: Checker<LeaderlessParams> = {
  name: "leaderless",
  description: "a partition's leaderless time in the published metadata is over max (or never reaches min)",
  param: {
    example: "leaderless: { partition: orders-0, max: 10s }",
    required: true,
    schema: z
      .strictObject({ partition: nameParam, max: durationMs.optional(), min: durationMs.optional() })
      .refine((p) => (p.max === undefined) !== (p.min === undefined), { error: "needs exactly one of max (longest outage allowed) or min (an outage at least this long must happen)" }),
    refs: (p) => ({ partitions: [{ path: ["partition"], name: p.partition }] }),
  },
  run({ history }, p) {
    if (!p) return [{ message: "leaderless needs a partition and max or min" }];
    const stretches: { fromUs: number; toUs: number; open: boolean }[] = [];
    let since: number | null = null;
    let endUs = 0;
    for (const op of history.ops) {
      endUs = Math.max(endUs, op.time);
      if (op.f !== "partition-leader") continue;
      const v = op.value as PartitionLeaderValue;
      if (v.partition !== p.partition) continue;
      if (v.leader === null && since === null) since = op.time;
      else if (v.leader !== null && since !== null) {
        stretches.push({ fromUs: since, toUs: op.time, open: false });
        since = null;
      }
    }
    if (since !== null) stretches.push({ fromUs: since, toUs: endUs, open: true });
    const len = (s: { fromUs: number; toUs: number }) => (s.toUs - s.fromUs) / 1000;
    const show = (s: { fromUs: number; toUs: number; open: boolean }) => `from ${at(s.fromUs)} ${s.open ? "to the end of the run" : `to ${at(s.toUs)}`} (${(len(s) / 1000).toFixed(1)}s)`;
    const out: Finding[] = [];
    // Stryker disable next-line ConditionalExpression: without max, `len(s) > undefined` is false for every stretch
    if (p.max !== undefined)
      for (const s of stretches)
        if (len(s) > p.max) out.push({ message: `${p.partition} had no leader ${show(s)}, longer than ${p.max / 1000}s`, atUs: s.fromUs, evidence: { partition: p.partition, fromUs: s.fromUs, toUs: s.toUs, ms: len(s) } });
    if (p.min !== undefined) {
      const longest = stretches.reduce<(typeof stretches)[number] | null>((a, b) => (a === null || len(b) > len(a) ? b : a), null);
      if (!longest || len(longest) < p.min)
        out.push({ message: `${p.partition} was never without a leader for ${p.min / 1000}s${longest ? ` (longest: ${show(longest)})` : " (it always had one)"}`, evidence: { partition: p.partition, longestMs: longest ? len(longest) : 0 } });
    }
    return out;
  },
};

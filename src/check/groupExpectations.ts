import { z } from "zod";
import { committedPartitions } from "./committedView.js";
import { at, type Checker, type CheckInput, type Finding } from "./input.js";
import { countParam, durationMs, nameParam, positiveDurationMs } from "./params.js";
import type { PollValue } from "../workload/consumerWorkload.js";
import type { ConsumerFatalValue, RebalanceValue } from "../workload/groupConsumerWorkload.js";
import type { SendValue } from "../workload/history.js";
import type { TxnValue } from "../workload/transactionalWorkload.js";

/**
 * Consumer-group expectations a Kafka engineer states about a run: how often the group rebalanced, whether a
 * member kept its partitions, whether the group kept up. Read from the client history (rebalance callbacks, polls,
 * sends) and the final logs only.
 */

export interface RebalancesParams {
  group: string;
  max?: number;
  min?: number;
}

/** Generations in which members of the group were given their assignment (the first join included), in order. */
function generations(input: CheckInput, group: string): { generation: number; atUs: number }[] {
  const first = new Map<number, number>();
  for (const op of input.history.ops) {
    if (op.f !== "assigned") continue;
    const v = op.value as RebalanceValue;
    if (v.group === group && !first.has(v.generation)) first.set(v.generation, op.time);
  }
  return [...first].map(([generation, atUs]) => ({ generation, atUs })).sort((a, b) => a.atUs - b.atUs);
}

/**
 * How many rebalances the group went through: the generations (member epochs under KIP-848) in which its members
 * received an assignment, the first join included. `max`: at most this many (a rolling restart with static
 * membership should cost none beyond the first); `min`: at least this many (a scenario that must rebalance).
 */
export const rebalances: Checker<RebalancesParams> = {
  name: "rebalances",
  description: "the number of rebalances (generations with an assignment) of a group is over max or under min",
  param: {
    example: "rebalances: { group: billing, max: 2 }",
    required: true,
    schema: z
      .strictObject({ group: nameParam, max: countParam.optional(), min: countParam.optional() })
      .refine((p) => p.max !== undefined || p.min !== undefined, { error: "needs max (at most this many rebalances) or min (at least this many), or both" }),
    refs: (p) => ({ groups: [{ path: ["group"], name: p.group }] }),
  },
  run(input, p) {
    if (!p) return [{ message: "rebalances needs a group and max or min" }];
    const gens = generations(input, p.group);
    const list = gens.map((g) => `${g.generation} at ${at(g.atUs)}`).join(", ");
    const out: Finding[] = [];
    if (p.max !== undefined && gens.length > p.max)
      out.push({ message: `group ${p.group} rebalanced ${gens.length} times, more than ${p.max} (generations ${list})`, atUs: gens[p.max].atUs, evidence: { group: p.group, rebalances: gens.length, max: p.max } });
    if (p.min !== undefined && gens.length < p.min)
      out.push({ message: `group ${p.group} rebalanced ${gens.length} time(s), fewer than ${p.min}${gens.length > 0 ? ` (generations ${list})` : ""}`, evidence: { group: p.group, rebalances: gens.length, min: p.min } });
    return out;
  },
};

export interface RebalancePauseParams {
  group: string;
  /** The longest a member may own nothing after a revoke or loss (ms); 0: never. */
  maxMs: number;
}

/**
 * How long a rebalance stopped a member: from the callback that took its last partitions (onPartitionsRevoked or
 * onPartitionsLost, ConsumerRebalanceListener) to the onPartitionsAssigned that gave it some again, per stretch —
 * the "paused" of the group table. Eager rebalancing (revoke everything, rejoin: AbstractCoordinator's JoinGroup
 * round) pauses every member; cooperative (KIP-429) and the consumer protocol (KIP-848) pause only a member whose
 * every partition moves. A member's first assignment is not a pause, nor is a member that leaves or stops without
 * getting partitions back (the stretch has no end), nor a restart (a new life owns nothing until assigned). Fires
 * once per member, at its first stretch longer than `max`.
 */
export const rebalancePause: Checker<RebalancePauseParams> = {
  name: "rebalancePause",
  description: "a member of the group owned no partition for longer than max between a revoke (or loss) and its next assignment",
  param: {
    example: "rebalancePause: { group: billing, max: 2s }",
    required: true,
    // durationMs refuses a negative duration; 0s is allowed (never).
    schema: z.strictObject({ group: nameParam, max: durationMs }).transform((p) => ({ group: p.group, maxMs: p.max })),
    refs: (p) => ({ groups: [{ path: ["group"], name: p.group }] }),
  },
  run(input, p) {
    if (!p) return [{ message: "rebalancePause needs a group and max" }];
    const owned = new Map<string, Set<string>>();
    const since = new Map<string, { atUs: number; generation: number }>();
    const life = new Map<string, number | undefined>();
    const reported = new Set<string>();
    const out: Finding[] = [];
    for (const op of input.history.ops) {
      if (op.f !== "assigned" && op.f !== "revoked" && op.f !== "lost") continue;
      const v = op.value as RebalanceValue;
      if (v.group !== p.group) continue;
      const m = op.process;
      if (!owned.has(m) || life.get(m) !== op.incarnation) {
        owned.set(m, new Set());
        since.delete(m);
        life.set(m, op.incarnation);
      }
      const mine = owned.get(m)!;
      if (op.f === "assigned") {
        for (const tp of v.partitions) mine.add(tp);
        const from = since.get(m);
        if (from !== undefined && mine.size > 0) {
          since.delete(m);
          const pausedUs = op.time - from.atUs;
          if (pausedUs > p.maxMs * 1000 && !reported.has(m)) {
            reported.add(m);
            out.push({
              message: `${m} of group ${p.group} owned no partition for ${(pausedUs / 1e6).toFixed(3)}s (from ${at(from.atUs)}, generation ${from.generation}, to ${at(op.time)}, generation ${v.generation}), longer than ${(p.maxMs / 1000).toFixed(3)}s`,
              atUs: op.time,
              evidence: { member: m, group: p.group, fromUs: from.atUs, toUs: op.time, pausedMs: pausedUs / 1000, maxMs: p.maxMs },
            });
          }
        }
      } else {
        for (const tp of v.partitions) mine.delete(tp);
        if (mine.size === 0 && v.partitions.length > 0 && !since.has(m)) since.set(m, { atUs: op.time, generation: v.generation });
      }
    }
    return out;
  },
};

export interface AssignmentUnchangedParams {
  member: string;
  /** Judge from this moment (ms), once the group has settled after its start; default from the first assignment. */
  afterMs?: number;
}

/**
 * The member's partitions never changed: after its first assignment (or the first at or after `after`), every time
 * it owns partitions again (after a rebalance, or when it comes back from a restart) they are the same ones. Eager
 * rebalances that take everything away and give the same back pass; a cooperative handover of one partition does
 * not. What static membership (KIP-345) promises a member that restarts within its session timeout.
 * `assignmentUnchanged: member-1`, or `{ member: member-1, after: 10s }` to skip the group's first settling.
 */
export const assignmentUnchanged: Checker<AssignmentUnchangedParams> = {
  name: "assignmentUnchanged",
  description: "the member's partitions changed after its first assignment (or after a given moment), or it was never assigned any",
  param: {
    example: "assignmentUnchanged: { member: member-1, after: 10s }",
    required: true,
    schema: z.union([nameParam.transform((member) => ({ member })), z.strictObject({ member: nameParam, after: durationMs }).transform((p) => ({ member: p.member, afterMs: p.after }))], {
      error: "must be a member (assignmentUnchanged: member-1) or { member, after } (assignmentUnchanged: { member: member-1, after: 10s })",
    }),
    refs: (p) => ({ clients: [{ path: typeof p === "object" && p.afterMs !== undefined ? ["member"] : [], name: p.member }] }),
  },
  run(input, p) {
    if (!p) return [{ message: "assignmentUnchanged needs a member" }];
    const member = p.member;
    const fromUs = (p.afterMs ?? 0) * 1000;
    let first: string[] | null = null;
    let owned = new Set<string>();
    let life: number | undefined;
    const out: Finding[] = [];
    for (const op of input.history.ops) {
      if (op.process !== member || (op.f !== "assigned" && op.f !== "revoked" && op.f !== "lost")) continue;
      if (op.incarnation !== life) {
        life = op.incarnation;
        owned = new Set(); // a restarted member owns nothing until it is assigned again
      }
      const v = op.value as RebalanceValue;
      if (op.f === "assigned") for (const tp of v.partitions) owned.add(tp);
      else for (const tp of v.partitions) owned.delete(tp);
      if (owned.size === 0 || op.time < fromUs) continue;
      const now = [...owned].sort();
      if (first === null) first = now;
      else if (now.join(",") !== first.join(",")) {
        out.push({ message: `${member}'s partitions changed at ${at(op.time)} (generation ${v.generation}): [${now.join(", ")}], first [${first.join(", ")}]`, atUs: op.time, evidence: { member, first, now, generation: v.generation } });
        break;
      }
    }
    // Never assigned: nothing stayed unchanged (a member that died at its first JoinGroup passed before). One that
    // was assigned before `after` and kept its partitions to the end (no callback since) has first === null too, and
    // holds.
    if (first === null && owned.size === 0) out.push({ message: `${member} was never assigned a partition${fromUs > 0 ? ` after ${at(fromUs)}` : ""}, so its assignment cannot have stayed unchanged`, evidence: { member } });
    return out;
  },
};

export interface ConsumerProgressParams {
  group: string;
  within: number;
}

/**
 * The group kept up: on each partition of its topics, whenever records were waiting past the furthest offset the
 * group had read, its members read further within `within`. A record is waiting from when it became readable (its
 * send was acknowledged, or its transaction committed) if it is in the final log and not aborted, and not before the
 * group existed: the group's clock starts at its first op in the history (its first member's first assignment, or
 * the fatal error that refused its JoinGroup), so a group deployed after its topic filled is judged from its join,
 * not for the time before any member of it ran. Reprocessing old records does not count as progress; a partition
 * nobody in the group reads is stuck too, and so is one of a topic a member subscribed to before a fatal error ended
 * it without an assignment. Simplification: a member's wait before its first assignment (JoinGroup / SyncGroup,
 * group.initial.rebalance.delay.ms) is not counted, as the history records nothing of a member before it.
 */
export const consumerProgress: Checker<ConsumerProgressParams> = {
  name: "consumerProgress",
  description: "a group read nothing new from a partition for longer than `within` while records were waiting",
  param: {
    example: "consumerProgress: { group: billing, within: 10s }",
    required: true,
    schema: z.strictObject({ group: nameParam, within: positiveDurationMs }),
    refs: (p) => ({ groups: [{ path: ["group"], name: p.group }] }),
  },
  run(input, p) {
    if (!p) return [{ message: "consumerProgress needs a group and a window" }];
    const withinUs = p.within * 1000;
    const parts = committedPartitions(input.logs);
    // The group's topics: those its members polled or were assigned, and those a member subscribed to before a fatal
    // error ended it (a JoinGroup refused with INVALID_SESSION_TIMEOUT: no assignment, no poll, yet the group is stuck).
    const topics = new Set<string>();
    const groupPolls: { time: number; value: PollValue }[] = [];
    const invokes = new Map<number, string | undefined>();
    let joinedUs: number | null = null; // the group's first op: before it, no member of the group existed
    for (const op of input.history.ops) {
      if (joinedUs === null && (op.value as { group?: unknown } | null)?.group === p.group) joinedUs = op.time;
      if (op.f === "poll" && op.type === "invoke") invokes.set(op.index, (op.value as { group?: string } | null)?.group);
      if (op.f === "poll" && op.type === "ok" && invokes.get(op.invoke!) === p.group) {
        groupPolls.push({ time: op.time, value: op.value as PollValue });
        for (const tp of Object.keys(op.value as PollValue)) topics.add(tp.slice(0, tp.lastIndexOf("-")));
      }
      if ((op.f === "assigned" || op.f === "revoked") && (op.value as RebalanceValue).group === p.group) for (const tp of (op.value as RebalanceValue).partitions) topics.add(tp.slice(0, tp.lastIndexOf("-")));
      if (op.f === "consumer-fatal" && (op.value as ConsumerFatalValue).group === p.group) for (const t of (op.value as ConsumerFatalValue).topics ?? []) topics.add(t);
    }
    // When each visible record became readable: its acknowledgement, or its transaction's commit.
    const committedAt = new Map<string, number>();
    for (const op of input.history.ops) if (op.f === "txn" && op.type === "ok") for (const v of (op.value as TxnValue).values ?? []) committedAt.set(v, op.time);
    const readableAt = new Map<string, number>();
    for (const { done } of input.history.completed("send")) {
      const v = done.value as SendValue;
      if (done.type !== "ok") continue;
      const t = v.txn !== undefined ? committedAt.get(v.value) : done.time;
      if (t !== undefined) readableAt.set(v.value, t);
    }
    const endUs = input.history.ops.length > 0 ? input.history.ops[input.history.ops.length - 1].time : 0;
    const out: Finding[] = [];
    for (const [tp, part] of [...parts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!topics.has(part.topic)) continue;
      // A record readable before the group existed starts waiting when the group does.
      const arrivals = part.records.filter((r) => !r.aborted && readableAt.has(r.value)).map((r) => ({ time: Math.max(readableAt.get(r.value)!, joinedUs ?? 0), offset: r.offset }));
      const reads = groupPolls.flatMap((q) => (q.value[tp]?.length ? [{ time: q.time, offset: Math.max(...q.value[tp].map(([o]) => o)) }] : []));
      const stall = firstStall(arrivals, reads, withinUs, endUs);
      if (stall)
        out.push({
          message: `group ${p.group} read nothing past offset ${stall.frontier} of ${tp} from ${at(stall.fromUs)} to ${stall.toUs >= endUs ? "the end of the run" : at(stall.toUs)} (${((stall.toUs - stall.fromUs) / 1e6).toFixed(1)}s) while records were waiting`,
          atUs: stall.fromUs,
          evidence: { group: p.group, partition: tp, fromUs: stall.fromUs, toUs: stall.toUs, frontier: stall.frontier },
        });
    }
    return out;
  },
};

/**
 * The first stretch longer than `withinUs` in which records past the read frontier were waiting and no read moved
 * the frontier, reported from its start to the read that ended it (or the end of the run). Events in time order; at
 * equal times reads come first.
 */
function firstStall(arrivals: { time: number; offset: number }[], reads: { time: number; offset: number }[], withinUs: number, endUs: number): { fromUs: number; toUs: number; frontier: number } | null {
  const events = [...arrivals.map((a) => ({ ...a, read: false })), ...reads.map((r) => ({ ...r, read: true }))].sort((a, b) => a.time - b.time || (a.read === b.read ? 0 : a.read ? -1 : 1));
  let maxArrived = -1;
  let frontier = -1;
  let since: number | null = null; // records have been waiting past the frontier since then
  let stalled: { fromUs: number; frontier: number } | null = null;
  for (const e of events) {
    if (since !== null && e.time - since > withinUs && !stalled) stalled = { fromUs: since, frontier };
    if (e.read) {
      if (e.offset <= frontier) continue; // reprocessing is not progress
      if (stalled) return { ...stalled, toUs: e.time };
      frontier = e.offset;
      since = maxArrived > frontier ? e.time : null;
    } else {
      if (e.offset > maxArrived) maxArrived = e.offset;
      if (e.offset > frontier && since === null) since = e.time;
    }
  }
  if (stalled) return { ...stalled, toUs: endUs };
  if (since !== null && endUs - since > withinUs) return { fromUs: since, toUs: endUs, frontier };
  return null;
}

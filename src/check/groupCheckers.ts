import type { CommitValue, ProcessValue, RebalanceValue } from "../workload/groupConsumerWorkload.js";
import type { PollValue } from "../workload/consumerWorkload.js";
import type { HistoryOp } from "../workload/history.js";
import { committedPartitions } from "./committedView.js";
import { at, type Checker, type CheckInput, type Finding } from "./input.js";
import { positiveDurationMs } from "./params.js";

/**
 * Consumer-group checks. They read only the client history (polls, processed records, commits, rebalance
 * callbacks) and the final logs and group offsets, so they could judge a real application's recorded history.
 */

interface Processing {
  process: string;
  startUs: number;
  /** null: never finished (the process crashed or the run ended mid-record). */
  endUs: number | null;
  v: ProcessValue;
}

const processings = new WeakMap<CheckInput, Processing[]>();

/** Every record an application began processing, with when it finished. */
function processingOf(input: CheckInput): Processing[] {
  let out = processings.get(input);
  // Stryker disable next-line ConditionalExpression: a cached list is the one computing it again gives
  if (out) return out;
  out = [];
  const byInvoke = new Map<number, Processing>();
  for (const op of input.history.ops) {
    if (op.f !== "process") continue;
    if (op.type === "invoke") {
      const p: Processing = { process: op.process, startUs: op.time, endUs: null, v: op.value as ProcessValue };
      byInvoke.set(op.index, p);
      out.push(p);
    } else if (op.type === "ok") {
      const p = byInvoke.get(op.invoke!);
      // Stryker disable next-line ConditionalExpression: a process completion's invocation is a process invocation (History.complete records it)
      if (p) p.endUs = op.time;
    }
  }
  processings.set(input, out);
  return out;
}

const tpOf = (v: { topic: string; partition: number }) => `${v.topic}-${v.partition}`;

/** The members' onPartitionsAssigned callbacks: what names a rebalance's generation and what it handed out. */
function assignments(input: CheckInput): { op: HistoryOp; v: RebalanceValue }[] {
  return input.history.ops.filter((op) => op.f === "assigned").map((op) => ({ op, v: op.value as RebalanceValue }));
}

/** Final committed offsets per group and partition: the coordinator's at the end, else the last acknowledged commit. */
function committedOffsets(input: CheckInput): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const set = (group: string, tp: string, offset: number) => {
    let g = out.get(group);
    if (!g) out.set(group, (g = new Map()));
    g.set(tp, offset);
  };
  for (const { done } of input.history.completed("commit")) {
    if (done.type !== "ok") continue;
    const v = done.value as CommitValue;
    for (const [tp, o] of Object.entries(v.offsets)) set(v.group, tp, o);
  }
  // Stryker disable next-line ArrayDeclaration: a string in place of the group offsets names no group
  for (const g of input.groupOffsets ?? []) if (g.offset !== null && out.has(g.group)) set(g.group, `${g.topic}-${g.partition}`, g.offset);
  return out;
}

/** Summarises offsets as ranges: "5–9, 12". */
function ranges(offsets: number[]): string {
  const s = [...new Set(offsets)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (s[j + 1] === s[j] + 1) j++; // past the end s[j + 1] is undefined, never a number
    parts.push(i === j ? `${s[i]}` : `${s[i]}–${s[j]}`);
    i = j + 1;
  }
  return parts.length > 6 ? `${parts.slice(0, 6).join(", ")}, …` : parts.join(", ");
}

/** A record processed more than once within a group: the at-least-once duplicate, with the rebalance behind it. */
export const consumedTwice: Checker = {
  name: "consumedTwice",
  description: "a record was processed more than once within a consumer group (and the rebalance that caused it)",
  run(input) {
    const first = new Map<string, Processing>();
    // group / partition / second processor / its generation → offsets processed again
    const again = new Map<string, { v: ProcessValue; first: Processing; second: Processing; offsets: number[] }>();
    for (const p of processingOf(input)) {
      if (p.endUs === null) continue;
      const k = `${p.v.group}/${tpOf(p.v)}@${p.v.offset}`;
      const before = first.get(k);
      if (!before) {
        first.set(k, p);
        continue;
      }
      const key = `${p.v.group}/${tpOf(p.v)}/${p.process}/${p.v.generation}`;
      const a = again.get(key) ?? { v: p.v, first: before, second: p, offsets: [] };
      a.offsets.push(p.v.offset);
      again.set(key, a);
    }
    const events = assignments(input);
    return [...again.values()].map(({ v, first: f, second, offsets }) => {
      const tp = tpOf(v);
      const cause = events.filter((e) => e.op.process === second.process && e.v.partitions.includes(tp) && e.op.time <= second.startUs).pop();
      const why = cause ? `; ${second.process} was assigned ${tp} in generation ${cause.v.generation} at ${at(cause.op.time)}` : second.process === f.process ? `; ${second.process} went back to the committed offset` : "";
      return {
        message: `group ${v.group}: ${offsets.length} record(s) of ${tp} (offsets ${ranges(offsets)}) processed again by ${second.process} (generation ${second.v.generation}) at ${at(second.startUs)}, first by ${f.process} (generation ${f.v.generation}) at ${at(f.startUs)}${why}`,
        atUs: second.startUs,
        evidence: { group: v.group, partition: tp, offsets: offsets.length, first: f.process, second: second.process, generation: second.v.generation, rebalanceAtUs: cause?.op.time ?? null },
      };
    });
  },
};

/** The group committed past a record no member finished processing: at-most-once loss. */
export const skippedRecords: Checker = {
  name: "skippedRecords",
  description: "a group committed an offset past records that no member processed (at-most-once loss)",
  run(input) {
    const parts = committedPartitions(input.logs);
    const done = new Set<string>();
    for (const p of processingOf(input)) if (p.endUs !== null) done.add(`${p.v.group}/${tpOf(p.v)}@${p.v.offset}`);
    // Where each group's delivery of a partition began: records before it were never in its scope (auto.offset.reset).
    const from = new Map<string, number>();
    const readCommitted = new Set<string>();
    for (const op of input.history.ops) {
      if (op.f !== "poll") continue;
      const inv = op.type === "invoke" ? (op.value as { group?: string; isolation?: string }) : null;
      if (inv?.group && inv.isolation === "read_committed") readCommitted.add(inv.group);
      if (op.type !== "ok" || op.invoke === undefined) continue;
      const group = (input.history.ops[op.invoke].value as { group?: string }).group;
      if (!group) continue;
      for (const [tp, recs] of Object.entries(op.value as PollValue)) if (recs.length > 0) from.set(`${group}/${tp}`, Math.min(from.get(`${group}/${tp}`) ?? Infinity, recs[0][0]));
    }
    const addedLater = partitionsAddedUnderGroup(input);
    const out: Finding[] = [];
    for (const [group, byTp] of committedOffsets(input))
      for (const [tp, committed] of byTp) {
        const start = Math.min(from.get(`${group}/${tp}`) ?? committed, addedLater.get(`${group}/${tp}`) ?? Infinity);
        const skipped = (parts.get(tp)?.records ?? []).filter((r) => r.offset >= start && r.offset < committed && !(r.aborted && readCommitted.has(group)) && !done.has(`${group}/${tp}@${r.offset}`)).map((r) => r.offset);
        if (skipped.length > 0)
          out.push({
            message: `group ${group} committed ${tp} at offset ${committed}, past ${skipped.length} record(s) no member finished processing (offsets ${ranges(skipped)})`,
            evidence: { group, partition: tp, committed, skipped: skipped.length, first: skipped[0] },
          });
      }
    return out;
  },
};

/**
 * KAFKA-12261: the records of a partition first handed to a group in a later generation than the first that named its
 * topic (a partition added while the group read the topic) were in the group's scope from that first generation on —
 * with auto.offset.reset=earliest it reads them, with latest it starts past them. Returns `group/tp` → the lowest
 * offset of such a partition acknowledged to a producer after the group's first assignment of the topic (µs of the
 * history's clock). A partition of the first generation is not in the map: a brand-new group's reset is its start.
 * Generations are compared as the assignments report them (a KIP-848 member epoch stands for the generation).
 */
function partitionsAddedUnderGroup(input: CheckInput): Map<string, number> {
  // group/topic → the first assignment naming the topic (generation, time); group/tp → the generation first naming it.
  const topicFirst = new Map<string, { generation: number; time: number }>();
  const tpFirst = new Map<string, number>();
  const topicOf = (tp: string) => tp.slice(0, tp.lastIndexOf("-"));
  for (const { op, v } of assignments(input))
    for (const tp of v.partitions) {
      const t = topicFirst.get(`${v.group}/${topicOf(tp)}`);
      if (!t || v.generation < t.generation || (v.generation === t.generation && op.time < t.time)) topicFirst.set(`${v.group}/${topicOf(tp)}`, { generation: v.generation, time: op.time });
      tpFirst.set(`${v.group}/${tp}`, Math.min(tpFirst.get(`${v.group}/${tp}`) ?? Infinity, v.generation));
    }
  // group/tp → the first assignment of its topic, for the partitions first assigned in a later generation.
  const later = new Map<string, { generation: number; time: number }>();
  for (const [k, generation] of tpFirst) {
    const first = topicFirst.get(`${k.slice(0, k.indexOf("/"))}/${topicOf(k.slice(k.indexOf("/") + 1))}`)!;
    if (generation > first.generation) later.set(k, first);
  }
  const out = new Map<string, number>();
  if (later.size === 0) return out;
  const groups = [...new Set([...later.keys()].map((k) => k.slice(0, k.indexOf("/"))))];
  for (const { done } of input.history.completed("send")) {
    if (done.type !== "ok") continue;
    const v = done.value as { topic: string; partition: number | null; offset?: number };
    if (v.partition === null || v.offset === undefined || v.offset < 0) continue;
    for (const group of groups) {
      const k = `${group}/${v.topic}-${v.partition}`;
      const first = later.get(k);
      if (first && done.time > first.time) out.set(k, Math.min(out.get(k) ?? Infinity, v.offset));
    }
  }
  return out;
}

/** Two members processing records of one partition at the same moment: split brain. */
export const concurrentOwnership: Checker = {
  name: "concurrentOwnership",
  description: "two members of a group processed the same partition at the same moment (split brain)",
  run(input) {
    const byTp = new Map<string, Processing[]>();
    for (const p of processingOf(input)) {
      const k = `${p.v.group}/${tpOf(p.v)}`;
      byTp.set(k, [...(byTp.get(k) ?? []), p]);
    }
    const found = new Map<string, { group: string; tp: string; a: Processing; b: Processing; count: number }>();
    for (const [k, list] of byTp) {
      const [group, tp] = [k.slice(0, k.indexOf("/")), k.slice(k.indexOf("/") + 1)];
      // Sweep in start order; an unfinished record counts for its start instant only.
      const sorted = [...list].sort((x, y) => x.startUs - y.startUs);
      const active: Processing[] = [];
      for (const p of sorted) {
        for (let i = active.length - 1; i >= 0; i--) if ((active[i].endUs ?? active[i].startUs) <= p.startUs) active.splice(i, 1);
        for (const q of active) {
          if (q.process === p.process) continue;
          const key = `${k}/${[q.process, p.process].sort().join("+")}`;
          const f = found.get(key);
          if (f) f.count++;
          else found.set(key, { group, tp, a: q, b: p, count: 1 });
        }
        active.push(p);
      }
    }
    return [...found.values()].map(({ group, tp, a, b, count }) => ({
      message: `group ${group}: ${a.process} (generation ${a.v.generation}) and ${b.process} (generation ${b.v.generation}) were both processing ${tp} at ${at(b.startUs)} (${count} overlap(s))`,
      atUs: b.startUs,
      evidence: { group, partition: tp, members: [a.process, b.process], generations: [a.v.generation, b.v.generation], overlaps: count },
    }));
  },
};

interface CommitWindow {
  process: string;
  offset: number;
  /** The request was sent (µs) … */
  startUs: number;
  /** … and answered (µs); Infinity when no answer says it was refused (not acknowledged, or never answered). */
  endUs: number;
  acked: boolean;
  kind: CommitValue["kind"];
}

/**
 * A group's committed offset moved backwards. A commit takes effect somewhere inside its request window: after it
 * was sent and before it was answered (the coordinator may apply it, then the member pause, and the answer arrive
 * much later). So only commits whose windows do not overlap are ordered: an acknowledged commit that went out
 * after another was acknowledged must not go below it. And the group's final committed offset must not be below an
 * acknowledged OffsetCommit unless a commit of that final offset could have taken effect after it (its window ends
 * later, or it was never answered). Transactional offsets wait for their marker: transactionalOffsets judges those.
 */
export const committedOffsetRegression: Checker = {
  name: "committedOffsetRegression",
  description: "a group's committed offset for a partition moved backwards",
  run(input) {
    const windows = new Map<string, CommitWindow[]>(); // group/tp → commits
    const answered = new Map<number, HistoryOp>();
    // Every completion by its invocation; only commits' are looked up.
    // Stryker disable next-line ConditionalExpression: an invocation has no `invoke`, a key no lookup uses
    for (const op of input.history.ops) if (op.invoke !== undefined) answered.set(op.invoke, op);
    for (const op of input.history.ops) {
      if (op.f !== "commit" || op.type !== "invoke") continue;
      const v = op.value as CommitValue;
      const done = answered.get(op.index);
      const acked = done?.type === "ok";
      for (const [tp, offset] of Object.entries(v.offsets)) {
        const k = `${v.group}/${tp}`;
        // Stryker disable next-line ArrayDeclaration: a string in the list is never acknowledged nor of any offset
        const list = windows.get(k) ?? [];
        list.push({ process: op.process, offset, startUs: op.time, endUs: acked ? done!.time : Infinity, acked, kind: v.kind });
        windows.set(k, list);
      }
    }
    const out: Finding[] = [];
    for (const [k, list] of windows) {
      const [group, tp] = [k.slice(0, k.indexOf("/")), k.slice(k.indexOf("/") + 1)];
      // Acknowledged commits in request order; the highest offset among those answered before each one was sent.
      const acked = list.filter((c) => c.acked).sort((a, b) => a.startUs - b.startUs);
      const byEnd = [...acked].sort((a, b) => a.endUs - b.endUs);
      let e = 0;
      let top: CommitWindow | null = null;
      for (const c of acked) {
        while (
          // Stryker disable next-line ConditionalExpression,EqualityOperator: c itself is in byEnd and is not answered before it is sent, so the scan stops at c at the latest
          e < byEnd.length &&
          byEnd[e].endUs < c.startUs
        ) {
          if (!top || byEnd[e].offset > top.offset) top = byEnd[e];
          e++;
        }
        if (top && c.offset < top.offset)
          out.push({
            message: `group ${group}: ${c.process} committed ${tp} at ${c.offset} (sent ${at(c.startUs)}), below ${top.offset} that ${top.process} had committed and been told so at ${at(top.endUs)}`,
            atUs: c.startUs,
            evidence: { group, partition: tp, offset: c.offset, previous: top.offset, previousBy: top.process },
          });
      }
    }
    // Stryker disable next-line ArrayDeclaration: a string in place of the group offsets has no commits
    for (const g of input.groupOffsets ?? []) {
      if (g.offset === null) continue;
      const tp = `${g.topic}-${g.partition}`;
      const list = windows.get(`${g.group}/${tp}`) ?? [];
      // The latest any commit of the final offset could have taken effect.
      const lastOfFinal = Math.max(-Infinity, ...list.filter((c) => c.offset === g.offset).map((c) => c.endUs));
      const worst = list.filter((c) => c.acked && c.kind !== "transaction" && c.offset > g.offset! && lastOfFinal < c.startUs).sort((a, b) => b.offset - a.offset)[0];
      if (worst)
        out.push({
          message: `group ${g.group}: the final committed offset of ${tp} is ${g.offset}, below ${worst.offset} acknowledged to ${worst.process} at ${at(worst.endUs)}, and no commit of ${g.offset} could have come after it`,
          evidence: { group: g.group, partition: tp, offset: g.offset, acknowledged: worst.offset },
        });
    }
    return out;
  },
};

/**
 * Read-process-write: each input record below the group's committed offset has exactly one output visible to
 * read_committed readers, and none has more than one. Outputs name their input: `<topic>-<partition>@<offset>`,
 * optionally followed by `#<transaction>` (the workload adds it, so values stay unique); the transaction's writer
 * tells which group the output belongs to when several groups read the same input.
 */
export const exactlyOnce: Checker = {
  name: "exactlyOnce",
  description: "an input record's output is missing or visible more than once to read_committed readers",
  run(input) {
    const parts = committedPartitions(input.logs);
    // Input partitions per group, for groups committing with transactions; and which group each writer serves.
    const inputs = new Map<string, Set<string>>();
    const groupOf = new Map<string, string>(); // process → group
    for (const op of input.history.ops) {
      if (op.f !== "commit" || op.type !== "invoke") continue;
      const v = op.value as CommitValue;
      if (v.kind !== "transaction") continue;
      groupOf.set(op.process, v.group);
      for (const tp of Object.keys(v.offsets)) inputs.set(tp, (inputs.get(tp) ?? new Set()).add(v.group));
    }
    const writerOf = new Map<string, string>(); // transaction → the process that ran it
    // Stryker disable next-line ConditionalExpression,LogicalOperator: only the transaction's own app records ops naming it (its txn op, its sends and their answers), all by the writer
    for (const op of input.history.ops) if (op.f === "send" && op.type === "invoke" && (op.value as { txn?: string }).txn) writerOf.set((op.value as { txn: string }).txn, op.process);
    const outputs = new Map<string, number>(); // group/input@offset → visible outputs
    for (const part of parts.values())
      for (const r of part.records) {
        if (r.aborted) continue;
        const m = /^(.+-\d+)@(\d+)(?:#(.*))?$/.exec(r.value);
        if (!m || !inputs.has(m[1])) continue;
        // The writer's group when the output names its transaction, else every group reading that input.
        // Stryker disable next-line ConditionalExpression,StringLiteral: without #txn, writerOf has no undefined key and groupOf no "" key: undefined either way
        const group = m[3] !== undefined ? groupOf.get(writerOf.get(m[3]) ?? "") : undefined;
        for (const g of group !== undefined ? [group] : inputs.get(m[1])!) outputs.set(`${g}/${m[1]}@${m[2]}`, (outputs.get(`${g}/${m[1]}@${m[2]}`) ?? 0) + 1);
      }
    const committed = committedOffsets(input);
    const out: Finding[] = [];
    for (const [tp, groups] of inputs)
      for (const group of groups) {
        const upTo = committed.get(group)?.get(tp) ?? 0;
        const missing: number[] = [];
        const twice: number[] = [];
        for (const r of parts.get(tp)?.records ?? []) {
          if (r.aborted) continue;
          const n = outputs.get(`${group}/${tp}@${r.offset}`) ?? 0;
          if (n > 1) twice.push(r.offset);
          else if (n === 0 && r.offset < upTo) missing.push(r.offset);
        }
        if (twice.length > 0) out.push({ message: `group ${group}: ${twice.length} input record(s) of ${tp} have more than one committed output (offsets ${ranges(twice)})`, evidence: { group, partition: tp, duplicated: twice.length } });
        if (missing.length > 0) out.push({ message: `group ${group}: ${missing.length} input record(s) of ${tp} below the committed offset ${upTo} have no committed output (offsets ${ranges(missing)})`, evidence: { group, partition: tp, missing: missing.length } });
      }
    return out;
  },
};

/** More than this many rebalances within one window is a storm. */
const STORM_REBALANCES = 3;

/**
 * A rebalance storm: more than 3 rebalances (new generations) of a group within the window (default 60s), or a
 * window in which the group finished almost no new records (under 5% of what arrived) while records waited.
 */
export const rebalanceStorm: Checker<number> = {
  name: "rebalanceStorm",
  description: "a group rebalanced more than 3 times in a window (default 60s), or its throughput collapsed (<5% of arrivals) for a window",
  param: { example: "noRebalanceStorm: 60s", schema: positiveDurationMs },
  run(input, window) {
    const windowUs = (window ?? 60_000) * 1000;
    const out: Finding[] = [];
    const generations = new Map<string, Map<number, number>>(); // group → generation → first seen µs
    for (const { op, v } of assignments(input)) {
      let g = generations.get(v.group);
      if (!g) generations.set(v.group, (g = new Map()));
      if (!g.has(v.generation)) g.set(v.generation, op.time);
    }
    const endUs = input.history.ops.length > 0 ? input.history.ops[input.history.ops.length - 1].time : 0;
    for (const [group, gens] of generations) {
      const times = [...gens.values()].sort((a, b) => a - b);
      for (let i = 0, j = 0; j < times.length; j++) {
        while (times[j] - times[i] > windowUs) i++;
        if (j - i + 1 > STORM_REBALANCES) {
          out.push({ message: `group ${group} rebalanced ${j - i + 1} times between ${at(times[i])} and ${at(times[j])} (more than ${STORM_REBALANCES} within ${windowUs / 1e6}s)`, atUs: times[j], evidence: { group, rebalances: j - i + 1, fromUs: times[i], toUs: times[j] } });
          break;
        }
      }
      const stall = collapsedWindow(input, group, times[0], endUs, windowUs);
      if (stall) out.push(stall);
    }
    return out;
  },
};

/**
 * The first window in which the group finished fewer than 5% as many new records as arrived for it (at least 10
 * arrived), while it had a backlog: its throughput collapsed, although its members may be busy reprocessing.
 */
function collapsedWindow(input: CheckInput, group: string, fromUs: number, endUs: number, windowUs: number): Finding | null {
  const firstDone = new Map<string, number>(); // tp@offset → when the group first finished it
  const scope = new Map<string, number>(); // tp → the first offset the group was delivered
  for (const p of processingOf(input)) {
    if (p.v.group !== group) continue;
    const tp = tpOf(p.v);
    scope.set(tp, Math.min(scope.get(tp) ?? Infinity, p.v.offset));
    if (p.endUs === null) continue;
    const k = `${tp}@${p.v.offset}`;
    if (!firstDone.has(k) || firstDone.get(k)! > p.endUs) firstDone.set(k, p.endUs);
  }
  const arrivals: number[] = [];
  for (const { done } of input.history.completed("send")) {
    const v = done.value as { topic: string; partition: number | null; offset?: number };
    if (done.type === "ok" && v.partition !== null && v.offset !== undefined && v.offset >= (scope.get(`${v.topic}-${v.partition}`) ?? Infinity)) arrivals.push(done.time);
  }
  arrivals.sort((a, b) => a - b);
  const finished = [...firstDone.values()].sort((a, b) => a - b);
  const count = (xs: number[], a: number, b: number) => lowerBound(xs, b) - lowerBound(xs, a);
  for (let a = fromUs; a + windowUs <= endUs; a += windowUs / 4) {
    const b = a + windowUs;
    const arrived = count(arrivals, a, b);
    const progressed = count(finished, a, b);
    const backlog = lowerBound(arrivals, a) - lowerBound(finished, a);
    if (arrived >= 10 && backlog > 0 && progressed < arrived * 0.05)
      return {
        message: `group ${group} finished ${progressed} new record(s) between ${at(a)} and ${at(b)} while ${arrived} arrived (throughput collapsed; ${backlog} were already waiting)`,
        atUs: a,
        evidence: { group, fromUs: a, toUs: b, arrived, progressed, backlog },
      };
  }
  return null;
}

/** Index of the first element ≥ x in a sorted array. */
function lowerBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

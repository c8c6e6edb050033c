import type { RunResult } from "../runner/run.js";
import type { History } from "../workload/history.js";
import type { CommitValue, ProcessValue, RebalanceValue } from "../workload/groupConsumerWorkload.js";

/** A value from a moment on: (simulated µs, offset). */
export interface Point {
  t: number;
  v: number;
}

/** `topic-partition` keys in topic, then numeric partition order. */
export function byPartition(a: string, b: string): number {
  const [ta, pa] = [a.slice(0, a.lastIndexOf("-")), Number(a.slice(a.lastIndexOf("-") + 1))];
  const [tb, pb] = [b.slice(0, b.lastIndexOf("-")), Number(b.slice(b.lastIndexOf("-") + 1))];
  return ta.localeCompare(tb) || pa - pb;
}

/** Every consumer group of a run: from its scenario's clients, the history and the groups stored at the end. */
export function groupsOf(r: RunResult): string[] {
  const groups = new Set<string>([...r.groupOffsets.map((g) => g.group), ...r.groups.map((g) => g.group)]);
  for (const c of r.world.scenario.clients) if (c.kind === "group-consumer" && c.settings.groupId) groups.add(c.settings.groupId);
  for (const op of r.history.ops) if (op.f === "assigned") groups.add((op.value as RebalanceValue).group);
  return [...groups].sort();
}

/**
 * The partitions a group reads: every partition of every topic its members subscribe to (kafka-consumer-groups
 * lists them all, even those nothing was committed for), plus any partition the history shows it was assigned.
 */
export function groupPartitions(r: RunResult, group: string): string[] {
  const tps = new Set<string>();
  for (const c of r.world.scenario.clients) {
    if (c.kind !== "group-consumer" || c.settings.groupId !== group) continue;
    for (const topic of c.workload.topics) {
      const t = r.world.scenario.topics.find((x) => x.name === topic);
      for (let p = 0; p < (t?.partitions ?? 0); p++) tps.add(`${topic}-${p}`);
    }
  }
  for (const op of r.history.ops) if (op.f === "assigned" && (op.value as RebalanceValue).group === group) for (const tp of (op.value as RebalanceValue).partitions) tps.add(tp);
  for (const o of r.groupOffsets) if (o.group === group) tps.add(`${o.topic}-${o.partition}`);
  return [...tps].sort(byPartition);
}

export interface PartitionProgress {
  /**
   * The group's position: the next offset it would process, after each record it finished (any member). It moves
   * back when a new owner starts again from the committed offset, which is how a rebalance storm's backlog shows.
   */
  position: Point[];
  /** Offsets the group committed successfully, when each commit was answered. */
  committed: Point[];
}

/** Per partition (`topic-partition`): a group's position and committed offsets over time, from the history. */
export function groupProgress(history: History, group: string): Map<string, PartitionProgress> {
  const out = new Map<string, PartitionProgress>();
  const get = (tp: string) => {
    let p = out.get(tp);
    if (!p) out.set(tp, (p = { position: [], committed: [] }));
    return p;
  };
  for (const op of history.ops) {
    if (op.f === "process" && op.type === "ok") {
      const v = op.value as ProcessValue;
      if (v.group === group) get(`${v.topic}-${v.partition}`).position.push({ t: op.time, v: v.offset + 1 });
    } else if (op.f === "commit" && op.type === "ok") {
      const v = op.value as CommitValue;
      if (v.group !== group) continue;
      for (const [tp, offset] of Object.entries(v.offsets)) get(tp).committed.push({ t: op.time, v: offset });
    }
  }
  return out;
}

/** Per partition: the log end over time as producers saw it, 1 + the highest offset acknowledged so far. */
export function acknowledgedLogEnds(history: History): Map<string, Point[]> {
  const ends = new Map<string, Point[]>();
  for (const op of history.ops) {
    if (op.f !== "send" || op.type !== "ok") continue;
    const v = op.value as { topic: string; partition: number; offset?: number };
    if (v.offset === undefined || v.offset < 0) continue;
    const tp = `${v.topic}-${v.partition}`;
    let list = ends.get(tp);
    if (!list) ends.set(tp, (list = []));
    const last = list.length ? list[list.length - 1].v : 0;
    if (v.offset + 1 > last) list.push({ t: op.time, v: v.offset + 1 });
  }
  return ends;
}

/** The value in force at time t (the last point at or before t), or undefined before the first. `points` ascend in t. */
export function valueAt(points: readonly Point[] | undefined, t: number): number | undefined {
  if (!points || points.length === 0 || points[0].t > t) return undefined;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (points[mid].t <= t) lo = mid;
    else hi = mid - 1;
  }
  return points[lo].v;
}

/**
 * A group's lag on one partition at time t: log end minus the group's position, or minus its committed offset where
 * it has processed nothing yet; undefined while it has neither.
 */
export function lagAt(ends: readonly Point[] | undefined, progress: PartitionProgress | undefined, t: number): number | undefined {
  const end = valueAt(ends, t) ?? 0;
  const at = valueAt(progress?.position, t) ?? valueAt(progress?.committed, t);
  return at === undefined ? undefined : Math.max(0, end - at);
}

import type { ChalkInstance } from "chalk";
import { committedPartitions } from "../check/committedView.js";
import type { RunResult } from "../runner/run.js";
import type { CommitValue, ProcessValue, RebalanceValue } from "../workload/groupConsumerWorkload.js";

const sec = (us: number) => `${(us / 1e6).toFixed(1)}s`;

/** `topic-partition` keys in topic, then numeric partition order. */
function byPartition(a: string, b: string): number {
  const [ta, pa] = [a.slice(0, a.lastIndexOf("-")), Number(a.slice(a.lastIndexOf("-") + 1))];
  const [tb, pb] = [b.slice(0, b.lastIndexOf("-")), Number(b.slice(b.lastIndexOf("-") + 1))];
  return ta.localeCompare(tb) || pa - pb;
}

/**
 * Consumer groups at the end of a run: `kafka-consumer-groups --describe`'s table (partition, committed offset,
 * log end offset, lag, owner), then per member the rebalances it went through, how long it owned nothing because of
 * them, and what it processed; and the lag of each partition over the run.
 */
export function groupLines(r: RunResult, c: ChalkInstance): string[] {
  const groups = new Set<string>([...r.groupOffsets.map((g) => g.group), ...r.groups.map((g) => g.group)]);
  for (const op of r.history.ops) if (op.f === "assigned") groups.add((op.value as RebalanceValue).group);
  if (groups.size === 0) return [];
  const parts = committedPartitions(r.logs);
  const lines: string[] = [];
  for (const group of [...groups].sort()) {
    const snapshot = r.groups.find((g) => g.group === group);
    const owner = new Map<string, string>();
    for (const m of snapshot?.members ?? []) for (const tp of m.assignment) owner.set(tp, m.groupInstanceId ? `${m.clientId} (${m.groupInstanceId})` : m.clientId);
    const offsets = r.groupOffsets.filter((g) => g.group === group).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    lines.push(c.dim(`consumer group ${group} at the end (generation ${snapshot?.generationId ?? "?"}, ${snapshot?.protocol ?? "no protocol"}, ${snapshot?.members.length ?? 0} members):`));
    lines.push(c.dim(`  ${"PARTITION".padEnd(16)} ${"CURRENT-OFFSET".padStart(14)} ${"LOG-END-OFFSET".padStart(14)} ${"LAG".padStart(7)}  OWNER`));
    const tps = new Set<string>([...offsets.map((o) => `${o.topic}-${o.partition}`), ...owner.keys()]);
    for (const tp of [...tps].sort(byPartition)) {
      const o = offsets.find((x) => `${x.topic}-${x.partition}` === tp);
      const end = parts.get(tp)?.highWatermark;
      const cur = o?.offset ?? null;
      const lag = end !== undefined && cur !== null ? String(end - cur) : "-";
      lines.push(`  ${tp.padEnd(16)} ${String(cur ?? "-").padStart(14)} ${String(end ?? "-").padStart(14)} ${lag.padStart(7)}  ${owner.get(tp) ?? "-"}`);
    }
    lines.push(...memberLines(r, group, c), ...lagLines(r, group, c));
  }
  return lines;
}

/** Per member: generations it joined, time it owned nothing between a revoke/loss and its next assignment, work. */
function memberLines(r: RunResult, group: string, c: ChalkInstance): string[] {
  const stats = new Map<string, { generations: Set<number>; pausedUs: number; pauses: number; since: number | null; owned: Set<string>; processed: number; again: number; commitsFailed: number }>();
  const seen = new Set<string>();
  const get = (p: string) => {
    let s = stats.get(p);
    if (!s) stats.set(p, (s = { generations: new Set(), pausedUs: 0, pauses: 0, since: null, owned: new Set(), processed: 0, again: 0, commitsFailed: 0 }));
    return s;
  };
  const generations = new Set<number>();
  const lastOwner = new Map<string, string>();
  let moves = 0;
  for (const op of r.history.ops) {
    if (op.f === "assigned" || op.f === "revoked" || op.f === "lost") {
      const v = op.value as RebalanceValue;
      if (v.group !== group) continue;
      const s = get(op.process);
      if (op.f === "assigned") {
        generations.add(v.generation);
        s.generations.add(v.generation);
        for (const tp of v.partitions) {
          const prev = lastOwner.get(tp);
          if (prev !== undefined && prev !== op.process) moves++;
          lastOwner.set(tp, op.process);
        }
        for (const tp of v.partitions) s.owned.add(tp);
        if (s.since !== null && s.owned.size > 0) {
          s.pausedUs += op.time - s.since;
          s.pauses++;
          s.since = null;
        }
      } else {
        for (const tp of v.partitions) s.owned.delete(tp);
        if (s.owned.size === 0 && v.partitions.length > 0) s.since = op.time;
      }
    } else if (op.f === "process" && op.type === "ok") {
      const v = op.value as ProcessValue;
      if (v.group !== group) continue;
      const s = get(op.process);
      const k = `${v.topic}-${v.partition}@${v.offset}`;
      if (seen.has(k)) s.again++;
      else s.processed++;
      seen.add(k);
    } else if (op.f === "commit" && op.type === "fail" && (op.value as CommitValue).group === group) get(op.process).commitsFailed++;
  }
  if (stats.size === 0) return [];
  const lines = [c.dim(`  ${generations.size} rebalance(s) (generations ${[...generations].sort((a, b) => a - b).join(", ")}), ${moves} partition move(s) between members; per member: generations joined, time without partitions after a revoke or loss, records processed first / again, commits refused:`)];
  for (const [p, s] of [...stats].sort(([a], [b]) => a.localeCompare(b)))
    lines.push(`    ${p.padEnd(14)} ${String(s.generations.size).padStart(3)} generations   paused ${sec(s.pausedUs).padStart(7)} over ${s.pauses} rebalance(s)   processed ${s.processed} / again ${s.again}   commits refused ${s.commitsFailed}`);
  return lines;
}

/** Lag per partition at ten moments of the run: acknowledged log end minus the group's committed offset then. */
function lagLines(r: RunResult, group: string, c: ChalkInstance): string[] {
  const endUs = r.simulatedMs * 1000;
  const marks = Array.from({ length: 10 }, (_, i) => ((i + 1) * endUs) / 10);
  const ends = new Map<string, { t: number; end: number }[]>();
  const commits = new Map<string, { t: number; offset: number }[]>();
  for (const op of r.history.ops) {
    if (op.f === "send" && op.type === "ok") {
      const v = op.value as { topic: string; partition: number; offset?: number };
      if (v.offset === undefined || v.offset < 0) continue;
      const tp = `${v.topic}-${v.partition}`;
      let list = ends.get(tp);
      if (!list) ends.set(tp, (list = []));
      list.push({ t: op.time, end: v.offset + 1 });
    } else if (op.f === "commit" && op.type === "ok") {
      const v = op.value as CommitValue;
      if (v.group !== group) continue;
      for (const [tp, offset] of Object.entries(v.offsets)) {
        let list = commits.get(tp);
        if (!list) commits.set(tp, (list = []));
        list.push({ t: op.time, offset });
      }
    }
  }
  if (commits.size === 0) return [];
  const at = <T extends { t: number }>(xs: T[] | undefined, t: number, f: (x: T) => number) => (xs ?? []).filter((x) => x.t <= t).reduce((m, x) => Math.max(m, f(x)), 0);
  const lines = [c.dim(`  lag over time (at ${marks.map((m) => sec(m)).join(" ")}):`)];
  for (const tp of [...commits.keys()].sort(byPartition)) lines.push(`    ${tp.padEnd(14)} ${marks.map((m) => String(Math.max(0, at(ends.get(tp), m, (x) => x.end) - at(commits.get(tp), m, (x) => x.offset)))).join(" ")}`);
  return lines;
}

import type { ChalkInstance } from "chalk";
import { committedPartitions } from "../check/committedView.js";
import type { RunResult } from "../runner/run.js";
import type { CommitValue, ProcessValue, RebalanceValue } from "../workload/groupConsumerWorkload.js";
import { acknowledgedLogEnds, groupPartitions, groupProgress, groupsOf, lagAt } from "./groupProgress.js";

const sec = (us: number) => `${(us / 1e6).toFixed(1)}s`;

/**
 * Consumer groups at the end of a run: `kafka-consumer-groups --describe`'s table with a row for every partition of
 * the subscribed topics (committed offset, the group's position, log end offset, lag, owner), then per member the
 * rebalances it went through, how long it owned nothing because of them, and what it processed; and the lag of each
 * partition over the run.
 */
export function groupLines(r: RunResult, c: ChalkInstance): string[] {
  const groups = groupsOf(r);
  if (groups.length === 0) return [];
  const parts = committedPartitions(r.logs);
  const lines: string[] = [];
  for (const group of groups) {
    const snapshot = r.groups.find((g) => g.group === group);
    const owner = new Map<string, string>();
    for (const m of snapshot?.members ?? []) for (const tp of m.assignment) owner.set(tp, m.groupInstanceId ? `${m.clientId} (${m.groupInstanceId})` : m.clientId);
    const progress = groupProgress(r.history, group);
    lines.push(c.dim(`consumer group ${group} at the end (generation ${snapshot?.generationId ?? "?"}, ${snapshot?.protocol ?? "no protocol"}, ${snapshot?.members.length ?? 0} members):`));
    lines.push(c.dim(`  ${"PARTITION".padEnd(16)} ${"CURRENT-OFFSET".padStart(14)} ${"POSITION".padStart(9)} ${"LOG-END-OFFSET".padStart(14)} ${"LAG".padStart(7)}  OWNER`));
    for (const tp of groupPartitions(r, group)) {
      const o = r.groupOffsets.find((x) => x.group === group && `${x.topic}-${x.partition}` === tp);
      const end = parts.get(tp)?.highWatermark;
      const committed = o?.offset ?? null;
      const position = progress.get(tp)?.position.at(-1)?.v ?? null;
      // kafka-consumer-groups --describe: LAG is log end minus CURRENT-OFFSET; with nothing committed, the position.
      const from = committed ?? position;
      const lag = end !== undefined && from !== null ? String(Math.max(0, end - from)) : "-";
      lines.push(`  ${tp.padEnd(16)} ${String(committed ?? "-").padStart(14)} ${String(position ?? "-").padStart(9)} ${String(end ?? "-").padStart(14)} ${lag.padStart(7)}  ${owner.get(tp) ?? "-"}`);
    }
    lines.push(c.dim("  (CURRENT-OFFSET: committed, - when nothing is; POSITION: the next offset the group would process, from the records it processed; LAG: log end minus CURRENT-OFFSET, as kafka-consumer-groups, or minus POSITION when nothing is committed)"));
    lines.push(...memberLines(r, group, c), ...lagLines(r, group, c));
  }
  return lines;
}

/** Per member: generations it joined, time it owned nothing between a revoke/loss and its next assignment, work. */
function memberLines(r: RunResult, group: string, c: ChalkInstance): string[] {
  const stats = new Map<string, { generations: Set<number>; pausedUs: number; pauses: number; since: number | null; owned: Set<string>; processed: number; again: number; commitsFailed: number; commitErrors: Map<string, number> }>();
  const seen = new Set<string>();
  const get = (p: string) => {
    let s = stats.get(p);
    if (!s) stats.set(p, (s = { generations: new Set(), pausedUs: 0, pauses: 0, since: null, owned: new Set(), processed: 0, again: 0, commitsFailed: 0, commitErrors: new Map() }));
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
    } else if (op.f === "commit" && op.type === "fail" && (op.value as CommitValue).group === group) {
      const s = get(op.process);
      s.commitsFailed++;
      // Which error refused them (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, ...): the count alone says nothing of why.
      const e = op.error ?? "unknown error";
      s.commitErrors.set(e, (s.commitErrors.get(e) ?? 0) + 1);
    }
  }
  if (stats.size === 0) return [];
  const lines = [c.dim(`  ${generations.size} rebalance(s) (generations ${[...generations].sort((a, b) => a - b).join(", ")}), ${moves} partition move(s) between members; per member: generations joined, time without partitions after a revoke or loss, records processed first / again, commits refused:`)];
  for (const [p, s] of [...stats].sort(([a], [b]) => a.localeCompare(b)))
    lines.push(`    ${p.padEnd(14)} ${String(s.generations.size).padStart(3)} generations   paused ${sec(s.pausedUs).padStart(7)} over ${s.pauses} rebalance(s)   processed ${s.processed} / again ${s.again}   commits refused ${s.commitsFailed}${s.commitsFailed > 0 ? ` (${[...s.commitErrors].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([e, n]) => `${e} ${n}`).join(", ")})` : ""}`);
  return lines;
}

/** Lag per partition at ten moments of the run: acknowledged log end minus the group's position then (lagAt). */
function lagLines(r: RunResult, group: string, c: ChalkInstance): string[] {
  const endUs = r.simulatedMs * 1000;
  const marks = Array.from({ length: 10 }, (_, i) => ((i + 1) * endUs) / 10);
  const ends = acknowledgedLogEnds(r.history);
  const progress = groupProgress(r.history, group);
  if (progress.size === 0) return [];
  const lines = [c.dim(`  lag over time (log end minus the group's position, at ${marks.map((m) => sec(m)).join(" ")}):`)];
  for (const tp of groupPartitions(r, group)) lines.push(`    ${tp.padEnd(14)} ${marks.map((m) => String(lagAt(ends.get(tp), progress.get(tp), m) ?? "-")).join(" ")}`);
  return lines;
}

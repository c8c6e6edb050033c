import type { ChalkInstance } from "chalk";
import type { FinalReplicaLog } from "../check/input.js";
import type { RunResult } from "../runner/run.js";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const ms = (us: number) => (us >= 1e6 ? `${(us / 1e6).toFixed(2)}s` : `${(us / 1000).toFixed(1)}ms`);

/** The end state of each partition, as `kafka-topics --describe` plus log ends would show it. */
export function partitionLines(logs: FinalReplicaLog[], c: ChalkInstance): string[] {
  if (logs.length === 0) return [];
  const byTp = new Map<string, FinalReplicaLog[]>();
  for (const l of logs) byTp.set(`${l.topic}-${l.partition}`, [...(byTp.get(`${l.topic}-${l.partition}`) ?? []), l]);
  const lines = [c.dim("partitions at the end (replica: log end / high watermark):")];
  // By topic, then partition number (clicks-2 before clicks-10).
  const ordered = [...byTp].sort(([, [a]], [, [b]]) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  for (const [tp, replicas] of ordered) {
    const leader = replicas.find((r) => r.leader);
    const reps = replicas.map((r) => `${r.broker}${r.leader ? "*" : ""} ${r.logEndOffset}/${r.highWatermark}`).join("  ");
    lines.push(`  ${tp.padEnd(14)} ${leader ? `leader ${leader.broker}` : c.red("offline")}   ${reps}`);
  }
  return lines;
}

/**
 * Per producer: how many sends were acknowledged, failed, dropped with their aborted transaction
 * (TRANSACTION_ABORTED: the application or an error ended the transaction before they were sent; not a failed send),
 * left unknown or unanswered, and the acknowledgement latency. Transactional producers get a second line with their
 * transactions: committed, aborted by the application (abortRatio), aborted on an error, outcome unknown.
 */
export function producerLines(r: RunResult, c: ChalkInstance): string[] {
  const stats = new Map<string, { sent: number; ok: number; fail: number; aborted: number; info: number; latencies: number[] }>();
  const txns = new Map<string, { committed: number; abortedByApp: number; abortedOnError: number; unknown: number }>();
  for (const op of r.history.ops) {
    if (op.f === "txn" && op.type !== "invoke") {
      let t = txns.get(op.process);
      if (!t) txns.set(op.process, (t = { committed: 0, abortedByApp: 0, abortedOnError: 0, unknown: 0 }));
      // An abort the application chose has no commit request (transactionalWorkload's aborted(null, null)).
      const commitRequested = (op.value as { commitRequestedUs?: number | null } | null)?.commitRequestedUs ?? null;
      if (op.type === "ok") t.committed++;
      else if (op.type === "info") t.unknown++;
      else if (op.error === "TRANSACTION_ABORTED" && commitRequested === null) t.abortedByApp++;
      else t.abortedOnError++;
      continue;
    }
    if (op.f !== "send") continue;
    let s = stats.get(op.process);
    if (!s) stats.set(op.process, (s = { sent: 0, ok: 0, fail: 0, aborted: 0, info: 0, latencies: [] }));
    if (op.type === "invoke") s.sent++;
    else if (op.type === "fail" && op.error === "TRANSACTION_ABORTED") s.aborted++;
    else {
      s[op.type]++;
      if (op.type === "ok" && op.invoke !== undefined) s.latencies.push(op.time - r.history.ops[op.invoke].time);
    }
  }
  if (stats.size === 0) return [];
  const lines = [c.dim("producers (sends: acknowledged / failed / aborted with their transaction / unknown outcome / no answer yet; ack latency):")];
  for (const [p, s] of stats) {
    const lat = s.latencies.sort((a, b) => a - b);
    const pending = s.sent - s.ok - s.fail - s.aborted - s.info;
    const latency = lat.length ? `p50 ${ms(percentile(lat, 0.5))}  p99 ${ms(percentile(lat, 0.99))}  max ${ms(lat[lat.length - 1])}` : "no acks";
    lines.push(`  ${p.padEnd(14)} ${s.sent} sent: ${s.ok} / ${s.fail} / ${s.aborted} / ${s.info} / ${pending}   ${latency}`);
    const t = txns.get(p);
    if (t)
      lines.push(
        `  ${"".padEnd(14)} transactions: ${t.committed} committed, ${t.abortedByApp} aborted by the app, ${t.abortedOnError} aborted on error, ${t.unknown} unknown outcome`,
      );
  }
  return lines;
}

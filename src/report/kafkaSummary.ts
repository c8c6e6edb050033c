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
  for (const [tp, replicas] of [...byTp].sort(([a], [b]) => a.localeCompare(b))) {
    const leader = replicas.find((r) => r.leader);
    const reps = replicas.map((r) => `${r.broker}${r.leader ? "*" : ""} ${r.logEndOffset}/${r.highWatermark}`).join("  ");
    lines.push(`  ${tp.padEnd(14)} ${leader ? `leader ${leader.broker}` : c.red("offline")}   ${reps}`);
  }
  return lines;
}

/** Per producer: how many sends were acknowledged, failed or left unknown, and acknowledgement latency. */
export function producerLines(r: RunResult, c: ChalkInstance): string[] {
  const stats = new Map<string, { sent: number; ok: number; fail: number; info: number; latencies: number[] }>();
  for (const op of r.history.ops) {
    if (op.f !== "send") continue;
    let s = stats.get(op.process);
    if (!s) stats.set(op.process, (s = { sent: 0, ok: 0, fail: 0, info: 0, latencies: [] }));
    if (op.type === "invoke") s.sent++;
    else {
      s[op.type]++;
      if (op.type === "ok" && op.invoke !== undefined) s.latencies.push(op.time - r.history.ops[op.invoke].time);
    }
  }
  if (stats.size === 0) return [];
  const lines = [c.dim("producers (sends: acknowledged / failed / unknown outcome / no answer yet; ack latency):")];
  for (const [p, s] of stats) {
    const lat = s.latencies.sort((a, b) => a - b);
    const pending = s.sent - s.ok - s.fail - s.info;
    const latency = lat.length ? `p50 ${ms(percentile(lat, 0.5))}  p99 ${ms(percentile(lat, 0.99))}  max ${ms(lat[lat.length - 1])}` : "no acks";
    lines.push(`  ${p.padEnd(14)} ${s.sent} sent: ${s.ok} / ${s.fail} / ${s.info} / ${pending}   ${latency}`);
  }
  return lines;
}

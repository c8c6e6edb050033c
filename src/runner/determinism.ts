import type { TraceObserver, TraceRecord } from "../sim/index.js";

/** Where two runs that should be identical part: the first trace record that differs (null: that run had ended). */
export interface Divergence {
  /** Position of the record in the trace (0-based). */
  index: number;
  a: TraceRecord | null;
  b: TraceRecord | null;
}

export interface DeterminismReport {
  ok: boolean;
  /** The first run's digest and the two reruns'. */
  digests: [string, string, string];
  /** The first record where the two reruns part; null when they agree record for record. */
  divergence: Divergence | null;
}

/**
 * FoundationDB's unseed check: the same run twice more, the digests compared with the first. `runOnce` runs it
 * with an extra observer and returns its digest. The first rerun keeps each record as a JSON line; the second is
 * compared line by line as it runs, so the first difference is named (time µs, actor, event) even when the digests
 * only differ at the end. Memory: one JSON line per trace record of one run.
 */
export function checkDeterminism(firstDigest: string, runOnce: (observe: TraceObserver) => string): DeterminismReport {
  const lines: string[] = [];
  const digestA = runOnce((r) => {
    lines.push(JSON.stringify(r));
  });
  let index = 0;
  let divergence: Divergence | null = null;
  const digestB = runOnce((r) => {
    if (divergence === null) {
      const line = JSON.stringify(r);
      if (index >= lines.length || lines[index] !== line) divergence = { index, a: index < lines.length ? (JSON.parse(lines[index]) as TraceRecord) : null, b: r };
    }
    index++;
  });
  if (divergence === null && index < lines.length) divergence = { index, a: JSON.parse(lines[index]) as TraceRecord, b: null };
  const ok = divergence === null && digestA === firstDigest && digestB === firstDigest;
  return { ok, digests: [firstDigest, digestA, digestB], divergence };
}

/** One line: `at 12.345678s broker-2 partition.hw {...} vs ... ` for a divergence. */
export function describeDivergence(d: Divergence | null): string {
  if (d === null) return "the two reruns agree record for record, but their digests differ from the first run's";
  const say = (r: TraceRecord | null) => (r === null ? "(the run had ended)" : `${r.actor} ${r.type} ${JSON.stringify(r.data ?? {})}`);
  const t = (d.a ?? d.b)!.t;
  return `runs part at trace record ${d.index}, t=${(t / 1e6).toFixed(6)}s: ${say(d.a)} vs ${say(d.b)}`;
}

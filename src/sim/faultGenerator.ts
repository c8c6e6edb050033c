import { boundOutages, type FaultKind, type FaultOp } from "./faults.js";
import type { RandomStream } from "./random.js";

/**
 * Bounds for a randomly generated fault schedule (scenario `randomFaults:` and the fast-check arbitrary). Only the
 * nodes to hit are required; every other field has the default in its comment (see `withFaultDefaults`).
 */
export interface FaultGeneratorBounds {
  /** Actors faults may hit. */
  nodes: string[];
  /** Default: crash, shutdown, pause, isolate, partition (GENERATED_KINDS). */
  kinds?: FaultKind[];
  /** How many faults (default 1–4). */
  count?: { min: number; max: number };
  /** Faults start between fromMs and untilMs of simulated time (default 1,000–20,000 ms). */
  fromMs?: number;
  untilMs?: number;
  /** Each fault lasts between min and max ms (default 1,000–10,000). */
  durationMs?: { min: number; max: number };
  /** At most this many nodes crashed, paused, shut down or isolated at once (default 1). */
  maxDown?: number;
  /** Crashes lose what was not fsynced (default false). */
  loseUnflushed?: boolean;
}

/** Bounds with every default filled in. */
export type ResolvedFaultBounds = Required<FaultGeneratorBounds>;

export const GENERATED_KINDS: readonly FaultKind[] = ["crash", "shutdown", "pause", "isolate", "partition"];

/** Fills in the defaults of FaultGeneratorBounds. Throws RangeError for empty nodes or an inverted range. */
export function withFaultDefaults(b: FaultGeneratorBounds): ResolvedFaultBounds {
  const r: ResolvedFaultBounds = {
    nodes: b.nodes,
    kinds: b.kinds ?? [...GENERATED_KINDS],
    count: b.count ?? { min: 1, max: 4 },
    fromMs: b.fromMs ?? 1_000,
    untilMs: b.untilMs ?? Math.max(20_000, b.fromMs ?? 0),
    durationMs: b.durationMs ?? { min: 1_000, max: 10_000 },
    maxDown: b.maxDown ?? 1,
    loseUnflushed: b.loseUnflushed ?? false,
  };
  if (r.nodes.length === 0) throw new RangeError("fault bounds: nodes must list at least one actor");
  if (r.kinds.length === 0) throw new RangeError("fault bounds: kinds must list at least one fault kind");
  if (r.count.max < r.count.min || r.untilMs < r.fromMs || r.durationMs.max < r.durationMs.min)
    throw new RangeError("fault bounds: a max is below its min (count, fromMs/untilMs or durationMs)");
  return r;
}

/** One generated fault; the same shape whether the draws come from a seeded stream or from fast-check. */
export function makeFault(kind: FaultKind, node: string, other: string, atMs: number, forMs: number, loseUnflushed: boolean): FaultOp {
  switch (kind) {
    case "crash":
      return { atMs, op: "crash", node, forMs, ...(loseUnflushed ? { loseUnflushed } : {}) };
    case "shutdown":
      return { atMs, op: "shutdown", node, forMs };
    case "pause":
      return { atMs, op: "pause", node, forMs };
    case "isolate":
      return { atMs, op: "isolate", node, forMs };
    case "partition":
      return node === other ? { atMs, op: "isolate", node, forMs } : { atMs, op: "partition", groups: [[node], [other]], forMs };
    case "slow-link":
      return {
        atMs,
        op: "slow-link",
        between: [node, other === node ? node : other],
        latency: { model: "uniform", minUs: 50_000, maxUs: 500_000 },
        forMs,
      };
    default:
      return { atMs, op: "pause", node, forMs };
  }
}

/** Draws a random schedule from a named stream (the scenario's `randomFaults`, used by `explore`). */
export function generateFaults(bounds: FaultGeneratorBounds, rnd: RandomStream): FaultOp[] {
  const b = withFaultDefaults(bounds);
  const n = b.count.min + rnd.int(b.count.max - b.count.min + 1);
  const ops: FaultOp[] = [];
  for (let i = 0; i < n; i++) {
    const kind = rnd.pick(b.kinds);
    const node = rnd.pick(b.nodes);
    const other = rnd.pick(b.nodes);
    const atMs = Math.round(rnd.between(b.fromMs, b.untilMs));
    const forMs = Math.round(rnd.between(b.durationMs.min, b.durationMs.max));
    ops.push(makeFault(kind, node, other, atMs, forMs, b.loseUnflushed));
  }
  return boundOutages(ops, b.maxDown);
}

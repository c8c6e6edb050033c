import { boundOutages, type FaultKind, type FaultOp } from "./faults.js";
import type { RandomStream } from "./random.js";

/** Bounds for a randomly generated fault schedule (scenario `randomFaults:` and the fast-check arbitrary). */
export interface FaultGeneratorBounds {
  nodes: string[];
  kinds: FaultKind[];
  count: { min: number; max: number };
  fromMs: number;
  untilMs: number;
  durationMs: { min: number; max: number };
  /** At most this many nodes crashed, paused, shut down or isolated at once. */
  maxDown: number;
  loseUnflushed: boolean;
}

export const GENERATED_KINDS: readonly FaultKind[] = ["crash", "shutdown", "pause", "isolate", "partition"];

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
export function generateFaults(b: FaultGeneratorBounds, rnd: RandomStream): FaultOp[] {
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

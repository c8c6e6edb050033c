import { formatDuration } from "../common/duration.js";
import type { FaultOp } from "../sim/index.js";

/** A restart or resume the schedule makes when its actor is not down (paused): which fault, and why. */
export interface NoOpInverse {
  /** Index into the fault list. */
  index: number;
  message: string;
}

const DOWN = new Set(["crash", "shutdown", "replace-disk"]);

/**
 * The `restart`s of an actor that is not down, and the `resume`s of one that is not paused, at their moment: the
 * engine leaves a running actor as it is (Simulation.start / resume), so such a line does nothing, which is never
 * what its author meant. Judged only where the timed schedule decides it: the actor's faults are all timed (no
 * on:/until:), no random fault may hit it, no role (leader:…, active-controller) may resolve to it, and nothing of
 * it happens at the same moment (the order of same-time events and inverses is the engine's). `actors` are the
 * names the scenario defines (others are skipped); `paths` name the faults in messages (`faults[i]`). Returns them
 * in fault order; empty when there are none. The scenario loader refuses the first; shrink skips a candidate
 * schedule that has any, so what it writes loads again.
 */
export function noOpInverses(faults: readonly FaultOp[], actors: ReadonlySet<string>, randomNodes: readonly string[], paths?: readonly string[]): NoOpInverse[] {
  const pathOf = (j: number) => paths?.[j] ?? `faults[${j}]`;
  const targetsOf = (op: FaultOp): string[] => ("node" in op ? [op.node] : []);
  const rolesDown = faults.some((op) => (DOWN.has(op.op) || op.op === "pause") && targetsOf(op).some((n) => !actors.has(n)));
  const found: NoOpInverse[] = [];
  faults.forEach((op, i) => {
    if ((op.op !== "restart" && op.op !== "resume") || op.on) return;
    const node = op.node;
    if (!actors.has(node) || randomNodes.includes(node)) return;
    // Roles resolve to brokers and controllers only; a client or demo actor cannot be one.
    if (rolesDown && (/^broker-\d+$/.test(node) || /^controller-\d+$/.test(node))) return;
    const takes = op.op === "restart" ? (o: FaultOp) => DOWN.has(o.op) : (o: FaultOp) => o.op === "pause";
    const mine = faults.map((o, j) => ({ o, j })).filter(({ o }) => targetsOf(o).includes(node) && (takes(o) || o.op === op.op));
    if (mine.some(({ o }) => o.on || o.until)) return;
    // The moments the actor's state changes: a fault taking it down (or pausing it), its inverse after for:, and
    // the restarts (resumes) the file asks for.
    const moments: { atMs: number; down: boolean; j: number; asked: boolean }[] = [];
    for (const { o, j } of mine) {
      if (o.op === op.op) moments.push({ atMs: o.atMs, down: false, j, asked: true });
      else {
        moments.push({ atMs: o.atMs, down: true, j, asked: false });
        if ("forMs" in o && o.forMs !== undefined) moments.push({ atMs: o.atMs + o.forMs, down: false, j, asked: false });
      }
    }
    const times = moments.map((m) => m.atMs).filter((t) => t <= op.atMs);
    if (new Set(times).size !== times.length) return;
    moments.sort((a, b) => a.atMs - b.atMs);
    let down = false;
    let last: (typeof moments)[number] | null = null;
    for (const m of moments) {
      if (m.asked && m.j === i) break;
      down = m.down;
      last = m;
    }
    if (down) return;
    const state = op.op === "restart" ? "down" : "paused";
    const since =
      last === null
        ? `no earlier ${op.op === "restart" ? "crash, shutdown or replaceDisk takes it down" : "pause pauses it"}`
        : last.asked
          ? `${pathOf(last.j)} already ${op.op === "restart" ? "restarted" : "resumed"} it`
          : `${pathOf(last.j)} ended at ${formatDuration(last.atMs)}`;
    found.push({ index: i, message: `"${node}" is not ${state} at ${formatDuration(op.atMs)} (${since}), so this ${op.op} would do nothing` });
  });
  // A crash or shutdown of an actor already down, a pause of one already paused: the engine leaves it as it is, and
  // the line's for: would bring it back before (or after) the fault that did take it down says.
  faults.forEach((op, i) => {
    if ((op.op !== "crash" && op.op !== "shutdown" && op.op !== "pause") || op.on || op.until) return;
    const node = op.node;
    if (!actors.has(node) || randomNodes.includes(node)) return;
    if (rolesDown && (/^broker-\d+$/.test(node) || /^controller-\d+$/.test(node))) return;
    // A shutdown takes its time to stop the actor (and a crash meanwhile is a crash): only a crash or a disk
    // replacement is known to have it down at once.
    const takes = op.op === "pause" ? (o: FaultOp) => o.op === "pause" : op.op === "crash" ? (o: FaultOp) => o.op === "crash" || o.op === "replace-disk" : (o: FaultOp) => DOWN.has(o.op);
    const gives = op.op === "pause" ? "resume" : "restart";
    const mine = faults.map((o, j) => ({ o, j })).filter(({ o, j }) => j !== i && targetsOf(o).includes(node) && (takes(o) || o.op === gives));
    if (mine.some(({ o }) => o.on || o.until)) return;
    const moments: { atMs: number; down: boolean; j: number }[] = [];
    for (const { o, j } of mine) {
      if (o.op === gives) moments.push({ atMs: o.atMs, down: false, j });
      else {
        moments.push({ atMs: o.atMs, down: true, j });
        if ("forMs" in o && o.forMs !== undefined) moments.push({ atMs: o.atMs + o.forMs, down: false, j });
      }
    }
    // Same-moment changes are ordered by the engine: not decided here.
    if (moments.some((m) => m.atMs === op.atMs)) return;
    const before = moments.filter((m) => m.atMs < op.atMs).sort((a, b) => a.atMs - b.atMs || a.j - b.j);
    const times = before.map((m) => m.atMs);
    if (new Set(times).size !== times.length) return;
    const last = before.at(-1);
    if (!last?.down) return;
    const state = op.op === "pause" ? "paused" : "down";
    found.push({ index: i, message: `"${node}" is already ${state} at ${formatDuration(op.atMs)} (${pathOf(last.j)} ${op.op === "pause" ? "paused it" : "took it down"} at ${formatDuration(last.atMs)}), so this ${op.op} would do nothing; give the first its for: or ${gives} it first` });
  });
  found.sort((a, b) => a.index - b.index);
  return found;
}

import type { LatencyModel } from "./latency.js";
import type { Simulation } from "./simulation.js";

/**
 * A fault schedule is data: a list of timed operations. Scenario files load into this type, the random generator
 * and the fast-check arbitrary produce it, and `scheduleFaults` is the one implementation that executes it.
 * Operations with `forMs` schedule their own inverse (crash → restart, pause → resume, partition → heal, ...).
 */
export type FaultOp =
  | { atMs: number; op: "crash"; node: string; loseUnflushed?: boolean; forMs?: number }
  | { atMs: number; op: "restart"; node: string }
  | { atMs: number; op: "shutdown"; node: string; forMs?: number }
  | { atMs: number; op: "pause"; node: string; forMs?: number }
  | { atMs: number; op: "resume"; node: string }
  /** Symmetric cut between groups. One group alone means "this group vs every other actor". */
  | { atMs: number; op: "partition"; groups: string[][]; forMs?: number }
  | { atMs: number; op: "partition-one-way"; from: string[]; to: string[]; forMs?: number }
  | { atMs: number; op: "isolate"; node: string; forMs?: number }
  | { atMs: number; op: "heal" }
  | { atMs: number; op: "slow-link"; between: [string, string]; latency: LatencyModel; oneWay?: boolean; forMs?: number };

export type FaultKind = FaultOp["op"];

/** The actors a fault names, for validation. */
export function actorsNamed(op: FaultOp): string[] {
  switch (op.op) {
    case "crash":
    case "restart":
    case "shutdown":
    case "pause":
    case "resume":
    case "isolate":
      return [op.node];
    case "partition":
      return op.groups.flat();
    case "partition-one-way":
      return [...op.from, ...op.to];
    case "slow-link":
      return [...op.between];
    case "heal":
      return [];
  }
}

/**
 * Resolves a role name (e.g. `active-controller`) to the actor holding that role at the moment the fault fires.
 * The engine knows no roles; the world that builds the actors supplies this.
 */
export type RoleResolver = (name: string) => string | undefined;

/** Executes one fault now and schedules its inverse if it has a duration. */
export function applyFault(sim: Simulation, original: FaultOp, roles?: RoleResolver): void {
  const op = roles ? resolveRoles(original, roles) : original;
  let inverse: (() => void) | undefined;
  switch (op.op) {
    case "crash":
      sim.crash(op.node, op.loseUnflushed ?? false);
      inverse = () => sim.restart(op.node);
      break;
    case "restart":
      sim.restart(op.node);
      break;
    case "shutdown":
      sim.shutdown(op.node);
      inverse = () => sim.restart(op.node);
      break;
    case "pause":
      sim.pause(op.node);
      inverse = () => sim.resume(op.node);
      break;
    case "resume":
      sim.resume(op.node);
      break;
    case "partition": {
      let groups = op.groups;
      if (groups.length === 1) {
        const inGroup = new Set(groups[0]);
        groups = [groups[0], sim.actorNames().filter((n) => !inGroup.has(n))];
      }
      inverse = sim.partition(groups);
      break;
    }
    case "partition-one-way":
      inverse = sim.partitionOneWay(op.from, op.to);
      break;
    case "isolate":
      inverse = sim.partition([[op.node], sim.actorNames().filter((n) => n !== op.node)]);
      break;
    case "heal":
      sim.healAll();
      break;
    case "slow-link":
      inverse = sim.slowLink(op.between[0], op.between[1], op.latency, op.oneWay ?? false);
      break;
  }
  const forMs = "forMs" in op ? op.forMs : undefined;
  if (inverse && forMs !== undefined) {
    const undo = inverse;
    sim.at(sim.nowUs + Math.round(forMs * 1000), undo);
  }
}

export function scheduleFaults(sim: Simulation, ops: readonly FaultOp[], roles?: RoleResolver): void {
  for (const op of ops) sim.at(Math.round(op.atMs * 1000), () => applyFault(sim, op, roles));
}

function resolveRoles(op: FaultOp, roles: RoleResolver): FaultOp {
  const r = (n: string) => roles(n) ?? n;
  if ("node" in op) {
    const node = r(op.node);
    return { ...op, node } as FaultOp;
  }
  if (op.op === "partition") return { ...op, groups: op.groups.map((g) => g.map(r)) };
  if (op.op === "partition-one-way") return { ...op, from: op.from.map(r), to: op.to.map(r) };
  if (op.op === "slow-link") return { ...op, between: [r(op.between[0]), r(op.between[1])] };
  return op;
}

/** Faults that take a node out of service (for "at most N down at a time" bounds). */
const OUTAGE: ReadonlySet<FaultKind> = new Set(["crash", "shutdown", "pause", "isolate"]);

/**
 * Keeps a schedule within an outage bound: sorts by time and drops any outage that would make more than
 * `maxDown` nodes unavailable at once (an outage without `forMs` lasts to the end). Deterministic, so it can sit
 * behind a fast-check `map` and shrinking still works.
 */
export function boundOutages(ops: readonly FaultOp[], maxDown: number): FaultOp[] {
  const sorted = [...ops].sort((a, b) => a.atMs - b.atMs);
  const windows: { node: string; from: number; to: number }[] = [];
  const kept: FaultOp[] = [];
  for (const op of sorted) {
    if (!OUTAGE.has(op.op) || !("node" in op)) {
      kept.push(op);
      continue;
    }
    const from = op.atMs;
    const to = "forMs" in op && op.forMs !== undefined ? op.atMs + op.forMs : Infinity;
    const overlapping = windows.filter((w) => w.from < to && from < w.to);
    if (overlapping.some((w) => w.node === op.node) || overlapping.length >= maxDown) continue;
    windows.push({ node: op.node, from, to });
    kept.push(op);
  }
  return kept;
}

export function describeFault(op: FaultOp): string {
  const dur = "forMs" in op && op.forMs !== undefined ? ` for ${op.forMs}ms` : "";
  switch (op.op) {
    case "partition":
      return `partition ${op.groups.map((g) => `[${g.join(",")}]`).join(" | ")}${dur}`;
    case "partition-one-way":
      return `one-way partition [${op.from.join(",")}] -> [${op.to.join(",")}]${dur}`;
    case "slow-link":
      return `slow link ${op.between.join(op.oneWay ? " -> " : " <-> ")}${dur}`;
    case "heal":
      return "heal all partitions";
    case "crash":
      return `crash ${op.node}${op.loseUnflushed ? " (losing unflushed writes)" : ""}${dur}`;
    default:
      return `${op.op} ${op.node}${dur}`;
  }
}

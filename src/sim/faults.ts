import { formatDuration } from "../common/duration.js";
import type { LatencyModel } from "./latency.js";
import type { Simulation } from "./simulation.js";

/**
 * What fires an event-triggered fault: the `nth` trace record of type `event` (by `actor`, when given) whose data
 * has every field of `where` equal to its value, counted from the fault's `atMs`. The fault runs `delayMs` later (0:
 * at the same simulated moment, right after the step that traced the record: an actor is never stopped inside a
 * handler). Deterministic, as the trace is.
 */
export interface FaultTrigger {
  /** The actor whose record counts; any actor when absent. */
  actor?: string;
  /** A trace record type (e.g. `producer.txn-state`). */
  event: string;
  /** Fields of the record's data that must equal these values (strings, numbers, booleans or null). */
  where?: Readonly<Record<string, string | number | boolean | null>>;
  /** Which matching record fires it (1 = the first). */
  nth: number;
  /** Time between the record and the fault (ms). */
  delayMs: number;
}

/**
 * A fault schedule is data: a list of timed operations. Scenario files load into this type, the random generator
 * and the fast-check arbitrary produce it, and `scheduleFaults` is the one implementation that executes it.
 * Operations with `forMs` schedule their own inverse (crash → restart, pause → resume, partition → heal, ...).
 * With `on`, an operation waits from `atMs` for a trace record (see `FaultTrigger`) instead of firing at `atMs`;
 * with `until`, its inverse runs at a trace record counted from the moment it fired (instead of after `forMs`).
 */
export type FaultOp = FaultAction & { on?: FaultTrigger; until?: FaultTrigger };

/** One fault verb with its arguments (times in ms). */
export type FaultAction =
  | { atMs: number; op: "crash"; node: string; loseUnflushed?: boolean; forMs?: number }
  /** The node stops as in a crash and its disk is replaced by an empty one; with forMs it starts again after it. */
  | { atMs: number; op: "replace-disk"; node: string; forMs?: number }
  | { atMs: number; op: "restart"; node: string }
  | { atMs: number; op: "shutdown"; node: string; forMs?: number }
  | { atMs: number; op: "pause"; node: string; forMs?: number }
  | { atMs: number; op: "resume"; node: string }
  /** Symmetric cut between groups. One group alone means "this group vs every other actor". */
  | { atMs: number; op: "partition"; groups: string[][]; forMs?: number }
  | { atMs: number; op: "partition-one-way"; from: string[]; to: string[]; forMs?: number }
  | { atMs: number; op: "isolate"; node: string; forMs?: number }
  | { atMs: number; op: "heal" }
  | { atMs: number; op: "slow-link"; between: [string, string]; latency: LatencyModel; oneWay?: boolean; forMs?: number }
  /** Messages of these types from `from` to `to` (and what follows them on their connection) are held, then released in order. */
  | { atMs: number; op: "hold"; from: string; to: string; types: string[]; count?: number; forMs?: number };

export type FaultKind = FaultOp["op"];

/** The actors a fault names, for validation. */
export function actorsNamed(op: FaultOp): string[] {
  switch (op.op) {
    case "crash":
    case "replace-disk":
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
    case "hold":
      return [op.from, op.to];
    case "heal":
      return [];
  }
}

/**
 * Resolves a role name (e.g. `active-controller`) to the actor holding that role at the moment the fault fires.
 * The engine knows no roles; the world that builds the actors supplies this.
 */
export type RoleResolver = (name: string) => string | undefined;

/**
 * What a schedule's faults leave behind: the nodes a crash or shutdown without `forMs` or `until`
 * took down for good (a later `restart` of the node brings it back), and whether the schedule has ended (a run's
 * liveness phase: after it, no scheduled fault, trigger or inverse fires).
 */
export class FaultLog {
  ended = false;
  /** Nodes (resolved from roles) down with no inverse scheduled: the scenario says they stay down. */
  readonly staysDown = new Set<string>();
  /**
   * When each fault of the schedule (the op object as scheduled) ran, in simulated µs; a fault missing here never
   * ran (a trigger that never matched, a time past the end of the run). Kept off the trace: digests do not move.
   */
  readonly firedAtUs = new Map<FaultOp, number>();
  /** Faults skipped when they came due because a role they name was held by no actor then, with that role. */
  readonly skippedRole = new Map<FaultOp, string>();
}

/** Executes one fault now and schedules its inverse if it has a duration; nothing once `log` has ended. */
export function applyFault(sim: Simulation, original: FaultOp, roles?: RoleResolver, log?: FaultLog): void {
  if (log?.ended) return;
  const op = roles ? resolveRoles(original, roles) : original;
  // A role nobody holds at this moment (no active controller yet, a partition without a leader): the fault has no
  // target, so it is skipped and says so (sim.fault-skipped), instead of failing the run on an unknown actor.
  const unheld = actorsNamed(op).find((n) => !sim.has(n));
  if (unheld !== undefined) {
    sim.trace("sim", "sim.fault-skipped", { fault: op.op, role: unheld, reason: "no actor holds the role now" });
    if (log && !log.skippedRole.has(original)) log.skippedRole.set(original, unheld);
    return;
  }
  if (log && !log.firedAtUs.has(original)) log.firedAtUs.set(original, sim.nowUs);
  let inverse: (() => void) | undefined;
  switch (op.op) {
    case "crash":
      sim.crash(op.node, op.loseUnflushed ?? false);
      inverse = () => sim.restart(op.node);
      break;
    case "replace-disk":
      sim.replaceDisk(op.node);
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
    case "hold":
      inverse = sim.hold(op.from, op.to, op.types, op.count);
      break;
  }
  const forMs = "forMs" in op ? op.forMs : undefined;
  if (log && (op.op === "crash" || op.op === "replace-disk" || op.op === "shutdown")) {
    // Down for good only when nothing brings it back: neither `for` nor `until`.
    if (forMs === undefined && !op.until) log.staysDown.add(op.node);
    else log.staysDown.delete(op.node);
  } else if (log && op.op === "restart") log.staysDown.delete(op.node);
  if (!inverse) return;
  const undo = inverse;
  const guarded = () => {
    if (!log?.ended) undo();
  };
  if (op.until) watchTrace(sim, op.until, guarded, "end", log);
  else if (forMs !== undefined) sim.at(sim.nowUs + Math.round(forMs * 1000), guarded);
}

/**
 * Schedules every fault of a schedule: at its time, or (with `on`) armed at its time to wait for its trigger. With a
 * `log`, what they leave down is recorded and `log.ended` stops them (scheduled faults, armed triggers, inverses).
 */
export function scheduleFaults(sim: Simulation, ops: readonly FaultOp[], roles?: RoleResolver, log?: FaultLog): void {
  for (const op of ops) {
    const fire = op.on ? () => armTrigger(sim, op, op.on!, roles, log) : () => applyFault(sim, op, roles, log);
    sim.at(Math.round(op.atMs * 1000), fire);
  }
}

/**
 * Watches the trace for a fault's trigger; at its nth match the watch ends and the fault is scheduled `delayMs`
 * later (never run inside the traced step itself: the record may come from inside an actor's handler).
 */
function armTrigger(sim: Simulation, op: FaultOp, t: FaultTrigger, roles?: RoleResolver, log?: FaultLog): void {
  if (log?.ended) return;
  watchTrace(sim, t, () => applyFault(sim, op, roles, log), op.op, log);
}

/**
 * Calls `then` `t.delayMs` after the trace's nth record matching `t` from now on (once; traced as sim.trigger).
 * Once `log` has ended the watch stops without firing.
 */
function watchTrace(sim: Simulation, t: FaultTrigger, then: () => void, what = "end", log?: FaultLog): void {
  const where = t.where ? Object.entries(t.where) : [];
  let seen = 0;
  const stop = sim.observe((r) => {
    if (log?.ended) {
      stop();
      return;
    }
    if (t.actor !== undefined && r.actor !== t.actor) return;
    for (const [k, v] of where) if (r.data?.[k] !== v) return;
    if (++seen < t.nth) return;
    stop();
    sim.trace("sim", "sim.trigger", { event: t.event, actor: r.actor, nth: t.nth, fault: what });
    sim.at(sim.nowUs + Math.round(t.delayMs * 1000), then);
  }, [t.event]);
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
  if (op.op === "hold") return { ...op, from: r(op.from), to: r(op.to) };
  return op;
}

/** Faults that take a node out of service (for "at most N down at a time" bounds). */
const OUTAGE: ReadonlySet<FaultKind> = new Set(["crash", "replace-disk", "shutdown", "pause", "isolate"]);

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
  const what = describeAction(op);
  return what + (op.on ? ` on ${describeTrigger(op.on)}` : "") + (op.until ? ` until ${describeTrigger(op.until)}` : "");
}

function describeTrigger(t: FaultTrigger): string {
  const where = t.where ? ` where ${Object.entries(t.where).map(([k, v]) => `${k}=${v}`).join(",")}` : "";
  const delay = t.delayMs > 0 ? ` + ${formatDuration(t.delayMs)}` : "";
  return `${t.actor ?? "any actor"}'s ${ordinal(t.nth)} ${t.event}${where}${delay}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

function describeAction(op: FaultOp): string {
  const dur = "forMs" in op && op.forMs !== undefined ? ` for ${formatDuration(op.forMs)}` : "";
  switch (op.op) {
    case "partition":
      return `partition ${op.groups.map((g) => `[${g.join(",")}]`).join(" | ")}${dur}`;
    case "partition-one-way":
      return `one-way partition [${op.from.join(",")}] -> [${op.to.join(",")}]${dur}`;
    case "slow-link":
      return `slow link ${op.between.join(op.oneWay ? " -> " : " <-> ")}${dur}`;
    case "heal":
      return "heal all partitions";
    case "hold":
      return `hold ${op.count !== undefined ? `the first ${op.count} ` : ""}${op.types.join("/")} ${op.from} -> ${op.to}${dur}`;
    case "crash":
      return `crash ${op.node}${op.loseUnflushed ? " (losing unflushed writes)" : ""}${dur}`;
    case "replace-disk":
      return `replace the disk of ${op.node}${dur}`;
    default:
      return `${op.op} ${op.node}${dur}`;
  }
}

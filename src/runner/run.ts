import { checkerNamed, checkerNames } from "../check/registry.js";
import type { Checker, CheckInput, FinalReplicaLog, Finding, GroupOffset } from "../check/input.js";
import { parseDurationMs } from "../scenario/duration.js";
import { ScenarioError } from "../scenario/errors.js";
import { nearest } from "../scenario/suggest.js";
import type { ResolvedScenario } from "../scenario/resolved.js";
import { type BuildOptions, buildWorld, type World } from "../scenario/world.js";
import type { FaultOp, TraceObserver } from "../sim/index.js";
import type { History } from "../workload/history.js";
import { kafkaInvariants } from "../kafka/invariants.js";
import { type GroupSnapshot, readFinalLogs, readGroupState } from "./finalLogs.js";
import { type EventBudgetReport, eventBudgetReport } from "./eventBudget.js";
import { checkWorkBudget } from "../scenario/workEstimate.js";

export interface CheckResult {
  /** How the expectation reads in the file: `noLostAcknowledgedWrites` or `anomaly: lostAcknowledgedWrites`. */
  name: string;
  ok: boolean;
  details: string[];
  findings: Finding[];
}

/**
 * How a run ended (TigerBeetle vopr style): each kind has its exit code (`exitCodeOf`); the kind says why. Bad
 * input never gets this far: it is a ScenarioError (exit 2). `livelock`: the event budget ran out while simulated time stood still (exit 1: the model
 * found a livelock); `event-budget`: it ran out while time was still advancing, so the run is incomplete because
 * the budget is too small for the duration asked (exit 2, like a run refused up front by its estimate).
 */
export type RunStatus = "ok" | "expectation-failed" | "invariant-broken" | "livelock" | "event-budget";

export interface RunResult {
  scenario: string;
  file: string;
  seed: string | number;
  digest: string;
  events: number;
  simulatedMs: number;
  status: RunStatus;
  ok: boolean;
  checks: CheckResult[];
  invariantViolations: string[];
  faults: FaultOp[];
  history: History;
  /** Every replica's final log (what the checkers judged). */
  logs: FinalReplicaLog[];
  /** Committed group offsets and the groups' last stored membership, as kafka-consumer-groups would show them. */
  groupOffsets: GroupOffset[];
  groups: GroupSnapshot[];
  world: World;
  /** When the event budget ran out: long run or livelock, and what to do (null otherwise). */
  eventBudget: EventBudgetReport | null;
}

export interface RunOptions extends BuildOptions {
  /** Receives every trace record (e.g. to write `--trace FILE`); counted in the memory estimate as kept. */
  observe?: TraceObserver;
  traceMessages?: boolean;
  /** Called with the built world before the run starts (a report's recorder subscribes to the trace here). */
  attach?: (world: World) => void;
}

export function exitCodeOf(status: RunStatus): number {
  return status === "ok" ? 0 : status === "event-budget" ? 2 : 1;
}

/**
 * Checks that every expectation names a known checker; a typo is bad input, not a failed run. The message keeps the
 * name as the user wrote it (`noSuchCheck`, not the check name `suchCheck` derived from it) and suggests the nearest
 * known name in the same form.
 */
export function validateExpectations(s: ResolvedScenario): void {
  for (const e of s.expect) {
    const checker = checkerNamed(e.check);
    if (!checker) {
      const written = e.mode === "some" ? e.check : e.label.split(":")[0].trim();
      const negated = e.mode === "none" && written !== e.check;
      const forms = checkerNames().flatMap((n) => (n.endsWith("s") ? [n] : [n, `${n}s`]));
      const candidates = negated ? forms.map((n) => `no${n[0].toUpperCase()}${n.slice(1)}`) : forms;
      const guess = nearest(written, candidates);
      throw new ScenarioError(
        s.file,
        e.path,
        `unknown check "${written}"${guess ? ` (did you mean ${guess}?)` : ""}; known checks: ${checkerNames().join(", ")} (write noX for "X must not happen", anomaly: X for "X must happen")`,
      );
    }
    const problem = paramProblem(checker, e.params);
    if (problem) throw new ScenarioError(s.file, e.path, `${e.check}: ${problem}`);
  }
}

/** A checker's parameter must be what it takes: a duration, a name, or nothing. */
function paramProblem(checker: Checker, params: unknown): string | null {
  const given = params !== null && params !== undefined;
  const p = checker.param;
  if (!p) return given ? `takes no parameter (got ${JSON.stringify(params)})` : null;
  if (!given) return p.required ? `needs a parameter, e.g. ${p.example}` : null;
  if (p.kind === "duration" && parseDurationMs(params) === null) return `the parameter must be a duration with a unit, e.g. ${p.example} (got ${JSON.stringify(params)})`;
  if (p.kind === "name" && typeof params !== "string") return `the parameter must be a name, e.g. ${p.example} (got ${JSON.stringify(params)})`;
  return null;
}

/**
 * Runs a scenario once. Throws ScenarioError for an unknown check and for a run estimated past its event or memory
 * budget (`simulator.maxEvents`, `simulator.maxMemoryMiB`; see workEstimate.ts), before anything is built.
 */
export function runScenario(s: ResolvedScenario, options: RunOptions = {}): RunResult {
  validateExpectations(s);
  checkWorkBudget(s, { durationMs: options.durationMs, trace: options.observe ? (options.traceMessages ? "messages" : "events") : "none" });
  const world = buildWorld(s, options);
  const { sim } = world;
  if (options.observe) sim.observe(options.observe);
  sim.traceMessages = options.traceMessages ?? false;
  options.attach?.(world);
  const invariants = world.scenario.brokers.length > 0 ? kafkaInvariants() : [];
  const violations: string[] = [];
  for (const inv of invariants) sim.observe((r) => inv.observe(r, violations), inv.types);
  const outcome = sim.run(Math.round(world.durationMs * 1000));
  const groupState = readGroupState(world);
  const input: CheckInput = { history: world.history, logs: readFinalLogs(world), groupOffsets: groupState.offsets };
  const checks = s.expect.map((e): CheckResult => {
    const checker = checkerNamed(e.check)!;
    const findings = checker.run(input, e.params);
    const ok = e.mode === "none" ? findings.length === 0 : findings.length > 0;
    const name = e.label;
    const details =
      e.mode === "none"
        ? findings.slice(0, 10).map((f) => f.message).concat(findings.length > 10 ? [`... and ${findings.length - 10} more`] : [])
        : findings.length > 0
          ? [`${findings.length} found; first: ${findings[0].message}`]
          : [`expected the anomaly, but ${e.check} found nothing`];
    return { name, ok, details, findings };
  });
  let status: RunStatus = "ok";
  const eventBudget = outcome.status === "event-limit" ? eventBudgetReport(outcome, s.maxEvents, world.durationMs) : null;
  if (eventBudget) status = eventBudget.stuck ? "livelock" : "event-budget";
  else if (violations.length > 0) status = "invariant-broken";
  else if (checks.some((c) => !c.ok)) status = "expectation-failed";
  return {
    scenario: s.name,
    file: s.file,
    seed: world.seed,
    digest: outcome.digest,
    events: outcome.events,
    simulatedMs: outcome.simulatedUs / 1000,
    status,
    ok: status === "ok",
    checks,
    invariantViolations: violations,
    faults: world.faults,
    history: world.history,
    logs: input.logs,
    groupOffsets: input.groupOffsets ?? [],
    groups: groupState.groups,
    world,
    eventBudget,
  };
}

import { measurePerformance, type Performance } from "./performance.js";
import { performanceExpectation } from "./performanceExpectation.js";
import { checkerNamed, checkerNames } from "../check/registry.js";
import type { AnyChecker, Checker, CheckInput, FinalReplicaLog, Finding, GroupOffset } from "../check/input.js";
import { z } from "zod";
import type { ParamRefs } from "../check/params.js";
import { formatPath, ScenarioError } from "../scenario/errors.js";
import { nearest } from "../common/suggest.js";
import { describeIssue } from "../scenario/zodIssues.js";
import type { Expectation, ResolvedScenario } from "../scenario/resolved.js";
import { type BuildOptions, buildWorld, type World } from "../scenario/world.js";
import type { FaultOp, TraceObserver } from "../sim/index.js";
import type { History } from "../workload/history.js";
import { kafkaInvariants } from "../kafka/invariants.js";
import { metadataMonitor } from "./metadataMonitor.js";
import { type GroupSnapshot, readFinalLogs, readGroupState } from "./finalLogs.js";
import { type EventBudgetReport, eventBudgetReport } from "./eventBudget.js";
import { checkWorkBudget } from "../scenario/workEstimate.js";
import { describeAdminOp } from "../scenario/adminOps.js";
import type { AdminOp } from "../kafka/client/admin/adminClient.js";
import type { Drawn } from "../scenario/swarm.js";
import { scenarioForSeed } from "../scenario/swarmScenario.js";
import { type LivenessResult, runLivenessPhase } from "./liveness.js";

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
 * `did-not-converge`: the liveness phase ran out before the cluster converged (exit 1; `liveness.gaps` says what).
 */
export type RunStatus = "ok" | "expectation-failed" | "invariant-broken" | "did-not-converge" | "livelock" | "event-budget";

export interface RunResult {
  scenario: string;
  file: string;
  /** The `--set KEY=VALUE` changes the scenario was loaded with (ResolvedScenario.sets). */
  sets: readonly string[];
  /** The simulated time asked for instead of the scenario's (ms; `--duration`), else undefined: replay lines repeat it. */
  durationMs?: number;
  seed: string | number;
  digest: string;
  events: number;
  simulatedMs: number;
  status: RunStatus;
  ok: boolean;
  checks: CheckResult[];
  /** Invariant violations, except of invariants the scenario expects to break (`invariantBroken`). */
  invariantViolations: string[];
  faults: FaultOp[];
  /**
   * For each of `faults` (same order): the simulated ms it ran at, or null when it never ran (a trigger that never
   * matched, a time past the end). For a fault with `on:` this is when its trigger fired, not its `atMs`.
   */
  faultFiredAtMs: (number | null)[];
  /** For each of `faults`: the role it names that no actor held when it came due (it was skipped), or null. */
  faultSkippedRole: (string | null)[];
  /** The scenario's admin calls (the operator verbs of its fault schedule), in schedule order, each with its line. */
  adminOps: (AdminOp & { description: string })[];
  history: History;
  /** Every replica's final log (what the checkers judged). */
  logs: FinalReplicaLog[];
  /** Committed group offsets and the groups' last stored membership, as kafka-consumer-groups would show them. */
  groupOffsets: GroupOffset[];
  groups: GroupSnapshot[];
  world: World;
  /** When the event budget ran out: long run or livelock, and what to do (null otherwise). */
  eventBudget: EventBudgetReport | null;
  /** A swarm scenario: the configuration this seed drew, by path (`clients[0].config.acks`); null otherwise. */
  drawn: Drawn | null;
  /** The liveness phase after the duration (null when the run has none): converged when, or what did not. */
  liveness: LivenessResult | null;
  /** Throughput, latencies and NIC utilisation (performance.ts); only for a scenario with `capacity:`, else null. */
  performance: Performance | null;
}

export interface RunOptions extends BuildOptions {
  /** Receives every trace record (e.g. to write `--trace FILE`); counted in the memory estimate as kept. */
  observe?: TraceObserver;
  traceMessages?: boolean;
  /** Called with the built world before the run starts (a report's recorder subscribes to the trace here). */
  attach?: (world: World) => void;
  /** Called when the simulation has ended, before the final logs are read and judged (the bench times the checks). */
  beforeChecks?: () => void;
}

export function exitCodeOf(status: RunStatus): number {
  return status === "ok" ? 0 : status === "event-budget" ? 2 : 1;
}

const INVARIANT_NAMES = kafkaInvariants().map((i) => i.name);

/**
 * `invariantBroken: <Invariant>`: the scenario shows a protocol that breaks this invariant on purpose (e.g. the
 * pre-KIP-101 truncation behind `simulator.legacyHighWatermarkTruncation` breaks the TLA+ LeaderCompleteness
 * property): the expectation holds when the invariant broke, and its violations do not break the run. Not a
 * checker of the history: invariants watch the model itself, so the runner judges it.
 */
const INVARIANT_BROKEN: Checker<string> = {
  name: "invariantBroken",
  description: "the named model invariant broke (for scenarios that show a deliberately older protocol)",
  param: {
    example: "invariantBroken: LeaderCompleteness",
    required: true,
    schema: z.string().refine((n) => INVARIANT_NAMES.includes(n), { error: (issue) => `must name an invariant (got ${JSON.stringify(issue.input)}; known: ${INVARIANT_NAMES.join(", ")})` }),
  },
  run: () => [],
};

/** An expectation with its checker found and its parameter parsed by the checker's schema. */
export interface CheckedExpectation {
  expectation: Expectation;
  checker: AnyChecker;
  /** The parsed parameter (undefined when none was given). */
  params: unknown;
}

/**
 * Finds every expectation's checker and parses its parameter with the checker's own schema, checking the names
 * it refers to (clients, groups, topic-partitions) against the scenario. A typo or a bad parameter is bad input
 * (ScenarioError at the path inside the file, exit 2), found before anything runs.
 */
export function checkExpectations(s: ResolvedScenario): CheckedExpectation[] {
  return s.expect.map((e) => {
    if (e.check === INVARIANT_BROKEN.name) return { expectation: e, checker: INVARIANT_BROKEN, params: parseParam(s, e, INVARIANT_BROKEN) };
    // The run's own measurements (performance.ts) against bounds: the runner's, as the measurements are.
    if (e.check === performanceExpectation.name) return { expectation: e, checker: performanceExpectation, params: parseParam(s, e, performanceExpectation) };
    const checker = checkerNamed(e.check);
    if (!checker) throw unknownCheck(s, e);
    return { expectation: e, checker, params: parseParam(s, e, checker) };
  });
}

/**
 * An unknown check: the message keeps the name as the user wrote it (`noSuchCheck`, not the check name `suchCheck`
 * derived from it) and suggests the nearest known name in the same form.
 */
function unknownCheck(s: ResolvedScenario, e: Expectation): ScenarioError {
  const names = [...checkerNames(), INVARIANT_BROKEN.name, performanceExpectation.name].sort();
  const written = e.mode === "some" ? e.check : e.label.split(":")[0].trim();
  const negated = e.mode === "none" && written !== e.check;
  const forms = names.flatMap((n) => (n.endsWith("s") ? [n] : [n, `${n}s`]));
  const candidates = negated ? forms.map((n) => `no${n[0].toUpperCase()}${n.slice(1)}`) : forms;
  const guess = nearest(written, candidates);
  return new ScenarioError(
    s.file,
    e.path,
    `unknown check "${written}"${guess ? ` (did you mean ${guess}?)` : ""}; known checks: ${names.join(", ")} (write noX for "X must not happen", anomaly: X for "X must happen")`,
  );
}

/** Checks that every expectation names a known checker with a parameter it takes; a typo is bad input, not a failed run. */
export function validateExpectations(s: ResolvedScenario): void {
  checkExpectations(s);
}

function parseParam(s: ResolvedScenario, e: Expectation, checker: AnyChecker): unknown {
  const given = e.params !== null && e.params !== undefined;
  const p = checker.param;
  if (!p) {
    if (given) throw new ScenarioError(s.file, e.path, `${e.check}: takes no parameter (got ${JSON.stringify(e.params)})`);
    return undefined;
  }
  if (!given) {
    if (p.required) throw new ScenarioError(s.file, e.path, `${e.check}: needs a parameter, e.g. ${p.example}`);
    return undefined;
  }
  const r = p.schema.safeParse(e.params, { reportInput: true });
  if (!r.success) {
    const issue = describeIssue(r.error.issues[0], p.schema);
    throw new ScenarioError(s.file, issue.path === "" ? e.paramPath : `${e.paramPath}${issue.path.startsWith("[") ? "" : "."}${issue.path}`, `${e.check}: ${issue.message} (e.g. ${exampleAsWritten(e, p.example)})`);
  }
  if (p.refs) checkRefs(s, e, p.refs(r.data));
  return r.data;
}

/**
 * A checker's parameter example under the key the file used (`noAbortedReads: { isolation: any }` for a file that
 * wrote `noAbortedReads`, not the registry's `abortedRead`), so the fix can be copied as it stands.
 */
function exampleAsWritten(e: Expectation, example: string): string {
  const key = /^([A-Za-z]+):/.exec(example)?.[1];
  if (e.mode !== "none" || key === undefined || key === "anomaly") return example;
  const written = e.paramPath.slice(e.paramPath.lastIndexOf(".") + 1);
  return written + example.slice(key.length);
}

/** The names a scenario defines, for parameters that refer to them. */
function scenarioNames(s: ResolvedScenario): { clients: Set<string>; groups: Set<string>; partitions: Set<string> } {
  const clients = new Set(s.clients.map((c) => c.id));
  const groups = new Set<string>();
  for (const c of s.clients) {
    if ((c.kind === "group-consumer" || c.kind === "consumer") && c.settings.groupId) groups.add(c.settings.groupId);
    if (c.kind === "transactional-producer" && c.workload.offsetsGroup) groups.add(c.workload.offsetsGroup);
  }
  const partitions = new Set<string>();
  for (const t of s.topics) for (let p = 0; p < t.partitions; p++) partitions.add(`${t.name}-${p}`);
  return { clients, groups, partitions };
}

function checkRefs(s: ResolvedScenario, e: Expectation, refs: ParamRefs): void {
  const names = scenarioNames(s);
  const at = (path: (string | number)[]) => (path.length === 0 ? e.paramPath : `${e.paramPath}${typeof path[0] === "number" ? "" : "."}${formatPath(path)}`);
  const known = (what: string, set: Set<string>) => (set.size > 0 ? ` (the scenario has ${what}: ${[...set].join(", ")})` : ` (the scenario has no ${what})`);
  for (const r of refs.clients ?? []) if (!names.clients.has(r.name)) throw new ScenarioError(s.file, at(r.path), `${e.check}: unknown client "${r.name}"${known("clients", names.clients)}`);
  for (const r of refs.groups ?? []) if (!names.groups.has(r.name)) throw new ScenarioError(s.file, at(r.path), `${e.check}: unknown consumer group "${r.name}"${known("groups", names.groups)}`);
  for (const r of refs.partitions ?? []) if (!names.partitions.has(r.name)) throw new ScenarioError(s.file, at(r.path), `${e.check}: unknown partition "${r.name}" (write topic-partition, e.g. orders-0)${known("partitions", names.partitions)}`);
  const ofKind = (want: "producer" | "consumer", list: { path: (string | number)[]; name: string }[] | undefined) => {
    const allowed = new Set(s.clients.filter((c) => (want === "producer" ? c.kind === "producer" || c.kind === "transactional-producer" : c.kind === "consumer" || c.kind === "group-consumer")).map((c) => c.id));
    for (const r of list ?? []) {
      if (!names.clients.has(r.name)) throw new ScenarioError(s.file, at(r.path), `${e.check}: unknown client "${r.name}"${known("clients", names.clients)}`);
      if (!allowed.has(r.name)) throw new ScenarioError(s.file, at(r.path), `${e.check}: "${r.name}" is not a ${want}; this figure is measured on ${want}s${known(`${want}s`, allowed)}`);
    }
  };
  ofKind("producer", refs.producers);
  ofKind("consumer", refs.consumers);
}

/**
 * Runs a scenario once (a swarm scenario with the configuration the seed draws). Throws ScenarioError for an unknown check and for a run estimated past its event or memory
 * budget (`simulator.maxEvents`, `simulator.maxMemoryMiB`; see workEstimate.ts), before anything is built.
 */
export function runScenario(scenario: ResolvedScenario, options: RunOptions = {}): RunResult {
  // A swarm scenario: this seed's own draw of its knobs.
  const s = scenarioForSeed(scenario, options.seed ?? scenario.seed);
  const expectations = checkExpectations(s);
  checkWorkBudget(s, { durationMs: options.durationMs, trace: options.observe ? (options.traceMessages ? "messages" : "events") : "none" });
  const world = buildWorld(s, options);
  const { sim } = world;
  // A restarted client is a new process: the history records which life of it each op came from.
  world.history.incarnationOf = (name) => sim.incarnationOf(name);
  // What an operator would see of leadership: the metadata the brokers publish (checks like leaderless read it).
  if (world.scenario.brokers.length > 0) {
    const monitor = metadataMonitor(world.history);
    sim.observe((r) => monitor.observe(r), monitor.types);
  }
  if (options.observe) sim.observe(options.observe);
  sim.traceMessages = options.traceMessages ?? false;
  options.attach?.(world);
  const invariants = world.scenario.brokers.length > 0 ? kafkaInvariants() : [];
  const violations: string[] = [];
  /** When each violation was seen (µs, the trace record that broke it), so its finding sits at that moment. */
  const violationAtUs: number[] = [];
  for (const inv of invariants)
    sim.observe((r) => {
      const before = violations.length;
      inv.observe(r, violations);
      for (let i = before; i < violations.length; i++) violationAtUs.push(r.t);
    }, inv.types);
  let outcome = sim.run(Math.round(world.durationMs * 1000));
  // The liveness phase: faults stop, and the run goes on until the cluster converges (the checks then judge the
  // converged state: replicasOutOfSync and logDivergence no longer see records still in flight).
  let liveness: LivenessResult | null = null;
  if (world.livenessMs !== null && outcome.status === "ok") ({ outcome, liveness } = runLivenessPhase(world, world.livenessMs));
  options.beforeChecks?.();
  const groupState = readGroupState(world);
  const input: CheckInput = { history: world.history, logs: readFinalLogs(world), groupOffsets: groupState.offsets };
  const expectedBroken = expectations.filter((x) => x.checker === INVARIANT_BROKEN).map((x) => `${String(x.params)}:`);
  const unexpected = violations.filter((v) => !expectedBroken.some((p) => v.startsWith(p)));
  const checks = expectations.map(({ expectation: e, checker, params }): CheckResult => {
    if (checker === INVARIANT_BROKEN) {
      const mine = violations.flatMap((message, i): Finding[] => (message.startsWith(`${String(params)}:`) ? [{ message, atUs: violationAtUs[i] }] : []));
      return { name: e.label, ok: mine.length > 0, details: mine.length > 0 ? [`${mine.length} violation(s); first: ${mine[0].message}`] : [`expected ${String(params)} to break, but it held`], findings: mine };
    }
    const findings = checker.run(input, params);
    const ok = e.mode === "none" ? findings.length === 0 : findings.length > 0;
    const name = e.label;
    const details =
      e.mode === "none"
        ? findings.slice(0, 10).map((f) => f.message).concat(findings.length > 10 ? [`... and ${findings.length - 10} more`] : [])
        : findings.length > 0
          ? [`${findings.length} found; first: ${findings[0].message}`]
          : [`expected the anomaly, but ${e.check} found nothing`];
    // A held bound still says what it measured (a finding already names the figure that broke it).
    if (ok && checker.measured) details.push(...checker.measured(input, params));
    return { name, ok, details, findings };
  });
  let status: RunStatus = "ok";
  const eventBudget = outcome.status === "event-limit" ? eventBudgetReport(outcome, s.maxEvents, world.durationMs) : null;
  if (eventBudget) status = eventBudget.stuck ? "livelock" : "event-budget";
  else if (unexpected.length > 0) status = "invariant-broken";
  else if (liveness && liveness.convergedAtMs === null) status = "did-not-converge";
  else if (checks.some((c) => !c.ok)) status = "expectation-failed";
  return {
    scenario: s.name,
    file: s.file,
    sets: s.sets,
    ...(options.durationMs !== undefined && options.durationMs !== s.durationMs ? { durationMs: options.durationMs } : {}),
    seed: world.seed,
    digest: outcome.digest,
    events: outcome.events,
    simulatedMs: outcome.simulatedUs / 1000,
    status,
    ok: status === "ok",
    checks,
    invariantViolations: unexpected,
    faults: world.faults,
    faultFiredAtMs: world.faults.map((f) => {
      const us = world.faultLog.firedAtUs.get(f);
      return us === undefined ? null : us / 1000;
    }),
    faultSkippedRole: world.faults.map((f) => world.faultLog.skippedRole.get(f) ?? null),
    adminOps: world.scenario.adminOps.map((op) => ({ ...op, description: describeAdminOp(op) })),
    history: world.history,
    logs: input.logs,
    groupOffsets: input.groupOffsets ?? [],
    groups: groupState.groups,
    world,
    eventBudget,
    drawn: s.swarm?.drawn ?? null,
    liveness,
    performance: s.capacity ? measurePerformance(s, world.history, sim, outcome.simulatedUs, world.brokerMetrics, world.clientCpus) : null,
  };
}

import type { ChalkInstance } from "chalk";
import { describeFault } from "../sim/index.js";
import type { RunResult } from "../runner/run.js";
import { formatPerformance } from "./performanceSummary.js";
import { shellQuote } from "./shellQuote.js";
import { formatDurationMs } from "../common/duration.js";

/** The replay line every failure prints (design.md §8: failures are replayable), shell-quoted so it runs as printed. */
export function replayLine(r: Pick<RunResult, "file" | "seed"> & { sets?: readonly string[]; durationMs?: number }): string {
  return `kafkasim run ${shellQuote(r.file)} --seed ${shellQuote(String(r.seed))}${replayOptions(r)}`;
}

/**
 * The options a replay repeats after the seed: ` --duration 12s` when the run was not the scenario's length, and each
 * ` --set KEY=VALUE` in order, shell-quoted (also for `kafkasim shrink`, which takes both).
 */
export function replayOptions(r: { sets?: readonly string[]; durationMs?: number }): string {
  const duration = r.durationMs !== undefined ? ` --duration ${formatDurationMs(r.durationMs)}` : "";
  return duration + (r.sets ?? []).map((s) => ` --set ${shellQuote(s)}`).join("");
}

export const STATUS_TEXT: Record<RunResult["status"], string> = {
  ok: "OK: every expectation holds",
  "expectation-failed": "FAILED: an expectation does not hold",
  "invariant-broken": "FAILED: a model invariant was broken",
  "did-not-converge": "FAILED: the cluster did not converge after the faults stopped",
  livelock: "FAILED: livelock (the event budget ran out while simulated time stood still)",
  "event-budget": "INCOMPLETE: the event budget ran out before the end of the run",
};

/** A time in the summary's column: `   10.000s`. */
function clock(atMs: number): string {
  return `${(atMs / 1000).toFixed(3).padStart(8)}s`;
}

/** Human summary of one run, for the terminal. */
export function formatRunSummary(r: RunResult, c: ChalkInstance, wallMs: number, extra: string[] = []): string {
  const lines: string[] = [];
  lines.push(c.bold(`${r.scenario}`) + c.dim(`  (${r.file}, seed ${r.seed})`));
  // The faults and the operator's admin calls, in time order (a fault first at the same instant).
  // A fault with `on:` is listed at the moment its trigger fired, or, when it never did, after the rest as "on <event>".
  const scheduled: { atMs: number; when: string; text: string; note: string }[] = [
    ...r.faults.map((f, i) => {
      const fired = r.faultFiredAtMs[i] ?? null;
      const cutAt = r.durationMs !== undefined && f.atMs >= r.durationMs;
      const armed = f.on && f.atMs > 0 ? ` (watching from ${formatDurationMs(f.atMs)})` : "";
      if (f.on && fired === null)
        return { atMs: Infinity, when: `on ${f.on.event}`, text: describeFault(f) + armed, note: cutAt ? "" : c.yellow("  (never fired)") };
      const atMs = fired ?? f.atMs;
      // A fault whose role no actor held when it came due (sim.fault-skipped).
      const role = r.faultSkippedRole[i] ?? null;
      const skipped = fired === null && role !== null ? c.yellow(`  (skipped: no actor was ${role} then)`) : "";
      return { atMs, when: clock(atMs), text: describeFault(f) + armed, note: skipped };
    }),
    ...r.adminOps.map((op) => ({ atMs: op.atMs, when: clock(op.atMs), text: op.description, note: "" })),
  ];
  if (scheduled.length > 0) {
    lines.push(c.dim(r.adminOps.length > 0 ? "faults and admin calls:" : "faults:"));
    // A run shortened by --duration stops before the later entries of the schedule: they never happen, and say so.
    const cut = (atMs: number) => (r.durationMs !== undefined && atMs >= r.durationMs ? c.yellow(`  (after --duration ${formatDurationMs(r.durationMs)}: not done)`) : "");
    for (const f of scheduled.sort((a, b) => a.atMs - b.atMs)) lines.push(`  ${f.when}  ${f.text}${f.note || cut(f.atMs)}`);
  }
  lines.push(...extra);
  if (r.performance) lines.push(...formatPerformance(r.performance));
  lines.push(
    c.dim(`events ${r.events}  simulated ${(r.simulatedMs / 1000).toFixed(3)}s  wall ${Math.round(wallMs)}ms  digest `) + r.digest,
  );
  for (const v of r.invariantViolations.slice(0, 10)) lines.push(c.red(`  ✗ invariant: ${v}`));
  if (r.invariantViolations.length > 10) lines.push(c.red(`    ... and ${r.invariantViolations.length - 10} more`));
  for (const ch of r.checks) {
    lines.push(ch.ok ? c.green(`  ✓ ${ch.name}`) : c.red(`  ✗ ${ch.name}`));
    // A check that held shows its details only when it has some: an anomaly's first finding, a bound's measured figures.
    const shown = ch.details;
    for (const d of shown) lines.push(c.dim(`      ${d}`));
  }
  if (r.checks.length === 0) lines.push(c.dim("  (no expectations)"));
  if (r.eventBudget) lines.push(c.red(`  ${r.eventBudget.message}`));
  const live = livenessLine(r);
  if (live) lines.push(r.liveness!.convergedAtMs === null ? c.red(`  ✗ ${live}`) : c.dim(`  ${live}`));
  for (const g of r.liveness?.gaps.slice(1) ?? []) lines.push(c.dim(`      ${g}`));
  lines.push(r.ok ? c.green.bold(STATUS_TEXT[r.status]) : c.red.bold(STATUS_TEXT[r.status]) + c.dim(`  replay: ${replayLine(r)}`));
  return lines.join("\n");
}

/**
 * One line on the liveness phase: `converged 2.345s after the faults stopped (limit 60s)`, or `did not converge:
 * <first gap> (within 60s ...)`; null when the run had none (or the event budget ended it first).
 */
export function livenessLine(r: Pick<RunResult, "liveness">): string | null {
  const l = r.liveness;
  if (!l) return null;
  const down = l.keptDown.length > 0 ? `; kept down: ${l.keptDown.join(", ")}` : "";
  if (l.convergedAtMs !== null) return `liveness: converged ${((l.convergedAtMs - l.faultsStoppedAtMs) / 1000).toFixed(3)}s after the faults stopped at ${l.faultsStoppedAtMs / 1000}s (limit ${l.limitMs / 1000}s${down})`;
  return `did not converge: ${l.gaps[0] ?? "(the event budget ran out)"} (faults stopped, waited ${l.limitMs / 1000}s${down})`;
}

/** The `--json` object (design.md §4). */
export function runJson(r: RunResult, wallMs: number): Record<string, unknown> {
  return {
    scenario: r.scenario,
    file: r.file,
    ...(r.sets.length > 0 ? { sets: r.sets } : {}),
    seed: r.seed,
    digest: r.digest,
    events: r.events,
    simulatedMs: r.simulatedMs,
    wallMs: Math.round(wallMs),
    status: r.status,
    // Each finding carries the key Jepsen's Kafka analysis files it under, where one exists.
    checks: r.checks.map((c) => ({ name: c.name, ok: c.ok, details: c.details, findings: c.findings.slice(0, 100).map((f) => ({ message: f.message, ...(f.jepsenKey ? { jepsenKey: f.jepsenKey } : {}), ...(f.atUs !== undefined ? { atUs: f.atUs } : {}), ...(f.evidence ? { evidence: f.evidence } : {}) })) })),
    invariantViolations: r.invariantViolations,
    // Each fault with whether it ran and when (a fault with `on:` runs when its trigger fires, if it ever does).
    faults: r.faults.map((f, i) => {
      const firedAtMs = r.faultFiredAtMs[i] ?? null;
      const skippedRole = r.faultSkippedRole[i] ?? null;
      return { ...f, fired: firedAtMs !== null, ...(firedAtMs !== null ? { firedAtMs } : {}), ...(skippedRole !== null && firedAtMs === null ? { skipped: `no actor was ${skippedRole} then` } : {}) };
    }),
    ...(r.adminOps.length > 0 ? { adminOps: r.adminOps } : {}),
    ...(r.liveness ? { liveness: { ...r.liveness, converged: r.liveness.convergedAtMs !== null, ...(r.liveness.convergedAtMs === null ? { message: livenessLine(r) } : {}) } } : {}),
    ...(r.eventBudget ? { eventBudget: { stuck: r.eventBudget.stuck, message: r.eventBudget.message, reachedMs: r.eventBudget.reachedMs, neededEvents: r.eventBudget.neededEvents, repeating: r.eventBudget.lastEvents?.repeating ?? [] } } : {}),
    // Consumer groups at the end, as kafka-consumer-groups --describe would show them.
    ...(r.groups.length > 0 || r.groupOffsets.length > 0 ? { groups: r.groups, groupOffsets: r.groupOffsets } : {}),
    ...(r.performance ? { performance: r.performance } : {}),
    ok: r.ok,
  };
}

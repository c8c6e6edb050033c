import type { ChalkInstance } from "chalk";
import { describeFault } from "../sim/index.js";
import type { RunResult } from "../runner/run.js";

/** The replay line every failure prints (design.md §8: failures are replayable). */
export function replayLine(r: Pick<RunResult, "file" | "seed">): string {
  return `kafkasim run ${r.file} --seed ${r.seed}`;
}

export const STATUS_TEXT: Record<RunResult["status"], string> = {
  ok: "OK: every expectation holds",
  "expectation-failed": "FAILED: an expectation does not hold",
  "invariant-broken": "FAILED: a model invariant was broken",
  livelock: "FAILED: the event budget ran out (possible livelock)",
};

/** Human summary of one run, for the terminal. */
export function formatRunSummary(r: RunResult, c: ChalkInstance, wallMs: number, extra: string[] = []): string {
  const lines: string[] = [];
  lines.push(c.bold(`${r.scenario}`) + c.dim(`  (${r.file}, seed ${r.seed})`));
  if (r.faults.length > 0) {
    lines.push(c.dim("faults:"));
    for (const f of r.faults) lines.push(`  ${(f.atMs / 1000).toFixed(3).padStart(8)}s  ${describeFault(f)}`);
  }
  lines.push(...extra);
  lines.push(
    c.dim(`events ${r.events}  simulated ${(r.simulatedMs / 1000).toFixed(3)}s  wall ${Math.round(wallMs)}ms  digest `) + r.digest,
  );
  for (const v of r.invariantViolations.slice(0, 10)) lines.push(c.red(`  ✗ invariant: ${v}`));
  if (r.invariantViolations.length > 10) lines.push(c.red(`    ... and ${r.invariantViolations.length - 10} more`));
  for (const ch of r.checks) {
    lines.push(ch.ok ? c.green(`  ✓ ${ch.name}`) : c.red(`  ✗ ${ch.name}`));
    const shown = ch.ok ? ch.details.slice(0, ch.name.startsWith("anomaly") ? 1 : 0) : ch.details;
    for (const d of shown) lines.push(c.dim(`      ${d}`));
  }
  if (r.checks.length === 0) lines.push(c.dim("  (no expectations)"));
  lines.push(r.ok ? c.green.bold(STATUS_TEXT[r.status]) : c.red.bold(STATUS_TEXT[r.status]) + c.dim(`  replay: ${replayLine(r)}`));
  return lines.join("\n");
}

/** The `--json` object (design.md §4). */
export function runJson(r: RunResult, wallMs: number): Record<string, unknown> {
  return {
    scenario: r.scenario,
    file: r.file,
    seed: r.seed,
    digest: r.digest,
    events: r.events,
    simulatedMs: r.simulatedMs,
    wallMs: Math.round(wallMs),
    status: r.status,
    // Each finding carries the key Jepsen's Kafka analysis files it under, where one exists.
    checks: r.checks.map((c) => ({ name: c.name, ok: c.ok, details: c.details, findings: c.findings.slice(0, 100).map((f) => ({ message: f.message, ...(f.jepsenKey ? { jepsenKey: f.jepsenKey } : {}), ...(f.atUs !== undefined ? { atUs: f.atUs } : {}), ...(f.evidence ? { evidence: f.evidence } : {}) })) })),
    invariantViolations: r.invariantViolations,
    faults: r.faults,
    // Consumer groups at the end, as kafka-consumer-groups --describe would show them.
    ...(r.groups.length > 0 || r.groupOffsets.length > 0 ? { groups: r.groups, groupOffsets: r.groupOffsets } : {}),
    ok: r.ok,
  };
}

import type { ResolvedScenario } from "../scenario/resolved.js";
import type { Drawn } from "../scenario/swarm.js";
import type { World } from "../scenario/world.js";
import { checkDeterminism, describeDivergence, type Divergence } from "./determinism.js";
import { RARE_MOMENT_TYPES, RareMomentCounter, type MomentCounts } from "./rareMoments.js";
import { type RunResult, type RunStatus, runScenario } from "./run.js";

/** A seed's outcome in a sweep: small and structured-cloneable (it crosses worker threads and goes into JSON lines). */
export interface SeedOutcome {
  seed: number;
  /** `nondeterministic`: `--check-determinism` found the reruns' digests differ (its own failure). */
  status: RunStatus | "nondeterministic";
  ok: boolean;
  /** The expectations that failed (`invariant` for a broken model invariant, `determinism` for a mismatch). */
  failed: string[];
  /** The first thing that went wrong, in one line ("" when ok). */
  firstFinding: string;
  digest: string;
  events: number;
  /** How often each rare moment happened (rareMoments.ts). */
  moments: MomentCounts;
  /** A swarm scenario's configuration for this seed (null otherwise). */
  drawn: Drawn | null;
  /** With --check-determinism on a failing seed: the three digests and where the reruns part. */
  determinism?: { ok: boolean; digests: string[]; divergence: Divergence | null; message: string };
}

export interface SeedOptions {
  durationMs?: number;
  /** Run each failing seed twice more and compare digests (FoundationDB's unseed check). */
  checkDeterminism?: boolean;
  /** Called with the built world before it runs (tests add actors here). */
  attach?: (world: World) => void;
}

/** The first thing that went wrong in a failed run, in one line. */
export function firstProblem(r: RunResult): string {
  const c = r.checks.find((x) => !x.ok);
  if (c) return `${c.name}: ${c.details[0] ?? ""}`;
  if (r.invariantViolations.length > 0) return `invariant: ${r.invariantViolations[0]}`;
  if (r.liveness && r.liveness.convergedAtMs === null) return `did not converge: ${r.liveness.gaps[0] ?? "(the event budget ran out)"}`;
  return r.status;
}

/**
 * Runs one seed of a sweep and keeps what the sweep reports. Throws what runScenario throws (ScenarioError for a
 * run refused by its budget).
 */
export function runSeed(s: ResolvedScenario, seed: number, o: SeedOptions = {}): SeedOutcome {
  const counter = new RareMomentCounter();
  const attach = (w: World) => {
    w.sim.observe(counter.observe, RARE_MOMENT_TYPES);
    o.attach?.(w);
  };
  const r = runScenario(s, { seed, durationMs: o.durationMs, attach });
  const failed = [...r.checks.filter((x) => !x.ok).map((x) => x.name), ...(r.invariantViolations.length > 0 ? ["invariant"] : []), ...(r.liveness?.convergedAtMs === null ? ["did-not-converge"] : [])];
  const out: SeedOutcome = {
    seed,
    status: r.status,
    ok: r.ok,
    failed: r.ok ? [] : failed.length > 0 ? failed : [r.status],
    firstFinding: r.ok ? "" : firstProblem(r),
    digest: r.digest,
    events: r.events,
    moments: counter.counts,
    drawn: r.drawn,
  };
  if (o.checkDeterminism && !r.ok) {
    const rep = checkDeterminism(r.digest, (observe) => runScenario(s, { seed, durationMs: o.durationMs, attach: (w) => (w.sim.observe(observe), o.attach?.(w)) }).digest);
    const message = rep.ok ? "deterministic: two reruns gave the same digest" : `nondeterministic: digests ${rep.digests.join(", ")}; ${describeDivergence(rep.divergence)}`;
    out.determinism = { ok: rep.ok, digests: rep.digests, divergence: rep.divergence, message };
    if (!rep.ok) {
      out.status = "nondeterministic";
      out.failed = ["determinism", ...out.failed];
      out.firstFinding = `determinism: ${message}`;
    }
  }
  return out;
}

import type { RunOutcome } from "../sim/index.js";
import type { World } from "../scenario/world.js";
import { convergenceProbe } from "./convergence.js";

/** How often (simulated µs) the liveness phase reads the convergence predicate: the run stops within 1ms of it. */
const READ_EVERY_US = 1000;

/** How a liveness phase ended: converged at `convergedAtMs` (run time), or not within the limit, with what was not. */
export interface LivenessResult {
  /** When the faults stopped (the scenario's duration, ms) and the phase's limit after it (ms). */
  faultsStoppedAtMs: number;
  limitMs: number;
  convergedAtMs: number | null;
  /** When it did not converge: each gap as "what, where" (at most 20). */
  gaps: string[];
  /** Nodes the scenario keeps down (a crash or shutdown without `for` and no restart): judged without them. */
  keptDown: string[];
}

/**
 * Faults stop (TigerBeetle's VOPR liveness mode): nothing scheduled or triggered fires any more, every cut heals,
 * every slow link is restored, every hold is released, paused processes resume, and crashed or shut-down processes
 * restart, except those a crash or shutdown without `for` or `until` took down with no later restart: the scenario says they stay down (a Kafka engineer's
 * "that broker is gone"), and convergence is judged without them. Producers already stopped sending at the end of
 * the duration (world builder); consumers keep reading.
 */
export function stopFaults(world: World): void {
  const { sim, faultLog } = world;
  faultLog.ended = true;
  sim.healAll();
  sim.restoreAllLinks();
  sim.releaseAllHolds();
  for (const name of sim.actorNames()) {
    const status = sim.status(name);
    if (status === "paused") sim.resume(name);
    // restart() brings a down process back, and one still in a controlled shutdown back once it has stopped (a
    // running process is left as it is).
    if (!faultLog.staysDown.has(name) && (sim.incarnationOf(name) ?? 0) > 0) sim.restart(name);
  }
}

/**
 * The liveness phase, run after the scenario's duration (the clock stands at it): faults stop, then the run goes on
 * until the cluster has converged (convergence.ts) or `limitMs` has passed. Returns the engine's outcome (which may
 * be the event budget running out) and the phase's result.
 */
export function runLivenessPhase(world: World, limitMs: number): { outcome: RunOutcome; liveness: LivenessResult } {
  const { sim } = world;
  stopFaults(world);
  const probe = convergenceProbe(world);
  const untilUs = Math.round((world.durationMs + limitMs) * 1000);
  const outcome = sim.run(untilUs, { holds: () => probe.holds(), everyUs: READ_EVERY_US });
  const keptDown = [...world.faultLog.staysDown].sort();
  if (outcome.stopped) return { outcome, liveness: { faultsStoppedAtMs: world.durationMs, limitMs, convergedAtMs: outcome.simulatedUs / 1000, gaps: [], keptDown } };
  return { outcome, liveness: { faultsStoppedAtMs: world.durationMs, limitMs, convergedAtMs: null, gaps: outcome.status === "ok" ? probe.gaps(20) : [], keptDown } };
}

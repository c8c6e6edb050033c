import { formatDuration } from "../common/duration.js";

/** How a scenario is resolved for the run it is loaded for. */
export interface ResolveOptions {
  /**
   * The run's simulated time in ms when the command line gives one (`--duration`): faults, admin calls and client
   * starts may then fall up to the longer of it and the file's `duration`. The scenario's own duration is unchanged.
   */
  runDurationMs?: number;
}

/** The last time (ms) a fault, admin call or client start may name, and how a message says it. */
export interface RunBound {
  ms: number;
  text: string;
}

/** The run's bound: the file's `duration` (ms), or a longer `--duration` (ms) the run is given. */
export function runBound(durationMs: number, runDurationMs: number | undefined): RunBound {
  if (runDurationMs !== undefined && runDurationMs > durationMs) return { ms: runDurationMs, text: `--duration ${formatDuration(runDurationMs)}` };
  return { ms: durationMs, text: `duration ${formatDuration(durationMs)}` };
}

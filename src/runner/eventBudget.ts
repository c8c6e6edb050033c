import { formatDuration } from "../common/duration.js";
import type { LastEvents, RunOutcome } from "../sim/index.js";

/**
 * What happened when a run's event budget (`simulator.maxEvents`) ran out: either simulated time was still
 * advancing (a long run: the budget is too small for the duration asked) or it stood still over the last events (a
 * livelock: actors keep making events at one instant), with the actors and events that repeated.
 */
export interface EventBudgetReport {
  stuck: boolean;
  maxEvents: number;
  /** Where simulated time stood when the budget ran out, and the duration asked (ms). */
  reachedMs: number;
  durationMs: number;
  /** When advancing: the events the whole duration would need at the pace so far. */
  neededEvents: number | null;
  lastEvents: LastEvents | null;
  /** One line saying which, and what to do. */
  message: string;
}

/** Simulated time over the last events below which the run counts as stuck (µs). */
const STUCK_BELOW_US = 1000;

/** Classifies an outcome that ran out of events. */
export function eventBudgetReport(outcome: RunOutcome, maxEvents: number, durationMs: number): EventBudgetReport {
  const last = outcome.lastEvents ?? null;
  const reachedMs = outcome.simulatedUs / 1000;
  const stuck = last !== null && outcome.simulatedUs - last.fromUs < STUCK_BELOW_US;
  if (stuck) {
    const repeating = last.repeating.map((r) => `${r.actor} ${r.event} ×${r.count}`).join(", ");
    return {
      stuck,
      maxEvents,
      reachedMs,
      durationMs,
      neededEvents: null,
      lastEvents: last,
      message: `livelock: simulated time stood still at ${formatSimTime(reachedMs)} over the last ${fmt(last.count)} events (the budget of ${fmt(maxEvents)} ran out); repeating: ${repeating}`,
    };
  }
  const neededEvents = reachedMs > 0 ? Math.ceil((outcome.events * durationMs) / reachedMs) : null;
  return {
    stuck,
    maxEvents,
    reachedMs,
    durationMs,
    neededEvents,
    lastEvents: last,
    message:
      `event budget reached at ${formatSimTime(reachedMs)} of ${formatSimTime(durationMs)} simulated (${fmt(maxEvents)} events; time was still advancing, so the run is long, not stuck); ` +
      `raise simulator.maxEvents${neededEvents !== null ? ` to about ${fmt(roundUp(neededEvents))}` : ""} or shorten duration`,
  };
}

/** Simulated time for people (the shared duration formatter): `950ms`, `12.5s`, `4m05s`, `3h09m`, `100h`. */
export const formatSimTime = formatDuration;

function roundUp(n: number): number {
  const mag = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.ceil((n * 1.1) / mag) * mag;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/**
 * Durations as scenario files and expectation parameters write them (design.md §3: always with a unit). Shared by
 * the scenario loader, the checkers and the CLI, which import nothing from each other for it.
 */
/**
 * Parses a duration with a unit (`500us`, `250ms`, `30s`, `2m`, `1h`) into milliseconds. `0` alone is allowed. The
 * number and its unit are one word, as README and design.md §3 write them: `5 s`, ` 5s` and `1h2` are not durations.
 */
export function parseDurationMs(v: unknown): number | null {
  if (v === 0 || v === "0") return 0;
  if (typeof v !== "string") return null;
  const m = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)$/.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2];
  const factor = unit === "us" || unit === "µs" ? 0.001 : unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60000 : 3600000;
  return n * factor;
}

/**
 * Whether a duration (ms) is a whole number of µs, the engine's resolution (integer-µs time, design.md §2): a finer
 * one would be rounded, `0.0001us` to 0. The tolerance only absorbs binary rounding (1.1s * 1000 is not exactly
 * 1,100,000 µs in a double).
 */
export function isWholeMicros(ms: number): boolean {
  const us = ms * 1000;
  return Math.abs(us - Math.round(us)) <= Math.max(1e-6, Math.abs(us) * 1e-12);
}

/** The message for a duration that is not a whole number of µs. */
export const WHOLE_MICROS_RULE = "must be a whole number of µs (the simulator's resolution is 1 µs)";

/** A duration as a scenario file writes it, exactly (parseDurationMs reads it back): `90s`, `2m`, `1500ms`, `500us`. */
export function formatDurationMs(ms: number): string {
  if (ms >= 60000 && ms % 60000 === 0) return `${ms / 60000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  if (Number.isInteger(ms)) return `${ms}ms`;
  return `${Math.round(ms * 1000)}us`;
}

/**
 * A duration (ms) for people, the one formatter for durations the CLI, reports and errors print: `250ms`, `1.5s`,
 * `10s`, `4m05s`, `2m`, `3h09m`, `100h` (under a millisecond: `500us`). Up to a minute it is exact to the µs;
 * past a minute it drops the parts of a second (past an hour, the seconds).
 */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms < 1) return `${+(ms * 1000).toFixed(0)}us`;
  if (ms < 1000) return `${+ms.toFixed(3)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(3)}s`;
  const totalS = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (ms < 3_600_000) return totalS % 60 === 0 ? `${totalS / 60}m` : `${Math.floor(totalS / 60)}m${pad(totalS % 60)}s`;
  const totalM = Math.floor(totalS / 60);
  return totalM % 60 === 0 ? `${totalM / 60}h` : `${Math.floor(totalM / 60)}h${pad(totalM % 60)}m`;
}

/**
 * Durations as scenario files and expectation parameters write them (design.md §3: always with a unit). Shared by
 * the scenario loader, the checkers and the CLI, which import nothing from each other for it.
 */
/** Parses a duration with a unit (`500us`, `250ms`, `30s`, `2m`, `1h`) into milliseconds. `0` alone is allowed. */
export function parseDurationMs(v: unknown): number | null {
  if (v === 0 || v === "0") return 0;
  if (typeof v !== "string") return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)\s*$/.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2];
  const factor = unit === "us" || unit === "µs" ? 0.001 : unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60000 : 3600000;
  return n * factor;
}

export function formatDurationMs(ms: number): string {
  if (ms >= 60000 && ms % 60000 === 0) return `${ms / 60000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  if (Number.isInteger(ms)) return `${ms}ms`;
  return `${Math.round(ms * 1000)}us`;
}

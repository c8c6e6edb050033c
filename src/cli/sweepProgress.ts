import cliProgress from "cli-progress";
import type { CliIO } from "./io.js";

/** Off a terminal, a progress line this often (ms). */
export const PROGRESS_LINE_EVERY_MS = 5_000;

export interface SweepProgress {
  /** One more seed finished (failing: whether it failed). */
  seedDone(failing: boolean): void;
  stop(): void;
}

/** `1200/10000 seeds, 14 failing, 38.2 seeds/s, ETA 3m50s` (elapsed in wall ms). */
export function progressLine(done: number, total: number, failing: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? (total - done) / rate : Infinity;
  return `${done}/${total} seeds, ${failing} failing, ${rate.toFixed(1)} seeds/s, ETA ${formatEta(eta)}`;
}

function formatEta(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.round(s)}s`;
}

/**
 * Progress of a sweep on stderr: a cli-progress bar on a terminal, else a line every PROGRESS_LINE_EVERY_MS (CI logs,
 * `kubectl logs`), so a long sweep is never silent.
 */
export function startProgress(io: CliIO, total: number, label = "seeds"): SweepProgress {
  let done = 0;
  let failing = 0;
  const started = performance.now();
  if (io.interactive) {
    const bar = new cliProgress.SingleBar(
      { format: `  {bar} {value}/{total} ${label}  {failing} failing  {rate} seeds/s  ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { failing: 0, rate: "0.0" });
    return {
      seedDone(f) {
        done++;
        if (f) failing++;
        bar.update(done, { failing, rate: (done / ((performance.now() - started) / 1000)).toFixed(1) });
      },
      stop: () => bar.stop(),
    };
  }
  const timer = setInterval(() => io.err(progressLine(done, total, failing, performance.now() - started)), PROGRESS_LINE_EVERY_MS);
  timer.unref();
  return {
    seedDone(f) {
      done++;
      if (f) failing++;
    },
    stop: () => clearInterval(timer),
  };
}

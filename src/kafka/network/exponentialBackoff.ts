import type { RandomStream } from "../../sim/index.js";

/**
 * Kafka's `ExponentialBackoff.backoff(attempts)`: initial × multiplier^attempts, the exponent capped so the value
 * stays within `maxMs`, times a random factor in [1 − jitter, 1 + jitter) drawn from a seeded stream, truncated to
 * whole ms and capped at `maxMs`. An initial interval at or above the maximum gives the maximum, constant. In ms.
 */
export function exponentialBackoffMs(initialMs: number, multiplier: number, maxMs: number, jitter: number, attempts: number, rnd: RandomStream): number {
  const initial = Math.min(maxMs, initialMs);
  const expMax = maxMs > initial ? Math.log(maxMs / Math.max(initial, 1)) / Math.log(multiplier) : 0;
  if (expMax === 0) return initial;
  const term = initial * Math.pow(multiplier, Math.min(attempts, expMax));
  const factor = jitter > 0 ? rnd.between(1 - jitter, 1 + jitter) : 1;
  return Math.min(Math.floor(factor * term), maxMs);
}

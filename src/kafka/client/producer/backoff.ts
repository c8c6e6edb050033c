import type { RandomStream } from "../../../sim/index.js";

/**
 * Kafka `ExponentialBackoff` as the clients use it for retries: retry.backoff.ms × 2^(attempt−1), capped at
 * retry.backoff.max.ms, with ±20% jitter drawn from a seeded stream, in whole ms as `ExponentialBackoff.backoff`
 * truncates it (`(long) (randomFactor * term)`). If the initial back-off exceeds the maximum, the maximum is used as a
 * constant.
 */
export function retryBackoffMs(attempt: number, initialMs: number, maxMs: number, rnd: RandomStream): number {
  if (initialMs >= maxMs) return maxMs;
  const exp = Math.min(initialMs * Math.pow(2, Math.max(0, attempt - 1)), maxMs);
  const jitter = 0.8 + 0.4 * rnd.next();
  return Math.min(Math.floor(exp * jitter), maxMs);
}

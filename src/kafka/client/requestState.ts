import type { RandomStream } from "../../sim/index.js";
import { exponentialBackoffMs } from "../network/exponentialBackoff.js";

/** CommonClientConfigs.RETRY_BACKOFF_EXP_BASE: each failed attempt doubles the back-off. */
export const RETRY_BACKOFF_EXP_BASE = 2;
/** CommonClientConfigs.RETRY_BACKOFF_JITTER: the back-off is drawn within ±20% of its term. */
export const RETRY_BACKOFF_JITTER = 0.2;

/**
 * The consumer's back-off for one kind of request (Kafka `RequestState`, clients/.../consumer/internals, apache/kafka
 * 1eb7644): an `ExponentialBackoff(retry.backoff.ms, 2, retry.backoff.max.ms, 0.2)` and a count of failed attempts.
 * After an answer the next request waits `backoff(n)` from that answer — n = 0 after a success (onSuccessfulAttempt:
 * the minimal back-off still holds), the number of failures before it after a failure (onFailedAttempt), so failures
 * in a row wait about 100, 200, 400, 800, 1000 ms with Kafka's defaults. `reset()` lets the next request go at once
 * and restarts the count. The jitter is drawn from the caller's seeded stream (Kafka: ThreadLocalRandom).
 * Times in µs (the engine's clock), back-offs in ms. Whether a request is in flight is the caller's to track.
 */
export class RequestState {
  /** RequestState.lastReceivedMs (µs): when the last answer (or failure) came; −∞ before any, and after reset(). */
  private lastReceivedUs = -Infinity;
  /** RequestState.numAttempts: failed attempts since the last success or reset. */
  private numAttempts = 0;
  /** RequestState.backoffMs: how long after `lastReceivedUs` the next request must wait (ms). */
  private backoffMs = 0;

  constructor(
    private readonly retryBackoffMs: number,
    private readonly retryBackoffMaxMs: number,
    private readonly rnd: RandomStream,
  ) {}

  /** ExponentialBackoff.backoff(attempts) with this state's settings (ms). */
  backoff(attempts: number): number {
    return exponentialBackoffMs(this.retryBackoffMs, RETRY_BACKOFF_EXP_BASE, this.retryBackoffMaxMs, RETRY_BACKOFF_JITTER, attempts, this.rnd);
  }

  /** RequestState.reset: the next request may go at once; the count starts again. */
  reset(): void {
    this.lastReceivedUs = -Infinity;
    this.numAttempts = 0;
    this.backoffMs = 0;
  }

  /** RequestState.onSuccessfulAttempt at `nowUs`: the count restarts, the minimal back-off (backoff(0)) still holds. */
  onSuccessfulAttempt(nowUs: number): void {
    this.lastReceivedUs = nowUs;
    this.backoffMs = this.backoff(0);
    this.numAttempts = 0;
  }

  /** RequestState.onFailedAttempt at `nowUs`: the next request waits backoff(failures so far), then the count grows. */
  onFailedAttempt(nowUs: number): void {
    this.lastReceivedUs = nowUs;
    this.backoffMs = this.backoff(this.numAttempts);
    this.numAttempts++;
  }

  /** When the back-off after the last answer ends (µs; −∞ if none holds). */
  backoffEndsUs(): number {
    return this.lastReceivedUs + this.backoffMs * 1000;
  }

  /** RequestState.remainingBackoffMs, in µs: 0 once the back-off has passed. */
  remainingBackoffUs(nowUs: number): number {
    return Math.max(0, this.backoffEndsUs() - nowUs);
  }

  /** Failed attempts since the last success or reset (RequestState.numAttempts). */
  get attempts(): number {
    return this.numAttempts;
  }
}

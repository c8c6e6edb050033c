import { describe, expect, it } from "vitest";
import { retryBackoffMs } from "../../../src/kafka/client/producer/backoff.js";
import { exponentialBackoffMs } from "../../../src/kafka/network/exponentialBackoff.js";
import { RandomStream } from "../../../src/sim/index.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/common/utils/ExponentialBackoffTest.java.
// Kafka's ExponentialBackoff(initialInterval, multiplier, maxInterval, jitter).backoff(attempts) is kafkasim's
// exponentialBackoffMs(initial, multiplier, max, jitter, attempts, rnd); ThreadLocalRandom is a seeded stream.

describe("ExponentialBackoffTest", () => {
  it("testExponentialBackoff: within ±jitter of 100 × 2^attempts up to attempt 4, never above max × (1 + jitter)", () => {
    const scaleFactor = 100;
    const ratio = 2;
    const backoffMax = 2000;
    const jitter = 0.2;
    const rnd = new RandomStream("exponential-backoff-test");
    for (let i = 0; i <= 100; i++) {
      for (let attempts = 0; attempts <= 10; attempts++) {
        const b = exponentialBackoffMs(scaleFactor, ratio, backoffMax, jitter, attempts, rnd);
        if (attempts <= 4) {
          const expected = scaleFactor * Math.pow(ratio, attempts);
          expect(Math.abs(b - expected)).toBeLessThanOrEqual(expected * jitter);
        } else {
          expect(b).toBeLessThanOrEqual(backoffMax * (1 + jitter));
        }
      }
    }
  });

  it("testExponentialBackoffWithoutJitter: 100, 200, 400, 400", () => {
    const rnd = new RandomStream("exponential-backoff-test");
    const b = (attempts: number) => exponentialBackoffMs(100, 2, 400, 0.0, attempts, rnd);
    expect([b(0), b(1), b(2), b(3)]).toEqual([100, 200, 400, 400]);
  });

  it("ExponentialBackoff.backoff (its code; no Kafka test): whole ms, capped at maxInterval; initial above max is constant max", () => {
    const rnd = new RandomStream("exponential-backoff-code");
    for (let attempts = 0; attempts < 50; attempts++) {
      const b = exponentialBackoffMs(100, 2, 1000, 0.2, attempts, rnd);
      expect(Number.isInteger(b)).toBe(true); // (long) (randomFactor * term)
      expect(b).toBeLessThanOrEqual(1000); // Math.min(backoffValue, maxInterval)
    }
    // this.initialInterval = Math.min(maxInterval, initialInterval); expMax = 0 -> backoff is initialInterval.
    expect(exponentialBackoffMs(5000, 2, 1000, 0.2, 0, rnd)).toBe(1000);
    expect(exponentialBackoffMs(5000, 2, 1000, 0.2, 7, rnd)).toBe(1000);
  });

  // The producer's retry back-off (RecordAccumulator.ready/shouldBackoff -> ExponentialBackoff.backoff(attempts - 1))
  // is `(long) (randomFactor * term)`: whole ms.
  it("testExponentialBackoff, as the producer's retry back-off (retryBackoffMs): whole ms", () => {
    const rnd = new RandomStream("producer-retry-backoff");
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect(Number.isInteger(retryBackoffMs(attempt, 100, 1000, rnd))).toBe(true);
    }
  });
});

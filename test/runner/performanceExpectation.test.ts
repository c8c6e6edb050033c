import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { checkExpectations, runScenario } from "../../src/runner/run.js";
import { parseScenario } from "../../src/scenario/load.js";

/**
 * `performance:` expectations (src/runner/performanceExpectation.ts): a benchmark's published figures as bounds on
 * the run's own measurements. One broker 1 ms away: an acks=1 send is acknowledged ~2 ms after send(), and a
 * blocked consumer returns it ~2 ms after send(); 500 records/s.
 */
function scenario(expect: string): string {
  return `
name: perf-expect
description: performance expectations
duration: 5s
cluster:
  brokers: 1
  topics: [{ name: t, partitions: 1, replicationFactor: 1 }]
network: { latency: { model: constant, value: 1ms } }
capacity: {}
clients:
  - { id: app, kind: producer, start: 3s, config: { acks: 1, linger.ms: 0 }, workload: { topic: t, rate: 500, keys: { distribution: none }, valueSize: 100 } }
  - { id: reader, kind: consumer, workload: { assign: { topic: t }, pollTimeout: 100ms } }
expect:
${expect}
`;
}

const run = (expect: string) => runScenario(parseScenario(scenario(expect), "perf.yaml"));

describe("performance: expectations", () => {
  it("stays quiet when every figure is within its bounds, and fires for each figure outside", () => {
    const r = run(`  - performance: { measure: produceLatency, p50Ms: { min: 1.5, max: 3 }, p99Ms: { max: 5 } }
  - performance: { measure: endToEnd, clients: [reader], p50Ms: { min: 1.5, max: 3 } }
  - performance: { measure: throughput, recordsPerSec: { min: 450, max: 550 } }
  - performance: { measure: produceLatency, p50Ms: { max: 1 }, p99Ms: { min: 10 } }
  - performance: { measure: throughput, clients: [app], recordsPerSec: { min: 1000 } }
  - performance: { measure: endToEnd, avgMs: { max: 0.5 } }`);
    const [a, b, c, d, e, f] = r.checks;
    expect([a.ok, b.ok, c.ok]).toEqual([true, true, true]);
    // A bound that held still says what it measured (newcomer's finding: a pass printed only the bounds).
    expect(a.details).toEqual([expect.stringMatching(/^produce latency in the steady state of app \(\d[\d,]* records\): p50Ms [\d.]+ ms, p99Ms [\d.]+ ms$/)]);
    expect(c.details).toEqual([expect.stringMatching(/^throughput of app \(from the first send\(\) to the last acknowledgement, as kafka-producer-perf-test\): recordsPerSec \d{3} records\/s$/)]);
    expect(d.ok).toBe(false);
    expect(d.findings.map((x) => x.message)).toEqual([expect.stringMatching(/^produce latency in the steady state of app \(\d[\d,]* records\): p50Ms 2(\.\d+)? ms is above the max 1 ms$/), expect.stringMatching(/p99Ms [\d.]+ ms is below the min 10 ms$/)]);
    expect(e.ok).toBe(false);
    expect(e.findings[0].message).toMatch(/^throughput of app \(from the first send\(\) to the last acknowledgement, as kafka-producer-perf-test\): recordsPerSec \d{3} records\/s is below the min 1,000 records\/s$/);
    expect(f.ok).toBe(false);
    expect(f.findings[0].message).toMatch(/^end-to-end latency of reader .* avgMs [\d.]+ ms is above the max 0.5 ms$/);
    expect(r.status).toBe("expectation-failed");
  });

  it("fires when nothing was measured: a bound cannot hold without samples", () => {
    // The run ends at 2 s, before the producer starts (3 s): the reader never gets a record.
    const r = runScenario(parseScenario(scenario(`  - performance: { measure: endToEnd, clients: [reader], p50Ms: { max: 100 } }`), "perf.yaml"), { durationMs: 2000 });
    expect(r.checks[0].ok).toBe(false);
    expect(r.checks[0].findings[0].message).toBe("end-to-end latency: no samples from reader (no consumer polled a record whose send() the history holds; a perf-test producer's records are timed only by a perf-test consumer)");
  });

  it("a bad parameter is bad input at its path, before anything runs", () => {
    const bad = (e: string) => () => run(e);
    expect(bad(`  - performance: { measure: throughput, p50Ms: { max: 1 } }`)).toThrow(/expect\[0\]\.performance\.p50Ms: performance: is a latency figure; throughput takes recordsPerSec/);
    expect(bad(`  - performance: { measure: endToEnd }`)).toThrow(/performance: needs at least one figure with a bound/);
    expect(bad(`  - performance: { measure: endToEnd, p99Ms: { min: 5, max: 1 } }`)).toThrow(/p99Ms: performance: min must not exceed max/);
    expect(bad(`  - performance: { measure: endToEnd, clients: [nobody], p99Ms: { max: 1 } }`)).toThrow(/expect\[0\]\.performance\.clients\[0\]: performance: unknown client "nobody"/);
    expect(bad(`  - performance: { measure: latency, p99Ms: { max: 1 } }`)).toThrow(/must be endToEnd, produceLatency or throughput/);
    // A figure a client of the other kind does not have (newcomer's finding: it ran, then failed with "no samples").
    expect(bad(`  - performance: { measure: throughput, clients: [reader], recordsPerSec: { min: 1 } }`)).toThrow(/clients\[0\]: performance: "reader" is not a producer; this figure is measured on producers \(the scenario has producers: app\)/);
    expect(bad(`  - performance: { measure: endToEnd, clients: [app], p50Ms: { max: 5 } }`)).toThrow(/clients\[0\]: performance: "app" is not a consumer/);
    expect(bad(`  - performance: { measure: endToEnd, p50Ms: { max: -1 } }`)).toThrow(/p50Ms\.max: performance: must be a number ≥ 0/);
  });

  it("the Confluent 2020 validation setup loads, its expectations parsed (running it takes ~6 s: not here)", () => {
    const file = "test/fixtures/validation/perf-confluent-2020-latency.yaml";
    const s = parseScenario(readFileSync(file, "utf8"), file);
    expect(checkExpectations(s).map((x) => x.checker.name)).toEqual(["performance", "performance"]);
    expect(checkExpectations(s)[0].params).toMatchObject({ measure: "endToEnd", clock: "ms" });
    const producers = s.clients.filter((c) => c.kind === "producer");
    expect(producers).toHaveLength(4);
    // OMB's RateLimiter: one send every 20 µs per producer, not a millisecond's sends at once.
    for (const p of producers) expect(p.workload).toMatchObject({ ratePerSec: 50000, pacing: "even", perfTest: true });
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { runScenario } from "../../src/runner/run.js";
import { parseScenario } from "../../src/scenario/load.js";
import { ScenarioError } from "../../src/scenario/errors.js";
import { addMsClockRun, LatencyHistogram, msClockLatencyUs } from "../../src/workload/perfTestStats.js";
import { EvenPacer } from "../../src/workload/producerWorkload.js";

/**
 * OpenMessaging Benchmark's way of measuring (issue 17 item 7, the Confluent 2020 validation): end-to-end latency
 * as whole milliseconds of two ms clocks with differences ≤ 0 dropped (LocalWorker.messageReceived), and sends
 * spaced evenly by its RateLimiter (`pacing: even`).
 */
describe("msClockLatencyUs (OMB's end-to-end latency)", () => {
  it("counts whole milliseconds of two floored clocks", () => {
    expect(msClockLatencyUs(10_900, 11_100)).toBe(1000); // 0.2 ms apart, across a millisecond boundary: 1 ms
    expect(msClockLatencyUs(10_000, 12_999)).toBe(2000);
    expect(msClockLatencyUs(10_999, 13_000)).toBe(3000);
  });

  it("drops a record received in the millisecond it was sent (a difference of 0 is not recorded)", () => {
    expect(msClockLatencyUs(10_100, 10_900)).toBeNull();
    expect(msClockLatencyUs(10_000, 10_000)).toBeNull();
  });

  it("a run's ms-clock latencies, added a millisecond at a time, are each record's", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 700 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 400_000 }), (first, step, count, after) => {
        const receive = first + step * (count - 1) + after;
        const grouped = new LatencyHistogram();
        addMsClockRun(grouped, receive, first, step, count);
        const each = new LatencyHistogram();
        for (let i = 0; i < count; i++) {
          const v = msClockLatencyUs(first + i * step, receive);
          if (v !== null) each.addValues([v]);
        }
        expect(grouped.count).toBe(each.count);
        expect(grouped.meanUs).toBe(each.meanUs);
        expect(grouped.percentilesUs([0, 0.5, 0.99, 1])).toEqual(each.percentilesUs([0, 0.5, 0.99, 1]));
      }),
    );
  });
});

describe("EvenPacer (OMB's RateLimiter: one send every 1/rate s)", () => {
  it("spaces sends by 10^6/rate µs without drifting, and hands over the sends a late tick owes", () => {
    const p = new EvenPacer(3000); // 333.33 µs apart
    expect(p.take(1_000)).toBe(1);
    expect(p.nextDelayMs(1_000)).toBe(0.333);
    expect(p.take(1_333)).toBe(1);
    expect(p.nextDelayMs(1_333)).toBe(0.334); // t0 + 667
    expect(p.take(4_000)).toBe(8); // due at 1667, 2000, ..., 3667, 4000 (n = 2..9)
    expect(p.take(4_000)).toBe(0);
  });
});

function scenario(opts: { pacing?: "even"; perfTest: boolean; expect?: string; rate?: number | "max" }): string {
  const pt = opts.perfTest ? ", perfTest: true" : "";
  return `
name: omb
description: one broker 1 ms away, a producer at a fixed rate and a blocked consumer
duration: 4s
cluster:
  brokers: 1
  topics: [{ name: t, partitions: 1, replicationFactor: 1 }]
network: { latency: { model: constant, value: 1ms } }
capacity: {}
clients:
  - { id: app, kind: producer, start: 3s, config: { acks: 1, linger.ms: 0 }, workload: { topic: t, rate: ${opts.rate ?? 4000}, keys: { distribution: none }, valueSize: 100${pt}${opts.pacing ? `, pacing: ${opts.pacing}` : ""} } }
  - { id: reader, kind: consumer, workload: { assign: { topic: t }, pollTimeout: 100ms${pt} } }
${opts.expect ? `expect:\n${opts.expect}` : ""}
`;
}

function sendTimes(text: string): number[] {
  const r = runScenario(parseScenario(text, "omb.yaml"));
  return r.history.ops.filter((o) => o.f === "send" && o.type === "invoke").map((o) => o.time);
}

describe("pacing: even", () => {
  it("sends one record every 1/rate s where burst pacing sends a millisecond's records at once", () => {
    const even = sendTimes(scenario({ pacing: "even", perfTest: false }));
    const burst = sendTimes(scenario({ perfTest: false }));
    expect(even.length).toBeGreaterThan(3900);
    expect(new Set(even.slice(1).map((t, i) => t - even[i]))).toEqual(new Set([250]));
    expect(new Set(burst.slice(0, 400).map((t) => t % 1000)).size).toBe(1); // all on the millisecond tick
  });

  it("a perf-test producer's even sends give the per-record producer's produce latencies and digest", () => {
    const each = runScenario(parseScenario(scenario({ pacing: "even", perfTest: false }), "omb.yaml"));
    const perf = runScenario(parseScenario(scenario({ pacing: "even", perfTest: true }), "omb.yaml"));
    expect(perf.performance!.producers[0].latency).toEqual(each.performance!.producers[0].latency);
    expect(perf.digest).toBe(each.digest);
    // The perf-test consumer blocked in poll(100 ms) returns the same records (the same digest); its latencies are
    // counted per batch, the per-record one's per record in the history (a few differ by a fraction of a ms, as with
    // pollInterval: test/workload/perfTest.test.ts).
    const [a, b] = [each.performance!.consumers[0], perf.performance!.consumers[0]];
    expect(b.endToEnd!.count).toBe(a.endToEnd!.count);
    expect(Math.abs(b.endToEnd!.avgMs - a.endToEnd!.avgMs)).toBeLessThan(0.05);
    expect(Math.abs(b.endToEndMsClock!.p50Ms - a.endToEndMsClock!.p50Ms)).toBeLessThanOrEqual(1);
  });

  it("is bad input without a fixed rate", () => {
    expect(() => parseScenario(scenario({ pacing: "even", perfTest: false, rate: "max" }), "omb.yaml")).toThrow(ScenarioError);
    expect(() => parseScenario(scenario({ pacing: "even", perfTest: false, rate: "max" }), "omb.yaml")).toThrow(/clients\[0\]\.workload\.pacing/);
  });
});

describe("performance: { clock: ms }", () => {
  // acks=1, one broker 1 ms away, linger 0: a record is returned 2-4 ms after send() (the produce request's 1 ms, then
  // the consumer's fetch round trip of 2 ms it waits for), whole milliseconds by OMB's clocks.
  it("judges the ms-clock figures, which are whole milliseconds, and stays quiet within bounds", () => {
    const r = runScenario(
      parseScenario(
        scenario({
          pacing: "even",
          perfTest: true,
          expect: `  - performance: { measure: endToEnd, clock: ms, p50Ms: { min: 3, max: 4 }, p99Ms: { max: 5 } }
  - performance: { measure: endToEnd, clock: ms, p50Ms: { max: 1 } }`,
        }),
        "omb.yaml",
      ),
    );
    const c = r.performance!.consumers[0];
    expect(c.endToEnd!.p50Ms).toBeGreaterThan(3);
    expect(c.endToEnd!.p50Ms).toBeLessThan(4);
    expect(c.endToEndMsClock!.count).toBeLessThanOrEqual(c.endToEnd!.count);
    expect(Number.isInteger(c.endToEndMsClock!.p50Ms)).toBe(true);
    expect(Number.isInteger(c.endToEndMsClock!.p99Ms)).toBe(true);
    expect(r.checks[0]).toMatchObject({ ok: true });
    expect(r.checks[1].ok).toBe(false);
    expect(r.checks[1].details[0]).toMatch(/^end-to-end latency \(ms clocks, as OMB measures it\) of reader \([\d,]+ records\): p50Ms [34] ms is above the max 1/);
  });

  it("is bad input on a measure other than endToEnd", () => {
    const text = scenario({ perfTest: false, expect: "  - performance: { measure: produceLatency, clock: ms, p50Ms: { max: 5 } }" });
    expect(() => runScenario(parseScenario(text, "omb.yaml"))).toThrow(/expect\[0\]\.performance\.clock: performance: is for measure: endToEnd/);
  });
});

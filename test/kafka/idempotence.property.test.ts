import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import { faultScheduleArbitrary, heal } from "../support/faultArbitraries.js";
import { BROKERS } from "../support/kafka.js";

/** A producer over lossy client links (connection resets), with the given idempotence settings. */
function scenario(producerConfig: string) {
  return parseScenario(
    `name: idempotence-property
description: idempotence under faults
duration: 45s
cluster:
  brokers: 3
  config: { replica.lag.time.max.ms: 10000 }
  topics:
    - { name: t, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: 2 } }
network:
  links:
    - { between: [app, broker-1], loss: 0.01 }
    - { between: [app, broker-2], loss: 0.01 }
    - { between: [app, broker-3], loss: 0.01 }
clients:
  - id: app
    kind: producer
    config: { acks: all, request.timeout.ms: 2000, ${producerConfig} }
    workload: { topic: t, rate: 600, keys: { distribution: uniform, count: 6 } }
expect:
  - noLostAcknowledgedWrites
  - noDuplicates
  - noReordering
`,
    "<property>",
  );
}

const faults = faultScheduleArbitrary({
  nodes: BROKERS,
  kinds: ["crash", "pause", "isolate", "partition"],
  count: { min: 0, max: 4 },
  fromMs: 5000,
  untilMs: 30000,
  durationMs: { min: 500, max: 6000 },
  maxDown: 1,
  loseUnflushed: false,
});

describe("idempotent producer under random faults", () => {
  it("idempotence on, acks=all, min.insync.replicas=2: nothing acknowledged is lost, nothing duplicated, per-key order holds", () => {
    const s = scenario("enable.idempotence: true");
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), faults, (seed, schedule) => {
        const r = runScenario(s, { seed, faults: [...schedule, heal(38_000)] });
        expect({ status: r.status, failed: r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.details[0]}`), invariants: r.invariantViolations.slice(0, 2) }).toEqual({ status: "ok", failed: [], invariants: [] });
      }),
      { numRuns: 10 },
    );
  });

  it("idempotence off with five in flight: the property finds a duplicate or a reordering", () => {
    const s = scenario("enable.idempotence: false, max.in.flight.requests.per.connection: 5");
    const result = fc.check(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), faults, (seed, schedule) => {
        const r = runScenario(s, { seed, faults: [...schedule, heal(38_000)] });
        expect(r.status === "livelock").toBe(false);
        return r.checks.find((c) => c.name === "noDuplicates")!.ok && r.checks.find((c) => c.name === "noReordering")!.ok;
      }),
      { numRuns: 20, seed: 3 },
    );
    expect(result.failed).toBe(true);
  });
});

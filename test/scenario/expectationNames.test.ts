import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";

const scenario = (expectations: string) => `name: names
description: expectation names
duration: 5s
cluster:
  brokers: 3
  controllers: 1
  topics: [{ name: orders, partitions: 1, replicationFactor: 3 }]
clients:
  - { id: app, kind: producer, workload: { topic: orders, rate: 10 } }
  - { id: reader, kind: consumer, config: { group.id: billing }, workload: { subscribe: [orders] } }
expect:
${expectations}`;

describe("an expectation's name: its parameters on one line as the scenario writes them", () => {
  it("a plain check is its name; parameters read as YAML flow, not JSON", () => {
    const s = parseScenario(
      scenario(`  - noLostAcknowledgedWrites
  - rebalances: { group: billing, max: 2 }
  - anomaly: { failedSends: DELIVERY_TIMEOUT }
  - performance: { measure: throughput, clients: [app], recordsPerSec: { min: 1, max: 20 } }
`),
      "names.yaml",
    );
    expect(s.expect.map((e) => e.label)).toEqual([
      "noLostAcknowledgedWrites",
      "rebalances: { group: billing, max: 2 }",
      "anomaly: failedSends DELIVERY_TIMEOUT",
      "performance: { measure: throughput, clients: [ app ], recordsPerSec: { min: 1, max: 20 } }",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { ScenarioError } from "../../src/scenario/errors.js";

const scenario = (clients: string) => `name: m
description: clients sharing settings through a YAML merge key
duration: 5s
cluster:
  brokers: 3
  topics: [{ name: orders, partitions: 1, replicationFactor: 3 }]
clients:
${clients}
expect: [noLostAcknowledgedWrites]
`;

describe("YAML merge keys (<<: *anchor) in a scenario file", () => {
  it("merge the anchored map's keys, the entry's own keys winning (they were refused as an unknown key \"<<\")", () => {
    const s = parseScenario(scenario(`  - &base { id: p1, kind: producer, config: { acks: "all" }, workload: { topic: orders, rate: 10 } }\n  - { <<: *base, id: p2, config: { acks: "1" } }`), "m.yaml");
    expect(s.clients.map((c) => c.id)).toEqual(["p1", "p2"]);
    expect(s.clients[1].kind).toBe("producer");
  });

  it("still refuses a key given twice in one map", () => {
    expect(() => parseScenario(scenario(`  - { id: p1, id: p2, kind: producer, workload: { topic: orders, rate: 10 } }`), "m.yaml")).toThrow(ScenarioError);
  });
});

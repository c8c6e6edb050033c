import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { scenarioNotes } from "../../src/cli/scenarioNotes.js";
import { parseScenario } from "../../src/scenario/load.js";

const plain = new Chalk({ level: 0 });
const scenario = (brokerConfig: string, topicConfig: string) =>
  parseScenario(
    `name: notes
description: a topic's message format
duration: 5s
cluster:
  brokers: 3
  ${brokerConfig}
  topics:
    - { name: old, partitions: 1, replicationFactor: 3${topicConfig} }
    - { name: new, partitions: 1, replicationFactor: 3 }
`,
    "notes.yaml",
  );

describe("the summary's notes on settings of another Kafka era", () => {
  it("a topic in a legacy message format is named with its version: the model keeps it as a pre-3.0 cluster does, KRaft ignores it", () => {
    const lines = scenarioNotes(scenario("", ', config: { message.format.version: "0.10.2" }'), plain);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^note: topic old \(0\.10\.2\) in a legacy message format \(magic 0 or 1\), kept as a cluster before Kafka 3\.0 keeps it; a KRaft cluster .* ignores message\.format\.version and Kafka 4\.0 removed it$/);
  });

  it("the brokers' log.message.format.version counts for every topic that does not set its own", () => {
    const lines = scenarioNotes(scenario('config: { log.message.format.version: "0.9.0" }', ', config: { message.format.version: "2.8" }'), plain);
    expect(lines).toEqual([expect.stringMatching(/^note: topic new \(0\.9\.0\) in a legacy/)]);
  });

  it("nothing to say for today's format (the quiet case)", () => {
    expect(scenarioNotes(scenario("", ""), plain)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { alterConfigScenario, type AlterConfigScenarioOptions, runTraced } from "../support/alterConfigScenario.js";
import { MetadataImage } from "../../src/kafka/metadata/metadataImage.js";
import { preprocessIncrementalAlterConfigs } from "../../src/kafka/broker/configAdminManager.js";

/**
 * Dynamic broker configs (issue 16 item 4): `alterConfig: { broker, key, value }` is IncrementalAlterConfigs of a
 * BROKER resource (Kafka DynamicBrokerConfig): one broker's config, or the cluster default ("all"), with the
 * precedence topic > per-broker > cluster default > static. orders-0's replicas are broker-1 (leader), 2, 3.
 */
function scenario(opts: AlterConfigScenarioOptions): string {
  return alterConfigScenario("broker alterConfig test", { ...opts, brokerConfig: `replica.lag.time.max.ms: 2000, ${opts.brokerConfig ?? ""}` });
}

const run = runTraced;

/** broker-3 crashes at 3s (the ISR shrinks to broker-1, broker-2); at 10s one dynamic broker config is altered. */
const minIsrAfterCrash = (broker: string, topicConfig = "") =>
  scenario({ topicConfig, faults: `  - { at: 3s, crash: broker-3 }\n  - { at: 10s, alterConfig: { broker: ${broker}, key: min.insync.replicas, value: 3 } }` });

const bad = (faults: string) => () => parseScenario(scenario({ faults }), "t.yaml");

describe("alterConfig of a broker: dynamic broker configs", () => {
  it("the cluster default min.insync.replicas raised to 3: the leader rejects acks=all sends from the commit on", () => {
    const { of } = run(minIsrAfterCrash("all"));
    expect(of("admin.alter-configs").map((t) => t.data)).toEqual([expect.objectContaining({ broker: "", error: "NONE", configs: { "min.insync.replicas": "3" } })]);
    const written = of("controller.alter-config");
    expect(written.map((t) => t.data)).toEqual([{ broker: "", name: "min.insync.replicas", value: "3" }]);
    const rejects = of("partition.reject-produce");
    expect(rejects.length).toBeGreaterThan(0);
    for (const t of rejects) {
      expect(t.t).toBeGreaterThan(written[0].t);
      expect(t.data).toMatchObject({ error: "NOT_ENOUGH_REPLICAS", minIsr: 3 });
    }
  });

  it("the leader's own per-broker value applies to it; another broker's does not", () => {
    const leader = run(minIsrAfterCrash("1"));
    expect(leader.of("controller.alter-config").map((t) => t.data)).toEqual([{ broker: "broker-1", name: "min.insync.replicas", value: "3" }]);
    expect(leader.of("partition.reject-produce").length).toBeGreaterThan(0);
    const other = run(minIsrAfterCrash("broker-2"));
    expect(other.of("controller.alter-config").length).toBe(1);
    expect(other.of("partition.reject-produce")).toEqual([]);
  });

  it("a topic's override wins over the dynamic cluster default (topic > broker > cluster default > static)", () => {
    const { of } = run(minIsrAfterCrash("all", "min.insync.replicas: 1"));
    expect(of("controller.alter-config").length).toBe(1);
    expect(of("partition.reject-produce")).toEqual([]);
  });

  it("a key Kafka does not update dynamically is refused: in a scenario at once (exit 2 at the key), by a broker with INVALID_REQUEST", () => {
    expect(() => parseScenario(scenario({ faults: "  - { at: 5s, alterConfig: { broker: all, key: replica.lag.time.max.ms, value: 100 } }" }), "s.yaml")).toThrow(
      /faults\[0\]\.alterConfig\.key.*"replica\.lag\.time\.max\.ms" is a static broker config.*dynamic broker configs: .*min\.insync\.replicas/,
    );
    // ConfigAdminManager.preprocess on the broker, for a request that reaches it anyway (another client's).
    expect(preprocessIncrementalAlterConfigs("broker-1", { type: "IncrementalAlterConfigs", correlationId: 1, topic: "", broker: "", configs: [{ name: "replica.lag.time.max.ms", value: 100 }] })).toEqual({
      error: "INVALID_REQUEST",
      message: "Cannot update these configs dynamically: Set(replica.lag.time.max.ms)",
    });
  });

  it("log.retention.ms as the cluster default: retention deletes the old segments of a topic without its own retention.ms", () => {
    const text = scenario({
      duration: "30s",
      // The topic's own small segments (Kafka 4.0 refuses log.segment.bytes below 1 MiB, KIP-1030); retention from the cluster default.
      topicConfig: "segment.bytes: 16384",
      brokerConfig: "log.retention.check.interval.ms: 1000, log.initial.task.delay.ms: 0",
      faults: "  - { at: 15s, alterConfig: { broker: all, key: log.retention.ms, value: 5000 } }",
    });
    const { of } = run(text);
    const written = of("controller.alter-config")[0];
    const deleted = of("log.delete-segments");
    expect(deleted.length).toBeGreaterThan(0);
    for (const t of deleted) {
      expect(t.t).toBeGreaterThan(written.t);
      expect(t.data).toMatchObject({ reason: "retention-ms-breach" });
    }
    // And nothing without the change.
    expect(run(text.replace(/ {2}- \{ at: 15s, alterConfig.*\n/, "  []\n").replace("faults:\n  []", "faults: []")).of("log.delete-segments")).toEqual([]);
  });

  it("unclean.leader.election.enable: the cluster default elects at the controller's periodic check; a per-broker value does not (the controller reads its own)", () => {
    const leaderless = (broker: string) =>
      scenario({
        duration: "50s",
        acks: "1",
        brokerConfig: "unclean.leader.election.interval.ms: 10000",
        faults: [
          "  - { at: 2s, partition: [[broker-3], [broker-1, broker-2]], for: 25s }",
          "  - { at: 12s, crash: broker-1 }",
          "  - { at: 12s, crash: broker-2 }",
          `  - { at: 30s, alterConfig: { broker: ${broker}, key: unclean.leader.election.enable, value: true } }`,
        ].join("\n"),
      });
    const all = run(leaderless("all"));
    expect(all.of("controller.unclean-election").map((t) => t.data)).toEqual([expect.objectContaining({ tp: "orders-0", newLeader: "broker-3", reason: "periodic unclean election check" })]);
    const perBroker = run(leaderless("3"));
    expect(perBroker.of("controller.alter-config").length).toBe(1);
    expect(perBroker.of("controller.unclean-election")).toEqual([]);
  });

  it("a BROKER ConfigRecord: per-broker over the cluster default in the image; null removes it", () => {
    const image = new MetadataImage();
    image.apply({ type: "BrokerConfig", broker: "", name: "min.insync.replicas", value: 2 }, 0);
    image.apply({ type: "BrokerConfig", broker: "broker-1", name: "min.insync.replicas", value: 3 }, 1);
    expect(image.dynamicBrokerConfigs("broker-1")).toEqual({ "min.insync.replicas": 3 });
    expect(image.dynamicBrokerConfigs("broker-2")).toEqual({ "min.insync.replicas": 2 });
    image.apply({ type: "BrokerConfig", broker: "broker-1", name: "min.insync.replicas", value: null }, 2);
    expect(image.dynamicBrokerConfigs("broker-1")).toEqual({ "min.insync.replicas": 2 });
  });

  it("refuses an unknown broker, an unknown key, an impossible value, and both topic and broker, at the path", () => {
    expect(bad("  - { at: 5s, alterConfig: { broker: 9, key: min.insync.replicas, value: 2 } }")).toThrow(/faults\[0\]\.alterConfig\.broker: 9 is not a broker of the cluster \(brokers: 1, 2, 3, or "all"/);
    expect(bad("  - { at: 5s, alterConfig: { broker: broker-7, key: min.insync.replicas, value: 2 } }")).toThrow(/faults\[0\]\.alterConfig\.broker/);
    expect(bad("  - { at: 5s, alterConfig: { broker: all, key: retention.ms, value: 2 } }")).toThrow(/faults\[0\]\.alterConfig\.key: "retention\.ms" is not a broker config/);
    expect(bad("  - { at: 5s, alterConfig: { broker: all, key: min.insync.replicas, value: 0 } }")).toThrow(/faults\[0\]\.alterConfig\.value/);
    expect(bad("  - { at: 5s, alterConfig: { broker: 1, topic: orders, key: min.insync.replicas, value: 2 } }")).toThrow(/faults\[0\]\.alterConfig: takes topic: .* or broker: .*not both/);
    expect(bad("  - { at: 5s, alterConfig: { key: min.insync.replicas, value: 2 } }")).toThrow(/faults\[0\]\.alterConfig: needs topic: <name>/);
    expect(bad("  - { at: 5s, alterConfig: { broker: true, key: min.insync.replicas, value: 2 } }")).toThrow(/faults\[0\]\.alterConfig\.broker/);
    // A typo gets the nearest dynamic key, and the list is of the dynamic keys only (not every broker config).
    expect(bad("  - { at: 5s, alterConfig: { broker: all, key: min.insync.replica, value: 2 } }")).toThrow(/is not a broker config the model has; did you mean "min\.insync\.replicas"\? \(dynamic broker configs: /);
  });

  it("takes a BROKER resource named by its id as a string, as Kafka's ConfigResource does", () => {
    const s = parseScenario(scenario({ faults: '  - { at: 5s, alterConfig: { broker: "3", key: min.insync.replicas, value: 2 } }' }), "t.yaml");
    expect(s.adminOps).toEqual([expect.objectContaining({ op: "alterConfig", broker: "broker-3", key: "min.insync.replicas" })]);
    expect(bad('  - { at: 5s, alterConfig: { broker: "9", key: min.insync.replicas, value: 2 } }')).toThrow(/faults\[0\]\.alterConfig\.broker: "9" is not a broker of the cluster/);
  });
});

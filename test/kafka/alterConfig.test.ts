import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { ScenarioError } from "../../src/scenario/errors.js";
import { alterConfigScenario, type AlterConfigScenarioOptions, runTraced } from "../support/alterConfigScenario.js";
import { MetadataImage } from "../../src/kafka/metadata/metadataImage.js";

/**
 * Dynamic topic configs (issue 16 item 4): an `alterConfig` fault entry is Admin incrementalAlterConfigs, forwarded
 * by a broker to the active controller (ForwardingManager), written as a ConfigRecord, and read by brokers and the
 * controller from their metadata images.
 */
function scenario(opts: AlterConfigScenarioOptions): string {
  return alterConfigScenario("alterConfig test", { ...opts, topicConfig: opts.topicConfig ?? "min.insync.replicas: 2" });
}

const run = runTraced;

/**
 * orders-0's ISR shrinks to broker-1 and broker-2 while broker-3 is cut off; both crash at 12s, so once they are
 * fenced the partition is leaderless; at 30s the operator alters one topic config (`key, value` as YAML).
 */
function leaderlessThenAlter(keyValue: string): string {
  return scenario({
    duration: "50s",
    topicConfig: "min.insync.replicas: 1",
    brokerConfig: "replica.lag.time.max.ms: 2000, unclean.leader.election.interval.ms: 10000",
    acks: "1",
    faults: [
      "  - { at: 2s, partition: [[broker-3], [broker-1, broker-2]], for: 25s }",
      "  - { at: 12s, crash: broker-1 }",
      "  - { at: 12s, crash: broker-2 }",
      `  - { at: 30s, alterConfig: { topic: orders, key: ${keyValue} } }`,
    ].join("\n"),
  });
}

const bad = (faults: string) => () => parseScenario(scenario({ faults }), "t.yaml");

describe("alterConfig: an operator's IncrementalAlterConfigs at run time", () => {
  it("min.insync.replicas raised to 3 while a follower is down: acks=all sends fail with NOT_ENOUGH_REPLICAS from then on, and not before", () => {
    const { r, of } = run(
      scenario({
        brokerConfig: "replica.lag.time.max.ms: 2000",
        faults: "  - { at: 3s, crash: broker-3 }\n  - { at: 10s, alterConfig: { topic: orders, key: min.insync.replicas, value: 3 } }",
      }),
    );
    expect(of("admin.alter-configs").map((t) => t.data)).toEqual([expect.objectContaining({ topic: "orders", error: "NONE", configs: { "min.insync.replicas": "3" } })]);
    const written = of("controller.alter-config");
    expect(written.length).toBe(1);
    const rejects = of("partition.reject-produce");
    expect(rejects.length).toBeGreaterThan(0);
    // The ConfigRecord is committed a little after the call; no rejection before it.
    for (const t of rejects) {
      expect(t.t).toBeGreaterThan(written[0].t);
      expect(t.data).toMatchObject({ error: "NOT_ENOUGH_REPLICAS", minIsr: 3 });
    }
    // NOT_ENOUGH_REPLICAS is retriable: the producer retries (until delivery.timeout.ms).
    expect(of("producer.retry").some((t) => t.data!.error === "NOT_ENOUGH_REPLICAS" && t.t > written[0].t)).toBe(true);
    // broker-3 stays down, so min.insync.replicas 3 is never met again: the liveness phase says the sends never end.
    expect(r.status).toBe("did-not-converge");
  });

  it("value null removes the topic's override: the broker default (1) applies, and the producer's retry moves the held-back HW", () => {
    // min.insync.replicas 3 with broker-3 gone: once the ISR shrinks the HW stops (KIP-966) and acks=all sends wait.
    const { r, of } = run(
      scenario({
        topicConfig: "min.insync.replicas: 3",
        brokerConfig: "replica.lag.time.max.ms: 2000",
        duration: "20s",
        faults: "  - { at: 3s, crash: broker-3 }\n  - { at: 10s, alterConfig: { topic: orders, key: min.insync.replicas, value: null } }",
      }),
    );
    const written = of("controller.alter-config");
    expect(written.map((t) => t.data)).toEqual([{ topic: "orders", name: "min.insync.replicas", value: null }]);
    // Nothing moves the HW at the change itself (Kafka recomputes it on an append or a follower's progress); the
    // producer's retry after request.timeout.ms is a duplicate append, and that recomputes it.
    const dup = of("partition.duplicate-batch").find((t) => t.t > written[0].t)!;
    expect(dup).toBeDefined();
    const hwAfter = of("partition.hw").filter((t) => t.actor === "broker-1" && t.t > written[0].t);
    expect(hwAfter.length).toBeGreaterThan(0);
    expect(hwAfter[0].t).toBe(dup.t);
    expect(r.history.ops.some((op) => op.f === "send" && op.type === "fail")).toBe(false);
  });

  it("unclean.leader.election.enable turned on: the leaderless partition gets an unclean leader at the next periodic check, not at once", () => {
    const { of } = run(leaderlessThenAlter("unclean.leader.election.enable, value: true"));
    const offline = of("controller.election").find((t) => t.data!.newLeader === null)!;
    expect(offline).toBeDefined();
    const altered = of("controller.alter-config")[0];
    const unclean = of("controller.unclean-election");
    expect(unclean.map((t) => t.data)).toEqual([expect.objectContaining({ tp: "orders-0", newLeader: "broker-3", reason: "periodic unclean election check" })]);
    // Scheduled unclean.leader.election.interval.ms after the partition went leaderless (QuorumController's
    // DEFERRED schedule), so after the config change, and not at it.
    expect(unclean[0].t).toBeGreaterThan(altered.t);
    expect(unclean[0].t - offline.t).toBeGreaterThanOrEqual(10_000_000);
  });

  it("unclean.leader.election.enable left off: the partition stays leaderless through the periodic checks", () => {
    const { of } = run(leaderlessThenAlter("retention.ms, value: 3600000"));
    expect(of("controller.alter-config").length).toBe(1);
    expect(of("controller.unclean-election")).toEqual([]);
  });

  it("a ConfigRecord sets or deletes one override in the metadata image", () => {
    const image = new MetadataImage();
    image.apply({ type: "Topic", name: "orders", partitions: 1, config: { "min.insync.replicas": 2 } }, 0);
    image.apply({ type: "Config", topic: "orders", name: "retention.ms", value: 1000 }, 1);
    expect(image.topicConfig("orders", "retention.ms")).toBe(1000);
    expect(image.topicConfig("orders", "min.insync.replicas")).toBe(2);
    image.apply({ type: "Config", topic: "orders", name: "min.insync.replicas", value: null }, 2);
    expect(image.topicConfig("orders", "min.insync.replicas")).toBeUndefined();
    // A config for a topic the image does not know changes nothing.
    image.apply({ type: "Config", topic: "nope", name: "retention.ms", value: 1 }, 3);
    expect(image.topics.has("nope")).toBe(false);
  });

  it("refuses an unknown topic, an unknown key, an impossible value, and timing it does not take, at the path", () => {
    expect(bad("  - { at: 5s, alterConfig: { topic: nope, key: min.insync.replicas, value: 2 } }")).toThrow(ScenarioError);
    expect(bad("  - { at: 5s, alterConfig: { topic: nope, key: min.insync.replicas, value: 2 } }")).toThrow(/faults\[0\]\.alterConfig\.topic: "nope" is not a topic of the scenario \(topics: orders\)/);
    expect(bad("  - { at: 5s, alterConfig: { topic: orders, key: min.isr, value: 2 } }")).toThrow(/faults\[0\]\.alterConfig\.key: "min\.isr" is not a topic config/);
    expect(bad("  - { at: 5s, alterConfig: { topic: orders, key: min.insync.replicas, value: 0 } }")).toThrow(/faults\[0\]\.alterConfig\.value/);
    expect(bad("  - { at: 5s, alterConfig: { topic: orders, key: unclean.leader.election.enable, value: maybe } }")).toThrow(/faults\[0\]\.alterConfig\.value/);
    expect(bad("  - { at: 5s, for: 1s, alterConfig: { topic: orders, key: retention.ms, value: 1000 } }")).toThrow(/faults\[0\]\.for: does not apply to alterConfig/);
    expect(bad("  - { alterConfig: { topic: orders, key: retention.ms, value: 1000 } }")).toThrow(/faults\[0\]: needs at:/);
    expect(bad("  - { at: 5s, alterConfig: { topic: orders, key: retention.ms } }")).toThrow(/faults\[0\]\.alterConfig\.value/);
  });
});

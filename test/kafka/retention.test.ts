import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { ScenarioError } from "../../src/scenario/errors.js";
import { runTraced } from "../support/tracedRun.js";

/** A 3-broker cluster with one partition of `orders` and an acks=all producer; `topicConfig` and `extra` vary. */
function scenario(opts: { topicConfig?: string; brokerConfig?: string; faults?: string; reader?: string; duration?: string }): string {
  return `name: t
description: retention test
duration: ${opts.duration ?? "20s"}
cluster:
  brokers: 3
  config: { ${opts.brokerConfig ?? ""} }
  topics:
    - { name: orders, partitions: 1, replicationFactor: 3, config: { min.insync.replicas: 2${opts.topicConfig ? `, ${opts.topicConfig}` : ""} } }
clients:
  - id: app
    kind: producer
    config: { acks: all }
    workload: { topic: orders, rate: 200 }
${opts.reader ?? ""}
${opts.faults ? `faults:\n${opts.faults}` : ""}
expect: [noLostAcknowledgedWrites, noDuplicates, noLogDivergence]
`;
}

const run = runTraced;

const FAST = "log.retention.check.interval.ms: 1000, log.initial.task.delay.ms: 1000";

describe("segments and retention in a run", () => {
  it("with Kafka's defaults (7 days, 1 GiB segments) nothing rolls and nothing is deleted", () => {
    const { r, of } = run(scenario({ brokerConfig: FAST }));
    expect(r.ok).toBe(true);
    expect(of("log.roll")).toEqual([]);
    expect(of("log.delete-segments")).toEqual([]);
    expect(r.logs.every((l) => l.logStartOffset === 0)).toBe(true);
  });

  it("retention.ms deletes old segments on every replica, below each one's HW, and the log start moves", () => {
    const { r, of } = run(scenario({ brokerConfig: FAST, topicConfig: "segment.ms: 1000, retention.ms: 5000" }));
    expect(r.ok).toBe(true);
    const deletions = of("log.delete-segments");
    expect(new Set(deletions.map((d) => d.actor))).toEqual(new Set(["broker-1", "broker-2", "broker-3"]));
    for (const d of deletions) {
      expect(d.data!.reason).toBe("retention-ms-breach");
      expect(d.data!.logStartOffset as number).toBeLessThanOrEqual(d.data!.highWatermark as number);
    }
    // The last 5s (plus a segment and a check interval) are kept; everything older is gone.
    for (const l of r.logs) {
      expect(l.logStartOffset).toBeGreaterThan(0);
      expect(l.logEndOffset - l.logStartOffset).toBeLessThanOrEqual(200 * (5 + 1 + 1) + 50);
      expect(l.records[0].offset).toBe(l.logStartOffset);
    }
  });

  it("retention.bytes keeps the log within the limit plus one segment", () => {
    const { r } = run(scenario({ brokerConfig: FAST, topicConfig: "segment.bytes: 4096, retention.bytes: 16384" }));
    expect(r.ok).toBe(true);
    for (const l of r.logs) expect(l.logStartOffset).toBeGreaterThan(0);
  });

  it("DeleteRecords moves the leader's log start, the followers learn it from fetch responses, and a consumer below it is OFFSET_OUT_OF_RANGE and resets", () => {
    const reader = `  - id: reader
    kind: consumer
    config: { auto.offset.reset: earliest, max.poll.records: 50 }
    workload: { assign: { topic: orders }, pollInterval: 1s }`;
    // 30s: the reader drains one Fetch's batches at 50 records a poll, so its next Fetch after 10s comes at about 23s.
    const { r, of, trace } = run(scenario({ duration: "30s", faults: "  - at: 10s\n    deleteRecords: { partition: orders-0, offset: 1000 }", reader }));
    expect(r.ok).toBe(true);
    expect(of("admin.delete-records").map((t) => t.data)).toEqual([expect.objectContaining({ tp: "orders-0", offset: 1000, error: "NONE", lowWatermark: 1000 })]);
    const moved = of("log.start-offset");
    expect(new Set(moved.map((m) => m.data!.reason))).toEqual(new Set(["DeleteRecords", "leader-offset-incremented"]));
    expect(r.logs.every((l) => l.logStartOffset === 1000)).toBe(true);
    // The slow reader (50 records/s against 200 produced) is still below 1000 at 10s.
    const outOfRange = trace.filter((t) => t.actor === "reader" && t.type === "consumer.offset-out-of-range");
    expect(outOfRange).toHaveLength(1);
    expect(outOfRange[0].data!.fetchOffset as number).toBeLessThan(1000);
    const resets = trace.filter((t) => t.actor === "reader" && t.type === "consumer.reset-offset").map((t) => t.data);
    expect(resets.at(-1)).toMatchObject({ offset: 1000, policy: "earliest" });
  });

  it("DeleteRecords above the high watermark is OFFSET_OUT_OF_RANGE and moves nothing", () => {
    const { r, of } = run(scenario({ faults: "  - at: 10s\n    deleteRecords: { partition: orders-0, offset: 1000000 }" }));
    expect(of("admin.delete-records").map((t) => t.data!.error)).toEqual(["OFFSET_OUT_OF_RANGE"]);
    expect(r.logs.every((l) => l.logStartOffset === 0)).toBe(true);
  });

  it("a follower whose log end the leader's log start passed truncates fully and restarts at it", () => {
    const { r, of } = run(
      scenario({
        duration: "30s",
        brokerConfig: FAST,
        topicConfig: "segment.bytes: 4096, retention.bytes: 16384",
        faults: "  - at: 5s\n    crash: broker-3\n    for: 15s",
      }),
    );
    expect(r.ok).toBe(true);
    const full = of("partition.truncate-fully");
    expect(full.map((t) => t.actor)).toEqual(["broker-3"]);
    expect(full[0].data!.to as number).toBeGreaterThan(full[0].data!.from as number);
  });
});

describe("deleteRecords in a scenario file", () => {
  const bad = (faults: string) => () => parseScenario(scenario({ faults }), "t.yaml");

  it("names an unknown partition at its path", () => {
    expect(bad("  - at: 10s\n    deleteRecords: { partition: orders-1, offset: 10 }")).toThrow(ScenarioError);
    expect(bad("  - at: 10s\n    deleteRecords: { partition: orders-1, offset: 10 }")).toThrow(/faults\[0\]\.deleteRecords\.partition: "orders-1" is not a partition of the cluster \(partitions: orders-0\)/);
    expect(bad("  - at: 10s\n    deleteRecords: { partition: nope, offset: 10 }")).toThrow(/faults\[0\]\.deleteRecords\.partition/);
  });

  it("refuses a bad offset, a duration and a second verb", () => {
    expect(bad("  - at: 10s\n    deleteRecords: { partition: orders-0, offset: -2 }")).toThrow(/faults\[0\]\.deleteRecords\.offset: must be a whole number ≥ 0 \(or -1: the high watermark\)/);
    expect(bad("  - at: 10s\n    deleteRecords: { partition: orders-0, offset: 1.5 }")).toThrow(/faults\[0\]\.deleteRecords\.offset/);
    expect(bad("  - at: 10s\n    for: 1s\n    deleteRecords: { partition: orders-0, offset: 1 }")).toThrow(/faults\[0\]\.for: does not apply to deleteRecords/);
    expect(bad("  - at: 10s\n    crash: broker-1\n    deleteRecords: { partition: orders-0, offset: 1 }")).toThrow(/faults\[0\]: needs exactly one of/);
  });

  it("accepts a good one, and -1 (the high watermark)", () => {
    const s = parseScenario(scenario({ faults: "  - at: 10s\n    deleteRecords: { partition: orders-0, offset: -1 }" }), "t.yaml");
    expect(s.adminOps).toEqual([{ atMs: 10000, op: "deleteRecords", topic: "orders", partition: 0, offset: -1 }]);
    expect(s.faults).toEqual([]);
  });

  it("refuses retention configs Kafka refuses", () => {
    expect(() => parseScenario(scenario({ topicConfig: "retention.ms: -2" }), "t.yaml")).toThrow(/retention\.ms/);
    expect(() => parseScenario(scenario({ topicConfig: "segment.bytes: 10" }), "t.yaml")).toThrow(/segment\.bytes/);
    // Kafka 4.0 (KIP-1030): the broker's log.segment.bytes is at least 1 MiB; the topic's segment.bytes may be smaller.
    expect(() => parseScenario(scenario({ brokerConfig: "log.segment.bytes: 16384" }), "t.yaml")).toThrow(/cluster\.config\.log\.segment\.bytes: must be an integer in \[1048576,\.\.\.\] \(got 16384\)/);
    expect(() => parseScenario(scenario({ brokerConfig: "log.segment.bytes: 1048576", topicConfig: "segment.bytes: 16384" }), "t.yaml")).not.toThrow();
  });
});

import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/load.js";
import { runTraced } from "../support/tracedRun.js";

/** A 3-broker cluster with one partition of `kv`, a keyed acks=all producer; configs and the workload vary. */
function scenario(opts: { topicConfig?: string; brokerConfig?: string; workload?: string; duration?: string; expect?: string }): string {
  return `name: t
description: compaction test
duration: ${opts.duration ?? "20s"}
cluster:
  brokers: 3
  config: { log.cleaner.backoff.ms: 1000${opts.brokerConfig ? `, ${opts.brokerConfig}` : ""} }
  topics:
    - { name: kv, partitions: 1, replicationFactor: 3, config: { min.insync.replicas: 2, segment.bytes: 4096${opts.topicConfig ? `, ${opts.topicConfig}` : ""} } }
clients:
  - id: app
    kind: producer
    config: { acks: all }
    workload: ${opts.workload ?? "{ topic: kv, rate: 100, valueSize: 20, keys: { distribution: uniform, count: 10 } }"}
expect: ${opts.expect ?? "[noLostAcknowledgedWrites, noCompactedKeyLost, noLogDivergence]"}
`;
}

const run = runTraced;

describe("compaction in a run", () => {
  it("with cleanup.policy=delete (Kafka's default) the cleaner never runs", () => {
    const { r, of } = run(scenario({}));
    expect(r.ok).toBe(true);
    expect(of("log.clean")).toEqual([]);
  });

  it("a compacted topic is cleaned on every replica, each by its own broker, below its HW; offsets become sparse", () => {
    const { r, of } = run(scenario({ topicConfig: "cleanup.policy: compact" }));
    expect(r.ok).toBe(true);
    const cleans = of("log.clean");
    expect(new Set(cleans.map((c) => c.actor))).toEqual(new Set(["broker-1", "broker-2", "broker-3"]));
    for (const c of cleans) expect((c.data as { endOffset: number }).endOffset).toBeLessThanOrEqual((c.data as { highWatermark: number }).highWatermark);
    const leader = r.logs.find((l) => l.leader)!;
    expect(leader.records.length).toBeLessThan(leader.logEndOffset / 2);
    // 10 keys: below the cleaned range, at most one record per key.
    const endOffset = Math.max(...cleans.filter((c) => c.actor === leader.broker).map((c) => (c.data as { endOffset: number }).endOffset));
    const cleanedKeys = leader.records.filter((x) => x.offset < endOffset).map((x) => x.key);
    expect(new Set(cleanedKeys).size).toBe(cleanedKeys.length);
  });

  it("log.cleaner.enable=false: a compacted topic is not cleaned", () => {
    const { of } = run(scenario({ topicConfig: "cleanup.policy: compact", brokerConfig: "log.cleaner.enable: false" }));
    expect(of("log.clean")).toEqual([]);
  });

  it("min.cleanable.dirty.ratio and max.compaction.lag.ms decide when a log is worth cleaning", () => {
    const lazy = run(scenario({ topicConfig: "cleanup.policy: compact, min.cleanable.dirty.ratio: 1" })).of("log.clean");
    expect(lazy).toEqual([]);
    const forced = run(scenario({ topicConfig: "cleanup.policy: compact, min.cleanable.dirty.ratio: 1, max.compaction.lag.ms: 2000" })).of("log.clean");
    expect(forced.length).toBeGreaterThan(0);
  });

  it("min.compaction.lag.ms keeps young segments out of the cleaning", () => {
    const lagged = run(scenario({ topicConfig: "cleanup.policy: compact, min.compaction.lag.ms: 100000" })).of("log.clean");
    expect(lagged).toEqual([]);
  });

  it("a record without a key is refused on a compacted topic (LogValidator: INVALID_RECORD)", () => {
    const { r, of } = run(scenario({ topicConfig: "cleanup.policy: compact", workload: "{ topic: kv, rate: 10, keys: { distribution: none } }", expect: "[]" }));
    expect(of("partition.reject-produce").map((t) => (t.data as { error: string }).error)).toContain("INVALID_RECORD");
    const sends = [...r.history.completed("send")];
    expect(sends.length).toBeGreaterThan(100);
    expect(sends.every((s) => s.done.type === "fail" && s.done.error === "INVALID_RECORD")).toBe(true);
    expect(r.logs.every((l) => l.logEndOffset === 0)).toBe(true);
  });

  it("compact only: retention.ms does not apply; compact,delete: both apply", () => {
    // 1000 keys: cleaning keeps most records, so old segments stay old. (With few keys every cleaned group holds a
    // recent record, and retention.ms, which reads a segment's newest timestamp, finds nothing to delete: as in Kafka.)
    const retention = "retention.ms: 3000";
    const broker = "log.retention.check.interval.ms: 1000, log.initial.task.delay.ms: 1000";
    const workload = "{ topic: kv, rate: 100, valueSize: 20, keys: { distribution: uniform, count: 1000 } }";
    expect(run(scenario({ topicConfig: `cleanup.policy: compact, ${retention}`, brokerConfig: broker, workload })).of("log.delete-segments")).toEqual([]);
    const both = run(scenario({ topicConfig: `cleanup.policy: "compact,delete", ${retention}`, brokerConfig: broker, workload }));
    expect(both.of("log.delete-segments").length).toBeGreaterThan(0);
    expect(both.of("log.clean").length).toBeGreaterThan(0);
    expect(both.r.ok).toBe(true);
  });

  it("tombstones are sent with a null value and the deleted keys vanish once delete.retention.ms has passed", () => {
    const { r, of } = run(scenario({ topicConfig: "cleanup.policy: compact, delete.retention.ms: 1000, min.cleanable.dirty.ratio: 0.1", workload: "{ topic: kv, rate: 100, valueSize: 20, keys: { distribution: fixed, count: 500 }, tombstoneRatio: 0.5 }" }));
    expect(r.ok).toBe(true);
    expect(of("log.clean").some((c) => (c.data as { tombstonesRemoved: number }).tombstonesRemoved > 0)).toBe(true);
  });

  it("once writes stop, expired tombstones in the cleaned part stay: nothing dirty, so the log is never picked again (as Kafka)", () => {
    // Kafka's LogCleanerManager.grabFilthiestCompactedLog picks a log only for its dirty ratio or a dirty segment past
    // max.compaction.lag.ms; KIP-534 moved the delete horizon into the batch, it did not make a log whose only work is
    // expired tombstones cleanable. So after the last write the tombstones the last cleaning kept outlive their horizon.
    const { r, of } = run(
      scenario({
        duration: "30s",
        topicConfig: "cleanup.policy: compact, delete.retention.ms: 1000, min.cleanable.dirty.ratio: 0.1",
        workload: "{ topic: kv, rate: 100, records: 600, valueSize: 20, keys: { distribution: fixed, count: 100 }, tombstoneRatio: 0.5 }",
      }),
    );
    expect(r.ok).toBe(true);
    const cleans = of("log.clean");
    expect(cleans.length).toBeGreaterThan(0);
    // The writes end at ~6s; the last cleaning follows within a back-off or two, then none for over 20s.
    expect(Math.max(...cleans.map((c) => c.t))).toBeLessThan(10_000_000);
    const leader = r.logs.find((l) => l.leader)!;
    const cleanedTo = Math.max(...cleans.filter((c) => c.actor === leader.broker).map((c) => (c.data as { endOffset: number }).endOffset));
    // Tombstones below the cleaned offset were stamped by a cleaning before 10s: their horizon (+1s) is long past at 30s.
    expect(leader.records.filter((x) => x.tombstone && x.offset < cleanedTo).length).toBeGreaterThan(0);
  });

  it("refuses what Kafka refuses: an unknown policy, a ratio outside [0, 1], tombstones without keys (exit 2 at the path)", () => {
    expect(() => parseScenario(scenario({ topicConfig: "cleanup.policy: compacted" }), "t.yaml")).toThrow(/topics\[0\]\.config\.cleanup\.policy: must be a list of "compact", "delete"/);
    expect(() => parseScenario(scenario({ topicConfig: "min.cleanable.dirty.ratio: 1.5" }), "t.yaml")).toThrow(/min\.cleanable\.dirty\.ratio: must be a number in \[0, 1\]/);
    expect(() => parseScenario(scenario({ brokerConfig: "log.cleanup.policy: nope" }), "t.yaml")).toThrow(/cluster\.config\.log\.cleanup\.policy/);
    expect(() => parseScenario(scenario({ workload: "{ topic: kv, keys: { distribution: none }, tombstoneRatio: 0.1 }" }), "t.yaml")).toThrow(/clients\[0\]\.workload\.tombstoneRatio: a tombstone deletes a key/);
    expect(() => parseScenario(scenario({ workload: "{ topic: kv, tombstoneRatio: 2 }" }), "t.yaml")).toThrow(/clients\[0\]\.workload\.tombstoneRatio/);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import type { BrokerActor } from "../../src/kafka/broker/broker.js";
import type { ControllerActor } from "../../src/kafka/controller/controller.js";
import { RaftLog } from "../../src/kafka/controller/raftLog.js";
import { MetadataImage } from "../../src/kafka/metadata/metadataImage.js";
import { makeSnapshot, SnapshotGenerator } from "../../src/kafka/metadata/metadataSnapshot.js";
import type { MetadataRecord } from "../../src/kafka/metadata/records.js";
import { runScenario } from "../../src/runner/run.js";
import { ScenarioError } from "../../src/scenario/errors.js";
import { parseScenario } from "../../src/scenario/load.js";
import type { TraceRecord } from "../../src/sim/index.js";

describe("SnapshotGenerator: when a metadata snapshot is due", () => {
  it("bytes: not below metadata.log.max.record.bytes.between.snapshots, at once when reached, and counting restarts after", () => {
    const g = new SnapshotGenerator({ maxBytesBetweenSnapshots: 1000, maxIntervalMs: 3_600_000 }, 0);
    expect(g.publishLogDelta(600, 10)).toBeNull();
    expect(g.publishLogDelta(399, 20)).toBeNull();
    expect(g.publishLogDelta(1, 30)).toBe("replayed at least 1000 bytes");
    g.reset(30);
    expect(g.publishLogDelta(999, 40)).toBeNull();
  });

  it("time: only once metadata.log.max.snapshot.interval.ms has passed and records arrive; 0 turns it off", () => {
    const g = new SnapshotGenerator({ maxBytesBetweenSnapshots: 20 * 1024 * 1024, maxIntervalMs: 10_000 }, 5_000);
    expect(g.publishLogDelta(50, 14_999)).toBeNull();
    expect(g.publishLogDelta(50, 15_000)).toBe("waited at least 10000 ms");
    g.reset(15_000);
    expect(g.publishLogDelta(50, 24_000)).toBeNull();
    const off = new SnapshotGenerator({ maxBytesBetweenSnapshots: 20 * 1024 * 1024, maxIntervalMs: 0 }, 0);
    expect(off.publishLogDelta(50, 1e12)).toBeNull();
  });
});

/** A log of `n` entries in epoch 1 (RegisterBroker records), with snapshots at the given end offsets. */
function logWith(n: number, snapshotsAt: number[] = [], nowMs = 0): RaftLog {
  const log = new RaftLog();
  const records: MetadataRecord[] = Array.from({ length: n }, (_, i) => ({ type: "RegisterBroker", broker: `b${i}`, brokerEpoch: i, incarnation: 1, logDirs: [] }));
  log.append(records.map((record) => ({ epoch: 1, record })));
  for (const end of snapshotsAt) {
    const image = new MetadataImage();
    for (let o = 0; o < end; o++) image.apply(records[o], o);
    log.addSnapshot(makeSnapshot(image, { endOffset: end, epoch: 1 }, nowMs));
  }
  return log;
}

describe("RaftLog: the metadata log's start offset and snapshots (KafkaMetadataLog)", () => {
  it("maybeClean moves the log start to the next snapshot while the log and its snapshots exceed metadata.max.retention.bytes", () => {
    const log = logWith(10, [5, 8]);
    expect(log.maybeClean(0, { retentionBytes: 1, retentionMs: -1 })).toBe(true);
    expect(log.startOffset).toBe(8);
    expect(log.entries.length).toBe(2);
    expect(log.endOffset).toBe(10);
    expect(log.snapshots.map((s) => s.id.endOffset)).toEqual([8]);
    expect(log.entryAt(9).record).toMatchObject({ broker: "b9" });
  });

  it("maybeClean keeps everything with one snapshot, within the limits, or with no limit (-1)", () => {
    const one = logWith(10, [5]);
    expect(one.maybeClean(0, { retentionBytes: 1, retentionMs: 0 })).toBe(false);
    const within = logWith(10, [5, 8]);
    expect(within.maybeClean(1000, { retentionBytes: 1e9, retentionMs: 10_000 })).toBe(false);
    const noLimit = logWith(10, [5, 8]);
    expect(noLimit.maybeClean(1e9, { retentionBytes: -1, retentionMs: -1 })).toBe(false);
    for (const l of [one, within, noLimit]) expect(l.startOffset).toBe(0);
  });

  it("maybeClean by metadata.max.retention.ms deletes a snapshot older than it", () => {
    const log = logWith(10, [5, 8], 1_000);
    expect(log.maybeClean(11_000, { retentionBytes: -1, retentionMs: 10_000 })).toBe(false);
    expect(log.maybeClean(11_001, { retentionBytes: -1, retentionMs: 10_000 })).toBe(true);
    expect(log.startOffset).toBe(8);
  });

  it("validateOffsetAndEpoch: below the log start (or at it in another epoch) is the latest snapshot; above it the usual checks", () => {
    const log = logWith(10, [5, 8]);
    log.maybeClean(0, { retentionBytes: 1, retentionMs: -1 });
    expect(log.validateOffsetAndEpoch(3, 1)).toEqual({ kind: "snapshot", snapshotId: { endOffset: 8, epoch: 1 } });
    expect(log.validateOffsetAndEpoch(8, 0)).toEqual({ kind: "snapshot", snapshotId: { endOffset: 8, epoch: 1 } });
    expect(log.validateOffsetAndEpoch(8, 1)).toEqual({ kind: "valid" });
    expect(log.validateOffsetAndEpoch(10, 1)).toEqual({ kind: "valid" });
    expect(log.validateOffsetAndEpoch(12, 1)).toEqual({ kind: "diverging", epoch: 1, endOffset: 10 });
    // Without snapshots, nothing changes: offset 0 is always valid.
    expect(logWith(10).validateOffsetAndEpoch(0, 0)).toEqual({ kind: "valid" });
  });

  it("truncateToLatestSnapshot empties a log the fetched snapshot is ahead of; not one that is ahead of it", () => {
    const behind = logWith(3);
    behind.addSnapshot(makeSnapshot(new MetadataImage(), { endOffset: 7, epoch: 1 }, 0));
    expect(behind.truncateToLatestSnapshot()).toBe(true);
    expect([behind.startOffset, behind.endOffset, behind.lastEpoch()]).toEqual([7, 7, 1]);
    const ahead = logWith(10, [5]);
    expect(ahead.truncateToLatestSnapshot()).toBe(false);
    expect(ahead.startOffset).toBe(0);
  });
});

/**
 * Seven nodes; broker-4 never restarts (it replays the whole log). Brokers bounce one after another (each bounce is a
 * fence, ISR shrinks and expands: metadata records). The controllers clean their log every 60s: broker-1 is down from
 * 40s to 130s and controller-3 from 5s to 135s, across the cleans at about 60s and 120s.
 */
function scenario(config: string): string {
  return `name: t
description: metadata snapshots
duration: 160s
cluster:
  brokers: 4
  controllers: 3
  config: { ${config} }
  topics:
    - { name: orders, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: 2 } }
clients:
  - id: app
    kind: producer
    config: { acks: all }
    workload: { topic: orders, rate: 50 }
faults:
  - { at: 5s, crash: controller-3, for: 130s }
  - { at: 10s, crash: broker-2, for: 10s }
  - { at: 25s, crash: broker-3, for: 10s }
  - { at: 40s, crash: broker-1, for: 90s }
  - { at: 105s, crash: broker-2, for: 10s }
expect: [noLostAcknowledgedWrites, noLogDivergence]
`;
}

function run(text: string) {
  const trace: TraceRecord[] = [];
  const r = runScenario(parseScenario(text, "t.yaml"), { seed: 1, observe: (rec) => trace.push(rec) });
  return { r, trace, of: (type: string, actor?: string) => trace.filter((t) => t.type === type && (actor === undefined || t.actor === actor)) };
}

/** An image as comparable text: its records (MetadataImage.write) and its offset. */
const imageText = (i: MetadataImage) => JSON.stringify({ offset: i.offset, records: i.records() });

describe("KRaft metadata snapshots in a run", () => {
  let small: ReturnType<typeof run>;
  beforeAll(() => {
    small = run(scenario("metadata.log.max.record.bytes.between.snapshots: 1000, metadata.max.retention.bytes: 1"));
  });

  it("with a small metadata.log.max.record.bytes.between.snapshots, controllers and brokers take snapshots of committed metadata", () => {
    expect(small.r.ok).toBe(true);
    const taken = small.of("metadata.snapshot");
    expect(new Set(taken.map((t) => t.actor))).toEqual(new Set(["controller-1", "controller-2", "controller-3", "broker-1", "broker-2", "broker-3", "broker-4"]));
    for (const t of taken) expect(t.data!.reason).toBe("replayed at least 1000 bytes");
  });

  it("the controllers' log start moves up to a snapshot (metadata.max.retention.bytes), and their logs agree from there", () => {
    expect(small.of("raft.log-start").length).toBeGreaterThan(0);
    const controllers = ["controller-1", "controller-2", "controller-3"].map((c) => small.r.world.sim.actorOf<ControllerActor>(c)!.inspect());
    for (const c of controllers) {
      expect(c.logStartOffset).toBeGreaterThan(0);
      expect(c.snapshots.at(-1)!.endOffset).toBeGreaterThanOrEqual(c.logStartOffset);
    }
    const hw = Math.min(...controllers.map((c) => c.highWatermark));
    const start = Math.max(...controllers.map((c) => c.logStartOffset));
    for (let o = start; o < hw; o++) {
      const [a, ...rest] = controllers.map((c) => JSON.stringify(c.log[o - c.logStartOffset]));
      for (const b of rest) expect(b).toBe(a);
    }
  });

  it("a controller that was down past the leader's log start gets FetchSnapshot, loads it and catches up", () => {
    expect(small.of("raft.fetch-snapshot", "controller-3").length).toBe(1);
    // Its own snapshot (taken before it went down) from its disk, then the leader's.
    expect(small.of("metadata.snapshot-load", "controller-3").map((t) => t.data!.from)).toEqual(["disk", "leader"]);
    const leader = ["controller-1", "controller-2", "controller-3"].map((c) => small.r.world.sim.actorOf<ControllerActor>(c)!.inspect()).find((c) => c.isActive)!;
    const c3 = small.r.world.sim.actorOf<ControllerActor>("controller-3")!.inspect();
    expect(c3.highWatermark).toBe(leader.highWatermark);
    expect(imageText(c3.image())).toBe(imageText(leader.image()));
  });

  it("a restarted broker loads its local snapshot, then the log after it (or the leader's snapshot when below its log start)", () => {
    // broker-3 restarts (35s) before any log start moved: its own snapshot, then the log after it.
    expect(small.of("metadata.snapshot-load", "broker-3").map((t) => t.data!.from)).toEqual(["disk"]);
    expect(small.of("raft.fetch-snapshot", "broker-3")).toEqual([]);
    // broker-1 restarts (130s) with an old snapshot below the leader's log start: FetchSnapshot.
    expect(small.of("metadata.snapshot-load", "broker-1").map((t) => t.data!.from)).toEqual(["disk", "leader"]);
    expect(small.of("raft.fetch-snapshot", "broker-1").length).toBe(1);
  });

  it("every broker ends with the same metadata image as broker-4, which replayed the whole log, and as the active controller", () => {
    const image = (b: string) => imageText(small.r.world.sim.actorOf<BrokerActor>(b)!.inspectMetadata());
    expect(small.of("metadata.snapshot-load", "broker-4")).toEqual([]);
    for (const b of ["broker-1", "broker-2", "broker-3"]) expect(image(b)).toBe(image("broker-4"));
    const leader = ["controller-1", "controller-2", "controller-3"].map((c) => small.r.world.sim.actorOf<ControllerActor>(c)!.inspect()).find((c) => c.isActive)!;
    expect(image("broker-4")).toBe(imageText(leader.image()));
  });

  it("with Kafka's defaults (20 MiB, 1 hour) the same run takes no snapshot and the log start never moves", () => {
    const d = run(scenario(""));
    expect(d.r.ok).toBe(true);
    for (const type of ["metadata.snapshot", "metadata.snapshot-load", "raft.fetch-snapshot", "raft.log-start"]) expect(d.of(type)).toEqual([]);
    for (const c of ["controller-1", "controller-2", "controller-3"]) expect(d.r.world.sim.actorOf<ControllerActor>(c)!.inspect().logStartOffset).toBe(0);
  });
});

describe("snapshot configs are checked", () => {
  const bad = (config: string) => () => parseScenario(scenario(config), "t.yaml");
  it("refuses impossible values at their path", () => {
    expect(bad("metadata.log.max.record.bytes.between.snapshots: 0")).toThrow(ScenarioError);
    expect(bad("metadata.log.max.record.bytes.between.snapshots: 0")).toThrow(/cluster\.config\.metadata\.log\.max\.record\.bytes\.between\.snapshots/);
    expect(bad("metadata.log.max.snapshot.interval.ms: -1")).toThrow(/cluster\.config\.metadata\.log\.max\.snapshot\.interval\.ms/);
    expect(bad("metadata.max.retention.bytes: -2")).toThrow(/cluster\.config\.metadata\.max\.retention\.bytes/);
    expect(bad("metadata.max.retention.ms: many")).toThrow(/cluster\.config\.metadata\.max\.retention\.ms/);
  });
});

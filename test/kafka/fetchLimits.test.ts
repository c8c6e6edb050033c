import { describe, expect, it } from "vitest";
import type { RecordBatch } from "../../src/kafka/log/recordBatch.js";
import type { ConsumerFetchResponsePartition } from "../../src/kafka/protocol/messages.js";
import { runTraced } from "../support/tracedRun.js";

/**
 * The fetch limits as whole runs show them (ReplicaManager.readFromLog, KIP-74): what each Fetch response to a
 * consumer or a follower carried, seen on the wire (the network's message observer, which leaves the digest alone).
 */

interface SeenResponse {
  atUs: number;
  from: string;
  to: string;
  parts: { key: string; batches: RecordBatch[]; partialBytes: number; bytes: number }[];
  /** Bytes of records in all: whole batches and the head of a cut one. */
  bytes: number;
}

/** Runs `yaml`, keeping every FetchResponse delivered to `to` that carried records. */
function run(yaml: string, to: string) {
  const seen: SeenResponse[] = [];
  const traced = runTraced(yaml, (world) => {
    world.sim.messageObserver = (event, from, dest, msg) => {
      const m = msg as { type?: string; partitions?: ConsumerFetchResponsePartition[] };
      if (event !== "deliver" || dest !== to || m.type !== "FetchResponse" || !Array.isArray(m.partitions)) return;
      const parts = m.partitions.map((p) => {
        const partialBytes = p.partialBytes ?? 0;
        return { key: `${p.topic}-${p.partition}`, batches: p.batches, partialBytes, bytes: p.batches.reduce((n, b) => n + b.sizeBytes, 0) + partialBytes };
      });
      const bytes = parts.reduce((n, p) => n + p.bytes, 0);
      if (bytes > 0) seen.push({ atUs: world.sim.nowUs, from, to: dest, parts, bytes });
    };
  });
  return { ...traced, seen };
}

/** The offsets of the records in the whole batches of `responses` for partition `key`, sorted, without repeats. */
function offsetsRead(responses: SeenResponse[], key: string): number[] {
  const out = new Set<number>();
  for (const r of responses) for (const p of r.parts) if (p.key === key) for (const b of p.batches) for (let i = 0; i < b.records.length; i++) out.add(b.baseOffset + i);
  return [...out].sort((a, b) => a - b);
}

/** A producer writes 400 records of 1000 bytes (16 KiB batches of 16 records) to `partitions` partitions by 2s; the consumer starts at 4s. */
function consumerScenario(partitions: number, consumerConfig: string): string {
  return `
name: fetch-limits
description: fetch limits
seed: 1
duration: 8s
cluster:
  brokers: 1
  topics: [{ name: t, partitions: ${partitions}, replicationFactor: 1 }]
clients:
  - id: p
    kind: producer
    config: { linger.ms: 50, acks: 1 }
    workload: { topic: t, rate: 200, valueSize: 1000, records: 400, keys: { distribution: fixed, count: ${partitions * 4} } }
  - id: c
    kind: consumer
    start: 4s
    config: { auto.offset.reset: earliest${consumerConfig} }
    workload: { assign: { topic: t } }
`;
}

describe("max.partition.fetch.bytes (ConsumerConfig; ReplicaManager.readFromLog, LogSegment.read)", () => {
  it("a small limit takes more fetches for the same data, and a batch larger than the limit is still read (KIP-74)", () => {
    const wide = run(consumerScenario(1, ""), "c");
    const narrow = run(consumerScenario(1, ", max.partition.fetch.bytes: 2000"), "c");
    const all = Array.from({ length: 400 }, (_, i) => i);
    expect(offsetsRead(wide.seen, "t-0")).toEqual(all);
    expect(offsetsRead(narrow.seen, "t-0")).toEqual(all);
    // The default (1 MiB) takes the ~400 KB waiting at 4s in one fetch: all 400 records (how many batches hold them
    // depends on when the producer could first connect).
    expect(offsetsRead(wide.seen.slice(0, 1), "t-0")).toEqual(all);
    // Every batch is larger than 2000 bytes, so each fetch returns one whole batch, no partial tail.
    const sizes = narrow.seen.flatMap((r) => r.parts[0].batches.map((b) => b.sizeBytes));
    expect(Math.min(...sizes)).toBeGreaterThan(2000);
    expect(narrow.seen.every((r) => r.parts[0].batches.length === 1 && r.parts[0].partialBytes === 0)).toBe(true);
    expect(narrow.seen.length).toBeGreaterThan(wide.seen.length * 10);
    expect(narrow.r.invariantViolations).toEqual([]);
  });

  it("a limit inside a batch returns the batches before it and the head of that batch, which the consumer drops", () => {
    // 16 KiB batches (batch.size), 40000 bytes a partition: two whole batches and ~7.5 KB of the third on the wire.
    const mid = run(consumerScenario(1, ", max.partition.fetch.bytes: 40000"), "c");
    const first = mid.seen[0].parts[0];
    expect(first.batches.length).toBe(2);
    expect(first.partialBytes).toBeGreaterThan(0);
    expect(first.bytes).toBe(40000);
    expect(offsetsRead(mid.seen, "t-0")).toEqual(Array.from({ length: 400 }, (_, i) => i));
  });
});

describe("fetch.max.bytes (ConsumerConfig): the response's total", () => {
  it("caps what one response carries over all its partitions; partitions take turns, none starves", () => {
    const capped = run(consumerScenario(4, ", fetch.max.bytes: 40000"), "c");
    const free = run(consumerScenario(4, ""), "c");
    // By default one response carries three partitions' ~100 KB waiting (the fourth was fetched on its own first).
    expect(Math.max(...free.seen.map((r) => r.parts.filter((p) => p.bytes > 0).length))).toBeGreaterThanOrEqual(3);
    expect(Math.max(...free.seen.map((r) => r.bytes))).toBeGreaterThan(200_000);
    // Capped: no response carries more than 40000 bytes of records (each batch is 16 KiB, under the cap)...
    expect(Math.max(...capped.seen.map((r) => r.bytes))).toBeLessThanOrEqual(40000);
    expect(capped.seen.length).toBeGreaterThan(10);
    // ...and every partition is read to its end.
    for (let p = 0; p < 4; p++) {
      const read = offsetsRead(capped.seen, `t-${p}`);
      expect(read.length).toBe(offsetsRead(free.seen, `t-${p}`).length);
      expect(read.length).toBeGreaterThan(0);
    }
    expect(capped.r.invariantViolations).toEqual([]);
  });
});

/**
 * broker-3 follows t-0 (leader broker-1); it is down from 5s to 11s while a producer writes ~1 MB a second until 8s,
 * leaves the ISR after replica.lag.time.max.ms, and after its restart catches up ~3 MB.
 */
function followerScenario(brokerConfig: string): string {
  return `
name: follower-catch-up
description: follower catch-up
seed: 1
duration: 16s
cluster:
  brokers: 3
  config: { replica.lag.time.max.ms: 3000${brokerConfig} }
  topics: [{ name: t, partitions: 1, replicationFactor: 3 }]
clients:
  - id: p
    kind: producer
    start: 3s
    config: { acks: 1, linger.ms: 20 }
    workload: { topic: t, rate: 1000, valueSize: 1000, records: 5000 }
faults:
  - at: 5s
    crash: broker-3
    for: 6s
`;
}

describe("replica.fetch.max.bytes (ReplicationConfigs): a lagging follower's catch-up", () => {
  it("a small limit takes more fetches to catch up, so the follower rejoins the ISR later", () => {
    const measure = (cfg: string) => {
      const r = run(followerScenario(cfg), "broker-3");
      expect(r.of("partition.isr-shrink").some((e) => (e.data as { outOfSync?: string[] }).outOfSync?.includes("broker-3"))).toBe(true);
      const expand = r.of("partition.isr-expand").find((e) => (e.data as { replica?: string }).replica === "broker-3" && e.t > 11_000_000);
      expect(expand).toBeDefined();
      const fetches = r.seen.filter((s) => s.from === "broker-1" && s.atUs > 11_000_000 && s.atUs <= expand!.t);
      return { atUs: expand!.t, fetches: fetches.length, maxBytes: Math.max(...fetches.map((f) => f.bytes)), r: r.r };
    };
    const wide = measure("");
    const narrow = measure(", replica.fetch.max.bytes: 65536");
    // Default 1 MiB: the ~3 MB behind come in 3 fetches (the last partly full); 64 KiB: about fifty.
    expect(wide.fetches).toBeLessThan(6);
    expect(narrow.fetches).toBeGreaterThan(wide.fetches * 5);
    expect(narrow.maxBytes).toBeLessThanOrEqual(65536);
    expect(wide.maxBytes).toBeGreaterThan(65536);
    expect(narrow.atUs).toBeGreaterThan(wide.atUs);
    expect(narrow.r.invariantViolations).toEqual([]);
  });
});

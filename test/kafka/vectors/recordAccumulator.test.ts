import { describe, expect, it } from "vitest";
import { retryBackoffMs } from "../../../src/kafka/client/producer/backoff.js";
import type { ProducerBatch } from "../../../src/kafka/client/producer/producerBatch.js";
import { RecordAccumulator } from "../../../src/kafka/client/producer/recordAccumulator.js";
import { RECORD_BATCH_OVERHEAD_BYTES, recordSizeInBytes } from "../../../src/kafka/log/recordSize.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/producer/internals/RecordAccumulatorTest.java.
// kafkasim splits Kafka's RecordAccumulator.ready between the sender (which leaders have a queued batch) and the
// accumulator (`sendableAtMs` / `nextSendableAtMs`: when a partition's first batch may go: at once when full or
// queued behind, after linger.ms, or after its retry back-off), so `ready(now)` here is "nextSendableAtMs(the node's
// partitions) <= now" and nextReadyCheckDelayMs is the difference. `drain` is drainBatchesForOneNode per node over
// the partitions it leads (Cluster.partitionsForNode; kafkasim's sender passes only those with queued batches, a
// documented simplification), a muted partition being one with a batch in flight under
// max.in.flight.requests.per.connection=1 (Kafka's mutePartition). The retry back-off is drawn by the sender when it
// re-enqueues a batch (`retryBackoffMs`, ±20% jitter from a seeded stream), where Kafka redraws it at each check.
// Not ported, with why:
// - testAppendLarge*, testSplit*, testStressfulSituation, testFlush, testAwaitFlushComplete, testAbort*,
//   testIdempotenceWithOldMagic, testRecordsDrainedWhenTransactionCompleting: record contents, flush()/abort
//   threads, or split internals (kafka/recordSizeLimits.test.ts and kafka/compression.test.ts cover splitting).
// - testStickyBatches, testUniformBuiltInPartitioner, testAdaptiveBuiltInPartitioner,
//   testBuiltInPartitionerFractionalBatches: the partitioner (vectors/builtInPartitioner.test.ts).
// - testExpiredBatch*, testSoonToExpireBatchesArePickedUpForExpiry: delivery.timeout.ms expiry is the sender's
//   (Sender.expireBatches over the queues and the in-flight batches) and is covered by kafka/accumulator.test.ts.
// - testReadyAndDrainWhenABatchIsBeingRetried, testExponentialRetryBackoffLeaderChange: KIP-951's "skip the back-off
//   when the leader changed" needs the client to track leader epochs, which kafkasim's producer metadata does not.

const TOPIC = "test";
const KEY = "key";
const VALUE = "value";
const RECORD = { key: KEY, value: VALUE };
/** DefaultRecord.sizeInBytes(0, 0, key, value, no headers). */
const MSG_SIZE = recordSizeInBytes(0, 0, KEY.length, VALUE.length);
const tp = (partition: number) => `${TOPIC}-${partition}`;

/** RecordAccumulatorTest.expectedNumAppends: how many records fit in `batchSize` bytes of records. */
function expectedNumAppends(batchSize: number): number {
  let size = 0;
  for (let offsetDelta = 0; ; offsetDelta++) {
    const recordSize = recordSizeInBytes(offsetDelta, 0, KEY.length, VALUE.length);
    if (size + recordSize > batchSize) return offsetDelta;
    size += recordSize;
  }
}

/** An accumulator and its cluster: which node leads which partitions (in metadata order), and the muted partitions. */
function setup(batchSize: number, totalSize: number, lingerMs: number, leaders: Record<string, number[]> = { node1: [0, 1], node2: [2] }) {
  const accum = new RecordAccumulator(batchSize, lingerMs, totalSize);
  const muted = new Set<string>();
  const inFlight = { has: (key: string, belowSequence?: number) => belowSequence === undefined && muted.has(key) };
  const partsOf = (node: string) => (leaders[node] ?? []).map(tp);
  return {
    accum,
    muted,
    append: (partition: number, nowMs: number) => accum.append(TOPIC, partition, RECORD, () => {}, nowMs),
    /** RecordAccumulator.ready: the nodes with a sendable batch, and the delay until the next check. */
    ready(nowMs: number) {
      const readyNodes: string[] = [];
      let next = Infinity;
      for (const node of Object.keys(leaders)) {
        const keys = partsOf(node).filter((k) => !muted.has(k) && (accum.queues.get(k)?.length ?? 0) > 0);
        const at = accum.nextSendableAtMs(keys);
        if (at <= nowMs) readyNodes.push(node);
        else next = Math.min(next, at - nowMs);
      }
      return { readyNodes, nextReadyCheckDelayMs: next };
    },
    /** RecordAccumulator.drain: per node, drainBatchesForOneNode over the partitions it leads. */
    drain(nodes: string[], maxSize: number, nowMs: number): Record<string, ProducerBatch[]> {
      const out: Record<string, ProducerBatch[]> = {};
      for (const node of nodes) out[node] = partsOf(node).length === 0 ? [] : accum.drainBatchesForOneNode(node, partsOf(node), nowMs, maxSize, inFlight, true);
      return out;
    },
  };
}

const partitionsIn = (batches: Record<string, ProducerBatch[]>) => Object.values(batches).flatMap((bs) => bs.map((b) => b.key));

describe("RecordAccumulatorTest", () => {
  it("testDrainBatches: each node's drain starts where its last one stopped (nodesDrainIndex), skipping muted partitions", () => {
    const a = setup(VALUE.length + RECORD_BATCH_OVERHEAD_BYTES, 1 << 30, 10, { node1: [0, 1], node2: [2, 3] });
    const batchSize = VALUE.length + RECORD_BATCH_OVERHEAD_BYTES;
    const nodes = ["node1", "node2"];
    for (const p of [0, 1, 2, 3]) a.append(p, 0);
    // max.request.size is full after the first batch: node1 => tp1, node2 => tp3.
    expect(partitionsIn(a.drain(nodes, batchSize, 0))).toEqual([tp(0), tp(2)]);
    a.append(0, 0);
    a.append(2, 0);
    // The drain index starts at the next partition: node1 => tp2, node2 => tp4.
    expect(partitionsIn(a.drain(nodes, batchSize, 0))).toEqual([tp(1), tp(3)]);
    // And wraps round to the beginning.
    expect(partitionsIn(a.drain(nodes, batchSize, 0))).toEqual([tp(0), tp(2)]);
    for (const p of [1, 2, 3]) a.append(p, 0);
    a.muted.add(tp(3));
    expect(partitionsIn(a.drain(nodes, batchSize, 0))).toEqual([tp(1), tp(2)]);
    for (const p of [0, 1, 2]) a.append(p, 0);
    a.muted.delete(tp(3));
    // No size bound: every partition of both nodes, each node from its drain index.
    expect(partitionsIn(a.drain(nodes, Number.MAX_SAFE_INTEGER, 0))).toEqual([tp(0), tp(1), tp(2), tp(3)]);
  });

  it("testFull: no partition is ready until a record does not fit and opens a second batch", () => {
    const batchSize = 1025;
    const a = setup(batchSize + RECORD_BATCH_OVERHEAD_BYTES, 10 * batchSize, 10);
    const appends = expectedNumAppends(batchSize);
    for (let i = 0; i < appends; i++) {
      const r = a.append(0, 0);
      expect(a.accum.queueSize(TOPIC, 0)).toBe(1);
      expect([r.batch.isFull(), r.batchIsFull]).toEqual([false, false]);
      expect(a.ready(0).readyNodes).toEqual([]);
    }
    const r = a.append(0, 0);
    expect([a.accum.queueSize(TOPIC, 0), r.newBatch, r.batchIsFull]).toEqual([2, true, true]);
    expect(a.ready(0).readyNodes).toEqual(["node1"]);
    const batches = a.drain(["node1"], Number.MAX_SAFE_INTEGER, 0).node1;
    expect(batches.map((b) => b.recordCount)).toEqual([appends]);
  });

  it("testLinger: a batch that does not fill is ready after linger.ms", () => {
    const a = setup(1024 + RECORD_BATCH_OVERHEAD_BYTES, 10 * 1024, 10);
    a.append(0, 0);
    expect(a.ready(0).readyNodes).toEqual([]);
    expect(a.ready(10).readyNodes).toEqual(["node1"]);
    const batches = a.drain(["node1"], Number.MAX_SAFE_INTEGER, 10).node1;
    expect(batches.map((b) => b.recordCount)).toEqual([1]);
  });

  it("testPartialDrain: max.request.size lets one partition's batch through", () => {
    const a = setup(1024 + RECORD_BATCH_OVERHEAD_BYTES, 10 * 1024, 10);
    const appends = Math.floor(1024 / MSG_SIZE) + 1;
    for (const p of [0, 1]) for (let i = 0; i < appends; i++) a.append(p, 0);
    expect(a.ready(0).readyNodes).toEqual(["node1"]);
    expect(a.drain(["node1"], 1024, 0).node1).toHaveLength(1);
  });

  it("testNextReadyCheckDelay: the next check is when the earliest lingering batch is due", () => {
    const lingerMs = 10;
    const batchSize = 1025;
    const a = setup(batchSize + RECORD_BATCH_OVERHEAD_BYTES, 10 * batchSize, lingerMs);
    const appends = expectedNumAppends(batchSize);
    for (let i = 0; i < appends; i++) a.append(0, 0);
    expect(a.ready(0)).toEqual({ readyNodes: [], nextReadyCheckDelayMs: lingerMs });
    const now = lingerMs / 2;
    for (let i = 0; i < appends; i++) a.append(2, now);
    expect(a.ready(now)).toEqual({ readyNodes: [], nextReadyCheckDelayMs: lingerMs / 2 });
    for (let i = 0; i < appends + 1; i++) a.append(1, now);
    const result = a.ready(now);
    expect(result.readyNodes).toEqual(["node1"]);
    expect(result.nextReadyCheckDelayMs).toBeLessThanOrEqual(lingerMs);
  });

  it("testRetryBackoff: a re-enqueued batch waits its back-off while another partition's batch goes", () => {
    const lingerMs = Math.floor(0x7fffffff / 16);
    const backoffMs = Math.floor(0x7fffffff / 8);
    const a = setup(1024 + RECORD_BATCH_OVERHEAD_BYTES, 10 * 1024, lingerMs);
    a.append(0, 0);
    let now = lingerMs + 1;
    expect(a.ready(now).readyNodes).toEqual(["node1"]);
    const [batch] = a.drain(["node1"], Number.MAX_SAFE_INTEGER, now).node1;
    // The sender's re-enqueue after a retriable error: one more attempt, due after the back-off (upper bound here).
    batch.attempts = 1;
    batch.retryAtMs = 0 + backoffMs * 1.2;
    a.accum.reenqueue(batch);
    a.append(1, 0);
    expect(a.ready(now).readyNodes).toEqual(["node1"]);
    expect(partitionsIn(a.drain(["node1"], Number.MAX_SAFE_INTEGER, now))).toEqual([tp(1)]);
    now = backoffMs * 1.2 + 1;
    expect(a.ready(now).readyNodes).toEqual(["node1"]);
    expect(partitionsIn(a.drain(["node1"], Number.MAX_SAFE_INTEGER, now))).toEqual([tp(0)]);
  });

  it("testExponentialRetryBackoff: retry.backoff.ms × 2^retry, ±20% jitter, capped at retry.backoff.max.ms (ExponentialBackoff)", () => {
    const initial = 100;
    const max = 1000;
    // Kafka's bounds for retry i (attempt i + 1): retryBackoffMs × 2^i × (1 ∓ 0.2); the loop runs while below the cap.
    const edges = [0, 0.999999];
    for (let i = 0; i < 4; i++) {
      const [low, high] = edges.map((u) => retryBackoffMs(i + 1, initial, max, { next: () => u } as never));
      expect(low).toBeCloseTo(initial * 2 ** i * 0.8, 3);
      expect(high).toBeLessThanOrEqual(Math.min(max, initial * 2 ** i * 1.2));
      // Whole ms, as ExponentialBackoff.backoff truncates: the top of [0.8, 1.2) is one ms under the bound.
      expect(high).toBe(initial * 2 ** i * 1.2 - 1);
    }
    // At the cap the jitter is cut at the maximum; an initial back-off at or above the maximum is the maximum.
    expect(retryBackoffMs(10, initial, max, { next: () => 0.999 } as never)).toBe(max);
    expect(retryBackoffMs(10, initial, max, { next: () => 0 } as never)).toBe(max * 0.8);
    expect(retryBackoffMs(1, 2000, max, { next: () => 0 } as never)).toBe(max);
  });

  it("testMutedPartitions: a muted partition is neither ready nor drained", () => {
    const batchSize = 1025;
    const a = setup(batchSize + RECORD_BATCH_OVERHEAD_BYTES, 10 * batchSize, 10);
    const appends = expectedNumAppends(batchSize);
    for (let i = 0; i < appends; i++) {
      a.append(0, 0);
      expect(a.ready(0).readyNodes).toEqual([]);
    }
    const now = 2000;
    a.muted.add(tp(0));
    expect(a.ready(now).readyNodes).toEqual([]);
    a.muted.delete(tp(0));
    const { readyNodes } = a.ready(now);
    expect(readyNodes).toEqual(["node1"]);
    a.muted.add(tp(0));
    expect(a.drain(readyNodes, Number.MAX_SAFE_INTEGER, now).node1).toEqual([]);
    a.muted.delete(tp(0));
    expect(a.drain(readyNodes, Number.MAX_SAFE_INTEGER, now).node1).toHaveLength(1);
  });

  it("testDrainWithANodeThatDoesntHostAnyPartitions", () => {
    const a = setup(10, 10 * 1024, 10, { node1: [0], node2: [] });
    expect(a.drain(["node2"], 999999, 0).node2).toEqual([]);
  });
});

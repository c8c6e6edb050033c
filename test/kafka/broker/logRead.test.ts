import { describe, expect, it } from "vitest";
import { batchIndexFromTail, bytesAvailable, fetchParams, readFromLog, readPartition } from "../../../src/kafka/broker/logRead.js";
import { PartitionLog } from "../../../src/kafka/log/partitionLog.js";
import type { FetchPartition } from "../../../src/kafka/protocol/messages.js";
import { FetchSessionOrder } from "../../../src/kafka/protocol/fetchSessionOrder.js";

/**
 * A partition's read under the byte limits (Kafka `LocalLog.read` → `LogSegment.read`, then
 * `ReplicaManager.readFromLog`'s `checkFetchDataInfo` and its loop over partitions, KIP-74).
 */

/** A log of one-record batches of the given sizes (offsets 0, 1, ...). */
function logOf(sizes: number[]): PartitionLog {
  const log = new PartitionLog();
  for (const sizeBytes of sizes) log.appendAsLeader({ producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: [{ key: null, value: "v" }], sizeBytes }, 0);
  return log;
}

const offsets = (r: { batches: { baseOffset: number }[] }) => r.batches.map((b) => b.baseOffset);

describe("batchIndexFromTail (the log's tail first, then its binary search)", () => {
  it("finds the same batch as PartitionLog.batchIndexFrom for every offset, at the tail and deep in the log", () => {
    for (const n of [0, 1, 2, 4, 5, 9]) {
      const log = logOf(Array.from({ length: n }, () => 100));
      // A last batch of 2 records, so an offset inside a batch (not only at its start) is asked too.
      log.appendAsLeader({ producerId: -1, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: [{ key: null, value: "a" }, { key: null, value: "b" }], sizeBytes: 100 }, 0);
      for (let offset = -1; offset <= n + 3; offset++) expect([n, offset, batchIndexFromTail(log, offset)]).toEqual([n, offset, log.batchIndexFrom(offset)]);
    }
  });
});

describe("readPartition (LogSegment.read, checkFetchDataInfo)", () => {
  it("whole batches up to the limit, then the head of the batch the limit falls in", () => {
    const log = logOf([100, 100, 100]);
    expect(readPartition(log, 0, 3, 250, false)).toMatchObject({ partialBytes: 50, bytes: 250 });
    expect(offsets(readPartition(log, 0, 3, 250, false))).toEqual([0, 1]);
    expect(readPartition(log, 0, 3, 300, false)).toMatchObject({ partialBytes: 0, bytes: 300 });
    expect(readPartition(log, 0, 3, 10_000, false)).toMatchObject({ partialBytes: 0, bytes: 300 });
  });

  it("minOneMessage: a first batch larger than the limit comes whole, alone (KIP-74)", () => {
    const log = logOf([500, 100]);
    const r = readPartition(log, 0, 2, 100, true);
    expect(offsets(r)).toEqual([0]);
    expect(r).toMatchObject({ partialBytes: 0, bytes: 500 });
    // Also with a limit of 0 (LogSegment.read: adjustedMaxSize = max(maxSize, first batch)).
    expect(offsets(readPartition(log, 0, 2, 0, true))).toEqual([0]);
  });

  it("without minOneMessage such a read is empty, with no error (no RecordTooLargeException since KIP-74)", () => {
    const log = logOf([500, 100]);
    expect(readPartition(log, 0, 2, 100, false)).toEqual({ batches: [], partialBytes: 0, bytes: 0 });
    expect(readPartition(log, 0, 2, 0, false).bytes).toBe(0);
  });

  it("stops below maxOffset (the HW or LSO) and never cuts a batch there", () => {
    const log = logOf([100, 100, 100]);
    expect(readPartition(log, 0, 2, 10_000, false)).toMatchObject({ partialBytes: 0, bytes: 200 });
    expect(readPartition(log, 2, 2, 10_000, true).bytes).toBe(0);
    expect(readPartition(log, 5, 9, 10_000, true).bytes).toBe(0);
  });
});

describe("readFromLog (ReplicaManager.readFromLog): the response's limit over its partitions", () => {
  const part = (partition: number, partitionMaxBytes: number): FetchPartition => ({ topic: "t", partition, currentLeaderEpoch: -1, fetchOffset: 0, partitionMaxBytes });

  it("each partition at most its partition max bytes, all at most max_bytes; only the first with data may exceed them", () => {
    const logs = [logOf([]), logOf([700, 100]), logOf([300, 300]), logOf([100])];
    const req = { minBytes: 1, maxBytes: 600, partitions: [part(0, 200), part(1, 200), part(2, 400), part(3, 200)] };
    const seen: [number, number, boolean][] = [];
    const reads = readFromLog(req, fetchParams(req, 1 << 30), (i, maxBytes, minOne) => {
      seen.push([i, maxBytes, minOne]);
      return readPartition(logs[i], 0, 100, maxBytes, minOne);
    });
    // t-0 is empty, so t-1 is the first with data: its 700-byte batch comes whole though over both limits; then
    // nothing is left of max_bytes, and t-2 and t-3 read nothing.
    expect(seen).toEqual([
      [0, 200, true],
      [1, 200, true],
      [2, 0, false],
      [3, 0, false],
    ]);
    expect(reads.map((r) => r.bytes)).toEqual([0, 700, 0, 0]);
  });

  it("a later partition whose first batch does not fit what is left gets nothing (firstEntryIncomplete), the rest the remainder", () => {
    const logs = [logOf([100, 100]), logOf([400]), logOf([150, 150])];
    const req = { minBytes: 1, maxBytes: 450, partitions: [part(0, 1000), part(1, 1000), part(2, 1000)] };
    const reads = readFromLog(req, fetchParams(req, 1 << 30), (i, maxBytes, minOne) => readPartition(logs[i], 0, 100, maxBytes, minOne));
    // t-0: 200; 250 left: t-1's 400-byte batch does not fit and is not first: empty; t-2: one batch and 100 bytes of the next.
    expect(reads.map((r) => [r.bytes, r.partialBytes])).toEqual([
      [200, 0],
      [0, 0],
      [250, 100],
    ]);
  });

  it("reads in the session's order (readOrder), so the partitions read last under a full response go first next time", () => {
    const logs = [logOf([300]), logOf([300]), logOf([300])];
    const session = new FetchSessionOrder();
    const keys = ["t-0", "t-1", "t-2"];
    const served: number[][] = [];
    for (let round = 0; round < 3; round++) {
      const req = { minBytes: 1, maxBytes: 300, readOrder: session.readOrder(keys), partitions: [part(0, 1000), part(1, 1000), part(2, 1000)] };
      const reads = readFromLog(req, fetchParams(req, 1 << 30), (i, maxBytes, minOne) => readPartition(logs[i], 0, 100, maxBytes, minOne));
      const got = req.readOrder.filter((i) => reads[i].bytes > 0);
      served.push(got);
      session.moveToEnd(got.map((i) => keys[i]));
    }
    expect(served).toEqual([[0], [1], [2]]);
  });

  it("the broker's fetch.max.bytes caps max_bytes, and min_bytes is at most max_bytes (KafkaApis.handleFetchRequest)", () => {
    expect(fetchParams({ minBytes: 1, maxBytes: 52428800 }, 57671680)).toEqual({ minBytes: 1, maxBytes: 52428800 });
    expect(fetchParams({ minBytes: 5000, maxBytes: 52428800 }, 2048)).toEqual({ minBytes: 2048, maxBytes: 2048 });
  });
});

describe("bytesAvailable (DelayedFetch.tryComplete, Case G)", () => {
  it("the bytes from the fetch offset's batch below maxOffset, at most the partition's max bytes", () => {
    const log = logOf([100, 100, 100]);
    expect(bytesAvailable(log, 0, 3, 1000, 1000)).toBe(300);
    expect(bytesAvailable(log, 1, 3, 1000, 1000)).toBe(200);
    expect(bytesAvailable(log, 0, 2, 1000, 1000)).toBe(200);
    expect(bytesAvailable(log, 0, 3, 150, 1000)).toBe(150);
    expect(bytesAvailable(log, 3, 3, 1000, 1000)).toBe(0);
  });
});

describe("FetchSessionOrder (FetchSession.partitionMap)", () => {
  it("new partitions join at the end, forgotten ones leave, and those that returned records move to the end", () => {
    const s = new FetchSessionOrder();
    expect(s.readOrder(["a", "b", "c"])).toEqual([0, 1, 2]);
    s.moveToEnd(["a"]);
    expect(s.readOrder(["a", "b", "c"])).toEqual([1, 2, 0]);
    // b is not asked for (its records wait in the consumer's buffer): forgotten; d is new.
    expect(s.readOrder(["a", "c", "d"])).toEqual([1, 0, 2]);
    // b comes back after the others.
    expect(s.readOrder(["a", "b", "c", "d"])).toEqual([2, 0, 3, 1]);
    s.reset();
    expect(s.readOrder(["a", "b", "c", "d"])).toEqual([0, 1, 2, 3]);
  });
});

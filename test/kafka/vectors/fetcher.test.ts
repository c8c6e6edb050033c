import { describe, expect, it } from "vitest";
import { CompletedFetch } from "../../../src/kafka/client/consumer/completedFetch.js";
import { NO_PRODUCER_ID, type RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import type { AbortedTransaction, FetchedRecord, IsolationLevel } from "../../../src/kafka/protocol/messages.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/internals/FetcherTest.java
// (apache/kafka 1eb7644; CompletedFetchTest's are in completedFetch.test.ts): what a consumer hands out of one fetched partition and where its
// position goes — read_committed skipping aborted transactions by the response's aborted-transaction list and the
// ABORT markers, control records never returned, the position past a batch the cleaner emptied — run against
// kafkasim's CompletedFetch (src/kafka/client/consumer/completedFetch.ts), the consumer's own code for this.
//
// Shapes adapted:
// - The records of Kafka's fetch response (a MemoryRecords built with appendTransactionalRecords / commitTransaction /
//   abortTransaction) are the same batches here: a transactional batch of producer `pid` (epoch 0) at `baseOffset`,
//   and one-record control batches whose key is the marker's type (kafkasim's marker records).
// - `fetchRecords()` drains the fetch (max.poll.records = Integer.MAX_VALUE in these tests: buildFetcher's
//   maxPollRecords); `subscriptions.position(tp0)` is CompletedFetch.nextFetchOffset once drained and its offset epoch
//   `lastEpoch` (FetchCollector.fetchRecords moves the position to them).
// - Kafka's tests ask for the fetch through a Fetcher and a MockClient first (sendFetches, prepareResponse); that part
//   is the consumer's request path, not ported: the response's records and aborted transactions go to CompletedFetch.
//
// Not ported, with why: deserialization errors and corrupt records (kafkasim's records are values, not bytes),
// metrics, fetch sessions, the rest of FetcherTest (request building, errors, offsets for times: the consumer's
// request path, covered by kafka/consumer.test.ts and kafka/consumerPosition.test.ts).

const KEY = "key";

/** FetcherTest.appendTransactionalRecords: a transactional batch of `pid` (epoch 0, sequence = base offset). */
function txnBatch(pid: number, baseOffset: number, keys: (string | null)[], value = "value"): RecordBatch {
  return { baseOffset, leaderEpoch: -1, producerId: pid, producerEpoch: 0, baseSequence: baseOffset, isTransactional: true, isControl: false, records: keys.map((key) => ({ key, value })), sizeBytes: 100 };
}

/** FetcherTest.commitTransaction / abortTransaction: the marker at `baseOffset` (partition leader epoch 0). */
function marker(kind: "COMMIT" | "ABORT", pid: number, baseOffset: number): RecordBatch {
  return { baseOffset, leaderEpoch: 0, producerId: pid, producerEpoch: 0, baseSequence: -1, isTransactional: true, isControl: true, records: [{ key: kind, value: "0" }], sizeBytes: 78 };
}

/** MemoryRecords.builder(..., baseOffset) with plain records "value-$i" (CompletedFetchTest.newRecords). */
function plainBatch(baseOffset: number, values: string[], leaderEpoch = -1): RecordBatch {
  return { baseOffset, leaderEpoch, producerId: NO_PRODUCER_ID, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: values.map((value) => ({ key: KEY, value })), sizeBytes: 100 };
}

const aborted = (producerId: number, firstOffset: number): AbortedTransaction => ({ producerId, firstOffset });

/** Everything the fetch hands out, and the position after it (fetchRecords() then subscriptions.position(tp0)). */
function drain(fetchOffset: number, batches: RecordBatch[], abortedTransactions: AbortedTransaction[] | null, isolation: IsolationLevel) {
  const f = new CompletedFetch(fetchOffset, batches, abortedTransactions, isolation);
  const records: FetchedRecord[] = [];
  for (;;) {
    const got = f.fetchRecords(2147483647);
    if (got.length === 0) break;
    records.push(...got);
  }
  return { records, keys: records.map((r) => r.key), offsets: records.map((r) => r.offset), position: f.nextFetchOffset, epoch: f.lastEpoch, consumed: f.isConsumed };
}

describe("FetcherTest: read_committed", () => {
  it("testSkippingAbortedTransactions: two aborted records and their marker hand out nothing, and the position moves past them", () => {
    const r = drain(0, [txnBatch(1, 0, [KEY, KEY]), marker("ABORT", 1, 2)], [aborted(1, 0)], "read_committed");
    expect(r.records).toEqual([]);
    // fetch.positionAdvanced()
    expect(r.position).toBeGreaterThan(0);
  });

  it("testReturnCommittedTransactions: a committed transaction's two records are handed out", () => {
    const r = drain(0, [txnBatch(1, 0, [KEY, KEY]), marker("COMMIT", 1, 2)], [], "read_committed");
    expect(r.records.length).toBe(2);
  });

  it("testReadCommittedWithCommittedAndAbortedTransactions: of two producers' interleaved transactions only the 3 committed records", () => {
    const pid1 = 1;
    const pid2 = 2;
    const batches = [
      txnBatch(pid1, 0, ["commit1-1", "commit1-2"]),
      txnBatch(pid2, 2, ["abort2-1"]),
      marker("COMMIT", pid1, 3),
      txnBatch(pid2, 4, ["abort2-2"]),
      marker("ABORT", pid2, 5),
      txnBatch(pid1, 6, ["abort1-1"]),
      txnBatch(pid2, 7, ["commit2-1"]),
      txnBatch(pid1, 8, ["abort1-2"]),
      marker("ABORT", pid1, 9),
      marker("COMMIT", pid2, 10),
    ];
    const r = drain(0, batches, [aborted(pid2, 2), aborted(1, 6)], "read_committed");
    expect(new Set(r.keys)).toEqual(new Set(["commit1-1", "commit1-2", "commit2-1"]));
  });

  it("testMultipleAbortMarkers: a duplicate ABORT marker is ignored; the next, committed, transaction's 2 records are handed out", () => {
    const batches = [txnBatch(1, 0, ["abort1-1", "abort1-2"]), marker("ABORT", 1, 2), marker("ABORT", 1, 3), txnBatch(1, 4, ["commit1-1", "commit1-2"]), marker("COMMIT", 1, 6)];
    const r = drain(0, batches, [aborted(1, 0)], "read_committed");
    expect(r.records.length).toBe(2);
    expect(new Set(r.keys)).toEqual(new Set(["commit1-1", "commit1-2"]));
  });

  it("testReadCommittedAbortMarkerWithNoData: an aborted transaction whose records are gone from the log; the next transaction's 6, 7, 8 are read", () => {
    const batches = [marker("ABORT", 1, 5), txnBatch(1, 6, ["6", "7", "8"], ""), marker("COMMIT", 1, 9)];
    const r = drain(0, batches, [aborted(1, 0)], "read_committed");
    expect(r.records.length).toBe(3);
    expect(r.offsets).toEqual([6, 7, 8]);
  });

  it("testReadCommittedWithCompactedTopic: aborted transactions starting at offsets no longer in the log still hide their batches", () => {
    const [pid1, pid2, pid3] = [1, 2, 3];
    const batches = [
      txnBatch(pid3, 3, ["3", "4"]),
      txnBatch(pid2, 15, ["15", "16", "17"]),
      txnBatch(pid1, 22, ["22", "23"]),
      marker("ABORT", pid2, 28),
      txnBatch(pid3, 30, ["30", "31", "32"]),
      marker("COMMIT", pid3, 35),
      txnBatch(pid1, 39, ["39", "40"]),
      // The transaction of pid1 is aborted, but its marker is not in the fetch.
    ];
    const r = drain(0, batches, [aborted(pid2, 6), aborted(pid1, 0)], "read_committed");
    expect(r.records.length).toBe(5);
    expect(r.offsets).toEqual([3, 4, 30, 31, 32]);
  });

  it("testReturnAbortedTransactionsInUncommittedMode: read_uncommitted hands out an aborted transaction's records", () => {
    const r = drain(0, [txnBatch(1, 0, [KEY, KEY]), marker("ABORT", 1, 2)], [aborted(1, 0)], "read_uncommitted");
    expect(r.records.length).toBeGreaterThan(0);
  });

  it("testConsumerPositionUpdatedWhenSkippingAbortedTransactions: nothing handed out, the position at 3 (past the ABORT marker)", () => {
    const r = drain(0, [txnBatch(1, 0, ["abort1-1", "abort1-2"]), marker("ABORT", 1, 2)], [aborted(1, 0)], "read_committed");
    expect(r.records).toEqual([]);
    expect(r.position).toBe(3);
  });
});

describe("FetcherTest: the position", () => {
  it("testUpdatePositionWithLastRecordMissingFromBatch: a batch whose last record the cleaner removed: 3 records, position 4", () => {
    // Records "0", "1", "2" and a keyless one at 3, filtered to those with a key: offset deltas 0..2, last delta 3.
    const compacted: RecordBatch = { ...plainBatch(0, ["v", "v", "v"]), records: ["0", "1", "2"].map((key) => ({ key, value: "v" })), offsetDeltas: [0, 1, 2], lastOffsetDelta: 3 };
    const r = drain(0, [compacted], null, "read_uncommitted");
    expect(r.records.length).toBe(3);
    expect(r.keys).toEqual(["0", "1", "2"]);
    expect(r.position).toBe(4);
  });

  it("testUpdatePositionOnEmptyBatch: an empty batch 37..54 hands out nothing and moves the position to 55", () => {
    const [baseOffset, lastOffset] = [37, 54];
    const empty: RecordBatch = { baseOffset, leaderEpoch: 7, producerId: 1, producerEpoch: 0, baseSequence: 1, isTransactional: false, isControl: false, records: [], sizeBytes: 61, offsetDeltas: [], lastOffsetDelta: lastOffset - baseOffset };
    const r = drain(0, [empty], null, "read_uncommitted");
    expect(r.records).toEqual([]);
    expect(r.position).toBe(lastOffset + 1);
  });

  it("testSubscriptionPositionUpdatedWithEpoch: three records of leader epoch 1: position 3 with offset epoch 1", () => {
    const r = drain(0, [plainBatch(0, ["value-1", "value-2", "value-3"], 1)], null, "read_uncommitted");
    expect(r.records.length).toBe(3);
    expect([r.position, r.epoch]).toEqual([3, 1]);
  });
});

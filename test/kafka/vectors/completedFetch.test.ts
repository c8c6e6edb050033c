import { describe, expect, it } from "vitest";
import { CompletedFetch } from "../../../src/kafka/client/consumer/completedFetch.js";
import { NO_PRODUCER_ID, type RecordBatch } from "../../../src/kafka/log/recordBatch.js";
import type { AbortedTransaction } from "../../../src/kafka/protocol/messages.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/internals/CompletedFetchTest.java
// (apache/kafka 1eb7644): records handed out of one fetched partition, run against kafkasim's CompletedFetch
// (src/kafka/client/consumer/completedFetch.ts). `completedFetch.fetchRecords(fetchConfig, deserializers, n)` is
// `fetchRecords(n)`; the fetch config's isolation level is the CompletedFetch's. newTranscactionalRecords(type, n) is
// a transactional batch of n records of PRODUCER_ID (1000) at offset 0 and its marker at n; newAbortedTransactions()
// lists that producer's transaction from offset 0.
// Not ported, with why: testCorruptedMessage (deserialization errors: kafkasim's records are values, not bytes).

const KEY = "key";
const PRODUCER_ID = 1000;

/** CompletedFetchTest.newTranscactionalRecords: `n` records of PRODUCER_ID in one batch at 0, then its marker at `n`. */
function newTransactionalRecords(kind: "COMMIT" | "ABORT", n: number): RecordBatch[] {
  return [
    { baseOffset: 0, leaderEpoch: -1, producerId: PRODUCER_ID, producerEpoch: 0, baseSequence: 0, isTransactional: true, isControl: false, records: Array.from({ length: n }, () => ({ key: KEY, value: "value" })), sizeBytes: 100 },
    { baseOffset: n, leaderEpoch: 0, producerId: PRODUCER_ID, producerEpoch: 0, baseSequence: -1, isTransactional: true, isControl: true, records: [{ key: kind, value: "0" }], sizeBytes: 78 },
  ];
}

/** CompletedFetchTest.newRecords(baseOffset, count, firstMessageId): plain records "value-$id". */
function newRecords(baseOffset: number, count: number, firstMessageId: number): RecordBatch {
  return { baseOffset, leaderEpoch: -1, producerId: NO_PRODUCER_ID, producerEpoch: -1, baseSequence: -1, isTransactional: false, isControl: false, records: Array.from({ length: count }, (_, i) => ({ key: KEY, value: `value-${firstMessageId + i}` })), sizeBytes: 100 };
}

const newAbortedTransactions = (): AbortedTransaction[] => [{ producerId: PRODUCER_ID, firstOffset: 0 }];

describe("CompletedFetchTest", () => {
  it("testSimple: fetch offset 5 over records 10..20: 10 records from 10, then 1 at 20, then none", () => {
    const f = new CompletedFetch(5, [newRecords(10, 11, 5)], null, "read_uncommitted");
    let records = f.fetchRecords(10);
    expect(records.length).toBe(10);
    expect(records[0].offset).toBe(10);
    records = f.fetchRecords(10);
    expect(records.length).toBe(1);
    expect(records[0].offset).toBe(20);
    records = f.fetchRecords(10);
    expect(records.length).toBe(0);
  });

  it("testAbortedTransactionRecordsRemoved: 10 aborted records: none under read_committed, all 10 under read_uncommitted", () => {
    const numRecords = 10;
    const batches = newTransactionalRecords("ABORT", numRecords);
    expect(new CompletedFetch(0, batches, newAbortedTransactions(), "read_committed").fetchRecords(10).length).toBe(0);
    expect(new CompletedFetch(0, batches, newAbortedTransactions(), "read_uncommitted").fetchRecords(10).length).toBe(numRecords);
  });

  it("testCommittedTransactionRecordsIncluded: 10 committed records under read_committed", () => {
    const batches = newTransactionalRecords("COMMIT", 10);
    expect(new CompletedFetch(0, batches, null, "read_committed").fetchRecords(10).length).toBe(10);
  });

  it("testNegativeFetchCount: asking for -10 records gives none", () => {
    const f = new CompletedFetch(0, [newRecords(0, 10, 0)], null, "read_uncommitted");
    expect(f.fetchRecords(-10).length).toBe(0);
  });

  it("testNoRecordsInFetch: a response without records gives none", () => {
    const f = new CompletedFetch(1, [], null, "read_uncommitted");
    expect(f.fetchRecords(10).length).toBe(0);
    expect(f.isConsumed).toBe(true);
  });
});

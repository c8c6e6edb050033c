import { describe, expect, it } from "vitest";
import { loadTransactions } from "../../../src/kafka/coordinator/transactionLog.js";
import { transactionCoordinatorHarness } from "../../support/transactionCoordinatorHarness.js";

/** transactional.id.expiration.ms 10 s, checked every second (Kafka: 7 days, every hour). */
const FAST = { transactionalIdExpirationMs: 10_000, removeExpiredIntervalMs: 1_000 };

describe("transactional.id.expiration.ms (TransactionStateManager.removeExpiredTransactionalIds)", () => {
  it("an idle id is removed with a tombstone; the producer that returns gets a new producer id, the zombie INVALID_PRODUCER_ID_MAPPING", () => {
    const h = transactionCoordinatorHarness(FAST);
    const first = h.initProducerId("app-1")();
    expect(first).toMatchObject({ error: "NONE", producerEpoch: 0 });
    h.advance(9_000);
    expect(h.traces.filter((t) => t.type === "txn-coordinator.expired")).toEqual([]);
    h.advance(2_000);
    const expired = h.traces.filter((t) => t.type === "txn-coordinator.expired");
    expect(expired.map((t) => t.data)).toEqual([{ transactionalId: "tx", producerId: first!.producerId, producerEpoch: 0, idleMs: 10_000 }]);
    const last = h.batches[h.batches.length - 1];
    expect(last.records[0]).toMatchObject({ key: "tx", tombstone: true });
    // The same transactional.id comes back: a new producer id at epoch 0, not a bump of the old one.
    const again = h.initProducerId("app-2")();
    expect(again).toMatchObject({ error: "NONE", producerEpoch: 0 });
    expect(again!.producerId).not.toBe(first!.producerId);
    // A zombie of the first life still holds the old producer id: its transaction is refused.
    expect(h.addPartitions("app-1", first!.producerId, 0)).toBe("INVALID_PRODUCER_ID_MAPPING");
  });

  it("an id with an open transaction does not expire, however long it is idle", () => {
    const h = transactionCoordinatorHarness(FAST);
    const r = h.initProducerId("app-1")()!;
    expect(h.addPartitions("app-1", r.producerId, r.producerEpoch)).toBe("NONE");
    h.advance(30_000);
    expect(h.traces.filter((t) => t.type === "txn-coordinator.expired")).toEqual([]);
  });

  it("with Kafka's default (7 days) nothing expires in an hour's idleness", () => {
    const h = transactionCoordinatorHarness();
    h.initProducerId("app-1")();
    h.advance(3_600_000);
    expect(h.traces.filter((t) => t.type === "txn-coordinator.expired")).toEqual([]);
  });

  it("a coordinator loading the log forgets an id whose last record is its tombstone", () => {
    const value = JSON.stringify({ producerId: 7, lastProducerId: -1, producerEpoch: 0, lastProducerEpoch: -1, txnTimeoutMs: 60000, txnState: "Empty", topicPartitions: [], txnStartTimestamp: -1, txnLastUpdateTimestamp: 0 });
    expect(loadTransactions([{ key: "tx", value }], 0).has("tx")).toBe(true);
    expect(loadTransactions([{ key: "tx", value }, { key: "tx", value: "tombstone:tx", tombstone: true }], 0).has("tx")).toBe(false);
  });
});

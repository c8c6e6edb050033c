import { coordinatorPartitionFor } from "./coordinatorPartition.js";
import type { TransactionState } from "./transactionState.js";
import type { TransactionMetadata, TxnTransitMetadata } from "./transactionMetadata.js";
import { TransactionMetadata as Metadata } from "./transactionMetadata.js";

export const TRANSACTION_STATE_TOPIC = "__transaction_state";

/** TransactionStateManager.partitionFor: Utils.abs(transactionalId.hashCode) % partitions. */
export function transactionLogPartitionFor(transactionalId: string, partitions: number): number {
  return coordinatorPartitionFor(transactionalId, partitions);
}

/** A transaction log record's value (Kafka `TransactionLogValue`), as the model stores it: JSON. */
export function encodeTransit(t: TxnTransitMetadata): string {
  return JSON.stringify(t);
}

/**
 * Replays a transaction log partition: the last record of each transactional id wins; a tombstone (the id expired,
 * `transactional.id.expiration.ms`) removes it (TransactionStateManager.loadTransactionMetadata).
 */
export function loadTransactions(records: { key: string | null; value: string; tombstone?: true }[], nowMs: number): Map<string, TransactionMetadata> {
  const out = new Map<string, TransactionMetadata>();
  for (const r of records) {
    if (r.key === null) continue;
    if (r.tombstone) {
      out.delete(r.key);
      continue;
    }
    const t = JSON.parse(r.value) as TxnTransitMetadata;
    const m = new Metadata(r.key, t.producerId, t.lastProducerId, t.producerEpoch, t.lastProducerEpoch, t.txnTimeoutMs, t.txnState as TransactionState, t.txnStartTimestamp, t.txnLastUpdateTimestamp || nowMs);
    for (const tp of t.topicPartitions) m.topicPartitions.add(tp);
    out.set(r.key, m);
  }
  return out;
}

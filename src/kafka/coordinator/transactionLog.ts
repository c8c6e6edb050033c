import type { TransactionState } from "./transactionState.js";
import type { TransactionMetadata, TxnTransitMetadata } from "./transactionMetadata.js";
import { TransactionMetadata as Metadata } from "./transactionMetadata.js";

export const TRANSACTION_STATE_TOPIC = "__transaction_state";

/** Java's String.hashCode. */
function javaHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** TransactionStateManager.partitionFor: Utils.abs(transactionalId.hashCode) % partitions. */
export function transactionLogPartitionFor(transactionalId: string, partitions: number): number {
  const h = javaHashCode(transactionalId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}

/** A transaction log record's value (Kafka `TransactionLogValue`), as the model stores it: JSON. */
export function encodeTransit(t: TxnTransitMetadata): string {
  return JSON.stringify(t);
}

/** Replays a transaction log partition: the last record of each transactional id wins. */
export function loadTransactions(records: { key: string | null; value: string }[], nowMs: number): Map<string, TransactionMetadata> {
  const out = new Map<string, TransactionMetadata>();
  for (const r of records) {
    if (r.key === null) continue;
    const t = JSON.parse(r.value) as TxnTransitMetadata;
    const m = new Metadata(r.key, t.producerId, t.lastProducerId, t.producerEpoch, t.lastProducerEpoch, t.txnTimeoutMs, t.txnState as TransactionState, t.txnStartTimestamp, t.txnLastUpdateTimestamp || nowMs);
    for (const tp of t.topicPartitions) m.topicPartitions.add(tp);
    out.set(r.key, m);
  }
  return out;
}

import type { ProducePartitionData, ProducePartitionResponse, ProduceRequest, ProduceResponse } from "../protocol/messages.js";
import type { AddPartitionsToTxnManager } from "./addPartitionsToTxnManager.js";
import type { AppendDone } from "./delayedProduce.js";
import type { Partition } from "./partition.js";

/** What a produce request needs of its broker's replica manager. */
export interface ProduceTarget {
  /** The partition this broker hosts for the entry, if any. */
  partition(d: ProducePartitionData): Partition | undefined;
  /** Whether the cluster has the topic (an unhosted partition of a known topic is NOT_LEADER_OR_FOLLOWER). */
  topicExists(topic: string): boolean;
  /** KIP-890 verification of transactional produces, when the broker has it. */
  verifier: AddPartitionsToTxnManager | null | undefined;
  /** ReplicaManager.appendRecords of one entry, completing `done` as the request's acks ask. */
  append(p: Partition, d: ProducePartitionData, done: AppendDone): void;
}

/**
 * A Produce request on the broker (KafkaApis.handleProduceRequest → ReplicaManager.appendRecords): each partition's
 * batch is appended (and, with acks=all, waits in its purgatory), and one ProduceResponse — its entries in the
 * request's order — is written with `respond` once every partition has its outcome; with acks=0, never (Kafka sends
 * no response at all, not even an error). KIP-890 verification (appendRecordsWithTransactionVerification): if a
 * transactional partition needs it, the whole request waits for the coordinator's answer; partitions that fail it
 * get its error, the others are appended. Simplified: each partition waits in its own partition's purgatory rather
 * than in one DelayedProduce for the request; they share the request's timeout, so they time out together as Kafka's
 * one operation does.
 */
export function handleProduceRequest(req: ProduceRequest, target: ProduceTarget, respond: (res: ProduceResponse) => void): void {
  const responses: ProducePartitionResponse[] = req.partitions.map((d) => ({ topic: d.topic, partition: d.partition, error: "NONE", baseOffset: -1 }));
  let pending = responses.length;
  const settle =
    (i: number): AppendDone =>
    (error, baseOffset) => {
      responses[i].error = error;
      responses[i].baseOffset = baseOffset;
      if (--pending === 0 && req.acks !== 0) respond({ type: "ProduceResponse", correlationId: req.correlationId, responses });
    };
  const append = (i: number) => {
    const d = req.partitions[i];
    const p = target.partition(d);
    if (!p) return settle(i)(target.topicExists(d.topic) ? "NOT_LEADER_OR_FOLLOWER" : "UNKNOWN_TOPIC_OR_PARTITION", -1);
    target.append(p, d, settle(i));
  };
  const verifier = target.verifier;
  const verify: number[] = [];
  if (verifier)
    for (let i = 0; i < req.partitions.length; i++) {
      const p = target.partition(req.partitions[i]);
      if (p && verifier.required(req, req.partitions[i], p)) verify.push(i);
    }
  if (!verifier || verify.length === 0) {
    for (let i = 0; i < req.partitions.length; i++) append(i);
    return;
  }
  verifier.verify(
    req,
    verify.map((i) => req.partitions[i]),
    {
      append: () => {
        for (let i = 0; i < req.partitions.length; i++) append(i);
      },
      respond: (error) => {
        const failed = new Set(verify);
        for (let i = 0; i < req.partitions.length; i++) {
          if (failed.has(i)) settle(i)(error, -1);
          else append(i);
        }
      },
    },
  );
}

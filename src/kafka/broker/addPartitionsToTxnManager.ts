import type { ActorContext } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { ErrorName } from "../protocol/errors.js";
import { type ProducePartitionData, type ProduceRequest, tpKey } from "../protocol/messages.js";
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from "../protocol/transactionMessages.js";

/** What a produce waiting for verification does next. */
export interface VerificationCallback {
  /** The partitions are in the transaction: append the request now. */
  append(): void;
  /** The verified partitions fail with this error (in the ProduceResponse); the request's others are appended. */
  respond(error: ErrorName): void;
}

/** How long a leader waits for the coordinator's answer before failing the produce with a retriable error. */
const VERIFICATION_TIMEOUT_MS = 5000;

/**
 * KIP-890 part 1 on the partition leader (Kafka `AddPartitionsToTxnManager`): before the first transactional write
 * of a producer to a partition, the leader asks the transaction's coordinator (AddPartitionsToTxn with verifyOnly)
 * whether the partition is in the ongoing transaction, so a hanging transaction cannot start from a late write.
 * An unreachable coordinator (unknown, a connection that fails, no answer within the timeout) and the
 * coordinator's retriable errors become NOT_ENOUGH_REPLICAS for the producer, which retries.
 */
export class AddPartitionsToTxnManager {
  private readonly verifying = new Map<number, { req: ProduceRequest; partitions: ProducePartitionData[]; cb: VerificationCallback }>();

  constructor(
    private readonly ctx: ActorContext,
    /** transaction.partition.verification.enable. */
    private readonly enabled: boolean,
    /** The broker leading the transactional id's `__transaction_state` partition, per this broker's metadata. */
    private readonly coordinatorFor: (transactionalId: string) => string | null,
    /** The manager's own NetworkClient to the coordinators (Kafka's AddPartitionsToTxnManager is an InterBrokerSendThread). */
    private readonly client: NetworkClient,
  ) {}

  /**
   * Whether a produce's partition must be verified first: a transactional batch to a partition this broker leads,
   * from a producer with no transaction open on it yet (ReplicaManager.appendRecords' verification guard).
   */
  required(req: ProduceRequest, d: ProducePartitionData, p: { role: string; producerState: { ongoing: ReadonlyMap<number, unknown> } }): boolean {
    const b = d.batch;
    return this.enabled && b.isTransactional && !!req.transactionalId && p.role === "leader" && !p.producerState.ongoing.has(b.producerId);
  }

  /**
   * AddPartitionsToTxnManager.verifyTransaction: one verifyOnly AddPartitionsToTxn for the request's partitions that
   * need it (ReplicaManager.appendRecordsWithTransactionVerification holds the whole request until it is answered).
   */
  verify(req: ProduceRequest, partitions: ProducePartitionData[], cb: VerificationCallback): void {
    const coordinator = this.coordinatorFor(req.transactionalId!);
    // AddPartitionsToTxnManager maps an unreachable coordinator to a retriable error for the producer.
    if (coordinator === null) return cb.respond("NOT_ENOUGH_REPLICAS");
    const id = this.client.correlationId();
    const b = partitions[0].batch;
    const request: AddPartitionsToTxnRequest = { type: "AddPartitionsToTxn", correlationId: id, transactionalId: req.transactionalId!, producerId: b.producerId, producerEpoch: b.producerEpoch, partitions: partitions.map((d) => tpKey(d.topic, d.partition)), verifyOnly: true };
    this.verifying.set(id, { req, partitions, cb });
    this.client.sendWhenReady(coordinator, request, (res) => {
      if (res.type !== "Disconnected") return this.onResponse(res);
      const v = this.verifying.get(id);
      if (!v) return;
      this.verifying.delete(id);
      v.cb.respond("NOT_ENOUGH_REPLICAS");
    }, VERIFICATION_TIMEOUT_MS);
  }

  private onResponse(res: AddPartitionsToTxnResponse): void {
    const v = this.verifying.get(res.correlationId);
    if (!v) return;
    this.verifying.delete(res.correlationId);
    if (res.error === "NONE") return v.cb.append();
    const error: ErrorName = res.error === "NOT_COORDINATOR" || res.error === "COORDINATOR_NOT_AVAILABLE" || res.error === "COORDINATOR_LOAD_IN_PROGRESS" || res.error === "CONCURRENT_TRANSACTIONS" ? "NOT_ENOUGH_REPLICAS" : res.error;
    for (const d of v.partitions) this.ctx.trace("partition.verification-failed", { tp: tpKey(d.topic, d.partition), producerId: d.batch.producerId, producerEpoch: d.batch.producerEpoch, error });
    v.cb.respond(error);
  }
}

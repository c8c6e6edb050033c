import type { ActorContext } from "../../sim/index.js";
import type { NetworkClient } from "../network/networkClient.js";
import type { ErrorName } from "../protocol/errors.js";
import { type ProduceRequest, tpKey } from "../protocol/messages.js";
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from "../protocol/transactionMessages.js";

/** What a produce waiting for verification does next. */
export interface VerificationCallback {
  /** The partition is in the transaction: append now. Returns false if this broker no longer hosts the partition. */
  append(): boolean;
  /** The produce fails with this error (the ProduceResponse). */
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
  private readonly verifying = new Map<number, { req: ProduceRequest; cb: VerificationCallback }>();

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
   * Whether a produce must be verified first: a transactional batch to a partition this broker leads, from a
   * producer with no transaction open on it yet (ReplicaManager.appendRecords' verification guard).
   */
  required(req: ProduceRequest, p: { role: string; producerState: { ongoing: ReadonlyMap<number, unknown> } }): boolean {
    const b = req.batch;
    return this.enabled && b.isTransactional && !!req.transactionalId && p.role === "leader" && !p.producerState.ongoing.has(b.producerId);
  }

  verify(req: ProduceRequest, cb: VerificationCallback): void {
    const coordinator = this.coordinatorFor(req.transactionalId!);
    // AddPartitionsToTxnManager maps an unreachable coordinator to a retriable error for the producer.
    if (coordinator === null) return cb.respond("NOT_ENOUGH_REPLICAS");
    const id = this.client.correlationId();
    const b = req.batch;
    const request: AddPartitionsToTxnRequest = { type: "AddPartitionsToTxn", correlationId: id, transactionalId: req.transactionalId!, producerId: b.producerId, producerEpoch: b.producerEpoch, partitions: [tpKey(req.topic, req.partition)], verifyOnly: true };
    this.verifying.set(id, { req, cb });
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
    if (res.error === "NONE" && v.cb.append()) return;
    const error: ErrorName = res.error === "NONE" ? "NOT_LEADER_OR_FOLLOWER" : res.error === "NOT_COORDINATOR" || res.error === "COORDINATOR_NOT_AVAILABLE" || res.error === "COORDINATOR_LOAD_IN_PROGRESS" || res.error === "CONCURRENT_TRANSACTIONS" ? "NOT_ENOUGH_REPLICAS" : res.error;
    this.ctx.trace("partition.verification-failed", { tp: tpKey(v.req.topic, v.req.partition), producerId: v.req.batch.producerId, producerEpoch: v.req.batch.producerEpoch, error });
    v.cb.respond(error);
  }
}

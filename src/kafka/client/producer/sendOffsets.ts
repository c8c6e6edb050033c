import type { ErrorName } from "../../protocol/errors.js";
import { txnErrorAction } from "./txnErrorHandling.js";
import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  OffsetEntry,
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
} from "../../protocol/transactionMessages.js";

/** The consumer group metadata a read-process-write application passes (KIP-447). */
export interface ConsumerGroupMetadata {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string;
}

export type TxnCallback = (error: ErrorName | null) => void;

/**
 * What the transaction manager does next, after an answer to a step: `done` ends the call (with `error`, the
 * transaction abortable; `bumpEpoch`: its abort bumps the epoch), `fatal` ends it and the producer.
 */
export type SendOffsetsNext = "pump" | "retry" | "lost-coordinator" | "fenced" | { done: ErrorName | null; bumpEpoch?: boolean } | { fatal: ErrorName };

/**
 * Errors after which a TxnOffsetCommit looks the group coordinator up again (TxnOffsetCommitHandler); other
 * retriable ones (COORDINATOR_LOAD_IN_PROGRESS) are sent again to the same coordinator.
 */
export const COORDINATOR_ERRORS: ReadonlySet<string> = new Set(["NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE", "REQUEST_TIMED_OUT"]);

/** Who the requests of a step are from and where they go. */
export interface SendOffsetsContext {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** The transaction coordinator. */
  coordinator: string;
  /** A bootstrap broker for a FindCoordinator with this correlation id. */
  anyBroker(correlationId: number): string;
}

/**
 * One KafkaProducer.sendOffsetsToTransaction in progress (Kafka `TransactionManager`'s AddOffsetsToTxnHandler, then
 * FindCoordinator for the group and TxnOffsetCommitHandler): AddOffsetsToTxn to the transaction coordinator puts
 * the group's `__consumer_offsets` partition in the transaction; TxnOffsetCommit to the group's coordinator writes
 * the offsets, which become committed with the transaction. One step is in flight at a time; the transaction
 * manager sends it (`request`) and acts on what each answer says to do next.
 */
export class SendOffsets {
  stage: "add" | "find" | "commit" = "add";
  private groupCoordinator: string | null = null;
  /** Correlation id of the step in flight, or -1. */
  inFlight = -1;

  constructor(
    private readonly offsets: OffsetEntry[],
    private readonly group: ConsumerGroupMetadata,
    readonly cb: TxnCallback,
  ) {}

  /** The request of the current step, with where it goes. */
  request(c: SendOffsetsContext, correlationId: number): { to: string; req: AddOffsetsToTxnRequest | FindCoordinatorRequest | TxnOffsetCommitRequest } {
    this.inFlight = correlationId;
    if (this.stage === "add")
      return { to: c.coordinator, req: { type: "AddOffsetsToTxn", correlationId, transactionalId: c.transactionalId, producerId: c.producerId, producerEpoch: c.producerEpoch, groupId: this.group.groupId } };
    if (this.stage === "find") return { to: c.anyBroker(correlationId), req: { type: "FindCoordinator", correlationId, key: this.group.groupId, keyType: "group" } };
    return {
      to: this.groupCoordinator!,
      req: {
        type: "TxnOffsetCommit",
        correlationId,
        transactionalId: c.transactionalId,
        groupId: this.group.groupId,
        producerId: c.producerId,
        producerEpoch: c.producerEpoch,
        generationId: this.group.generationId,
        memberId: this.group.memberId,
        groupInstanceId: this.group.groupInstanceId ?? null,
        offsets: this.offsets,
      },
    };
  }

  /** The step in flight was not answered in time: a TxnOffsetCommit looks the group coordinator up again. */
  timedOut(): void {
    this.inFlight = -1;
    if (this.stage === "commit") this.stage = "find";
  }

  /** The answer to the step in flight. */
  onResponse(res: FindCoordinatorResponse | AddOffsetsToTxnResponse | TxnOffsetCommitResponse): SendOffsetsNext {
    this.inFlight = -1;
    const error = res.error;
    if (res.type === "FindCoordinatorResponse") {
      if (error === "NONE" && res.coordinator) {
        this.groupCoordinator = res.coordinator;
        this.stage = "commit";
        return "pump";
      }
      return "retry";
    }
    if (error === "NONE") {
      if (res.type === "TxnOffsetCommitResponse") return { done: null };
      this.stage = "find";
      return "pump";
    }
    if (res.type === "AddOffsetsToTxnResponse") {
      // AddOffsetsToTxnHandler.handleResponse
      const action = txnErrorAction("AddOffsetsToTxn", error);
      if (action.kind === "lookup-coordinator") return "lost-coordinator";
      if (action.kind === "retry") return "retry";
      if (action.kind === "abortable") return { done: action.error, bumpEpoch: action.bumpEpoch };
      return action.error === "PRODUCER_FENCED" ? "fenced" : { fatal: action.error };
    }
    if (COORDINATOR_ERRORS.has(error)) {
      this.stage = "find";
      return "retry";
    }
    if (error === "CONCURRENT_TRANSACTIONS" || error === "UNSTABLE_OFFSET_COMMIT" || error === "COORDINATOR_LOAD_IN_PROGRESS") return "retry";
    if (error === "PRODUCER_FENCED" || error === "INVALID_PRODUCER_EPOCH") return "fenced";
    return { done: error };
  }
}

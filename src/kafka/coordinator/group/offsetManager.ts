import type { ActorContext, ConnectionId } from "../../../sim/index.js";
import type { ErrorName } from "../../protocol/errors.js";
import type { OffsetCommitRequest, OffsetCommitResponse } from "../../protocol/groupMessages.js";
import type { OffsetEntry, OffsetFetchRequest, OffsetFetchResponse, TxnOffsetCommitRequest, TxnOffsetCommitResponse } from "../../protocol/transactionMessages.js";
import { encodeOffsets, replayOffsets } from "../offsetLog.js";
import type { CoordinatorReplica } from "../partitionWriter.js";
import { ClassicGroup } from "./classicGroup.js";
import type { ClassicGroupManager } from "./classicGroupManager.js";
import type { ConsumerGroup } from "./consumerGroup.js";

/** What offsets need from the group coordinator they belong to. */
export interface OffsetHost {
  ctx: ActorContext;
  /** The classic groups (a commit is validated against the generation; one outside group management may create one). */
  classic: ClassicGroupManager;
  /** KIP-848 consumer groups (a commit is validated against the member epoch). */
  consumerGroups: ReadonlyMap<string, ConsumerGroup>;
  /** This broker's replica of the group's offsets partition, if it leads it. */
  leaderReplica(groupId: string): CoordinatorReplica | null;
  /** Appends one record keyed by the group to its partition (acks=all), transactional when `txn` is given. */
  append(groupId: string, value: string, txn: { producerId: number; producerEpoch: number } | null, done: (error: ErrorName) => void): void;
}

/**
 * The group coordinator's offsets (Kafka `OffsetMetadataManager`): OffsetCommit validated against the group's
 * generation or member epoch, TxnOffsetCommit written as a transactional batch of the producer (committed with its
 * marker, KIP-98; fenced like a commit, KIP-447), and OffsetFetch answered from the partition replayed up to its HW
 * (UNSTABLE_OFFSET_COMMIT while transactional offsets are pending, KIP-447 require_stable).
 */
export class OffsetManager {
  constructor(private readonly host: OffsetHost) {}

  private get ctx(): ActorContext {
    return this.host.ctx;
  }

  /** GroupCoordinator.handleCommitOffsets (classic groups). */
  handleOffsetCommit(req: OffsetCommitRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName) => this.ctx.write(conn, { type: "OffsetCommitResponse", correlationId: req.correlationId, error } satisfies OffsetCommitResponse);
    const p = this.host.leaderReplica(req.groupId);
    if (!p) return reply("NOT_COORDINATOR");
    const modern = this.host.consumerGroups.get(req.groupId);
    if (modern) {
      const invalid = modern.validateOffsetCommit(req.memberId, req.generationId);
      if (invalid) return this.traceCommit(req, invalid, reply);
      return this.host.append(req.groupId, encodeOffsets(req.offsets), null, (error) => this.traceCommit(req, storeOffsetsError(error), reply));
    }
    let g = this.host.classic.groups.get(req.groupId);
    if (!g) {
      // Only a commit outside group management may create the group.
      if (req.generationId >= 0) return reply("ILLEGAL_GENERATION");
      this.host.classic.groups.set(req.groupId, (g = new ClassicGroup(req.groupId)));
    }
    const invalid = g.validateOffsetCommit(req.generationId, req.memberId, req.groupInstanceId, false);
    if (invalid) return this.traceCommit(req, invalid, reply);
    // A commit of the previous generation is allowed while preparing; not before the new assignment is known.
    if (g.state === "CompletingRebalance") return this.traceCommit(req, "REBALANCE_IN_PROGRESS", reply);
    const m = g.members.get(req.memberId);
    if (m && (g.state === "Stable" || g.state === "PreparingRebalance")) this.host.classic.scheduleSession(g, m);
    this.host.append(req.groupId, encodeOffsets(req.offsets), null, (error) => this.traceCommit(req, storeOffsetsError(error), reply));
  }

  private traceCommit(req: OffsetCommitRequest, error: ErrorName, reply: (e: ErrorName) => void): void {
    this.ctx.trace("group-coordinator.offset-commit", { groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, offsets: req.offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`), error });
    reply(error);
  }

  /**
   * TxnOffsetCommit: the offsets go into the group's partition as a transactional batch of the producer, so they
   * become committed with its commit marker and vanish with an abort (KIP-98); the generation check is the one
   * OffsetCommit makes, which fences a zombie that lost its partitions in a rebalance (KIP-447).
   */
  handleTxnOffsetCommit(req: TxnOffsetCommitRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName) => this.ctx.write(conn, { type: "TxnOffsetCommitResponse", correlationId: req.correlationId, error } satisfies TxnOffsetCommitResponse);
    const p = this.host.leaderReplica(req.groupId);
    if (!p) return reply("NOT_COORDINATOR");
    const modern = this.host.consumerGroups.get(req.groupId);
    let g = this.host.classic.groups.get(req.groupId);
    const trace = (error: ErrorName) =>
      this.ctx.trace("group-coordinator.txn-offset-commit", { groupId: req.groupId, producerId: req.producerId, producerEpoch: req.producerEpoch, generationId: req.generationId, memberId: req.memberId, offsets: req.offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`), error });
    // OffsetMetadataManager.validateTransactionalOffsetCommit: an unknown group is created (a simple group) only by a
    // commit outside group management (generation < 0); one that names a generation is ILLEGAL_GENERATION.
    if (!g && !modern) {
      if (req.generationId >= 0) {
        trace("ILLEGAL_GENERATION");
        return reply("ILLEGAL_GENERATION");
      }
      this.host.classic.groups.set(req.groupId, (g = new ClassicGroup(req.groupId)));
    }
    // KIP-447 fencing: a classic group checks the generation, a consumer group the member epoch. A stale member epoch
    // is answered ILLEGAL_GENERATION (OffsetMetadataManager.validateTransactionalOffsetCommit catches
    // StaleMemberEpochException), the error a transactional producer's TxnOffsetCommitHandler turns into an abortable
    // CommitFailedException.
    const checked = modern ? modern.validateOffsetCommit(req.memberId, req.generationId) : g!.validateOffsetCommit(req.generationId, req.memberId, req.groupInstanceId ?? null, true);
    const invalid = checked === "STALE_MEMBER_EPOCH" ? "ILLEGAL_GENERATION" : checked;
    if (invalid) {
      trace(invalid);
      return reply(invalid);
    }
    this.host.append(req.groupId, encodeOffsets(req.offsets), { producerId: req.producerId, producerEpoch: req.producerEpoch }, (error) => {
      trace(error);
      reply(error === "INVALID_PRODUCER_EPOCH" ? "PRODUCER_FENCED" : storeOffsetsError(error));
    });
  }

  handleOffsetFetch(req: OffsetFetchRequest, conn: ConnectionId): void {
    const reply = (error: ErrorName, offsets: OffsetEntry[]) => this.ctx.write(conn, { type: "OffsetFetchResponse", correlationId: req.correlationId, error, offsets } satisfies OffsetFetchResponse);
    const p = this.host.leaderReplica(req.groupId);
    if (!p) return reply("NOT_COORDINATOR", []);
    const state = replayOffsets(p.log.batches, p.highWatermark);
    if (req.requireStable) for (const byGroup of state.pending.values()) if (byGroup.has(req.groupId)) return reply("UNSTABLE_OFFSET_COMMIT", []);
    reply("NONE", [...(state.committed.get(req.groupId)?.values() ?? [])]);
  }
}

/** GroupMetadataManager.storeOffsets maps append errors to what the client understands. */
export function storeOffsetsError(error: ErrorName): ErrorName {
  switch (error) {
    case "UNKNOWN_TOPIC_OR_PARTITION":
    case "NOT_ENOUGH_REPLICAS":
    case "NOT_ENOUGH_REPLICAS_AFTER_APPEND":
      return "COORDINATOR_NOT_AVAILABLE";
    case "NOT_LEADER_OR_FOLLOWER":
      return "NOT_COORDINATOR";
    default:
      return error;
  }
}

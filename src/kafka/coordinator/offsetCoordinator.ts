import type { ActorContext } from "../../sim/index.js";
import type { Partition } from "../broker/partition.js";
import type { ErrorName } from "../protocol/errors.js";
import type { OffsetFetchRequest, OffsetFetchResponse, TxnOffsetCommitRequest, TxnOffsetCommitResponse } from "../protocol/transactionMessages.js";
import { NO_SEQUENCE } from "../log/recordBatch.js";
import { encodeOffsets, offsetsPartitionFor, replayOffsets } from "./offsetLog.js";

export interface OffsetCoordinatorHost {
  ctx: ActorContext;
  numPartitions: number;
  /** This broker's replica of a `__consumer_offsets` partition. */
  logPartition(index: number): Partition | undefined;
}

/**
 * The offsets half of the group coordinator (Kafka `GroupMetadataManager`), as transactions need it now:
 * TxnOffsetCommit writes the offsets into the group's `__consumer_offsets` partition as a transactional batch of the
 * producer, so they become committed with the producer's commit marker and vanish with an abort; OffsetFetch with
 * require-stable answers UNSTABLE_OFFSET_COMMIT while such offsets are pending (KIP-447). The coordinator is the
 * leader of the partition the group id hashes to.
 * Not yet (the consumer-group issue): groups and members, so only commits outside a generation (generation -1, as a
 * manually assigned consumer's) are accepted; no KIP-890 verification of TxnOffsetCommit.
 */
export class OffsetCoordinator {
  constructor(private readonly host: OffsetCoordinatorHost) {}

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.host.numPartitions);
  }

  private leaderPartition(groupId: string): Partition | null {
    const p = this.host.logPartition(this.partitionFor(groupId));
    return p && p.role === "leader" ? p : null;
  }

  handleTxnOffsetCommit(from: string, req: TxnOffsetCommitRequest): void {
    const reply = (error: ErrorName) => this.host.ctx.send(from, { type: "TxnOffsetCommitResponse", correlationId: req.correlationId, error } satisfies TxnOffsetCommitResponse);
    const p = this.leaderPartition(req.groupId);
    if (!p) return reply("NOT_COORDINATOR");
    // ClassicGroup.validateOffsetCommit: without groups yet, only a commit outside any generation is valid.
    if (req.generationId >= 0 || req.memberId !== "") return reply("UNKNOWN_MEMBER_ID");
    const batch = {
      producerId: req.producerId,
      producerEpoch: req.producerEpoch,
      baseSequence: NO_SEQUENCE, // a coordinator's write: never deduplicated (AppendOrigin.COORDINATOR)
      isTransactional: true,
      isControl: false,
      records: [{ key: req.groupId, value: encodeOffsets(req.offsets) }],
      sizeBytes: 120,
    };
    // acks=-1 with offsets.commit.timeout.ms (default 5000), as GroupMetadataManager.storeOffsets appends.
    p.appendRecordsToLeader(batch, -1, 5000, -1, from, (error) => {
      this.host.ctx.trace("group-coordinator.txn-offset-commit", { groupId: req.groupId, producerId: req.producerId, producerEpoch: req.producerEpoch, offsets: req.offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`), error });
      reply(error === "INVALID_PRODUCER_EPOCH" ? "PRODUCER_FENCED" : error === "NOT_LEADER_OR_FOLLOWER" ? "NOT_COORDINATOR" : error);
    });
  }

  handleOffsetFetch(from: string, req: OffsetFetchRequest): void {
    const reply = (error: ErrorName, offsets: OffsetFetchResponse["offsets"]) => this.host.ctx.send(from, { type: "OffsetFetchResponse", correlationId: req.correlationId, error, offsets } satisfies OffsetFetchResponse);
    const p = this.leaderPartition(req.groupId);
    if (!p) return reply("NOT_COORDINATOR", []);
    const state = replayOffsets(p.log.batches, p.highWatermark);
    if (req.requireStable) for (const byGroup of state.pending.values()) if (byGroup.has(req.groupId)) return reply("UNSTABLE_OFFSET_COMMIT", []);
    reply("NONE", [...(state.committed.get(req.groupId)?.values() ?? [])]);
  }
}

import { coordinatorPartitionFor } from "./coordinatorPartition.js";
import type { RecordBatch } from "../log/recordBatch.js";
import { markerOf } from "../log/producerStateManager.js";
import type { OffsetEntry } from "../protocol/transactionMessages.js";
import type { GroupProtocol, TopicPartitionRef } from "../protocol/groupMessages.js";
import type { ConsumerGroupMember } from "./group/consumerGroup.js";

export const CONSUMER_OFFSETS_TOPIC = "__consumer_offsets";

/** GroupCoordinator.partitionFor: Utils.abs(groupId.hashCode) % partitions. */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  return coordinatorPartitionFor(groupId, partitions);
}

/**
 * An offset commit record of `__consumer_offsets` (key: group, value: JSON of the offsets). Simplified: Kafka keys
 * each partition's offset separately and tells the record types apart by key version; here an offsets record's
 * value is a list and a GroupMetadata record's an object.
 */
export function encodeOffsets(offsets: OffsetEntry[]): string {
  return JSON.stringify(offsets);
}

/** A member as the GroupMetadata record keeps it (Kafka `GroupMetadataValue.MemberMetadata`). */
export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: GroupProtocol[];
  assignment: TopicPartitionRef[];
}

/** The GroupMetadata record: written when a generation's assignment is stored, or when the group empties. */
export interface StoredGroup {
  kind: "group";
  generationId: number;
  protocolName: string | null;
  leader: string | null;
  members: StoredMember[];
}

/** A KIP-848 consumer group as written after each change (simplified: one record instead of Kafka's several). */
export interface StoredConsumerGroup {
  kind: "consumer-group";
  groupEpoch: number;
  targetAssignmentEpoch: number;
  targetAssignment: [string, TopicPartitionRef[]][];
  members: ConsumerGroupMember[];
}

export function encodeGroup(g: StoredGroup | StoredConsumerGroup): string {
  return JSON.stringify(g);
}

/**
 * Expired offsets (OffsetMetadataManager.cleanupExpiredOffsets → appendOffsetCommitTombstone): Kafka writes one
 * tombstone (null value) per partition's offset key; simplified here to one record naming the group's partitions.
 */
export interface OffsetTombstones {
  kind: "offset-tombstones";
  partitions: TopicPartitionRef[];
}

/** A deleted group (GroupMetadataManager.maybeDeleteGroup: the group's metadata tombstone), as one record. */
export interface GroupTombstone {
  kind: "group-tombstone";
}

export function encodeOffsetTombstones(partitions: TopicPartitionRef[]): string {
  return JSON.stringify({ kind: "offset-tombstones", partitions } satisfies OffsetTombstones);
}

export function encodeGroupTombstone(): string {
  return JSON.stringify({ kind: "group-tombstone" } satisfies GroupTombstone);
}

/**
 * Committed offsets per group, transactional offsets waiting for their producer's marker, and group metadata, with
 * the times (ms, the batch's append timestamp) they were written: an offset's `commitTimestampMs` and the time of a
 * group's last GroupMetadata record (Kafka keeps `currentStateTimestamp` in that record; the model's record is
 * written when the group's state changes, so its append time stands for it).
 */
export interface OffsetsState {
  committed: Map<string, Map<string, OffsetEntry>>;
  /** group → `topic-partition` → commit time (ms) of the offset in `committed`. */
  committedAtMs: Map<string, Map<string, number>>;
  /** producer id → group → offsets with their TxnOffsetCommit's append time (ms). */
  pending: Map<number, Map<string, OffsetEntry[]>>;
  pendingAtMs: Map<number, Map<string, number[]>>;
  groups: Map<string, StoredGroup | StoredConsumerGroup>;
  /** group → append time (ms) of its last group record. */
  groupWrittenAtMs: Map<string, number>;
}

/**
 * Replays a `__consumer_offsets` partition: plain commits apply at once; transactional ones wait for their
 * producer's marker (applied on COMMIT, dropped on ABORT), as GroupMetadataManager does with pending offsets.
 */
export function replayOffsets(batches: readonly RecordBatch[], highWatermark: number): OffsetsState {
  const state: OffsetsState = { committed: new Map(), committedAtMs: new Map(), pending: new Map(), pendingAtMs: new Map(), groups: new Map(), groupWrittenAtMs: new Map() };
  // Kafka 4's coordinator runtime serves reads from its snapshot at the HW: nothing uncommitted is visible.
  for (const b of batches) if (b.baseOffset < highWatermark) applyOffsetsBatch(state, b);
  return state;
}

export function applyOffsetsBatch(state: OffsetsState, b: RecordBatch): void {
  const atMs = b.maxTimestampMs ?? 0;
  if (b.isControl) {
    const pending = state.pending.get(b.producerId);
    const pendingAt = state.pendingAtMs.get(b.producerId);
    state.pending.delete(b.producerId);
    state.pendingAtMs.delete(b.producerId);
    if (pending && markerOf(b).commit) for (const [group, offsets] of pending) commit(state, group, offsets, pendingAt?.get(group) ?? []);
    return;
  }
  for (const r of b.records) {
    if (r.key === null) continue;
    const parsed = JSON.parse(r.value) as OffsetEntry[] | StoredGroup | StoredConsumerGroup | OffsetTombstones | GroupTombstone;
    if (!Array.isArray(parsed)) {
      if (parsed.kind === "offset-tombstones") {
        for (const t of parsed.partitions) {
          state.committed.get(r.key)?.delete(`${t.topic}-${t.partition}`);
          state.committedAtMs.get(r.key)?.delete(`${t.topic}-${t.partition}`);
        }
      } else if (parsed.kind === "group-tombstone") {
        state.groups.delete(r.key);
        state.groupWrittenAtMs.delete(r.key);
        state.committed.delete(r.key);
        state.committedAtMs.delete(r.key);
      } else {
        state.groups.set(r.key, parsed);
        state.groupWrittenAtMs.set(r.key, atMs);
      }
      continue;
    }
    const offsets = parsed;
    if (!b.isTransactional) commit(state, r.key, offsets, offsets.map(() => atMs));
    else {
      let byGroup = state.pending.get(b.producerId);
      let atByGroup = state.pendingAtMs.get(b.producerId);
      if (!byGroup) state.pending.set(b.producerId, (byGroup = new Map()));
      if (!atByGroup) state.pendingAtMs.set(b.producerId, (atByGroup = new Map()));
      byGroup.set(r.key, [...(byGroup.get(r.key) ?? []), ...offsets]);
      atByGroup.set(r.key, [...(atByGroup.get(r.key) ?? []), ...offsets.map(() => atMs)]);
    }
  }
}

function commit(state: OffsetsState, group: string, offsets: OffsetEntry[], atMs: number[]): void {
  let g = state.committed.get(group);
  if (!g) state.committed.set(group, (g = new Map()));
  let at = state.committedAtMs.get(group);
  if (!at) state.committedAtMs.set(group, (at = new Map()));
  offsets.forEach((o, i) => {
    g.set(`${o.topic}-${o.partition}`, o);
    at.set(`${o.topic}-${o.partition}`, atMs[i] ?? 0);
  });
}

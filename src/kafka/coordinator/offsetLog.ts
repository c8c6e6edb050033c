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

/** Committed offsets per group, transactional offsets waiting for their producer's marker, and group metadata. */
export interface OffsetsState {
  committed: Map<string, Map<string, OffsetEntry>>;
  pending: Map<number, Map<string, OffsetEntry[]>>;
  groups: Map<string, StoredGroup | StoredConsumerGroup>;
}

/**
 * Replays a `__consumer_offsets` partition: plain commits apply at once; transactional ones wait for their
 * producer's marker (applied on COMMIT, dropped on ABORT), as GroupMetadataManager does with pending offsets.
 */
export function replayOffsets(batches: readonly RecordBatch[], highWatermark: number): OffsetsState {
  const state: OffsetsState = { committed: new Map(), pending: new Map(), groups: new Map() };
  // Kafka 4's coordinator runtime serves reads from its snapshot at the HW: nothing uncommitted is visible.
  for (const b of batches) if (b.baseOffset < highWatermark) applyOffsetsBatch(state, b);
  return state;
}

export function applyOffsetsBatch(state: OffsetsState, b: RecordBatch): void {
  if (b.isControl) {
    const pending = state.pending.get(b.producerId);
    state.pending.delete(b.producerId);
    if (pending && markerOf(b).commit) for (const [group, offsets] of pending) commit(state, group, offsets);
    return;
  }
  for (const r of b.records) {
    if (r.key === null) continue;
    const parsed = JSON.parse(r.value) as OffsetEntry[] | StoredGroup | StoredConsumerGroup;
    if (!Array.isArray(parsed)) {
      state.groups.set(r.key, parsed);
      continue;
    }
    const offsets = parsed;
    if (!b.isTransactional) commit(state, r.key, offsets);
    else {
      let byGroup = state.pending.get(b.producerId);
      if (!byGroup) state.pending.set(b.producerId, (byGroup = new Map()));
      byGroup.set(r.key, [...(byGroup.get(r.key) ?? []), ...offsets]);
    }
  }
}

function commit(state: OffsetsState, group: string, offsets: OffsetEntry[]): void {
  let g = state.committed.get(group);
  if (!g) state.committed.set(group, (g = new Map()));
  for (const o of offsets) g.set(`${o.topic}-${o.partition}`, o);
}

import type { TopicPartitionRef } from "../../protocol/groupMessages.js";
import type { OffsetsState } from "../offsetLog.js";

/**
 * What offset expiry needs to know of a group (Kafka `Group.offsetExpirationCondition` and `isSubscribedToTopic`):
 * - `standalone`: a classic group nobody ever joined (no protocol type: offsets committed outside group management,
 *   `assign()`); its offsets expire `offsets.retention.minutes` after their commit;
 * - `classic`: a classic group with the "consumer" protocol type (`ClassicGroup.offsetExpirationCondition`): Empty
 *   since `currentStateTimestampMs` (ms), every offset expires that long after the group became Empty (KIP-211);
 *   Stable, the offsets of topics none of its members subscribes to (`subscribedTopics`, the union of their
 *   subscriptions, `computeSubscribedTopics`) expire that long after their commit (KIP-496); in any other state
 *   nothing expires;
 * - `consumer`: a KIP-848 consumer group; offsets of topics no member subscribes to expire that long after their
 *   commit (`ConsumerGroup.offsetExpirationCondition`, `ModernGroup.isSubscribedToTopic`).
 */
export type ExpiringGroup =
  | { kind: "standalone" }
  | { kind: "classic"; state: string; currentStateTimestampMs: number; subscribedTopics: ReadonlySet<string> }
  | { kind: "consumer"; subscribedTopics: ReadonlySet<string> };

/** What one cleanup pass decides for a group. */
export interface OffsetExpiry {
  /** Partitions whose committed offset is expired now (a tombstone each). */
  expired: TopicPartitionRef[];
  /**
   * Every offset the group had is expired and it has no pending transactional offsets: the group may be deleted if
   * it is empty (OffsetMetadataManager.cleanupExpiredOffsets' return value, then GroupMetadataManager.maybeDeleteGroup).
   */
  allExpired: boolean;
}

/**
 * OffsetMetadataManager.cleanupExpiredOffsets with OffsetExpirationConditionImpl.isOffsetExpired (no per-partition
 * expireTimestamp: that was OffsetCommit v1's, not modelled): an offset of a topic the group is not subscribed to is
 * expired when `nowMs - base >= retentionMs`, the base being its commit time or, for an Empty classic group, the
 * time it became Empty; an offset with a pending transactional offset for the same partition is kept. A group with no
 * offsets counts as all expired. Times in ms; `state` is the coordinator's replay of the group's partition.
 */
export function cleanupExpiredOffsets(groupId: string, group: ExpiringGroup, state: OffsetsState, nowMs: number, retentionMs: number): OffsetExpiry {
  const committed = state.committed.get(groupId);
  const pendingTxn = hasPendingTransactionalOffsets(groupId, state);
  if (!committed || committed.size === 0) return { expired: [], allExpired: pendingTxn === null };
  const at = state.committedAtMs.get(groupId);
  const commitTime = (key: string) => at?.get(key) ?? 0;
  // Group.offsetExpirationCondition: a classic group only expires offsets while Empty (from the time it became Empty)
  // or Stable (from their commit); a standalone or consumer group always (from their commit).
  let base: ((key: string) => number) | null = commitTime;
  if (group.kind === "classic") base = group.state === "Empty" ? () => group.currentStateTimestampMs : group.state === "Stable" ? commitTime : null;
  if (base === null) return { expired: [], allExpired: false };
  const expired: TopicPartitionRef[] = [];
  let allExpired = true;
  // Kafka walks a hash map; the model walks commit order (the tombstones are one record, so order only names them).
  for (const [key, o] of committed) {
    // Group.isSubscribedToTopic: an Empty classic group subscribes to nothing; a standalone one never does.
    const subscribed = (group.kind === "consumer" || (group.kind === "classic" && group.state !== "Empty")) && group.subscribedTopics.has(o.topic);
    if (!subscribed && nowMs - base(key) >= retentionMs && !pendingTxn?.has(key)) expired.push({ topic: o.topic, partition: o.partition });
    else allExpired = false;
  }
  // OffsetMetadataManager: "We don't want to remove the group if there are ongoing transactions."
  return { expired, allExpired: allExpired && pendingTxn === null };
}

/** The `topic-partition` keys with a transactional offset of the group still waiting for its marker, or null if none. */
function hasPendingTransactionalOffsets(groupId: string, state: OffsetsState): Set<string> | null {
  let keys: Set<string> | null = null;
  for (const byGroup of state.pending.values()) {
    const offsets = byGroup.get(groupId);
    if (!offsets) continue;
    keys ??= new Set();
    for (const o of offsets) keys.add(`${o.topic}-${o.partition}`);
  }
  return keys;
}

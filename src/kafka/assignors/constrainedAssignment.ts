import { javaHashMapKeyOrder } from "./javaHashOrder.js";
import { type Assignment, compareStrings, compareTopicPartitions, type TopicPartitionRef, tpString } from "./types.js";

/** The constrained builder's answer: the assignment, and which partitions move from another previous owner. */
export interface ConstrainedResult {
  assignment: Assignment;
  /** Partition key (`topic-partition`) → new owner, for partitions another member owned (or several claimed). */
  partitionsTransferringOwnership: Map<string, string>;
}

/**
 * Kafka `AbstractStickyAssignor.ConstrainedAssignmentBuilder.build` (all members subscribe to the same topics),
 * without racks:
 * 1. assignOwnedPartitions: members in the iteration order of Kafka's `consumerToOwnedPartitions` HashMap; each
 *    member's owned partitions sorted by (partition, then topic); under minQuota it keeps all; owning maxQuota or
 *    more while fewer than `total % members` members have maxQuota it keeps the first maxQuota; else it keeps the
 *    first minQuota. What it does not keep is "maybe revoked".
 * 2. assignRoundRobin: the unassigned partitions in (topic, partition) order go round-robin to the members under
 *    minQuota (sorted by member id), then one each to members at exactly minQuota (sorted, then in the order they
 *    reached minQuota) until `total % members` members have maxQuota.
 * A partition given to a member other than the one that may have revoked it, or claimed by several members,
 * is "transferring ownership" (the cooperative assignor holds it back for one round).
 *
 * @param partitionsPerTopic topic → partition count, only the subscribed topics that exist
 * @param ownedByMember member id → its previously owned partitions that are still valid, in the member's subscription
 *   order; insertion order of this record is the order members were put into Kafka's HashMap
 * @param multiplyClaimed partition keys claimed by several members of the same generation (owned by nobody)
 */
export function constrainedAssign(
  partitionsPerTopic: Record<string, number>,
  ownedByMember: Record<string, TopicPartitionRef[]>,
  multiplyClaimed: ReadonlySet<string>,
): ConstrainedResult {
  const members = javaHashMapKeyOrder(Object.keys(ownedByMember));
  const total = Object.values(partitionsPerTopic).reduce((a, b) => a + b, 0);
  const minQuota = Math.floor(total / members.length);
  const maxQuota = Math.ceil(total / members.length);
  const expectedNumMembersWithOverMinQuota = total % members.length;
  let currentNumMembersWithOverMinQuota = 0;

  const assignment: Assignment = {};
  for (const m of Object.keys(ownedByMember)) assignment[m] = [];
  const assigned = new Set<string>();
  const maybeRevoked = new Map<string, string>();
  let unfilledUnderMin: string[] = [];
  let unfilledExactlyMin: string[] = [];
  const transferring = new Map<string, string>();

  // assignOwnedPartitions
  for (const consumer of members) {
    const owned = [...ownedByMember[consumer]]
      .sort((x, y) => x.partition - y.partition || compareStrings(x.topic, y.topic))
      .filter((tp) => !multiplyClaimed.has(tpString(tp)));
    const keep = (n: number) => {
      for (const tp of owned.slice(0, n)) {
        assignment[consumer].push(tp);
        assigned.add(tpString(tp));
      }
      for (const tp of owned.slice(n)) maybeRevoked.set(tpString(tp), consumer);
    };
    if (owned.length < minQuota) {
      keep(owned.length);
      unfilledUnderMin.push(consumer);
    } else if (owned.length >= maxQuota && currentNumMembersWithOverMinQuota < expectedNumMembersWithOverMinQuota) {
      currentNumMembersWithOverMinQuota++;
      if (currentNumMembersWithOverMinQuota === expectedNumMembersWithOverMinQuota) unfilledExactlyMin = [];
      keep(maxQuota);
    } else {
      keep(minQuota);
      if (currentNumMembersWithOverMinQuota < expectedNumMembersWithOverMinQuota) unfilledExactlyMin.push(consumer);
    }
  }

  // getUnassignedPartitions: every partition in (topic, partition) order that nobody kept.
  const unassigned: TopicPartitionRef[] = [];
  for (const topic of Object.keys(partitionsPerTopic).sort(compareStrings))
    for (let p = 0; p < partitionsPerTopic[topic]; p++) if (!assigned.has(`${topic}-${p}`)) unassigned.push({ topic, partition: p });
  unassigned.sort(compareTopicPartitions);
  unfilledUnderMin = unfilledUnderMin.sort(compareStrings);
  unfilledExactlyMin = unfilledExactlyMin.sort(compareStrings);

  const assignNewPartition = (tp: TopicPartitionRef, consumer: string): number => {
    assignment[consumer].push(tp);
    const k = tpString(tp);
    const revokedBy = maybeRevoked.get(k);
    if ((revokedBy !== undefined && revokedBy !== consumer) || multiplyClaimed.has(k)) transferring.set(k, consumer);
    return assignment[consumer].length;
  };

  // assignRoundRobin: a cursor over unfilledUnderMin that restarts at its head when it runs off the end (Java's
  // iterator over a LinkedList, re-created when exhausted; `remove` drops the element just returned).
  let cursor = 0;
  for (let i = 0; i < unassigned.length; i++) {
    let consumer: string;
    let fromUnderMin: boolean;
    if (cursor < unfilledUnderMin.length) {
      consumer = unfilledUnderMin[cursor++];
      fromUnderMin = true;
    } else if (unfilledUnderMin.length === 0 && unfilledExactlyMin.length === 0) {
      throw new Error("No more unfilled consumers to be assigned.");
    } else if (unfilledUnderMin.length === 0) {
      consumer = unfilledExactlyMin.shift()!;
      fromUnderMin = false;
    } else {
      cursor = 0;
      consumer = unfilledUnderMin[cursor++];
      fromUnderMin = true;
    }
    const count = assignNewPartition(unassigned[i], consumer);
    if (count === minQuota) {
      // unfilledConsumerIter.remove(): only meaningful when the consumer came from that list.
      if (fromUnderMin) unfilledUnderMin.splice(--cursor, 1);
      unfilledExactlyMin.push(consumer);
    } else if (count === maxQuota) {
      currentNumMembersWithOverMinQuota++;
    }
  }
  return { assignment, partitionsTransferringOwnership: transferring };
}

import { constrainedAssign } from "./constrainedAssignment.js";
import { generalAssign } from "./generalAssignment.js";
import { type Assignment, type AssignorMember, compareStrings, type TopicPartitionRef, tpString } from "./types.js";

/**
 * Kafka `AbstractStickyAssignor.assignPartitions` (StickyAssignor, and CooperativeStickyAssignor with
 * `cooperative`), without racks: first balance, then stickiness (kafka-facts §2.4). When every member subscribes
 * to the same topics it is Kafka's `ConstrainedAssignmentBuilder` (constrainedAssignment.ts), otherwise Kafka's
 * `GeneralAssignmentBuilder` (generalAssignment.ts); where Kafka iterates a HashMap this follows Java's iteration
 * order (javaHashOrder.ts), so the answer is Kafka's for the same member ids.
 *
 * Simplifications: no generations (members' claims all count as the same generation, so a partition claimed by two
 * members is owned by neither, as Kafka does within one generation); an equal-subscription check that asks for equal
 * topic sets outright (Kafka compares with the first non-empty set, so it would also give partitions to a member
 * subscribed to nothing).
 *
 * @param partitionsPerTopic topic → partition count (topics nobody subscribes to are ignored)
 * @param members member id → subscription; the record's insertion order is the order Kafka's coordinator put them
 *   into its HashMap (JoinGroup response order)
 * @returns member id → partitions, in Kafka's list order; every member appears
 */
export function stickyAssign(partitionsPerTopic: Record<string, number>, members: Record<string, AssignorMember>, cooperative: boolean): Assignment {
  const ids = Object.keys(members);
  const subscribedTopics = new Set(ids.flatMap((id) => members[id].topics));
  // AbstractPartitionAssignor.assign: only the subscribed topics that exist.
  const ppt: Record<string, number> = {};
  for (const t of [...subscribedTopics].sort(compareStrings)) if (partitionsPerTopic[t] !== undefined) ppt[t] = partitionsPerTopic[t];
  const exists = (tp: TopicPartitionRef) => ppt[tp.topic] !== undefined && tp.partition >= 0 && tp.partition < ppt[tp.topic];

  // allSubscriptionsEqual: each member's still-valid owned partitions; a partition claimed twice is nobody's.
  const claims = new Map<string, number>();
  const ownedLists = new Map<string, TopicPartitionRef[]>();
  for (const id of ids) {
    const seen = new Set<string>();
    const list: TopicPartitionRef[] = [];
    for (const tp of members[id].ownedPartitions ?? []) {
      const k = tpString(tp);
      if (!exists(tp) || seen.has(k)) continue;
      seen.add(k);
      list.push(tp);
      claims.set(k, (claims.get(k) ?? 0) + 1);
    }
    ownedLists.set(id, list);
  }
  const multiplyClaimed = new Set([...claims].filter(([, n]) => n > 1).map(([k]) => k));
  const ownedByMember: Record<string, TopicPartitionRef[]> = {};
  for (const id of ids) ownedByMember[id] = ownedLists.get(id)!.filter((tp) => !multiplyClaimed.has(tpString(tp)));

  const first = new Set(members[ids[0]]?.topics ?? []);
  const allEqual = ids.every((id) => new Set(members[id].topics).size === first.size && members[id].topics.every((t) => first.has(t)));
  if (allEqual && ids.length > 0) {
    const r = constrainedAssign(ppt, ownedByMember, multiplyClaimed);
    // CooperativeStickyAssignor.adjustAssignment: a partition still owned by another member is only revoked in
    // this round; its new owner gets it in the next rebalance (KIP-429).
    if (cooperative) for (const [k, m] of r.partitionsTransferringOwnership) r.assignment[m] = r.assignment[m].filter((tp) => tpString(tp) !== k);
    return r.assignment;
  }
  const topicsByMember = Object.fromEntries(ids.map((id) => [id, members[id].topics]));
  const assignment = generalAssign(ppt, topicsByMember, ownedByMember);
  if (cooperative) {
    // CooperativeStickyAssignor.computePartitionsTransferringOwnership: added to one member (not in its own
    // ownedPartitions) while revoked from another.
    const revoked = new Set<string>();
    const added = new Map<string, string>();
    for (const id of ids) {
      const owned = new Set((members[id].ownedPartitions ?? []).map(tpString));
      const got = new Set(assignment[id].map(tpString));
      for (const k of got) if (!owned.has(k)) added.set(k, id);
      for (const k of owned) if (!got.has(k)) revoked.add(k);
    }
    for (const [k, id] of added) if (revoked.has(k)) assignment[id] = assignment[id].filter((tp) => tpString(tp) !== k);
  }
  return assignment;
}

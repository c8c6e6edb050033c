import { javaHashMapKeyOrder, javaHashOrder } from "./javaHashOrder.js";
import { type Assignment, type AssignorMember, compareStrings, sortAssignment } from "./types.js";
import { uniformHeterogeneousAssign } from "./uniformHeterogeneous.js";
import { uniformHomogeneousAssign } from "./uniformHomogeneous.js";
import type { MemberPartitions, UniformGroupSpec, UniformMemberSpec, UniformTopicOrder } from "./uniformSpec.js";

/**
 * Kafka `UniformAssignor.assign` (KIP-848's server-side `uniform` assignor, the first of `group.consumer.assignors`):
 * nothing for a group without members; UniformHomogeneousAssignmentBuilder when every member subscribes to the same
 * topics (`GroupSpec.subscriptionType()` HOMOGENEOUS), UniformHeterogeneousAssignmentBuilder otherwise.
 *
 * @returns member id → topic → partitions (members the builder left out have nothing)
 * @throws PartitionAssignorException as the builders do
 */
export function uniformAssignSpec(spec: UniformGroupSpec, partitionsPerTopic: Readonly<Record<string, number>>, topicOrder: UniformTopicOrder): Map<string, MemberPartitions> {
  if (spec.memberIds.length === 0) return new Map();
  return spec.subscriptionType === "HOMOGENEOUS" ? uniformHomogeneousAssign(spec, partitionsPerTopic, topicOrder) : uniformHeterogeneousAssign(spec, partitionsPerTopic, topicOrder);
}

/**
 * kafkasim's stand-in for topic ids: Kafka iterates HashSet<Uuid> and breaks ties by `Uuid.compareTo`, and its topic
 * ids are random (`Uuid.randomUuid` at creation), so Kafka defines no order there; kafkasim, which has no topic ids,
 * uses the topic names' order for both.
 */
export const TOPIC_NAME_ORDER: UniformTopicOrder = {
  hashSetOrder: (topics) => [...new Set(topics)].sort(compareStrings),
  compare: compareStrings,
};

/** Java's `HashSet(Collection)` table size: the power of two at or above max(n / 0.75 + 1, 16) (HashMap.tableSizeFor). */
export function hashSetCapacityFor(n: number): number {
  const wanted = Math.max(Math.floor(n / 0.75) + 1, 16);
  let capacity = 16;
  while (capacity < wanted) capacity *= 2;
  return capacity;
}

/**
 * The `uniform` target assignment for kafkasim's consumer group (ConsumerGroup.computeTargetAssignment), building
 * Kafka's GroupSpec as `TargetAssignmentBuilder.build` does:
 * - `memberIds` iterates a `HashMap<String, ...>` filled in the group's member order, so it is Java's HashMap order
 *   of the member ids (javaHashMapKeyOrder; a table that shrank by departures is not modelled);
 * - a member's subscription is its topics that exist (`TopicIds` resolves only names the metadata image knows: a
 *   count of 0 or none here); the subscription type is `ModernGroup.subscriptionType`, over topic names, existing or
 *   not (HOMOGENEOUS when each subscribed name has every member as subscriber);
 * - a member's current assignment is its previous target (`Assignment.fromRecord`: topics in a HashMap<Uuid>, taken
 *   in name order per TOPIC_NAME_ORDER; each topic's partitions in a `new HashSet<>(list)`, so in Java's HashSet
 *   order: ascending while below the table size). Partitions past a topic's current count are left out: topics never
 *   shrink in Kafka, and a recreated topic has a new id, so such a partition is not the member's any more.
 *
 * @param partitionsPerTopic topic → partition count (0: the topic does not exist)
 * @param members member id → subscription and previous target (`ownedPartitions`), in the group's member order
 * @returns member id → partitions sorted by topic, then partition; every member appears
 *   (TargetAssignmentBuilder.newMemberAssignment gives a member the builder left out an empty assignment)
 */
export function uniformAssign(partitionsPerTopic: Readonly<Record<string, number>>, members: Readonly<Record<string, AssignorMember>>): Assignment {
  const ids = Object.keys(members);
  const exists = (t: string) => (partitionsPerTopic[t] ?? 0) > 0;
  const subscriberCount = new Map<string, number>();
  for (const id of ids) for (const t of new Set(members[id].topics)) subscriberCount.set(t, (subscriberCount.get(t) ?? 0) + 1);
  const homogeneous = [...subscriberCount.values()].every((n) => n === ids.length);
  const specMembers: Record<string, UniformMemberSpec> = {};
  for (const id of ids) {
    const byTopic = new Map<string, number[]>();
    for (const tp of members[id].ownedPartitions ?? []) {
      if (!exists(tp.topic) || tp.partition < 0 || tp.partition >= partitionsPerTopic[tp.topic]) continue;
      const l = byTopic.get(tp.topic);
      if (l) l.push(tp.partition);
      else byTopic.set(tp.topic, [tp.partition]);
    }
    const assignment = [...byTopic.keys()].sort(compareStrings).map((t) => {
      const ps = [...new Set(byTopic.get(t))];
      return [t, javaHashOrder(ps, (p) => p, hashSetCapacityFor(ps.length))] as const;
    });
    specMembers[id] = { subscribedTopics: [...new Set(members[id].topics)].filter(exists).sort(compareStrings), assignment };
  }
  const spec: UniformGroupSpec = { memberIds: javaHashMapKeyOrder(ids), members: specMembers, subscriptionType: homogeneous ? "HOMOGENEOUS" : "HETEROGENEOUS" };
  const result = uniformAssignSpec(spec, partitionsPerTopic, TOPIC_NAME_ORDER);
  const out: Assignment = {};
  for (const id of ids) out[id] = [...(result.get(id) ?? new Map<string, number[]>())].flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
  return sortAssignment(out);
}

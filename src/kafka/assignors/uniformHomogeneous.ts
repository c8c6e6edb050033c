import { copyAssignment, type MemberPartitions, numPartitions, PartitionAssignorException, type UniformGroupSpec, type UniformTopicOrder } from "./uniformSpec.js";

/**
 * Kafka `UniformHomogeneousAssignmentBuilder.build` (group-coordinator assignor package): the target assignment of a
 * consumer group whose members all subscribe to the same topics. Balance first (sizes differ by at most one), then
 * stickiness:
 * 1. the unassigned partitions are those of the subscribed topics (the first member's subscription, iterated as
 *    `new HashSet<>(...)` does) that no member holds (`GroupSpec.isPartitionAssigned`), topic by topic, partitions
 *    ascending;
 * 2. quota = total partitions / members, and the first total % members members in `memberIds` order get one more;
 * 3. `maybeRevokePartitions`: each member, in `memberIds` order, keeps its partitions of subscribed topics in its
 *    assignment's iteration order up to its quota; the rest (and topics it no longer subscribes to) go, the excess
 *    partitions to the end of the unassigned list;
 * 4. `assignRemainingPartitions`: the members below their quota, in that order, take the unassigned list in order.
 *
 * Racks: Kafka's builder of this version has no rack logic (and kafkasim's consumer members carry no rack).
 *
 * @param partitionsPerTopic topic → partition count (the `SubscribedTopicDescriber`)
 * @returns member id → topic → partitions; `{}` when nobody subscribes to anything (Kafka's empty GroupAssignment)
 * @throws PartitionAssignorException for a subscribed topic the metadata lacks, or partitions left over
 */
export function uniformHomogeneousAssign(spec: UniformGroupSpec, partitionsPerTopic: Readonly<Record<string, number>>, topicOrder: UniformTopicOrder): Map<string, MemberPartitions> {
  const target = new Map<string, MemberPartitions>();
  if (spec.memberIds.length === 0) return target;
  const subscribedTopicIds = topicOrder.hashSetOrder(spec.members[spec.memberIds[0]].subscribedTopics);
  if (subscribedTopicIds.length === 0) return target;
  const subscribed = new Set(subscribedTopicIds);

  // GroupSpecImpl.isPartitionAssigned: the inverted target assignment of the members.
  const assigned = new Set<string>();
  for (const id of spec.memberIds) for (const [t, ps] of spec.members[id].assignment) for (const p of ps) assigned.add(`${t}\u0000${p}`);

  // build: the unassigned partitions and the total.
  const unassignedPartitions: [string, number][] = [];
  let totalPartitionsCount = 0;
  for (const topic of subscribedTopicIds) {
    const partitionCount = numPartitions(partitionsPerTopic, topic);
    if (partitionCount === -1) throw new PartitionAssignorException(`Members are subscribed to topic ${topic} which doesn't exist in the topic metadata.`);
    for (let i = 0; i < partitionCount; i++) if (!assigned.has(`${topic}\u0000${i}`)) unassignedPartitions.push([topic, i]);
    totalPartitionsCount += partitionCount;
  }
  const numberOfMembers = spec.memberIds.length;
  const minimumMemberQuota = Math.floor(totalPartitionsCount / numberOfMembers);
  let remainingMembersToGetAnExtraPartition = totalPartitionsCount % numberOfMembers;

  // maybeRevokePartitions.
  const unfilledMembers: { memberId: string; remainingQuota: number }[] = [];
  for (const memberId of spec.memberIds) {
    const oldAssignment = spec.members[memberId].assignment;
    const newAssignment = copyAssignment(oldAssignment);
    let quota = minimumMemberQuota;
    if (remainingMembersToGetAnExtraPartition > 0) {
      quota++;
      remainingMembersToGetAnExtraPartition--;
    }
    for (const [topicId, partitions] of oldAssignment) {
      if (subscribed.has(topicId)) {
        if (partitions.length <= quota) {
          quota -= partitions.length;
        } else {
          for (const partition of partitions) {
            if (quota > 0) {
              quota--;
            } else {
              const parts = newAssignment.get(topicId) ?? [];
              parts.splice(parts.indexOf(partition), 1);
              if (parts.length === 0) newAssignment.delete(topicId);
              unassignedPartitions.push([topicId, partition]);
            }
          }
        }
      } else {
        newAssignment.delete(topicId);
      }
    }
    if (quota > 0) unfilledMembers.push({ memberId, remainingQuota: quota });
    target.set(memberId, newAssignment);
  }

  // assignRemainingPartitions.
  let unassignedPartitionIndex = 0;
  for (const { memberId, remainingQuota } of unfilledMembers) {
    const newAssignment = target.get(memberId) ?? new Map<string, number[]>();
    for (let i = 0; i < remainingQuota && unassignedPartitionIndex < unassignedPartitions.length; i++) {
      const [topicId, partition] = unassignedPartitions[unassignedPartitionIndex++];
      const parts = newAssignment.get(topicId);
      if (parts) parts.push(partition);
      else newAssignment.set(topicId, [partition]);
    }
  }
  if (unassignedPartitionIndex < unassignedPartitions.length) throw new PartitionAssignorException("Partitions were left unassigned");
  return target;
}

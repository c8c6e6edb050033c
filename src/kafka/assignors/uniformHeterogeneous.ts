import { copyAssignment, type MemberPartitions, numPartitions, PartitionAssignorException, type UniformGroupSpec, type UniformTopicOrder } from "./uniformSpec.js";

/**
 * UniformHeterogeneousAssignmentBuilder.MAX_ITERATION_COUNT: the passes over the topics the final balancing may take.
 */
const MAX_ITERATION_COUNT = 16;

/**
 * Kafka `UniformHeterogeneousAssignmentBuilder.build` (group-coordinator assignor package): the target assignment of
 * a consumer group whose members subscribe to different topics. Balance first, then stickiness:
 * 1. `maybeRevokePartitions`: each member keeps its partitions of topics it still subscribes to;
 * 2. `assignRemainingPartitions`: topics by partitions per subscriber descending, then subscriber count ascending,
 *    then topic id; each topic's unassigned partitions, ascending, go one by one to its least loaded subscriber
 *    (`MemberAssignmentBalancer.nextLeastLoadedMember`; ties by member index, the position in `memberIds`);
 * 3. `balance`/`balanceTopics`/`balanceTopic`: over the topics with two or more subscribers, in that order, move a
 *    topic's partitions (each member's highest first) from its most to its least loaded subscribers until their
 *    totals differ by at most one; repeat until a whole pass moves nothing, at most 16 passes.
 * Every order the builder depends on is explicit here (member indices, sorted topics, sorted partitions), so the
 * port needs no hash order beyond `memberIds` and `UniformTopicOrder.compare`.
 *
 * Racks: Kafka's builder of this version has no rack logic (and kafkasim's consumer members carry no rack).
 *
 * @param partitionsPerTopic topic → partition count (the `SubscribedTopicDescriber`)
 * @returns member id → topic → partitions; `{}` when nobody subscribes to anything (Kafka's empty GroupAssignment)
 * @throws PartitionAssignorException for a subscribed topic the metadata lacks
 */
export function uniformHeterogeneousAssign(spec: UniformGroupSpec, partitionsPerTopic: Readonly<Record<string, number>>, topicOrder: UniformTopicOrder): Map<string, MemberPartitions> {
  return new HeterogeneousBuilder(spec, partitionsPerTopic, topicOrder).build();
}

/** The builder's state, field for field as Kafka's (memberIds, memberIndices, topicSubscribers, ...). */
class HeterogeneousBuilder {
  private readonly subscribedTopicIds = new Set<string>();
  private readonly memberIds: string[];
  private readonly memberIndices = new Map<string, number>();
  /** topic → subscribing member indices, ascending. */
  private readonly topicSubscribers = new Map<string, number[]>();
  private readonly targetAssignment = new Map<string, MemberPartitions>();
  readonly memberTargetAssignmentSizes: number[];
  /** topic → owner index of each partition (-1: unassigned). */
  private readonly targetAssignmentPartitionOwners = new Map<string, number[]>();

  constructor(
    private readonly spec: UniformGroupSpec,
    private readonly partitionsPerTopic: Readonly<Record<string, number>>,
    private readonly topicOrder: UniformTopicOrder,
  ) {
    this.memberIds = [...spec.memberIds];
    this.memberIds.forEach((id, i) => this.memberIndices.set(id, i));
    this.memberTargetAssignmentSizes = new Array<number>(this.memberIds.length).fill(0);
    for (let memberIndex = 0; memberIndex < this.memberIds.length; memberIndex++) {
      for (const topicId of spec.members[this.memberIds[memberIndex]].subscribedTopics) {
        if (numPartitions(partitionsPerTopic, topicId) === -1) throw new PartitionAssignorException(`Members are subscribed to topic ${topicId} which doesn't exist in the topic metadata.`);
        this.subscribedTopicIds.add(topicId);
        const subscribers = this.topicSubscribers.get(topicId);
        if (subscribers) subscribers.push(memberIndex);
        else this.topicSubscribers.set(topicId, [memberIndex]);
      }
    }
    for (const topicId of this.subscribedTopicIds) this.targetAssignmentPartitionOwners.set(topicId, new Array<number>(this.numPartitions(topicId)).fill(-1));
  }

  private numPartitions(topicId: string): number {
    return numPartitions(this.partitionsPerTopic, topicId);
  }

  private subscribers(topicId: string): number[] {
    return this.topicSubscribers.get(topicId) ?? [];
  }

  private owners(topicId: string): number[] {
    const o = this.targetAssignmentPartitionOwners.get(topicId);
    if (!o) throw new Error(`uniform assignor: ${topicId} is not a subscribed topic`);
    return o;
  }

  /** topicComparator: partitions per subscriber descending, then subscriber count ascending, then topic id. */
  private readonly topicComparator = (topic1Id: string, topic2Id: string): number => {
    const s1 = this.subscribers(topic1Id).length;
    const s2 = this.subscribers(topic2Id).length;
    const pps1 = this.numPartitions(topic1Id) / s1;
    const pps2 = this.numPartitions(topic2Id) / s2;
    let order = pps2 < pps1 ? -1 : pps2 > pps1 ? 1 : 0; // Double.compare(pps2, pps1)
    if (order === 0) order = s1 - s2;
    if (order === 0) order = this.topicOrder.compare(topic1Id, topic2Id);
    return order;
  };

  /** memberComparator: assigned partition count ascending, then member index ascending. */
  readonly memberComparator = (m1: number, m2: number): number => this.memberTargetAssignmentSizes[m1] - this.memberTargetAssignmentSizes[m2] || m1 - m2;

  build(): Map<string, MemberPartitions> {
    if (this.subscribedTopicIds.size === 0) return new Map();
    this.maybeRevokePartitions();
    this.assignRemainingPartitions(this.computeUnassignedPartitions());
    this.balance();
    return this.targetAssignment;
  }

  /** sortTopicIds. */
  private sortTopicIds(topicIds: Iterable<string>): string[] {
    return [...topicIds].sort(this.topicComparator);
  }

  /** maybeRevokePartitions: drop the topics a member no longer subscribes to; record owners and sizes of the rest. */
  private maybeRevokePartitions(): void {
    for (const memberId of this.spec.memberIds) {
      const memberIndex = this.memberIndices.get(memberId) ?? -1;
      const member = this.spec.members[memberId];
      const subscribed = new Set(member.subscribedTopics);
      const newAssignment = copyAssignment(member.assignment);
      for (const [topicId, partitions] of member.assignment) {
        if (subscribed.has(topicId)) {
          this.memberTargetAssignmentSizes[memberIndex] += partitions.length;
          const owners = this.owners(topicId);
          for (const partition of partitions) owners[partition] = memberIndex;
        } else {
          newAssignment.delete(topicId);
        }
      }
      this.targetAssignment.set(memberId, newAssignment);
    }
  }

  /** assignRemainingPartitions: each topic's unassigned partitions to its least loaded subscribers, in turn. */
  private assignRemainingPartitions(partitions: Map<string, number[]>): void {
    const balancer = new MemberAssignmentBalancer(this);
    for (const topicId of this.sortTopicIds(partitions.keys())) {
      balancer.initialize(this.subscribers(topicId));
      for (const partition of partitions.get(topicId) ?? []) this.assignPartition(topicId, partition, balancer.nextLeastLoadedMember());
    }
  }

  /** balance: only topics with two or more subscribers can move. */
  private balance(): void {
    const topicIds = [...this.subscribedTopicIds].filter((t) => this.subscribers(t).length >= 2);
    if (topicIds.length > 0) this.balanceTopics(topicIds);
  }

  /** balanceTopics: pass over the sorted topics until a whole pass reassigns nothing, or MAX_ITERATION_COUNT passes. */
  private balanceTopics(topicIds: string[]): void {
    const sortedTopicIds = this.sortTopicIds(topicIds);
    let lastRebalanceTopicIndex = -1;
    const balancer = new MemberAssignmentBalancer(this);
    const partitions: number[] = [];
    const startPartitionIndices = new Map<number, number>();
    const endPartitionIndices = new Map<number, number>(); // exclusive
    for (let i = 0; i < MAX_ITERATION_COUNT; i++) {
      for (let topicIndex = 0; topicIndex < sortedTopicIds.length; topicIndex++) {
        if (topicIndex === lastRebalanceTopicIndex) return;
        const reassigned = this.balanceTopic(sortedTopicIds[topicIndex], balancer, partitions, startPartitionIndices, endPartitionIndices);
        if (reassigned > 0 || lastRebalanceTopicIndex === -1) lastRebalanceTopicIndex = topicIndex;
      }
    }
  }

  /** balanceTopic: moves a topic's partitions from its most to its least loaded subscribers; returns how many moved. */
  private balanceTopic(topicId: string, balancer: MemberAssignmentBalancer, partitions: number[], startPartitionIndices: Map<number, number>, endPartitionIndices: Map<number, number>): number {
    let reassignedPartitionCount = 0;
    const numPartitions = this.numPartitions(topicId);
    const partitionOwners = this.owners(topicId);
    const imbalance = balancer.initialize(this.subscribers(topicId));
    if (imbalance <= 1) return reassignedPartitionCount;

    // The partitions grouped by owner (owner index, then partition).
    partitions.length = 0;
    for (let partition = 0; partition < numPartitions; partition++) partitions.push(partition);
    partitions.sort((a, b) => partitionOwners[a] - partitionOwners[b] || a - b);
    startPartitionIndices.clear();
    endPartitionIndices.clear();
    for (let i = 0; i < numPartitions; i++) {
      const ownerIndex = partitionOwners[partitions[i]];
      if (!startPartitionIndices.has(ownerIndex)) startPartitionIndices.set(ownerIndex, i);
      endPartitionIndices.set(ownerIndex, i + 1);
    }

    while (!balancer.isBalanced()) {
      let mostLoadedMemberIndex = -1;
      for (;;) {
        mostLoadedMemberIndex = balancer.nextMostLoadedMember();
        if (mostLoadedMemberIndex === -1) break;
        const end = endPartitionIndices.get(mostLoadedMemberIndex);
        const start = startPartitionIndices.get(mostLoadedMemberIndex);
        if (end === undefined || start === undefined || end - start <= 0) {
          balancer.excludeMostLoadedMember();
          continue;
        }
        break;
      }
      if (mostLoadedMemberIndex === -1) break;

      // Its last partition moves.
      const end = endPartitionIndices.get(mostLoadedMemberIndex) ?? 0;
      const partition = partitions[end - 1];
      endPartitionIndices.set(mostLoadedMemberIndex, end - 1);
      const leastLoadedMemberIndex = balancer.nextLeastLoadedMember();
      if (balancer.isBalanced()) break;
      this.assignPartition(topicId, partition, leastLoadedMemberIndex);
      reassignedPartitionCount++;
    }
    return reassignedPartitionCount;
  }

  /** computeUnassignedPartitions: each subscribed topic's partitions without an owner, ascending (empty ones left out). */
  private computeUnassignedPartitions(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const topicId of this.subscribedTopicIds) {
      const owners = this.owners(topicId);
      const free: number[] = [];
      for (let partition = 0; partition < owners.length; partition++) if (owners[partition] === -1) free.push(partition);
      if (free.length > 0) out.set(topicId, free);
    }
    return out;
  }

  /** assignPartition: takes the partition from its owner, if any, and gives it to `memberIndex`. */
  private assignPartition(topicId: string, partition: number, memberIndex: number): void {
    const oldMemberIndex = this.owners(topicId)[partition];
    if (oldMemberIndex !== -1) this.removePartitionFromTargetAssignment(topicId, partition, oldMemberIndex);
    this.addPartitionToTargetAssignment(topicId, partition, memberIndex);
  }

  private memberAssignment(memberIndex: number): MemberPartitions {
    const a = this.targetAssignment.get(this.memberIds[memberIndex]);
    if (!a) throw new Error(`uniform assignor: member ${this.memberIds[memberIndex]} has no target assignment`);
    return a;
  }

  /** addPartitionToTargetAssignment. */
  private addPartitionToTargetAssignment(topicId: string, partition: number, memberIndex: number): void {
    const assignment = this.memberAssignment(memberIndex);
    const parts = assignment.get(topicId);
    if (parts) parts.push(partition);
    else assignment.set(topicId, [partition]);
    this.owners(topicId)[partition] = memberIndex;
    this.memberTargetAssignmentSizes[memberIndex]++;
  }

  /** removePartitionFromTargetAssignment: a topic left with no partitions leaves the member's assignment. */
  private removePartitionFromTargetAssignment(topicId: string, partition: number, memberIndex: number): void {
    const assignment = this.memberAssignment(memberIndex);
    const parts = assignment.get(topicId);
    if (parts) {
      const at = parts.indexOf(partition);
      if (at >= 0) parts.splice(at, 1);
      if (parts.length === 0) assignment.delete(topicId);
    }
    this.owners(topicId)[partition] = -1;
    this.memberTargetAssignmentSizes[memberIndex]--;
  }
}

/**
 * Kafka `UniformHeterogeneousAssignmentBuilder.MemberAssignmentBalancer`: over a topic's subscribers sorted by load,
 * a least loaded range that grows rightwards (who gets the next partition) and a most loaded range that grows
 * leftwards (who gives one up); balanced when their partition counts differ by at most one. It reads the builder's
 * live sizes, as Kafka's inner class does.
 */
class MemberAssignmentBalancer {
  private readonly sortedMembers: number[] = [];
  private leastLoadedRangeEnd = 0; // exclusive
  private leastLoadedRangePartitionCount = -1;
  private nextLeastLoaded = 0;
  private mostLoadedRangeStart = 0; // inclusive
  private mostLoadedRangeEnd = 0; // exclusive
  private mostLoadedRangePartitionCount = 1;
  private nextMostLoaded = -1;

  constructor(private readonly builder: { memberTargetAssignmentSizes: number[]; memberComparator: (a: number, b: number) => number }) {}

  private size(i: number): number {
    return this.builder.memberTargetAssignmentSizes[this.sortedMembers[i]];
  }

  /** initialize: resets for `members`; returns the most minus the least loaded member's count. */
  initialize(members: number[]): number {
    if (members.length === 0) throw new Error("Cannot balance an empty subscriber list.");
    this.sortedMembers.length = 0;
    this.sortedMembers.push(...members);
    this.sortedMembers.sort(this.builder.memberComparator);
    const last = this.sortedMembers.length - 1;
    this.leastLoadedRangeEnd = 0;
    this.leastLoadedRangePartitionCount = this.size(0) - 1;
    this.nextLeastLoaded = 0;
    this.mostLoadedRangeStart = this.sortedMembers.length;
    this.mostLoadedRangeEnd = this.sortedMembers.length;
    this.mostLoadedRangePartitionCount = this.size(last) + 1;
    this.nextMostLoaded = last;
    return this.size(last) - this.size(0);
  }

  /** nextLeastLoadedMember: the member to give the next partition to (advances as if it got it). */
  nextLeastLoadedMember(): number {
    if (this.nextLeastLoaded >= this.leastLoadedRangeEnd) {
      this.leastLoadedRangePartitionCount++;
      while (this.leastLoadedRangeEnd < this.sortedMembers.length && this.size(this.leastLoadedRangeEnd) === this.leastLoadedRangePartitionCount) this.leastLoadedRangeEnd++;
      this.nextLeastLoaded = 0;
    }
    return this.sortedMembers[this.nextLeastLoaded++];
  }

  /** nextMostLoadedMember: the member to take a partition from (advances as if it gave it), or -1 if none. */
  nextMostLoadedMember(): number {
    if (this.nextMostLoaded < this.mostLoadedRangeStart) {
      if (this.mostLoadedRangeEnd <= this.mostLoadedRangeStart && this.mostLoadedRangeStart > 0) {
        this.mostLoadedRangePartitionCount = this.size(this.mostLoadedRangeStart - 1);
      } else {
        this.mostLoadedRangePartitionCount--;
      }
      while (this.mostLoadedRangeStart > 0 && this.size(this.mostLoadedRangeStart - 1) === this.mostLoadedRangePartitionCount) this.mostLoadedRangeStart--;
      this.nextMostLoaded = this.mostLoadedRangeEnd - 1;
    }
    if (this.nextMostLoaded < 0) return -1;
    return this.sortedMembers[this.nextMostLoaded--];
  }

  /** excludeMostLoadedMember: drops the member nextMostLoadedMember last returned from the most loaded range. */
  excludeMostLoadedMember(): void {
    const i = this.nextMostLoaded + 1;
    const member = this.sortedMembers[i];
    this.sortedMembers[i] = this.sortedMembers[this.mostLoadedRangeEnd - 1];
    this.sortedMembers[this.mostLoadedRangeEnd - 1] = member;
    this.mostLoadedRangeEnd--;
  }

  /** isBalanced: the two ranges' counts differ by at most one. */
  isBalanced(): boolean {
    return this.mostLoadedRangePartitionCount - this.leastLoadedRangePartitionCount <= 1;
  }
}

/**
 * The input of Kafka's KIP-848 `uniform` assignor builders (group-coordinator `api/assignor/GroupSpec`,
 * `SubscribedTopicDescriber`), with the iteration orders Kafka gets from its hash collections written out, so the
 * builders (uniformHomogeneous.ts, uniformHeterogeneous.ts) are deterministic functions of it. kafkasim has no topic
 * ids: a topic is its name here where Kafka has its Uuid.
 */
export interface UniformGroupSpec {
  /** `GroupSpec.memberIds()` in its iteration order (a HashMap's key set in Kafka's coordinator). */
  memberIds: readonly string[];
  members: Readonly<Record<string, UniformMemberSpec>>;
  /** `GroupSpec.subscriptionType()`: HOMOGENEOUS when every member subscribes to the same topics. */
  subscriptionType: "HOMOGENEOUS" | "HETEROGENEOUS";
}

export interface UniformMemberSpec {
  /** `MemberSubscription.subscribedTopicIds()`: only topics that exist (TopicIds resolves names the image knows). */
  subscribedTopics: readonly string[];
  /**
   * `MemberAssignment.partitions()` (the member's current target assignment, a `Map<Uuid, Set<Integer>>`) in its
   * iteration order: topics in the map's order, each topic's partitions in its set's order.
   */
  assignment: ReadonlyArray<readonly [topic: string, partitions: readonly number[]]>;
}

/** How Kafka orders topic ids where the builders depend on it. */
export interface UniformTopicOrder {
  /** The iteration order of `new HashSet<>(topics)` (a HashSet<Uuid> built from a collection). */
  hashSetOrder(topics: readonly string[]): string[];
  /** `Uuid.compareTo`: the last tie-break of UniformHeterogeneousAssignmentBuilder's topic comparator. */
  compare(a: string, b: string): number;
}

/** Kafka `PartitionAssignorException`: the assignor cannot compute an assignment (a topic it needs is unknown). */
export class PartitionAssignorException extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PartitionAssignorException";
  }
}

/** A member's new assignment as the builders grow it: topic → partitions, in insertion order. */
export type MemberPartitions = Map<string, number[]>;

/** `SubscribedTopicDescriber.numPartitions`: the partition count, or -1 for a topic the metadata does not have. */
export function numPartitions(partitionsPerTopic: Readonly<Record<string, number>>, topic: string): number {
  return Object.hasOwn(partitionsPerTopic, topic) ? partitionsPerTopic[topic] : -1;
}

/** `AssignorHelpers.deepCopyAssignment`: an alterable copy of a member's assignment. */
export function copyAssignment(a: UniformMemberSpec["assignment"]): MemberPartitions {
  return new Map(a.map(([t, ps]) => [t, [...ps]]));
}

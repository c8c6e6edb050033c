export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** One group member as the assignor sees it (Kafka `ConsumerPartitionAssignor.Subscription` + member id). */
export interface AssignorMember {
  topics: string[];
  /** Partitions the member owned in the previous generation (sticky and cooperative assignors use them). */
  ownedPartitions?: TopicPartitionRef[];
  /** group.instance.id of a static member. */
  groupInstanceId?: string;
}

export type Assignment = Record<string, TopicPartitionRef[]>;

export function tpString(tp: TopicPartitionRef): string {
  return `${tp.topic}-${tp.partition}`;
}

/** Java's String.compareTo for the strings used here (UTF-16 code unit order, as JavaScript's < on strings). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Topic, then partition order. */
export function compareTopicPartitions(x: TopicPartitionRef, y: TopicPartitionRef): number {
  return compareStrings(x.topic, y.topic) || x.partition - y.partition;
}

/** Each member's list sorted by topic, then partition (the public API's promise). */
export function sortAssignment(a: Assignment): Assignment {
  const out: Assignment = {};
  for (const m of Object.keys(a).sort(compareStrings)) out[m] = [...a[m]].sort(compareTopicPartitions);
  return out;
}

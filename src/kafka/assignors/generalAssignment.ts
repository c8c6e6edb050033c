import { javaHashMapKeyOrder, javaHashOrder, javaTopicPartitionHashCode } from "./javaHashOrder.js";
import { type Assignment, compareStrings, type TopicPartitionRef, tpString } from "./types.js";

/**
 * Kafka `AbstractStickyAssignor.GeneralAssignmentBuilder.build` (members subscribe to different topics), without
 * racks and without generations (kafkasim's assignor input carries none, so `prevAssignment` is empty):
 * 1. assignOwnedPartitions: keep every owned partition of a topic the member still subscribes to.
 * 2. maybeAssign: the unassigned partitions — topics by (number of subscribers, name), partitions ascending — each
 *    to the first subscriber in `sortedCurrentSubscriptions` (by assignment size, then member id).
 * 3. balance/performReassignments: topics with one subscriber and members that cannot take part are set aside; then,
 *    over the unassigned partitions (unless a revocation was required) and then over all partitions, in that order,
 *    while the assignment is not balanced, a partition whose owner has two or more than another subscriber moves
 *    to the least loaded subscriber (PartitionMovements may move a partition back along a reversed move instead);
 *    if that did not lower the balance score (and the group was not starting empty), the moves are undone.
 *
 * @param partitionsPerTopic topic → partition count, the subscribed topics that exist
 * @param topicsByMember member id → subscribed topics, in the order members were put into Kafka's HashMap
 * @param ownedByMember member id → previously owned partitions still valid (deduplicated, of existing topics)
 * @returns each member's list in Kafka's order (kept owned partitions first, then added ones)
 */
export function generalAssign(
  partitionsPerTopic: Record<string, number>,
  topicsByMember: Record<string, string[]>,
  ownedByMember: Record<string, TopicPartitionRef[]>,
): Assignment {
  const subscriptionOrder = javaHashMapKeyOrder(Object.keys(topicsByMember));
  const topics = Object.keys(partitionsPerTopic);
  const topic2Consumers = new Map<string, string[]>(javaHashMapKeyOrder(topics).map((t) => [t, []]));
  const consumer2Topics = new Map<string, string[]>();
  for (const c of subscriptionOrder) {
    const subscribed = topicsByMember[c].filter((t) => partitionsPerTopic[t] !== undefined);
    consumer2Topics.set(c, subscribed);
    for (const t of subscribed) topic2Consumers.get(t)!.push(c);
  }
  let current = new Map<string, TopicPartitionRef[]>(subscriptionOrder.map((c) => [c, [...(ownedByMember[c] ?? [])]]));
  let partitionConsumer = new Map<string, string>();
  for (const [c, l] of current) for (const tp of l) partitionConsumer.set(tpString(tp), c);

  // TopicComparator / PartitionComparator: fewer potential consumers first, then name; partitions ascending.
  const sortedTopics = [...topics].sort((a, b) => topic2Consumers.get(a)!.length - topic2Consumers.get(b)!.length || compareStrings(a, b));
  let sortedAllPartitions: TopicPartitionRef[] = sortedTopics.flatMap((t) => Array.from({ length: partitionsPerTopic[t] }, (_, p) => ({ topic: t, partition: p })));

  // assignOwnedPartitions: a partition of a topic the member no longer subscribes to is dropped.
  let revocationRequired = false;
  const assigned = new Set<string>();
  for (const [c, l] of current) {
    const kept = l.filter((tp) => consumer2Topics.get(c)!.includes(tp.topic));
    if (kept.length !== l.length) revocationRequired = true;
    current.set(c, kept);
    for (const tp of kept) assigned.add(tpString(tp));
  }
  let unassigned = sortedAllPartitions.filter((tp) => !assigned.has(tpString(tp)));

  // sortedCurrentSubscriptions (a TreeSet by assignment size, then member id), recomputed on each use.
  const members = new Set(current.keys());
  const sortedSubscriptions = () => [...members].sort((a, b) => current.get(a)!.length - current.get(b)!.length || compareStrings(a, b));
  const initializing = (() => {
    const s = sortedSubscriptions();
    return s.length === 0 || current.get(s[s.length - 1])!.length === 0;
  })();

  const total = topics.reduce((n, t) => n + partitionsPerTopic[t], 0);
  const maxAssignmentSize = (c: string) => {
    const ts = consumer2Topics.get(c)!;
    return ts.length === topics.length ? total : ts.reduce((n, t) => n + partitionsPerTopic[t], 0);
  };

  // maybeAssign(partitionsToAssign, null, false)
  for (const tp of unassigned) {
    if (topic2Consumers.get(tp.topic)!.length === 0) continue;
    const c = sortedSubscriptions().find((m) => consumer2Topics.get(m)!.includes(tp.topic));
    if (c === undefined) continue;
    current.get(c)!.push(tp);
    partitionConsumer.set(tpString(tp), c);
  }

  const canTopicParticipate = (t: string) => topic2Consumers.get(t)!.length >= 2;
  const fixedTopics = new Set(topics.filter((t) => !canTopicParticipate(t)));
  sortedAllPartitions = sortedAllPartitions.filter((tp) => !fixedTopics.has(tp.topic));
  unassigned = unassigned.filter((tp) => !fixedTopics.has(tp.topic));
  const fixedAssignments = new Map<string, TopicPartitionRef[]>();
  for (const c of subscriptionOrder) {
    const l = current.get(c)!;
    const canParticipate = l.length < maxAssignmentSize(c) || l.some((tp) => canTopicParticipate(tp.topic));
    if (!canParticipate) {
      members.delete(c);
      fixedAssignments.set(c, l);
      current.delete(c);
    }
  }
  const preBalance = new Map([...current].map(([c, l]) => [c, [...l]]));
  const preBalancePartitionConsumer = new Map(partitionConsumer);

  const isBalanced = (): boolean => {
    const s = sortedSubscriptions();
    if (s.length === 0) return true;
    if (current.get(s[0])!.length >= current.get(s[s.length - 1])!.length - 1) return true;
    const owner = new Map<string, string>();
    for (const [c, l] of current) for (const tp of l) owner.set(tpString(tp), c);
    for (const c of s) {
      const mine = current.get(c)!;
      if (mine.length === maxAssignmentSize(c)) continue;
      const have = new Set(mine.map(tpString));
      for (const t of consumer2Topics.get(c)!)
        for (let p = 0; p < partitionsPerTopic[t]; p++) {
          const k = `${t}-${p}`;
          if (have.has(k)) continue;
          const other = owner.get(k);
          if (other !== undefined && mine.length + 1 < current.get(other)!.length) return false;
        }
    }
    return true;
  };

  const movements = new PartitionMovements();
  const processPartitionMovement = (tp: TopicPartitionRef, newConsumer: string) => {
    const k = tpString(tp);
    const oldConsumer = partitionConsumer.get(k)!;
    movements.movePartition(tp, oldConsumer, newConsumer);
    current.set(oldConsumer, current.get(oldConsumer)!.filter((x) => tpString(x) !== k));
    current.get(newConsumer)!.push(tp);
    partitionConsumer.set(k, newConsumer);
  };
  const reassignPartition = (tp: TopicPartitionRef) => {
    const newConsumer = sortedSubscriptions().find((m) => consumer2Topics.get(m)!.includes(tp.topic))!;
    const oldConsumer = partitionConsumer.get(tpString(tp))!;
    processPartitionMovement(movements.getTheActualPartitionToBeMoved(tp, oldConsumer, newConsumer), newConsumer);
  };
  const performReassignments = (reassignable: TopicPartitionRef[]): boolean => {
    let performed = false;
    let modified: boolean;
    do {
      modified = false;
      for (const tp of reassignable) {
        if (isBalanced()) break;
        if (topic2Consumers.get(tp.topic)!.length <= 1) continue;
        const consumer = partitionConsumer.get(tpString(tp));
        if (consumer === undefined || !current.has(consumer)) continue;
        for (const other of topic2Consumers.get(tp.topic)!) {
          const otherList = current.get(other);
          if (otherList !== undefined && current.get(consumer)!.length > otherList.length + 1) {
            reassignPartition(tp);
            performed = true;
            modified = true;
            break;
          }
        }
      }
    } while (modified);
    return performed;
  };

  if (!revocationRequired) performReassignments(unassigned);
  const reassignmentPerformed = performReassignments(sortedAllPartitions);
  if (!initializing && reassignmentPerformed && balanceScore(current) >= balanceScore(preBalance)) {
    current = new Map([...preBalance].map(([c, l]) => [c, [...l]]));
    partitionConsumer = preBalancePartitionConsumer;
  }
  for (const [c, l] of fixedAssignments) current.set(c, l);

  const out: Assignment = {};
  for (const c of Object.keys(topicsByMember)) out[c] = current.get(c) ?? [];
  return out;
}

/** getBalanceScore: the sum over member pairs of the difference in assignment sizes. */
function balanceScore(a: Map<string, TopicPartitionRef[]>): number {
  const sizes = [...a.values()].map((l) => l.length);
  let score = 0;
  for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i] - sizes[j]);
  return score;
}

/**
 * Kafka `AbstractStickyAssignor.PartitionMovements` (the part the builder uses): which partitions moved from which
 * member to which, per topic, so a move from B to A can instead take back a partition that moved from A to B.
 * The per-pair sets are Java HashSets; `iterator().next()` is their first element in Java's hash order.
 */
class PartitionMovements {
  private readonly byTopic = new Map<string, Map<string, HashSetOfPartitions>>();
  private readonly moves = new Map<string, { src: string; dst: string }>();

  private static pairKey(src: string, dst: string): string {
    return JSON.stringify([src, dst]);
  }

  private remove(tp: TopicPartitionRef): { src: string; dst: string } {
    const k = tpString(tp);
    const pair = this.moves.get(k)!;
    this.moves.delete(k);
    const forTopic = this.byTopic.get(tp.topic)!;
    const pk = PartitionMovements.pairKey(pair.src, pair.dst);
    forTopic.get(pk)!.delete(tp);
    if (forTopic.get(pk)!.size() === 0) forTopic.delete(pk);
    if (forTopic.size === 0) this.byTopic.delete(tp.topic);
    return pair;
  }

  private add(tp: TopicPartitionRef, src: string, dst: string): void {
    this.moves.set(tpString(tp), { src, dst });
    let forTopic = this.byTopic.get(tp.topic);
    if (forTopic === undefined) this.byTopic.set(tp.topic, (forTopic = new Map()));
    const pk = PartitionMovements.pairKey(src, dst);
    let set = forTopic.get(pk);
    if (set === undefined) forTopic.set(pk, (set = new HashSetOfPartitions()));
    set.add(tp);
  }

  movePartition(tp: TopicPartitionRef, oldConsumer: string, newConsumer: string): void {
    if (this.moves.has(tpString(tp))) {
      const existing = this.remove(tp);
      if (existing.src !== newConsumer) this.add(tp, existing.src, newConsumer);
    } else this.add(tp, oldConsumer, newConsumer);
  }

  getTheActualPartitionToBeMoved(tp: TopicPartitionRef, oldConsumer: string, newConsumer: string): TopicPartitionRef {
    const forTopic = this.byTopic.get(tp.topic);
    if (forTopic === undefined) return tp;
    const prior = this.moves.get(tpString(tp));
    const src = prior !== undefined ? prior.src : oldConsumer;
    const reverse = forTopic.get(PartitionMovements.pairKey(newConsumer, src));
    return reverse === undefined ? tp : reverse.first();
  }
}

/** A `HashSet<TopicPartition>` reduced to what is used: add, delete, size, and the first element in Java's order. */
class HashSetOfPartitions {
  private items: TopicPartitionRef[] = [];
  private capacity = 16;

  add(tp: TopicPartitionRef): void {
    if (this.items.some((x) => x.topic === tp.topic && x.partition === tp.partition)) return;
    this.items.push(tp);
    // HashMap.resize: the table doubles once size exceeds 0.75 of it and never shrinks.
    while (this.items.length > this.capacity * 0.75) this.capacity *= 2;
  }

  delete(tp: TopicPartitionRef): void {
    this.items = this.items.filter((x) => !(x.topic === tp.topic && x.partition === tp.partition));
  }

  size(): number {
    return this.items.length;
  }

  first(): TopicPartitionRef {
    return javaHashOrder(this.items, (x) => javaTopicPartitionHashCode(x.topic, x.partition), this.capacity)[0];
  }
}

import { sortedMemberIds } from "./memberOrder.js";
import { type Assignment, type AssignorMember, compareStrings } from "./types.js";

/**
 * Kafka `RoundRobinAssignor`: members in order on a circle; all partitions of the subscribed topics, topics in
 * sorted (TreeSet) order and partitions ascending; each partition goes to the next member subscribed to its topic.
 */
export function roundRobinAssign(partitionsPerTopic: Record<string, number>, members: Record<string, AssignorMember>): Assignment {
  const out: Assignment = {};
  for (const m of Object.keys(members)) out[m] = [];
  const circle = sortedMemberIds(members);
  if (circle.length === 0) return out;
  const topics = [...new Set(Object.values(members).flatMap((m) => m.topics))].sort(compareStrings);
  let i = 0;
  for (const topic of topics) {
    const n = partitionsPerTopic[topic];
    if (n === undefined) continue;
    for (let p = 0; p < n; p++) {
      while (!members[circle[i % circle.length]].topics.includes(topic)) i++;
      out[circle[i % circle.length]].push({ topic, partition: p });
      i++;
    }
  }
  return out;
}

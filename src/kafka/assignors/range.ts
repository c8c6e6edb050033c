import { sortedMemberIds } from "./memberOrder.js";
import { type Assignment, type AssignorMember, compareStrings } from "./types.js";

/**
 * Kafka `RangeAssignor` without racks: each topic on its own; its subscribers in member order; the first
 * numPartitions % numConsumers of them get one extra partition; partitions handed out as contiguous ranges.
 */
export function rangeAssign(partitionsPerTopic: Record<string, number>, members: Record<string, AssignorMember>): Assignment {
  const out: Assignment = {};
  for (const m of Object.keys(members)) out[m] = [];
  const topics = [...new Set(Object.values(members).flatMap((m) => m.topics))].sort(compareStrings);
  for (const topic of topics) {
    const n = partitionsPerTopic[topic];
    if (n === undefined) continue;
    const consumers = sortedMemberIds(
      members,
      Object.keys(members).filter((id) => members[id].topics.includes(topic)),
    );
    const perConsumer = Math.floor(n / consumers.length);
    const extra = n % consumers.length;
    consumers.forEach((id, i) => {
      const start = perConsumer * i + Math.min(i, extra);
      const length = perConsumer + (i + 1 > extra ? 0 : 1);
      for (let p = start; p < start + length; p++) out[id].push({ topic, partition: p });
    });
  }
  return out;
}

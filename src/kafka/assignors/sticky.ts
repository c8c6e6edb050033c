import { sortedMemberIds } from "./memberOrder.js";
import { type Assignment, type AssignorMember, compareStrings, type TopicPartitionRef, tpString } from "./types.js";

/**
 * The sticky assignors' goals (Kafka `AbstractStickyAssignor`, kafka-facts §2.4): first balance — partition counts
 * differ by at most one, or a member with two or more fewer partitions cannot take any of the other's — then
 * stickiness: keep as many previously owned partitions as balance allows. Racks are ignored.
 *
 * Simplification: this reaches Kafka's goals and the properties its tests assert (validity, balance, stickiness,
 * cooperative validity) with its own procedure — keep valid owned partitions, hand out the rest to the least
 * loaded eligible member, then move partitions (newly given ones first, then the last owned) from members two or more above an
 * eligible one — rather than Kafka's exact constrained/general algorithms, so where several balanced, sticky
 * answers exist it may pick another one than Kafka does.
 */
export function stickyAssign(partitionsPerTopic: Record<string, number>, members: Record<string, AssignorMember>, cooperative: boolean): Assignment {
  const ids = sortedMemberIds(members);
  const out: Assignment = {};
  for (const id of Object.keys(members)) out[id] = [];
  const subscribes = (id: string, topic: string) => members[id].topics.includes(topic);
  const exists = (tp: TopicPartitionRef) => partitionsPerTopic[tp.topic] !== undefined && tp.partition >= 0 && tp.partition < partitionsPerTopic[tp.topic];

  // Every partition of every subscribed topic, sorted by topic then partition.
  const all: TopicPartitionRef[] = [];
  for (const topic of [...new Set(ids.flatMap((id) => members[id].topics))].sort(compareStrings)) {
    const n = partitionsPerTopic[topic];
    if (n !== undefined) for (let p = 0; p < n; p++) all.push({ topic, partition: p });
  }

  // Who claims what from the previous generation.
  const owners = new Map<string, string[]>();
  for (const id of ids)
    for (const tp of members[id].ownedPartitions ?? [])
      if (exists(tp)) {
        const k = tpString(tp);
        const list = owners.get(k) ?? [];
        if (!list.includes(id)) list.push(id);
        owners.set(k, list);
      }

  // Keep what exactly one member owned and still subscribes to; a partition claimed twice is nobody's.
  const assigned = new Map<string, string>();
  for (const tp of all) {
    const o = owners.get(tpString(tp));
    if (o && o.length === 1 && subscribes(o[0], tp.topic)) assigned.set(tpString(tp), o[0]);
  }
  const count = new Map(ids.map((id) => [id, 0]));
  for (const m of assigned.values()) count.set(m, count.get(m)! + 1);

  // Hand out the rest to the least loaded eligible member (member order breaks ties).
  for (const tp of all) {
    const k = tpString(tp);
    if (assigned.has(k)) continue;
    let best: string | undefined;
    for (const id of ids) if (subscribes(id, tp.topic) && (best === undefined || count.get(id)! < count.get(best)!)) best = id;
    if (best === undefined) continue;
    assigned.set(k, best);
    count.set(best, count.get(best)! + 1);
  }

  // Balance: move from a member with two or more above an eligible one, newly given partitions first.
  const wasOwnedBy = (k: string, id: string) => owners.get(k)?.length === 1 && owners.get(k)![0] === id;
  for (;;) {
    let moved = false;
    const desc = [...ids].sort((a, b) => count.get(b)! - count.get(a)! || ids.indexOf(a) - ids.indexOf(b));
    search: for (const over of desc) {
      for (const under of [...desc].reverse()) {
        if (count.get(over)! - count.get(under)! < 2) break;
        // A partition newly given to `over` moves first; else its last owned one (Kafka keeps the first owned
        // partitions up to the quota and revokes the rest).
        let candidate: string | undefined;
        for (const tp of all) {
          const k = tpString(tp);
          if (assigned.get(k) !== over || !subscribes(under, tp.topic)) continue;
          if (!wasOwnedBy(k, over)) {
            candidate = k;
            break;
          }
          candidate = k;
        }
        if (candidate !== undefined) {
          assigned.set(candidate, under);
          count.set(over, count.get(over)! - 1);
          count.set(under, count.get(under)! + 1);
          moved = true;
          break search;
        }
      }
    }
    if (!moved) break;
  }

  for (const tp of all) {
    const m = assigned.get(tpString(tp));
    if (m === undefined) continue;
    // CooperativeStickyAssignor.adjustAssignment: a partition still owned by another member is only revoked in
    // this round; its new owner gets it in the next rebalance (KIP-429).
    if (cooperative && (owners.get(tpString(tp)) ?? []).some((o) => o !== m)) continue;
    out[m].push(tp);
  }
  return out;
}

import { compactedKeyDivergences } from "./compactedDivergence.js";
import type { Checker, FinalReplicaLog, Finding } from "./input.js";

/**
 * Replicas of one partition disagree below both their high watermarks (TLA+ StrongIsr, LogMatching): a different
 * record at one offset, or, on a compacted topic (where each broker's cleaner removes records on its own schedule,
 * so an offset one replica lacks proves nothing), a key whose latest state differs — one replica still holds a value
 * the other replaced or deleted (`compactedKeyDivergences`: the replica that missed a tombstone). One finding per
 * pair of replicas and kind.
 */
export const logDivergence: Checker = {
  name: "logDivergence",
  description: "two replicas hold different records (or, compacted, a different latest state of a key) below their common high watermark",
  run({ logs }) {
    const out: Finding[] = [];
    const byTp = new Map<string, FinalReplicaLog[]>();
    for (const l of logs) byTp.set(`${l.topic}-${l.partition}`, [...(byTp.get(`${l.topic}-${l.partition}`) ?? []), l]);
    for (const [tp, replicas] of byTp)
      // Stryker disable next-line EqualityOperator: at i = length the inner loop starts past the end and compares nothing
      for (let i = 0; i < replicas.length; i++)
        for (let j = i + 1; j < replicas.length; j++) {
          const a = replicas[i];
          const b = replicas[j];
          const common = Math.min(a.highWatermark, b.highWatermark);
          const av = new Map(a.records.map((r) => [r.offset, r]));
          for (const rb of b.records) {
            if (rb.offset >= common) break;
            const ra = av.get(rb.offset);
            if (ra && ra.value !== rb.value) {
              out.push({
                message: `${tp} offset ${rb.offset}: ${a.broker} has ${ra.value} (epoch ${ra.leaderEpoch}), ${b.broker} has ${rb.value} (epoch ${rb.leaderEpoch}), both below their HWs (${a.highWatermark}, ${b.highWatermark})`,
                evidence: { partition: tp, offset: rb.offset, replicas: [a.broker, b.broker] },
              });
              break;
            }
          }
          if (!a.compacted && !b.compacted) continue;
          const keys = compactedKeyDivergences(a, b, common);
          if (keys.length === 0) continue;
          const { key, live, other } = keys[0];
          const otherHas = other.record ? (other.record.tombstone ? `its tombstone at offset ${other.record.offset}` : `${other.record.value} at offset ${other.record.offset}`) : "no record of it";
          out.push({
            message: `${tp} key ${key}: ${live.broker} still holds ${live.record.value} (offset ${live.record.offset}, epoch ${live.record.leaderEpoch}) as the key's latest record, where ${other.broker} has ${otherHas}, both below their HWs (${a.highWatermark}, ${b.highWatermark})${keys.length > 1 ? `; ${keys.length} keys differ` : ""}`,
            evidence: {
              partition: tp,
              key,
              replicas: [a.broker, b.broker],
              live: { broker: live.broker, offset: live.record.offset, value: live.record.value },
              other: { broker: other.broker, ...(other.record ? (other.record.tombstone ? { tombstoneOffset: other.record.offset } : { offset: other.record.offset, value: other.record.value }) : { none: true }) },
              keys: keys.length,
            },
          });
        }
    return out;
  },
};

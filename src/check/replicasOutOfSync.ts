import type { Checker, FinalReplicaLog, Finding } from "./input.js";

/**
 * At the end, a replica does not hold everything its leader has committed: its log ends below the leader's high
 * watermark, so it never caught up (or rejoined) after the faults. Judged on the committed prefix only: records
 * above the HW are still on their way (a producer still writing when the run ends leaves a record or two in
 * flight), and divergence below the HW is logDivergence's business. A run with a liveness phase hands it the
 * converged cluster (runner/liveness.ts), where every live replica is at the leader's log end.
 */
export const replicasOutOfSync: Checker = {
  name: "replicasOutOfSync",
  description: "a replica's final log ends below its partition leader's high watermark (it never caught up)",
  run({ logs }) {
    const out: Finding[] = [];
    const leaders = new Map<string, FinalReplicaLog>();
    for (const l of logs) if (l.leader) leaders.set(`${l.topic}-${l.partition}`, l);
    const reported = new Set<string>();
    for (const l of logs) {
      const tp = `${l.topic}-${l.partition}`;
      const leader = leaders.get(tp);
      if (!leader) {
        if (!reported.has(tp)) out.push({ message: `${tp} has no leader at the end`, evidence: { partition: tp } });
        reported.add(tp);
        continue;
      }
      // Stryker disable next-line ConditionalExpression: the leader itself never ends below its own HW (HW <= log end offset)
      if (l !== leader && l.logEndOffset < leader.highWatermark)
        out.push({
          message: `${tp}: ${l.broker} ends at ${l.logEndOffset}, below the HW ${leader.highWatermark} of leader ${leader.broker} (log end ${leader.logEndOffset})`,
          evidence: { partition: tp, replica: l.broker, logEndOffset: l.logEndOffset, leaderHighWatermark: leader.highWatermark },
        });
    }
    return out;
  },
};

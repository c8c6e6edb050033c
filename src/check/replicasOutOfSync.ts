import type { Checker, FinalReplicaLog, Finding } from "./input.js";

/** At the end, a replica's log end differs from its leader's: it never caught up (or rejoined) after the faults. */
export const replicasOutOfSync: Checker = {
  name: "replicasOutOfSync",
  description: "a replica's final log end offset differs from its partition leader's",
  run({ logs }) {
    const out: Finding[] = [];
    const leaders = new Map<string, FinalReplicaLog>();
    for (const l of logs) if (l.leader) leaders.set(`${l.topic}-${l.partition}`, l);
    for (const l of logs) {
      const tp = `${l.topic}-${l.partition}`;
      const leader = leaders.get(tp);
      if (!leader) {
        if (!logs.some((x) => x.leader && `${x.topic}-${x.partition}` === tp) && l === logs.find((x) => `${x.topic}-${x.partition}` === tp))
          out.push({ message: `${tp} has no leader at the end`, evidence: { partition: tp } });
        continue;
      }
      if (l !== leader && l.logEndOffset !== leader.logEndOffset)
        out.push({ message: `${tp}: ${l.broker} ends at ${l.logEndOffset}, leader ${leader.broker} at ${leader.logEndOffset}`, evidence: { partition: tp, replica: l.broker } });
    }
    return out;
  },
};

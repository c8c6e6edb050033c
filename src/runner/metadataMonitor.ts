import { METADATA_MONITOR, type PartitionLeaderValue } from "../check/leaderless.js";
import type { TraceRecord } from "../sim/index.js";
import type { History } from "../workload/history.js";

/**
 * Leadership as an operator observes it on a real cluster: what the brokers publish once they have applied the
 * committed metadata log (`kafka-topics --describe` shows it; OfflinePartitionsCount counts the partitions whose
 * leader is none). Each time a replica applies a partition state with a newer leader epoch than any seen before,
 * a `partition-leader` event of process `metadata-monitor` goes into the history, so checks such as `leaderless`
 * read the history only, as they could on a real cluster's recorded metadata. A leader that crashed stays the
 * published leader until the controller fences it (as on a real cluster); a partition none of whose replicas runs
 * publishes nothing new until one comes back.
 *
 * An observer of trace records: it changes nothing in the run (the digest is over the trace, not the history).
 */
export function metadataMonitor(history: History): { types: string[]; observe(r: TraceRecord): void } {
  const latest = new Map<string, number>();
  return {
    types: ["partition.become-leader", "partition.become-follower"],
    observe(r) {
      const d = r.data as { tp: string; leaderEpoch: number; leader?: string | null };
      const prev = latest.get(d.tp);
      if (prev !== undefined && d.leaderEpoch <= prev) return;
      latest.set(d.tp, d.leaderEpoch);
      const leader = r.type === "partition.become-leader" ? r.actor : (d.leader ?? null);
      history.event(r.t, METADATA_MONITOR, "partition-leader", { partition: d.tp, leader, leaderEpoch: d.leaderEpoch } satisfies PartitionLeaderValue);
    },
  };
}

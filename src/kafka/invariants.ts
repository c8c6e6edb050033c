import type { Invariant } from "./invariants/invariant.js";
import { kip848SpecInvariants } from "./invariants/kip848Spec.js";
import { replicationSpecInvariants } from "./invariants/replicationSpec.js";

export type { Invariant };

const at = (t: number) => `${(t / 1e6).toFixed(3)}s`;

/** A leader's HW never goes backwards within one leader epoch. */
export function monotonicHighWatermark(): Invariant {
  const last = new Map<string, number>();
  return {
    name: "MonotonicHighWatermark",
    types: ["partition.hw"],
    observe(r, v) {
      if (r.type !== "partition.hw") return;
      const d = r.data as { tp: string; highWatermark: number; leaderEpoch: number };
      const key = `${r.actor}/${d.tp}/${d.leaderEpoch}`;
      const prev = last.get(key);
      if (prev !== undefined && d.highWatermark < prev)
        v.push(`MonotonicHighWatermark: ${r.actor} ${d.tp} epoch ${d.leaderEpoch} HW ${prev} -> ${d.highWatermark} at ${at(r.t)}`);
      last.set(key, d.highWatermark);
    },
  };
}

/** At most one broker becomes leader of a partition in any one leader epoch. */
export function singleLeaderPerEpoch(): Invariant {
  const leaders = new Map<string, string>();
  return {
    name: "SingleLeaderPerEpoch",
    types: ["partition.become-leader"],
    observe(r, v) {
      if (r.type !== "partition.become-leader") return;
      const d = r.data as { tp: string; leaderEpoch: number };
      const key = `${d.tp}/${d.leaderEpoch}`;
      const prev = leaders.get(key);
      if (prev !== undefined && prev !== r.actor) v.push(`SingleLeaderPerEpoch: ${d.tp} epoch ${d.leaderEpoch} leader ${prev} -> ${r.actor} at ${at(r.t)}`);
      leaders.set(key, r.actor);
    },
  };
}

/** The leader the controller records is always in the ISR it records (TLA+ `LeaderInIsr`). */
export function leaderInIsr(): Invariant {
  return {
    name: "LeaderInIsr",
    types: ["controller.record"],
    observe(r, v) {
      if (r.type !== "controller.record") return;
      const d = r.data as { record: string; tp?: string; leader?: string | null; isr?: string[] };
      if (d.record === "Partition" && d.leader != null && !d.isr!.includes(d.leader))
        v.push(`LeaderInIsr: ${d.tp} leader ${d.leader} not in ISR [${d.isr!.join(",")}] at ${at(r.t)}`);
    },
  };
}

/** One Raft leader per controller epoch. */
export function singleControllerLeaderPerEpoch(): Invariant {
  const leaders = new Map<number, string>();
  return {
    name: "SingleControllerLeaderPerEpoch",
    types: ["raft.leader"],
    observe(r, v) {
      if (r.type !== "raft.leader") return;
      const d = r.data as { epoch: number };
      const prev = leaders.get(d.epoch);
      if (prev !== undefined && prev !== r.actor) v.push(`SingleControllerLeaderPerEpoch: epoch ${d.epoch} leader ${prev} -> ${r.actor} at ${at(r.t)}`);
      leaders.set(d.epoch, r.actor);
    },
  };
}

/**
 * Every invariant checked during a Kafka run: the model's own, and the safety properties of the TLA+ specifications
 * of Kafka's replication and KIP-848 group protocols (invariants/replicationSpec.ts, invariants/kip848Spec.ts).
 */
export function kafkaInvariants(): Invariant[] {
  return [monotonicHighWatermark(), singleLeaderPerEpoch(), leaderInIsr(), singleControllerLeaderPerEpoch(), ...replicationSpecInvariants(), ...kip848SpecInvariants()];
}

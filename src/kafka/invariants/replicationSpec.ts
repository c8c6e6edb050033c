import type { TraceRecord } from "../../sim/index.js";
import type { Invariant } from "./invariant.js";

/**
 * Safety properties of Kafka's replication protocol from Jack Vanlightly's TLA+ specification (kafka-tlaplus,
 * `kafka_data_replication/kraft/v3.5/v3_5_properties.tla` and the KIP-966 version's
 * `kip_966_properties.tla`), checked after every trace record that can break them. They read trace records only,
 * like the other invariants: the brokers' HW advances (`partition.hw`), elections (`partition.become-leader`,
 * `controller.unclean-election`), ISR changes on both sides (`partition.isr`, `partition.isr-expand`,
 * `controller.record`) and lossy crashes (`sim.crash` with loseUnflushed, `sim.replace-disk`).
 *
 * The spec's "true HWM" is the highest HW any leader of the partition ever reached: everything below it was
 * committed (acknowledged to acks=all producers, readable by consumers).
 *
 * The spec's exclusions are kept: completeness is not asked of a replica that lost unflushed data in a power loss,
 * or its whole log with a replaced disk (`sim.replace-disk`: the spec's UncleanShutdown truncated to 0), until it has
 * rejoined the ISR (the spec's UncleanShutdown truncates the log, and its `AvoidLastReplicaStanding`
 * switch exists because Kafka without ELR loses data there, which is a scenario kafkasim shows), nor across an
 * unclean leader election, which gives up committed data by configuration (the spec has no unclean election).
 */
interface PartitionSpecState {
  /** The spec's inv_true_hwm. */
  trueHw: number;
  /** Brokers whose log may have lost committed data (a lossy crash) and have not rejoined the ISR since. */
  dirty: Set<string>;
  /** Leader epochs the controller reached by unclean election. */
  uncleanEpochs: Set<number>;
}

class SpecState {
  private readonly partitions = new Map<string, PartitionSpecState>();
  /** Brokers that lost unflushed data, for partitions not seen yet. */
  private readonly lossy = new Set<string>();

  of(tp: string): PartitionSpecState {
    let p = this.partitions.get(tp);
    if (!p) this.partitions.set(tp, (p = { trueHw: 0, dirty: new Set(this.lossy), uncleanEpochs: new Set() }));
    return p;
  }

  /** Whether an election is exempt from completeness: unclean, or of a replica that lost data and did not rejoin. */
  exempt(r: TraceRecord): boolean {
    const d = r.data as { tp: string; leaderEpoch: number };
    const p = this.of(d.tp);
    return p.uncleanEpochs.has(d.leaderEpoch) || p.dirty.has(r.actor);
  }

  /** A record that changes the shared state: HW advances, unclean elections, lossy crashes, ISR rejoins, elections. */
  track(r: TraceRecord): void {
    const d = r.data as Record<string, unknown> | undefined;
    if (r.type === "partition.become-leader") {
      // Committed data beyond an exempt leader's log was given up (unclean election) or lost with its disk: the
      // committed log starts again from what it has.
      if (this.exempt(r)) {
        const p = this.of(d!.tp as string);
        p.trueHw = Math.min(p.trueHw, d!.logEndOffset as number);
      }
    } else if (r.type === "partition.hw") {
      const p = this.of(d!.tp as string);
      p.trueHw = Math.max(p.trueHw, d!.highWatermark as number);
    } else if (r.type === "controller.unclean-election") this.of(d!.tp as string).uncleanEpochs.add(d!.leaderEpoch as number);
    else if ((r.type === "sim.crash" && d?.loseUnflushed === true) || r.type === "sim.replace-disk") {
      this.lossy.add(r.actor);
      for (const p of this.partitions.values()) p.dirty.add(r.actor);
    } else if (r.type === "partition.isr-expand") this.of(d!.tp as string).dirty.delete(d!.replica as string);
  }
}

const TRACKED = ["partition.hw", "controller.unclean-election", "sim.crash", "sim.replace-disk", "partition.isr-expand", "partition.become-leader"];
const at = (t: number) => `${(t / 1e6).toFixed(3)}s`;

/**
 * LeaderCompletenessProperty: "The replica selected as leader by the controller must have the entire committed
 * log else this is data loss": a broker that becomes leader has a log end at or above the true HW. (The spec also
 * asks every positively acknowledged value to be in the leader's log; kafkasim's lostAcknowledgedWrites judges that
 * at the end from the client history.) Broken, for instance, by truncating to the HW on becoming a follower (the
 * pre-KIP-101 behaviour behind `simulator.legacyHighWatermarkTruncation`).
 */
export function leaderCompleteness(state = new SpecState()): Invariant {
  return {
    name: "LeaderCompleteness",
    types: TRACKED,
    observe(r, v) {
      if (r.type === "partition.become-leader" && !state.exempt(r)) {
        const d = r.data as { tp: string; leaderEpoch: number; logEndOffset: number };
        const p = state.of(d.tp);
        if (d.logEndOffset < p.trueHw)
          v.push(`LeaderCompleteness: ${r.actor} became leader of ${d.tp} in epoch ${d.leaderEpoch} at ${at(r.t)} with log end ${d.logEndOffset}, below the committed offset ${p.trueHw} (true HW -> leader log end)`);
      }
      state.track(r);
    },
  };
}

/**
 * LeaderCandidateCompletenessProperty: every running member of the ISR hosts the committed log (its log end is at
 * or above the true HW), since any of them may be elected. Checked when a follower (re)joins the ISR, with the log
 * end its leader saw: Kafka lets it in only once it reached the HW and the start of the leader's epoch (KIP-320's
 * rule), which is at or above everything committed.
 */
export function leaderCandidateCompleteness(state = new SpecState()): Invariant {
  return {
    name: "LeaderCandidateCompleteness",
    types: TRACKED,
    observe(r, v) {
      if (r.type === "partition.isr-expand") {
        const d = r.data as { tp: string; replica: string; followerLogEndOffset: number };
        const p = state.of(d.tp);
        if (d.followerLogEndOffset < p.trueHw)
          v.push(`LeaderCandidateCompleteness: ${r.actor} let ${d.replica} into the ISR of ${d.tp} at ${at(r.t)} with log end ${d.followerLogEndOffset}, below the committed offset ${p.trueHw}`);
      }
      state.track(r);
    },
  };
}

/**
 * ReplicationQuorumSupersetProperty: "the maximal ISR on the (non-stale) leader must be a superset of the
 * controller ISR. Else we can lose data." The leader counts only its maximal ISR toward the HW, so a replica the
 * controller has in the ISR (and may elect) but the leader does not wait for could lack committed records. The
 * controller's ISR is its last Partition record for the partition; the leader is non-stale when its leader epoch is
 * the controller's; its maximal ISR is the one it last traced (on election, then on every ISR state change).
 */
export function replicationQuorumSuperset(): Invariant {
  const controller = new Map<string, { leader: string | null; leaderEpoch: number; isr: string[]; partitionEpoch: number }>();
  const leaders = new Map<string, { broker: string; leaderEpoch: number; maximalIsr: string[] }>();
  const check = (tp: string, t: number, v: string[]) => {
    const c = controller.get(tp);
    const l = leaders.get(tp);
    if (!c || !l || c.leader !== l.broker || c.leaderEpoch !== l.leaderEpoch) return;
    const missing = c.isr.filter((b) => !l.maximalIsr.includes(b));
    if (missing.length > 0)
      v.push(`ReplicationQuorumSuperset: ${tp} at ${at(t)}: the controller's ISR [${c.isr.join(",")}] (partition epoch ${c.partitionEpoch}) has ${missing.join(",")}, missing from leader ${l.broker}'s maximal ISR [${l.maximalIsr.join(",")}] (epoch ${l.leaderEpoch})`);
  };
  return {
    name: "ReplicationQuorumSuperset",
    types: ["controller.record", "partition.become-leader", "partition.isr"],
    observe(r, v) {
      const d = r.data as Record<string, unknown>;
      const tp = d.tp as string;
      if (r.type === "controller.record") {
        if (d.record !== "Partition") return;
        const prev = controller.get(tp);
        // A record proposed by a controller that then lost its log suffix may come back with an older partition
        // epoch: the newest epoch is the controller's state.
        if (prev && (d.partitionEpoch as number) < prev.partitionEpoch) return;
        controller.set(tp, { leader: d.leader as string | null, leaderEpoch: d.leaderEpoch as number, isr: d.isr as string[], partitionEpoch: d.partitionEpoch as number });
      } else if (r.type === "partition.become-leader") leaders.set(tp, { broker: r.actor, leaderEpoch: d.leaderEpoch as number, maximalIsr: d.isr as string[] });
      else {
        const l = leaders.get(tp);
        if (!l || l.broker !== r.actor) return;
        l.maximalIsr = d.maximalIsr as string[];
      }
      check(tp, r.t, v);
    },
  };
}

/** The replication properties of the TLA+ specification that apply to the model (each keeps its own view). */
export function replicationSpecInvariants(): Invariant[] {
  return [leaderCompleteness(), leaderCandidateCompleteness(), replicationQuorumSuperset()];
}

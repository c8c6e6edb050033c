import type { TraceRecord } from "../../sim/index.js";
import { list, type Moment } from "./moments.js";
import { StateSeries, StepSeries } from "./series.js";

/**
 * One partition over the run. `leader` and `isr` are the controller's metadata (every Partition record it wrote);
 * `logEndOffset`, `highWatermark` and `lastStableOffset` are the acting leader's (the broker that last became
 * leader), so they stay flat while no broker leads.
 */
export interface PartitionLane {
  tp: string;
  topic: string;
  partition: number;
  /** An internal topic (`__consumer_offsets`, `__transaction_state`). */
  internal: boolean;
  /** `broker-2 e3` (leader and leader epoch), or `none e4` while the partition is offline. */
  leader: StateSeries;
  /** The ISR as `broker-1,broker-2`. */
  isr: StateSeries;
  logEndOffset: StepSeries;
  highWatermark: StepSeries;
  /**
   * LSO = min(HW, first offset of the oldest transaction that is open or whose marker is not yet below the HW),
   * followed from the leader's transactional appends, markers and HW (ProducerStateManager.firstUnstableOffset over
   * ongoingTxns and unreplicatedTxns); a derived view, not a traced value.
   */
  lastStableOffset: StepSeries;
  truncations: { atUs: number; broker: string; from: number; to: number; removed: number; why: string }[];
  /** Data batches appended by leaders (0 for an internal partition nobody used). */
  appends: number;
}

/** The trace records a PartitionRecorder reads (controller, KRaft and partition events). */
export const PARTITION_TYPES = [
  "controller.record",
  "controller.election",
  "controller.unclean-election",
  "controller.elr-election",
  "controller.unclean-shutdown",
  "controller.fence",
  "raft.leader",
  "raft.truncate",
  "partition.become-leader",
  "partition.become-follower",
  "partition.append",
  "partition.marker",
  "partition.hw",
  "partition.truncate",
  "partition.truncate-fully",
  "partition.isr-shrink",
  "partition.isr-expand",
  "admin.alter-configs",
  "admin.delete-records",
  "admin.alter-partition-reassignments",
  "controller.reassignment",
  "log.clean",
  "admin.create-partitions",
  "controller.create-partitions",
  "log.delete-segments",
  "log.start-offset",
  "metadata.snapshot-load",
  "raft.fetch-snapshot",
  "raft.log-start",
];

interface Live {
  lane: PartitionLane;
  actingLeader: string | null;
  leaderName: string | null;
  leaderEpoch: number;
  isr: string[];
  /** Open transactions at the acting leader: producer id → first offset. */
  open: Map<number, number>;
  /** Transactions a marker ended that the HW has not passed: first offset → the marker's offset. */
  unreplicated: Map<number, number>;
  /** Why the ISR is about to change (the leader's request, or a broker being fenced). */
  isrReason: string | null;
}

/** Partition lanes and the cluster's moments: controller elections, leader changes, ISR changes, truncations. */
export class PartitionRecorder {
  private readonly live = new Map<string, Live>();
  private lastFence: { atUs: number; broker: string; reason: string } | null = null;

  constructor(
    private readonly moments: Moment[],
    private readonly bucketUs: number,
  ) {}

  lanes(): PartitionLane[] {
    return [...this.live.values()].map((l) => l.lane);
  }

  private get(tp: string): Live {
    let l = this.live.get(tp);
    if (!l) {
      const cut = tp.lastIndexOf("-");
      const topic = tp.slice(0, cut);
      const lane: PartitionLane = {
        tp,
        topic,
        partition: Number(tp.slice(cut + 1)),
        internal: topic.startsWith("__"),
        leader: new StateSeries(),
        isr: new StateSeries(),
        logEndOffset: new StepSeries(this.bucketUs),
        highWatermark: new StepSeries(this.bucketUs),
        lastStableOffset: new StepSeries(this.bucketUs),
        truncations: [],
        appends: 0,
      };
      this.live.set(tp, (l = { lane, actingLeader: null, leaderName: null, leaderEpoch: -1, isr: [], open: new Map(), unreplicated: new Map(), isrReason: null }));
    }
    return l;
  }

  /** The broker stopped: it leads nothing any more (its lanes stay flat until a new leader says otherwise). */
  brokerDown(broker: string): void {
    for (const l of this.live.values()) if (l.actingLeader === broker) l.actingLeader = null;
  }

  observe(r: TraceRecord): void {
    const d = r.data ?? {};
    const t = r.t;
    switch (r.type) {
      case "raft.leader":
        this.moments.push({ atUs: t, kind: "controller", text: `${r.actor} is the active controller (KRaft epoch ${d.epoch})`, subject: "active controller changes", actors: [r.actor] });
        return;
      case "raft.truncate":
        this.moments.push({ atUs: t, kind: "truncate", text: `${r.actor} truncated its metadata log from ${d.from} to ${d.to} (KRaft epoch ${d.epoch})`, subject: `${r.actor} metadata log truncations`, actors: [r.actor] });
        return;
      case "controller.fence":
        this.lastFence = { atUs: t, broker: String(d.broker), reason: String(d.reason) };
        this.moments.push({ atUs: t, kind: "controller", text: `${r.actor} fenced ${d.broker} (${d.reason})`, subject: `${d.broker} fenced`, merge: "fence", actors: [r.actor, String(d.broker)] });
        return;
      case "controller.record":
        if (d.record === "Partition") this.onPartitionRecord(t, d);
        return;
      // An operator's admin calls (the scenario's deleteRecords and alterConfig entries), with their outcome.
      case "admin.alter-configs": {
        const configs = Object.entries((d.configs ?? {}) as Record<string, unknown>).map(([k, v]) => (v === null ? `delete ${k}` : `${k}=${v}`));
        const resource = d.broker === undefined ? `topic ${d.topic}` : d.broker === "" ? "cluster default (all brokers)" : `broker ${d.broker}`;
        this.moments.push({ atUs: t, kind: "admin", text: `${r.actor} incrementalAlterConfigs ${resource}: ${configs.join(", ")} → ${adminOutcome(d.error)}`, subject: `admin ${d.broker === undefined ? d.topic : resource} configs`, actors: [r.actor] });
        return;
      }
      case "admin.alter-partition-reassignments":
        this.moments.push({ atUs: t, kind: "admin", text: `${r.actor} alterPartitionReassignments ${d.tp} to [${(d.replicas as string[]).join(", ")}] → ${adminOutcome(d.error)}`, subject: `admin ${d.tp} reassignment`, actors: [r.actor], tp: d.tp as string });
        return;
      case "admin.create-partitions":
        this.moments.push({ atUs: t, kind: "admin", text: `${r.actor} createPartitions ${d.topic} to ${d.count} partitions → ${adminOutcome(d.error)}`, subject: `admin ${d.topic} createPartitions`, actors: [r.actor] });
        return;
      case "controller.create-partitions":
        if (d.error !== "NONE") return;
        this.moments.push({ atUs: t, kind: "controller", text: `${r.actor}: ${d.topic} grows to ${d.count} partitions: ${(d.partitions as string[]).join(", ")}`, subject: `${d.topic} partitions`, actors: [r.actor] });
        return;
      case "controller.reassignment": {
        const moving = d.phase === "started" ? ` (adding ${(d.addingReplicas as string[]).join(", ") || "none"}, removing ${(d.removingReplicas as string[]).join(", ") || "none"})` : `, leader ${d.leader}`;
        this.moments.push({ atUs: t, kind: "controller", text: `${r.actor}: reassignment of ${d.tp} ${d.phase}: replicas [${(d.replicas as string[]).join(", ")}]${moving}`, subject: `${d.tp} reassignment`, actors: [r.actor], tp: d.tp as string });
        return;
      }
      case "admin.delete-records":
        this.moments.push({ atUs: t, kind: "admin", text: `${r.actor} deleteRecords ${d.tp} before offset ${d.offset} → ${adminOutcome(d.error)}${d.error === "NONE" ? ` (log start ${d.lowWatermark})` : ""}`, subject: `admin ${d.tp} deleteRecords`, actors: [r.actor], tp: d.tp as string });
        return;
      case "controller.election":
      case "controller.unclean-election":
      case "controller.elr-election":
        this.onElection(r.type === "controller.unclean-election", t, r.actor, d, r.type === "controller.elr-election");
        return;
      // KRaft metadata snapshots: a node loading one (from its disk at a restart, or fetched from the leader), a
      // FetchSnapshot, and the controllers' metadata log cleaned below a snapshot. Taking one is routine: trace only.
      case "metadata.snapshot-load":
        this.moments.push({ atUs: t, kind: "snapshot", text: `${r.actor} loaded the metadata snapshot at offset ${d.endOffset} (KRaft epoch ${d.epoch}, ${d.sizeBytes} bytes) from ${d.from === "leader" ? "the quorum leader (FetchSnapshot)" : `its ${d.from}`}`, subject: `${r.actor} metadata snapshot loads`, actors: [r.actor] });
        return;
      case "raft.fetch-snapshot":
        this.moments.push({ atUs: t, kind: "snapshot", text: `${r.actor} fetches below ${d.leader}'s metadata log start: FetchSnapshot of the snapshot at offset ${d.endOffset} (KRaft epoch ${d.epoch})`, subject: `${r.actor} FetchSnapshot`, actors: [r.actor, String(d.leader)] });
        return;
      case "raft.log-start":
        this.moments.push({ atUs: t, kind: "snapshot", text: `${r.actor}'s metadata log cleaned below its snapshot: it starts at offset ${d.to} (was ${d.from})`, subject: `${r.actor} metadata log start`, actors: [r.actor] });
        return;
      case "controller.unclean-shutdown":
        // KIP-966: a broker registered without the broker epoch it shut down cleanly with; it leaves ISR and ELR.
        this.moments.push({ atUs: t, kind: "controller", text: `${r.actor}: ${d.broker} registered after an unclean shutdown (previous broker epoch ${d.previousBrokerEpoch}, expected ${d.brokerEpoch}): removed from every ISR and ELR`, subject: `${d.broker} unclean shutdown`, actors: [r.actor, String(d.broker)] });
        return;
    }
    const tp = d.tp as string | undefined;
    if (tp === undefined) return;
    const l = this.get(tp);
    const lane = l.lane;
    switch (r.type) {
      case "partition.become-leader":
        l.actingLeader = r.actor;
        lane.logEndOffset.push(t, d.logEndOffset as number, true);
        lane.highWatermark.push(t, d.highWatermark as number, true);
        this.updateLso(t, l, true);
        return;
      case "partition.become-follower":
        if (l.actingLeader === r.actor) l.actingLeader = null;
        return;
      case "partition.append":
      case "partition.marker": {
        if (r.actor !== l.actingLeader) return;
        lane.logEndOffset.push(t, (d.lastOffset as number) + 1);
        const pid = d.producerId as number;
        if (r.type === "partition.marker") {
          const first = l.open.get(pid);
          if (first !== undefined) l.unreplicated.set(first, d.baseOffset as number);
          l.open.delete(pid);
        } else {
          lane.appends++;
          if (d.transactional && !l.open.has(pid)) l.open.set(pid, d.baseOffset as number);
        }
        this.updateLso(t, l, false);
        return;
      }
      case "partition.hw":
        if (r.actor !== l.actingLeader) return;
        lane.highWatermark.push(t, d.highWatermark as number);
        this.updateLso(t, l, false);
        return;
      case "partition.truncate": {
        const entry = { atUs: t, broker: r.actor, from: d.from as number, to: d.to as number, removed: d.removed as number, why: String(d.why) };
        lane.truncations.push(entry);
        if (r.actor === l.actingLeader) lane.logEndOffset.push(t, entry.to, true);
        this.moments.push({
          atUs: t,
          kind: "truncate",
          text: `${r.actor} truncated ${tp} from ${entry.from} to ${entry.to}: ${entry.removed} record(s) removed (${entry.why})`,
          subject: `${tp} truncations`,
          actors: [r.actor],
          tp,
          internal: lane.internal,
        });
        return;
      }
      // Retention and DeleteRecords move the leader's log start (UnifiedLog.deleteOldSegments / maybeIncrementLogStartOffset).
      case "log.delete-segments":
        if (r.actor !== l.actingLeader) return;
        this.moments.push({ atUs: t, kind: "retention", text: `${r.actor} deleted ${(d.baseOffsets as unknown[]).length} segment(s) of ${tp} (${d.reason}): log start ${d.oldLogStartOffset} -> ${d.logStartOffset}`, subject: `${tp} log start moves`, actors: [r.actor], tp, internal: lane.internal });
        return;
      case "log.start-offset":
        if (r.actor !== l.actingLeader) return;
        this.moments.push({ atUs: t, kind: "retention", text: `${r.actor} moved the log start of ${tp} ${d.oldLogStartOffset} -> ${d.logStartOffset} (${d.reason})`, subject: `${tp} log start moves`, actors: [r.actor], tp, internal: lane.internal });
        return;
      case "log.clean": {
        // The log cleaner compacted the leader's log (LogCleaner.doClean): a moment when it removed something. Each
        // follower cleans its own copy the same way; the leader's is the one consumers read.
        if (r.actor !== l.actingLeader) return;
        // recordsRemoved counts every record removed, the tombstones among them; markers are control batches.
        const records = Number(d.recordsRemoved);
        const tombstones = Number(d.tombstonesRemoved);
        const markers = Number(d.markersRemoved);
        const what = [
          ...(records > 0 ? [`${records} record${records === 1 ? "" : "s"}${tombstones > 0 ? ` (${tombstones} of them tombstone${tombstones === 1 ? "" : "s"})` : ""}`] : []),
          ...(markers > 0 ? [`${markers} transaction marker${markers === 1 ? "" : "s"}`] : []),
        ];
        if (what.length === 0) return;
        this.moments.push({ atUs: t, kind: "clean", text: `${r.actor} cleaned ${tp} below offset ${d.endOffset}: ${what.join(", ")} removed (${d.bytesBefore} -> ${d.bytesAfter} bytes; each follower cleans its own copy)`, subject: `${tp} cleaned`, actors: [r.actor], tp, internal: lane.internal });
        return;
      }
      case "partition.truncate-fully":
        // Below the leader's log start: the follower empties its log and restarts at it (no records lost, as the
        // leader deleted them).
        this.moments.push({ atUs: t, kind: "truncate", text: `${r.actor} truncated ${tp} fully and restarts at the leader's log start ${d.to} (its log end ${d.from}): ${d.why}`, subject: `${tp} truncations`, actors: [r.actor], tp, internal: lane.internal });
        return;
      case "partition.isr-shrink":
        l.isrReason = `${list(d.outOfSync as string[])} not caught up within replica.lag.time.max.ms=${d.lagMaxMs}`;
        return;
      case "partition.isr-expand":
        l.isrReason = `${d.replica} caught up (log end ${d.followerLogEndOffset})`;
        return;
    }
  }

  private updateLso(t: number, l: Live, keep: boolean): void {
    const hw = l.lane.highWatermark.last ?? 0;
    let lso = hw;
    for (const first of l.open.values()) if (first < lso) lso = first;
    // ProducerStateManager.onHighWatermarkUpdated: a transaction whose marker is below the HW no longer holds the LSO.
    for (const [first, marker] of l.unreplicated) {
      if (marker < hw) l.unreplicated.delete(first);
      else if (first < lso) lso = first;
    }
    l.lane.lastStableOffset.push(t, lso, keep);
  }

  private onPartitionRecord(t: number, d: Record<string, unknown>): void {
    const tp = d.tp as string;
    const known = this.live.has(tp);
    const l = this.get(tp);
    const leader = (d.leader as string | null) ?? null;
    const epoch = d.leaderEpoch as number;
    const isr = (d.isr as string[]) ?? [];
    l.lane.leader.push(t, `${leader ?? "none"} e${epoch}`);
    l.lane.isr.push(t, isr.join(","));
    const sameLeader = leader === l.leaderName && epoch === l.leaderEpoch;
    if (known && sameLeader && isr.join(",") !== l.isr.join(",")) {
      const removed = l.isr.filter((b) => !isr.includes(b));
      const added = isr.filter((b) => !l.isr.includes(b));
      const fence = this.lastFence && this.lastFence.atUs === t && removed.includes(this.lastFence.broker) ? `${this.lastFence.broker} fenced (${this.lastFence.reason})` : null;
      const why = fence ?? l.isrReason;
      const change = [removed.length ? `${list(removed)} out` : "", added.length ? `${list(added)} in` : ""].filter(Boolean).join(", ");
      this.moments.push({
        atUs: t,
        kind: "isr",
        text: `${tp} ISR ${removed.length ? "shrinks" : "expands"} to ${list(isr)} (${change})${why ? `: ${why}` : ""}`,
        subject: `${tp} ISR changes`,
        merge: "isr",
        actors: [...removed, ...added, ...(leader ? [leader] : [])],
        tp,
        internal: l.lane.internal,
      });
    }
    l.isrReason = null;
    l.leaderName = leader;
    l.leaderEpoch = epoch;
    l.isr = isr;
  }

  private onElection(unclean: boolean, t: number, controller: string, d: Record<string, unknown>, fromElr = false): void {
    const tp = d.tp as string;
    const lane = this.get(tp).lane;
    const oldLeader = (d.oldLeader as string | null) ?? null;
    const newLeader = (d.newLeader as string | null) ?? null;
    const isr = list((d.isr as string[]) ?? []);
    const reason = d.reason ? `: ${d.reason}` : "";
    const text = unclean
      ? `${tp} UNCLEAN election: ${newLeader} (not in the ISR) leads in epoch ${d.leaderEpoch}; what only ${oldLeader ?? "the old ISR"} had is lost${reason}`
      : newLeader === null
        ? `${tp} offline: no ISR replica can lead (was ${oldLeader ?? "none"}; leader epoch now ${d.leaderEpoch}, ISR ${isr})${reason}`
        : `${tp} leader ${oldLeader ?? "none"} -> ${newLeader}${fromElr ? ` from the ELR ${list((d.elr as string[]) ?? [])}` : ""} (leader epoch ${d.leaderEpoch}, ISR ${isr})${reason}`;
    this.moments.push({
      atUs: t,
      kind: unclean ? "unclean" : "leader",
      text,
      subject: `${tp} leader changes`,
      ...(unclean ? {} : { merge: "leader" }),
      actors: [controller, ...(oldLeader ? [oldLeader] : []), ...(newLeader ? [newLeader] : [])],
      tp,
      internal: lane.internal,
    });
  }
}

/** An admin response's error as a timeline says it: Kafka's NONE is "ok", any other error keeps Kafka's name. */
function adminOutcome(error: unknown): string {
  return error === "NONE" ? "ok" : `failed: ${String(error)}`;
}

import type { TraceRecord } from "../../sim/index.js";
import type { Moment } from "./moments.js";
import { StateSeries } from "./series.js";

/**
 * One consumer group over the run, as its coordinator saw it: state with generation (classic protocol) or group
 * epoch (KIP-848), and which broker coordinated it. Members' own assignments come from the client history.
 */
export interface GroupLane {
  group: string;
  /** `classic` (JoinGroup/SyncGroup) or `consumer` (KIP-848), once known. */
  protocol: "classic" | "consumer" | null;
  /** `Stable g5`, `PreparingRebalance g4`, `CompletingRebalance g5`, `Empty g7`; KIP-848: `Reconciling e3`, `Stable e3`. */
  state: StateSeries;
  /** The broker coordinating the group. */
  coordinator: StateSeries;
  rebalances: number;
}

/** The trace records a GroupRecorder reads (group coordinator and consumer events). */
export const GROUP_TYPES = [
  "group-coordinator.prepare-rebalance",
  "group-coordinator.generation",
  "group-coordinator.stable",
  "group-coordinator.member-added",
  "group-coordinator.member-removed",
  "group-coordinator.session-expired",
  "group-coordinator.loaded",
  "group-coordinator.unloaded",
  "group-coordinator.group-epoch",
  "group-coordinator.target-assignment",
  "group-coordinator.member-joined",
  "group-coordinator.member-reconciled",
  "group-coordinator.member-fenced",
  "group-coordinator.offsets-expired",
  "group-coordinator.group-deleted",
  "consumer.poll-timeout",
  "consumer.fatal",
];

interface Live {
  lane: GroupLane;
  /** member id → client id (from member-added / member-joined). */
  clients: Map<string, string>;
  /** The last completed assignment: topic-partition → client. */
  owners: Map<string, string>;
  generation: number;
  /** KIP-848: each member's epoch, and the group epoch. */
  memberEpochs: Map<string, number>;
  groupEpoch: number;
}

/** Group lanes, and the moments of rebalances, members leaving and coordinator moves. */
export class GroupRecorder {
  private readonly live = new Map<string, Live>();

  constructor(private readonly moments: Moment[]) {}

  lanes(): GroupLane[] {
    return [...this.live.values()].map((l) => l.lane);
  }

  private get(group: string): Live {
    let l = this.live.get(group);
    if (!l) {
      const lane: GroupLane = { group, protocol: null, state: new StateSeries(), coordinator: new StateSeries(), rebalances: 0 };
      this.live.set(group, (l = { lane, clients: new Map(), owners: new Map(), generation: 0, memberEpochs: new Map(), groupEpoch: 0 }));
    }
    return l;
  }

  private who(l: Live, memberId: unknown): string {
    const id = String(memberId);
    return l.clients.get(id) ?? id;
  }

  observe(r: TraceRecord): void {
    const d = r.data ?? {};
    const group = d.groupId as string | undefined;
    if (group === undefined) return;
    const t = r.t;
    const l = this.get(group);
    const lane = l.lane;
    const say = (kind: Moment["kind"], text: string, subject: string, actors: string[] = [r.actor], merge?: string) =>
      this.moments.push({ atUs: t, kind, text, subject, actors, group, ...(merge ? { merge } : {}) });
    if (r.type.startsWith("group-coordinator.")) {
      const before = lane.coordinator.last;
      lane.coordinator.push(t, r.actor);
      if (before !== undefined && before !== r.actor) say("coordinator", `group ${group}: coordinator moved from ${before} to ${r.actor}`, `group ${group} coordinator moves`, [before, r.actor], `coordinator ${before} ${r.actor}`);
    }
    switch (r.type) {
      case "group-coordinator.member-added":
      case "group-coordinator.member-joined":
        l.clients.set(String(d.memberId), String(d.client));
        return;
      case "group-coordinator.prepare-rebalance":
        lane.protocol ??= "classic";
        lane.state.push(t, `PreparingRebalance g${d.generationId}`);
        say("rebalance", `group ${group} starts a rebalance (generation ${d.generationId}, ${d.members} member(s)): ${this.named(l, String(d.reason))}`, `group ${group} rebalances`);
        return;
      case "group-coordinator.generation":
        lane.protocol ??= "classic";
        l.generation = d.generationId as number;
        lane.state.push(t, `${d.state} g${d.generationId}`);
        if (d.state === "Empty") say("rebalance", `group ${group} generation ${d.generationId} is Empty: no member rejoined`, `group ${group} rebalances`);
        return;
      case "group-coordinator.stable": {
        lane.state.push(t, `Stable g${d.generationId}`);
        lane.rebalances++;
        const assignment = (d.assignment as Record<string, string[]>) ?? {};
        const moved = this.reassign(l, Object.entries(assignment).map(([m, tps]) => [this.who(l, m), tps]));
        say("rebalance", `group ${group} generation ${d.generationId} is Stable: ${Object.keys(assignment).length} member(s), ${moved} partition(s) changed owner`, `group ${group} rebalances`);
        return;
      }
      case "group-coordinator.member-removed":
        say("member", `group ${group}: ${this.who(l, d.memberId)} removed: ${d.reason}`, `group ${group} members leaving`, [r.actor, this.who(l, d.memberId)], `removed ${group}`);
        l.memberEpochs.delete(String(d.memberId));
        return;
      case "group-coordinator.offsets-expired": {
        const minutes = Number(d.retentionMs) / 60000;
        say("retention", `group ${group}: committed offsets of ${(d.partitions as string[]).join(", ")} expired (offsets.retention.minutes=${minutes})`, `group ${group} offsets expire`);
        return;
      }
      case "group-coordinator.group-deleted":
        lane.state.push(t, "Dead");
        say("retention", `group ${group} deleted: ${d.reason}`, `group ${group} offsets expire`);
        return;
      case "group-coordinator.session-expired":
        say("member", `group ${group}: ${this.who(l, d.memberId)}'s session expired (session.timeout.ms=${d.sessionTimeoutMs})`, `group ${group} members leaving`, [r.actor, this.who(l, d.memberId)], `expired ${group}`);
        return;
      case "group-coordinator.group-epoch":
        lane.protocol ??= "consumer";
        l.groupEpoch = d.groupEpoch as number;
        lane.state.push(t, `Reconciling e${l.groupEpoch}`);
        return;
      case "group-coordinator.target-assignment": {
        lane.protocol ??= "consumer";
        lane.rebalances++;
        const assignment = (d.assignment as Record<string, string[]>) ?? {};
        const moved = this.reassign(l, Object.entries(assignment).map(([m, tps]) => [this.who(l, m), tps]));
        say("rebalance", `group ${group} target assignment for group epoch ${d.epoch} (${d.assignor}): ${Object.keys(assignment).length} member(s), ${moved} partition(s) change owner`, `group ${group} rebalances`);
        return;
      }
      case "group-coordinator.member-reconciled":
        l.memberEpochs.set(String(d.memberId), d.memberEpoch as number);
        if ([...l.memberEpochs.values()].every((e) => e === l.groupEpoch)) lane.state.push(t, `Stable e${l.groupEpoch}`);
        return;
      case "group-coordinator.member-fenced":
        say("member", `group ${group}: ${this.who(l, d.memberId)} fenced (${d.error}: member epoch ${d.memberEpoch}, expected ${d.expected})`, `group ${group} members leaving`);
        return;
      case "consumer.poll-timeout":
        say("member", `${r.actor} did not poll within max.poll.interval.ms=${d.maxPollIntervalMs}: it leaves group ${group}${d.static ? " (static member: it stays until its session times out)" : ""}`, `group ${group} members leaving`, [r.actor], `poll-timeout ${group}`);
        return;
      case "consumer.fatal":
        say("fenced", `${r.actor} in group ${group} stopped with a fatal error: ${d.error}`, `${r.actor} fatal errors`);
        return;
    }
  }

  /** Member ids in a coordinator's reason read better as client ids. */
  private named(l: Live, text: string): string {
    let out = text;
    for (const [id, client] of l.clients) if (id !== client && out.includes(id)) out = out.split(id).join(client);
    return out;
  }

  /** Records the new owners; returns how many partitions changed owner (a first assignment counts as a change). */
  private reassign(l: Live, assignment: [string, string[]][]): number {
    const next = new Map<string, string>();
    for (const [client, tps] of assignment) for (const tp of tps) next.set(tp, client);
    let moved = 0;
    for (const [tp, client] of next) if (l.owners.get(tp) !== client) moved++;
    l.owners = next;
    return moved;
  }
}

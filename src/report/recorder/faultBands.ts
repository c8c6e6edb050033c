import type { TraceRecord } from "../../sim/index.js";
import { list, type Moment } from "./moments.js";

/** One injected fault over time: from when it began to when it was undone (null: still in force at the end). */
export interface FaultBand {
  kind: "crash" | "shutdown" | "pause" | "partition" | "slow-link" | "hold";
  /** One line: `crash broker-1 (power loss)`, `partition [broker-3] | [broker-2]`. */
  label: string;
  /** The actors it hits (for a partition or a slow link: every actor named). */
  actors: string[];
  fromUs: number;
  toUs: number | null;
}

/** The engine records a FaultRecorder reads. */
export const FAULT_TYPES = ["sim.crash", "sim.exit", "sim.replace-disk", "sim.shutdown", "sim.start", "sim.pause", "sim.resume", "sim.partition", "sim.heal", "sim.slow-link", "sim.restore-link", "sim.hold", "sim.release"];

function cutLabel(d: Record<string, unknown>): { label: string; actors: string[]; key: string } {
  if (Array.isArray(d.groups)) {
    const groups = d.groups as string[][];
    return { label: groups.map((g) => list(g)).join(" | "), actors: groups.flat(), key: JSON.stringify(groups) };
  }
  const from = (d.from as string[]) ?? [];
  const to = (d.to as string[]) ?? [];
  return { label: `${list(from)} -> ${list(to)} (one way)`, actors: [...from, ...to], key: JSON.stringify([from, to]) };
}

/**
 * Fault bands and fault/heal moments from the engine's own records (`sim.crash`, `sim.partition`, ...): what was
 * actually done, with roles such as `active-controller` already resolved to an actor.
 */
export class FaultRecorder {
  readonly bands: FaultBand[] = [];
  private readonly down = new Map<string, FaultBand>();
  private readonly paused = new Map<string, FaultBand>();
  private readonly cuts = new Map<string, FaultBand>();
  private readonly slow = new Map<string, FaultBand>();
  private readonly holds = new Map<string, FaultBand>();

  constructor(private readonly moments: Moment[]) {}

  observe(r: TraceRecord): void {
    const d = r.data ?? {};
    const t = r.t;
    switch (r.type) {
      case "sim.crash":
      case "sim.shutdown": {
        const crash = r.type === "sim.crash";
        const label = crash ? `crash ${r.actor}${d.loseUnflushed ? " (power loss: unflushed writes lost)" : ""}` : `clean shutdown of ${r.actor}`;
        const band: FaultBand = { kind: crash ? "crash" : "shutdown", label, actors: [r.actor], fromUs: t, toUs: null };
        this.bands.push(band);
        this.down.set(r.actor, band);
        this.moments.push({ atUs: t, kind: "fault", text: label, subject: `${r.actor} down and up`, actors: [r.actor] });
        return;
      }
      case "sim.exit": {
        // The process ended itself (a broker that could not register in time): down as after a crash.
        const label = `${r.actor} exited (status ${d.status})`;
        const band: FaultBand = { kind: "crash", label, actors: [r.actor], fromUs: t, toUs: null };
        this.bands.push(band);
        this.down.set(r.actor, band);
        this.moments.push({ atUs: t, kind: "fault", text: label, subject: `${r.actor} down and up`, actors: [r.actor] });
        return;
      }
      case "sim.replace-disk": {
        // The crash just traced stands for the operator's disk replacement: its band says so.
        const band = this.down.get(r.actor);
        if (band) band.label += ", disk replaced (empty log directory)";
        this.moments.push({ atUs: t, kind: "fault", text: `replace the disk of ${r.actor}: its log directory is empty`, subject: `${r.actor} down and up`, actors: [r.actor] });
        return;
      }
      case "sim.start": {
        const band = this.down.get(r.actor);
        if (!band) return; // a first start (or a client starting late) is no fault
        band.toUs = t;
        this.down.delete(r.actor);
        this.moments.push({ atUs: t, kind: "heal", text: `restart ${r.actor} (incarnation ${d.incarnation})`, subject: `${r.actor} down and up`, actors: [r.actor] });
        return;
      }
      case "sim.pause": {
        const band: FaultBand = { kind: "pause", label: `pause ${r.actor} (GC pause / SIGSTOP)`, actors: [r.actor], fromUs: t, toUs: null };
        this.bands.push(band);
        this.paused.set(r.actor, band);
        this.moments.push({ atUs: t, kind: "fault", text: `pause ${r.actor}`, subject: `${r.actor} paused and resumed`, actors: [r.actor] });
        return;
      }
      case "sim.resume": {
        const band = this.paused.get(r.actor);
        if (band) band.toUs = t;
        this.paused.delete(r.actor);
        this.moments.push({ atUs: t, kind: "heal", text: `resume ${r.actor} (${plural(Number(d.parked ?? 0), "message or timer", "messages and timers")} waited for it)`, subject: `${r.actor} paused and resumed`, actors: [r.actor] });
        return;
      }
      case "sim.partition": {
        const cut = cutLabel(d);
        const band: FaultBand = { kind: "partition", label: `partition ${cut.label}`, actors: cut.actors, fromUs: t, toUs: null };
        this.bands.push(band);
        this.cuts.set(cut.key, band);
        this.moments.push({ atUs: t, kind: "fault", text: band.label, subject: `partition ${cut.label}`, actors: cut.actors });
        return;
      }
      case "sim.heal": {
        if (d.all) {
          // A `heal` fault or the liveness phase heals every cut at once; it is a moment only if a cut was in force.
          if (this.cuts.size === 0) return;
          for (const b of this.cuts.values()) b.toUs = t;
          this.cuts.clear();
          this.moments.push({ atUs: t, kind: "heal", text: "heal every partition", subject: "heal every partition", actors: [] });
          return;
        }
        const cut = cutLabel(d);
        const band = this.cuts.get(cut.key);
        if (band) band.toUs = t;
        this.cuts.delete(cut.key);
        this.moments.push({ atUs: t, kind: "heal", text: `heal ${cut.label}`, subject: `partition ${cut.label}`, actors: cut.actors });
        return;
      }
      case "sim.hold":
      case "sim.release": {
        // One API's traffic held on its connections (the `hold` verb), then released in order.
        const from = String(d.from);
        const to = String(d.to);
        // The engine names the message types held (`EndTxn,EndTxnResponse`); the page names the API.
        const api = [...new Set(String(d.type).split(",").map((m) => m.replace(/Response$/, "")))].join(", ");
        const subject = `hold ${api} ${from} -> ${to}`;
        const key = JSON.stringify([from, to, d.type]);
        if (r.type === "sim.hold") {
          const band: FaultBand = { kind: "hold", label: `${subject}${d.count !== undefined ? ` (first ${d.count})` : ""}`, actors: [from, to], fromUs: t, toUs: null };
          this.bands.push(band);
          this.holds.set(key, band);
          this.moments.push({ atUs: t, kind: "fault", text: band.label, subject, actors: [from, to] });
        } else {
          const band = this.holds.get(key);
          if (band) band.toUs = t;
          this.holds.delete(key);
          this.moments.push({ atUs: t, kind: "heal", text: `release ${api} ${from} -> ${to} (in order)`, subject, actors: [from, to] });
        }
        return;
      }
      case "sim.slow-link":
      case "sim.restore-link": {
        if (d.all) {
          // The liveness phase restores every slowed link at once; a moment only if a link was slowed.
          if (this.slow.size === 0) return;
          for (const b of this.slow.values()) b.toUs = t;
          this.slow.clear();
          this.moments.push({ atUs: t, kind: "heal", text: "restore every slowed link (faults stop)", subject: "restore every slowed link", actors: [] });
          return;
        }
        const between = (d.between as string[]) ?? [];
        const arrow = d.oneWay ? "->" : "<->";
        const key = JSON.stringify([between, d.oneWay ?? false]);
        if (r.type === "sim.slow-link") {
          const band: FaultBand = { kind: "slow-link", label: `slow link ${between.join(` ${arrow} `)}`, actors: between, fromUs: t, toUs: null };
          this.bands.push(band);
          this.slow.set(key, band);
          this.moments.push({ atUs: t, kind: "fault", text: band.label, subject: `slow link ${between.join(` ${arrow} `)}`, actors: between });
        } else {
          const band = this.slow.get(key);
          if (band) band.toUs = t;
          this.slow.delete(key);
          this.moments.push({ atUs: t, kind: "heal", text: `restore link ${between.join(` ${arrow} `)}`, subject: `slow link ${between.join(` ${arrow} `)}`, actors: between });
        }
        return;
      }
    }
  }
}

/** "1 message or timer", "3 messages and timers". */
function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

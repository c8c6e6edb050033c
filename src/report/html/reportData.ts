import type { Performance } from "../../runner/performance.js";
import type { RunResult } from "../../runner/run.js";
import type { SendValue } from "../../workload/history.js";
import type { ProducerPerfCounters } from "../../workload/perfTestStats.js";
import type { RebalanceValue } from "../../workload/groupConsumerWorkload.js";
import { groupPartitions, groupProgress, groupsOf, lagAt, type Point } from "../groupProgress.js";
import type { RunRecorder } from "../recorder/runRecorder.js";
import type { StateSeries, StepSeries } from "../recorder/series.js";
import { replayLine, STATUS_TEXT } from "../summary.js";
import { evidenceActors, findingMoments, mergeMoments } from "../timeline.js";
import { type MessageData, messageData } from "./messageData.js";

/**
 * The data a report page embeds (one JSON object in the page, read by its script). Times are simulated µs; every
 * time array `t` is delta-coded (each entry is the difference from the one before) to keep the page small.
 */
export interface ReportData {
  v: 1;
  meta: {
    scenario: string;
    description: string;
    file: string;
    seed: string | number;
    digest: string;
    version: string;
    replay: string;
    status: string;
    statusText: string;
    ok: boolean;
    events: number;
    simulatedMs: number;
    wallMs: number;
    durationUs: number;
  };
  checks: { name: string; ok: boolean; details: string[]; findings: number[] }[];
  invariantViolations: string[];
  /** Moments in time order: time, kind, text, actors, topic-partition, group, internal, routine, finding index. */
  moments: { t: number; k: string; x: string; a: string[]; tp?: string; g?: string; i?: 1; r?: 1; f?: number }[];
  /** Moments left out to keep the page small (the first MAX_MOMENTS are kept). */
  momentsLeftOut: number;
  findings: { t: number; atEnd: boolean; check: string; failed: boolean; message: string; tp?: string; actors: string[]; offset?: number; fromUs?: number; toUs?: number }[];
  faults: { kind: string; label: string; actors: string[]; from: number; to: number | null }[];
  partitions: {
    tp: string;
    internal: boolean;
    leader: Steps<string>;
    isr: Steps<string>;
    leo: Steps<number>;
    hw: Steps<number>;
    lso: Steps<number>;
    truncations: { t: number; broker: string; from: number; to: number; removed: number; why: string }[];
  }[];
  groups: {
    group: string;
    protocol: string | null;
    state: Steps<string>;
    coordinator: Steps<string>;
    members: { client: string; owned: Steps<string> }[];
    /** Lag per partition (log end minus the group's position) on a regular grid of `lagT` (delta-coded). */
    lagT: number[];
    lag: { tp: string; v: (number | null)[] }[];
  }[];
  producers: {
    client: string;
    epoch: Steps<string>;
    inFlight: Steps<number> | null;
    errors: Steps<number>;
    errorNames: Record<string, number>;
    /** Acknowledgement latency per bucket (ms): bucket end times, median and maximum (null: no acknowledgement). */
    latency: { t: number[]; p50: (number | null)[]; max: (number | null)[] };
    sends: { invoked: number; ok: number; fail: number; info: number };
    /**
     * A perf-test producer's counters (History.perfTest: it records no sends): records handed to send(), and of those
     * the acknowledged and failed ones, all of them (as ProducerPerformance counts them); records send() refused at
     * once. Null for a producer with a send history.
     */
    perfTest: { sent: number; acknowledged: number; failed: number; refused: number } | null;
  }[];
  messages: MessageData | null;
  /**
   * The run's performance figures as `--json` has them (src/runner/performance.ts: throughput in records/s and
   * MiB/s, latencies in ms, busy shares 0..1, partition bytes in MiB, busiest first); null without `capacity:`.
   */
  performance: Performance | null;
}

export interface Steps<T> {
  t: number[];
  v: T[];
}

const MAX_MOMENTS = 5000;
const MAX_FINDINGS = 2000;
const LAG_POINTS = 600;
const LATENCY_BUCKETS = 300;

function deltas(ts: readonly number[]): number[] {
  const out = new Array<number>(ts.length);
  let prev = 0;
  for (let i = 0; i < ts.length; i++) {
    out[i] = Math.round(ts[i]) - prev;
    prev = Math.round(ts[i]);
  }
  return out;
}

function steps<T extends string | number>(s: StateSeries | StepSeries): Steps<T> {
  return { t: deltas(s.t), v: s.v.slice() as T[] };
}

/** The one place the page's version, verdict and replay line are worded. */
export function reportMeta(r: RunResult, version: string, wallMs: number): ReportData["meta"] {
  return {
    scenario: r.scenario,
    description: r.world.scenario.description,
    file: r.file,
    seed: r.seed,
    digest: r.digest,
    version,
    replay: replayLine(r),
    status: r.status,
    statusText: STATUS_TEXT[r.status],
    ok: r.ok,
    events: r.events,
    simulatedMs: r.simulatedMs,
    wallMs: Math.round(wallMs),
    durationUs: Math.round(r.simulatedMs * 1000),
  };
}

/** Builds everything the page shows from a run and what its recorder collected. */
export function buildReportData(r: RunResult, rec: RunRecorder, version: string, wallMs: number): ReportData {
  const endUs = Math.round(r.simulatedMs * 1000);
  const findingList = findingMoments(r.checks, endUs).slice(0, MAX_FINDINGS);
  const findings: ReportData["findings"] = [];
  const checks: ReportData["checks"] = r.checks.map((c) => ({ name: c.name, ok: c.ok, details: c.details, findings: [] }));
  let fi = 0;
  const writers = writersOf(r);
  r.checks.forEach((c, ci) =>
    c.findings.forEach((f) => {
      if (fi >= MAX_FINDINGS) return;
      const e = f.evidence ?? {};
      const num = (k: string) => (typeof e[k] === "number" ? (e[k] as number) : undefined);
      findings.push({
        t: f.atUs ?? endUs,
        atEnd: f.atUs === undefined,
        check: c.name,
        failed: !c.ok,
        message: f.message,
        ...(typeof e.partition === "string" ? { tp: e.partition } : {}),
        actors: [...new Set([...evidenceActors(e), ...valuesOf(e).map((v) => writers().get(v) ?? "")].filter(Boolean))],
        ...(num("offset") !== undefined ? { offset: num("offset") } : {}),
        ...(num("fromUs") !== undefined ? { fromUs: num("fromUs"), toUs: num("toUs") } : {}),
      });
      checks[ci].findings.push(fi++);
    }),
  );
  const findingIndex = new Map(findingList.map((m, i) => [m, i]));
  const all = mergeMoments(rec.moments, findingList);
  const moments = all.slice(0, MAX_MOMENTS).map((m) => {
    const f = findingIndex.get(m);
    return { t: m.atUs, k: m.kind, x: m.text, a: m.actors, ...(m.tp ? { tp: m.tp } : {}), ...(m.group ? { g: m.group } : {}), ...(m.internal ? { i: 1 as const } : {}), ...(m.routine ? { r: 1 as const } : {}), ...(f !== undefined ? { f } : {}) };
  });
  return {
    v: 1,
    meta: reportMeta(r, version, wallMs),
    checks,
    invariantViolations: r.invariantViolations.slice(0, 100),
    moments,
    momentsLeftOut: all.length - moments.length,
    findings,
    faults: rec.faultBands.map((b) => ({ kind: b.kind, label: b.label, actors: b.actors, from: b.fromUs, to: b.toUs })),
    partitions: rec
      .partitionLanes()
      .filter((l) => !l.internal || l.appends > 0)
      .sort((a, b) => Number(a.internal) - Number(b.internal) || a.topic.localeCompare(b.topic) || a.partition - b.partition)
      .map((l) => ({
        tp: l.tp,
        internal: l.internal,
        leader: steps(l.leader),
        isr: steps(l.isr),
        leo: steps(l.logEndOffset),
        hw: steps(l.highWatermark),
        lso: steps(l.lastStableOffset),
        truncations: l.truncations.map((x) => ({ t: x.atUs, broker: x.broker, from: x.from, to: x.to, removed: x.removed, why: x.why })),
      })),
    groups: groupData(r, rec, endUs),
    producers: producerData(r, rec, endUs),
    messages: rec.messages ? messageData(rec.messages, [...all], endUs) : null,
    performance: r.performance,
  };
}

/** The values a finding's evidence names (`value`, `values`). */
function valuesOf(e: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof e.value === "string") out.push(e.value);
  if (Array.isArray(e.values)) for (const v of e.values) if (typeof v === "string") out.push(v);
  return out;
}

/** value → the client that sent it (values are unique per run), built on first use. */
function writersOf(r: RunResult): () => Map<string, string> {
  let map: Map<string, string> | undefined;
  return () => {
    if (!map) {
      map = new Map();
      for (const op of r.history.ops) if (op.f === "send" && op.type === "invoke") map.set((op.value as SendValue).value, op.process);
    }
    return map;
  };
}

function groupData(r: RunResult, rec: RunRecorder, endUs: number): ReportData["groups"] {
  const lanes = new Map(rec.groupLanes().map((l) => [l.group, l]));
  const hw = new Map(rec.partitionLanes().map((l) => [l.tp, l.highWatermark]));
  const gridT = Array.from({ length: LAG_POINTS + 1 }, (_, i) => Math.round((i * endUs) / LAG_POINTS));
  return groupsOf(r).map((group) => {
    const lane = lanes.get(group);
    const progress = groupProgress(r.history, group);
    const lag = groupPartitions(r, group).map((tp) => {
      const s = hw.get(tp);
      const ends: Point[] = s ? s.t.map((t, i) => ({ t, v: s.v[i] })) : [];
      return { tp, v: gridT.map((t) => lagAt(ends, progress.get(tp), t) ?? null) };
    });
    return {
      group,
      protocol: lane?.protocol ?? null,
      state: lane ? steps<string>(lane.state) : { t: [], v: [] },
      coordinator: lane ? steps<string>(lane.coordinator) : { t: [], v: [] },
      members: memberOwnership(r, rec, group),
      lagT: deltas(gridT),
      lag,
    };
  });
}

/** Each member's partitions over time, as its rebalance listener saw them (assigned adds, revoked/lost remove). */
function memberOwnership(r: RunResult, rec: RunRecorder, group: string): ReportData["groups"][number]["members"] {
  const owned = new Map<string, { set: Set<string>; t: number[]; v: string[] }>();
  const put = (client: string, t: number, label: string) => {
    const m = owned.get(client)!;
    if (m.v.length && m.v[m.v.length - 1] === label) return;
    if (m.t.length && m.t[m.t.length - 1] === t) m.v[m.v.length - 1] = label;
    else {
      m.t.push(t);
      m.v.push(label);
    }
  };
  const label = (s: Set<string>) => (s.size === 0 ? "-" : [...s].sort().join(","));
  const downs = rec.faultBands.filter((b) => b.kind === "crash" || b.kind === "shutdown");
  const events: { t: number; client: string; f: string; tps: string[] }[] = [];
  for (const op of r.history.ops) {
    if (op.f !== "assigned" && op.f !== "revoked" && op.f !== "lost") continue;
    const v = op.value as RebalanceValue;
    if (v.group !== group) continue;
    events.push({ t: op.time, client: op.process, f: op.f, tps: v.partitions });
  }
  const clients = new Set(events.map((e) => e.client));
  for (const b of downs) for (const a of b.actors) if (clients.has(a)) events.push({ t: b.fromUs, client: a, f: "down", tps: [] });
  events.sort((a, b) => a.t - b.t);
  for (const e of events) {
    if (!owned.has(e.client)) owned.set(e.client, { set: new Set(), t: [], v: [] });
    const m = owned.get(e.client)!;
    if (e.f === "assigned") for (const tp of e.tps) m.set.add(tp);
    else if (e.f === "down") m.set.clear();
    else for (const tp of e.tps) m.set.delete(tp);
    put(e.client, e.t, e.f === "down" ? "(down)" : label(m.set));
  }
  return [...owned].sort(([a], [b]) => a.localeCompare(b)).map(([client, m]) => ({ client, owned: { t: deltas(m.t), v: m.v } }));
}

function producerData(r: RunResult, rec: RunRecorder, endUs: number): ReportData["producers"] {
  const bucketUs = Math.max(1, Math.ceil(endUs / LATENCY_BUCKETS));
  const perClient = new Map<string, { sends: ReportData["producers"][number]["sends"]; buckets: Map<number, number[]> }>();
  const get = (p: string) => {
    let s = perClient.get(p);
    if (!s) perClient.set(p, (s = { sends: { invoked: 0, ok: 0, fail: 0, info: 0 }, buckets: new Map() }));
    return s;
  };
  for (const op of r.history.ops) {
    if (op.f !== "send") continue;
    const s = get(op.process);
    if (op.type === "invoke") {
      s.sends.invoked++;
      continue;
    }
    s.sends[op.type]++;
    if (op.type !== "ok" || op.invoke === undefined || (op.value as SendValue).offset === -1) continue;
    const b = Math.floor(op.time / bucketUs);
    let list = s.buckets.get(b);
    if (!list) s.buckets.set(b, (list = []));
    list.push((op.time - r.history.ops[op.invoke].time) / 1000);
  }
  const lanes = new Map(rec.producerLanes().map((l) => [l.client, l]));
  const perfTest = r.history.perfTest.producers;
  const clients = [...new Set([...lanes.keys(), ...perClient.keys(), ...perfTest.keys()])].sort();
  return clients.map((client) => {
    const lane = lanes.get(client);
    const s = get(client);
    // Every bucket from the first acknowledgement on, empty ones as null: a gap in the line is a stretch without acks.
    const first = Math.min(...s.buckets.keys());
    const keys = s.buckets.size === 0 ? [] : Array.from({ length: Math.ceil(endUs / bucketUs) - first }, (_, i) => first + i);
    const p50: (number | null)[] = [];
    const max: (number | null)[] = [];
    for (const k of keys) {
      const xs = s.buckets.get(k)?.sort((a, b) => a - b);
      p50.push(xs ? Math.round(xs[Math.floor(xs.length / 2)] * 100) / 100 : null);
      max.push(xs ? Math.round(xs[xs.length - 1] * 100) / 100 : null);
    }
    const errors = lane ? lane.errors.entries() : { t: [], v: [] };
    return {
      client,
      epoch: lane ? steps<string>(lane.epoch) : { t: [], v: [] },
      inFlight: lane?.inFlight ? steps<number>(lane.inFlight) : null,
      errors: { t: deltas(errors.t), v: errors.v },
      errorNames: Object.fromEntries(lane ? [...lane.errorNames].sort(([a], [b]) => a.localeCompare(b)) : []),
      latency: { t: deltas(keys.map((k) => Math.min(endUs, (k + 1) * bucketUs))), p50, max },
      sends: s.sends,
      perfTest: perfTestCounts(perfTest.get(client)),
    };
  });
}

/** A perf-test producer's counts as the report shows them (every record, as performance.ts counts them). */
function perfTestCounts(p: ProducerPerfCounters | undefined): ReportData["producers"][number]["perfTest"] {
  return p ? { sent: p.sent, acknowledged: p.acknowledged, failed: p.failed, refused: p.refused } : null;
}

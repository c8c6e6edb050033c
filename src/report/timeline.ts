import type { ChalkInstance } from "chalk";
import type { CheckResult } from "../runner/run.js";
import { KIND_LABEL, KIND_PRIORITY, type Moment } from "./recorder/moments.js";

export type TimelineMode = "full" | "brief" | "none";

/** At most this many lines in the brief timeline (plus its header and a closing "... more" line). */
export const BRIEF_MAX_LINES = 40;
/** A subject seen more often than this is shown this many times, then summed up in one line. */
const BRIEF_REPEATS = 6;

/** `12.004s`: simulated µs as seconds with ms precision, as the timeline prints them. */
export function seconds(us: number): string {
  return `${(us / 1e6).toFixed(3)}s`;
}

const ACTOR_KEYS = ["producer", "consumer", "first", "second", "members", "zombie", "replacement", "replica", "replicas", "process"];

/** The actors a finding's evidence names (producer, consumer, members, replicas, ...). */
export function evidenceActors(evidence: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const k of ACTOR_KEYS) {
    const v = evidence?.[k];
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) for (const x of v) if (typeof x === "string") out.push(x);
  }
  return [...new Set(out)];
}

/**
 * Each check's findings as moments: at the moment the checker named (`atUs`), or at the end of the run for a
 * finding about the final state. `failed` is whether the check failed (false: an expected anomaly, found).
 */
export function findingMoments(checks: readonly CheckResult[], endUs: number): Moment[] {
  const out: Moment[] = [];
  for (const ch of checks)
    for (const f of ch.findings) {
      const tp = typeof f.evidence?.partition === "string" ? (f.evidence.partition as string) : undefined;
      out.push({
        atUs: f.atUs ?? endUs,
        kind: "finding",
        text: `${ch.name}: ${f.message}`,
        subject: `finding ${ch.name}`,
        actors: evidenceActors(f.evidence),
        ...(tp ? { tp } : {}),
        check: { name: ch.name, failed: !ch.ok },
      });
    }
  return out;
}

/** Moments and findings in one list, in time order (stable: a moment traced first stays first). */
export function mergeMoments(moments: readonly Moment[], findings: readonly Moment[]): Moment[] {
  return [...moments, ...findings].map((m, i) => ({ m, i })).sort((a, b) => a.m.atUs - b.m.atUs || a.i - b.i).map((x) => x.m);
}

/**
 * What names a moment merged into an earlier line: the first of its partition, its group and its last actor that
 * differs from the first moment's (members leaving one group are named by member, not by their common group).
 */
function mergedName(first: Moment, m: Moment): string {
  if (m.tp !== undefined && m.tp !== first.tp) return m.tp;
  if (m.group !== undefined && m.group !== first.group) return m.group;
  return m.actors[m.actors.length - 1] ?? m.tp ?? m.group ?? "?";
}

interface Line {
  atUs: number;
  kind: Moment["kind"];
  text: string;
  failed?: boolean;
  priority: number;
}

/**
 * The brief timeline: internal topics' partitions and routine steps left out; moments with the same merge key within 1ms one line;
 * each check's findings as its first one and a count; a subject whose lines repeat shown BRIEF_REPEATS times and
 * then summed up in one line; and at most BRIEF_MAX_LINES lines, the least telling kinds cut first.
 */
function brief(all: readonly Moment[]): { lines: Line[]; cut: number } {
  const moments = all.filter((m) => !m.routine && (!m.internal || m.kind === "unclean" || m.kind === "truncate"));
  // 1. Merge simultaneous moments of one kind of change (a crash moves many leaders at once); findings: first + count.
  const merged: (Line & { subject: string })[] = [];
  const findings = new Map<string, number>();
  for (const m of moments) if (m.kind === "finding") findings.set(m.subject, (findings.get(m.subject) ?? 0) + 1);
  const findingShown = new Set<string>();
  let prev: { line: Line & { subject: string }; m: Moment; names: string[] } | null = null;
  for (const m of moments) {
    if (m.kind === "finding") {
      if (findingShown.has(m.subject)) continue;
      findingShown.add(m.subject);
      const more = findings.get(m.subject)! - 1;
      merged.push({ atUs: m.atUs, kind: m.kind, text: more > 0 ? `${m.text}  (+${more} more)` : m.text, failed: m.check?.failed, priority: KIND_PRIORITY.finding, subject: m.subject });
      prev = null;
      continue;
    }
    if (prev && m.merge !== undefined && prev.m.merge === m.merge && m.atUs - prev.m.atUs <= 1000) {
      prev.names.push(mergedName(prev.m, m));
      const names = prev.names.length > 6 ? `${prev.names.slice(0, 6).join(", ")} and ${prev.names.length - 6} more` : prev.names.join(", ");
      prev.line.text = `${prev.m.text}  (the same for ${names})`;
      continue;
    }
    const line = { atUs: m.atUs, kind: m.kind, text: m.text, priority: KIND_PRIORITY[m.kind], subject: m.subject };
    merged.push(line);
    prev = { line, m, names: [] };
  }
  // 2. Collapse repeats: a subject's first lines, then one line that sums up the rest.
  const total = new Map<string, number>();
  const lastOf = new Map<string, number>();
  for (const l of merged) {
    total.set(l.subject, (total.get(l.subject) ?? 0) + 1);
    lastOf.set(l.subject, l.atUs);
  }
  const seen = new Map<string, number>();
  const lines: Line[] = [];
  for (const l of merged) {
    const n = total.get(l.subject)!;
    const k = (seen.get(l.subject) ?? 0) + 1;
    seen.set(l.subject, k);
    // Routine upkeep (cleaner passes, retention, metadata snapshots) is shown once; changes of state a few times.
    const repeats = l.kind === "clean" || l.kind === "retention" || l.kind === "snapshot" ? 1 : BRIEF_REPEATS;
    if (n <= repeats + 1 || k <= repeats) lines.push(l);
    else if (k === repeats + 1) lines.push({ ...l, text: `... ${n - repeats} more like these: ${l.subject}, until ${seconds(lastOf.get(l.subject)!)}` });
  }
  if (lines.length <= BRIEF_MAX_LINES) return { lines, cut: 0 };
  // 3. Keep the most telling lines, still in time order.
  const keep = new Set(
    lines
      .map((l, i) => ({ l, i }))
      .sort((a, b) => b.l.priority - a.l.priority || a.i - b.i)
      .slice(0, BRIEF_MAX_LINES)
      .map((x) => x.i),
  );
  return { lines: lines.filter((_, i) => keep.has(i)), cut: lines.length - keep.size };
}

function colour(c: ChalkInstance, l: Line): (s: string) => string {
  switch (l.kind) {
    case "finding":
      return l.failed ? c.red.bold : c.yellow;
    case "fault":
      return c.red;
    case "admin":
      return c.yellow;
    case "heal":
      return c.green;
    case "unclean":
    case "truncate":
    case "fenced":
      return c.magenta;
    case "leader":
    case "controller":
      return c.cyan;
    default:
      return (s) => s;
  }
}

/**
 * The terminal timeline: one line per notable moment in virtual time (`  12.004s  LEADER      ledger-0 leader ...`),
 * all of them (`full`) or collapsed (`brief`); nothing for `none`.
 */
export function timelineLines(moments: readonly Moment[], mode: TimelineMode, c: ChalkInstance): string[] {
  if (mode === "none" || moments.length === 0) return [];
  const { lines, cut } =
    mode === "full" ? { lines: moments.map((m): Line => ({ atUs: m.atUs, kind: m.kind, text: m.text, failed: m.check?.failed, priority: 0 })), cut: 0 } : brief(moments);
  const out = [c.dim(mode === "full" ? "timeline:" : "timeline (repeats collapsed; --timeline full shows every moment):")];
  for (const l of lines) out.push(`  ${seconds(l.atUs).padStart(9)}  ${c.dim(KIND_LABEL[l.kind].padEnd(11))} ${colour(c, l)(l.text)}`);
  if (cut > 0) out.push(c.dim(`  ... ${cut} more line(s) of lesser moments left out (--timeline full shows every moment)`));
  return out;
}

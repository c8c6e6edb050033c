import { FATE_DROPPED, FATE_IN_FLIGHT, type MessageLog } from "../recorder/messageLog.js";
import type { Moment } from "../recorder/moments.js";

/**
 * Messages for the space-time diagram, only those sent inside `windows` (all of them when the run is small enough):
 * per message the send time (delta-coded), the time to delivery or drop (-1: never arrived), and `k` packing sender,
 * receiver, type and fate as ((from * actors + to) * types + type) * 3 + fate, and `p` 1 + the index of the
 * topic-partition a request named (0: none).
 */
export interface MessageData {
  actors: string[];
  types: string[];
  tps: string[];
  total: number;
  kept: number;
  overflow: number;
  windows: [number, number][];
  t: number[];
  d: number[];
  k: number[];
  p: number[];
}

/** At most this many messages go into a page (about 15 bytes each: 6 MB). */
export const MAX_MESSAGES = 400_000;

/** The first index whose send time is at or after t (send times ascend). */
function lowerBound(a: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How long before and after a moment its window of messages reaches (µs). */
const WINDOW_BEFORE_US = 100_000;
const WINDOW_AFTER_US = 200_000;
const FILLER_WINDOWS = 40;

/**
 * Which messages go into the page: all of them if they fit in MAX_MESSAGES; otherwise windows around the moments
 * that matter most (findings, faults, elections, truncations, fencing, then the rest in time order), then windows
 * spread evenly over the run, as many as fit. Returns the windows kept, [from, to] in µs, ascending and disjoint.
 */
export function messageWindows(log: Pick<MessageLog, "sendUs" | "count">, moments: readonly Moment[], endUs: number, budget = MAX_MESSAGES): [number, number][] {
  if (log.count <= budget) return [[0, endUs]];
  const rank = (m: Moment) => (m.kind === "finding" ? 0 : m.kind === "fault" || m.kind === "heal" ? 1 : m.kind === "unclean" || m.kind === "truncate" || m.kind === "fenced" ? 2 : m.kind === "leader" || m.kind === "controller" ? 3 : 4);
  const points = moments.filter((m) => !m.internal).map((m, i) => ({ t: m.atUs, r: rank(m), i })).sort((a, b) => a.r - b.r || a.i - b.i);
  // Then windows spread over the whole run, so a quiet stretch has messages to look at too.
  for (let k = 0; k < FILLER_WINDOWS; k++) points.push({ t: Math.round(((k + 0.5) * endUs) / FILLER_WINDOWS), r: 5, i: points.length });
  // The windows chosen so far, ascending and disjoint (overlapping ones merged as they come), so what a new window
  // adds is exact: its messages less those the chosen windows already hold. Counted as messageData takes them, both
  // ends included.
  const chosen: [number, number][] = [];
  const inside = (a: number, b: number) => lowerBound(log.sendUs, log.count, b + 1) - lowerBound(log.sendUs, log.count, a);
  let used = 0;
  for (const p of points) {
    const a = Math.max(0, p.t - WINDOW_BEFORE_US);
    const b = Math.min(endUs, p.t + WINDOW_AFTER_US);
    let n = inside(a, b);
    for (const [x, y] of chosen) if (x <= b && y >= a) n -= inside(Math.max(a, x), Math.min(b, y));
    if (n <= 0 || used + n > budget) continue;
    used += n;
    addWindow(chosen, a, b);
  }
  if (chosen.length === 0) {
    // Nothing notable (or every window too big): the start of the run, as much as fits.
    const last = Math.min(log.count, budget) - 1;
    chosen.push([0, last >= 0 ? log.sendUs[last] : 0]);
  }
  return chosen;
}

/** Adds [a, b] to ascending, disjoint windows, merging it with those it touches. */
function addWindow(windows: [number, number][], a: number, b: number): void {
  let i = 0;
  while (i < windows.length && windows[i][1] < a) i++;
  let j = i;
  let lo = a;
  let hi = b;
  while (j < windows.length && windows[j][0] <= b) {
    lo = Math.min(lo, windows[j][0]);
    hi = Math.max(hi, windows[j][1]);
    j++;
  }
  windows.splice(i, j - i, [lo, hi]);
}

/** The messages a page holds (see MessageData), chosen by messageWindows. */
export function messageData(log: MessageLog, moments: readonly Moment[], endUs: number): MessageData {
  const windows = messageWindows(log, moments, endUs);
  const A = log.actors.length;
  const T = log.types.length;
  const t: number[] = [];
  const d: number[] = [];
  const k: number[] = [];
  const p: number[] = [];
  let prev = 0;
  for (const [a, b] of windows) {
    const end = lowerBound(log.sendUs, log.count, b + 1);
    for (let i = lowerBound(log.sendUs, log.count, a); i < end; i++) {
      const s = log.sendUs[i];
      t.push(s - prev);
      prev = s;
      const fate = log.fate[i];
      d.push(fate === FATE_IN_FLIGHT ? -1 : log.endUs[i] - s);
      k.push(((log.from[i] * A + log.to[i]) * T + log.type[i]) * 3 + (fate === FATE_DROPPED ? 2 : fate));
      p.push(log.tp[i]);
    }
  }
  return { actors: log.actors.slice(), types: log.types.slice(), tps: log.tps.slice(), total: log.count + log.overflow, kept: t.length, overflow: log.overflow, windows, t, d, k, p };
}

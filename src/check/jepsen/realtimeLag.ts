import { E_POLL, E_SEND, F_ASSIGN, F_POLL, F_SEND, F_SUBSCRIBE, F_TXN, INFO, INVOKE, OK, type IndexedHistory } from "./indexedHistory.js";

/**
 * kafka.clj `op->max-offsets`: for an ok or info op, each key it touched and the highest offset it polled or sent
 * there (key ids). Followed exactly, quirks included: a key a poll named with no records, or only records of unknown
 * offset, counts as -1 (`(reduce max -1)`); a send's offset starts from 0 (`(get offsets k 0)`), and a send of unknown
 * offset forgets the sends before it in the op (`op->max-send-offsets` reduces to nil there). Null for other ops.
 */
export function opMaxOffsets(h: IndexedHistory, i: number): Map<number, number> | null {
  const type = h.type[i];
  if (type !== OK && type !== INFO) return null;
  const f = h.f[i];
  const polls = new Map<number, number>();
  let sends = new Map<number, number>();
  if (f === F_POLL || f === F_TXN) {
    for (let e = h.opStart[i]; e < h.opStart[i + 1]; e++) {
      if (h.eKind[e] !== E_POLL) continue;
      const k = h.eKey[e];
      const o = h.eOff[e];
      polls.set(k, Math.max(polls.get(k) ?? -1, o === o ? o : -1));
    }
    for (const k of h.polledEmpty.get(i) ?? []) if (!polls.has(k)) polls.set(k, -1);
  }
  if (f === F_SEND || f === F_TXN) {
    for (let e = h.opStart[i]; e < h.opStart[i + 1]; e++) {
      if (h.eKind[e] !== E_SEND) continue;
      const o = h.eOff[e];
      if (o !== o) sends = new Map();
      else sends.set(h.eKey[e], Math.max(sends.get(h.eKey[e]) ?? 0, o));
    }
  }
  if (f !== F_POLL && f !== F_SEND && f !== F_TXN) return null;
  // merge-with max: the poll's keys first, then the sends' new ones.
  for (const [k, o] of sends) polls.set(k, Math.max(polls.get(k) ?? o, o));
  return polls;
}

/** One poll's lag on one key (kafka.clj `realtime-lag`): times in nanoseconds. */
export interface RealtimeLag {
  /** When the poll was invoked. */
  time: number;
  process: number | string;
  /** The key as the history wrote it. */
  key: number | string;
  /** How long, at least, the highest offset this process had read of the key had not been the log's last. */
  lag: number;
}

/**
 * kafka.clj `realtime-lag`: for every ok poll or txn, for each key its process is assigned (or has read since it
 * subscribed), a conservative lower bound on how far behind the log's end it was when invoked. First, per key, the
 * time each offset became known to exist (the completion time of the first ok or info op, in history order, that
 * polled or sent it or a later offset); then, per process, the highest offset read of each key: the lag is the poll's
 * invocation time minus when the next offset became known (0 if never, or if that came later). An ok assign keeps
 * the offsets of the keys it still names and starts the others at -1 (Jepsen assumes auto.offset.reset=earliest); an
 * ok subscribe forgets them all. A poll whose invocation has no time gives no lags (Jepsen would fail on it).
 */
export function realtimeLag(h: IndexedHistory): RealtimeLag[] {
  const lags: RealtimeLag[] = [];
  forEachRealtimeLag(h, (l) => lags.push(l));
  return lags;
}

/** As realtimeLag, handing each lag to `visit` in the same order instead of keeping them all. */
function forEachRealtimeLag(h: IndexedHistory, visit: (lag: RealtimeLag) => void): void {
  const expired: number[][] = [];
  for (let i = 0; i < h.n; i++) {
    const known = opMaxOffsets(h, i);
    if (known === null) continue;
    for (const [k, offset] of known) {
      const ex = (expired[k] ??= []);
      for (let j = offset; j >= 0 && !(ex[j] === ex[j] && ex[j] !== undefined); j--) ex[j] = h.time[i];
    }
  }
  const processOffsets = new Map<number, Map<number, number>>();
  for (let i = 0; i < h.n; i++) {
    if (h.type[i] !== OK) continue;
    const p = h.proc[i];
    const f = h.f[i];
    if (f === F_ASSIGN) {
      const old = processOffsets.get(p) ?? new Map<number, number>();
      const next = new Map<number, number>();
      for (const k of h.subKeys.get(i) ?? []) next.set(k, old.get(k) ?? -1);
      processOffsets.set(p, next);
    } else if (f === F_SUBSCRIBE) processOffsets.set(p, new Map());
    else if (f === F_POLL || f === F_TXN) {
      const offsets = new Map(processOffsets.get(p) ?? []);
      for (const [k, o] of opMaxOffsets(h, i) ?? []) offsets.set(k, Math.max(offsets.get(k) ?? o, o));
      processOffsets.set(p, offsets);
      const inv = h.pair[i];
      const invokeTime = inv >= 0 && h.type[inv] === INVOKE ? h.time[inv] : NaN;
      if (invokeTime !== invokeTime) continue;
      for (const [k, offset] of offsets) {
        const at = expired[k]?.[offset + 1];
        const expiredAt = at === undefined || at !== at ? Infinity : at;
        visit({ time: invokeTime, process: h.processNames[p], key: h.keys.shown[k], lag: Math.max(0, invokeTime - expiredAt) });
      }
    }
  }
}

/** kafka.clj `worst-realtime-lag`: the first of the highest lags (`util/max-by`), or `{time: 0, lag: 0}` when none. */
export function worstRealtimeLag(lags: readonly RealtimeLag[]): RealtimeLag | { time: number; lag: number } {
  let worst: RealtimeLag | null = null;
  for (const l of lags) if (worst === null || l.lag > worst.lag) worst = l;
  return worst ?? { time: 0, lag: 0 };
}

/**
 * What Jepsen's Kafka checker reports as `:worst-realtime-lag` (kafka.clj `analysis` computes `realtime-lag` only
 * when the first client op has a :process and a :time — "we only bother computing this for \"real\" histories" —
 * then `worst-realtime-lag`; `checker` converts :time and :lag with `nanos->secs`): the poll furthest behind the log's
 * end, times in seconds, or `{time: 0, lag: 0}` when no poll was measured. Streams the lags rather than keeping them.
 */
export function worstRealtimeLagSecs(h: IndexedHistory): { time: number; lag: number; process?: number | string; key?: number | string } {
  let worst: RealtimeLag | null = null;
  if (h.n > 0 && h.time[0] === h.time[0]) forEachRealtimeLag(h, (l) => {
    if (worst === null || l.lag > worst.lag) worst = l;
  });
  const w = worstRealtimeLag(worst === null ? [] : [worst]);
  return { ...w, time: w.time / 1e9, lag: w.lag / 1e9 };
}

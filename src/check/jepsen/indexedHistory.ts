import { FloatColumn, IntColumn } from "./growable.js";
import { describe, HistoryFormatError, type JepsenOp } from "./ops.js";

/** Op types as small ints (Jepsen's :invoke :ok :fail :info). */
export const INVOKE = 0;
export const OK = 1;
export const FAIL = 2;
export const INFO = 3;
const TYPE_CODE: Record<string, number> = { invoke: INVOKE, ok: OK, fail: FAIL, info: INFO };

/** Op functions as small ints. */
export const F_OTHER = 0;
export const F_SEND = 1;
export const F_POLL = 2;
export const F_TXN = 3;
export const F_ASSIGN = 4;
export const F_SUBSCRIBE = 5;
const F_CODE: Record<string, number> = { send: F_SEND, poll: F_POLL, txn: F_TXN, assign: F_ASSIGN, subscribe: F_SUBSCRIBE };

/** Entry kinds: one row per `[:send k v]` micro-op and per `[offset v]` pair a poll returned. */
export const E_SEND = 1;
export const E_POLL = 2;

/**
 * Keys (topic-partitions) and, per key, its values, interned to small ints: value ids are local to their key
 * (Jepsen's list-append generator reuses values across keys).
 */
export class KeyTable {
  readonly id = new Map<string, number>();
  /** Canonical key text (JSON object keys are strings, so 11 and "11" are one key). */
  readonly names: string[] = [];
  /** How the key is shown: a number if it was ever written as one. */
  readonly shown: (string | number)[] = [];
  readonly values: unknown[][] = [];
  readonly valueIds: Map<unknown, number>[] = [];

  keyOf(raw: unknown, position: number): number {
    if (raw === null || raw === undefined) throw new HistoryFormatError(position, "a micro-op names no key");
    const name = typeof raw === "string" ? raw : typeof raw === "number" || typeof raw === "bigint" ? String(raw) : JSON.stringify(raw);
    let k = this.id.get(name);
    if (k === undefined) {
      k = this.names.length;
      this.id.set(name, k);
      this.names.push(name);
      this.shown.push(typeof raw === "number" ? raw : name);
      this.values.push([]);
      this.valueIds.push(new Map());
    } else if (typeof raw === "number") this.shown[k] = raw;
    return k;
  }

  valueOf(k: number, raw: unknown): number {
    const v = raw !== null && typeof raw === "object" ? JSON.stringify(raw) : typeof raw === "bigint" ? Number(raw) : raw;
    const ids = this.valueIds[k];
    let id = ids.get(v);
    if (id === undefined) {
      id = this.values[k].length;
      ids.set(v, id);
      this.values[k].push(v);
    }
    return id;
  }

  get count(): number {
    return this.names.length;
  }
}

export interface IndexOptions {
  /**
   * Which op field names the sequential client for the per-process analyses (poll-skip, nonmonotonic-send):
   * Jepsen's `process` (default), or another field such as kafkasim's `client`, for clients that pipeline
   * several operations (a producer with requests in flight). Within one, ops are taken in invocation order.
   */
  sessionField?: string;
}

/**
 * A history indexed for the analysis: client ops in history order with their type, function, process and paired
 * invocation, and every send and polled record as a row of flat columns (key, value, offset, micro-op). Built in
 * one pass; memory is linear in the history. Invocations are paired with the next completion of their process, as
 * Jepsen's `jepsen.history` does; nemesis ops are left out (`h/client-ops`).
 */
export class IndexedHistory {
  readonly ops: JepsenOp[] = [];
  readonly keys = new KeyTable();
  type!: Uint8Array;
  f!: Uint8Array;
  /** Interned process per op. */
  proc!: Int32Array;
  readonly processNames: (string | number)[] = [];
  /** Interned session per op (== proc unless sessionField says otherwise). */
  session!: Int32Array;
  sessionCount = 0;
  /** For a completion: the position of its invocation (-1 if none); for an invocation: of its completion. */
  pair!: Int32Array;
  /** Entry rows of op i: opStart[i] .. opStart[i+1]. Only completions of send/poll/txn ops have entries. */
  opStart!: Int32Array;
  eKind!: Uint8Array;
  eKey!: Int32Array;
  eVal!: Int32Array;
  /** NaN when the offset is unknown. */
  eOff!: Float64Array;
  /** Position of the micro-op within the op's value (Elle's :a-mop-index). */
  eMop!: Int32Array;
  /** assign/subscribe ops: the keys named. */
  readonly subKeys = new Map<number, Int32Array>();
  /** Ops with a :rebalance-log: the keys the rebalances touched. */
  readonly rebalanceKeys = new Map<number, Int32Array>();
  /** Whether any op subscribes (Jepsen's `(:subscribe (:sub-via test))`). */
  subscribes = false;

  get n(): number {
    return this.ops.length;
  }

  get entries(): number {
    return this.eKey.length;
  }

  static build(history: readonly JepsenOp[], options: IndexOptions = {}): IndexedHistory {
    const h = new IndexedHistory();
    const client: JepsenOp[] = [];
    for (const op of history) if (op.process !== "nemesis" && op.process !== ":nemesis") client.push(op);
    const n = client.length;
    h.type = new Uint8Array(n);
    h.f = new Uint8Array(n);
    h.proc = new Int32Array(n);
    h.session = new Int32Array(n);
    h.pair = new Int32Array(n).fill(-1);
    h.opStart = new Int32Array(n + 1);
    const kind = new IntColumn(n * 2);
    const key = new IntColumn(n * 2);
    const val = new IntColumn(n * 2);
    const off = new FloatColumn(n * 2);
    const mopIx = new IntColumn(n * 2);
    const procId = new Map<unknown, number>();
    const sessionId = new Map<unknown, number>();
    const open: number[] = []; // per process: position of its open invocation, or -1
    const sessionField = options.sessionField;

    for (let i = 0; i < n; i++) {
      const op = client[i];
      h.ops.push(op);
      const pos = op.index;
      const t = TYPE_CODE[op.type];
      const fc = F_CODE[op.f] ?? F_OTHER;
      h.type[i] = t;
      h.f[i] = fc;
      let p = procId.get(op.process);
      if (p === undefined) {
        p = h.processNames.length;
        procId.set(op.process, p);
        h.processNames.push(op.process);
        open.push(-1);
      }
      h.proc[i] = p;
      const sessionKey = sessionField === undefined ? op.process : (op[sessionField] ?? op.process);
      let s = sessionId.get(sessionKey);
      if (s === undefined) sessionId.set(sessionKey, (s = sessionId.size));
      h.session[i] = s;
      if (t === INVOKE) {
        if (open[p] >= 0) throw new HistoryFormatError(pos, `process ${describe(op.process)} invokes while its op ${client[open[p]].index} is still open (a process runs one op at a time)`);
        open[p] = i;
      } else if (open[p] >= 0) {
        h.pair[i] = open[p];
        h.pair[open[p]] = i;
        open[p] = -1;
      }
      h.opStart[i] = key.length;
      if (fc === F_SEND || fc === F_POLL || fc === F_TXN) {
        if (!Array.isArray(op.value)) throw new HistoryFormatError(pos, `a ${op.f} op's value must be a list of micro-ops (got ${describe(op.value)})`);
        if (t !== INVOKE) readMops(h, op, fc, kind, key, val, off, mopIx);
        else checkInvocationMops(op);
      } else if (fc === F_ASSIGN || fc === F_SUBSCRIBE) {
        if (!Array.isArray(op.value)) throw new HistoryFormatError(pos, `an ${op.f} op's value must be a list of keys (got ${describe(op.value)})`);
        h.subKeys.set(i, Int32Array.from(op.value as unknown[], (k) => h.keys.keyOf(k, pos)));
        if (fc === F_SUBSCRIBE) h.subscribes = true;
      }
      const log = op["rebalance-log"];
      if (log !== undefined && log !== null) {
        if (!Array.isArray(log)) throw new HistoryFormatError(pos, `rebalance-log must be a list of {keys: [...]} (got ${describe(log)})`);
        const ks: number[] = [];
        for (const r of log) {
          const keysOf = r instanceof Map ? r.get("keys") : (r as { keys?: unknown })?.keys;
          if (Array.isArray(keysOf)) for (const k of keysOf) ks.push(h.keys.keyOf(k, pos));
        }
        h.rebalanceKeys.set(i, Int32Array.from(ks));
      }
    }
    h.opStart[n] = key.length;
    h.sessionCount = sessionId.size;
    h.eKind = Uint8Array.from(kind.view());
    h.eKey = key.view();
    h.eVal = val.view();
    h.eOff = off.view();
    h.eMop = mopIx.view();
    return h;
  }

  /** Where op i comes in its session's order: its invocation's position (its own without one). */
  orderOf(i: number): number {
    return this.type[i] === INVOKE || this.pair[i] < 0 ? i : this.pair[i];
  }

  /** The completions of each session, in invocation order (history order for Jepsen's sequential processes). */
  completionsBySession(): Int32Array[] {
    const counts = new Int32Array(this.sessionCount);
    for (let i = 0; i < this.n; i++) if (this.type[i] !== INVOKE) counts[this.session[i]]++;
    const out = Array.from(counts, (c) => new Int32Array(c));
    const fill = new Int32Array(this.sessionCount);
    for (let i = 0; i < this.n; i++) if (this.type[i] !== INVOKE) out[this.session[i]][fill[this.session[i]]++] = i;
    for (const list of out) {
      let sorted = true;
      for (let j = 1; j < list.length && sorted; j++) if (this.orderOf(list[j]) < this.orderOf(list[j - 1])) sorted = false;
      if (!sorted) list.sort((a, b) => this.orderOf(a) - this.orderOf(b));
    }
    return out;
  }
}

function readMops(h: IndexedHistory, op: JepsenOp, fc: number, kind: IntColumn, key: IntColumn, val: IntColumn, off: FloatColumn, mopIx: IntColumn): void {
  const pos = op.index;
  const mops = op.value as unknown[];
  for (let m = 0; m < mops.length; m++) {
    const mop = mops[m];
    if (!Array.isArray(mop) || mop.length === 0) throw new HistoryFormatError(pos, `micro-op ${m} must be ["send", k, v] or ["poll", ...] (got ${describe(mop)})`);
    const verb = mop[0];
    if (verb === "send") {
      if (mop.length !== 3) throw new HistoryFormatError(pos, `micro-op ${m} must be ["send", k, v] or ["send", k, [offset, v]] (got ${describe(mop)})`);
      if (fc === F_POLL) continue; // Jepsen's op-writes reads sends of :send and :txn ops only
      const k = h.keys.keyOf(mop[1], pos);
      const v = mop[2];
      let offset = NaN;
      let value = v;
      if (Array.isArray(v)) {
        if (v.length !== 2) throw new HistoryFormatError(pos, `micro-op ${m}: a completed send is [offset, value] (got ${describe(v)})`);
        offset = offsetOf(v[0], pos, m);
        value = v[1];
      }
      kind.push(E_SEND);
      key.push(k);
      val.push(h.keys.valueOf(k, value));
      off.push(offset);
      mopIx.push(m);
    } else if (verb === "poll") {
      if (mop.length > 2) throw new HistoryFormatError(pos, `micro-op ${m} must be ["poll"] or ["poll", {k: [[offset, v], ...]}] (got ${describe(mop)})`);
      if (mop.length === 1 || mop[1] === null || fc === F_SEND) continue;
      const polled = mop[1];
      if (typeof polled !== "object" || Array.isArray(polled)) throw new HistoryFormatError(pos, `micro-op ${m}: a completed poll is a map of key to [[offset, value], ...] (got ${describe(polled)})`);
      const each = (rawKey: unknown, pairs: unknown) => {
        if (!Array.isArray(pairs)) throw new HistoryFormatError(pos, `micro-op ${m}: key ${describe(rawKey)} must map to a list of [offset, value] pairs (got ${describe(pairs)})`);
        const k = h.keys.keyOf(rawKey, pos);
        for (const pair of pairs) {
          if (!Array.isArray(pair) || pair.length !== 2) throw new HistoryFormatError(pos, `micro-op ${m}: key ${describe(rawKey)}: each record is [offset, value] (got ${describe(pair)})`);
          kind.push(E_POLL);
          key.push(k);
          val.push(h.keys.valueOf(k, pair[1]));
          off.push(offsetOf(pair[0], pos, m));
          mopIx.push(m);
        }
      };
      if (polled instanceof Map) for (const [k, pairs] of polled) each(k, pairs);
      else for (const k of Object.keys(polled)) each(k, (polled as Record<string, unknown>)[k]);
    } else throw new HistoryFormatError(pos, `micro-op ${m}: unknown function ${describe(verb)} (Kafka histories use "send" and "poll")`);
  }
}

function offsetOf(raw: unknown, pos: number, m: number): number {
  if (raw === null || raw === undefined) return NaN;
  if (typeof raw === "bigint") return Number(raw);
  if (typeof raw !== "number" || !Number.isInteger(raw)) throw new HistoryFormatError(pos, `micro-op ${m}: an offset must be a whole number or null (got ${describe(raw)})`);
  return raw < 0 ? NaN : raw; // the Java client reports -1 when it has no offset (acks=0)
}

function checkInvocationMops(op: JepsenOp): void {
  const mops = op.value as unknown[];
  for (let m = 0; m < mops.length; m++) {
    const mop = mops[m];
    if (!Array.isArray(mop) || (mop[0] !== "send" && mop[0] !== "poll")) throw new HistoryFormatError(op.index, `micro-op ${m} must be ["send", k, v] or ["poll"] (got ${describe(mop)})`);
  }
}

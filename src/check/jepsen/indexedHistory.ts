import { Arena } from "./arena.js";
import { ByteColumn, FloatColumn, IntColumn } from "./growable.js";
import { IntIds } from "./intIds.js";
import { describe, HistoryFormatError, type JepsenOp, type JepsenType } from "./ops.js";

/** Op types as small ints (Jepsen's :invoke :ok :fail :info). */
export const INVOKE = 0;
export const OK = 1;
export const FAIL = 2;
export const INFO = 3;
const TYPE_CODE: Record<string, number> = { invoke: INVOKE, ok: OK, fail: FAIL, info: INFO };
const TYPE_NAME: JepsenType[] = ["invoke", "ok", "fail", "info"];

/** Op functions as small ints. */
export const F_OTHER = 0;
export const F_SEND = 1;
export const F_POLL = 2;
export const F_TXN = 3;
export const F_ASSIGN = 4;
export const F_SUBSCRIBE = 5;
const F_CODE: Record<string, number> = { send: F_SEND, poll: F_POLL, txn: F_TXN, assign: F_ASSIGN, subscribe: F_SUBSCRIBE };
const F_NAME = ["", "send", "poll", "txn", "assign", "subscribe"];

/** Entry kinds: one row per `[:send k v]` micro-op and per `[offset v]` pair a poll returned. */
export const E_SEND = 1;
export const E_POLL = 2;

/**
 * Keys (topic-partitions) and, per key, its values, interned to small ints: value ids are local to their key
 * (Jepsen's list-append generator reuses values across keys). JSON object keys are strings, so 11 and "11" are one
 * key; a key is shown as a number if it was ever written as one.
 */
export class KeyTable {
  readonly id = new Map<string, number>();
  private readonly numeric = new Map<number, number>();
  readonly names: string[] = [];
  readonly shown: (string | number)[] = [];
  readonly values: unknown[][] = [];
  /** Per key: value → id, for values that are not 32-bit integers. */
  readonly valueIds: Map<unknown, number>[] = [];
  /** Per key: value → id for 32-bit integers (Jepsen's values), the fast path. */
  private readonly intIds: IntIds[] = [];

  keyOf(raw: unknown, position: number): number {
    if (typeof raw === "number") {
      const known = this.numeric.get(raw);
      // Stryker disable next-line ConditionalExpression: a shortcut; without it named(String(raw)) finds the same key and shown gets the same number again
      if (known !== undefined) return known;
      const k = this.named(String(raw));
      this.shown[k] = raw;
      this.numeric.set(raw, k);
      return k;
    }
    if (raw === null || raw === undefined) throw new HistoryFormatError(position, "a micro-op names no key");
    return this.named(typeof raw === "string" ? raw : typeof raw === "bigint" ? String(raw) : JSON.stringify(raw));
  }

  private named(name: string): number {
    let k = this.id.get(name);
    if (k === undefined) {
      k = this.names.length;
      this.id.set(name, k);
      this.names.push(name);
      this.shown.push(name);
      this.values.push([]);
      this.valueIds.push(new Map());
      this.intIds.push(new IntIds());
    }
    return k;
  }

  valueOf(k: number, raw: unknown): number {
    if (typeof raw === "number" && (raw | 0) === raw) {
      const ints = this.intIds[k];
      let id = ints.get(raw);
      if (id < 0) {
        id = this.values[k].length;
        ints.set(raw, id);
        this.values[k].push(raw);
      }
      return id;
    }
    const v = raw !== null && typeof raw === "object" ? canonicalText(raw) : typeof raw === "bigint" ? bigintValue(raw) : raw;
    const ids = this.valueIds[k];
    let id = ids.get(v);
    if (id === undefined) {
      id = this.values[k].length;
      ids.set(v, id);
      this.values[k].push(v);
    }
    return id;
  }

  /** The id of a value already interned (the inverse of values[k][id]); undefined if the key never saw it. */
  idOf(k: number, raw: unknown): number | undefined {
    // Stryker disable next-line ConditionalExpression: (raw | 0) === raw holds for numbers only, so without the typeof only a bigint differs (it throws), and values[k], where idOf's arguments come from, holds no bigint (valueOf stores Number(raw))
    if (typeof raw === "number" && (raw | 0) === raw) {
      const id = this.intIds[k].get(raw);
      return id < 0 ? undefined : id;
    }
    return this.valueIds[k].get(raw);
  }

  get count(): number {
    return this.names.length;
  }
}

/** An op as anomalies name it: enough to find it in the history file. */
export interface OpRef {
  index: number;
  process: number | string;
  type: JepsenType;
  f: string;
  time?: number;
  /** kafkasim's client (the process is one of its lanes) and which life of it, for converted histories. */
  client?: string;
  incarnation?: number;
}

/**
 * A history indexed for the analysis, as flat columns: per op its type, function, process, session and paired
 * invocation; per send micro-op and per polled record one entry row (key, value, offset, micro-op). No object per
 * op or record is kept, so memory is linear in the history and small. Built by HistoryBuilder, from Jepsen op
 * objects (`fromJepsenOps`) or straight from a kafkasim run (`toJepsenHistory` into a builder).
 */
export class IndexedHistory {
  readonly keys = new KeyTable();
  n = 0;
  type!: Uint8Array;
  f!: Uint8Array;
  /** Interned process per op (processNames). */
  proc!: Int32Array;
  readonly processNames: (string | number)[] = [];
  /** Interned session per op (== proc unless a session function says otherwise). */
  session!: Int32Array;
  sessionCount = 0;
  /** For a completion: the position of its invocation (-1 if none); for an invocation: of its completion. */
  pair!: Int32Array;
  /** The op's own index (Jepsen's :index) and time (ns; NaN if none). */
  opIndex!: Int32Array;
  time!: Float64Array;
  /** Interned kafkasim client per op (-1 none) and its incarnation; empty when no op names a client. */
  client!: Int32Array;
  incarnation!: Int32Array;
  readonly clientNames: string[] = [];
  /** The `f` of ops whose function the analysis does not know (crash, debug-topic-partitions, …). */
  readonly otherF = new Map<number, string>();
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
  /**
   * Completed polls that named a key with no records (`[:poll {k []}]`): op → those keys. realtimeLag reads it
   * (kafka.clj `op->max-poll-offsets` gives such a key offset -1), and pollSkip (an ok one is the key's last read,
   * with a nil last value, in `poll-skip+nonmonotonic-cases-per-process`); every other analysis sees no record.
   */
  readonly polledEmpty = new Map<number, number[]>();
  /** Ops with a :rebalance-log: the keys the rebalances touched. */
  readonly rebalanceKeys = new Map<number, Int32Array>();
  /** Extra fields some ops carry that views read (isolation, error, txn, acks). */
  readonly attrs = new Map<number, Record<string, unknown>>();
  /** Whether any op subscribes (Jepsen's `(:subscribe (:sub-via test))`). */
  subscribes = false;

  get entries(): number {
    return this.eKey.length;
  }

  /** Where op i comes in its session's order: its invocation's position (its own without one). */
  orderOf(i: number): number {
    return this.type[i] === INVOKE || this.pair[i] < 0 ? i : this.pair[i];
  }

  opRef(i: number): OpRef | null {
    if (i < 0) return null;
    // Stryker disable next-line StringLiteral: op() keeps the name of every op whose f is F_OTHER in otherF, so the fallback is never taken
    const ref: OpRef = { index: this.opIndex[i], process: this.processNames[this.proc[i]], type: TYPE_NAME[this.type[i]], f: this.f[i] === F_OTHER ? (this.otherF.get(i) ?? "") : F_NAME[this.f[i]] };
    if (this.time[i] === this.time[i]) ref.time = this.time[i];
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a read past a typed array's end is undefined and undefined >= 0 is false, so the bound only keeps the read in range
    if (i < this.client.length && this.client[i] >= 0) {
      ref.client = this.clientNames[this.client[i]];
      ref.incarnation = this.incarnation[i];
    }
    return ref;
  }

  /** The completions of each session, in invocation order (history order for Jepsen's sequential processes). */
  completionsBySession(): Int32Array[] {
    if (this.bySession) return this.bySession;
    const counts = new Int32Array(this.sessionCount);
    // Stryker disable next-line EqualityOperator: one past the end type and session read undefined, and counts[undefined] is a named property Array.from never visits
    for (let i = 0; i < this.n; i++) if (this.type[i] !== INVOKE) counts[this.session[i]]++;
    // One buffer for all sessions' lists (see Arena).
    const all = new Int32Array(this.n);
    let at = 0;
    const out = Array.from(counts, (c) => {
      const list = all.subarray(at, at + c);
      at += c;
      return list;
    });
    const fill = new Int32Array(this.sessionCount);
    for (let i = 0; i < this.n; i++) if (this.type[i] !== INVOKE) out[this.session[i]][fill[this.session[i]]++] = i;
    for (const list of out) {
      // Stryker disable next-line BooleanLiteral: the scan only spares a sort; sorting a list already in invocation order leaves it as it is (orderOf differs for every op)
      let sorted = true;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the scan only spares a sort (see above); one past the end orderOf reads undefined, which compares as false
      for (let j = 1; j < list.length && sorted; j++) if (this.orderOf(list[j]) < this.orderOf(list[j - 1])) sorted = false;
      // Stryker disable next-line ConditionalExpression: sorting a list already in invocation order leaves it as it is (orderOf differs for every op)
      if (!sorted) list.sort((a, b) => this.orderOf(a) - this.orderOf(b));
    }
    this.bySession = out;
    return out;
  }

  private bySession: Int32Array[] | null = null;

  /** Indexes Jepsen op objects (see fromJepsenOps). */
  static build(history: readonly JepsenOp[], options: IndexOptions = {}): IndexedHistory {
    return fromJepsenOps(history, options);
  }
}

export interface IndexOptions {
  /**
   * Which client an op belongs to for the per-process analyses (poll-skip, nonmonotonic-send): Jepsen's `process`
   * (default), or, for a client that pipelines several operations (a producer with requests in flight), something
   * naming the client, such as kafkasim's client and life. Within one, ops are taken in invocation order.
   */
  sessionOf?: (op: { process: number | string; client?: string; incarnation?: number }) => unknown;
}

/**
 * Builds an IndexedHistory op by op: `op(...)` starts one, then its send and poll micro-ops, keys or rebalances.
 * Invocations are paired with the next completion of their process, as Jepsen's `jepsen.history` does (a process
 * that invokes twice without completing is malformed); nemesis ops are left out (`h/client-ops`).
 */
export class HistoryBuilder {
  private readonly h = new IndexedHistory();
  private readonly type: ByteColumn;
  private readonly f: ByteColumn;
  private readonly proc: IntColumn;
  /** Only when a session function is given; otherwise the session is the process. */
  private readonly session: IntColumn | null;
  private readonly pair: IntColumn;
  private readonly opIndex: IntColumn;
  private readonly time: FloatColumn;
  /** Only once some op names a kafkasim client (converted histories); Jepsen's files have none. */
  private client: IntColumn | null = null;
  private incarnation: IntColumn | null = null;
  private readonly opStart: IntColumn;
  private readonly kind: ByteColumn;
  private readonly key: IntColumn;
  private readonly val: IntColumn;
  private readonly off: FloatColumn;
  private readonly mop: IntColumn;
  private readonly procId = new Map<unknown, number>();
  private readonly sessionId = new Map<unknown, number>();
  private readonly clientId = new Map<string, number>();
  // Stryker disable next-line ArrayDeclaration: a cell is pushed (-1) for each new process and only ever tested with >= 0, which a stray non-number cell fails just as -1 does
  private readonly open: number[] = [];
  private current = -1;
  private position = 0;
  private readonly capacity: number;

  /**
   * `expectedOps`: roughly how many ops will come, and `expectedRows` how many send micro-ops and polled records
   * (the columns are reserved in one buffer of that size, see Arena, and grow past it).
   */
  constructor(
    private readonly options: IndexOptions = {},
    expectedOps = 1024,
    // Stryker disable next-line ArithmeticOperator: a size estimate; a wrong one costs speed (the columns grow past it), never a result
    expectedRows = expectedOps * 2,
  ) {
    const ops = expectedOps;
    const rows = expectedRows;
    // Stryker disable next-line ArithmeticOperator: a size estimate; a wrong one costs speed (the columns grow past it), never a result
    const arena = new Arena(ops * 42 + rows * 21 + 256);
    this.arena = arena;
    this.type = new ByteColumn(ops, arena);
    this.f = new ByteColumn(ops, arena);
    this.proc = new IntColumn(ops, arena);
    this.session = options.sessionOf !== undefined ? new IntColumn(ops, arena) : null;
    this.pair = new IntColumn(ops, arena);
    this.opIndex = new IntColumn(ops, arena);
    this.time = new FloatColumn(ops, arena);
    this.capacity = ops;
    // Stryker disable next-line ArithmeticOperator: a size estimate; a wrong one costs speed (the column grows past it), never a result
    this.opStart = new IntColumn(ops + 1, arena);
    this.kind = new ByteColumn(rows, arena);
    this.key = new IntColumn(rows, arena);
    this.val = new IntColumn(rows, arena);
    this.off = new FloatColumn(rows, arena);
    this.mop = new IntColumn(rows, arena);
  }

  private readonly arena: Arena;

  /** Starts an op; returns its position, or -1 for a nemesis op (left out). */
  op(index: number, time: number | undefined, process: number | string, type: JepsenType, f: string, client?: string, incarnation?: number): number {
    this.position = index;
    if (process === "nemesis" || process === ":nemesis") return (this.current = -1);
    const h = this.h;
    const i = this.type.length;
    const t = TYPE_CODE[type];
    this.type.push(t);
    const fc = F_CODE[f] ?? F_OTHER;
    this.f.push(fc);
    if (fc === F_OTHER) h.otherF.set(i, f);
    let p = this.procId.get(process);
    if (p === undefined) {
      p = h.processNames.length;
      this.procId.set(process, p);
      h.processNames.push(process);
      this.open.push(-1);
    }
    this.proc.push(p);
    if (this.session !== null) {
      const sessionKey = this.options.sessionOf!({ process, client, incarnation });
      let s = this.sessionId.get(sessionKey);
      if (s === undefined) this.sessionId.set(sessionKey, (s = this.sessionId.size));
      this.session.push(s);
    }
    this.opIndex.push(index);
    this.time.push(time ?? NaN);
    if (client !== undefined && this.client === null) {
      // The first op naming a client: the ops before it had none.
      this.client = new IntColumn(this.capacity, this.arena);
      this.incarnation = new IntColumn(this.capacity, this.arena);
      for (let j = 0; j < i; j++) {
        this.client.push(-1);
        this.incarnation.push(0);
      }
    }
    if (this.client !== null) {
      let c = -1;
      if (client !== undefined) {
        c = this.clientId.get(client) ?? -1;
        if (c < 0) {
          c = h.clientNames.length;
          this.clientId.set(client, c);
          h.clientNames.push(client);
        }
      }
      this.client.push(c);
      this.incarnation!.push(incarnation ?? 0);
    }
    this.pair.push(-1);
    if (t === INVOKE) {
      if (this.open[p] >= 0) throw new HistoryFormatError(index, `process ${describe(process)} invokes while its op ${this.opIndex.data[this.open[p]]} is still open (a process runs one op at a time)`);
      this.open[p] = i;
    } else if (
      // Stryker disable next-line ConditionalExpression: with no open invocation open[p] is -1, so the pair stays -1 and the write to cell -1 of a typed array does nothing
      this.open[p] >= 0
    ) {
      this.pair.data[i] = this.open[p];
      this.pair.data[this.open[p]] = i;
      this.open[p] = -1;
    }
    this.opStart.push(this.key.length);
    this.current = i;
    return i;
  }

  /** A `[:send k v]` micro-op of the current op (offset NaN when unknown). Kept only where Jepsen's op-writes looks. */
  send(k: unknown, value: unknown, offset: number, mopIndex: number): void {
    const i = this.current;
    // Stryker disable next-line ConditionalExpression: for a left-out op (current -1) data[-1] is undefined, so the f test below returns as well
    if (i < 0 || this.type.data[i] === INVOKE) return;
    const f = this.f.data[i];
    if (f !== F_SEND && f !== F_TXN) return;
    const key = this.h.keys.keyOf(k, this.position);
    this.row(E_SEND, key, this.h.keys.valueOf(key, value), offset, mopIndex);
  }

  /** One `[offset v]` pair a poll micro-op returned for key k. Kept only where Jepsen's op-reads looks. */
  polled(k: unknown, offset: number, value: unknown, mopIndex: number): void {
    const i = this.current;
    // Stryker disable next-line ConditionalExpression: for a left-out op (current -1) data[-1] is undefined, so the f test below returns as well
    if (i < 0 || this.type.data[i] === INVOKE) return;
    const f = this.f.data[i];
    if (f !== F_POLL && f !== F_TXN) return;
    const key = this.h.keys.keyOf(k, this.position);
    this.row(E_POLL, key, this.h.keys.valueOf(key, value), offset, mopIndex);
  }

  /** A key the current poll micro-op named with no records (see IndexedHistory.polledEmpty). */
  polledNothing(k: unknown): void {
    const i = this.current;
    if (i < 0 || this.type.data[i] === INVOKE) return;
    const f = this.f.data[i];
    if (f !== F_POLL && f !== F_TXN) return;
    const key = this.h.keys.keyOf(k, this.position);
    const keys = this.h.polledEmpty.get(i);
    if (keys) keys.push(key);
    else this.h.polledEmpty.set(i, [key]);
  }

  /** The keys an assign or subscribe op names. */
  keys(ks: readonly unknown[]): void {
    if (this.current < 0) return;
    this.h.subKeys.set(this.current, Int32Array.from(ks, (k) => this.h.keys.keyOf(k, this.position)));
    if (this.f.data[this.current] === F_SUBSCRIBE) this.h.subscribes = true;
  }

  /** The keys a rebalance moved during the current op (its :rebalance-log). */
  rebalanced(ks: readonly unknown[]): void {
    if (this.current < 0) return;
    const prev = this.h.rebalanceKeys.get(this.current);
    const next = Int32Array.from(ks, (k) => this.h.keys.keyOf(k, this.position));
    this.h.rebalanceKeys.set(this.current, prev ? Int32Array.from([...prev, ...next]) : next);
  }

  /** Extra fields of the current op that views read. */
  attr(name: string, value: unknown): void {
    if (this.current < 0) return;
    const a = this.h.attrs.get(this.current);
    if (a) a[name] = value;
    else this.h.attrs.set(this.current, { [name]: value });
  }

  private row(kind: number, key: number, val: number, offset: number, mopIndex: number): void {
    this.kind.push(kind);
    this.key.push(key);
    this.val.push(val);
    this.off.push(offset);
    this.mop.push(mopIndex);
  }

  build(): IndexedHistory {
    const h = this.h;
    h.n = this.type.length;
    this.opStart.push(this.key.length);
    h.type = this.type.view();
    h.f = this.f.view();
    h.proc = this.proc.view();
    h.session = this.session !== null ? this.session.view() : h.proc;
    h.sessionCount = this.session !== null ? this.sessionId.size : h.processNames.length;
    h.pair = this.pair.view();
    h.opIndex = this.opIndex.view();
    h.time = this.time.view();
    h.client = this.client !== null ? this.client.view() : new Int32Array(0);
    h.incarnation = this.incarnation !== null ? this.incarnation.view() : new Int32Array(0);
    h.opStart = this.opStart.view();
    h.eKind = this.kind.view();
    h.eKey = this.key.view();
    h.eVal = this.val.view();
    h.eOff = this.off.view();
    h.eMop = this.mop.view();
    return h;
  }
}

/**
 * The client functions of Jepsen's Kafka workload the analysis does not judge: `:crash` (the generator tears a client
 * down) and `:debug-topic-partitions` (the final generator asks each node about its partitions). jepsen.redpanda's
 * queue client (`Client.invoke!`) knows these and send, poll, txn, assign and subscribe, and nothing else.
 */
const CLIENT_OTHER_F: ReadonlySet<string> = new Set(["crash", "debug-topic-partitions"]);

/**
 * Indexes Jepsen op objects (from a file): checks each send/poll/txn op's micro-ops and each assign/subscribe
 * op's keys, throwing HistoryFormatError at the op that is malformed (a client op of a function Jepsen's Kafka client
 * does not have, too: a typo such as `:pol` would otherwise leave its records unread).
 */
export function fromJepsenOps(history: readonly JepsenOp[], options: IndexOptions = {}): IndexedHistory {
  const b = new HistoryBuilder(options, history.length, countRows(history));
  // jepsen.history's `client-op?`: a client's :process is an integer (`integer?`: 0.5 is not); anything else
  // (:nemesis, a named :final-reader, a fraction) is not a client op. A hand-written history with named processes only (none an integer) keeps them all.
  const integerClients = history.some((op) => Number.isInteger(op.process));
  for (const op of history) {
    const pos = op.index;
    if (integerClients && !Number.isInteger(op.process)) continue;
    const i = b.op(pos, op.time, op.process, op.type, op.f, typeof op.client === "string" ? op.client : undefined, typeof op.incarnation === "number" ? op.incarnation : undefined);
    if (i < 0) continue;
    const fc = F_CODE[op.f] ?? F_OTHER;
    if (fc === F_OTHER && !CLIENT_OTHER_F.has(op.f))
      throw new HistoryFormatError(pos, `a client op's f must be one of ${[...F_NAME.slice(1), ...CLIENT_OTHER_F].join(", ")} (got ${describe(op.f)}); only the nemesis (a process that is not an integer) may use others`);
    // A nil :value is empty to kafka.clj (op-writes-helper and op-reads-helper reduce over it; select-keys of nil
    // keys is {}): an :info send that never said what it sent, an :ok assign of nothing.
    if (op.value === null || op.value === undefined) {
      if (fc === F_ASSIGN || fc === F_SUBSCRIBE) b.keys([]);
    } else if (fc === F_SEND || fc === F_POLL || fc === F_TXN) {
      if (!Array.isArray(op.value)) throw new HistoryFormatError(pos, `a ${op.f} op's value must be a list of micro-ops (got ${describe(op.value)})`);
      readMops(b, op);
    } else if (fc === F_ASSIGN || fc === F_SUBSCRIBE) {
      if (!Array.isArray(op.value)) throw new HistoryFormatError(pos, `an ${op.f} op's value must be a list of keys (got ${describe(op.value)})`);
      b.keys(op.value as unknown[]);
    }
    const log = op["rebalance-log"];
    if (log !== undefined && log !== null) {
      if (!Array.isArray(log)) throw new HistoryFormatError(pos, `rebalance-log must be a list of {keys: [...]} (got ${describe(log)})`);
      for (const r of log) {
        const keysOf = r instanceof Map ? r.get("keys") : (r as { keys?: unknown })?.keys;
        if (Array.isArray(keysOf)) b.rebalanced(keysOf);
      }
    }
    if (op.isolation !== undefined) b.attr("isolation", op.isolation);
    if (op.error !== undefined) b.attr("error", op.error);
    if (op.txn !== undefined) b.attr("txn", op.txn);
    if (op.acks !== undefined) b.attr("acks", op.acks);
  }
  return b.build();
}

/** How many entry rows a history will have (send micro-ops and polled records of completions), to size the columns. */
function countRows(history: readonly JepsenOp[]): number {
  let rows = 0;
  for (const op of history) {
    // Stryker disable next-line ConditionalExpression,StringLiteral: counting an invocation's micro-ops too only reserves more room than the rows need, never a result
    if (op.type === "invoke" || !Array.isArray(op.value)) continue;
    for (const mop of op.value as unknown[]) {
      if (!Array.isArray(mop)) continue;
      if (mop[0] === "send") rows++;
      else if (
        // Stryker disable next-line ConditionalExpression,LogicalOperator: a wider test only visits micro-ops with no record lists (for-in over null, a number or a string finds none; sends are counted above; readMops refuses any other verb), so the count cannot fall short
        mop[0] === "poll" && mop[1] !== null && typeof mop[1] === "object"
      ) {
        const polled = mop[1] as Record<string, unknown> | Map<unknown, unknown>;
        if (polled instanceof Map) for (const pairs of polled.values()) rows += Array.isArray(pairs) ? pairs.length : 0;
        else for (const k in polled) rows += Array.isArray(polled[k]) ? (polled[k] as unknown[]).length : 0;
      }
    }
  }
  return rows;
}

function readMops(b: HistoryBuilder, op: JepsenOp): void {
  const pos = op.index;
  const mops = op.value as unknown[];
  const completed = op.type !== "invoke";
  for (let m = 0; m < mops.length; m++) {
    const mop = mops[m];
    if (!Array.isArray(mop) || mop.length === 0) throw new HistoryFormatError(pos, `micro-op ${m} must be ["send", k, v] or ["poll", ...] (got ${describe(mop)})`);
    const verb = mop[0];
    if (verb === "send") {
      if (mop.length !== 3) throw new HistoryFormatError(pos, `micro-op ${m} must be ["send", k, v] or ["send", k, [offset, v]] (got ${describe(mop)})`);
      if (!completed) continue;
      const v = mop[2];
      if (Array.isArray(v)) {
        if (v.length !== 2) throw new HistoryFormatError(pos, `micro-op ${m}: a completed send is [offset, value] (got ${describe(v)})`);
        b.send(mop[1], v[1], offsetOf(v[0], pos, `micro-op ${m}`, false), m);
      } else b.send(mop[1], v, NaN, m);
    } else if (verb === "poll") {
      if (mop.length > 2) throw new HistoryFormatError(pos, `micro-op ${m} must be ["poll"] or ["poll", {k: [[offset, v], ...]}] (got ${describe(mop)})`);
      // Stryker disable next-line ConditionalExpression: a null poll result passes the shape test below and a for-in over null reads nothing
      if (mop.length === 1 || mop[1] === null || !completed) continue;
      const polled = mop[1];
      if (typeof polled !== "object" || Array.isArray(polled)) throw new HistoryFormatError(pos, `micro-op ${m}: a completed poll is a map of key to [[offset, value], ...] (got ${describe(polled)})`);
      if (polled instanceof Map) for (const [k, pairs] of polled) readPairs(b, pos, m, k, pairs);
      else for (const k in polled) readPairs(b, pos, m, k, (polled as Record<string, unknown>)[k]);
    } else throw new HistoryFormatError(pos, `micro-op ${m}: unknown function ${describe(verb)} (Kafka histories use "send" and "poll")`);
  }
}

function readPairs(b: HistoryBuilder, pos: number, m: number, rawKey: unknown, pairs: unknown): void {
  if (!Array.isArray(pairs)) throw new HistoryFormatError(pos, `micro-op ${m}: key ${describe(rawKey)} must map to a list of [offset, value] pairs (got ${describe(pairs)})`);
  if (pairs.length === 0) b.polledNothing(rawKey);
  for (let j = 0; j < pairs.length; j++) {
    const pair = pairs[j];
    if (!Array.isArray(pair) || pair.length !== 2) throw new HistoryFormatError(pos, `micro-op ${m}: key ${describe(rawKey)}: each record is [offset, value] (got ${describe(pair)})`);
    b.polled(rawKey, offsetOf(pair[0], pos, `micro-op ${m}: key ${describe(rawKey)}`, true), pair[1], m);
  }
}

/**
 * An offset as the history writes it; `where` names the micro-op (and key) for the message. Offsets are compared as
 * JavaScript numbers, exact only up to 2^53 - 1: a larger one (a bigint from EDN, or a JSON number already rounded)
 * would be judged against its neighbour, so it is refused rather than judged wrongly.
 */
function offsetOf(raw: unknown, pos: number, where: string, polled: boolean): number {
  if (raw === null || raw === undefined) return NaN;
  const n = typeof raw === "bigint" ? Number(raw) : raw;
  // Stryker disable next-line ConditionalExpression: Number.isInteger is false for anything that is not a number
  if (typeof n !== "number" || !Number.isInteger(n)) throw new HistoryFormatError(pos, `${where}: an offset must be a whole number or null (got ${describe(raw)})`);
  if (typeof raw === "bigint" ? raw > BigInt(Number.MAX_SAFE_INTEGER) || raw < -BigInt(Number.MAX_SAFE_INTEGER) : !Number.isSafeInteger(n))
    throw new HistoryFormatError(pos, `${where}: an offset must be at most 2^53 - 1 (9007199254740991), the largest a number holds exactly (got ${String(raw)})`);
  // A record a consumer read has a place in the log; a send completed without one is reported as -1 by the Java
  // client (acks=0).
  if (n < 0 && polled) throw new HistoryFormatError(pos, `${where}: a polled record's offset must be ≥ 0 (got ${n})`);
  return n < 0 ? NaN : n;
}

/**
 * A value that is not a number or a string, as one comparable text: maps (EDN maps read as Map) by their entries,
 * so two different maps are two values (JSON.stringify prints every Map as {}); bigints as `123N`.
 */
function canonicalText(raw: object): string {
  return JSON.stringify(raw, (_k, x) => (x instanceof Map ? { "#map": [...x.entries()] } : x instanceof Set ? { "#set": [...x] } : typeof x === "bigint" ? `${x}N` : x));
}

/**
 * An EDN integer read exactly (a bigint): a number when one holds it exactly, else its digits with Clojure's `N`, so
 * 9007199254740992 and 9007199254740993 stay two values (as numbers they are one).
 */
function bigintValue(raw: bigint): number | string {
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : `${raw}N`;
}

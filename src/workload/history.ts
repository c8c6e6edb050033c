import { PerfTestStats } from "./perfTestStats.js";
import { seqOf, seqPrefixLength } from "../common/seqValue.js";
import { Float64Column, Int32Column, Interner, Uint16Column, Uint32Column, Uint8Column } from "./historyColumns.js";

/**
 * The client-observed history, Jepsen-style: each operation is an invocation followed by a completion
 * (`ok`, `fail` with an error name, or `info` when the outcome is unknown). Checkers read only this and final logs.
 * Times are simulated µs.
 */
export type OpType = "invoke" | "ok" | "fail" | "info";

export interface HistoryOp {
  index: number;
  /** Simulated time in µs. */
  time: number;
  /** The client (actor) that performed the operation. */
  process: string;
  type: OpType;
  f: string;
  value: unknown;
  /** Kafka error name on fail/info. */
  error?: string;
  /** For completions: the index of the invocation. */
  invoke?: number;
  /**
   * Which life of the process performed it (1 for its first start; a crash and restart begins the next). A
   * restarted client is a new process in Jepsen's sense: it has none of its predecessor's state.
   */
  incarnation?: number;
}

/** A record a producer sent: what Jepsen calls `[:send k v]`, with Kafka's topic, partition and key kept apart. */
export interface SendValue {
  topic: string;
  partition: number | null;
  key: string | null;
  value: string;
  offset?: number;
  /** For a transactional send: the transaction it belongs to (`<app>-<instance>-<n>`). */
  txn?: string;
  /**
   * "0" for a producer with acks=0: the broker sends no response, so the client completes the send at once with no
   * offset (-1, as Kafka's RecordMetadata does). Such a send is unconfirmed, never acknowledged.
   */
  acks?: "0";
  /** A tombstone: the record was sent with a null value (the delete of `key`); `value` names the send. */
  tombstone?: true;
}

const TYPES: readonly OpType[] = ["invoke", "ok", "fail", "info"];
const TYPE_CODE: Record<OpType, number> = { invoke: 0, ok: 1, fail: 2, info: 3 };
// A send row's flags: the completion's type in bits 0-1, then what the row holds.
const DONE_TYPE_MASK = 3;
const DONE = 4; // a completion shares the row
const ACKS0 = 8;
const HAS_OFFSET = 16; // the completion has an offset
const INVOKE_NULL_PARTITION = 32;
const DONE_NULL_PARTITION = 64;
/** `sendValuePrefixes` for a value kept whole in `wholeValues`. */
const WHOLE = 0xffff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** A partition a Uint16 send column holds: null (a flag) or 0..65535. */
function fitsU16(p: number | null): boolean {
  return p === null || (Number.isInteger(p) && p >= 0 && p <= U16_MAX);
}

/**
 * The history, recorded in columns (issue 14 item 4): names interned, and the sends of a producer workload
 * (`invokeSend` / `completeSend`, the hot path) held in one send row shared by a send's invocation and its
 * completion, with the value held as prefix and number (common/seqValue.ts) rather than a string. An op is then one
 * int32 (`refs`: which send row, and whether invocation or completion; or which row of the generic columns), and a
 * send costs ~51 bytes of typed arrays outside the JS heap (it cost ~85 with a row per op; the reference workload's
 * 10-minute run: 3M sends, 6M ops). Narrow columns (Uint16 partitions, incarnations and prefix ids, an int32
 * offset, the completion's time as a Uint32 µs delta) hold what a run records; a send whose fields do not fit them,
 * and a second completion of one invocation (which a workload never records), take the object path instead, with
 * the very value object the columns would give, so what readers see does not depend on which path held an op.
 * Other ops keep their value object as given.
 *
 * `ops` still offers the Jepsen-style op objects, built on first use and then kept up to date (a run whose checks
 * read only the columns never builds them); checkers on a hot path read the columns through `length`, `fAt`,
 * `typeAt`, `timeAt`, `invokeAt` and the `send*At` accessors instead. A columnar send's value object is built in the
 * order the producer workload always wrote it: `{topic, partition, key, value, offset?, acks?}`.
 */
export class History {
  /**
   * What perf-test clients (`perfTest: true`) keep instead of ops: counters and latency histograms (perfTestStats.ts).
   * Their sends and polls are not in the history, so no check judges them.
   */
  readonly perfTest = new PerfTestStats();
  /** Tells which life of a process is running (set by the runner from the engine); unset: not recorded. */
  incarnationOf?: (process: string) => number | undefined;

  /** One per op: `2 × send row (+1 for the completion)` for a columnar send, `~row` of the generic columns else. */
  private readonly refs = new Int32Column();
  // The generic columns: one row per op not held in a send row.
  private readonly times = new Float64Column();
  private readonly procs = new Uint16Column();
  private readonly types = new Uint8Column();
  private readonly fs = new Uint16Column();
  private readonly invokes = new Int32Column();
  private readonly incarnations = new Int32Column();
  /** Interned error + 1; 0: none. */
  private readonly errors = new Uint16Column();
  /** Values of the ops in the generic columns, by op index. */
  private readonly objects = new Map<number, unknown>();
  // One row per columnar send, shared by its invocation and its completion.
  /** The invocation's time (µs). */
  private readonly sendTimes = new Float64Column();
  /** The completion's time minus the invocation's (µs). */
  private readonly sendDoneDeltas = new Uint32Column();
  private readonly sendProcs = new Uint16Column();
  private readonly sendIncarnations = new Uint16Column();
  private readonly sendTopics = new Uint16Column();
  /** Interned key + 1; 0: a null key. */
  private readonly sendKeys = new Int32Column();
  /**
   * The send's value as `prefix + seq` (common/seqValue.ts): the interned prefix, or WHOLE when the value is kept
   * whole in `wholeValues`; the string is built again when read (no string per send stays alive).
   */
  private readonly sendValuePrefixes = new Uint16Column();
  private readonly sendValueSeqs = new Int32Column();
  private readonly wholeValues = new Map<number, string>();
  private readonly valuePrefixes = new Interner();
  /** The partition the invocation named and the one its completion gave (INVOKE_/DONE_NULL_PARTITION: null). */
  private readonly sendInvokePartitions = new Uint16Column();
  private readonly sendDonePartitions = new Uint16Column();
  /** The acknowledged offset (HAS_OFFSET). */
  private readonly sendOffsets = new Int32Column();
  /** The completion's interned error + 1; 0: none. */
  private readonly sendErrors = new Uint16Column();
  /** The invocation's op index (what the completion's `invoke` names). */
  private readonly sendInvokeOps = new Int32Column();
  private readonly sendFlags = new Uint8Column();
  private readonly processNames = new Interner();
  private readonly topicNames = new Interner();
  private readonly keyNames = new Interner();
  /** Op names and error names (few: they fit the Uint16 columns). */
  private readonly labels = new Interner();
  private materialized: HistoryOp[] | null = null;

  /** How many ops have been recorded. */
  get length(): number {
    return this.refs.length;
  }

  invoke(time: number, process: string, f: string, value: unknown): number {
    return this.generic(time, process, TYPE_CODE.invoke, f, -1, this.stampOf(process), undefined, value);
  }

  complete(time: number, invoke: number, type: Exclude<OpType, "invoke">, value: unknown, error?: string): void {
    this.generic(time, this.processAt(invoke), TYPE_CODE[type], this.fAt(invoke), invoke, this.incarnationAt(invoke), error, value);
  }

  /** A single-step observation (no invocation), e.g. a monitor's verdict. */
  event(time: number, process: string, f: string, value: unknown, type: Exclude<OpType, "invoke"> = "ok"): void {
    this.generic(time, process, TYPE_CODE[type], f, -1, this.stampOf(process), undefined, value);
  }

  /**
   * A producer's `send` invocation held in a send row (the same op as `invoke(time, process, "send", v)`). A value
   * with an offset, a transaction or a tombstone, or fields the columns do not hold, is kept as given instead.
   */
  invokeSend(time: number, process: string, v: SendValue): number {
    const incarnation = this.stampOf(process);
    if (v.offset !== undefined || v.txn !== undefined || v.tombstone || !fitsU16(v.partition) || !(incarnation >= 0 && incarnation <= U16_MAX)) return this.invoke(time, process, "send", v);
    const i = this.refs.length;
    const s = this.sendTimes.length;
    this.sendTimes.push(time);
    this.sendDoneDeltas.push(0);
    this.sendProcs.push(this.small(this.processNames, process, "process names"));
    this.sendIncarnations.push(incarnation);
    this.sendTopics.push(this.small(this.topicNames, v.topic, "topics"));
    this.sendKeys.push(v.key === null ? 0 : this.keyNames.id(v.key) + 1);
    const k = seqPrefixLength(v.value);
    const prefix = k < 0 ? WHOLE : this.valuePrefixes.id(v.value.slice(0, k));
    if (prefix >= WHOLE) {
      this.sendValuePrefixes.push(WHOLE);
      this.sendValueSeqs.push(0);
      this.wholeValues.set(s, v.value);
    } else {
      this.sendValuePrefixes.push(prefix);
      this.sendValueSeqs.push(seqOf(v.value, k));
    }
    this.sendInvokePartitions.push(v.partition ?? 0);
    this.sendDonePartitions.push(0);
    this.sendOffsets.push(0);
    this.sendErrors.push(0);
    this.sendInvokeOps.push(i);
    this.sendFlags.push((v.acks === "0" ? ACKS0 : 0) | (v.partition === null ? INVOKE_NULL_PARTITION : 0));
    this.refs.push(2 * s);
    this.publish(i);
    return i;
  }

  /**
   * The completion of a send: `{topic, partition, key, value, offset?, acks?}` with topic, key, value and acks the
   * invocation's (the same op as `complete(...)` with that value). `offset` is given for an `ok` (the broker's
   * answer, -1 for acks=0), undefined otherwise.
   */
  completeSend(time: number, invoke: number, type: Exclude<OpType, "invoke">, partition: number | null, offset: number | undefined, error?: string): void {
    if (!this.isColumnarSend(invoke)) {
      const v = this.valueAt(invoke) as SendValue;
      const acks = { ...(v.acks !== undefined ? { acks: v.acks } : {}), ...(v.tombstone ? { tombstone: v.tombstone } : {}) };
      const value: SendValue = offset !== undefined ? { topic: v.topic, partition, key: v.key, value: v.value, offset, ...acks } : { topic: v.topic, partition, key: v.key, value: v.value, ...acks };
      this.complete(time, invoke, type, value, error);
      return;
    }
    const s = this.refs.get(invoke) >> 1;
    const flags = this.sendFlags.get(s);
    const delta = time - this.sendTimes.get(s);
    const fits = (flags & DONE) === 0 && fitsU16(partition) && (offset === undefined || (offset | 0) === offset) && Number.isInteger(delta) && delta >= 0 && delta <= U32_MAX;
    if (!fits) {
      // What the row cannot hold (a second completion, or a field past its column) is an object completion with
      // the value the row would have given.
      const v: SendValue = { topic: this.sendTopicAt(invoke), partition, key: this.sendKeyAt(invoke), value: this.sendValueAt(invoke) };
      if (offset !== undefined) v.offset = offset;
      if (flags & ACKS0) v.acks = "0";
      this.complete(time, invoke, type, v, error);
      return;
    }
    const i = this.refs.length;
    this.sendDoneDeltas.set(s, delta);
    this.sendErrors.set(s, error === undefined ? 0 : this.label(error) + 1);
    let f = flags | DONE | TYPE_CODE[type];
    if (partition === null) f |= DONE_NULL_PARTITION;
    else this.sendDonePartitions.set(s, partition);
    if (offset !== undefined) {
      f |= HAS_OFFSET;
      this.sendOffsets.set(s, offset);
    }
    this.sendFlags.set(s, f);
    this.refs.push(2 * s + 1);
    this.publish(i);
  }

  private stampOf(process: string): number {
    return this.incarnationOf?.(process) ?? 0;
  }

  /** An op in the generic columns, its value kept as given. Returns its index. */
  private generic(time: number, process: string, type: number, f: string, invoke: number, incarnation: number, error: string | undefined, value: unknown): number {
    const i = this.refs.length;
    this.refs.push(~this.times.length);
    this.times.push(time);
    this.procs.push(this.small(this.processNames, process, "process names"));
    this.types.push(type);
    this.fs.push(this.label(f));
    this.invokes.push(invoke);
    this.incarnations.push(incarnation);
    this.errors.push(error === undefined ? 0 : this.label(error) + 1);
    this.objects.set(i, value);
    this.publish(i);
    return i;
  }

  private label(s: string): number {
    return this.small(this.labels, s, "op or error names");
  }

  /** `s`'s id in `names`, which must fit a Uint16 column (0xfffe ids: one is kept for "none"). */
  private small(names: Interner, s: string, what: string): number {
    const id = names.id(s);
    if (id >= 0xfffe) throw new Error(`history: more than ${0xfffe} distinct ${what}`);
    return id;
  }

  /** Send row `s`'s value string. */
  private sendValue(s: number): string {
    const p = this.sendValuePrefixes.get(s);
    return p === WHOLE ? this.wholeValues.get(s)! : this.valuePrefixes.names[p] + this.sendValueSeqs.get(s);
  }

  /** Keeps the op objects, once built, up to date. */
  private publish(i: number): void {
    if (this.materialized) this.materialized.push(this.build(i));
  }

  /** The ops as Jepsen-style objects (built on first use, then kept). Prefer the column accessors on hot paths. */
  get ops(): readonly HistoryOp[] {
    if (!this.materialized) {
      const out: HistoryOp[] = new Array(this.length);
      for (let i = 0; i < out.length; i++) out[i] = this.build(i);
      this.materialized = out;
    }
    return this.materialized;
  }

  /** Op `i` as an object (the kept one when `ops` was built, else a fresh one). */
  opAt(i: number): HistoryOp {
    return this.materialized ? this.materialized[i] : this.build(i);
  }

  private build(i: number): HistoryOp {
    const op: HistoryOp = { index: i, time: this.timeAt(i), process: this.processAt(i), type: this.typeAt(i), f: this.fAt(i), value: this.valueAt(i) };
    const inv = this.invokeAt(i);
    if (inv >= 0) op.invoke = inv;
    const e = this.errorAt(i);
    if (e !== undefined) op.error = e;
    const n = this.incarnationAt(i);
    if (n !== 0) op.incarnation = n;
    return op;
  }

  /** Op `i`'s time in simulated µs. */
  timeAt(i: number): number {
    const r = this.refs.get(i);
    if (r < 0) return this.times.get(~r);
    const s = r >> 1;
    return r & 1 ? this.sendTimes.get(s) + this.sendDoneDeltas.get(s) : this.sendTimes.get(s);
  }
  processAt(i: number): string {
    const r = this.refs.get(i);
    return this.processNames.names[r < 0 ? this.procs.get(~r) : this.sendProcs.get(r >> 1)];
  }
  typeAt(i: number): OpType {
    const r = this.refs.get(i);
    if (r < 0) return TYPES[this.types.get(~r)];
    return r & 1 ? TYPES[this.sendFlags.get(r >> 1) & DONE_TYPE_MASK] : "invoke";
  }
  fAt(i: number): string {
    const r = this.refs.get(i);
    return r < 0 ? this.labels.names[this.fs.get(~r)] : "send";
  }
  /** The invocation a completion answers, or -1. */
  invokeAt(i: number): number {
    const r = this.refs.get(i);
    if (r < 0) return this.invokes.get(~r);
    return r & 1 ? this.sendInvokeOps.get(r >> 1) : -1;
  }
  errorAt(i: number): string | undefined {
    const r = this.refs.get(i);
    const e = r < 0 ? this.errors.get(~r) : r & 1 ? this.sendErrors.get(r >> 1) : 0;
    return e > 0 ? this.labels.names[e - 1] : undefined;
  }
  /** Which life of its process op `i` came from (0: not recorded). */
  incarnationAt(i: number): number {
    const r = this.refs.get(i);
    return r < 0 ? this.incarnations.get(~r) : this.sendIncarnations.get(r >> 1);
  }
  /** Op `i`'s value (a columnar send's value object is built fresh each call). */
  valueAt(i: number): unknown {
    if (!this.isColumnarSend(i)) return this.objects.get(i);
    const v: SendValue = { topic: this.sendTopicAt(i), partition: this.sendPartitionAt(i), key: this.sendKeyAt(i), value: this.sendValueAt(i) };
    const offset = this.sendOffsetAt(i);
    if (offset !== undefined) v.offset = offset;
    if (this.sendAcks0At(i)) v.acks = "0";
    return v;
  }

  /**
   * Whether op `i` is a send held in a send row: then the `send*At` accessors read it without building objects.
   * Other sends (transactional ones, or those recorded with `invoke`/`complete`) are read through `valueAt`.
   */
  isColumnarSend(i: number): boolean {
    return this.refs.get(i) >= 0;
  }
  sendTopicAt(i: number): string {
    const r = this.refs.get(i);
    return r >= 0 ? this.topicNames.names[this.sendTopics.get(r >> 1)] : (this.objects.get(i) as SendValue).topic;
  }
  sendPartitionAt(i: number): number | null {
    const r = this.refs.get(i);
    if (r < 0) return (this.objects.get(i) as SendValue).partition;
    const s = r >> 1;
    const f = this.sendFlags.get(s);
    if (r & 1) return f & DONE_NULL_PARTITION ? null : this.sendDonePartitions.get(s);
    return f & INVOKE_NULL_PARTITION ? null : this.sendInvokePartitions.get(s);
  }
  sendKeyAt(i: number): string | null {
    const r = this.refs.get(i);
    if (r < 0) return (this.objects.get(i) as SendValue).key;
    const k = this.sendKeys.get(r >> 1);
    return k === 0 ? null : this.keyNames.names[k - 1];
  }
  sendValueAt(i: number): string {
    const r = this.refs.get(i);
    return r >= 0 ? this.sendValue(r >> 1) : (this.objects.get(i) as SendValue).value;
  }
  /** The acknowledged offset (undefined when none was given; an invocation never has one). */
  sendOffsetAt(i: number): number | undefined {
    const r = this.refs.get(i);
    if (r < 0) return (this.objects.get(i) as SendValue).offset;
    return r & 1 && this.sendFlags.get(r >> 1) & HAS_OFFSET ? this.sendOffsets.get(r >> 1) : undefined;
  }
  /** acks=0: never acknowledged. */
  sendAcks0At(i: number): boolean {
    const r = this.refs.get(i);
    return r >= 0 ? (this.sendFlags.get(r >> 1) & ACKS0) !== 0 : (this.objects.get(i) as SendValue).acks === "0";
  }

  /** Completions paired with their invocations. */
  *completed(f?: string): Generator<{ invoke: HistoryOp; done: HistoryOp }> {
    for (let i = 0; i < this.length; i++) {
      const inv = this.invokeAt(i);
      if (inv < 0 || (f !== undefined && this.fAt(i) !== f)) continue;
      yield { invoke: this.opAt(inv), done: this.opAt(i) };
    }
  }
}

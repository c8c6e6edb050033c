import { PerfTestStats } from "./perfTestStats.js";
import { seqOf, seqPrefixLength } from "../common/seqValue.js";
import { Float64Column, Int32Column, Interner, Uint16Column, Uint8Column } from "./historyColumns.js";

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
// meta bits: type in bits 0-1, then how the value is held.
const TYPE_MASK = 3;
const SEND = 4; // a send held in the send columns (topic, partition, key, value, offset, acks)
const ACKS0 = 8;
const HAS_OFFSET = 16;
const NULL_PARTITION = 32;

/**
 * The history, recorded in columns (issue 14 item 4): one row per op over typed arrays, names interned, and the
 * sends of a producer workload (`invokeSend` / `completeSend`, the hot path) in send columns shared by a send's
 * invocation and completion, its value held as prefix and number (common/seqValue.ts) rather than a string, so a
 * send costs ~85 bytes of typed arrays outside the JS heap (the reference workload's 10-minute run: 3M sends, 6M
 * ops) rather than an op object and a value object each. Other ops keep their value object as given.
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

  // One row per op.
  private readonly times = new Float64Column();
  private readonly procs = new Uint16Column();
  private readonly meta = new Uint8Column();
  private readonly fs = new Uint16Column();
  private readonly invokes = new Int32Column();
  private readonly incarnations = new Int32Column();
  /** Interned error + 1; 0: none. */
  private readonly errors = new Uint16Column();
  /** A columnar send's partition (NULL_PARTITION in meta: null). */
  private readonly partitions = new Int32Column();
  /** A columnar send's row in the send columns below; -1 for other ops. */
  private readonly sendRows = new Int32Column();
  // One row per columnar send, shared by its invocation and its completion: what the two have in common once.
  private readonly sendTopics = new Uint16Column();
  /** Interned key + 1; 0: a null key. */
  private readonly sendKeys = new Int32Column();
  /**
   * The send's value as `prefix + seq` (common/seqValue.ts): the interned prefix, or -1 when the value is kept whole
   * in `wholeValues`; the string is built again when read (no string per send stays alive).
   */
  private readonly sendValuePrefixes = new Int32Column();
  private readonly sendValueSeqs = new Int32Column();
  private readonly wholeValues = new Map<number, string>();
  private readonly valuePrefixes = new Interner();
  /** The acknowledged offset, written by the completion that has one (HAS_OFFSET in its meta). */
  private readonly sendOffsets = new Float64Column();
  /** 1 once a completion wrote `sendOffsets` (a second one, which a workload never records, gets a row of its own). */
  private readonly sendOffsetTaken = new Uint8Column();
  /** Values of the ops not held in columns, by op index. */
  private readonly objects = new Map<number, unknown>();
  private readonly processNames = new Interner();
  private readonly topicNames = new Interner();
  private readonly keyNames = new Interner();
  /** Op names and error names (few: they fit the Uint16 columns). */
  private readonly labels = new Interner();
  private materialized: HistoryOp[] | null = null;

  /** How many ops have been recorded. */
  get length(): number {
    return this.times.length;
  }

  invoke(time: number, process: string, f: string, value: unknown): number {
    const i = this.row(time, process, TYPE_CODE.invoke, f, -1, this.stampOf(process), undefined);
    this.objects.set(i, value);
    this.publish(i);
    return i;
  }

  complete(time: number, invoke: number, type: Exclude<OpType, "invoke">, value: unknown, error?: string): void {
    const i = this.row(time, this.processAt(invoke), TYPE_CODE[type], this.fAt(invoke), invoke, this.incarnations.get(invoke), error);
    this.objects.set(i, value);
    this.publish(i);
  }

  /** A single-step observation (no invocation), e.g. a monitor's verdict. */
  event(time: number, process: string, f: string, value: unknown, type: Exclude<OpType, "invoke"> = "ok"): void {
    const i = this.row(time, process, TYPE_CODE[type], f, -1, this.stampOf(process), undefined);
    this.objects.set(i, value);
    this.publish(i);
  }

  /**
   * A producer's `send` invocation held in columns (the same op as `invoke(time, process, "send", v)`). A value
   * with an offset, a transaction or a tombstone is kept as given instead.
   */
  invokeSend(time: number, process: string, v: SendValue): number {
    if (v.offset !== undefined || v.txn !== undefined || v.tombstone) return this.invoke(time, process, "send", v);
    const i = this.row(time, process, TYPE_CODE.invoke, "send", -1, this.stampOf(process), undefined);
    const s = this.sendRow(this.topicId(v.topic), v.key === null ? 0 : this.keyNames.id(v.key) + 1, v.value);
    this.sendColumns(i, s, v.partition, undefined, v.acks === "0");
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
    const i = this.row(time, this.processAt(invoke), TYPE_CODE[type], "send", invoke, this.incarnations.get(invoke), error);
    let s = this.sendRows.get(invoke);
    // The invocation's send row takes the first completion's offset; another completion with one gets its own row.
    if (offset !== undefined && this.sendOffsetTaken.get(s) !== 0) s = this.sendRow(this.sendTopics.get(s), this.sendKeys.get(s), this.sendValue(s));
    this.sendColumns(i, s, partition, offset, (this.meta.get(invoke) & ACKS0) !== 0);
    this.publish(i);
  }

  private stampOf(process: string): number {
    return this.incarnationOf?.(process) ?? 0;
  }

  private row(time: number, process: string, type: number, f: string, invoke: number, incarnation: number, error: string | undefined): number {
    const i = this.times.length;
    this.times.push(time);
    this.procs.push(this.small(this.processNames, process, "process names"));
    this.meta.push(type);
    this.fs.push(this.label(f));
    this.invokes.push(invoke);
    this.incarnations.push(incarnation);
    this.errors.push(error === undefined ? 0 : this.label(error) + 1);
    this.partitions.push(0);
    this.sendRows.push(-1);
    return i;
  }

  private label(s: string): number {
    return this.small(this.labels, s, "op or error names");
  }

  private topicId(topic: string): number {
    return this.small(this.topicNames, topic, "topics");
  }

  /** `s`'s id in `names`, which must fit a Uint16 column (0xfffe ids: one is kept for "none"). */
  private small(names: Interner, s: string, what: string): number {
    const id = names.id(s);
    if (id >= 0xfffe) throw new Error(`history: more than ${0xfffe} distinct ${what}`);
    return id;
  }

  /** A new send row; `keyId` is the interned key + 1, 0 for a null key. Returns its index. */
  private sendRow(topicId: number, keyId: number, value: string): number {
    const s = this.sendTopics.length;
    this.sendTopics.push(topicId);
    this.sendKeys.push(keyId);
    const k = seqPrefixLength(value);
    if (k < 0) {
      this.sendValuePrefixes.push(-1);
      this.sendValueSeqs.push(0);
      this.wholeValues.set(s, value);
    } else {
      this.sendValuePrefixes.push(this.valuePrefixes.id(value.slice(0, k)));
      this.sendValueSeqs.push(seqOf(value, k));
    }
    this.sendOffsets.push(0);
    this.sendOffsetTaken.push(0);
    return s;
  }

  /** Send row `s`'s value string. */
  private sendValue(s: number): string {
    const p = this.sendValuePrefixes.get(s);
    return p < 0 ? this.wholeValues.get(s)! : this.valuePrefixes.names[p] + this.sendValueSeqs.get(s);
  }

  private sendColumns(i: number, s: number, partition: number | null, offset: number | undefined, acks0: boolean): void {
    let m = this.meta.get(i) | SEND;
    if (acks0) m |= ACKS0;
    if (partition === null) m |= NULL_PARTITION;
    else this.partitions.set(i, partition);
    if (offset !== undefined) {
      m |= HAS_OFFSET;
      this.sendOffsets.set(s, offset);
      this.sendOffsetTaken.set(s, 1);
    }
    this.meta.set(i, m);
    this.sendRows.set(i, s);
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
    const op: HistoryOp = { index: i, time: this.times.get(i), process: this.processAt(i), type: this.typeAt(i), f: this.fAt(i), value: this.valueAt(i) };
    const inv = this.invokes.get(i);
    if (inv >= 0) op.invoke = inv;
    const e = this.errors.get(i);
    if (e > 0) op.error = this.labels.names[e - 1];
    const n = this.incarnations.get(i);
    if (n !== 0) op.incarnation = n;
    return op;
  }

  timeAt(i: number): number {
    return this.times.get(i);
  }
  processAt(i: number): string {
    return this.processNames.names[this.procs.get(i)];
  }
  typeAt(i: number): OpType {
    return TYPES[this.meta.get(i) & TYPE_MASK];
  }
  fAt(i: number): string {
    return this.labels.names[this.fs.get(i)];
  }
  /** The invocation a completion answers, or -1. */
  invokeAt(i: number): number {
    return this.invokes.get(i);
  }
  errorAt(i: number): string | undefined {
    const e = this.errors.get(i);
    return e > 0 ? this.labels.names[e - 1] : undefined;
  }
  /** Op `i`'s value (a columnar send's value object is built fresh each call). */
  valueAt(i: number): unknown {
    if (!this.isColumnarSend(i)) return this.objects.get(i);
    const m = this.meta.get(i);
    const v: SendValue = { topic: this.sendTopicAt(i), partition: this.sendPartitionAt(i), key: this.sendKeyAt(i), value: this.sendValueAt(i) };
    if (m & HAS_OFFSET) v.offset = this.sendOffsetAt(i);
    if (m & ACKS0) v.acks = "0";
    return v;
  }

  /**
   * Whether op `i` is a send held in columns: then the `send*At` accessors read it without building objects. Other
   * sends (transactional ones, or those recorded with `invoke`/`complete`) are read through `valueAt`.
   */
  isColumnarSend(i: number): boolean {
    return (this.meta.get(i) & SEND) !== 0;
  }
  sendTopicAt(i: number): string {
    return this.isColumnarSend(i) ? this.topicNames.names[this.sendTopics.get(this.sendRows.get(i))] : (this.objects.get(i) as SendValue).topic;
  }
  sendPartitionAt(i: number): number | null {
    if (!this.isColumnarSend(i)) return (this.objects.get(i) as SendValue).partition;
    return this.meta.get(i) & NULL_PARTITION ? null : this.partitions.get(i);
  }
  sendKeyAt(i: number): string | null {
    if (!this.isColumnarSend(i)) return (this.objects.get(i) as SendValue).key;
    const k = this.sendKeys.get(this.sendRows.get(i));
    return k === 0 ? null : this.keyNames.names[k - 1];
  }
  sendValueAt(i: number): string {
    return this.isColumnarSend(i) ? this.sendValue(this.sendRows.get(i)) : (this.objects.get(i) as SendValue).value;
  }
  /** The acknowledged offset (undefined when none was given). */
  sendOffsetAt(i: number): number | undefined {
    if (!this.isColumnarSend(i)) return (this.objects.get(i) as SendValue).offset;
    return this.meta.get(i) & HAS_OFFSET ? this.sendOffsets.get(this.sendRows.get(i)) : undefined;
  }
  /** acks=0: never acknowledged. */
  sendAcks0At(i: number): boolean {
    return this.isColumnarSend(i) ? (this.meta.get(i) & ACKS0) !== 0 : (this.objects.get(i) as SendValue).acks === "0";
  }

  /** Completions paired with their invocations. */
  *completed(f?: string): Generator<{ invoke: HistoryOp; done: HistoryOp }> {
    const fId = f === undefined ? -1 : this.labels.find(f);
    if (f !== undefined && fId < 0) return;
    for (let i = 0; i < this.length; i++) {
      const inv = this.invokes.get(i);
      if (inv < 0 || (fId >= 0 && this.fs.get(i) !== fId)) continue;
      yield { invoke: this.opAt(inv), done: this.opAt(i) };
    }
  }
}

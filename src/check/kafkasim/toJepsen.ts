import type { PollValue } from "../../workload/consumerWorkload.js";
import type { RebalanceValue } from "../../workload/groupConsumerWorkload.js";
import type { HistoryOp, SendValue } from "../../workload/history.js";
import type { FinalReplicaLog } from "../input.js";
import { committedPartitions } from "../committedView.js";
import { HistoryBuilder, type IndexedHistory } from "../jepsen/indexedHistory.js";
import type { JepsenOp, JepsenType } from "../jepsen/ops.js";

/** The client name of the process that reads the final logs. */
export const FINAL_READER = "final-reader";

/**
 * Where converted ops go, micro-op by micro-op: Jepsen op objects (for `run --history`), or straight into the
 * analysis' columns (no object per op, for the run's own checks).
 */
export interface JepsenSink {
  op(time: number, process: number, type: JepsenType, f: string, client: string, incarnation: number): void;
  /** `["send", k, v]` (offset undefined) or `["send", k, [offset, v]]` (offset null when unknown). */
  send(key: string, value: unknown, offset?: number | null): void;
  /** `["poll"]`, or `["poll", {k: [[offset, v], ...]}]`. */
  poll(polled?: PollValue): void;
  /** An assign's or subscribe's keys. */
  keys(keys: string[]): void;
  /** Another field: error, acks, txn, isolation, seek-to-beginning?, or rebalance-log (given as its keys). */
  field(name: string, value: unknown): void;
}

/**
 * kafkasim's history in the shape of Jepsen's Kafka workload (kafka.clj docstring; kafka-facts §7.2), so Jepsen's
 * analysis (ours, or Jepsen's own checker on the exported file) can judge a simulated run:
 *
 * - a key is one topic-partition (`orders-0`);
 * - a send is `{f: send, value: [["send", k, v]]}` completing as `[["send", k, [offset, v]]]`; a failed send is
 *   :fail, an unknown outcome :info, and an acks=0 send :info too (the client was never told it was written);
 * - a transaction is one `txn` op holding its sends (and, for a read-process-write app, the poll it processed),
 *   with the transaction's outcome;
 * - a poll is `{f: poll}` completing as `[["poll", {k: [[offset, v], ...]}]]`, carrying a `rebalance-log` of the
 *   partitions its rebalance callbacks moved since the last poll; assign and subscribe are their own ops;
 * - processes are integers and run one op at a time, as Jepsen requires: each client life gets lanes (a producer
 *   with five sends in flight uses five), and a lane whose op ended :info is retired (Jepsen retires a process
 *   that crashed). Every op also carries `client` and `incarnation` for kafkasim's own, per-client views;
 * - ops still open when the run ends complete as :info;
 * - last, a `final-reader` assigns every partition from the beginning and polls what a read_committed consumer
 *   would read of the final logs (Jepsen's final-polls generator does the same on a real cluster).
 *
 * Times are ns (Jepsen's unit: kafkasim's µs × 1000). Every kafkasim-only op (commits, processed records,
 * rebalance callbacks, monitors) is left out: kafkasim's own checks read those from its history.
 */
export function convertHistory(ops: readonly HistoryOp[], logs: readonly FinalReplicaLog[], sink: JepsenSink, options: { finalReads?: boolean } = {}): void {
  const scan = prescan(ops, logs);
  const lanes = new Lanes();
  const pending = new Map<string, string[]>(); // session → partitions moved by rebalances since its last poll
  const subscribed = new Set<string>();
  /** kafkasim invocation → its Jepsen lane and what the completion repeats. */
  const open = new Map<number, { process: number; f: string; txn?: string; unconfirmed?: boolean; isolation?: string; rebalance?: string[] }>();
  const ns = (us: number) => Math.round(us * 1000);
  const takeRebalances = (s: string): string[] | undefined => {
    const moved = pending.get(s);
    pending.delete(s);
    return moved && moved.length > 0 ? moved : undefined;
  };
  const fields = (error: unknown, isolation: string | undefined, rebalance: string[] | undefined) => {
    if (error !== undefined) sink.field("error", error);
    if (isolation !== undefined) sink.field("isolation", isolation);
    if (rebalance !== undefined) sink.field("rebalance-log", rebalance);
  };
  const maybeSubscribe = (op: HistoryOp, s: string) => {
    if (subscribed.has(s) || !scan.groupSessions.has(s)) return;
    subscribed.add(s);
    const keys = scan.subscribedKeys(s);
    const p = lanes.take(s);
    for (const type of ["invoke", "ok"] as const) {
      sink.op(ns(op.time), p, type, "subscribe", op.process, op.incarnation ?? 1);
      sink.keys(keys);
    }
    lanes.release(s, p);
  };
  const txnSends = (invokeIndex: number, completed: boolean) => {
    const txn = (ops[invokeIndex].value as { txn: string }).txn;
    const poll = scan.mergedPoll.get(invokeIndex);
    if (poll !== undefined) sink.poll(completed ? (ops[poll].value as PollValue) : undefined);
    for (const send of scan.txnSends.get(txn) ?? []) {
      const v = ops[send].value as SendValue;
      const k = scan.keyOf(v, ops[send]);
      const done = scan.completionOf[send];
      const offset = completed && done >= 0 && ops[done].type === "ok" ? (ops[done].value as SendValue).offset : undefined;
      sink.send(k, v.value, offset !== undefined && offset >= 0 ? offset : undefined);
    }
  };

  for (const op of ops) {
    const s = sessionOf(op);
    const life = op.incarnation ?? 1;
    switch (op.f) {
      case "send": {
        const v = op.value as SendValue;
        if (v.txn !== undefined) break; // inside its txn op
        const k = scan.keyOf(v, op);
        const unconfirmed = v.acks === "0";
        if (op.type === "invoke") {
          const p = lanes.take(s);
          sink.op(ns(op.time), p, "invoke", "send", op.process, life);
          sink.send(k, v.value);
          if (unconfirmed) sink.field("acks", 0);
          open.set(op.index, { process: p, f: "send", unconfirmed });
          break;
        }
        const started = open.get(op.invoke!);
        if (!started) break;
        open.delete(op.invoke!);
        const type: JepsenType = op.type === "ok" && unconfirmed ? "info" : op.type;
        sink.op(ns(op.time), started.process, type, "send", op.process, life);
        if (type === "ok") sink.send(k, v.value, v.offset !== undefined && v.offset >= 0 ? v.offset : null);
        else sink.send(k, v.value);
        fields(op.error, undefined, undefined);
        if (unconfirmed) sink.field("acks", 0);
        lanes.done(s, started.process, type);
        break;
      }
      case "txn": {
        if (op.type === "invoke") {
          const txn = (op.value as { txn: string }).txn;
          const poll = scan.mergedPoll.get(op.index);
          const p = lanes.take(s);
          sink.op(ns(op.time), p, "invoke", "txn", op.process, life);
          txnSends(op.index, false);
          sink.field("txn", txn);
          // The poll's rebalances are reported by the txn's completion (kafka.clj: "that occurred during the execution").
          open.set(op.index, { process: p, f: "txn", txn, isolation: poll !== undefined ? isolationOf(ops[ops[poll].invoke!]) : undefined, rebalance: poll !== undefined ? takeRebalances(s) : undefined });
          break;
        }
        const started = open.get(op.invoke!);
        if (!started) break;
        open.delete(op.invoke!);
        sink.op(ns(op.time), started.process, op.type, "txn", op.process, life);
        txnSends(op.invoke!, true);
        sink.field("txn", started.txn);
        fields(op.error, started.isolation, started.rebalance);
        lanes.done(s, started.process, op.type);
        break;
      }
      case "txn-begin": {
        // A read-process-write app polled, then could not begin its transaction: the poll's txn op failed.
        const poll = scan.failedBeginPoll.get(op.index);
        if (poll === undefined) break;
        const p = lanes.take(s);
        sink.op(ns(ops[poll].time), p, "invoke", "txn", op.process, life);
        sink.poll();
        sink.op(ns(op.time), p, "fail", "txn", op.process, life);
        sink.poll(ops[poll].value as PollValue);
        fields((op.value as { error?: string }).error, isolationOf(ops[ops[poll].invoke!]), takeRebalances(s));
        lanes.release(s, p);
        break;
      }
      case "poll": {
        if (op.type === "invoke") {
          if ((op.value as { group?: string } | null)?.group) maybeSubscribe(op, s);
          break;
        }
        if (scan.mergedInto.has(op.index)) break;
        const inv = ops[op.invoke!];
        const p = lanes.take(s);
        sink.op(ns(inv.time), p, "invoke", "poll", op.process, life);
        sink.poll();
        sink.op(ns(op.time), p, op.type, "poll", op.process, life);
        // A poll that threw (auto.offset.reset=none: OFFSET_OUT_OF_RANGE, LOG_TRUNCATION, NO_OFFSET_FOR_PARTITION)
        // read nothing: a failed ["poll"] with its error.
        if (op.type === "ok") sink.poll(op.value as PollValue);
        else sink.poll();
        fields(op.type === "ok" ? undefined : op.error, isolationOf(inv), takeRebalances(s));
        lanes.release(s, p);
        break;
      }
      case "assign": {
        const v = op.value as { topic: string; partitions: number[] };
        const keys = v.partitions.map((p) => `${v.topic}-${p}`);
        const p = lanes.take(s);
        for (const type of ["invoke", "ok"] as const) {
          sink.op(ns(op.time), p, type, "assign", op.process, life);
          sink.keys(keys);
        }
        lanes.release(s, p);
        break;
      }
      case "assigned":
      case "revoked":
      case "lost": {
        maybeSubscribe(op, s);
        const moved = pending.get(s) ?? [];
        for (const tp of (op.value as RebalanceValue).partitions) if (!moved.includes(tp)) moved.push(tp);
        pending.set(s, moved);
        break;
      }
    }
  }
  // Ops still open at the end: their outcome is unknown (what kafkasim saw of them goes in).
  const endNs = ns(ops.length > 0 ? ops[ops.length - 1].time : 0);
  for (const [invokeIndex, o] of open) {
    const inv = ops[invokeIndex];
    sink.op(endNs, o.process, "info", o.f, inv.process, inv.incarnation ?? 1);
    if (o.f === "txn") {
      txnSends(invokeIndex, true);
      sink.field("txn", o.txn);
    } else sink.send(scan.keyOf(inv.value as SendValue, inv), (inv.value as SendValue).value);
    if (o.unconfirmed) sink.field("acks", 0);
    fields(undefined, o.isolation, o.rebalance);
  }
  if (options.finalReads !== false) finalReads(logs, lanes.fresh(), endNs + 1, sink);
}

/** The run's history as Jepsen op objects, ready to write as JSON lines (`run --history FILE`). */
export function toJepsenHistory(ops: readonly HistoryOp[], logs: readonly FinalReplicaLog[], options: { finalReads?: boolean } = {}): JepsenOp[] {
  const out: JepsenOp[] = [];
  let cur: JepsenOp | null = null;
  convertHistory(
    ops,
    logs,
    {
      op(time, process, type, f, client, incarnation) {
        cur = { index: out.length, time, process, type, f, value: [], client, incarnation };
        out.push(cur);
      },
      send(key, value, offset) {
        (cur!.value as unknown[]).push(["send", key, offset === undefined ? value : [offset, value]]);
      },
      poll(polled) {
        (cur!.value as unknown[]).push(polled === undefined ? ["poll"] : ["poll", polled]);
      },
      keys(keys) {
        cur!.value = keys;
      },
      field(name, value) {
        cur![name] = name === "rebalance-log" ? [{ keys: value }] : value;
      },
    },
    options,
  );
  return out;
}

/**
 * The run's history indexed for the analysis directly (no Jepsen op objects): the same ops as toJepsenHistory, with
 * kafkasim's client and life as the process of the per-client checks.
 */
export function indexRunHistory(ops: readonly HistoryOp[], logs: readonly FinalReplicaLog[]): IndexedHistory {
  // Stryker disable next-line ArithmeticOperator: a size estimate; a wrong one costs speed (the columns grow past it), never a result
  const b = new HistoryBuilder({ sessionOf: kafkasimSession }, ops.length + 16);
  let index = 0;
  let mop = 0;
  convertHistory(ops, logs, {
    op(time, process, type, f, client, incarnation) {
      b.op(index++, time, process, type, f, client, incarnation);
      mop = 0;
    },
    send(key, value, offset) {
      b.send(key, value, offset === undefined || offset === null ? NaN : offset, mop++);
    },
    poll(polled) {
      if (polled !== undefined) for (const tp in polled) for (const [o, v] of polled[tp]) b.polled(tp, o, v, mop);
      mop++;
    },
    keys(keys) {
      b.keys(keys);
    },
    field(name, value) {
      if (name === "rebalance-log") b.rebalanced(value as string[]);
      else b.attr(name, value);
    },
  });
  return b.build();
}

const sessionNames = new Map<string, string[]>();

/** A kafkasim session: the client and its life (`producer-1#2`), interned so no string is built per op. */
export function sessionOf(op: { process: string; incarnation?: number }): string {
  let lives = sessionNames.get(op.process);
  // Stryker disable next-line ConditionalExpression: interning; a fresh array builds an equal name
  if (!lives) sessionNames.set(op.process, (lives = []));
  const n = op.incarnation ?? 1;
  return (lives[n] ??= `${op.process}#${n}`);
}

/** The analysis' per-client grouping for converted histories: client and life, not lane. */
export function kafkasimSession(op: { process: number | string; client?: string; incarnation?: number }): unknown {
  return op.client !== undefined ? sessionOf({ process: op.client, incarnation: op.incarnation }) : op.process;
}

/** A poll's isolation.level, kept on the Jepsen op (Jepsen's analysis assumes read_committed throughout). */
function isolationOf(pollInvoke: HistoryOp): string | undefined {
  return (pollInvoke.value as { isolation?: string } | null)?.isolation;
}

/**
 * What a read_committed consumer reads of each partition at the end: the judged replica's records below its HW
 * and below its first open transaction (the LSO), without aborted ones. One assign of every key, then one poll.
 */
function finalReads(logs: readonly FinalReplicaLog[], process: number, time: number, sink: JepsenSink): void {
  const parts = [...committedPartitions(logs).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (parts.length === 0) return;
  const keys = parts.map(([tp]) => tp);
  const polled: PollValue = {};
  for (const [tp, p] of parts) {
    const lso = p.records.find((r) => r.aborted === "open")?.offset ?? Infinity;
    polled[tp] = p.records.filter((r) => r.offset < lso && !r.aborted).map((r) => [r.offset, r.value]);
  }
  for (const type of ["invoke", "ok"] as const) {
    sink.op(time, process, type, "assign", FINAL_READER, 1);
    sink.keys(keys);
    sink.field("seek-to-beginning?", true);
  }
  sink.op(time, process, "invoke", "poll", FINAL_READER, 1);
  sink.poll();
  sink.op(time + 1, process, "ok", "poll", FINAL_READER, 1);
  sink.poll(polled);
  sink.field("isolation", "read_committed");
}

/**
 * Integer Jepsen processes, one op at a time each: per kafkasim session a pool of lanes; a lane is free again
 * after an ok or fail completion and retired after an info one (Jepsen gives a crashed process's thread a new
 * process id).
 */
class Lanes {
  private next = 0;
  /** Free lanes per session, as a stack: a producer may have thousands of sends in flight. */
  private readonly free = new Map<string, number[]>();

  take(session: string): number {
    const pool = this.free.get(session);
    return pool !== undefined && pool.length > 0 ? pool.pop()! : this.next++;
  }

  release(session: string, p: number): void {
    const pool = this.free.get(session);
    if (pool) pool.push(p);
    else this.free.set(session, [p]);
  }

  done(session: string, p: number, type: JepsenType): void {
    if (type !== "info") this.release(session, p);
  }

  fresh(): number {
    // Stryker disable next-line UpdateOperator: fresh() is called once, last (the final reader): nothing takes a lane after it
    return this.next++;
  }
}

/** What the conversion needs to know ahead: partitions, transactions' sends, and which polls fold into txns. */
function prescan(ops: readonly HistoryOp[], logs: readonly FinalReplicaLog[]) {
  // Where each value was seen, for a send whose partition the client never learned: built on the first such send,
  // from the judged replica of each partition and from polls. kafkasim's values are unique across topics; the
  // topic is checked on lookup.
  let partitionOfValue: Map<string, string> | null = null;
  const seenAt = () => {
    // Stryker disable next-line ConditionalExpression: a cache; rebuilding from the same ops and logs gives an equal map
    if (partitionOfValue) return partitionOfValue;
    const m = (partitionOfValue = new Map<string, string>());
    for (const [tp, part] of committedPartitions(logs)) for (const v of part.inLog) m.set(v, tp);
    for (const op of ops)
      if (op.f === "poll" && op.type === "ok") for (const [tp, recs] of Object.entries(op.value as PollValue)) for (const [, v] of recs) m.set(v, tp);
    return m;
  };
  const partitionsOf = new Map<string, Set<number>>();
  const notePartition = (topic: string, partition: number) => {
    let set = partitionsOf.get(topic);
    if (!set) partitionsOf.set(topic, (set = new Set()));
    set.add(partition);
  };
  const tpTopic = (tp: string) => tp.slice(0, tp.lastIndexOf("-"));
  for (const l of logs) notePartition(l.topic, l.partition);
  const txnSends = new Map<string, number[]>();
  const completionOf = new Int32Array(ops.length).fill(-1);
  const tpNames = new Map<string, string[]>();
  const tpName = (topic: string, p: number) => {
    let names = tpNames.get(topic);
    // Stryker disable next-line ConditionalExpression: interning; a fresh array builds an equal name
    if (!names) tpNames.set(topic, (names = []));
    return (names[p] ??= `${topic}-${p}`);
  };
  const lastOf = new Map<string, number>(); // session → its previous op
  const mergedPoll = new Map<number, number>(); // txn invoke → poll completion folded in
  const mergedInto = new Set<number>();
  const failedBeginPoll = new Map<number, number>(); // txn-begin event → poll completion
  const groupSessions = new Set<string>();
  const sessionTopics = new Map<string, Set<string>>();
  const noteTopic = (s: string, topic: string) => {
    let set = sessionTopics.get(s);
    if (!set) sessionTopics.set(s, (set = new Set()));
    set.add(topic);
  };
  for (const op of ops) {
    const s = sessionOf(op);
    if (op.invoke !== undefined) completionOf[op.invoke] = op.index;
    if (op.f === "send") {
      const v = op.value as SendValue;
      if (op.type === "invoke" && v.txn !== undefined) {
        const list = txnSends.get(v.txn);
        if (list) list.push(op.index);
        else txnSends.set(v.txn, [op.index]);
      }
    } else if (op.f === "poll" && op.type === "ok") {
      for (const tp of Object.keys(op.value as PollValue)) {
        const topic = tpTopic(tp);
        notePartition(topic, Number(tp.slice(tp.lastIndexOf("-") + 1)));
        if ((ops[op.invoke!].value as { group?: string } | null)?.group) noteTopic(s, topic);
      }
    } else if (op.f === "txn" && op.type === "invoke") {
      const prev = lastOf.get(s);
      if (prev !== undefined && ops[prev].f === "poll" && ops[prev].type === "ok") {
        mergedPoll.set(op.index, prev);
        mergedInto.add(prev);
      }
    } else if (op.f === "txn-begin") {
      const prev = lastOf.get(s);
      if (prev !== undefined && ops[prev].f === "poll" && ops[prev].type === "ok") {
        failedBeginPoll.set(op.index, prev);
        mergedInto.add(prev);
      }
    }
    if (op.f === "assigned" || op.f === "revoked" || op.f === "lost" || (op.f === "poll" && op.type === "invoke" && (op.value as { group?: string } | null)?.group)) groupSessions.add(s);
    if (op.f === "assigned" || op.f === "revoked" || op.f === "lost") for (const tp of (op.value as RebalanceValue).partitions) noteTopic(s, tpTopic(tp));
    lastOf.set(s, op.index);
  }
  return {
    completionOf,
    txnSends,
    mergedPoll,
    mergedInto,
    failedBeginPoll,
    groupSessions,
    /**
     * The key a send goes to: the partition it was acknowledged or failed at, else the one it named, else the
     * topic's only partition, else where its value was seen; `topic-?` when nothing tells (it never reached anyone).
     */
    keyOf(v: SendValue, op: HistoryOp): string {
      const done = op.type === "invoke" ? completionOf[op.index] : op.index;
      const p = (done >= 0 ? (ops[done].value as SendValue).partition : null) ?? v.partition;
      if (p !== null && p !== undefined) return tpName(v.topic, p);
      const only = partitionsOf.get(v.topic);
      if (only?.size === 1) return tpName(v.topic, [...only][0]);
      const seen = seenAt().get(v.value);
      return seen !== undefined && seen.startsWith(`${v.topic}-`) && seen.lastIndexOf("-") === v.topic.length ? seen : `${v.topic}-?`;
    },
    /** A subscribed session's keys: every known partition of the topics it read or was assigned. */
    subscribedKeys(s: string): string[] {
      const out: string[] = [];
      for (const topic of [...(sessionTopics.get(s) ?? [])].sort()) for (const p of [...(partitionsOf.get(topic) ?? [])].sort((a, b) => a - b)) out.push(`${topic}-${p}`);
      return out;
    },
  };
}

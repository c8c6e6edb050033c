import { z } from "zod";
import type { PollValue } from "../workload/consumerWorkload.js";
import type { HistoryOp, SendValue } from "../workload/history.js";
import type { TxnValue } from "../workload/transactionalWorkload.js";
import { committedPartitions } from "./committedView.js";
import { at, type Checker, type CheckInput, type Finding } from "./input.js";
import { durationMs, nameParam } from "./params.js";
import type { G1aCase } from "./jepsen/cases.js";
import { F_TXN } from "./jepsen/indexedHistory.js";
import { runAnalysis } from "./kafkasim/runAnalysis.js";
import { CaseReader } from "./kafkasim/viewSupport.js";

interface TxnOutcome {
  txn: string;
  process: string;
  /** ok: committed; fail: aborted (or failed before commit was asked); null: unknown (no answer, or fenced mid-commit). */
  outcome: "ok" | "fail" | null;
  value: TxnValue | null;
  /** The offsets the transaction carries, known from its start (so even when it never answered). */
  offsets: TxnValue["offsets"];
  endedUs: number | null;
}

/** Each transaction's outcome, and which transaction each sent value belongs to. */
function transactions(input: CheckInput): { byTxn: Map<string, TxnOutcome>; txnOfValue: Map<string, string> } {
  const byTxn = new Map<string, TxnOutcome>();
  const txnOfValue = new Map<string, string>();
  for (const op of input.history.ops) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a send's answer repeats its value and txn, and no other op has a `value` with a `txn`
    if (op.f === "send" && op.type === "invoke") {
      const v = op.value as SendValue;
      if (v.txn) txnOfValue.set(v.value, v.txn);
    }
    if (op.f !== "txn") continue;
    if (op.type === "invoke") {
      const { txn, offsets } = op.value as Pick<TxnValue, "txn" | "offsets">;
      byTxn.set(txn, { txn, process: op.process, outcome: null, value: null, offsets, endedUs: null });
    } else {
      const v = op.value as TxnValue;
      const t = byTxn.get(v.txn);
      // Stryker disable next-line ConditionalExpression: a txn completion's invocation is a txn invocation (History.complete records it)
      if (t) Object.assign(t, { outcome: op.type === "ok" ? "ok" : op.type === "fail" ? "fail" : null, value: v, endedUs: op.time });
    }
  }
  return { byTxn, txnOfValue };
}

function committedPolls(input: CheckInput): { op: HistoryOp; value: PollValue }[] {
  const out: { op: HistoryOp; value: PollValue }[] = [];
  for (const { invoke, done } of input.history.completed("poll"))
    if (done.type === "ok" && (invoke.value as { isolation?: string } | null)?.isolation === "read_committed") out.push({ op: done, value: done.value as PollValue });
  return out;
}

/** Which readers' returns of aborted records count: read_committed ones (the default), or any consumer's. */
export interface AbortedReadParams {
  isolation: "read_committed" | "any";
}

/**
 * Jepsen's G1a (aborted read): a consumer read a record whose write failed. For a transaction that aborted, only a
 * read_committed reader is wrong to return it (read_uncommitted readers see aborted records, as Kafka documents:
 * ConsumerConfig isolation.level); a plain send that failed for certain was never written, so nobody may read it.
 * `{ isolation: any }` counts read_uncommitted readers too, for a scenario that shows what such a consumer processed
 * (the default is the read_committed contract). A view of the run's Jepsen analysis.
 */
export const abortedRead: Checker<AbortedReadParams> = {
  name: "abortedRead",
  description: "a read_committed consumer (or, with isolation: any, any consumer) read a record of an aborted transaction (G1a)",
  param: { example: "abortedRead: { isolation: any }", schema: z.strictObject({ isolation: z.enum(["read_committed", "any"]) }) },
  run(input, p) {
    const anyReader = p?.isolation === "any";
    const ra = runAnalysis(input);
    const r = new CaseReader(ra);
    const h = ra.analysis.ctx.h;
    const out: Finding[] = [];
    for (const c of (ra.analysis.anomalies.G1a ?? []) as G1aCase[]) {
      const txn = h.f[c.writer] === F_TXN;
      if (txn && !anyReader && r.attr(c.reader, "isolation") !== "read_committed") continue;
      const tp = r.tp(c.key);
      const value = r.value(c.key, c.value);
      const offset = r.offset(c.key, c.value);
      const why = txn ? `its transaction ${String(r.attr(c.writer, "txn") ?? "?")} aborted` : `its send failed (${String(r.attr(c.writer, "error") ?? "error")})`;
      out.push({
        message: `${r.client(c.reader)} read ${value} at ${tp} offset ${offset} (${at(r.atUs(c.reader))}) but ${why}`,
        atUs: r.atUs(c.reader),
        jepsenKey: "G1a",
        evidence: { consumer: r.client(c.reader), value, partition: tp, offset, txn: r.attr(c.writer, "txn") ?? null },
      });
    }
    return out;
  },
};

/** A read_committed poll returned a record before its producer had even asked to commit it. */
export const uncommittedRead: Checker = {
  name: "uncommittedRead",
  description: "a read_committed consumer read a record before its transaction committed",
  run(input) {
    const { byTxn, txnOfValue } = transactions(input);
    // When each commit was asked for (recorded at the call, so known even if its answer never came).
    const asked = new Map<string, number>();
    for (const op of input.history.ops) if (op.f === "txn-commit") asked.set((op.value as { txn: string }).txn, op.time);
    const out: Finding[] = [];
    for (const { op, value } of committedPolls(input))
      for (const [tp, recs] of Object.entries(value))
        for (const [offset, v] of recs) {
          const t = byTxn.get(txnOfValue.get(v) ?? "");
          if (!t || t.outcome === "fail") continue; // aborted: abortedRead's business
          const askedUs = asked.get(t.txn) ?? t.value?.commitRequestedUs ?? null;
          if (askedUs === null || op.time < askedUs)
            out.push({ message: `${op.process} read ${v} at ${tp} offset ${offset} at ${at(op.time)}, before transaction ${t.txn} was committed`, atUs: op.time, evidence: { consumer: op.process, value: v, txn: t.txn } });
        }
    return out;
  },
};

/** A committed transaction's records are all in the final committed log, or none are. */
export const atomicity: Checker = {
  name: "atomicity",
  description: "a committed transaction is only partly visible in the final committed log",
  run(input) {
    const { byTxn } = transactions(input);
    const parts = committedPartitions(input.logs);
    const visible = new Set<string>();
    // Still in a leader's log above its HW (a stuck HW, e.g. under min ISR): not visible yet, but not gone either.
    const pending = new Set<string>();
    for (const p of parts.values()) {
      for (const v of p.offsetsOf.keys()) visible.add(v);
      // Stryker disable next-line ConditionalExpression: a visible value is never missing, pending or not
      for (const v of p.inLog) if (!p.offsetsOf.has(v)) pending.add(v);
    }
    const out: Finding[] = [];
    for (const t of byTxn.values()) {
      if (t.outcome !== "ok" || !t.value) continue;
      const seen = t.value.values.filter((v) => visible.has(v));
      const missing = t.value.values.filter((v) => !visible.has(v) && !pending.has(v));
      if (seen.length > 0 && missing.length > 0)
        out.push({ message: `transaction ${t.txn} committed at ${at(t.endedUs!)} but only ${seen.length} of its ${t.value.values.length} records are visible; ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} gone from the log`, atUs: t.endedUs!, evidence: { txn: t.txn, visible: seen, missing } });
    }
    return out;
  },
};

/** Instances of each application (a restart is a new instance): when each initialised (a replacement's init is the fence). */
function inits(input: CheckInput): { instance: string; process: string; app: string; time: number }[] {
  return input.history.ops
    .filter((o) => o.f === "init" && o.type === "ok")
    .map((o) => {
      const v = o.value as { app: string; instance?: string };
      return { instance: v.instance ?? o.process, process: o.process, app: v.app, time: o.time };
    });
}

/**
 * A replaced instance (a zombie) committed after its replacement had initialised: its write is visible. "After" is
 * real-time order in the history: the replacement's InitProducerId had completed before the zombie asked for the
 * commit (`commitRequestedUs`). A replacement that initialised while the commit was in flight (asked before, answered
 * after: a paused zombie receives its answer late) is concurrent with it, and the coordinator may well have completed
 * the commit first (TransactionCoordinator.handleEndTransaction writes CompleteCommit before the client hears of
 * it), so that is not a finding; nor can a client history show it is one.
 */
export const zombieWrite: Checker = {
  name: "zombieWrite",
  description: "an instance committed a transaction after a newer instance of its application took over",
  run(input) {
    const { byTxn } = transactions(input);
    const all = inits(input);
    const out: Finding[] = [];
    for (const t of byTxn.values()) {
      if (t.outcome !== "ok" || !t.value) continue;
      const instance = t.value.instance ?? t.process;
      const mine = all.find((i) => i.instance === instance && i.app === t.value!.app);
      if (!mine) continue;
      const askedUs = t.value.commitRequestedUs ?? t.endedUs!;
      const replacement = all.find((i) => i.app === t.value!.app && i.instance !== instance && i.time > mine.time && i.time < askedUs);
      if (replacement)
        out.push({
          message: `${instance} asked to commit ${t.txn} at ${at(askedUs)} (committed at ${at(t.endedUs!)}), after ${replacement.instance} replaced it at ${at(replacement.time)}: ${t.value.values.length} records from the zombie are visible`,
          atUs: t.endedUs!,
          evidence: { zombie: instance, replacement: replacement.instance, txn: t.txn, values: t.value.values },
        });
    }
    return out;
  },
};

const FENCING_ERRORS = new Set(["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH"]);

/** The named instance was fenced: some request of it failed with PRODUCER_FENCED or INVALID_PRODUCER_EPOCH. */
export const zombieFenced: Checker<string> = {
  name: "zombieFenced",
  description: "the named producer instance (e.g. zombieFenced: app-1) was fenced after being replaced",
  param: { example: "zombieFenced: app-1", required: true, schema: nameParam, refs: (name) => ({ clients: [{ path: [], name }] }) },
  run(input, who) {
    if (who === undefined) return [{ message: "zombieFenced needs the instance, e.g. zombieFenced: app-1" }];
    const fenced = input.history.ops.find((o) => o.process === who && (o.type === "fail" || o.type === "info") && o.error !== undefined && FENCING_ERRORS.has(o.error));
    return fenced ? [] : [{ message: `${who} was never fenced (no PRODUCER_FENCED or INVALID_PRODUCER_EPOCH in its history)` }];
  },
};

/**
 * A hanging transaction (KIP-890): at the end of the run, a partition's LSO is held by a transaction still open in
 * its leader's final log (no marker) whose first record was sent longer than the bound (default 30s) before the
 * history's last operation, so read_committed consumers cannot get past it. Only the end is judged: a transaction
 * that held the LSO as long but was committed or aborted before the run ended is not a finding.
 */
export const hangingTransaction: Checker<number> = {
  name: "hangingTransaction",
  description: "a transaction still open at the end of the run (no marker in the leader's final log) holds a partition's LSO, its first record sent longer than a bound (default 30s) before the end",
  param: { example: "noHangingTransaction: 40s", schema: durationMs },
  run(input, bound) {
    const boundMs = bound ?? 30_000;
    const sentAt = new Map<string, number>();
    let endUs = 0;
    for (const op of input.history.ops) {
      endUs = Math.max(endUs, op.time);
      if (op.f === "send" && op.type === "invoke") sentAt.set((op.value as SendValue).value, op.time);
    }
    const out: Finding[] = [];
    for (const l of input.logs) {
      if (!l.leader) continue;
      // Stryker disable next-line ArrayDeclaration: a string has no firstOffset, so no record is found and it is skipped
      for (const t of l.openTransactions ?? []) {
        const first = l.records.find((r) => r.offset >= t.firstOffset);
        const since = first ? sentAt.get(first.value) : undefined;
        if (since === undefined || (endUs - since) / 1000 <= boundMs) continue;
        out.push({
          // Its age is counted from the send of its first record (the batch's CreateTime, as Kafka's producer state
          // keeps it); the log may have taken the record much later (a delayed produce, KIP-890's case), so the finding
          // is placed at the end, where it is judged, not at that send.
          message: `${l.topic}-${l.partition}: a transaction of producer ${t.producerId} has no marker at the end; the LSO is stuck at ${t.firstOffset} (HW ${l.highWatermark}); its first record (offset ${t.firstOffset}, ${first!.value}) was sent at ${at(since)}`,
          atUs: endUs,
          evidence: { partition: `${l.topic}-${l.partition}`, producerId: t.producerId, firstOffset: t.firstOffset },
        });
      }
    }
    return out;
  },
};

/**
 * Offsets sent with transactions (sendOffsetsToTransaction) are committed exactly when their transaction is: the
 * group's final committed offset is the one of its last committed transaction, never one of an aborted transaction.
 */
export const transactionalOffsets: Checker = {
  name: "transactionalOffsets",
  description: "a group's final committed offset is not the one of its last committed transaction",
  run(input) {
    const { byTxn } = transactions(input);
    const expected = new Map<string, { offset: number; txn: string; at: number; orLater: Set<number> }>();
    const abortedOffsets = new Map<string, Set<number>>();
    const ordered = [...byTxn.values()].sort((a, b) => (a.endedUs ?? Infinity) - (b.endedUs ?? Infinity));
    for (const t of ordered) {
      const o = t.offsets;
      if (!o) continue;
      const k = `${o.group}/${o.topic}-${o.partition}`;
      if (t.outcome === "ok") expected.set(k, { offset: o.offset, txn: t.txn, at: t.endedUs!, orLater: new Set() });
      // Stryker disable next-line ArrayDeclaration: a string in the set is never the committed offset looked up
      else if (t.outcome === "fail") abortedOffsets.set(k, new Set([...(abortedOffsets.get(k) ?? []), o.offset]));
      // A later transaction whose outcome is unknown may have committed its offset instead.
      else expected.get(k)?.orLater.add(o.offset);
    }
    const out: Finding[] = [];
    const final = new Map((input.groupOffsets ?? []).map((g) => [`${g.group}/${g.topic}-${g.partition}`, g]));
    for (const [k, e] of expected) {
      const g = final.get(k);
      const got = g?.offset ?? undefined;
      // Stryker disable next-line ConditionalExpression,LogicalOperator: null and undefined are neither e.offset nor in orLater; the guards narrow the type
      const fits = (o: number | null | undefined) => o !== null && o !== undefined && (o === e.offset || e.orLater.has(o));
      // A commit whose marker is in the leader's log but not yet below the HW is late, not wrong.
      if (!fits(got) && !fits(g?.atLogEnd))
        out.push({
          message: `${k}: the committed offset is ${got ?? "none"}, but the last committed transaction ${e.txn} (${at(e.at)}) committed ${e.offset}${got !== undefined && abortedOffsets.get(k)?.has(got) ? " (it is an aborted transaction's offset)" : ""}`,
          evidence: { key: k, committed: got ?? null, expected: e.offset },
        });
    }
    return out;
  },
};

import type { ProducerSettings } from "../kafka/config/producerSettings.js";
import { KafkaProducer } from "../kafka/client/producer/producer.js";
import { clientProcess } from "../kafka/network/connectionRouter.js";
import type { Actor, ActorContext } from "../sim/index.js";
import type { History, SendValue } from "./history.js";
import { type KeyDistribution, keyNames, nextKey } from "./keys.js";

export interface TransactionalWorkload {
  topic: string;
  recordsPerTransaction: number;
  everyMs: number;
  abortRatio: number;
  keys: KeyDistribution;
  valueSize: number;
  /** The logical application: instances of one app that overlap in time are one zombie and its replacement. */
  app: string;
  /** How long after its sends the application ends a transaction. */
  openForMs: number;
  /** Time between two sends of one transaction (0: all at once), as an application writing while it processes. */
  sendEveryMs: number;
  /** With each transaction, commit an input position for this group (sendOffsetsToTransaction). */
  offsetsGroup: string | null;
  stopMs: number | null;
}

/** What a transaction's completion records: its values and the producer id/epoch it ended with. */
export interface TxnValue {
  app: string;
  /** This process incarnation (`<process>-<incarnation>`): a restart is a new instance. */
  instance: string;
  transactionalId: string;
  txn: string;
  values: string[];
  producerId: number;
  producerEpoch: number;
  /** When the application asked to commit (µs), if it did. */
  commitRequestedUs: number | null;
  /** The input position committed with the transaction, if any. */
  offsets?: { group: string; topic: string; partition: number; offset: number };
}

/**
 * A transactional application loop: initTransactions, then begin, send N records, commit (or abort, by ratio),
 * again every `everyMs`. The history gets each send, each transaction's outcome (ok: committed; fail: aborted or
 * failed, with the Kafka error) and each initTransactions (the fence moment of a replacement instance).
 * A commit that fails with an abortable error is followed by abortTransaction, as the Java docs prescribe; a fatal
 * error (PRODUCER_FENCED) stops the instance.
 */
export function transactionalWorkloadActor(brokers: string[], settings: ProducerSettings, w: TransactionalWorkload, history: History) {
  return (ctx: ActorContext): Actor => {
    const producer = new KafkaProducer(ctx, brokers, settings);
    const tid = settings.transactionalId!;
    const rnd = ctx.stream("transactions");
    const names = keyNames(w.keys);
    const instance = `${ctx.name}-${ctx.incarnation}`;
    let n = 0;
    let seq = 0;
    let stopped = false;
    let end: () => void = () => {};
    /** The next transaction; the end (commit or abort) of the open one. */
    const nextTxn = ctx.timer(() => run());
    const endTxn = ctx.timer(() => end());
    /** The next send of the open transaction (with sendEveryMs). */
    let sendNext: () => void = () => {};
    const nextSend = ctx.timer(() => sendNext());

    const next = () => {
      if (!stopped && (w.stopMs === null || ctx.nowMs < w.stopMs)) nextTxn.set(w.everyMs);
    };

    const run = () => {
      // A transaction scheduled before the stop time may come due after it (everyMs later): it does not begin.
      if (stopped || (w.stopMs !== null && ctx.nowMs >= w.stopMs)) return;
      const beginError = producer.beginTransaction();
      if (beginError) {
        history.event(ctx.nowUs, ctx.name, "txn-begin", { transactionalId: tid, error: beginError }, "fail");
        if (producer.txn!.state === "FATAL_ERROR") stopped = true;
        else next();
        return;
      }
      const txn = `${w.app}-${ctx.name}-${ctx.incarnation}-${n++}`;
      // The "input position" this transaction consumed up to: the app's transaction count, on partition 0 of its topic.
      const position = w.offsetsGroup !== null ? { group: w.offsetsGroup, topic: w.topic, partition: 0, offset: n } : undefined;
      const inv = history.invoke(ctx.nowUs, ctx.name, "txn", { app: w.app, transactionalId: tid, txn, ...(position ? { offsets: position } : {}) });
      const values: string[] = [];
      const sendOne = () => {
        const key = nextKey(w.keys, seq, rnd, names);
        const value = `${ctx.name}-${ctx.incarnation}-${seq++}`;
        values.push(value);
        const v: SendValue = { topic: w.topic, partition: null, key, value, txn };
        const sendInv = history.invoke(ctx.nowUs, ctx.name, "send", v);
        producer.send({ topic: w.topic, key, value, padBytes: Math.max(0, w.valueSize - value.length) }, (r) => {
          if (r.ok) history.complete(ctx.nowUs, sendInv, "ok", { topic: w.topic, partition: r.partition, key, value, offset: r.offset, txn } satisfies SendValue);
          else history.complete(ctx.nowUs, sendInv, r.indeterminate ? "info" : "fail", { topic: w.topic, partition: r.partition, key, value, txn } satisfies SendValue, r.error);
        });
      };
      const outcome = (commitRequestedUs: number | null): TxnValue => ({ app: w.app, instance, transactionalId: tid, txn, values, producerId: producer.producerId, producerEpoch: producer.producerEpoch, commitRequestedUs, ...(position ? { offsets: position } : {}) });
      if (position)
        producer.sendOffsetsToTransaction([{ topic: position.topic, partition: position.partition, offset: position.offset }], { groupId: position.group, generationId: -1, memberId: "" }, (error) => {
          if (error) ctx.trace("workload.send-offsets-failed", { txn, error });
        });
      const aborted = (cause: string | null, commitRequestedUs: number | null) =>
        producer.abortTransaction((error) => {
          // The commit's own error, which the op's error (the abort's) would hide: what the application saw first.
          if (error && cause && error !== cause) history.event(ctx.nowUs, ctx.name, "txn-commit-failed", { txn, error: cause }, "fail");
          // An abort that failed after a commit was asked for leaves the outcome unknown if the commit may have won.
          const type = error && commitRequestedUs !== null && producer.txn!.endOutcomeUnknown ? "info" : "fail";
          history.complete(ctx.nowUs, inv, type, outcome(commitRequestedUs), error ?? cause ?? "TRANSACTION_ABORTED");
          if (error && producer.txn!.state === "FATAL_ERROR") {
            stopped = true;
            ctx.trace("workload.fenced", { transactionalId: tid, error });
          } else next();
        });
      // The application ends the transaction a little later (its records have left by then), commit or abort.
      end = () => {
        if (rnd.chance(w.abortRatio)) return aborted(null, null);
        commit();
      };
      if (w.sendEveryMs <= 0) {
        for (let i = 0; i < w.recordsPerTransaction; i++) sendOne();
        endTxn.set(w.openForMs);
      } else {
        let sent = 0;
        sendNext = () => {
          if (stopped) return;
          sendOne();
          if (++sent < w.recordsPerTransaction) nextSend.set(w.sendEveryMs);
          else endTxn.set(w.openForMs);
        };
        sendNext();
      }
      const commit = () => {
      const commitAt = ctx.nowUs;
      // Recorded now: if the answer never comes (a partition, a crash), readers may still see it committed.
      history.event(commitAt, ctx.name, "txn-commit", { txn });
      producer.commitTransaction((error) => {
        if (error === null) {
          history.complete(ctx.nowUs, inv, "ok", outcome(commitAt));
          return next();
        }
        if (producer.txn!.state === "FATAL_ERROR") {
          // Fenced while committing: aborted if every EndTxn was answered (the fence refused it), else unknown
          // (an unanswered EndTxn may have prepared the commit, which the coordinator completes before fencing).
          history.complete(ctx.nowUs, inv, producer.txn!.endOutcomeUnknown ? "info" : "fail", outcome(commitAt), error);
          stopped = true;
          ctx.trace("workload.fenced", { transactionalId: tid, error });
          return;
        }
        aborted(error, commitAt);
      });
      };
    };

    return {
      onStart: () => {
        producer.start();
        producer.initTransactions((error) => {
          if (error) {
            history.event(ctx.nowUs, ctx.name, "init", { app: w.app, instance, transactionalId: tid, error }, "fail");
            stopped = true;
            return;
          }
          history.event(ctx.nowUs, ctx.name, "init", { app: w.app, instance, transactionalId: tid, producerId: producer.producerId, producerEpoch: producer.producerEpoch });
          run();
        });
      },
      ...clientProcess(ctx),
      onShutdown: () => producer.close(),
    };
  };
}

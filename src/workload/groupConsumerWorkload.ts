import type { ConsumerSettings } from "../kafka/config/consumerConfig.js";
import type { ProducerSettings } from "../kafka/config/producerSettings.js";
import { KafkaConsumer, type PolledPartition } from "../kafka/client/consumer/consumer.js";
import { KafkaProducer } from "../kafka/client/producer/producer.js";
import { clientProcess } from "../kafka/network/connectionRouter.js";
import type { TopicPartitionRef } from "../kafka/protocol/groupMessages.js";
import { tpKey } from "../kafka/protocol/messages.js";
import type { OffsetEntry } from "../kafka/protocol/transactionMessages.js";
import { type Actor, type ActorContext, type LatencyModel, nextLatencyUs } from "../sim/index.js";
import { type PollValue, recordPollError } from "./consumerWorkload.js";
import type { History, SendValue } from "./history.js";
import type { TxnValue } from "./transactionalWorkload.js";

export interface GroupConsumerWorkload {
  topics: string[];
  /** How long an empty poll waits before the application polls again. */
  pollIntervalMs: number;
  perRecord: LatencyModel | null;
  perPoll: LatencyModel | null;
  /** The application thread hangs from atMs for forMs. */
  stall: { atMs: number; forMs: number } | null;
  commit: "auto" | "sync" | "async" | "before-processing";
  /** Read-process-write: output topic and the producer's transactional.id. */
  output: { topic: string; transactionalId: string } | null;
  stopMs: number | null;
}

/** A record the application processed: its side effect, recorded as an invocation (start) and completion (end). */
export interface ProcessValue {
  group: string;
  topic: string;
  partition: number;
  offset: number;
  value: string;
  /** The member's generation and id when it began (what it believed it owned). */
  generation: number;
  memberId: string;
}

/** A commit the member sent: positions per partition (`topic-partition` → next offset to read). */
export interface CommitValue {
  group: string;
  offsets: Record<string, number>;
  generation: number;
  kind: "auto" | "sync" | "async" | "transaction";
}

/** A rebalance listener callback: `assigned`, `revoked` or `lost`. */
export interface RebalanceValue {
  group: string;
  generation: number;
  memberId: string;
  partitions: string[];
  protocol: string | null;
}

/**
 * A `consumer-fatal` event: the error Kafka's client does not retry (INVALID_SESSION_TIMEOUT, FENCED_INSTANCE_ID,
 * INCONSISTENT_GROUP_PROTOCOL, ...) that ended the application's poll loop, and the topics it had subscribed to, so
 * a check can tell which partitions the group was left not reading.
 */
export interface ConsumerFatalValue {
  group: string;
  error: string;
  topics: string[];
}

/**
 * A consumer application in a group: subscribe, then poll → process each record (taking the configured time; a
 * stall freezes the application thread, as a long GC or a stuck downstream call would) → commit as configured, in
 * a loop, exactly as a Java application's thread would (nothing else runs in it while it processes, which is what
 * makes max.poll.interval.ms bite). Records each processed record (`process`), each commit (`commit`), each
 * rebalance callback and each poll in the history. With `output`, it is a read-process-write app: each poll's
 * records are written to the output topic in one transaction with the input offsets (sendOffsetsToTransaction with
 * the consumer's group metadata, KIP-447); on an abort it rewinds to the committed offsets. With manual commits, a
 * poll that returned nothing but moved a position past markers is committed too (see `commitNeeded`). A poll that throws
 * (NoOffsetForPartitionException, OffsetOutOfRangeException or LogTruncationException under auto.offset.reset=none)
 * is recorded as a failed poll and ends the application, as an uncaught exception ends its poll loop.
 */
export function groupConsumerWorkloadActor(brokers: string[], settings: ConsumerSettings, producerSettings: ProducerSettings | null, w: GroupConsumerWorkload, history: History) {
  return (ctx: ActorContext): Actor => {
    const group = settings.groupId!;
    const consumer = new KafkaConsumer(ctx, brokers, settings);
    const producer = w.output && producerSettings ? new KafkaProducer(ctx, brokers, producerSettings) : null;
    const rnd = ctx.stream("processing");
    const instance = `${ctx.name}-${ctx.incarnation}`;
    let stopped = false;
    let ready = producer === null; // a read-process-write app first runs initTransactions
    let batch: { records: (PolledPartition["records"][number] & { topic: string; partition: number })[]; i: number } | null = null;
    let txnCount = 0;
    let txn: { name: string; inv: number; values: string[] } | null = null;
    let recordInv = -1;
    /** Offset of the last record processed per partition (`topic-partition`), as StreamTask.consumedOffsets. */
    const consumed = new Map<string, number>();

    const tps = (list: TopicPartitionRef[]) => list.map((t) => tpKey(t.topic, t.partition));
    const protocol = () => consumer.group?.protocol ?? null;
    consumer.subscribe(w.topics, {
      onPartitionsRevoked: (list, generation) => {
        history.event(ctx.nowUs, ctx.name, "revoked", { group, generation, memberId: consumer.group!.memberId, partitions: tps(list), protocol: protocol() } satisfies RebalanceValue);
        for (const k of tps(list)) consumed.delete(k);
        // The documented pattern for manual commits: commit what was processed of the partitions being given up.
        if (w.commit !== "auto" && !producer) {
          const gone = new Set(tps(list));
          const offsets = consumer.allConsumed().filter((o) => gone.has(tpKey(o.topic, o.partition)));
          if (offsets.length > 0) consumer.commitSync(offsets, () => {});
        }
      },
      onPartitionsAssigned: (list, generation, memberId) => history.event(ctx.nowUs, ctx.name, "assigned", { group, generation, memberId, partitions: tps(list), protocol: protocol() } satisfies RebalanceValue),
      onPartitionsLost: (list, generation) => {
        for (const k of tps(list)) consumed.delete(k);
        history.event(ctx.nowUs, ctx.name, "lost", { group, generation, memberId: consumer.group!.memberId, partitions: tps(list), protocol: protocol() } satisfies RebalanceValue);
      },
    });
    consumer.group!.observeCommits = (offsets, generation, kind) => {
      const inv = history.invoke(ctx.nowUs, ctx.name, "commit", { group, offsets: offsetMap(offsets), generation, kind } satisfies CommitValue);
      return (error) => history.complete(ctx.nowUs, inv, error ? "fail" : "ok", { group, offsets: offsetMap(offsets), generation, kind } satisfies CommitValue, error ?? undefined);
    };

    /** The application thread: its next poll, and the end of the record it is processing. */
    const pollAt = ctx.timer(() => loop());
    const processedAt = ctx.timer(() => processed());
    const next = (ms: number) => {
      if (!stopped) pollAt.set(ms);
    };

    /** Processing time of the next record, stretched over a stall window it runs into. */
    const processingUs = (first: boolean): number => {
      let us = (w.perRecord ? nextLatencyUs(w.perRecord, rnd) : 0) + (first && w.perPoll ? nextLatencyUs(w.perPoll, rnd) : 0);
      if (w.stall) {
        const from = w.stall.atMs * 1000;
        const to = from + w.stall.forMs * 1000;
        if (ctx.nowUs < to && ctx.nowUs + us > from) us += to - Math.max(ctx.nowUs, from);
      }
      return us;
    };

    const loop = () => {
      if (stopped || !ready) return;
      if (w.stopMs !== null && ctx.nowMs >= w.stopMs) return stop();
      const result = consumer.poll();
      const fatal = consumer.group!.fatal;
      if (fatal) {
        history.event(ctx.nowUs, ctx.name, "consumer-fatal", { group, error: fatal, topics: [...w.topics] } satisfies ConsumerFatalValue, "fail");
        stopped = true;
        producer?.close();
        return;
      }
      if (!result.ok) {
        // The exception ends the application's poll loop; closing the consumer leaves the group.
        recordPollError(history, ctx.nowUs, ctx.name, { group, isolation: settings.isolationLevel }, result.error, group);
        return stop();
      }
      const polled = result.partitions;
      if (polled.length === 0) {
        if (!commitNeeded()) return next(w.pollIntervalMs);
        // Nothing to process, but the positions moved past control records (and aborted batches): commit them,
        // in a transaction of offsets alone for a read-process-write app, as a batch of no records.
        batch = { records: [], i: 0 };
        if (producer) beginTransaction();
        if (w.commit === "before-processing") return consumer.commitSync(null, () => processNext());
        return processNext();
      }
      const value: PollValue = {};
      for (const p of polled) value[`${p.topic}-${p.partition}`] = p.records.map((r) => [r.offset, r.value]);
      const inv = history.invoke(ctx.nowUs, ctx.name, "poll", { group, isolation: settings.isolationLevel });
      history.complete(ctx.nowUs, inv, "ok", value);
      batch = { records: polled.flatMap((p) => p.records.map((r) => ({ ...r, topic: p.topic, partition: p.partition }))), i: 0 };
      if (producer) beginTransaction();
      if (w.commit === "before-processing") {
        // At-most-once: the positions are committed before the records are processed.
        return consumer.commitSync(null, () => processNext());
      }
      processNext();
    };

    /**
     * StreamTask.commitNeeded: with manual commits, a poll that returned nothing still moved a position when the
     * consumer skipped transaction markers or aborted batches (position > last processed offset + 1). Committing
     * then is what keeps a read_committed group's lag from sticking at the markers (KAFKA-6607). Auto-commit needs
     * no help: it commits the positions on its own.
     */
    const commitNeeded = (): boolean => {
      if (w.commit === "auto" && !producer) return false;
      let needed = false;
      for (const o of consumer.allConsumed()) {
        const k = tpKey(o.topic, o.partition);
        const last = consumed.get(k);
        if (last !== undefined && o.offset > last + 1) {
          consumed.set(k, o.offset - 1);
          needed = true;
        }
      }
      return needed;
    };

    const processNext = () => {
      if (!batch) return;
      if (batch.i >= batch.records.length) return afterBatch();
      const r = batch.records[batch.i];
      const g = consumer.group!;
      recordInv = history.invoke(ctx.nowUs, ctx.name, "process", { group, topic: r.topic, partition: r.partition, offset: r.offset, value: r.value, generation: g.generation, memberId: g.memberId } satisfies ProcessValue);
      processedAt.set(processingUs(batch.i === 0) / 1000);
    };

    const processed = () => {
      if (!batch) return;
      const r = batch.records[batch.i++];
      history.complete(ctx.nowUs, recordInv, "ok", history.valueAt(recordInv));
      consumed.set(tpKey(r.topic, r.partition), r.offset);
      if (producer && txn) {
        // The output names its input; the transaction suffix keeps values unique when a record is reprocessed.
        const out = `${r.topic}-${r.partition}@${r.offset}#${txn.name}`;
        txn.values.push(out);
        const v: SendValue = { topic: w.output!.topic, partition: null, key: `${r.topic}-${r.partition}@${r.offset}`, value: out, txn: txn.name };
        const sendInv = history.invoke(ctx.nowUs, ctx.name, "send", v);
        producer.send({ topic: v.topic, key: v.key, value: out, padBytes: 0 }, (res) => {
          if (res.ok) history.complete(ctx.nowUs, sendInv, "ok", { ...v, partition: res.partition, offset: res.offset } satisfies SendValue);
          else history.complete(ctx.nowUs, sendInv, res.indeterminate ? "info" : "fail", { ...v, partition: res.partition }, res.error);
        });
      }
      processNext();
    };

    const afterBatch = () => {
      batch = null;
      if (producer) return commitTransaction();
      if (w.commit === "sync") return consumer.commitSync(null, () => next(0));
      if (w.commit === "async") consumer.commitAsync(null, () => {});
      next(0);
    };

    // ---- read-process-write ----

    const beginTransaction = () => {
      const error = producer!.beginTransaction();
      const name = `${ctx.name}-${ctx.incarnation}-${txnCount++}`;
      if (error) {
        history.event(ctx.nowUs, ctx.name, "txn-begin", { transactionalId: w.output!.transactionalId, error }, "fail");
        txn = null;
        return;
      }
      txn = { name, inv: history.invoke(ctx.nowUs, ctx.name, "txn", { app: w.output!.transactionalId, transactionalId: w.output!.transactionalId, txn: name }), values: [] };
    };

    const commitTransaction = () => {
      const t = txn;
      txn = null;
      if (!t) return rewind("no transaction");
      const outcome = (commitRequestedUs: number | null): TxnValue => ({ app: w.output!.transactionalId, instance, transactionalId: w.output!.transactionalId, txn: t.name, values: t.values, producerId: producer!.producerId, producerEpoch: producer!.producerEpoch, commitRequestedUs });
      const offsets = consumer.allConsumed();
      const meta = consumer.group!.groupMetadata();
      const commitInv = history.invoke(ctx.nowUs, ctx.name, "commit", { group, offsets: offsetMap(offsets), generation: meta.generationId, kind: "transaction" } satisfies CommitValue);
      producer!.sendOffsetsToTransaction(offsets, meta, (error) => {
        if (error) ctx.trace("workload.send-offsets-failed", { txn: t.name, error });
      });
      const askedUs = ctx.nowUs;
      history.event(askedUs, ctx.name, "txn-commit", { txn: t.name });
      producer!.commitTransaction((error) => {
        const commitValue = history.ops[commitInv].value;
        if (error === null) {
          history.complete(ctx.nowUs, t.inv, "ok", outcome(askedUs));
          history.complete(ctx.nowUs, commitInv, "ok", commitValue);
          return next(0);
        }
        const unknown = producer!.txn!.endOutcomeUnknown;
        if (producer!.txn!.state === "FATAL_ERROR") {
          history.complete(ctx.nowUs, t.inv, unknown ? "info" : "fail", outcome(askedUs), error);
          history.complete(ctx.nowUs, commitInv, unknown ? "info" : "fail", commitValue, error);
          ctx.trace("workload.fenced", { transactionalId: w.output!.transactionalId, error });
          stopped = true;
          consumer.close();
          return;
        }
        producer!.abortTransaction((abortError) => {
          history.complete(ctx.nowUs, t.inv, abortError && unknown ? "info" : "fail", outcome(askedUs), abortError ?? error);
          history.complete(ctx.nowUs, commitInv, "fail", commitValue, error);
          rewind(error);
        });
      });
    };

    /** After an abort, the input positions go back to the committed offsets (KafkaConsumer.seek to committed). */
    const rewind = (why: string) => {
      ctx.trace("workload.rewind", { group, why });
      // Recorded so poll checks start afresh on these partitions: going back is the point here.
      history.event(ctx.nowUs, ctx.name, "seek", { group, partitions: consumer.assignment().map((t) => tpKey(t.topic, t.partition)), to: "committed" });
      consumer.seekToCommitted();
      next(w.pollIntervalMs);
    };

    const stop = () => {
      if (stopped) return;
      stopped = true;
      consumer.close();
      producer?.close();
    };

    // Each answer goes to the client that asked (the producer and the consumer each have their own connections).
    const net = clientProcess(ctx);

    return {
      onStart: () => {
        consumer.start();
        if (producer) {
          producer.start();
          producer.initTransactions((error) => {
            if (error) {
              history.event(ctx.nowUs, ctx.name, "init", { app: w.output!.transactionalId, instance, transactionalId: w.output!.transactionalId, error }, "fail");
              stopped = true;
              return;
            }
            history.event(ctx.nowUs, ctx.name, "init", { app: w.output!.transactionalId, instance, transactionalId: w.output!.transactionalId, producerId: producer.producerId, producerEpoch: producer.producerEpoch });
            ready = true;
            loop();
          });
        } else next(0);
      },
      ...net,
      onShutdown: () => stop(),
    };
  };
}

function offsetMap(offsets: OffsetEntry[]): Record<string, number> {
  return Object.fromEntries(offsets.map((o) => [`${o.topic}-${o.partition}`, o.offset]));
}

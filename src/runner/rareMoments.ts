import type { TraceRecord } from "../sim/index.js";

/**
 * Coverage of rare states ("sometimes" assertions, as Antithesis and FoundationDB's BUGGIFY coverage have them): the
 * moments a fault sweep is usually run to provoke. `explore` counts, across its seeds, how many reached each, so a
 * user sees whether the sweep exercised what it meant to. They are read from trace records the model already writes
 * (an observer: the digest does not change), never from actor internals.
 */
export const RARE_MOMENTS = {
  uncleanElection: "the controller elected a leader outside the ISR (controller.unclean-election)",
  logTruncation: "a follower truncated records from its log (partition.truncate)",
  producerFenced: "a producer was fenced: PRODUCER_FENCED or INVALID_PRODUCER_EPOCH made it fatal (producer.txn-state)",
  isrLeaderOnly: "an ISR shrank to the leader alone, by the leader (AlterPartition) or the controller (controlled shutdown, fencing, election) (controller.record)",
  notEnoughReplicas: "a leader refused a write with NOT_ENOUGH_REPLICAS (partition.reject-produce)",
  coordinatorMoved: "a transaction or group coordinator loaded its state on another broker (txn-coordinator.load, group-coordinator.loaded)",
  rebalanceDuringTransaction: "a group rebalanced while a transactional producer had a transaction open",
  transactionTimedOut: "the transaction coordinator aborted a transaction on transaction.timeout.ms (txn-coordinator.timeout)",
  duplicateBatch: "a leader recognised a retried batch as a duplicate (partition.duplicate-batch)",
  offsetOutOfRange: "a consumer's fetch offset was out of range (consumer.offset-out-of-range)",
  controllerFailover: "the KRaft quorum elected a new leader after the first (raft.leader)",
} as const;

export type RareMoment = keyof typeof RARE_MOMENTS;
export const RARE_MOMENT_NAMES = Object.keys(RARE_MOMENTS) as RareMoment[];

/** How often each moment happened in one run (every name present, 0 when never). */
export type MomentCounts = Record<RareMoment, number>;

/** The trace types the counter reads (so the engine calls it for nothing else). */
export const RARE_MOMENT_TYPES = [
  "controller.unclean-election",
  "partition.truncate",
  "producer.txn-state",
  "controller.record",
  "partition.reject-produce",
  "txn-coordinator.load",
  "group-coordinator.loaded",
  "group-coordinator.prepare-rebalance",
  "group-coordinator.group-epoch",
  "txn-coordinator.timeout",
  "partition.duplicate-batch",
  "consumer.offset-out-of-range",
  "raft.leader",
];

/** Producer TransactionManager states in which a transaction is open (begun, not yet completed). */
const OPEN_TXN = new Set(["IN_TRANSACTION", "COMMITTING_TRANSACTION", "ABORTING_TRANSACTION", "ABORTABLE_ERROR"]);

/** Counts rare moments from one run's trace records; `observe` is a TraceObserver for RARE_MOMENT_TYPES. */
export class RareMomentCounter {
  readonly counts: MomentCounts = Object.fromEntries(RARE_MOMENT_NAMES.map((n) => [n, 0])) as MomentCounts;
  private readonly txnHolder = new Map<string, string>();
  private readonly openTxns = new Set<string>();
  private raftLeaders = 0;
  /** Each partition's ISR size in the controller's latest partition record. */
  private readonly isrSize = new Map<string, number>();

  readonly observe = (r: TraceRecord): void => {
    const d = r.data ?? {};
    switch (r.type) {
      case "controller.unclean-election":
        return this.hit("uncleanElection");
      case "partition.truncate":
        return this.hit("logTruncation");
      case "producer.txn-state": {
        if (OPEN_TXN.has(String(d.to))) this.openTxns.add(r.actor);
        else this.openTxns.delete(r.actor);
        if (d.to === "FATAL_ERROR" && (d.why === "PRODUCER_FENCED" || d.why === "INVALID_PRODUCER_EPOCH")) this.hit("producerFenced");
        return;
      }
      case "controller.record": {
        // Every ISR change is a partition record the controller writes: the leader's shrink (AlterPartition) and the
        // controller's own (controlled shutdown, fencing, an election). The leader's partition.isr-shrink is only a
        // request, and the controller's changes never pass through it.
        if (d.record !== "Partition" || !Array.isArray(d.isr)) return;
        const tp = String(d.tp);
        const before = this.isrSize.get(tp);
        this.isrSize.set(tp, d.isr.length);
        if (before !== undefined && before > 1 && d.isr.length === 1 && d.isr[0] === d.leader) this.hit("isrLeaderOnly");
        return;
      }
      case "partition.reject-produce":
        if (d.error === "NOT_ENOUGH_REPLICAS") this.hit("notEnoughReplicas");
        return;
      case "txn-coordinator.load": {
        const key = String(d.partition);
        const before = this.txnHolder.get(key);
        this.txnHolder.set(key, r.actor);
        if (before !== undefined && before !== r.actor) this.hit("coordinatorMoved");
        return;
      }
      case "group-coordinator.loaded":
        // A group is only ever loaded from __consumer_offsets by a coordinator that did not create it in this life.
        return this.hit("coordinatorMoved");
      case "group-coordinator.prepare-rebalance":
      case "group-coordinator.group-epoch":
        if (this.openTxns.size > 0) this.hit("rebalanceDuringTransaction");
        return;
      case "txn-coordinator.timeout":
        return this.hit("transactionTimedOut");
      case "partition.duplicate-batch":
        return this.hit("duplicateBatch");
      case "consumer.offset-out-of-range":
        return this.hit("offsetOutOfRange");
      case "raft.leader":
        if (++this.raftLeaders > 1) this.hit("controllerFailover");
        return;
    }
  };

  private hit(m: RareMoment): void {
    this.counts[m]++;
  }
}

/** Across seeds: how many seeds reached each moment, and how often it happened in all. */
export type MomentCoverage = Record<RareMoment, { seeds: number; times: number }>;

/** Sums per-seed counts (any order: the sums do not depend on it). */
export function sumCoverage(perSeed: Iterable<MomentCounts>): MomentCoverage {
  const out = Object.fromEntries(RARE_MOMENT_NAMES.map((n) => [n, { seeds: 0, times: 0 }])) as MomentCoverage;
  for (const c of perSeed)
    for (const n of RARE_MOMENT_NAMES) {
      const v = c[n] ?? 0;
      if (v > 0) out[n].seeds++;
      out[n].times += v;
    }
  return out;
}

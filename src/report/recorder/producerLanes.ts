import type { TraceRecord } from "../../sim/index.js";
import type { Moment } from "./moments.js";
import { BucketCounts, StateSeries, StepSeries } from "./series.js";

/**
 * One producer client over the run: its producer id and epoch, its produce requests in flight, and its errors.
 * Acknowledgement latency comes from the client history (each send's invocation to its completion).
 */
export interface ProducerLane {
  client: string;
  /** `pid 3 e1`, or `none` before InitProducerId answers (and for a non-idempotent producer). */
  epoch: StateSeries;
  /**
   * Produce requests awaiting an answer: each producer.send is one, each producer.ack / retry / fail answers one of
   * its partition's (Sender.completeBatch), a crash clears them. Null for acks=0 (no request gets an answer).
   */
  inFlight: StepSeries | null;
  /** Errors per bucket: each retried or failed batch. */
  errors: BucketCounts;
  /** Error name → how many batches got it (retried or failed). */
  errorNames: Map<string, number>;
}

/** The trace records a ProducerRecorder reads (producer, transaction coordinator and workload events). */
export const PRODUCER_TYPES = [
  "producer.producer-id",
  "producer.bump-epoch",
  "producer.reset-producer-id",
  "producer.send",
  "producer.ack",
  "producer.retry",
  "producer.fail",
  "workload.fenced",
  "txn-coordinator.fence",
  "txn-coordinator.timeout",
  "txn-coordinator.expired",
  "txn-coordinator.load",
];

interface Live {
  lane: ProducerLane;
  /** Requests in flight per topic-partition. */
  perTp: Map<string, number>;
  total: number;
  /** The producer id and epoch it last had. */
  id: { producerId: number; producerEpoch: number } | null;
}

/** Producer lanes, and the moments of producer ids, epoch bumps, fencing, failed sends and transaction timeouts. */
export class ProducerRecorder {
  private readonly live = new Map<string, Live>();
  /** `__transaction_state` partition → the broker whose coordinator loaded it last. */
  private readonly txnCoordinators = new Map<number, string>();

  /** `acksZero`: clients configured with acks=0, whose requests get no answer. */
  constructor(
    private readonly moments: Moment[],
    private readonly bucketUs: number,
    private readonly acksZero: ReadonlySet<string>,
  ) {}

  lanes(): ProducerLane[] {
    return [...this.live.values()].map((l) => l.lane);
  }

  private get(client: string): Live {
    let l = this.live.get(client);
    if (!l) {
      const lane: ProducerLane = {
        client,
        epoch: new StateSeries(),
        inFlight: this.acksZero.has(client) ? null : new StepSeries(this.bucketUs),
        errors: new BucketCounts(this.bucketUs),
        errorNames: new Map(),
      };
      this.live.set(client, (l = { lane, perTp: new Map(), total: 0, id: null }));
    }
    return l;
  }

  /** The client process stopped or started again: nothing it sent is in flight any more. */
  clientRestarted(t: number, client: string): void {
    const l = this.live.get(client);
    if (!l) return;
    l.perTp.clear();
    l.total = 0;
    l.lane.inFlight?.push(t, 0, true);
  }

  observe(r: TraceRecord): void {
    const d = r.data ?? {};
    const t = r.t;
    const say = (kind: Moment["kind"], text: string, subject: string, actors: string[] = [r.actor]) => this.moments.push({ atUs: t, kind, text, subject, actors });
    switch (r.type) {
      case "txn-coordinator.fence":
        say("fenced", `${r.actor} (transaction coordinator) fences ${d.transactionalId}: producer id ${d.producerId} epoch ${d.oldEpoch} (${d.reason})`, `${d.transactionalId} fenced by its coordinator`);
        return;
      case "txn-coordinator.timeout":
        say("txn", `${r.actor} aborts ${d.transactionalId}'s transaction (producer id ${d.producerId}, epoch ${d.producerEpoch}): open ${d.openMs}ms, past transaction.timeout.ms`, `${d.transactionalId} transaction timeouts`);
        return;
      case "txn-coordinator.expired":
        say("txn", `${r.actor} expires transactional.id ${d.transactionalId} (producer id ${d.producerId}, epoch ${d.producerEpoch}): idle ${d.idleMs}ms, past transactional.id.expiration.ms`, `${d.transactionalId} expired`);
        return;
      case "txn-coordinator.load": {
        const p = d.partition as number;
        const before = this.txnCoordinators.get(p);
        this.txnCoordinators.set(p, r.actor);
        if (before !== undefined && before !== r.actor && (d.transactionalIds as number) > 0)
          say("coordinator", `transaction coordinator for __transaction_state-${p} (${d.transactionalIds} transactional id(s)) moved from ${before} to ${r.actor}`, `__transaction_state-${p} coordinator moves`, [before, r.actor]);
        return;
      }
      case "workload.fenced":
        say("fenced", `${r.actor} is fenced as transactional.id ${d.transactionalId} (${d.error}): ${d.error === "INVALID_PRODUCER_ID_MAPPING" ? "the coordinator no longer maps the id to its producer id" : "its epoch is older than the coordinator's"}`, `${r.actor} fenced`);
        return;
    }
    const l = this.get(r.actor);
    const lane = l.lane;
    switch (r.type) {
      case "producer.producer-id": {
        const before = l.id;
        l.id = { producerId: d.producerId as number, producerEpoch: d.producerEpoch as number };
        lane.epoch.push(t, `pid ${d.producerId} e${d.producerEpoch}`);
        if (before && before.producerId === d.producerId && before.producerEpoch + 1 === d.producerEpoch) {
          this.moments.push({ atUs: t, kind: "producer", text: `${r.actor}'s epoch moves on to ${d.producerEpoch} (producer id ${d.producerId})`, subject: `${r.actor} epoch steps`, actors: [r.actor], routine: true });
          return;
        }
        say("producer", `${r.actor} has producer id ${d.producerId}, epoch ${d.producerEpoch}${d.transactionalId ? ` (transactional.id ${d.transactionalId})` : ""}`, `${r.actor} producer id and epoch`);
        return;
      }
      case "producer.bump-epoch":
        l.id = { producerId: d.producerId as number, producerEpoch: d.producerEpoch as number };
        lane.epoch.push(t, `pid ${d.producerId} e${d.producerEpoch}`);
        say("producer", `${r.actor} bumps its epoch to ${d.producerEpoch} (producer id ${d.producerId}): ${d.cause}`, `${r.actor} producer id and epoch`);
        return;
      case "producer.reset-producer-id":
        lane.epoch.push(t, "none");
        say("producer", `${r.actor} drops producer id ${d.oldProducerId} and asks for a new one: ${d.cause}`, `${r.actor} producer id and epoch`);
        return;
      case "producer.send": {
        const tp = String(d.tp);
        l.perTp.set(tp, (l.perTp.get(tp) ?? 0) + 1);
        l.total++;
        lane.inFlight?.push(t, l.total);
        return;
      }
      case "producer.ack":
      case "producer.retry":
      case "producer.fail": {
        const tp = String(d.tp);
        const n = l.perTp.get(tp) ?? 0;
        if (n > 0) {
          l.perTp.set(tp, n - 1);
          l.total--;
          lane.inFlight?.push(t, l.total);
        }
        if (r.type === "producer.ack") return;
        const error = String(d.error);
        lane.errors.add(t);
        lane.errorNames.set(error, (lane.errorNames.get(error) ?? 0) + 1);
        if (r.type === "producer.fail")
          say("producer", `${r.actor}: a batch of ${d.records} record(s) to ${tp} failed with ${error} after ${d.attempts} attempt(s)${d.indeterminate ? " (it may have been written)" : ""}`, `${r.actor} failed sends (${error})`);
        return;
      }
    }
  }
}

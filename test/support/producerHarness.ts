import { clientProcess } from "../../src/kafka/network/connectionRouter.js";
import { producerSettings } from "../../src/kafka/config/producerSettings.js";
import { PRODUCER_CONFIG } from "../../src/kafka/config/producerConfig.js";
import { KafkaProducer, type ProducerRecord } from "../../src/kafka/client/producer/producer.js";
import type { SendResult } from "../../src/kafka/client/producer/producerBatch.js";
import type { ProducePartitionData, ProducePartitionResponse, ProduceRequest } from "../../src/kafka/protocol/messages.js";
import { Simulation } from "../../src/sim/index.js";

/** One batch of a ProduceRequest the fake broker saw (a request with several partitions gives several). */
export interface SeenRequest {
  atUs: number;
  /** The request's correlation id (batches of one request share it) and the broker it went to. */
  correlationId: number;
  broker: string;
  partition: number;
  records: number;
  values: string[];
  producerEpoch: number;
  baseSequence: number;
}

/**
 * A producer against fake brokers (one by default; with `brokers: n`, partition p is led by broker-(p mod n + 1))
 * that answer (or, with `silent`, never answer) produce requests. Sends happen at the given simulated times.
 */
export function runProducer(opts: {
  config: Record<string, unknown>;
  partitions?: number;
  sends: { atMs: number; record: ProducerRecord }[];
  silent?: boolean;
  brokers?: number;
  /** Milliseconds the fake broker holds its answer for a partition (default 0; a request waits for its slowest). */
  delayMs?: (partition: number) => number;
  /** The error the fake broker answers a batch with (default NONE); `n` counts batches seen. */
  answer?: (d: ProducePartitionData, n: number) => string;
  untilMs?: number;
  seed?: number;
}) {
  const sim = new Simulation({ seed: opts.seed ?? 1, network: { latency: { model: "constant", valueUs: 500 } } });
  const requests: SeenRequest[] = [];
  const results: { atUs: number; value: string; result: SendResult }[] = [];
  const parts = opts.partitions ?? 1;
  let nextOffset = 0;
  const brokerCount = opts.brokers ?? 1;
  const brokers = Array.from({ length: brokerCount }, (_, i) => `broker-${i + 1}`);
  for (const name of brokers)
    sim.addActor(name, (ctx) => ({
      onMessage: (from, raw, conn) => {
        const msg = raw as { type: string; correlationId: number };
        if (msg.type === "Metadata")
          ctx.write(conn, {
            type: "MetadataResponse",
            correlationId: msg.correlationId,
            partitions: Array.from({ length: parts }, (_, p) => {
              const leader = brokers[p % brokerCount];
              return { topic: "t", partition: p, leader, leaderEpoch: 0, replicas: [leader], isr: [leader] };
            }),
          });
        else if (msg.type === "InitProducerId") ctx.write(conn, { type: "InitProducerIdResponse", correlationId: msg.correlationId, error: "NONE", producerId: 1, producerEpoch: 0 });
        else if (msg.type === "Produce") {
          const req = msg as ProduceRequest;
          const responses: ProducePartitionResponse[] = [];
          let delay = 0;
          for (const d of req.partitions) {
            requests.push({ atUs: ctx.nowUs, correlationId: req.correlationId, broker: name, partition: d.partition, records: d.batch.records.length, values: d.batch.records.map((r) => r.value), producerEpoch: d.batch.producerEpoch, baseSequence: d.batch.baseSequence });
            const error = (opts.answer?.(d, requests.length - 1) ?? "NONE") as ProducePartitionResponse["error"];
            responses.push({ topic: d.topic, partition: d.partition, error, baseOffset: error === "NONE" ? nextOffset : -1 });
            if (error === "NONE") nextOffset += d.batch.records.length;
            delay = Math.max(delay, opts.delayMs?.(d.partition) ?? 0);
          }
          if (opts.silent) return;
          const response = { type: "ProduceResponse", correlationId: req.correlationId, responses };
          if (delay > 0) ctx.setTimer(delay, { respond: response, to: conn });
          else ctx.write(conn, response);
        }
      },
      onTimer: (tag) => {
        const t = tag as { respond: unknown; to: number };
        ctx.write(t.to, t.respond);
      },
    }));
  const explicit = new Set(Object.keys(opts.config));
  const settings = producerSettings(PRODUCER_CONFIG.resolve(opts.config), explicit);
  sim.addActor("app", (ctx) => {
    const producer = new KafkaProducer(ctx, brokers, settings);
    // One callback for every send, told which send by its tag (the send's index), as the producer workload does.
    const done = (result: SendResult, tag: number) => results.push({ atUs: ctx.nowUs, value: opts.sends[tag].record.value, result });
    return {
      onStart: () => {
        producer.start();
        opts.sends.forEach((s, i) => ctx.setTimer(s.atMs, { send: i }));
      },
      ...clientProcess(ctx),
      onTimer: (tag) => {
        const i = (tag as { send: number }).send;
        producer.send(opts.sends[i].record, done, i);
      },
    };
  });
  sim.run((opts.untilMs ?? 10_000) * 1000);
  /** `events`: every event the run processed (sends, deliveries, the sender's passes, ...). */
  return { requests, results, events: sim.events };
}

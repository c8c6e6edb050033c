import { clientProcess } from "../../src/kafka/network/connectionRouter.js";
import { producerSettings } from "../../src/kafka/config/producerSettings.js";
import { PRODUCER_CONFIG } from "../../src/kafka/config/producerConfig.js";
import { KafkaProducer, type ProducerRecord } from "../../src/kafka/client/producer/producer.js";
import type { SendResult } from "../../src/kafka/client/producer/producerBatch.js";
import type { ProduceRequest } from "../../src/kafka/protocol/messages.js";
import { Simulation } from "../../src/sim/index.js";

export interface SeenRequest {
  atUs: number;
  partition: number;
  records: number;
  values: string[];
  producerEpoch: number;
  baseSequence: number;
}

/**
 * A producer against one fake broker that leads every partition of topic "t" and answers (or, with
 * `silent`, never answers) produce requests. Sends happen at the given simulated times.
 */
export function runProducer(opts: {
  config: Record<string, unknown>;
  partitions?: number;
  sends: { atMs: number; record: ProducerRecord }[];
  silent?: boolean;
  /** Milliseconds the fake broker holds its answer for a partition (default 0). */
  delayMs?: (partition: number) => number;
  /** The error the fake broker answers a request with (default NONE). */
  answer?: (req: ProduceRequest, n: number) => string;
  untilMs?: number;
  seed?: number;
}) {
  const sim = new Simulation({ seed: opts.seed ?? 1, network: { latency: { model: "constant", valueUs: 500 } } });
  const requests: SeenRequest[] = [];
  const results: { atUs: number; value: string; result: SendResult }[] = [];
  const parts = opts.partitions ?? 1;
  let nextOffset = 0;
  sim.addActor("broker-1", (ctx) => ({
    onMessage: (from, raw, conn) => {
      const msg = raw as { type: string; correlationId: number };
      if (msg.type === "Metadata")
        ctx.write(conn, {
          type: "MetadataResponse",
          correlationId: msg.correlationId,
          partitions: Array.from({ length: parts }, (_, p) => ({ topic: "t", partition: p, leader: "broker-1", leaderEpoch: 0, replicas: ["broker-1"], isr: ["broker-1"] })),
        });
      else if (msg.type === "InitProducerId") ctx.write(conn, { type: "InitProducerIdResponse", correlationId: msg.correlationId, error: "NONE", producerId: 1, producerEpoch: 0 });
      else if (msg.type === "Produce") {
        const req = msg as ProduceRequest;
        requests.push({ atUs: ctx.nowUs, partition: req.partition, records: req.batch.records.length, values: req.batch.records.map((r) => r.value), producerEpoch: req.batch.producerEpoch, baseSequence: req.batch.baseSequence });
        if (opts.silent) return;
        const error = opts.answer?.(req, requests.length - 1) ?? "NONE";
        const response = { type: "ProduceResponse", correlationId: req.correlationId, topic: req.topic, partition: req.partition, error, baseOffset: error === "NONE" ? nextOffset : -1 };
        if (error === "NONE") nextOffset += req.batch.records.length;
        const delay = opts.delayMs?.(req.partition) ?? 0;
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
    const producer = new KafkaProducer(ctx, ["broker-1"], settings);
    return {
      onStart: () => {
        producer.start();
        opts.sends.forEach((s, i) => ctx.setTimer(s.atMs, { send: i }));
      },
      ...clientProcess(ctx),
      onTimer: (tag) => {
        const s = opts.sends[(tag as { send: number }).send];
        producer.send(s.record, (result) => results.push({ atUs: ctx.nowUs, value: s.record.value, result }));
      },
    };
  });
  sim.run((opts.untilMs ?? 10_000) * 1000);
  /** `events`: every event the run processed (sends, deliveries, the sender's passes, ...). */
  return { requests, results, events: sim.events };
}

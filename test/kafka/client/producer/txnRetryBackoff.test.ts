import { describe, expect, it } from "vitest";
import { KafkaProducer } from "../../../../src/kafka/client/producer/producer.js";
import { PRODUCER_CONFIG } from "../../../../src/kafka/config/producerConfig.js";
import { producerSettings } from "../../../../src/kafka/config/producerSettings.js";
import { clientProcess } from "../../../../src/kafka/network/connectionRouter.js";
import type { ErrorName } from "../../../../src/kafka/protocol/errors.js";
import { Simulation } from "../../../../src/sim/index.js";

/**
 * Regression (bug report txn-state-log-min-isr-blocks-transactions did not converge on some seeds): the transaction
 * manager's back-off after a lost coordinator ended at `nowMs + retry.backoff.ms`, a float that may land a hair after
 * the µs its timer fires at (32759.914 + 100 = 32859.914000000004); the woken manager saw the back-off not yet over,
 * did not set the timer again, and never sent the AddPartitionsToTxn again. Here a fake coordinator answers the first
 * AddPartitionsToTxn with COORDINATOR_NOT_AVAILABLE so that the answer arrives at `refusalAtUs`, and takes the next.
 */
function run(refusalAtUs: number | null) {
  const latencyUs = 500;
  const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: latencyUs } } });
  let adds = 0;
  sim.addActor("broker-1", (ctx) => {
    let held: (() => void) | null = null;
    return {
      onMessage: (_from, raw, conn) => {
        const m = raw as { type: string; correlationId: number; partitions?: { topic: string; partition: number }[] };
        const reply = (type: string, extra: Record<string, unknown> = {}) => ctx.write(conn, { type, correlationId: m.correlationId, error: "NONE", ...extra });
        switch (m.type) {
          case "Metadata":
            return reply("MetadataResponse", { partitions: [{ topic: "t", partition: 0, leader: "broker-1", leaderEpoch: 0, replicas: ["broker-1"], isr: ["broker-1"] }] });
          case "FindCoordinator":
            return reply("FindCoordinatorResponse", { coordinator: "broker-1" });
          case "InitProducerId":
            return reply("InitProducerIdResponse", { producerId: 7, producerEpoch: 0 });
          case "AddPartitionsToTxn":
            if (adds++ === 0 && refusalAtUs !== null) {
              held = () => reply("AddPartitionsToTxnResponse", { error: "COORDINATOR_NOT_AVAILABLE" });
              ctx.setTimer((refusalAtUs - latencyUs - ctx.nowUs) / 1000, "refuse");
              return;
            }
            return reply("AddPartitionsToTxnResponse");
          case "Produce":
            return reply("ProduceResponse", { responses: m.partitions!.map((d) => ({ topic: d.topic, partition: d.partition, error: "NONE", baseOffset: 0 })) });
          case "EndTxn":
            return reply("EndTxnResponse");
        }
      },
      onTimer: () => held?.(),
    };
  });
  const config = { "transactional.id": "tx", "request.timeout.ms": 60000, "delivery.timeout.ms": 120000, "transaction.timeout.ms": 120000 };
  const settings = producerSettings(PRODUCER_CONFIG.resolve(config), new Set(Object.keys(config)));
  const outcome: { commit?: ErrorName | null } = {};
  sim.addActor("app", (ctx) => {
    const producer = new KafkaProducer(ctx, ["broker-1"], settings);
    return {
      onStart: () => {
        producer.start();
        producer.initTransactions(() => {
          producer.beginTransaction();
          producer.send({ topic: "t", key: "k", value: "v" }, () => {});
          producer.commitTransaction((e) => (outcome.commit = e));
        });
      },
      ...clientProcess(ctx),
    };
  });
  sim.run(40_000_000);
  return { outcome, adds };
}

describe("TxnRequestHandlers back-off after a lost coordinator", () => {
  it("the request goes again when the back-off ends although nowMs + 100 is inexact: the transaction commits", () => {
    expect((32_759_914 + 100_000) / 1000 < 32_759_914 / 1000 + 100).toBe(true); // the float case itself
    const r = run(32_759_914);
    expect([r.adds, r.outcome.commit]).toEqual([2, null]);
  });

  it("quiet case: a coordinator that takes the first AddPartitionsToTxn commits at once", () => {
    const r = run(null);
    expect([r.adds, r.outcome.commit]).toEqual([1, null]);
  });
});

import { clientProcess } from "../../src/kafka/network/connectionRouter.js";
import { describe, expect, it } from "vitest";
import { KafkaProducer } from "../../src/kafka/client/producer/producer.js";
import { PRODUCER_CONFIG } from "../../src/kafka/config/producerConfig.js";
import { producerSettings } from "../../src/kafka/config/producerSettings.js";
import type { ErrorName } from "../../src/kafka/protocol/errors.js";
import { Simulation } from "../../src/sim/index.js";

/**
 * Regression (found by `explore`): the transaction manager matched the answer to its sendOffsetsToTransaction step by
 * correlation id alone, and the sender numbers produce requests from the same start, so a ProduceResponse could
 * "complete" the offsets step: the transaction then committed its outputs without its input offsets (duplicates
 * for exactly-once). Here a fake broker answers the TxnOffsetCommit with a ProduceResponse carrying its id.
 */
function run(answerTxnOffsetCommitWith: "ProduceResponse" | "TxnOffsetCommitResponse") {
  const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: 500 } } });
  const received: string[] = [];
  sim.addActor("broker-1", (ctx) => ({
    onMessage: (from, raw, conn) => {
      const m = raw as { type: string; correlationId: number; partitions?: { topic: string; partition: number }[] };
      received.push(m.type);
      const reply = (type: string, extra: Record<string, unknown> = {}) => ctx.write(conn, { type, correlationId: m.correlationId, error: "NONE", ...extra });
      switch (m.type) {
        case "Metadata":
          return reply("MetadataResponse", { partitions: [{ topic: "t", partition: 0, leader: "broker-1", leaderEpoch: 0, replicas: ["broker-1"], isr: ["broker-1"] }] });
        case "FindCoordinator":
          return reply("FindCoordinatorResponse", { coordinator: "broker-1" });
        case "InitProducerId":
          return reply("InitProducerIdResponse", { producerId: 7, producerEpoch: 0 });
        case "AddPartitionsToTxn":
          return reply("AddPartitionsToTxnResponse");
        case "AddOffsetsToTxn":
          return reply("AddOffsetsToTxnResponse");
        case "TxnOffsetCommit":
          return answerTxnOffsetCommitWith === "ProduceResponse" ? reply("ProduceResponse", { responses: [{ topic: "t", partition: 0, error: "NONE", baseOffset: 0 }] }) : reply("TxnOffsetCommitResponse");
        case "Produce":
          return reply("ProduceResponse", { responses: m.partitions!.map((d) => ({ topic: d.topic, partition: d.partition, error: "NONE", baseOffset: 0 })) });
        case "EndTxn":
          return reply("EndTxnResponse");
      }
    },
    onTimer: () => {},
  }));
  const settings = producerSettings(PRODUCER_CONFIG.resolve({ "transactional.id": "tx" }), new Set(["transactional.id"]));
  const outcome: { offsets?: ErrorName | null; commit?: ErrorName | null } = {};
  sim.addActor("app", (ctx) => {
    const producer = new KafkaProducer(ctx, ["broker-1"], settings);
    return {
      onStart: () => {
        producer.start();
        producer.initTransactions(() => {
          producer.beginTransaction();
          producer.send({ topic: "t", key: "k", value: "v" }, () => {});
          producer.sendOffsetsToTransaction([{ topic: "in", partition: 0, offset: 5 }], { groupId: "g", generationId: 1, memberId: "m" }, (e) => (outcome.offsets = e));
          producer.commitTransaction((e) => (outcome.commit = e));
        });
      },
      ...clientProcess(ctx),
    };
  });
  sim.run(3_000_000);
  return { received, outcome };
}

describe("sendOffsetsToTransaction", () => {
  it("commits with the offsets when the group coordinator accepts them", () => {
    const r = run("TxnOffsetCommitResponse");
    expect(r.outcome).toEqual({ offsets: null, commit: null });
    expect(r.received.indexOf("EndTxn")).toBeGreaterThan(r.received.indexOf("TxnOffsetCommit"));
  });

  it("is not completed by an answer of another type that happens to carry its correlation id", () => {
    const r = run("ProduceResponse");
    expect(r.outcome.offsets).toBeUndefined();
    expect(r.outcome.commit).not.toBe(null);
    expect(r.received).not.toContain("EndTxn"); // the commit waits for the offsets (and times out), never without them
  });
});

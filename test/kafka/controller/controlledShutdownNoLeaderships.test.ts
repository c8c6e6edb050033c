import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/runner/run.js";
import { parseScenario } from "../../../src/scenario/load.js";

/**
 * Kafka's BrokerHeartbeatManager.calculateNextBrokerState: an UNFENCED broker whose heartbeat asks to shut down and
 * that leads no partition (`hasLeaderships` false) goes to SHUTDOWN_NOW at once — ReplicationControlManager
 * .processBrokerHeartbeat → handleBrokerFenced removes it from the ISRs and fences it in that heartbeat's batch, and
 * the reply (shouldShutDown) follows their commit. It never enters CONTROLLED_SHUTDOWN, so no
 * BrokerRegistrationChangeRecord (KIP-841) is written and it waits for no other broker to replay anything.
 * Only a broker that leads something goes through the controlled shutdown (and its record).
 *
 * orders-0 has one partition: broker-1 leads it (the first replica of the controller's placement at seed 1), so
 * broker-3 leads nothing and broker-1 leads it.
 */
const scenario = (victim: string) =>
  parseScenario(
    `name: no-leaderships
description: a clean shutdown of ${victim}
seed: 1
duration: 16s
cluster:
  brokers: 3
  controllers: 3
  topics:
    - { name: orders, partitions: 1, replicationFactor: 3, config: { min.insync.replicas: 2 } }
clients:
  - id: app
    kind: producer
    config: { acks: all }
    workload: { topic: orders, rate: 50 }
faults:
  - { at: 10s, shutdown: ${victim} }
expect:
  - noLostAcknowledgedWrites
`,
    "no-leaderships.yaml",
  );

interface Rec {
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

/** The controller's records and the broker's shutdown steps, in trace order, from the shutdown request on. */
function shutdownSteps(victim: string): string[] {
  const out: string[] = [];
  let started = false;
  runScenario(scenario(victim), {
    seed: 1,
    observe: (r) => {
      const rec = r as Rec;
      if (rec.type === "broker.controlled-shutdown" && rec.actor === victim) started = true;
      if (!started) return;
      if (rec.type === "controller.record" && rec.data.broker === victim) out.push(`record ${String(rec.data.record)}`);
      if (rec.type === "controller.record" && rec.data.record === "Partition") out.push(`partition isr=${JSON.stringify(rec.data.isr)} leader=${String(rec.data.leader)}`);
      if ((rec.type === "broker.shutdown-approved" || rec.type === "sim.stopped" || rec.type === "broker.controlled-shutdown") && rec.actor === victim) out.push(rec.type);
      if (rec.type === "controller.controlled-shutdown" && rec.data.broker === victim) out.push(rec.type);
    },
  });
  return out;
}

describe("a clean shutdown of a broker that leads nothing (BrokerHeartbeatManager: UNFENCED + wantShutDown, no leaderships)", () => {
  it("is SHUTDOWN_NOW: the ISR removal and the fence in one heartbeat, no KIP-841 record, the broker stops on that reply", () => {
    expect(shutdownSteps("broker-3")).toEqual([
      "broker.controlled-shutdown",
      'partition isr=["broker-1","broker-2"] leader=broker-1',
      "record FenceBroker",
      "broker.shutdown-approved",
      "sim.stopped",
    ]);
  });

  it("while the leader of orders-0 goes through the controlled shutdown: its KIP-841 record, then its leadership moves", () => {
    const steps = shutdownSteps("broker-1");
    expect(steps.slice(0, 4)).toEqual(["broker.controlled-shutdown", "controller.controlled-shutdown", "record BrokerRegistrationChange", 'partition isr=["broker-2","broker-3"] leader=broker-2']);
    expect(steps.slice(-3)).toEqual(["record FenceBroker", "broker.shutdown-approved", "sim.stopped"]);
  });
});

import { parseScenario } from "../scenario/load.js";
import { runScenario } from "../runner/run.js";

/**
 * The Kafka reference workload (issue 4): 3 brokers, 6 partitions, RF=3, acks=all, idempotence on, 5,000
 * records/s keyed over 1,000 keys, 60 simulated seconds. Returns simulated ms per wall ms.
 */
export const REFERENCE_WORKLOAD = `name: bench-reference
description: kafkasim's reference workload for npm run bench
duration: 60s
cluster:
  brokers: 3
  controllers: 3
  topics:
    - { name: bench, partitions: 6, replicationFactor: 3, config: { min.insync.replicas: 2 } }
clients:
  - id: app
    kind: producer
    config: { acks: all, enable.idempotence: true }
    workload: { topic: bench, rate: 5000, keys: { distribution: uniform, count: 1000 }, valueSize: 100 }
expect:
  - noLostAcknowledgedWrites
`;

export function kafkaSimulatedMsPerWallMs(): { simulatedMsPerWallMs: number; events: number; wallMs: number; acknowledged: number } {
  const scenario = parseScenario(REFERENCE_WORKLOAD, "<bench>");
  runScenario(scenario, { durationMs: 10_000 }); // warm the JIT up, as the engine figure does
  const t0 = performance.now();
  const r = runScenario(scenario);
  const wallMs = performance.now() - t0;
  const acknowledged = r.history.ops.filter((o) => o.f === "send" && o.type === "ok").length;
  if (!r.ok) throw new Error(`reference workload failed its checks: ${JSON.stringify(r.checks)}`);
  return { simulatedMsPerWallMs: Math.round((r.simulatedMs / wallMs) * 10) / 10, events: r.events, wallMs: Math.round(wallMs), acknowledged };
}

/** Explore throughput: seeds of a faulted scenario per wall second. */
export function exploreSeedsPerSec(seeds: number): { seedsPerSec: number; seeds: number } {
  const scenario = parseScenario(
    `name: bench-explore
description: explore throughput
duration: 30s
cluster:
  brokers: 3
  topics: [{ name: t, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: 2 } }]
clients:
  - { id: app, kind: producer, config: { acks: all }, workload: { topic: t, rate: 200 } }
randomFaults: { kinds: [crash, pause, partition], count: { min: 1, max: 3 }, duration: { min: 1s, max: 5s } }
expect: [noLostAcknowledgedWrites]
`,
    "<bench>",
  );
  const t0 = performance.now();
  for (let s = 1; s <= seeds; s++) runScenario(scenario, { seed: s });
  return { seedsPerSec: Math.round((seeds / ((performance.now() - t0) / 1000)) * 10) / 10, seeds };
}

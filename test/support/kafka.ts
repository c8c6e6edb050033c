import { parseScenario } from "../../src/scenario/load.js";
import type { ResolvedScenario } from "../../src/scenario/resolved.js";

export const BROKERS = ["broker-1", "broker-2", "broker-3"];
export const CONTROLLERS = ["controller-1", "controller-2", "controller-3"];

/** A 3-broker cluster with one producer, for property tests; faults come from the property. */
export function clusterScenario(opts: { acks: string; minIsr: number; durationS?: number; extra?: string; producerConfig?: string; brokerConfig?: string }): ResolvedScenario {
  return parseScenario(
    `name: property
description: property test cluster
duration: ${opts.durationS ?? 50}s
cluster:
  brokers: 3
  controllers: 3
  config: { replica.lag.time.max.ms: 10000${opts.brokerConfig ? `, ${opts.brokerConfig}` : ""} }
  topics:
    - { name: t, partitions: 3, replicationFactor: 3, config: { min.insync.replicas: ${opts.minIsr} } }
clients:
  - id: app
    kind: producer
    config: { acks: "${opts.acks}", delivery.timeout.ms: 40000${opts.producerConfig ? `, ${opts.producerConfig}` : ""} }
    workload: { topic: t, rate: 200, keys: { distribution: uniform, count: 20 } }
${opts.extra ?? ""}
expect:
  - noLostAcknowledgedWrites
  - noLogDivergence
`,
    "<property>",
  );
}

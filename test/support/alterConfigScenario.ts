/** The knobs of an alterConfig test scenario; `faults` is the YAML of the fault list's entries. */
export interface AlterConfigScenarioOptions {
  faults: string;
  topicConfig?: string;
  brokerConfig?: string;
  duration?: string;
  acks?: string;
}

/**
 * The scenario the alterConfig tests (topic and broker configs) run: three brokers, one orders partition of three
 * replicas, a producer at 100 records/s, and the given faults (admin calls among them). `topicConfig` and
 * `brokerConfig` are the insides of the YAML maps (default empty); the duration defaults to 20s, acks to all.
 */
export function alterConfigScenario(description: string, opts: AlterConfigScenarioOptions): string {
  return `name: t
description: ${description}
duration: ${opts.duration ?? "20s"}
cluster:
  brokers: 3
  config: { ${opts.brokerConfig ?? ""} }
  topics:
    - { name: orders, partitions: 1, replicationFactor: 3, config: { ${opts.topicConfig ?? ""} } }
clients:
  - id: app
    kind: producer
    config: { acks: ${opts.acks ?? "all"} }
    workload: { topic: orders, rate: 100 }
faults:
${opts.faults}
`;
}

export { runTraced } from "./tracedRun.js";

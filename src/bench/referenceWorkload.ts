/**
 * The Kafka reference workload (issue 4) as a scenario text, and its variants for the scaling table: by default
 * 3 brokers, 3 controllers, 6 partitions, RF=3, min.insync.replicas=2, one producer with acks=all and idempotence,
 * 5,000 records/s keyed over 1,000 keys, 100-byte values, 60 simulated seconds. Each extra producer adds its own
 * 5,000 records/s (`app`, `app2`, …). Past 60 s the work estimate's memory bound is raised: the bench measures
 * what the run really takes.
 */
export interface ReferenceShape {
  durationS: number;
  partitions: number;
  producers: number;
  brokers: number;
}

export const REFERENCE_SHAPE: ReferenceShape = { durationS: 60, partitions: 6, producers: 1, brokers: 3 };

export function referenceWorkload(shape: Partial<ReferenceShape> = {}): string {
  const s = { ...REFERENCE_SHAPE, ...shape };
  const producers = Array.from({ length: s.producers }, (_, i) => `  - id: app${i === 0 ? "" : i + 1}
    kind: producer
    config: { acks: all, enable.idempotence: true }
    workload: { topic: bench, rate: 5000, keys: { distribution: uniform, count: 1000 }, valueSize: 100 }
`).join("");
  return `name: bench-reference
description: kafkasim's reference workload for npm run bench
duration: ${s.durationS}s
${s.durationS > 60 ? "simulator: { maxMemoryMiB: 8192 } # the bench measures memory; the up-front estimate would refuse long runs\n" : ""}cluster:
  brokers: ${s.brokers}
  controllers: 3
  topics:
    - { name: bench, partitions: ${s.partitions}, replicationFactor: 3, config: { min.insync.replicas: 2 } }
clients:
${producers}expect:
  - noLostAcknowledgedWrites
`;
}

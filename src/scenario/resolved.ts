import type { ResolvedCapacity } from "./capacity.js";
import type { Drawn, Knob } from "./swarm.js";
import type { ResolveOptions } from "./runBound.js";
import type { KafkaConfig, LogConfig } from "../kafka/config/brokerConfig.js";
import type { ConsumerSettings } from "../kafka/config/consumerConfig.js";
import type { ProducerSettings } from "../kafka/config/producerSettings.js";
import type { GroupConsumerWorkload } from "../workload/groupConsumerWorkload.js";
import type { AdminOp } from "../kafka/client/admin/adminClient.js";
import type { FaultOp, LatencyModel, LinkBehaviour, ResolvedFaultBounds } from "../sim/index.js";

/** The scenario after validation and defaults: the only type the world builder reads. Times in ms. */
export interface ResolvedScenario {
  file: string;
  /** The `--set KEY=VALUE` changes applied to the file as it loaded, as written (empty: none); replay lines repeat them. */
  sets: readonly string[];
  name: string;
  description: string;
  seed: string | number;
  durationMs: number;
  /**
   * The liveness phase's limit (ms) after `durationMs`, or null when it is off (`liveness: none`, or a scenario
   * without faults that does not ask for one): see runner/liveness.ts.
   */
  livenessMs: number | null;
  maxEvents: number;
  /** Memory bound (MiB) for the estimate checked before a run (simulator.maxMemoryMiB). */
  maxMemoryMiB: number;
  brokers: string[];
  controllers: string[];
  /** Every broker's (and controller's) configuration: Kafka's defaults overlaid with the scenario's, typed. */
  brokerConfig: KafkaConfig;
  topics: ResolvedTopic[];
  /** Cluster feature levels. */
  features: { transactionVersion: 1 | 2; eligibleLeaderReplicasVersion: 0 | 1 };
  /** Whether some producer has a transactional.id (then `__transaction_state` is created). */
  transactional: boolean;
  /** Whether some client uses a consumer group (then `__consumer_offsets` is created). */
  usesGroups: boolean;
  network: { defaults: LinkBehaviour; links: { from: string; to: string; behaviour: Partial<LinkBehaviour> }[] };
  /** The hosts' resources (`capacity:`); absent: unlimited, as before, and no performance measurements. */
  capacity?: ResolvedCapacity;
  clients: ResolvedClient[];
  demo: ResolvedDemo;
  faults: FaultOp[];
  /** The operator's admin calls from `faults:` (DeleteRecords), made by the `admin` client; not shrunk. */
  adminOps: AdminOp[];
  randomFaults: ResolvedFaultBounds | null;
  expect: Expectation[];
  /** A sweep scenario: the expectation labels some seeds break (what explore is for); null for an ordinary one. */
  sweep: { finds: string[] } | null;
  /** Simulator options (not Kafka's): pre-KIP-101 truncation; how long TCP retransmits before a reset (ms). */
  simulator: { legacyHighWatermarkTruncation: boolean; tcpUserTimeoutMs: number };
  /**
   * What the file asks that the run does not do as written, each "path: what happens" (the CLI prints them on
   * stderr; they change nothing in the run): a fault's `for:` reaching past the end. Absent when there are none.
   */
  warnings?: string[];
  /**
   * A swarm scenario (swarm.ts): the knobs, the raw data they sit in, and the seed whose draw this resolution is
   * (runScenario resolves again for another seed: scenarioForSeed). Absent for an ordinary scenario.
   */
  swarm?: { data: unknown; knobs: Knob[]; seed: string | number; drawn: Drawn; options: ResolveOptions };
}

export interface ResolvedTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic overrides only (what the user set, in the order written); the model falls back to broker config. */
  config: Partial<LogConfig>;
}

export interface KeySpec {
  distribution: "uniform" | "hot" | "fixed" | "none";
  count: number;
  hotShare: number;
}

export interface ProducerWorkloadSpec {
  topic: string;
  ratePerSec: number;
  keys: KeySpec;
  valueSize: number;
  records: number | null;
  partition: number | null;
  /** Share of sends that are tombstones (null values), 0..1. */
  tombstoneRatio: number;
  /** kafka-producer-perf-test mode: counted, not recorded (producerWorkload.ts perfTestProducerActor). */
  perfTest?: boolean;
  /** `even`: one send every 1/rate s (OMB's RateLimiter); absent: a tick's sends at once (producerWorkload.ts). */
  pacing?: "even";
}

export interface TransactionalWorkloadSpec {
  topic: string;
  recordsPerTransaction: number;
  everyMs: number;
  abortRatio: number;
  keys: KeySpec;
  valueSize: number;
  app: string;
  /** How long a transaction stays open after its sends before it is ended. */
  openForMs: number;
  /** Time between two sends of one transaction (0: all at once). */
  sendEveryMs: number;
  /** sendOffsetsToTransaction for this group with each transaction, or null. */
  offsetsGroup: string | null;
}

export interface ConsumerWorkloadSpec {
  /** assign() mode: one topic and its partitions (null: all). */
  topic: string;
  partitions: number[] | null;
  pollIntervalMs: number;
  /** poll(Duration)'s timeout in ms (`pollTimeout`), or null: the application polls every `pollIntervalMs`. */
  pollTimeoutMs: number | null;
  /** kafka-consumer-perf-test mode: counted, not recorded (consumerWorkload.ts perfTestConsumerActor). */
  perfTest?: boolean;
}

/** A group member's application loop (subscribe mode); the run's stop time is added by the world builder. */
export type GroupConsumerWorkloadSpec = Omit<GroupConsumerWorkload, "stopMs">;

interface ClientBase {
  id: string;
  startMs: number;
  stopMs: number | null;
}

/** A client with its settings: Kafka's defaults overlaid with the user's config, resolved once. */
export type ResolvedClient =
  | (ClientBase & { kind: "producer"; settings: ProducerSettings; workload: ProducerWorkloadSpec })
  | (ClientBase & { kind: "transactional-producer"; settings: ProducerSettings; workload: TransactionalWorkloadSpec })
  | (ClientBase & { kind: "consumer"; settings: ConsumerSettings; workload: ConsumerWorkloadSpec })
  /** A read-process-write app also has a producer: transactional, Kafka's defaults otherwise. */
  | (ClientBase & { kind: "group-consumer"; settings: ConsumerSettings; outputProducer: ProducerSettings | null; workload: GroupConsumerWorkloadSpec });

export interface ResolvedDemo {
  heartbeat: { monitor: string; nodes: string[]; intervalMs: number; timeoutMs: number } | null;
  lease: {
    store: string;
    nodes: string[];
    leaseMs: number;
    renewEveryMs: number;
    writeEveryMs: number;
    fencingTokens: boolean;
  } | null;
}

/**
 * One `expect:` entry as written: `noX` (X finds nothing), `{anomaly: X}` (X finds something) or `{X: params}`.
 * The parameter is raw here; the runner parses it with the check's own schema when the scenario is checked
 * (runner `checkExpectations`), so a bad one is bad input at `paramPath`.
 */
export interface Expectation {
  /** As written in the file (`noLostAcknowledgedWrites`, `anomaly: duplicates`, `zombieFenced: app-1`). */
  label: string;
  check: string;
  mode: "none" | "some";
  params: unknown;
  /** Path in the file, for error messages (`expect[2]`). */
  path: string;
  /** Path of the parameter in the file (`expect[2].rebalances`, `expect[0].anomaly.failedSends`). */
  paramPath: string;
}

export type { LatencyModel };

import { z } from "zod";
import { capacityInput } from "./capacity.js";
import { isWholeMicros, parseDurationMs, WHOLE_MICROS_RULE } from "./duration.js";
import { isSeed, SEED_RULE } from "../common/seed.js";
import { shown } from "./errors.js";
import { invalidTopicName, TOPIC_NAME_RULE } from "../kafka/config/topicName.js";

/**
 * The YAML shape of a scenario (design.md §3): `ScenarioInput`. Every field is documented with its unit and
 * default. `resolveScenario()` turns it into `ResolvedScenario`, the only type the world builder reads.
 */

const DURATION_HELP = 'a duration with a unit, like "250ms", "30s" or "2m"';

/** The longest duration accepted anywhere (a year): past it, integer-µs time and event budgets stop making sense. */
const MAX_DURATION_MS = 365 * 24 * 3_600_000;

/** The longest duration accepted anywhere, in ms (365 days); the CLI's `--duration` holds to it too. */
export const MAX_DURATION = MAX_DURATION_MS;

/** ", without a space" when a text would be a duration with its blanks taken out (`5 s`), else "". */
export function spacedHint(v: unknown): string {
  return typeof v === "string" && /\s/.test(v) && parseDurationMs(v.replace(/\s+/g, "")) !== null ? ", number and unit without a space" : "";
}

/** A duration string → milliseconds. */
export const duration = z.unknown().transform((v, ctx) => {
  // z.unknown() lets a missing key through to here: say so in zod's words for other fields, not "got undefined".
  if (v === undefined) {
    ctx.addIssue({ code: "custom", message: "is required" });
    return z.NEVER;
  }
  const ms = parseDurationMs(v);
  if (ms === null) {
    // "-2s" has a unit: say what is wrong with it.
    const negative = typeof v === "string" ? /^-/.test(v) && parseDurationMs(v.slice(1)) !== null : typeof v === "number" && v < 0;
    ctx.addIssue({ code: "custom", message: negative ? `must not be negative (got ${shown(v)})` : `must be ${DURATION_HELP}${spacedHint(v)} (got ${shown(v)})` });
    return z.NEVER;
  }
  if (ms > MAX_DURATION_MS) {
    ctx.addIssue({ code: "custom", message: `must be at most 365 days (got ${shown(v)})` });
    return z.NEVER;
  }
  if (!isWholeMicros(ms)) {
    ctx.addIssue({ code: "custom", message: `${WHOLE_MICROS_RULE} (got ${shown(v)})` });
    return z.NEVER;
  }
  return ms;
});

/**
 * `liveness:` → ms, or null for `none`. Faults stop after the duration and the run continues up to this long until
 * the cluster has converged (runner/liveness.ts).
 */
export const livenessInput = z.unknown().transform((v, ctx) => {
  if (v === "none") return null;
  const ms = parseDurationMs(v);
  if (ms === null || ms <= 0 || ms > MAX_DURATION_MS) {
    ctx.addIssue({ code: "custom", message: `must be a duration up to 365 days, like "60s" or "2m"${spacedHint(v)}, or "none" to turn the liveness phase off (got ${shown(v)})` });
    return z.NEVER;
  }
  if (!isWholeMicros(ms)) {
    ctx.addIssue({ code: "custom", message: `${WHOLE_MICROS_RULE} (got ${shown(v)})` });
    return z.NEVER;
  }
  return ms;
});

const rate = z.number({ error: "must be a probability between 0 and 1" }).min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
const positiveInt = (what: string) => z.number({ error: `must be ${what}` }).int(`must be ${what}`).min(1, `must be ${what}`);
const nonNegativeInt = (what: string) => z.number({ error: `must be ${what}` }).int(`must be ${what}`).min(0, `must be ${what}`);
/**
 * Schema bounds: a whole number in [min, max], the range in the message. The bounds only stop absurd values (10,000
 * brokers, a rate of 1e9/s); whether a scenario fits a run is the work estimate's call (workEstimate.ts).
 */
/**
 * A whole number with thousands separators, as `toLocaleString("en-US")` writes it: that one starts ICU's number
 * formatting (~25 ms of CPU), which every process loading the schema would pay, explore workers included.
 */
const grouped = (n: number): string => (Number.isSafeInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",") : n.toLocaleString("en-US"));
const intIn = (what: string, min: number, max: number) => {
  const msg = `must be ${what} from ${grouped(min)} to ${grouped(max)}`;
  return z.number({ error: msg }).int(msg).min(min, msg).max(max, msg);
};
/** Bounds of lists a scenario may hold (clients, topics, faults, links, demo nodes). */
const MAX_LIST = 10_000;
const listOf = <T extends z.ZodType>(item: T, what: string) => z.array(item).max(MAX_LIST, `must list at most ${grouped(MAX_LIST)} ${what}`);
const name = z.string({ error: "must be a string" }).min(1, "must not be empty");

export const latencyInput = z.discriminatedUnion(
  "model",
  [
    z.strictObject({ model: z.literal("constant"), value: duration }),
    z.strictObject({ model: z.literal("uniform"), min: duration, max: duration }),
    z.strictObject({ model: z.literal("normal"), mean: duration, stddev: duration }),
    z.strictObject({ model: z.literal("lognormal"), median: duration, sigma: z.number().positive("must be > 0") }),
    z.strictObject({ model: z.literal("pareto"), scale: duration, shape: z.number().positive("must be > 0") }),
  ],
  { error: 'must have model: constant, uniform, normal, lognormal or pareto' },
);
export type LatencyInput = z.infer<typeof latencyInput>;

const BROKER_HELP = "must be a broker's number (1) or name (broker-1)";
const ALTER_BROKER_HELP = 'must be a broker number (1), a broker name (broker-1), or "all" for the cluster default';

/** Two actors (a link's ends): zod's own words for a tuple ("must be tuple", "Too small: expected array") are a programmer's. */
const namePair = z.tuple([name, name], { error: "must be a list of two actor names, like [broker-1, broker-2]" });

const linkInput = z.strictObject({
  /** Both directions between two actors. */
  between: namePair.optional(),
  /** One direction: from → to. */
  from: name.optional(),
  to: name.optional(),
  latency: latencyInput.optional(),
  loss: rate.optional(),
  duplicate: rate.optional(),
  reorder: rate.optional(),
});

const networkInput = z.strictObject({
  /** Default latency of every link (default uniform 0.5ms–1.5ms). */
  latency: latencyInput.optional(),
  /** Default per-message loss / duplication / reorder probability (default 0). */
  loss: rate.optional(),
  duplicate: rate.optional(),
  reorder: rate.optional(),
  links: listOf(linkInput, "links").optional(),
});

const configMap = z.record(z.string(), z.unknown(), { error: "must be a map of Kafka config keys to values" });

const topicInput = z.strictObject({
  // Kafka's Topic.validate (topicName.ts): the InvalidTopicException's reason after the rule.
  name: z.string({ error: "must be a string" }).superRefine((name, ctx) => {
    const why = invalidTopicName(name);
    if (why !== null) ctx.addIssue({ code: "custom", message: `${TOPIC_NAME_RULE} (Kafka's legal topic names): Topic name is invalid: ${why}` });
  }),
  partitions: intIn("a whole number of partitions", 1, 10_000),
  /** Default: the broker's default.replication.factor. */
  replicationFactor: intIn("a whole number", 1, 1_000).optional(),
  config: configMap.optional(),
});

const clusterInput = z.strictObject({
  /** Number of brokers, named broker-1..N (default 0: no Kafka cluster, for engine demos). */
  brokers: intIn("a whole number of brokers", 0, 1_000).optional(),
  /** KRaft controllers, named controller-1..N (default 3 when there are brokers). */
  controllers: intIn("a whole number of controllers", 0, 15).optional(),
  config: configMap.optional(),
  topics: z.array(topicInput).max(1_000, "must list at most 1,000 topics").optional(),
  /**
   * Cluster feature levels (kafka-features): transaction.version 2 (the 4.0 default) bumps epochs on every end
   * (KIP-890 part 2); eligible.leader.replicas.version 1 turns on KIP-966 ELR (Kafka 4.0's default is 0: off).
   */
  features: z
    .strictObject({
      "transaction.version": z.union([z.literal(1), z.literal(2)], { error: "must be 1 or 2" }).optional(),
      "eligible.leader.replicas.version": z.union([z.literal(0), z.literal(1)], { error: "must be 0 or 1" }).optional(),
    })
    .optional(),
});

const keysInput = z.strictObject({
  /** uniform: each record picks one of `count` keys; hot: `hotShare` of records use key 0; fixed: keys in turn; none: keyless. */
  distribution: z.enum(["uniform", "hot", "fixed", "none"], { error: 'must be "uniform", "hot", "fixed" or "none"' }),
  count: intIn("a whole number of keys", 1, 1_000_000).optional(),
  hotShare: rate.optional(),
});

export const producerWorkloadInput = z.strictObject({
  topic: name,
  /**
   * Records per second (default 100, at most 1,000,000), or `max`: as fast as send() takes them without blocking
   * (kafka-producer-perf-test --throughput -1).
   */
  rate: z
    .union([z.literal("max"), z.number({ error: 'must be records per second or "max"' }).positive("must be records per second > 0").max(1_000_000, "must be records per second, at most 1,000,000")], {
      error: 'must be records per second or "max"',
    })
    .optional(),
  keys: keysInput.optional(),
  /** Value size in bytes (default 100). */
  valueSize: intIn("a size in bytes", 1, 10 * 1024 * 1024).optional(),
  /** Stop producing after this many records (default: no limit). */
  records: intIn("a whole number of records", 1, 1_000_000_000).optional(),
  /** Send to this partition explicitly (an explicit partition beats the partitioner). */
  partition: intIn("a partition number", 0, 9_999).optional(),
  /** Share of sends that are tombstones (a null value: the delete of the record's key; default 0). Needs keys. */
  tombstoneRatio: rate.optional(),
  /**
   * kafka-producer-perf-test mode (default false): keyless records sent in runs, counted for the performance figures
   * but not recorded in the history (no check judges them). Needs keys: {distribution: none}.
   */
  perfTest: z.boolean({ error: "must be true or false" }).optional(),
  /**
   * How sends are spaced at a fixed `rate` (default `burst`): `burst`, each millisecond's sends at once (one tick per
   * ms, or per 1000/rate ms below 1000 records/s); `even`, one send every 1/rate s, as OpenMessaging Benchmark's
   * Guava RateLimiter.acquire() before each send spaces them (LocalWorker.submitProducersToExecutor).
   */
  pacing: z.enum(["burst", "even"], { error: 'must be "burst" or "even"' }).optional(),
});

export const transactionalWorkloadInput = z.strictObject({
  transactions: z.strictObject({
    topic: name,
    /** Records per transaction (default 5). */
    recordsPerTransaction: intIn("a whole number of records", 1, 100_000).optional(),
    /** Pause between transactions (default 200ms). */
    every: duration.optional(),
    /** Share of transactions the application aborts (default 0). */
    abortRatio: rate.optional(),
    keys: keysInput.optional(),
    valueSize: intIn("a size in bytes", 1, 10 * 1024 * 1024).optional(),
    /** The logical application (default: the transactional.id); instances of one app are a zombie and its replacement. */
    app: name.optional(),
    /** How long each transaction stays open after its sends before commit or abort (default 20ms). */
    openFor: duration.optional(),
    /** Time between two sends of one transaction (default 0: all at once); openFor counts from the last. */
    sendEvery: duration.optional(),
    /** Commit an input position with each transaction (sendOffsetsToTransaction) for this consumer group. */
    offsets: z.strictObject({ group: name }).optional(),
  }),
});

const processingTime = z.union([duration, latencyInput], { error: 'must be a duration ("20ms") or a latency model ({model: uniform, min: 10ms, max: 50ms})' });

export const consumerWorkloadInput = z.strictObject({
  /** assign() mode: the topic, and the partitions to read (default: all of them). */
  assign: z
    .strictObject({
      topic: name,
      partitions: z.array(nonNegativeInt("a partition number ≥ 0")).min(1, "must list at least one partition").optional(),
    })
    .optional(),
  /** subscribe() mode (needs group.id): the topics the group consumes. */
  subscribe: z.array(name).min(1, "must list at least one topic").optional(),
  /** How long an idle poll() waits before the application polls again (default 100ms). */
  pollInterval: duration.optional(),
  /**
   * assign: consumers: the application calls poll(Duration) with this timeout in a loop, as a Java application does:
   * an empty poll blocks until a Fetch brings records (returning at once) or the timeout passes. Instead of pollInterval.
   */
  pollTimeout: duration.optional(),
  /**
   * kafka-consumer-perf-test mode (default false; assign: only): polls again at once while records come, counts them
   * for the performance figures and records no polls in the history (no check judges them).
   */
  perfTest: z.boolean({ error: "must be true or false" }).optional(),
  /** How long the application takes to process what a poll returned (default: no time). */
  processing: z
    .strictObject({
      /** Time per record. */
      perRecord: processingTime.optional(),
      /** Time per non-empty poll, on top of perRecord. */
      perPoll: processingTime.optional(),
      /** The application hangs (a GC pause of the app thread, a stuck downstream call) at `at` for `for`. */
      stall: z.strictObject({ at: duration, for: duration }).optional(),
    })
    .optional(),
  /**
   * When offsets are committed (group mode): auto (enable.auto.commit, on the poll path), sync (commitSync after
   * processing each poll), async (commitAsync after each poll), before-processing (commitSync right after poll,
   * then process: at-most-once). Default: auto when enable.auto.commit is true, else sync.
   */
  commit: z.enum(["auto", "sync", "async", "before-processing"], { error: 'must be "auto", "sync", "async" or "before-processing"' }).optional(),
  /** Read-process-write (exactly-once): each processed record is written to this topic in a transaction with its offsets. */
  output: z.strictObject({ topic: name, "transactional.id": name }).optional(),
});

const clientInput = z.strictObject({
  id: name,
  kind: z.enum(["producer", "consumer"], { error: 'must be "producer" or "consumer"' }),
  /** When the client starts (default 0s) and stops (default: end of run). */
  start: duration.optional(),
  stop: duration.optional(),
  config: configMap.optional(),
  /** Checked against the kind's workload schema when the scenario is resolved. */
  workload: z.unknown(),
});

const heartbeatDemoInput = z.strictObject({
  monitor: name,
  nodes: z.array(name).min(1, "must list at least one node").max(1_000, "must list at most 1,000 nodes"),
  interval: duration,
  timeout: duration,
});

const leaseDemoInput = z.strictObject({
  store: name,
  nodes: z.array(name).min(1, "must list at least one node").max(1_000, "must list at most 1,000 nodes"),
  lease: duration,
  renewEvery: duration,
  writeEvery: duration,
  /** The store rejects writes carrying an older lease token than the newest it granted. */
  fencingTokens: z.boolean().optional(),
});

const demoInput = z.strictObject({
  heartbeat: heartbeatDemoInput.optional(),
  lease: leaseDemoInput.optional(),
});

const groupList = z.array(z.array(name).min(1, "a group must name at least one actor"), {
  error: "must be a list of groups, each a list of actor names, e.g. [[broker-1], [broker-2, broker-3]]",
});

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()], { error: "must be a string, a number, true/false or null" });

/** `on:` — fire the fault at a trace event instead of a time (the engine's `FaultTrigger`). */
const triggerInput = z.strictObject({
  /** The actor whose trace record counts (default: any actor). */
  actor: name.optional(),
  /** A trace record type, e.g. producer.txn-state (checked against the trace event registries). */
  event: name,
  /** Fields of the record that must have these values. */
  where: z.record(z.string(), scalar, { error: "must be a map of the event's fields to values" }).optional(),
  /** Which matching record fires the fault (default 1: the first). */
  nth: positiveInt("a whole number ≥ 1").optional(),
  /** Time from the record to the fault (default 0: right after the step that recorded it). */
  delay: duration.optional(),
});

export const faultInput = z.strictObject({
  /** When the fault fires; with `on`, when its trigger starts watching (default 0s then). */
  at: duration.optional(),
  on: triggerInput.optional(),
  /** With on: time from the trigger's event to the fault (also accepted inside on:). */
  delay: duration.optional(),
  /** Instead of for: the fault's inverse (restart, resume, heal, release...) runs at this trace event, counted from the fault. */
  until: triggerInput.optional(),
  /** How long the fault lasts; its inverse (restart, resume, heal, restore) runs after it. */
  for: duration.optional(),
  crash: name.optional(),
  /** With crash: the actor loses writes it had not fsynced. */
  loseUnflushed: z.boolean().optional(),
  /**
   * The operator replaces a broker's disk (KAFKA-14139): the broker stops as in a crash, its log directory is
   * replaced by an empty, freshly formatted one (new meta.properties and directory.id: KIP-858), and with `for:` it
   * starts again after that long. A broker's number N, its name broker-N, or a role (leader:<topic>-<partition>).
   */
  replaceDisk: z.union([z.number().int().min(1, BROKER_HELP), name], { error: BROKER_HELP }).optional(),
  restart: name.optional(),
  shutdown: name.optional(),
  pause: name.optional(),
  resume: name.optional(),
  isolate: name.optional(),
  partition: z
    .union([groupList, z.strictObject({ from: z.array(name).min(1, "must list at least one actor"), to: z.array(name).min(1, "must list at least one actor") })], {
      error: "must be a list of groups ([[a], [b, c]]) or a one-way cut {from: [a], to: [b]}",
    })
    .optional(),
  heal: z.union([z.literal("all"), z.literal(true)], { error: 'must be "all"' }).optional(),
  "slow-link": z
    .strictObject({ between: namePair, latency: latencyInput, oneWay: z.boolean().optional() })
    .optional(),
  /** Holds one API's messages (Kafka's API name: requests and their responses) from one actor to another, then releases them in order. */
  hold: z
    .strictObject({
      from: name,
      to: name,
      api: name,
      /** Hold only the first `count` matching messages (and what follows each on its connection); default: all. */
      count: positiveInt("a whole number ≥ 1").optional(),
    })
    .optional(),
  /**
   * An operator's DeleteRecords (Kafka Admin `deleteRecords`): move `partition`'s log start to `offset` (a whole
   * number ≥ 0, or -1 for the high watermark). Sent by the scenario's admin client to the partition's leader.
   */
  deleteRecords: z
    .strictObject({
      partition: z.string({ error: "must be a topic-partition such as orders-0" }),
      offset: z.number({ error: "must be a whole number ≥ 0 (or -1: the high watermark)" }).int("must be a whole number ≥ 0 (or -1: the high watermark)").min(-1, "must be a whole number ≥ 0 (or -1: the high watermark)").max(Number.MAX_SAFE_INTEGER, "is too large"),
    })
    .optional(),
  /**
   * An operator's IncrementalAlterConfigs of one config (Kafka Admin `incrementalAlterConfigs`): SET `key` to
   * `value`, or remove the override with `value: null` (DELETE). Either a topic's config (`topic`), or a dynamic
   * broker config (`broker`: a broker's number N or name broker-N for that broker, `all` or "" for the cluster
   * default). Sent by the scenario's admin client to a broker, which forwards it to the active controller.
   */
  alterConfig: z
    .strictObject({
      topic: z.string({ error: "must be a topic name" }).optional(),
      broker: z.union([z.number().int().min(1, ALTER_BROKER_HELP), z.string()], { error: ALTER_BROKER_HELP }).optional(),
      key: z.string({ error: "must be a config name such as min.insync.replicas" }),
      value: z.union([z.number(), z.boolean(), z.string(), z.null()], { error: "must be the config's value (a number, true/false or a string), or null to remove the topic's override" }),
    })
    .optional(),
  /**
   * An operator's AlterPartitionReassignments of one partition (Kafka Admin `alterPartitionReassignments`,
   * kafka-reassign-partitions.sh): `replicas` is the target replica list, brokers by number (1) or name (broker-1),
   * the first the preferred leader. New replicas catch up and join the ISR, then the move completes.
   */
  reassign: z
    .strictObject({
      partition: z.string({ error: "must be a topic-partition such as orders-0" }),
      replicas: z.array(z.union([z.number().int().min(1, BROKER_HELP), name], { error: BROKER_HELP }), { error: "must be a list of brokers, such as [2, 3, 4]" }),
    })
    .optional(),
  /**
   * An operator's CreatePartitions (Kafka Admin `createPartitions`, kafka-topics.sh --alter --partitions): grow
   * `topic` to `count` partitions in all (more than it has). Clients see them at their next metadata refresh;
   * keyed records then hash to other partitions.
   */
  addPartitions: z
    .strictObject({
      topic: z.string({ error: "must be a topic name" }),
      count: intIn("a whole number of partitions", 1, 10_000),
    })
    .optional(),
});
export type FaultInput = z.infer<typeof faultInput>;
export const FAULT_VERBS = ["crash", "replaceDisk", "restart", "shutdown", "pause", "resume", "isolate", "partition", "heal", "slow-link", "hold", "deleteRecords", "alterConfig", "reassign", "addPartitions"] as const;

const randomFaultsInput = z.strictObject({
  /** Actors faults may hit (default: every broker and controller). */
  nodes: z.array(name).max(1_000, "must list at most 1,000 nodes").optional(),
  kinds: z
    .array(z.enum(["crash", "shutdown", "pause", "isolate", "partition", "slow-link"], { error: "must be crash, shutdown, pause, isolate, partition or slow-link" }))
    .min(1, "must list at least one kind")
    .optional(),
  /** How many faults (default 1–4). */
  count: z
    .union([intIn("a whole number of faults", 0, 1_000), z.strictObject({ min: intIn("a whole number of faults", 0, 1_000), max: intIn("a whole number of faults", 0, 1_000) })], {
      error: "must be a whole number of faults from 0 to 1,000, or {min, max}",
    })
    .optional(),
  /** Faults start between `from` and `until` (default 10% and 70% of the run). */
  from: duration.optional(),
  until: duration.optional(),
  /** Each fault lasts between min and max (default 1s–10s). */
  duration: z.strictObject({ min: duration, max: duration }).optional(),
  /** At most this many actors down at once (default 1). */
  maxDown: intIn("a whole number", 1, 1_000).optional(),
  loseUnflushed: z.boolean().optional(),
});

const expectationInput = z.union([name, z.record(z.string(), z.unknown())], {
  error: 'must be a check name (e.g. noLostAcknowledgedWrites) or {anomaly: <check>}',
});

const simulatorInput = z.strictObject({
  /** Simulator option, not a Kafka config: followers truncate to their HW on becoming follower (pre-KIP-101). */
  legacyHighWatermarkTruncation: z.boolean().optional(),
  /** Event budget: a run estimated past it is refused, one that reaches it is stopped (default 20,000,000). */
  maxEvents: intIn("a whole number of events", 1, 1_000_000_000_000).optional(),
  /** Memory bound in MiB: a run estimated to need more is refused before it starts (default 2048). */
  maxMemoryMiB: intIn("a whole number of MiB", 1, 1_048_576).optional(),
  /**
   * How long TCP retransmits unacknowledged data before it resets the connection (default 924.6s: Linux's
   * net.ipv4.tcp_retries2 = 15 with RTOs from 200 ms doubling to 120 s; TCP_USER_TIMEOUT, RFC 5482, sets its own).
   */
  tcpUserTimeout: duration.optional(),
});

/**
 * A sweep scenario: its expectations say what must not happen, and some seeds break them; that is what `explore` is
 * for. `finds` names the expectation(s) the sweep exists to break (as written under `expect:`); the others must hold
 * on every seed. The scenario's own `seed` is one that breaks them.
 */
const sweepInput = z.strictObject({
  finds: z.union([name, z.array(name).min(1, "must name at least one expectation")], {
    error: "must name the expectation the sweep finds broken (e.g. noLostAcknowledgedWrites), or a list of them",
  }),
});

export const scenarioInput = z.strictObject({
  name,
  description: z.string({ error: "must be a string explaining the incident" }).min(1, "must not be empty"),
  /** Default seed when `--seed` is not given (default 1): an integer, the same rule as `--seed` (src/common/seed.ts). */
  seed: z.custom<number>(isSeed, { error: (issue) => `${SEED_RULE} (got ${shown(issue.input)})` }).optional(),
  /** Simulated time to run (required). */
  duration,
  /**
   * The liveness phase after `duration`: faults stop, producers stop sending, and the run goes on up to this long
   * until the cluster has converged, or fails with "did not converge". Default 60s when the scenario has faults, off
   * without; `none` turns it off (a scenario that shows a permanent outage).
   */
  liveness: livenessInput.optional(),
  cluster: clusterInput.optional(),
  network: networkInput.optional(),
  /** The hosts' resources (capacity.ts): NIC bandwidth. Off unless set. */
  capacity: capacityInput.optional(),
  clients: z.array(clientInput).max(1_000, "must list at most 1,000 clients").optional(),
  demo: demoInput.optional(),
  faults: listOf(faultInput, "faults").optional(),
  randomFaults: randomFaultsInput.optional(),
  expect: z.array(expectationInput).max(100, "must list at most 100 expectations").optional(),
  sweep: sweepInput.optional(),
  simulator: simulatorInput.optional(),
});
export type ScenarioInput = z.infer<typeof scenarioInput>;

import { formatDuration } from "../common/duration.js";
import { nearest } from "../common/suggest.js";
import type { RunBound } from "./runBound.js";
import type { AdminOp } from "../kafka/client/admin/adminClient.js";
import { BROKER_CONFIG, DYNAMIC_BROKER_CONFIGS, TOPIC_CONFIG } from "../kafka/config/brokerConfig.js";
import type { FaultInput } from "./schema.js";
import { FAULT_VERBS } from "./schema.js";

type Fail = (path: string, problem: string) => never;

/** The fault verbs that are admin calls (made by the scenario's admin client, not by the fault injector). */
export const ADMIN_VERBS = ["deleteRecords", "alterConfig", "reassign", "addPartitions"] as const;

/** What an admin entry is checked against: the cluster's topics (with internal ones) and broker names. */
export interface AdminCluster {
  topics: { name: string; partitions: number }[];
  brokers: string[];
}

/** The actor that makes the scenario's admin calls (DeleteRecords, IncrementalAlterConfigs, AlterPartitionReassignments, CreatePartitions). */
export const ADMIN_CLIENT = "admin";

/**
 * A `deleteRecords` entry (a known topic-partition and an offset ≥ -1; the schema checked its shape) or an
 * `alterConfig` entry (a topic of the scenario, and a key and value TOPIC_CONFIG accepts; null removes the override).
 */
export function resolveAdminOp(f: FaultInput, p: string, run: RunBound, cluster: AdminCluster, fail: Fail): AdminOp {
  const { topics, brokers } = cluster;
  const verbs = FAULT_VERBS.filter((v) => f[v] !== undefined);
  if (verbs.length !== 1) fail(p, `needs exactly one of ${FAULT_VERBS.join(", ")} (got ${verbs.join(" and ")})`);
  const verb = verbs[0];
  if (f.for !== undefined) fail(`${p}.for`, `does not apply to ${verb}`);
  // An admin call is made at a time; trace-event triggers (on:, until:, delay:) are for faults.
  if (f.on !== undefined) fail(`${p}.on`, `does not apply to ${verb} (an admin call is made at a time: give at:)`);
  if (f.until !== undefined) fail(`${p}.until`, `does not apply to ${verb}`);
  if (f.delay !== undefined) fail(`${p}.delay`, `does not apply to ${verb}`);
  if (f.at === undefined) fail(p, "needs at: <time> (when the admin call is made)");
  if (f.at > run.ms) fail(`${p}.at`, `must be within the run (${run.text}); got ${formatDuration(f.at)}`);
  if (f.alterConfig !== undefined && f.alterConfig.broker !== undefined) return resolveBrokerAlterConfig(f.alterConfig, `${p}.alterConfig`, f.at, brokers, fail);
  if (f.alterConfig !== undefined) {
    const a = f.alterConfig;
    if (a.topic === undefined) fail(`${p}.alterConfig`, 'needs topic: <name> (a topic config) or broker: <N | "all"> (a dynamic broker config)');
    // Kafka's internal topics take configs too, but the model fixes theirs (offsets and transaction state).
    if (!topics.some((t) => t.name === a.topic && !t.name.startsWith("__")))
      fail(`${p}.alterConfig.topic`, `"${a.topic}" is not a topic of the scenario (topics: ${topics.filter((t) => !t.name.startsWith("__")).map((t) => t.name).join(", ") || "none"})`);
    if (!TOPIC_CONFIG.key(a.key)) fail(`${p}.alterConfig.key`, `"${a.key}" is not a topic config the model has (topic configs: ${TOPIC_CONFIG.names().join(", ")})`);
    if (a.value !== null) {
      const problems = TOPIC_CONFIG.validate({ [a.key]: a.value });
      if (problems.length > 0) fail(`${p}.alterConfig.value`, problems[0].message);
    }
    return { atMs: f.at, op: "alterConfig", topic: a.topic, key: a.key, value: a.value };
  }
  if (f.reassign !== undefined) return resolveReassign(f.reassign, `${p}.reassign`, f.at, cluster, fail);
  if (f.addPartitions !== undefined) return resolveAddPartitions(f.addPartitions, `${p}.addPartitions`, f.at, cluster, fail);
  const d = f.deleteRecords!;
  const m = /^(.+)-(\d+)$/.exec(d.partition);
  const topic = m ? topics.find((t) => t.name === m[1]) : undefined;
  if (!m || !topic || Number(m[2]) >= topic.partitions) {
    const known = topics.map((t) => (t.partitions === 1 ? `${t.name}-0` : `${t.name}-0..${t.partitions - 1}`)).join(", ");
    fail(`${p}.deleteRecords.partition`, `"${d.partition}" is not a partition of the cluster (partitions: ${known || "none"})`);
  }
  return { atMs: f.at, op: "deleteRecords", topic: m![1], partition: Number(m![2]), offset: d.offset };
}


/**
 * An `alterConfig` entry for a BROKER resource: `broker` is N or broker-N (that broker's per-broker config) or
 * "all" / "" (the cluster default); the key must be a broker config Kafka updates dynamically
 * (DYNAMIC_BROKER_CONFIGS; a static one exits 2 here, where Kafka's broker would answer INVALID_REQUEST) and the
 * value one it accepts.
 */
function resolveBrokerAlterConfig(a: NonNullable<FaultInput["alterConfig"]>, p: string, atMs: number, brokers: string[], fail: Fail): AdminOp {
  if (a.topic !== undefined) fail(p, "takes topic: (a topic config) or broker: (a broker config), not both");
  const b = a.broker!;
  // A BROKER resource is named by the broker id as a string ("3"), as Kafka's ConfigResource has it; 3 and broker-3 too.
  const name = b === "all" || b === "" ? "" : typeof b === "number" || /^\d+$/.test(b) ? `broker-${b}` : b;
  if (name !== "" && !brokers.includes(name))
    fail(`${p}.broker`, `${JSON.stringify(b)} is not a broker of the cluster (brokers: ${brokers.map((x) => x.slice("broker-".length)).join(", ") || "none"}, or "all" for the cluster default)`);
  if (!BROKER_CONFIG.key(a.key)) {
    const near = nearest(a.key, [...DYNAMIC_BROKER_CONFIGS]);
    fail(`${p}.key`, `"${a.key}" is not a broker config the model has${near ? `; did you mean "${near}"?` : ""} (dynamic broker configs: ${[...DYNAMIC_BROKER_CONFIGS].join(", ")})`);
  }
  // Kafka's broker would refuse it (INVALID_REQUEST, "Cannot update these configs dynamically"): in a scenario that
  // is a mistake to say up front, with the keys that can change at run time.
  if (!DYNAMIC_BROKER_CONFIGS.includes(a.key))
    fail(`${p}.key`, `"${a.key}" is a static broker config: Kafka does not update it at run time (set it under cluster.config; dynamic broker configs: ${DYNAMIC_BROKER_CONFIGS.join(", ")})`);
  if (a.value !== null) {
    const problems = BROKER_CONFIG.validate({ [a.key]: a.value });
    if (problems.length > 0) fail(`${p}.value`, problems[0].message);
  }
  return { atMs, op: "alterConfig", topic: "", broker: name, key: a.key, value: a.value };
}

/**
 * A `reassign` entry: a partition of the scenario's own topics and a non-empty list of its brokers (by number or
 * name), none twice. The replication factor may change (Kafka allows it); the controller checks again at run time.
 */
function resolveReassign(r: NonNullable<FaultInput["reassign"]>, p: string, atMs: number, cluster: AdminCluster, fail: Fail): AdminOp {
  const topics = cluster.topics.filter((t) => !t.name.startsWith("__"));
  const m = /^(.+)-(\d+)$/.exec(r.partition);
  const topic = m ? topics.find((t) => t.name === m[1]) : undefined;
  if (!m || !topic || Number(m[2]) >= topic.partitions) {
    const known = topics.map((t) => (t.partitions === 1 ? `${t.name}-0` : `${t.name}-0..${t.partitions - 1}`)).join(", ");
    fail(`${p}.partition`, `"${r.partition}" is not a partition of the scenario's topics (partitions: ${known || "none"})`);
  }
  if (r.replicas.length === 0) fail(`${p}.replicas`, "must name at least one broker");
  const replicas = r.replicas.map((b, i) => {
    const name = typeof b === "number" ? `broker-${b}` : b;
    if (!cluster.brokers.includes(name)) fail(`${p}.replicas[${i}]`, `${JSON.stringify(b)} is not a broker of the cluster (brokers: ${cluster.brokers.map((x) => x.slice("broker-".length)).join(", ")})`);
    return name;
  });
  const dup = replicas.findIndex((b, i) => replicas.indexOf(b) !== i);
  if (dup >= 0) fail(`${p}.replicas[${dup}]`, `${replicas[dup]} is listed twice`);
  return { atMs, op: "reassign", topic: m![1], partition: Number(m![2]), replicas };
}

/**
 * An `addPartitions` entry: a topic of the scenario's own (Kafka's internal topics are left alone) and a count above
 * the partitions it is created with. Kafka's controller answers INVALID_PARTITIONS to a count that is no increase;
 * the scenario knows the topic's first count, so that mistake exits 2 here. A count at or below an earlier
 * addPartitions' of the same topic is left to the controller (the earlier call may fail), whose INVALID_PARTITIONS
 * then shows in the trace (`admin.create-partitions`).
 */
function resolveAddPartitions(a: NonNullable<FaultInput["addPartitions"]>, p: string, atMs: number, cluster: AdminCluster, fail: Fail): AdminOp {
  const topics = cluster.topics.filter((t) => !t.name.startsWith("__"));
  const topic = topics.find((t) => t.name === a.topic);
  if (!topic) fail(`${p}.topic`, `"${a.topic}" is not a topic of the scenario (topics: ${topics.map((t) => t.name).join(", ") || "none"})`);
  if (a.count <= topic!.partitions)
    fail(`${p}.count`, `must be more than the ${topic!.partitions} partition(s) ${a.topic} is created with (partitions can only be added; Kafka answers INVALID_PARTITIONS); got ${a.count}`);
  return { atMs, op: "addPartitions", topic: a.topic, count: a.count };
}

/**
 * One line for an admin call in a run's fault list, with the Kafka Admin API it is (`createPartitions orders to 6
 * partitions`). Shapes: an AdminOp as resolved; no errors.
 */
export function describeAdminOp(op: AdminOp): string {
  switch (op.op) {
    case "addPartitions":
      return `admin createPartitions ${op.topic} to ${op.count} partitions`;
    case "reassign":
      return `admin alterPartitionReassignments ${op.topic}-${op.partition} to [${op.replicas.join(", ")}]`;
    case "deleteRecords":
      return `admin deleteRecords ${op.topic}-${op.partition} before ${op.offset < 0 ? "the high watermark" : `offset ${op.offset}`}`;
    case "alterConfig": {
      const resource = op.broker === undefined ? `topic ${op.topic}` : op.broker === "" ? "cluster default (all brokers)" : `broker ${op.broker}`;
      return `admin incrementalAlterConfigs ${resource}: ${op.value === null ? `delete ${op.key}` : `${op.key}=${op.value}`}`;
    }
  }
}

import { runBound, type ResolveOptions, type RunBound } from "./runBound.js";
import { formatDuration, parseDurationMs } from "../common/duration.js";
import { resolveCapacity } from "./capacity.js";
import type { z } from "zod";
import YAML from "yaml";
import type { ConfigDef } from "../kafka/config/configDef.js";
import { BROKER_CONFIG, TOPIC_CONFIG } from "../kafka/config/brokerConfig.js";
import { brokerConfigConflicts, topicConfigConflicts } from "../kafka/config/brokerConfigConflicts.js";
import { hasCollision } from "../kafka/config/topicName.js";
import { magicOfMessageFormatVersion } from "../kafka/log/recordSize.js";
import { CONSUMER_CONFIG, consumerConfigConflicts, consumerSettings } from "../kafka/config/consumerConfig.js";
import { PRODUCER_CONFIG } from "../kafka/config/producerConfig.js";
import { producerConfigConflicts, producerSettings } from "../kafka/config/producerSettings.js";
import { actorsNamed, DEFAULT_LINK, DEFAULT_TCP_USER_TIMEOUT_US, type FaultOp, type FaultTrigger, fitsKind, GENERATED_KINDS, type LatencyModel, type LinkBehaviour, matchableKind } from "../sim/index.js";
import type { AdminOp } from "../kafka/client/admin/adminClient.js";
import { ADMIN_CLIENT, ADMIN_VERBS, resolveAdminOp } from "./adminOps.js";

export { ADMIN_CLIENT };
import { formatKey, ScenarioError, withMoreCount } from "./errors.js";
import { noOpInverses } from "./noOpInverses.js";
import { isKafkaRole, isReservedActorName, RESERVED_ACTOR_NAMES } from "./kafkaRoles.js";
import type { FaultInput, LatencyInput, ScenarioInput } from "./schema.js";
import { consumerWorkloadInput, FAULT_VERBS, producerWorkloadInput, transactionalWorkloadInput } from "./schema.js";
import { HOLDABLE_APIS, messageTypesOfApi, TRACE_EVENTS } from "./traceEventRegistry.js";
import { describeIssues } from "./zodIssues.js";
import type { Expectation, ResolvedClient, ResolvedDemo, ResolvedScenario, ResolvedTopic } from "./resolved.js";

const us = (ms: number) => Math.round(ms * 1000);

export function latencyModel(l: LatencyInput): LatencyModel {
  switch (l.model) {
    case "constant":
      return { model: "constant", valueUs: us(l.value) };
    case "uniform":
      return { model: "uniform", minUs: us(l.min), maxUs: us(l.max) };
    case "normal":
      return { model: "normal", meanUs: us(l.mean), stddevUs: us(l.stddev) };
    case "lognormal":
      return { model: "lognormal", medianUs: us(l.median), sigma: l.sigma };
    case "pareto":
      return { model: "pareto", scaleUs: us(l.scale), shape: l.shape };
  }
}

/** Turns validated YAML input into the resolved scenario, checking everything that spans fields. */
export function resolveScenario(input: ScenarioInput, file: string, options: ResolveOptions = {}): ResolvedScenario {
  const fail = (path: string, problem: string, more: readonly { path: string; problem: string }[] = []): never => {
    throw new ScenarioError(file, path, withMoreCount(problem, more.length), more);
  };
  const durationMs = input.duration;
  if (durationMs <= 0) fail("duration", "must be longer than 0");
  // Times must fall within the run: the file's duration, or a longer `--duration` the run is given.
  const run = runBound(durationMs, options.runDurationMs);

  // Cluster.
  const c = input.cluster ?? {};
  const brokerCount = c.brokers ?? 0;
  const controllerCount = c.controllers ?? (brokerCount > 0 ? 3 : 0);
  if (brokerCount > 0 && controllerCount === 0) fail("cluster.controllers", "must be ≥ 1 when there are brokers (KRaft needs a controller quorum)");
  const brokers = Array.from({ length: brokerCount }, (_, i) => `broker-${i + 1}`);
  const controllers = Array.from({ length: controllerCount }, (_, i) => `controller-${i + 1}`);
  // Kafka keys that change nothing in the model, accepted: a warning for each config block that sets some.
  const ignoredConfig: string[] = [];
  const brokerUser = c.config ?? {};
  checkConfig(BROKER_CONFIG, brokerUser, "cluster.config", fail, ignoredConfig);
  const brokerConfig = BROKER_CONFIG.resolve(brokerUser);
  for (const conflict of brokerConfigConflicts(brokerConfig, new Set(Object.keys(brokerUser)))) fail(`cluster.config.${formatKey(conflict.key)}`, conflict.message);
  const topics: ResolvedTopic[] = [];
  const topicNames = new Set<string>();
  (c.topics ?? []).forEach((t, i) => {
    const p = `cluster.topics[${i}]`;
    if (topicNames.has(t.name)) fail(`${p}.name`, `duplicate topic "${t.name}"`);
    if (t.name.startsWith("__")) fail(`${p}.name`, "names starting with __ are Kafka's internal topics");
    // The rest of Kafka's Topic.validate ("", ".", "..", length, characters) is the schema's (kafka/config/topicName.ts).
    // Kafka's Topic.hasCollision: metric names replace "." with "_", so two such topics are refused (InvalidTopicException).
    const collides = [...topicNames].find((o) => hasCollision(o, t.name));
    if (collides !== undefined) fail(`${p}.name`, `"${t.name}" and "${collides}" collide: Kafka treats "." and "_" in topic names as the same (their metrics names would clash); rename one`);
    topicNames.add(t.name);
    const rf = t.replicationFactor ?? brokerConfig["default.replication.factor"];
    if (brokerCount === 0) fail(`${p}`, "topics need brokers: set cluster.brokers");
    if (rf > brokerCount)
      fail(`${p}.replicationFactor`, `must be at most the number of brokers (${brokerCount}); got ${rf}`);
    checkConfig(TOPIC_CONFIG, t.config ?? {}, `${p}.config`, fail, ignoredConfig);
    const overrides = TOPIC_CONFIG.overrides(t.config ?? {});
    for (const conflict of topicConfigConflicts(overrides, brokerConfig)) fail(conflict.broker ? `cluster.config.${formatKey(conflict.key)}` : `${p}.config.${formatKey(conflict.key)}`, conflict.message);
    topics.push({ name: t.name, partitions: t.partitions, replicationFactor: rf, config: overrides });
  });

  // Actors and their names.
  const actorNames = new Set<string>([...brokers, ...controllers]);
  const addActor = (n: string, path: string) => {
    // A fault target is an actor's name or a role resolved when the fault fires (kafkaRoles.ts), and the history's
    // metadata-monitor is a process of its own: an actor named like one of them would be ambiguous.
    if (isReservedActorName(n)) fail(path, `"${n}" is reserved: ${RESERVED_ACTOR_NAMES}; choose another name`);
    if (actorNames.has(n)) fail(path, `actor name "${n}" is used twice (brokers are broker-1..N, controllers controller-1..N)`);
    actorNames.add(n);
  };
  const demo = resolveDemo(input, addActor, fail);
  // Nothing would run: almost certainly a file cut short, so say so rather than report an empty success.
  if (brokerCount === 0 && actorNames.size === 0 && (input.clients ?? []).length === 0)
    fail(input.cluster ? "cluster.brokers" : "cluster", "the scenario has nothing to simulate: give cluster.brokers (and topics, clients) or a demo");
  const clients: ResolvedClient[] = [];
  (input.clients ?? []).forEach((cl, i) => {
    const p = `clients[${i}]`;
    addActor(cl.id, `${p}.id`);
    const user = cl.config ?? {};
    const explicit = new Set(Object.keys(user));
    const startMs = cl.start ?? 0;
    const stopMs = cl.stop ?? null;
    if (startMs >= run.ms) fail(`${p}.start`, `must be before the end of the run (${run.text})`);
    if (stopMs !== null && stopMs <= startMs) fail(`${p}.stop`, "must be after start");
    const knownTopic = (topic: string, path: string) => {
      const t = topics.find((x) => x.name === topic);
      if (!t) fail(path, `unknown topic "${topic}" (topics: ${[...topicNames].join(", ") || "none"})`);
      return t!;
    };
    if (cl.kind === "consumer") {
      checkConfig(CONSUMER_CONFIG, user, `${p}.config`, fail, ignoredConfig);
      const config = CONSUMER_CONFIG.resolve(user);
      for (const conflict of consumerConfigConflicts(config, explicit, user)) fail(`${p}.config.${conflict.key}`, conflict.message);
      const w = parseWith(consumerWorkloadInput, cl.workload, [...clientPath(i), "workload"], file);
      const groupId = config["group.id"];
      if ((w.assign === undefined) === (w.subscribe === undefined)) fail(`${p}.workload`, "needs exactly one of assign: {topic, partitions} or subscribe: [topics]");
      // A perf-test consumer is told to use assign: first; asking it for a group.id would lead the wrong way.
      // An idle consumer polls again pollInterval later: 0 polls forever at one instant (a livelock, exit 1, after
      // the whole event budget), as pollTimeout: 0s would.
      if (w.pollInterval !== undefined && w.pollInterval <= 0) fail(`${p}.workload.pollInterval`, "must be a duration > 0 (e.g. 100ms)");
      if (w.perfTest && w.subscribe) fail(`${p}.workload.perfTest`, "a perf-test consumer reads assigned partitions: use assign: {topic}, not subscribe:");
      if (w.subscribe && groupId === null) fail(`${p}.workload.subscribe`, "subscribe needs a group.id in the consumer config (or use assign:)");
      if (w.assign) {
        for (const k of ["processing", "commit", "output"] as const) if (w[k] !== undefined) fail(`${p}.workload.${k}`, "is for subscribe: consumers in a group");
        if (w.pollTimeout !== undefined && w.pollInterval !== undefined) fail(`${p}.workload.pollTimeout`, "replaces pollInterval (a blocking poll(Duration) loop); give one of them");
        if (w.pollTimeout !== undefined && w.pollTimeout <= 0) fail(`${p}.workload.pollTimeout`, "must be a duration > 0 (e.g. 100ms)");
        if (w.perfTest && groupId !== null) fail(`${p}.workload.perfTest`, "a perf-test consumer assigns its partitions: leave group.id out of its config");
        const topic = knownTopic(w.assign.topic, `${p}.workload.assign.topic`);
        w.assign.partitions?.forEach((part, j) => {
          if (part >= topic.partitions) fail(`${p}.workload.assign.partitions[${j}]`, `topic "${topic.name}" has partitions 0..${topic.partitions - 1}; got ${part}`);
        });
        clients.push({ id: cl.id, kind: "consumer", startMs, stopMs, settings: consumerSettings(config, explicit), workload: { topic: w.assign.topic, partitions: w.assign.partitions ?? null, pollIntervalMs: w.pollInterval ?? 100, pollTimeoutMs: w.pollTimeout ?? null, ...(w.perfTest ? { perfTest: true } : {}) } });
        return;
      }
      if (w.pollTimeout !== undefined) fail(`${p}.workload.pollTimeout`, "is for assign: consumers for now (a group member polls every pollInterval)");
      w.subscribe!.forEach((t, j) => knownTopic(t, `${p}.workload.subscribe[${j}]`));
      const autoCommit = config["enable.auto.commit"];
      const commit = w.commit ?? (autoCommit ? "auto" : "sync");
      if (commit === "auto" && !autoCommit) fail(`${p}.workload.commit`, "auto needs enable.auto.commit: true");
      if (commit !== "auto" && autoCommit && w.commit !== undefined && explicit.has("enable.auto.commit")) fail(`${p}.workload.commit`, `${commit} with enable.auto.commit: true would commit twice; set enable.auto.commit: false`);
      if (w.output) {
        knownTopic(w.output.topic, `${p}.workload.output.topic`);
        if (autoCommit) fail(`${p}.config.enable.auto.commit`, "must be false for read-process-write: offsets are committed with the transaction");
        if (w.commit !== undefined) fail(`${p}.workload.commit`, "read-process-write commits offsets with its transactions (sendOffsetsToTransaction); leave commit out");
      }
      const model = (v: number | LatencyInput | undefined, path: string): LatencyModel | null => {
        if (v === undefined) return null;
        if (typeof v === "number") return { model: "constant", valueUs: Math.round(v * 1000) };
        checkLatency(v, path, fail);
        return latencyModel(v);
      };
      const pr = w.processing ?? {};
      clients.push({
        id: cl.id,
        kind: "group-consumer",
        startMs,
        stopMs,
        settings: consumerSettings(config, explicit),
        outputProducer: w.output ? producerSettings(PRODUCER_CONFIG.resolve({ "transactional.id": w.output["transactional.id"] }), new Set(["transactional.id"])) : null,
        workload: {
          topics: w.subscribe!,
          pollIntervalMs: w.pollInterval ?? 100,
          perRecord: model(pr.perRecord, `${p}.workload.processing.perRecord`),
          perPoll: model(pr.perPoll, `${p}.workload.processing.perPoll`),
          stall: pr.stall ? { atMs: pr.stall.at, forMs: pr.stall.for } : null,
          commit: w.output ? "sync" : commit,
          output: w.output ? { topic: w.output.topic, transactionalId: w.output["transactional.id"] } : null,
        },
      });
      return;
    }
    checkConfig(PRODUCER_CONFIG, user, `${p}.config`, fail, ignoredConfig);
    const config = PRODUCER_CONFIG.resolve(user);
    for (const conflict of producerConfigConflicts(config, explicit)) fail(`${p}.config.${conflict.key}`, conflict.message);
    const transactionalId = config["transactional.id"];
    const wantsTxn = cl.workload !== null && typeof cl.workload === "object" && "transactions" in (cl.workload as object);
    if (transactionalId !== null && !wantsTxn) fail(`${p}.workload`, "a producer with a transactional.id needs a transactions: { topic, ... } workload");
    if (transactionalId === null && wantsTxn) fail(`${p}.config`, "a transactions: workload needs a transactional.id in the producer config");
    if (wantsTxn) {
      const t = parseWith(transactionalWorkloadInput, cl.workload, [...clientPath(i), "workload"], file).transactions;
      knownTopic(t.topic, `${p}.workload.transactions.topic`);
      const keys = t.keys ?? { distribution: "uniform" as const };
      clients.push({
        id: cl.id,
        kind: "transactional-producer",
        startMs,
        stopMs,
        settings: producerSettings(config, explicit),
        workload: {
          topic: t.topic,
          recordsPerTransaction: t.recordsPerTransaction ?? 5,
          everyMs: t.every ?? 200,
          abortRatio: t.abortRatio ?? 0,
          keys: { distribution: keys.distribution, count: keys.count ?? 100, hotShare: keys.hotShare ?? 0.9 },
          valueSize: t.valueSize ?? 100,
          app: t.app ?? transactionalId!,
          openForMs: t.openFor ?? 20,
          sendEveryMs: t.sendEvery ?? 0,
          offsetsGroup: t.offsets?.group ?? null,
        },
      });
      return;
    }
    const w = parseWith(producerWorkloadInput, cl.workload, [...clientPath(i), "workload"], file);
    const topic = knownTopic(w.topic, `${p}.workload.topic`);
    if (w.partition !== undefined && w.partition >= topic.partitions)
      fail(`${p}.workload.partition`, `topic "${w.topic}" has partitions 0..${topic.partitions - 1}; got ${w.partition}`);
    const keys = w.keys ?? { distribution: "uniform" as const };
    if ((w.tombstoneRatio ?? 0) > 0 && keys.distribution === "none")
      fail(`${p}.workload.tombstoneRatio`, "a tombstone deletes a key: tombstones need keys (keys.distribution uniform, hot or fixed, not none)");
    if (w.pacing === "even" && (w.rate === undefined || w.rate === "max")) fail(`${p}.workload.pacing`, 'even pacing spaces sends at a fixed rate: give rate: records per second (not "max")');
    if (w.perfTest && keys.distribution !== "none") fail(`${p}.workload.keys`, "a perf-test producer sends keyless records, as kafka-producer-perf-test does: set keys: {distribution: none}");
    // Topics whose message.format.version is legacy: the producer writes them as MessageSets of that magic.
    const legacyMessageFormat: Record<string, 0 | 1> = {};
    for (const t of topics) {
      const magic = magicOfMessageFormatVersion(t.config["message.format.version"] ?? brokerConfig["log.message.format.version"]);
      if (magic < 2) legacyMessageFormat[t.name] = magic as 0 | 1;
    }
    clients.push({
      id: cl.id,
      kind: "producer",
      startMs,
      stopMs,
      settings: Object.keys(legacyMessageFormat).length > 0 ? { ...producerSettings(config, explicit), legacyMessageFormat } : producerSettings(config, explicit),
      workload: {
        topic: w.topic,
        ratePerSec: w.rate === "max" ? Infinity : (w.rate ?? 100),
        keys: { distribution: keys.distribution, count: keys.count ?? 100, hotShare: keys.hotShare ?? 0.9 },
        valueSize: w.valueSize ?? 100,
        records: w.records ?? null,
        partition: w.partition ?? null,
        tombstoneRatio: w.tombstoneRatio ?? 0,
        ...(w.perfTest ? { perfTest: true } : {}),
        ...(w.pacing === "even" ? { pacing: "even" as const } : {}),
      },
    });
  });

  const transactional = clients.some((cl) => cl.kind === "transactional-producer" || (cl.kind === "group-consumer" && cl.workload.output !== null));
  const usesGroups = clients.some((cl) => (cl.kind === "transactional-producer" && cl.workload.offsetsGroup !== null) || (cl.kind === "consumer" && cl.settings.groupId !== null) || cl.kind === "group-consumer");
  if (usesGroups) {
    const orf = brokerConfig["offsets.topic.replication.factor"];
    if (orf > brokerCount) fail("cluster.config.offsets.topic.replication.factor", `must be at most the number of brokers (${brokerCount}) for __consumer_offsets to be created; got ${orf}`);
  }
  if (transactional) {
    const rf = brokerConfig["transaction.state.log.replication.factor"];
    if (rf > brokerCount)
      fail("cluster.config.transaction.state.log.replication.factor", `must be at most the number of brokers (${brokerCount}) for __transaction_state to be created; got ${rf}`);
  }

  // Network.
  const n = input.network ?? {};
  const defaults: LinkBehaviour = {
    latency: n.latency ? latencyModel(n.latency) : DEFAULT_LINK.latency,
    lossRate: n.loss ?? 0,
    duplicateRate: n.duplicate ?? 0,
    reorderRate: n.reorder ?? 0,
  };
  if (n.latency) checkLatency(n.latency, "network.latency", fail);
  const links: ResolvedScenario["network"]["links"] = [];
  (n.links ?? []).forEach((l, i) => {
    const p = `network.links[${i}]`;
    const behaviour: Partial<LinkBehaviour> = {};
    if (l.latency) {
      checkLatency(l.latency, `${p}.latency`, fail);
      behaviour.latency = latencyModel(l.latency);
    }
    if (l.loss !== undefined) behaviour.lossRate = l.loss;
    if (l.duplicate !== undefined) behaviour.duplicateRate = l.duplicate;
    if (l.reorder !== undefined) behaviour.reorderRate = l.reorder;
    const known = (a: string, path: string) => {
      if (!actorNames.has(a)) fail(path, unknownActor(a, actorNames));
    };
    if (l.between) {
      if (l.from || l.to) fail(p, "use either between: [a, b] or from/to, not both");
      known(l.between[0], `${p}.between[0]`);
      known(l.between[1], `${p}.between[1]`);
      links.push({ from: l.between[0], to: l.between[1], behaviour }, { from: l.between[1], to: l.between[0], behaviour });
    } else if (l.from && l.to) {
      known(l.from, `${p}.from`);
      known(l.to, `${p}.to`);
      links.push({ from: l.from, to: l.to, behaviour });
    } else fail(p, "needs between: [a, b] or both from and to");
  });

  // Faults.
  // Fault targets may also be roles resolved when the fault fires (active-controller, leader:<topic>-<p>).
  const targets = new Set(actorNames);
  // The internal topics may be targeted too (leader:__consumer_offsets-0 is a group coordinator).
  const internal = [
    ...(usesGroups ? [{ name: "__consumer_offsets", partitions: brokerConfig["offsets.topic.num.partitions"] }] : []),
    ...(transactional ? [{ name: "__transaction_state", partitions: brokerConfig["transaction.state.log.num.partitions"] }] : []),
  ];
  const created = [...topics, ...internal];
  // A partition an addPartitions entry creates may be named by the faults and admin calls at or after its time
  // (an entry without at:, fired by a trace event, may name any partition some addPartitions creates).
  const grown = (f: { at?: number }) => topicsAfterAddPartitions(created, input.faults ?? [], f.at ?? Infinity);
  const faults: FaultOp[] = [];
  const faultPaths: string[] = [];
  const adminOps: AdminOp[] = [];
  (input.faults ?? []).forEach((f, i) => {
    if (ADMIN_VERBS.some((v) => f[v] !== undefined))
      adminOps.push(resolveAdminOp(f, `faults[${i}]`, run, { topics: f.addPartitions ? created : grown(f), brokers }, fail));
    else {
      faults.push(resolveFault(f, `faults[${i}]`, run, targets, (n) => brokerCount > 0 && isKafkaRole(n, grown(f)), fail, brokers));
      faultPaths.push(`faults[${i}]`);
    }
  });
  if (adminOps.length > 0 && actorNames.has(ADMIN_CLIENT))
    fail("faults", `deleteRecords, alterConfig, reassign and addPartitions are made by an admin client named "${ADMIN_CLIENT}", which is already an actor's name: rename that actor`);

  // Random faults.
  let randomFaults: ResolvedScenario["randomFaults"] = null;
  if (input.randomFaults) {
    const r = input.randomFaults;
    const nodes = r.nodes ?? [...brokers, ...controllers];
    r.nodes?.forEach((a, i) => {
      if (!actorNames.has(a)) fail(`randomFaults.nodes[${i}]`, unknownActor(a, actorNames));
    });
    if (nodes.length === 0) fail("randomFaults.nodes", "no actors to fault: list some");
    // boundOutages never takes one node down twice at once, so more than the distinct nodes can never be down.
    const distinct = [...new Set(nodes)];
    if (r.maxDown !== undefined && r.maxDown > distinct.length)
      fail("randomFaults.maxDown", `must be at most ${distinct.length}, the number of nodes the faults may take down (${distinct.join(", ")}) (got ${r.maxDown})`);
    const count = typeof r.count === "number" ? { min: r.count, max: r.count } : (r.count ?? { min: 1, max: 4 });
    if (count.max < count.min) fail("randomFaults.count", "max must be ≥ min");
    const fromMs = r.from ?? durationMs * 0.1;
    const untilMs = r.until ?? durationMs * 0.7;
    if (untilMs < fromMs) fail("randomFaults.until", "must not be before from");
    if (untilMs > run.ms) fail("randomFaults.until", `must be within the run (${run.text})`);
    const dur = r.duration ?? { min: 1000, max: 10000 };
    if (dur.max < dur.min) fail("randomFaults.duration", "max must be ≥ min");
    randomFaults = {
      nodes,
      kinds: r.kinds ?? [...GENERATED_KINDS],
      count,
      fromMs,
      untilMs,
      durationMs: dur,
      maxDown: r.maxDown ?? 1,
      loseUnflushed: r.loseUnflushed ?? false,
    };
  }

  const noOp = noOpInverses(faults, actorNames, randomFaults?.nodes ?? [], faultPaths)[0];
  if (noOp) fail(`${faultPaths[noOp.index]}.${faults[noOp.index].op}`, noOp.message);

  // A timed fault whose for: reaches past the run's end: it is run (it lasts to the end), but not as written.
  const livenessMs = input.liveness === undefined ? (brokers.length > 0 && (faults.length > 0 || adminOps.length > 0 || randomFaults !== null) ? DEFAULT_LIVENESS_MS : null) : input.liveness;
  const warnings: string[] = [...ignoredConfig];
  (input.faults ?? []).forEach((f, i) => {
    if (f.for === undefined || f.on !== undefined || (f.at ?? 0) + f.for <= run.ms) return;
    const undone = livenessMs !== null ? "the liveness phase undoes it when the run ends" : "it is never undone (liveness: none)";
    warnings.push(`faults[${i}].for: ${formatDuration(f.for)} from ${formatDuration(f.at ?? 0)} reaches past the end of the run (${run.text}); the fault lasts to the end and ${undone}`);
  });
  const expect = (input.expect ?? []).map((e, i) => parseExpectation(e, `expect[${i}]`, fail));
  // "none" holds when the check finds nothing, "some" when it finds something: the same check with the same
  // parameters both ways fails every run, whatever it does.
  expect.forEach((e, j) => {
    const opposite = expect.slice(0, j).find((o) => o.check === e.check && o.mode !== e.mode && JSON.stringify(o.params) === JSON.stringify(e.params));
    if (opposite) fail(e.path, `"${e.label}" and ${opposite.path} "${opposite.label}" cannot both hold (one expects no findings, the other some); keep one`);
  });
  if (input.liveness != null && brokers.length === 0) fail("liveness", 'the liveness phase waits for a Kafka cluster to converge, and this scenario has no brokers (remove it, or write "none")');
  const sweep = resolveSweep(input, expect, fail);

  return {
    file,
    sets: [],
    name: input.name,
    description: input.description.trim(),
    seed: input.seed ?? 1,
    durationMs,
    // Faults of either kind turn the liveness phase on by default (60s); a fault-free run has nothing to recover from.
    livenessMs,
    maxEvents: input.simulator?.maxEvents ?? 20_000_000,
    maxMemoryMiB: input.simulator?.maxMemoryMiB ?? 2048,
    brokers,
    controllers,
    brokerConfig,
    topics,
    features: { transactionVersion: c.features?.["transaction.version"] ?? 2, eligibleLeaderReplicasVersion: c.features?.["eligible.leader.replicas.version"] ?? 0 },
    transactional,
    usesGroups,
    network: { defaults, links },
    ...(input.capacity ? { capacity: resolveCapacity(input.capacity, [...actorNames], fail, brokers) } : {}),
    clients,
    demo,
    faults,
    adminOps,
    randomFaults,
    expect,
    sweep,
    simulator: {
      legacyHighWatermarkTruncation: input.simulator?.legacyHighWatermarkTruncation ?? false,
      tcpUserTimeoutMs: input.simulator?.tcpUserTimeout ?? DEFAULT_TCP_USER_TIMEOUT_US / 1000,
    },
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

type Fail = (path: string, problem: string, more?: readonly { path: string; problem: string }[]) => never;

/** How long a liveness phase may last when the scenario has faults and does not say (issue 12 item 4). */
export const DEFAULT_LIVENESS_MS = 60_000;

const clientPath = (i: number): PropertyKey[] => ["clients", i];

/** Validates a part of the input whose schema depends on another field (a client's workload by its kind). */
function parseWith<S extends z.ZodType>(schema: S, value: unknown, path: PropertyKey[], file: string): z.infer<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const [first, ...rest] = describeIssues(r.error.issues, schema, path);
  throw new ScenarioError(file, first.path, withMoreCount(first.message, rest.length), rest.map(({ path: at, message }) => ({ path: at, problem: message })));
}

/**
 * Refuses a config block with every problem it has; the Kafka keys it sets that change nothing in the model
 * (`KafkaKeyCatalogue.inert`: bootstrap.servers, serializers, …) are accepted, and `ignored` gets a warning naming them.
 */
function checkConfig(def: ConfigDef, user: Record<string, unknown>, path: string, fail: Fail, ignored: string[]): void {
  // Every problem of the block, not only the first: a user fixing one key at a time would run once per key.
  const [first, ...rest] = def.validate(user).map((p) => ({ ...p, message: p.message + unitHint(p.key, user[p.key]) }));
  if (first) fail(`${path}.${formatKey(first.key)}`, first.message, rest.map((p) => ({ path: `${path}.${formatKey(p.key)}`, problem: p.message })));
  const inert = def.inertKeys(user);
  if (inert.length > 0) ignored.push(`${path}: ${inert.map((k) => `${k.key} has no effect in the model (${k.why})`).join("; ")}`);
}

/**
 * For a Kafka key in milliseconds (`.ms`) given a scenario-style duration such as "45s": what Kafka expects instead,
 * since scenario fields carry units and Kafka's keys do not (`session.timeout.ms: 45s` -> "45000").
 */
function unitHint(key: string, value: unknown): string {
  if (!key.endsWith(".ms") || typeof value !== "string") return "";
  const ms = parseDurationMs(value);
  return ms === null || !Number.isInteger(ms) ? "" : `; Kafka's ${key} is a number of milliseconds: ${ms}`;
}

function checkLatency(l: LatencyInput, path: string, fail: Fail): void {
  if (l.model === "uniform" && l.max < l.min) fail(`${path}.max`, "must be ≥ min");
}

function unknownActor(a: string, known: Set<string>): string {
  return `unknown actor "${a}" (actors: ${[...known].join(", ")})`;
}

function resolveDemo(input: ScenarioInput, addActor: (n: string, p: string) => void, fail: Fail): ResolvedDemo {
  const d = input.demo ?? {};
  const out: ResolvedDemo = { heartbeat: null, lease: null };
  if (d.heartbeat) {
    const h = d.heartbeat;
    addActor(h.monitor, "demo.heartbeat.monitor");
    h.nodes.forEach((n, i) => addActor(n, `demo.heartbeat.nodes[${i}]`));
    if (h.timeout <= 0) fail("demo.heartbeat.timeout", "must be longer than 0");
    out.heartbeat = { monitor: h.monitor, nodes: h.nodes, intervalMs: h.interval, timeoutMs: h.timeout };
  }
  if (d.lease) {
    const l = d.lease;
    addActor(l.store, "demo.lease.store");
    l.nodes.forEach((n, i) => addActor(n, `demo.lease.nodes[${i}]`));
    if (l.lease <= 0) fail("demo.lease.lease", "must be longer than 0");
    if (l.renewEvery <= 0) fail("demo.lease.renewEvery", "must be longer than 0");
    if (l.writeEvery <= 0) fail("demo.lease.writeEvery", "must be longer than 0");
    out.lease = {
      store: l.store,
      nodes: l.nodes,
      leaseMs: l.lease,
      renewEveryMs: l.renewEvery,
      writeEveryMs: l.writeEvery,
      fencingTokens: l.fencingTokens ?? false,
    };
  }
  return out;
}

function resolveFault(f: FaultInput, p: string, run: RunBound, actors: Set<string>, isRole: (n: string) => boolean, fail: Fail, brokers: string[]): FaultOp {
  const verbs = FAULT_VERBS.filter((v) => f[v] !== undefined);
  if (verbs.length !== 1)
    fail(p, `needs exactly one of ${FAULT_VERBS.join(", ")}${verbs.length > 1 ? ` (got ${verbs.join(" and ")})` : ""}`);
  const verb = verbs[0] as Exclude<(typeof FAULT_VERBS)[number], (typeof ADMIN_VERBS)[number]>;
  if (f.at === undefined && f.on === undefined) fail(p, "needs at: <time> or on: <trace event> (or both: on, watching from at)");
  const atMs = f.at ?? 0;
  if (atMs > run.ms) fail(`${p}.at`, `must be within the run (${run.text}); got ${formatDuration(atMs)}`);
  if (f.delay !== undefined && f.on === undefined) fail(`${p}.delay`, "only applies with on: (a timed fault says its time in at:)");
  const forMs = f.for;
  if (f.loseUnflushed !== undefined && verb !== "crash") fail(`${p}.loseUnflushed`, "only applies to crash");
  if (forMs !== undefined && (verb === "restart" || verb === "resume" || verb === "heal"))
    fail(`${p}.for`, `does not apply to ${verb}`);
  if (f.until !== undefined && (verb === "restart" || verb === "resume" || verb === "heal"))
    fail(`${p}.until`, `does not apply to ${verb}`);
  if (f.until !== undefined && forMs !== undefined) fail(`${p}.until`, "give for: or until:, not both");
  // A pause, cut, slowed link or held API undone at the instant it starts does nothing (a crash or shutdown for 0s
  // still restarts the process, losing its memory: that one runs).
  if (forMs === 0 && (verb === "pause" || verb === "isolate" || verb === "partition" || verb === "slow-link" || verb === "hold"))
    fail(`${p}.for`, `must be longer than 0s: this ${verb} for 0s ends as it starts and does nothing (leave for: out to keep it until a later fault undoes it)`);
  const dur = forMs !== undefined ? { forMs } : {};
  const known = (a: string, path: string) => {
    if (!actors.has(a) && !isRole(a)) fail(path, unknownActor(a, actors) + (isRole("active-controller") ? "; roles: active-controller, leader:<topic>-<partition>" : ""));
  };
  let op: FaultOp;
  switch (verb) {
    case "crash":
      op = { atMs, op: "crash", node: f.crash!, ...(f.loseUnflushed ? { loseUnflushed: true } : {}), ...dur };
      break;
    case "replaceDisk": {
      // Only a broker has a log directory to replace: a controller's or a client's is refused here.
      const r = f.replaceDisk!;
      const node = typeof r === "number" ? `broker-${r}` : r;
      if (!brokers.includes(node) && !(node.startsWith("leader:") && isRole(node)))
        fail(`${p}.replaceDisk`, `${JSON.stringify(r)} is not a broker of the cluster (brokers: ${brokers.map((x) => x.slice("broker-".length)).join(", ") || "none"}, by number or name, or a role leader:<topic>-<partition>)`);
      op = { atMs, op: "replace-disk", node, ...dur };
      break;
    }
    case "restart":
      op = { atMs, op: "restart", node: f.restart! };
      break;
    case "shutdown":
      op = { atMs, op: "shutdown", node: f.shutdown!, ...dur };
      break;
    case "pause":
      op = { atMs, op: "pause", node: f.pause!, ...dur };
      break;
    case "resume":
      op = { atMs, op: "resume", node: f.resume! };
      break;
    case "isolate":
      op = { atMs, op: "isolate", node: f.isolate!, ...dur };
      break;
    case "heal":
      op = { atMs, op: "heal" };
      break;
    case "partition": {
      const part = f.partition!;
      if (Array.isArray(part)) {
        part.forEach((g, gi) => g.forEach((a, ai) => known(a, `${p}.partition[${gi}][${ai}]`)));
        const all = part.flat();
        if (new Set(all).size !== all.length) fail(`${p}.partition`, "an actor appears in more than one group");
        // No group cuts nothing: the fault would run and do nothing (an empty group is refused by the schema).
        if (part.length === 0) fail(`${p}.partition`, "must list at least one group ([[broker-1]] cuts broker-1 off from everyone else; [[a], [b, c]] cuts a from b and c)");
        op = { atMs, op: "partition", groups: part, ...dur };
      } else {
        part.from.forEach((a, ai) => known(a, `${p}.partition.from[${ai}]`));
        part.to.forEach((a, ai) => known(a, `${p}.partition.to[${ai}]`));
        op = { atMs, op: "partition-one-way", from: part.from, to: part.to, ...dur };
      }
      break;
    }
    case "slow-link": {
      const s = f["slow-link"]!;
      checkLatency(s.latency, `${p}.slow-link.latency`, fail);
      if (s.between[0] === s.between[1]) fail(`${p}.slow-link.between`, `names "${s.between[0]}" twice: a slow link is between two different actors`);
      op = { atMs, op: "slow-link", between: s.between, latency: latencyModel(s.latency), ...(s.oneWay ? { oneWay: true } : {}), ...dur };
      break;
    }
    case "hold": {
      const h = f.hold!;
      known(h.from, `${p}.hold.from`);
      known(h.to, `${p}.hold.to`);
      if (!HOLDABLE_APIS.includes(h.api)) fail(`${p}.hold.api`, `unknown API "${h.api}" (Kafka's API names: ${HOLDABLE_APIS.join(", ")})`);
      op = { atMs, op: "hold", from: h.from, to: h.to, types: messageTypesOfApi(h.api), ...(h.count !== undefined ? { count: h.count } : {}), ...dur };
      break;
    }
  }
  actorsNamed(op).forEach((a) => known(a, `${p}.${verb}`));
  if (f.on) {
    if (f.delay !== undefined && f.on.delay !== undefined) fail(`${p}.delay`, "give the delay once: in on: or beside it");
    op = { ...op, on: resolveTrigger(f.on, f.delay, `${p}.on`, actors, fail) };
  }
  if (f.until) op = { ...op, until: resolveTrigger(f.until, undefined, `${p}.until`, actors, fail) };
  return op;
}

/** `sweep.finds` must name expectations of the scenario, as written under `expect:`. */
function resolveSweep(input: ScenarioInput, expect: Expectation[], fail: Fail): ResolvedScenario["sweep"] {
  if (!input.sweep) return null;
  const finds = typeof input.sweep.finds === "string" ? [input.sweep.finds] : input.sweep.finds;
  const labels = expect.map((e) => e.label);
  finds.forEach((f, i) => {
    if (!labels.includes(f))
      fail(typeof input.sweep!.finds === "string" ? "sweep.finds" : `sweep.finds[${i}]`, `"${f}" is not one of the expectations (expect: ${labels.join(", ") || "none"})`);
  });
  return { finds };
}

/** An `on:` or `until:` trigger, checked against the trace event registries: the event, each `where` field and its value. */
function resolveTrigger(on: NonNullable<FaultInput["on"]>, delayBeside: number | undefined, p: string, actors: Set<string>, fail: Fail): FaultTrigger {
  if (on.actor !== undefined && !actors.has(on.actor)) fail(`${p}.actor`, unknownActor(on.actor, actors));
  // Own keys only: "toString" or "constructor" would find what every object inherits.
  const fields = Object.hasOwn(TRACE_EVENTS, on.event) ? TRACE_EVENTS[on.event] : undefined;
  if (!fields) {
    const prefix = on.event.split(".")[0];
    const near = Object.keys(TRACE_EVENTS).filter((e) => e.startsWith(`${prefix}.`));
    fail(`${p}.event`, `unknown trace event "${on.event}" (${near.length > 0 ? `${prefix} events: ${near.join(", ")}` : `events: ${Object.keys(TRACE_EVENTS).join(", ")}`})`);
  }
  const matchable = Object.entries(fields).filter(([, k]) => matchableKind(k));
  const allowed = matchable.length > 0 ? matchable.map(([n, k]) => `${n} (${k.replace(/\?$/, "")})`).join(", ") : "none";
  for (const [field, value] of Object.entries(on.where ?? {})) {
    const kind = Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (kind === undefined) fail(`${p}.where.${field}`, `${on.event} has no field "${field}" (fields: ${allowed})`);
    if (!matchableKind(kind)) fail(`${p}.where.${field}`, `${on.event}.${field} is a ${kind.replace(/\?$/, "")} and cannot be matched (fields: ${allowed})`);
    if (!fitsKind(kind, value)) fail(`${p}.where.${field}`, `must be a ${kind.replace(/\?$/, "")} (got ${JSON.stringify(value)})`);
  }
  return {
    ...(on.actor !== undefined ? { actor: on.actor } : {}),
    event: on.event,
    ...(on.where !== undefined ? { where: on.where } : {}),
    nth: on.nth ?? 1,
    delayMs: on.delay ?? delayBeside ?? 0,
  };
}

/**
 * An expectation's parameters on one line as a scenario writes them (YAML flow: `{ group: billing, max: 2 }`), for
 * its name in the summary, `--json` and explore's table.
 */
function flowYaml(v: unknown): string {
  return YAML.stringify(v, { collectionStyle: "flow", lineWidth: 0 }).trim();
}

function parseExpectation(e: string | Record<string, unknown>, path: string, fail: Fail): Expectation {
  const lowerFirst = (x: string) => x[0].toLowerCase() + x.slice(1);
  if (typeof e === "string") {
    const m = /^no([A-Z].*)$/.exec(e);
    return { label: e, check: m ? lowerFirst(m[1]) : e, mode: "none", params: null, path, paramPath: path };
  }
  const keys = Object.keys(e);
  if (keys.length !== 1) fail(path, "must have exactly one key: a check name, or anomaly: <check>");
  const k = keys[0];
  if (k === "anomaly") {
    const a = e.anomaly;
    if (typeof a === "string") return { label: `anomaly: ${a}`, check: a, mode: "some", params: null, path, paramPath: `${path}.anomaly` };
    // anomaly: { check: params }
    if (a !== null && typeof a === "object" && !Array.isArray(a) && Object.keys(a).length === 1) {
      const [check, params] = Object.entries(a)[0];
      return { label: `anomaly: ${check} ${flowYaml(params)}`, check, mode: "some", params, path, paramPath: `${path}.anomaly.${check}` };
    }
    fail(`${path}.anomaly`, "must name a check (anomaly: duplicates) or a check with parameters (anomaly: { failedSends: DELIVERY_TIMEOUT })");
  }
  const m = /^no([A-Z].*)$/.exec(k);
  const label = `${k}: ${typeof e[k] === "string" ? e[k] : flowYaml(e[k])}`;
  return { label, check: m ? lowerFirst(m[1]) : k, mode: "none", params: e[k], path, paramPath: `${path}.${k}` };
}

/**
 * The topics (name, partition count) as they stand at `atMs`: as created, each raised to the largest count an
 * `addPartitions` entry at or before `atMs` asks for (whether CreatePartitions succeeds is the controller's to say;
 * validation only keeps a scenario from naming a partition no entry could have created).
 */
function topicsAfterAddPartitions(created: { name: string; partitions: number }[], faults: readonly { at?: number; addPartitions?: { topic: string; count: number } }[], atMs: number): { name: string; partitions: number }[] {
  return created.map((t) => {
    let partitions = t.partitions;
    for (const f of faults) if (f.addPartitions?.topic === t.name && (f.at ?? Infinity) <= atMs) partitions = Math.max(partitions, f.addPartitions.count);
    return partitions === t.partitions ? t : { name: t.name, partitions };
  });
}

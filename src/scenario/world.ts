import type { ClientCpu } from "../kafka/client/clientCpu.js";
import { applyCapacity } from "./capacityWorld.js";
import type { BrokerRequestMetrics } from "../kafka/broker/requestMetrics.js";
import { adminClientActor } from "../kafka/client/admin/adminClient.js";
import { heartbeatMonitor, heartbeatNode } from "../demo/heartbeat.js";
import { leaseNode, leaseStore } from "../demo/lease.js";
import { FaultLog, type FaultOp, generateFaults, RandomStream, scheduleFaults, Simulation, streamName } from "../sim/index.js";
import { History } from "../workload/history.js";
import { kafkaRoles } from "./kafkaRoles.js";
import { ADMIN_CLIENT } from "./resolve.js";
import { addKafkaCluster } from "./kafkaWorld.js";
import type { ResolvedScenario } from "./resolved.js";

/** A built, not yet run, simulation of a scenario. */
export interface World {
  scenario: ResolvedScenario;
  seed: string | number;
  sim: Simulation;
  history: History;
  /** The fault schedule in force: the file's faults plus any generated from `randomFaults` for this seed. */
  faults: FaultOp[];
  /** What the faults left down for good, and the switch that ends them (the liveness phase). */
  faultLog: FaultLog;
  durationMs: number;
  /** The liveness phase's limit after `durationMs` (ms), or null when the run has none. */
  livenessMs: number | null;
  /** Each broker's request-path measurements, with `capacity:` (empty without). */
  brokerMetrics: Map<string, BrokerRequestMetrics>;
  /** Each client's codec CPU, with `capacity.clientCpu` (empty without). */
  clientCpus: Map<string, ClientCpu>;
}

export interface BuildOptions {
  seed?: string | number;
  durationMs?: number;
  /** Replace the scenario's faults (used by shrink and by property tests). */
  faults?: FaultOp[];
  /** Override the scenario's liveness phase (ms after the duration; null: none). */
  livenessMs?: number | null;
}

/** The generated part of a fault schedule for one seed: drawn from its own named stream. */
export function generatedFaults(s: ResolvedScenario, seed: string | number): FaultOp[] {
  if (!s.randomFaults) return [];
  return generateFaults(s.randomFaults, new RandomStream(streamName(seed, "faults")));
}

export function buildWorld(s: ResolvedScenario, options: BuildOptions = {}): World {
  const seed = options.seed ?? s.seed;
  const durationMs = options.durationMs ?? s.durationMs;
  const sim = new Simulation({ seed, maxEvents: s.maxEvents, network: s.network.defaults, tcpUserTimeoutUs: Math.round(s.simulator.tcpUserTimeoutMs * 1000) });
  const history = new History();
  const faults = options.faults ?? [...s.faults, ...generatedFaults(s, seed)].sort((a, b) => a.atMs - b.atMs);
  const livenessMs = options.livenessMs !== undefined ? options.livenessMs : s.livenessMs;
  const faultLog = new FaultLog();
  // Kafka first: brokers and controllers start before the clients that need them.
  const clientCpus = new Map<string, ClientCpu>();
  const brokerMetrics = addKafkaCluster(sim, s, history, livenessMs !== null ? durationMs : null, clientCpus);
  const world: World = { scenario: s, seed, sim, history, faults, faultLog, durationMs, livenessMs, brokerMetrics, clientCpus };
  // The operator's admin client, only when the scenario makes admin calls (so other runs keep their actors).
  if (s.adminOps.length > 0) sim.addActor(ADMIN_CLIENT, adminClientActor(s.brokers, s.adminOps));

  const h = s.demo.heartbeat;
  if (h) {
    sim.addActor(h.monitor, heartbeatMonitor(h.nodes, h.intervalMs, h.timeoutMs, history));
    for (const n of h.nodes) sim.addActor(n, heartbeatNode(h.monitor, h.intervalMs));
  }
  const l = s.demo.lease;
  if (l) {
    sim.addActor(l.store, leaseStore(l.leaseMs, l.fencingTokens, history));
    for (const n of l.nodes) sim.addActor(n, leaseNode(l.store, l.renewEveryMs, l.writeEveryMs));
  }

  // Per-link overrides need every actor to exist.
  for (const link of s.network.links) sim.setLink(link.from, link.to, link.behaviour);
  applyCapacity(sim, s.capacity);
  scheduleFaults(sim, faults, s.brokers.length > 0 ? kafkaRoles(sim, s.controllers, s.brokers) : undefined, faultLog);
  return world;
}

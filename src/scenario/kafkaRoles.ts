import type { BrokerActor } from "../kafka/broker/broker.js";
import type { ControllerActor } from "../kafka/controller/controller.js";
import type { Simulation } from "../sim/index.js";

/**
 * Role names a fault may target instead of an actor, resolved when the fault fires: `active-controller` (the KRaft
 * leader) and `leader:<topic>-<partition>` (that partition's leader as the active controller records it; while no
 * controller is active — the metadata quorum lost — as the running brokers' metadata publishes it: the most
 * advanced image among them, since they keep serving the leaders they have, as KRaft brokers do).
 */
export function kafkaRoles(sim: Simulation, controllers: string[], brokers: string[] = []): (name: string) => string | undefined {
  const active = (): ControllerActor | undefined => {
    for (const c of controllers) {
      const a = sim.actorOf<ControllerActor>(c);
      if (a?.inspect().isActive) return a;
    }
    return undefined;
  };
  /** The leader in the most advanced metadata image of a running broker (the first broker wins a tie). */
  const publishedLeader = (topic: string, partition: number): string | undefined => {
    let best: { offset: number; leader: string | null } | null = null;
    for (const b of brokers) {
      const image = sim.status(b) === "running" ? sim.actorOf<BrokerActor>(b)?.inspectMetadata() : undefined;
      if (image && (best === null || image.offset > best.offset)) best = { offset: image.offset, leader: image.partition(topic, partition)?.leader ?? null };
    }
    return best?.leader ?? undefined;
  };
  return (name) => {
    if (name === "active-controller") {
      for (const c of controllers) if (sim.actorOf<ControllerActor>(c)?.inspect().isActive) return c;
      return undefined;
    }
    const m = /^leader:(.+)-(\d+)$/.exec(name);
    if (m) {
      const controller = active();
      if (controller) return controller.inspect().leaderOf(m[1], Number(m[2])) ?? undefined;
      return publishedLeader(m[1], Number(m[2]));
    }
    return undefined;
  };
}

/** Whether a fault target names a role rather than an actor (for validation). */
export function isKafkaRole(name: string, topics: { name: string; partitions: number }[]): boolean {
  if (name === "active-controller") return true;
  const m = /^leader:(.+)-(\d+)$/.exec(name);
  return m !== null && topics.some((t) => t.name === m[1] && Number(m[2]) < t.partitions);
}

/** The history's process for the published metadata: check/leaderless.ts's METADATA_MONITOR (src/check sits below src/scenario, so it is not imported). */
const METADATA_MONITOR = "metadata-monitor";

/** What the names isReservedActorName refuses are, for its message. */
export const RESERVED_ACTOR_NAMES = `fault roles are active-controller and leader:<topic>-<partition> (any name starting "leader:"), and ${METADATA_MONITOR} is the history's metadata process`;

/**
 * Whether a client or demo actor may not take this name: a fault naming it could mean the actor or the role
 * (`active-controller`, anything starting `leader:`), and `metadata-monitor` is the process the history records
 * partition leadership under (check/leaderless.ts).
 */
export function isReservedActorName(name: string): boolean {
  return name === "active-controller" || name.startsWith("leader:") || name === METADATA_MONITOR;
}

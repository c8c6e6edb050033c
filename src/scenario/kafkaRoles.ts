import type { ControllerActor } from "../kafka/controller/controller.js";
import type { Simulation } from "../sim/index.js";

/**
 * Role names a fault may target instead of an actor, resolved when the fault fires: `active-controller` (the KRaft
 * leader) and `leader:<topic>-<partition>` (that partition's leader as the active controller records it).
 */
export function kafkaRoles(sim: Simulation, controllers: string[]): (name: string) => string | undefined {
  const active = (): ControllerActor | undefined => {
    for (const c of controllers) {
      const a = sim.actorOf<ControllerActor>(c);
      if (a?.inspect().isActive) return a;
    }
    return undefined;
  };
  return (name) => {
    if (name === "active-controller") {
      for (const c of controllers) if (sim.actorOf<ControllerActor>(c)?.inspect().isActive) return c;
      return undefined;
    }
    const m = /^leader:(.+)-(\d+)$/.exec(name);
    if (m) return active()?.inspect().leaderOf(m[1], Number(m[2])) ?? undefined;
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

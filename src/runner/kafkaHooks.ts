import type { FinalReplicaLog } from "../check/input.js";
import type { World } from "../scenario/world.js";
import type { TraceRecord } from "../sim/index.js";

/** An invariant over the model's traced state changes, checked after every event that changes it. */
export interface Invariant {
  name: string;
  observe(record: TraceRecord, violations: string[]): void;
}

type LogReader = (world: World) => FinalReplicaLog[];
type InvariantFactory = (world: World) => Invariant[];
const logReaders: LogReader[] = [];
const invariantFactories: InvariantFactory[] = [];

export function registerLogReader(r: LogReader): void {
  if (!logReaders.includes(r)) logReaders.push(r);
}
export function registerInvariants(f: InvariantFactory): void {
  if (!invariantFactories.includes(f)) invariantFactories.push(f);
}

export function finalLogs(world: World): FinalReplicaLog[] {
  return logReaders.flatMap((r) => r(world));
}

export function invariantsFor(world: World): Invariant[] {
  return invariantFactories.flatMap((f) => f(world));
}

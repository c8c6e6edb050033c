import { z } from "zod";
import type { NicSettings } from "../sim/index.js";

/** A NIC's bandwidth in Mbit/s (10^6 bits per second), each way: 1000 for 1 GbE, 10000 for 10 GbE, 25000 for 25 GbE. */
const mbit = z
  .number({ error: "must be a bandwidth in Mbit/s (1000 for 1 GbE)" })
  .positive("must be a bandwidth in Mbit/s > 0 (1000 for 1 GbE)")
  .max(1_000_000, "must be at most 1,000,000 Mbit/s");

const hostInput = z.strictObject({
  /** Full-duplex NIC bandwidth, Mbit/s each way (default: `capacity.nicMbitPerSec`). */
  nicMbitPerSec: mbit.optional(),
});

/**
 * `capacity:` — the hosts' resources. Everything is off (unlimited) unless set, so a scenario without it runs as
 * before. Units are in the names.
 */
export const capacityInput = z.strictObject({
  /** Every host's full-duplex NIC bandwidth, Mbit/s each way (default: none, unlimited). */
  nicMbitPerSec: mbit.optional(),
  /** Per-host overrides by process name (a broker, controller or client). */
  hosts: z.record(z.string(), hostInput, { error: "must map process names to {nicMbitPerSec}" }).optional(),
});
export type CapacityInput = z.infer<typeof capacityInput>;

/** The hosts' resources as the world builder reads them: a NIC per process that has one. */
export interface ResolvedCapacity {
  /** NIC rates in bytes/s by process name, in the scenario's process order. */
  nics: { name: string; nic: NicSettings }[];
}

export const NO_CAPACITY: ResolvedCapacity = { nics: [] };

/**
 * Resolves `capacity:` for the processes of a scenario (`actors`, in their order). An unknown host name fails with
 * its path (`capacity.hosts.broker-9`) and the names allowed.
 */
export function resolveCapacity(input: CapacityInput | undefined, actors: readonly string[], fail: (path: string, problem: string) => never): ResolvedCapacity {
  if (!input) return NO_CAPACITY;
  const known = new Set(actors);
  for (const h of Object.keys(input.hosts ?? {})) if (!known.has(h)) fail(`capacity.hosts.${h}`, `unknown actor "${h}" (actors: ${actors.join(", ")})`);
  const nics: ResolvedCapacity["nics"] = [];
  for (const name of actors) {
    const mbps = input.hosts?.[name]?.nicMbitPerSec ?? input.nicMbitPerSec;
    if (mbps === undefined) continue;
    const bytesPerSec = (mbps * 1e6) / 8;
    nics.push({ name, nic: { txBytesPerSec: bytesPerSec, rxBytesPerSec: bytesPerSec } });
  }
  return { nics };
}

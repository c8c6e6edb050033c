import { z } from "zod";
import type { BrokerCpu } from "../kafka/broker/requestPath.js";
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

/** A CPU cost: a finite number ≥ 0 in the unit its name says. */
const cost = (unit: string) =>
  z
    .number({ error: `must be a CPU cost in ${unit} (a number >= 0)` })
    .min(0, `must be a CPU cost in ${unit} >= 0`)
    .max(1_000_000, `must be at most 1,000,000 ${unit}`);

/**
 * The defaults of `capacity.brokerCpu`, estimated from first principles for one core of a current x86 server (README
 * "Capacity" gives the reasoning): a network thread's read of a request (selector wake-up, size prefix, header and
 * body parsed into objects) ~10 µs; one copy between kernel and user memory at ~4 GB/s, 0.25 ns a byte; an I/O
 * thread's fixed work per request (routing, authorisation, locks, purgatory checks, metrics) ~20 µs; a produce
 * batch's validation (CRC-32C over the batch, LogValidator's pass over its records) and its copy into the page cache
 * ~1 ns a byte; a plaintext fetch 0 per byte (the I/O thread only slices the log files; the bytes go by sendfile).
 */
export const DEFAULT_BROKER_CPU: BrokerCpu = { networkRequestUs: 10, networkNsPerByte: 0.25, requestUs: 20, produceNsPerByte: 1, fetchNsPerByte: 0 };

const brokerCpuInput = z.strictObject({
  /** Network thread µs per request read. */
  networkRequestUs: cost("µs").optional(),
  /** Network thread ns per byte read or written. */
  networkNsPerByte: cost("ns per byte").optional(),
  /** I/O thread µs per request handled. */
  requestUs: cost("µs").optional(),
  /** I/O thread ns per byte of a produce request's batches. */
  produceNsPerByte: cost("ns per byte").optional(),
  /** I/O thread ns per byte of a fetch response's batches. */
  fetchNsPerByte: cost("ns per byte").optional(),
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
  /**
   * The brokers' request path with CPU costs (src/kafka/broker/requestPath.ts): network and I/O threads
   * (`num.network.threads`, `num.io.threads`, `queued.max.requests` of the broker config) each spending these
   * costs; unset costs take `DEFAULT_BROKER_CPU`. Absent: requests cost nothing and never queue.
   */
  brokerCpu: brokerCpuInput.optional(),
});
export type CapacityInput = z.infer<typeof capacityInput>;

/** The hosts' resources as the world builder reads them: a NIC per process that has one. */
export interface ResolvedCapacity {
  /** NIC rates in bytes/s by process name, in the scenario's process order. */
  nics: { name: string; nic: NicSettings }[];
  /** The brokers' CPU costs (every field set), or null: no request path CPU model. */
  brokerCpu: BrokerCpu | null;
}

export const NO_CAPACITY: ResolvedCapacity = { nics: [], brokerCpu: null };

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
  const brokerCpu = input.brokerCpu ? { ...DEFAULT_BROKER_CPU, ...stripUndefined(input.brokerCpu) } : null;
  return { nics, brokerCpu };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

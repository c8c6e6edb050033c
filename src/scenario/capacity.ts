import { z } from "zod";
import type { BrokerCpu } from "../kafka/broker/requestPath.js";
import type { BlockDeviceSettings, NicSettings } from "../sim/index.js";

/** A NIC's bandwidth in Mbit/s (10^6 bits per second), each way: 1000 for 1 GbE, 10000 for 10 GbE, 25000 for 25 GbE. */
const mbit = z
  .number({ error: "must be a bandwidth in Mbit/s (1000 for 1 GbE)" })
  .positive("must be a bandwidth in Mbit/s > 0 (1000 for 1 GbE)")
  .max(1_000_000, "must be at most 1,000,000 Mbit/s");

/**
 * The disk models `capacity.disk.model` names, with their documented parameters (README "Capacity" cites them):
 * - `nvme-ssd`, a datacenter NVMe SSD with power-loss protection: 3,400 MB/s sequential write (Intel/Solidigm
 *   D7-P5510 3.84 TB product brief, 128 KiB sequential writes); 50 µs per fsync beyond its data (public fio figures of
 *   16 KiB write + fsync on enterprise NVMe with power-loss protection, 12-58 µs: M. Callaghan, "SSDs, power loss
 *   protection and fsync latency", smalldatum.blogspot.com, 2025).
 *   Reads: 6,500 MB/s sequential (the same brief, 128 KiB sequential read) and 80 µs an access (a TLC NAND page read
 *   at queue depth 1 with the controller and PCIe: enterprise NVMe data sheets give 4 KiB random reads of ~70-90 µs).
 * - `sata-hdd-7200`, a 7200 rpm SATA disk: 249 MB/s sequential write (Seagate Exos 7E8 8 TB data sheet, max sustained
 *   transfer rate at the outer diameter; the inner tracks give about half); 8,330 µs per fsync (one revolution at
 *   7200 rpm, 60/7200 s: the journal commit waits for the platter; the familiar ~120 synchronous writes per second).
 *   Reads: 249 MB/s (the same transfer rate) and 12,370 µs an access: an average read seek of 8.2 ms (7200 rpm
 *   enterprise drives' specifications, e.g. HGST Ultrastar 7K4000: 8.2 ms typical) plus half a revolution, 4.17 ms.
 */
export const DISK_MODELS = {
  "nvme-ssd": { writeMBPerSec: 3400, fsyncUs: 50, readMBPerSec: 6500, readAccessUs: 80 },
  "sata-hdd-7200": { writeMBPerSec: 249, fsyncUs: 8330, readMBPerSec: 249, readAccessUs: 12_370 },
} as const;
export type DiskModel = keyof typeof DISK_MODELS;

/**
 * The page cache defaults: the broker host's memory (GiB: 64, the production Kafka broker of Confluent's sizing
 * guide, "Plan Capacity and Sizing", docs.confluent.io/operator: 64 GB, 24 CPUs), the JVM heap (GiB: 6, Kafka's documentation, ops "Java Version":
 * `-Xmx6g -Xms6g`), whose difference is the page cache's size (58 GiB: Kafka leaves the rest of the memory to the
 * OS's page cache, design "Don't fear the filesystem!"), and Linux's `vm.dirty_ratio` (percent, default 20).
 */
export const DEFAULT_PAGE_CACHE = { hostMemoryGiB: 64, heapGiB: 6, dirtyRatioPercent: 20 } as const;

const diskInput = z.strictObject({
  /** A disk model whose parameters fill in what is not set (default `nvme-ssd`). */
  model: z.enum(Object.keys(DISK_MODELS) as [DiskModel, ...DiskModel[]], { error: `must be one of ${Object.keys(DISK_MODELS).map((m) => `"${m}"`).join(", ")}` }).optional(),
  /** Sequential write bandwidth, MB/s (10^6 bytes per second). */
  writeMBPerSec: z.number({ error: "must be a bandwidth in MB/s (10^6 bytes/s)" }).positive("must be a bandwidth in MB/s > 0").max(1_000_000, "must be at most 1,000,000 MB/s").optional(),
  /** Fixed µs of an fsync beyond writing its dirty bytes. */
  fsyncUs: z.number({ error: "must be a latency in µs (a number >= 0)" }).min(0, "must be a latency in µs >= 0").max(10_000_000, "must be at most 10,000,000 µs").optional(),
  /** Sequential read bandwidth, MB/s (10^6 bytes per second): page cache misses. */
  readMBPerSec: z.number({ error: "must be a bandwidth in MB/s (10^6 bytes/s)" }).positive("must be a bandwidth in MB/s > 0").max(1_000_000, "must be at most 1,000,000 MB/s").optional(),
  /** Fixed µs of one read access (an HDD's seek and half a revolution). */
  readAccessUs: z.number({ error: "must be a latency in µs (a number >= 0)" }).min(0, "must be a latency in µs >= 0").max(10_000_000, "must be at most 10,000,000 µs").optional(),
  /** The host's memory, GiB (default 64). */
  hostMemoryGiB: z.number({ error: "must be a memory size in GiB" }).positive("must be a memory size in GiB > 0").max(1_000_000, "must be at most 1,000,000 GiB").optional(),
  /** The broker's JVM heap, GiB (default 6): the page cache gets the host's memory less it. */
  heapGiB: z.number({ error: "must be a memory size in GiB" }).min(0, "must be a memory size in GiB >= 0").max(1_000_000, "must be at most 1,000,000 GiB").optional(),
  /** Memory the page cache may use, GiB (default: hostMemoryGiB - heapGiB). */
  memoryGiB: z.number({ error: "must be a memory size in GiB" }).positive("must be a memory size in GiB > 0").max(1_000_000, "must be at most 1,000,000 GiB").optional(),
  /** Linux `vm.dirty_ratio`: dirty page cache, in percent of `memoryGiB`, past which writers are throttled. */
  dirtyRatioPercent: z.number({ error: "must be a percentage (1 to 100)" }).gt(0, "must be a percentage > 0").max(100, "must be a percentage <= 100").optional(),
});
export type DiskInput = z.infer<typeof diskInput>;

const hostInput = z.strictObject({
  /** Full-duplex NIC bandwidth, Mbit/s each way (default: `capacity.nicMbitPerSec`). */
  nicMbitPerSec: mbit.optional(),
  /** This broker's disk (default: `capacity.disk`), field by field over it. */
  disk: diskInput.optional(),
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
  /**
   * Every broker's disk behind its page cache (src/sim/blockDevice.ts): appends go to the page cache, written back in
   * the background at `writeMBPerSec`; writers wait when the dirty bytes pass `dirtyRatioPercent` of `memoryGiB`;
   * a flush (`flush.messages`, `flush.ms`) is an fsync; a Fetch response whose batches the page cache (`memoryGiB`,
   * default `hostMemoryGiB` − `heapGiB`) evicted is read from the disk (`readMBPerSec`, `readAccessUs`) by the network
   * thread sending it (sendfile). Absent: the disk costs no time.
   */
  disk: diskInput.optional(),
  /**
   * Client CPU for compression: a producer's batches are compressed on its sender path before they are sent, a
   * consumer's fetched batches decompressed before poll() returns them, at the codec's ns per byte (compression.ts).
   */
  clientCpu: z.boolean({ error: "must be true or false" }).optional(),
});
export type CapacityInput = z.infer<typeof capacityInput>;

/** The hosts' resources as the world builder reads them: a NIC per process that has one. */
export interface ResolvedCapacity {
  /** NIC rates in bytes/s by process name, in the scenario's process order. */
  nics: { name: string; nic: NicSettings }[];
  /** The brokers' CPU costs (every field set), or null: no request path CPU model. */
  brokerCpu: BrokerCpu | null;
  /** Per broker with a disk (`capacity.disk` or a host's `disk`), its device settings, in the scenario's order. */
  disks?: { name: string; disk: BlockDeviceSettings }[];
  /** Whether clients spend CPU on compression and decompression (`capacity.clientCpu`; absent: false). */
  clientCpu?: boolean;
}

export const NO_CAPACITY: ResolvedCapacity = { nics: [], brokerCpu: null, disks: [], clientCpu: false };

/** A disk's settings from its input (unset fields: the model's, then the page cache defaults). */
export function diskSettings(input: DiskInput, fail: (path: string, problem: string) => never = (path, problem) => {
  throw new Error(`${path}: ${problem}`);
}): BlockDeviceSettings {
  const model = DISK_MODELS[input.model ?? "nvme-ssd"];
  const host = input.hostMemoryGiB ?? DEFAULT_PAGE_CACHE.hostMemoryGiB;
  const heap = input.heapGiB ?? DEFAULT_PAGE_CACHE.heapGiB;
  if (input.memoryGiB === undefined && !(host > heap)) fail("disk.heapGiB", `the JVM heap (${heap} GiB) leaves no page cache in the host's ${host} GiB (hostMemoryGiB)`);
  const memoryGiB = input.memoryGiB ?? host - heap;
  const ratio = input.dirtyRatioPercent ?? DEFAULT_PAGE_CACHE.dirtyRatioPercent;
  const cacheBytes = memoryGiB * 2 ** 30;
  return {
    writeBytesPerSec: (input.writeMBPerSec ?? model.writeMBPerSec) * 1e6,
    fsyncUs: input.fsyncUs ?? model.fsyncUs,
    dirtyLimitBytes: (cacheBytes * ratio) / 100,
    readBytesPerSec: (input.readMBPerSec ?? model.readMBPerSec) * 1e6,
    readAccessUs: input.readAccessUs ?? model.readAccessUs,
    cacheBytes,
  };
}

/**
 * Resolves `capacity:` for the processes of a scenario (`actors`, in their order). An unknown host name fails with
 * its path (`capacity.hosts.broker-9`) and the names allowed.
 */
export function resolveCapacity(input: CapacityInput | undefined, actors: readonly string[], fail: (path: string, problem: string) => never, brokers: readonly string[] = []): ResolvedCapacity {
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
  const isBroker = new Set(brokers);
  for (const [h, host] of Object.entries(input.hosts ?? {})) if (host.disk && !isBroker.has(h)) fail(`capacity.hosts.${h}.disk`, `only brokers have a modelled disk (brokers: ${brokers.join(", ")})`);
  const disks: ResolvedCapacity["disks"] = [];
  for (const name of brokers) {
    const own = input.hosts?.[name]?.disk;
    if (!input.disk && !own) continue;
    disks.push({ name, disk: diskSettings({ ...stripUndefined(input.disk ?? {}), ...stripUndefined(own ?? {}) }, (path, problem) => fail(own ? `capacity.hosts.${name}.${path}` : `capacity.${path}`, problem)) });
  }
  return { nics, brokerCpu, disks, clientCpu: input.clientCpu ?? false };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

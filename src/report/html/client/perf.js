// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The report page: the performance figures of a run with `capacity:` (src/runner/performance.ts, the same object as
 * `--json`'s `performance`) as tables: producers, consumers, brokers, disks, other hosts' NICs, and the partitions by bytes,
 * busiest first, each with a bar so a hot partition shows at a glance. `performanceTables` only shapes the figures
 * (no DOM, no page data: it runs in a unit test too); `renderPerformance` draws them, text through textContent only.
 */
import { h } from "./dom.js";
/** @typedef {import("../../../runner/performance.js").Performance} Performance */

/**
 * One cell: its text, whether it is a number (right-aligned), whether it is a busy share at or over HOT_SHARE, and
 * for a partition's bar the shares (0..1 of the busiest partition's bytes in + out) of its bytes in and out.
 * @typedef {{ text: string, num?: boolean, hot?: boolean, bar?: { in: number, out: number } }} Cell
 */
/**
 * One table: its id (`perf-producers`, ...), heading, a note saying what the figures are, the column heads, the rows
 * (a key each: the client, broker, host or topic-partition), and a line on rows left out.
 * @typedef {{ id: string, title: string, note: string, head: string[], rows: { key: string, cells: Cell[] }[], more: string | null }} PerfTable
 */

/** A busy share from which a thread pool or NIC is marked as near saturation. */
export const HOT_SHARE = 0.8;
/** At most this many partitions are drawn (all are in --json and in the page's data). */
export const MAX_PARTITION_ROWS = 500;

const DASH = "—";
/** @param {number | null | undefined} x @param {number} digits */
const fixed = (x, digits) => (x === null || x === undefined ? DASH : x.toFixed(digits));
/** A whole number with thousands separated by commas (not the browser's locale: the page reads the same anywhere). @param {number} n */
const count = (n) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
/** @param {string} text @returns {Cell} */
const num = (text) => ({ text, num: true });
/** A busy share 0..1 as a percentage, marked hot at HOT_SHARE. @param {number | null | undefined} x @returns {Cell} */
const share = (x) => (x === null || x === undefined ? num(DASH) : { text: `${(x * 100).toFixed(1)} %`, num: true, hot: x >= HOT_SHARE });

/**
 * The tables of a run's performance figures, in the page's order; a table with no rows is left out.
 * Latencies in ms (2 decimals), throughput in records/s and MiB/s, busy shares in %, bytes in MiB.
 * @param {Performance} p
 * @returns {PerfTable[]}
 */
export function performanceTables(p) {
  /** @type {PerfTable[]} */
  const tables = [];
  const latency = (/** @type {Performance["producers"][number]["latency"]} */ l) => [num(fixed(l?.p50Ms, 2)), num(fixed(l?.p99Ms, 2)), num(fixed(l?.p999Ms, 2)), num(fixed(l?.maxMs, 2))];
  tables.push({
    id: "perf-producers",
    title: "Producers",
    note: "Records acknowledged and failed, records/s and MiB/s of record values as kafka-producer-perf-test reports them (every acknowledged record, from the producer's first send() to its last acknowledgement), and the produce latency from send() to its callback in ms over the steady state (the sends from the producer's first acknowledgement on; nearest rank, as kafka-producer-perf-test ranks it).",
    head: ["producer", "acknowledged", "failed", "records/s", "MiB/s", "avg ms", "p50 ms", "p99 ms", "p99.9 ms", "max ms"],
    rows: p.producers.map((x) => ({
      key: x.client,
      cells: [{ text: x.client }, num(count(x.acknowledged)), num(count(x.failed)), num(count(x.recordsPerSec)), num(x.mibPerSec.toFixed(2)), num(fixed(x.latency?.avgMs, 2)), ...latency(x.latency)],
    })),
    more: null,
  });
  tables.push({
    id: "perf-consumers",
    title: "Consumers",
    note: "Records read, records/s and MiB/s of record values (perf-test consumers, as kafka-consumer-perf-test reports them: from the first poll that returned records to the last), end-to-end latency in ms: from a record's send() to the first poll that returned it; then as OpenMessaging Benchmark measures it (OMB): floor(receipt ms) − floor(send ms) of millisecond clocks, differences ≤ 0 dropped.",
    head: ["consumer", "records", "records/s", "MiB/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "OMB p50 ms", "OMB p99 ms"],
    rows: p.consumers.map((x) => ({ key: x.client, cells: [{ text: x.client }, num(count(x.records)), num(x.recordsPerSec === undefined ? DASH : count(x.recordsPerSec)), num(fixed(x.mibPerSec, 2)), ...latency(x.endToEnd), num(fixed(x.endToEndMsClock?.p50Ms, 0)), num(fixed(x.endToEndMsClock?.p99Ms, 0))] })),
    more: null,
  });
  const nics = new Map(p.nics.map((n) => [n.host, n]));
  const brokerNames = new Set(p.brokers.map((b) => b.broker));
  const blocked = p.brokers.some((b) => (b.networkThreadBlocked ?? 0) > 0);
  const timed = p.brokers.some((b) => b.ioThreadUtilisation !== null);
  tables.push({
    id: "perf-brokers",
    title: "Brokers",
    note: `Over the whole run: request queue time in ms (Kafka's RequestQueueTimeMs, from the network thread's read to an I/O thread), the network and I/O threads' busy share (100 % minus Kafka's idle percentages)${blocked ? ", the network threads' share blocked on a full request queue (queued.max.requests)" : ""}, and the broker's NIC, busy share and MiB each way.${timed ? "" : " Without capacity.brokerCpu requests cost nothing and never queue: no queue time or thread figures."} Shares from ${HOT_SHARE * 100} % are marked.`,
    head: ["broker", "requests", "queue p50 ms", "queue p99 ms", "network threads busy", "I/O threads busy", ...(blocked ? ["network threads blocked"] : []), "NIC tx busy", "NIC rx busy", "NIC tx MiB", "NIC rx MiB"],
    rows: p.brokers.map((b) => {
      const n = nics.get(b.broker);
      return {
        key: b.broker,
        cells: [
          { text: b.broker },
          num(count(b.requests)),
          num(fixed(b.requestQueueP50Ms, 2)),
          num(fixed(b.requestQueueP99Ms, 2)),
          share(b.networkThreadUtilisation),
          share(b.ioThreadUtilisation),
          ...(blocked ? [share(b.networkThreadBlocked)] : []),
          share(n?.txUtilisation),
          share(n?.rxUtilisation),
          num(fixed(n?.txMiB, 2)),
          num(fixed(n?.rxMiB, 2)),
        ],
      };
    }),
    more: null,
  });
  tables.push({
    id: "perf-client-cpu",
    title: "Client CPU",
    note: `Clients with capacity.clientCpu, over the whole run: codec jobs (a producer's batches compressed, a consumer's fetched batches decompressed, at the codec's ns per byte) and the busy share of the one thread that runs them. Shares from ${HOT_SHARE * 100} % are marked.`,
    head: ["client", "codec jobs", "CPU ms", "busy"],
    rows: (p.clientCpu ?? []).map((c) => ({ key: c.client, cells: [{ text: c.client }, num(count(c.jobs)), num(c.busyMs.toFixed(1)), share(c.utilisation)] })),
    more: null,
  });
  tables.push({
    id: "perf-disks",
    title: "Disks",
    note: `Brokers with capacity.disk, over the whole run: MiB written to the disk (background write-back of the page cache and fsyncs), its busy share, the fsyncs (flush.messages, flush.ms; Kafka's LogFlushRateAndTimeMs) with their mean and total ms, the writes throttled on the page cache's dirty limit and their wait, the dirty MiB left at the end; then the reads: MiB read from the disk (page cache misses of Fetch responses, read by sendfile on the network thread sending them) and per second, the disk reads (one positioning each), the share of fetched bytes the page cache held, and the ms the network threads waited on those reads; the page cache evicted over the run and held at its end. Shares from ${HOT_SHARE * 100} % are marked.`,
    head: ["broker", "written MiB", "busy", "fsyncs", "fsync avg ms", "fsync total ms", "throttled writes", "throttled ms", "dirty MiB at end", "read MiB", "read MiB/s", "disk reads", "page cache hits", "sendfile wait ms", "evicted MiB", "cached MiB at end"],
    rows: (p.disks ?? []).map((d) => ({
      key: d.broker,
      cells: [
        { text: d.broker },
        num(d.writtenMiB.toFixed(2)),
        share(d.utilisation),
        num(count(d.fsyncs)),
        num(fixed(d.fsyncAvgMs, 3)),
        num(d.fsyncTotalMs.toFixed(1)),
        num(count(d.throttledWrites)),
        num(d.throttledMs.toFixed(1)),
        num(d.dirtyMiBAtEnd.toFixed(2)),
        num((d.readMiB ?? 0).toFixed(2)),
        num((d.readMiBPerSec ?? 0).toFixed(2)),
        num(count(d.reads ?? 0)),
        num(d.cacheHitRatio === null || d.cacheHitRatio === undefined ? "-" : `${(d.cacheHitRatio * 100).toFixed(1)} %`),
        num((d.sendfileWaitMs ?? 0).toFixed(1)),
        num((d.evictedMiB ?? 0).toFixed(2)),
        num((d.cachedMiBAtEnd ?? 0).toFixed(2)),
      ],
    })),
    more: null,
  });
  tables.push({
    id: "perf-nics",
    title: "Other hosts' NICs",
    note: "Clients and controllers with a NIC: busy share and MiB each way over the whole run (framed bytes).",
    head: ["host", "tx busy", "rx busy", "tx MiB", "rx MiB"],
    rows: p.nics.filter((n) => !brokerNames.has(n.host)).map((n) => ({ key: n.host, cells: [{ text: n.host }, share(n.txUtilisation), share(n.rxUtilisation), num(n.txMiB.toFixed(2)), num(n.rxMiB.toFixed(2))] })),
    more: null,
  });
  const total = p.partitions.reduce((s, x) => s + x.inMiB + x.outMiB, 0);
  const busiest = p.partitions.reduce((m, x) => Math.max(m, x.inMiB + x.outMiB), 0);
  const shown = p.partitions.slice(0, MAX_PARTITION_ROWS);
  tables.push({
    id: "perf-partitions",
    title: "Partitions by bytes",
    note: "Record-batch bytes over the whole run, summed over the brokers that served each partition, busiest (in + out) first: in = produced to its leader (BytesIn), out = fetched by consumers (BytesOut), replication out = fetched by followers. The bar: in (blue) then out (green), against the busiest partition's in + out.",
    head: ["partition", "in MiB", "in MiB/s", "out MiB", "out MiB/s", "replication out MiB", "share of in + out", "in + out"],
    rows: shown.map((x) => ({
      key: `${x.topic}-${x.partition}`,
      cells: [
        { text: `${x.topic}-${x.partition}` },
        num(x.inMiB.toFixed(2)),
        num(x.inMiBPerSec.toFixed(2)),
        num(x.outMiB.toFixed(2)),
        num(x.outMiBPerSec.toFixed(2)),
        num(x.replicationOutMiB.toFixed(2)),
        num(total > 0 ? `${(((x.inMiB + x.outMiB) / total) * 100).toFixed(1)} %` : DASH),
        { text: `in ${x.inMiB.toFixed(2)} MiB, out ${x.outMiB.toFixed(2)} MiB`, bar: { in: busiest > 0 ? x.inMiB / busiest : 0, out: busiest > 0 ? x.outMiB / busiest : 0 } },
      ],
    })),
    more: p.partitions.length > shown.length ? `${p.partitions.length - shown.length} more partitions are left out here (all are in --json).` : null,
  });
  return tables.filter((t) => t.rows.length > 0);
}

/**
 * Draws the performance tables into `container` (the page's #perf-tables).
 * @param {HTMLElement} container
 * @param {Performance} p
 */
export function renderPerformance(container, p) {
  const tables = performanceTables(p);
  if (tables.length === 0) {
    container.append(h("p", { class: "note" }, "Nothing was measured: no producer acknowledgement, consumed record, NIC, broker or partition bytes."));
    return;
  }
  for (const t of tables) {
    const head = h("tr", null, ...t.head.map((x, i) => h("th", { class: i > 0 && t.rows[0].cells[i].num ? "n" : null, text: x })));
    const body = h(
      "tbody",
      null,
      ...t.rows.map((r) =>
        h(
          "tr",
          { "data-key": r.key },
          ...r.cells.map((c) => {
            if (!c.bar) return h("td", { class: c.num ? (c.hot ? "n hot" : "n") : null, text: c.text });
            const inEl = h("span", { class: "bar-in" });
            const outEl = h("span", { class: "bar-out" });
            inEl.style.width = `${(c.bar.in * 100).toFixed(2)}%`;
            outEl.style.width = `${(c.bar.out * 100).toFixed(2)}%`;
            return h("td", { class: "bar-cell" }, h("div", { class: "bar", title: c.text }, inEl, outEl));
          }),
        ),
      ),
    );
    const table = h("table", { class: "perf", "data-table": t.id }, h("thead", null, head), body);
    container.append(h("h3", { text: t.title }), h("p", { class: "note", text: t.note }), h("div", { class: t.id === "perf-partitions" ? "scroll" : "hscroll" }, table));
    if (t.more) container.append(h("p", { class: "note", text: t.more }));
  }
}

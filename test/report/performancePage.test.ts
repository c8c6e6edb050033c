import { beforeAll, describe, expect, it } from "vitest";
import { pageAssets } from "../../src/report/html/assets.js";
import { HOT_SHARE, MAX_PARTITION_ROWS, performanceTables } from "../../src/report/html/client/perf.js";
import { renderRunPage } from "../../src/report/html/page.js";
import { buildReportData, type ReportData } from "../../src/report/html/reportData.js";
import { RunRecorder } from "../../src/report/recorder/runRecorder.js";
import type { Performance } from "../../src/runner/performance.js";
import { runScenario } from "../../src/runner/run.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";

/** A run's page (without a browser) and the data it embeds, read back from its JSON block. */
function pageOf(r: ReturnType<typeof runScenario>, rec: RunRecorder): { page: string; data: ReportData } {
  const page = renderRunPage(buildReportData(r, rec, "test", 1), pageAssets());
  const json = /<script type="application\/json" id="kafkasim-data">([^]*?)<\/script>/.exec(page)![1];
  return { page, data: JSON.parse(json) as ReportData };
}

describe("the report page's performance section", () => {
  it("is there for a run with capacity: with a nav link, and the page embeds the run's figures", () => {
    const rec = new RunRecorder({ messages: false });
    const r = runScenario(loadScenario("test/fixtures/report-capacity.yaml"), { attach: rec.attach });
    const { page, data } = pageOf(r, rec);
    expect(page).toContain('<a href="#performance">Performance</a>');
    expect(page).toContain('<section id="performance"><h2>Performance</h2>');
    expect(page).toContain('<div id="perf-tables"></div>');
    // The figures are the run's, as --json has them.
    expect(data.performance).toEqual(JSON.parse(JSON.stringify(r.performance)));
    const p = data.performance!;
    expect(p.producers.map((x) => x.client)).toEqual(["app"]);
    expect(p.producers[0].recordsPerSec).toBeGreaterThan(1500);
    expect(p.consumers[0].endToEnd!.p99Ms).toBeGreaterThan(0);
    expect(p.brokers.map((b) => b.broker)).toEqual(["broker-1", "broker-2", "broker-3"]);
    expect(p.brokers.every((b) => b.ioThreadUtilisation! > 0)).toBe(true);
    // What the page script draws from them: every table, the hot key's partition first with the full bar.
    const tables = performanceTables(p);
    expect(tables.map((t) => t.id)).toEqual(["perf-producers", "perf-consumers", "perf-brokers", "perf-nics", "perf-partitions"]);
    const parts = tables[4];
    expect(parts.rows.slice(0, 4).map((x) => x.key).sort()).toEqual(["t-0", "t-1", "t-2", "t-3"]);
    const bar = parts.rows[0].cells.at(-1)!.bar!;
    expect(bar.in + bar.out).toBeCloseTo(1, 5);
    const second = parts.rows[1].cells.at(-1)!.bar!;
    expect(second.in + second.out).toBeLessThan(0.5); // 60 % of the records go to one partition
    // Brokers' NIC columns come from their own host's NIC; clients and controllers have their own table.
    const broker1 = tables[2].rows[0].cells;
    const nic1 = p.nics.find((n) => n.host === "broker-1")!;
    expect(broker1[tables[2].head.indexOf("NIC tx MiB")].text).toBe(nic1.txMiB.toFixed(2));
    expect(tables[3].rows.map((x) => x.key)).toEqual(expect.arrayContaining(["app", "reader", "controller-1"]));
    expect(tables[3].rows.some((x) => x.key.startsWith("broker-"))).toBe(false);
  });

  it("is absent for a run without capacity:, and so is its nav link", () => {
    const text = `
name: no-capacity
description: a run without capacity
duration: 3s
cluster: { brokers: 1, topics: [{ name: t, partitions: 1, replicationFactor: 1 }] }
clients:
  - { id: app, kind: producer, start: 1s, workload: { topic: t, rate: 100 } }
`;
    const rec = new RunRecorder({ messages: false });
    const r = runScenario(parseScenario(text, "no-capacity.yaml"), { attach: rec.attach });
    const { page, data } = pageOf(r, rec);
    expect(r.performance).toBeNull();
    expect(data.performance).toBeNull();
    expect(page).not.toContain('href="#performance"');
    expect(page).not.toContain('id="performance"');
    expect(page).not.toContain('id="perf-tables"');
  });
});

describe("the performance tables (the page script's shaping, no DOM)", () => {
  const base: Performance = { producers: [], consumers: [], nics: [], brokers: [], partitions: [] };
  const part = (partition: number, inMiB: number, outMiB = 0) => ({ topic: "t", partition, inMiB, outMiB, replicationOutMiB: 0, inMiBPerSec: inMiB, outMiBPerSec: outMiB });

  it("nothing measured: no table", () => {
    expect(performanceTables(base)).toEqual([]);
  });

  it("disks and client CPU get a table each, busy shares from 80 % marked", () => {
    const tables = performanceTables({
      ...base,
      disks: [{ broker: "broker-1", writtenMiB: 3.64, utilisation: 0.85, fsyncs: 1238, fsyncAvgMs: 8.395, fsyncTotalMs: 1997.9, throttledWrites: 2, throttledMs: 1.5, dirtyMiBAtEnd: 0.25, readMiB: 12.5, readMiBPerSec: 2.5, reads: 40, cacheHitRatio: 0.4567, sendfileWaitMs: 602.14, evictedMiB: 10, cachedMiBAtEnd: 5 }],
      clientCpu: [{ client: "app", jobs: 467, busyMs: 49.2, utilisation: 0.015 }],
    });
    expect(tables.map((t) => t.id)).toEqual(["perf-client-cpu", "perf-disks"]);
    expect(tables[0].rows[0].cells.map((c) => c.text)).toEqual(["app", "467", "49.2", "1.5 %"]);
    expect(tables[1].head).toEqual(["broker", "written MiB", "busy", "fsyncs", "fsync avg ms", "fsync total ms", "throttled writes", "throttled ms", "dirty MiB at end", "read MiB", "read MiB/s", "disk reads", "page cache hits", "sendfile wait ms", "evicted MiB", "cached MiB at end"]);
    // The page cache's evictions and what it holds at the end are in --json: the page shows them too (a lagging
    // consumer evicting the cache is what lagging-consumer-evicts-page-cache is about).
    expect(tables[1].rows[0].cells.map((c) => c.text)).toEqual(["broker-1", "3.64", "85.0 %", "1,238", "8.395", "1997.9", "2", "1.5", "0.25", "12.50", "2.50", "40", "45.7 %", "602.1", "10.00", "5.00"]);
    expect(tables[1].rows[0].cells[2].hot).toBe(true);
  });

  it("producer figures as kafka-producer-perf-test words them; a producer without acknowledgements shows dashes", () => {
    const [t] = performanceTables({
      ...base,
      producers: [
        { client: "fast", acknowledged: 1234567, failed: 3, recordsPerSec: 821557, mibPerSec: 78.35, latency: { count: 10, avgMs: 2.1, p50Ms: 1, p99Ms: 5, p999Ms: 9, maxMs: 12.345 } },
        { client: "idle", acknowledged: 0, failed: 0, recordsPerSec: 0, mibPerSec: 0, latency: null },
      ],
    });
    expect(t.head).toEqual(["producer", "acknowledged", "failed", "records/s", "MiB/s", "avg ms", "p50 ms", "p99 ms", "p99.9 ms", "max ms"]);
    expect(t.rows[0].cells.map((c) => c.text)).toEqual(["fast", "1,234,567", "3", "821,557", "78.35", "2.10", "1.00", "5.00", "9.00", "12.35"]);
    expect(t.rows[1].cells.slice(5).map((c) => c.text)).toEqual(["—", "—", "—", "—", "—"]);
  });

  it("consumers: the exact end-to-end figures, then as OMB measures them (whole ms); dashes when OMB dropped every sample", () => {
    const lat = (p50Ms: number, p99Ms: number) => ({ count: 10, avgMs: p50Ms, p50Ms, p99Ms, p999Ms: p99Ms, maxMs: p99Ms });
    const [t] = performanceTables({
      ...base,
      consumers: [
        { client: "c1", records: 1000, endToEnd: lat(1.49, 2.25), endToEndMsClock: lat(1, 3) },
        { client: "c2", records: 5, endToEnd: lat(0.3, 0.4), endToEndMsClock: null },
        { client: "perf", records: 2_000_000, endToEnd: lat(1, 2), endToEndMsClock: lat(1, 2), recordsPerSec: 927_087, mibPerSec: 88.41, perfTest: true as const },
      ],
    });
    // records/s and MiB/s are a perf-test consumer's (kafka-consumer-perf-test's figures); dashes for the others.
    expect(t.head).toEqual(["consumer", "records", "records/s", "MiB/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "OMB p50 ms", "OMB p99 ms"]);
    expect(t.rows[0].cells.map((c) => c.text)).toEqual(["c1", "1,000", "—", "—", "1.49", "2.25", "2.25", "2.25", "1", "3"]);
    expect(t.rows[1].cells.slice(8).map((c) => c.text)).toEqual(["—", "—"]);
    expect(t.rows[2].cells.slice(0, 4).map((c) => c.text)).toEqual(["perf", "2,000,000", "927,087", "88.41"]);
  });

  it("brokers: busy shares from HOT_SHARE marked, the blocked column only when a broker was blocked, dashes without brokerCpu or NIC", () => {
    const broker = (name: string, io: number | null, blocked: number | null) => ({ broker: name, requests: 10, requestQueueP50Ms: io === null ? null : 1.5, requestQueueP99Ms: io === null ? null : 9, networkThreadUtilisation: io === null ? null : 0.1, ioThreadUtilisation: io, networkThreadBlocked: blocked });
    const calm = performanceTables({ ...base, brokers: [broker("broker-1", 0.5, 0), broker("broker-2", null, null)] })[0];
    expect(calm.head).not.toContain("network threads blocked");
    expect(calm.rows[1].cells.slice(2).every((c) => c.text === "—")).toBe(true);
    expect(calm.note).not.toContain("Without capacity.brokerCpu");
    expect(performanceTables({ ...base, brokers: [broker("broker-2", null, null)] })[0].note).toContain("Without capacity.brokerCpu requests cost nothing");
    const busy = performanceTables({ ...base, brokers: [broker("broker-1", HOT_SHARE, 0.25), broker("broker-2", 0.79, 0)], nics: [{ host: "broker-1", txMiB: 1, rxMiB: 2, txUtilisation: 0.9, rxUtilisation: 0.2 }] })[0];
    const col = (name: string) => busy.head.indexOf(name);
    expect(col("network threads blocked")).toBeGreaterThan(0);
    expect(busy.rows[0].cells[col("I/O threads busy")]).toEqual({ text: "80.0 %", num: true, hot: true });
    expect(busy.rows[1].cells[col("I/O threads busy")].hot).toBe(false);
    expect(busy.rows[0].cells[col("network threads blocked")].text).toBe("25.0 %");
    expect(busy.rows[0].cells[col("NIC tx busy")]).toEqual({ text: "90.0 %", num: true, hot: true });
    expect(busy.rows[1].cells[col("NIC tx busy")].text).toBe("—");
  });

  it(`partitions: bars against the busiest, shares of all bytes, at most ${MAX_PARTITION_ROWS} rows and a line on the rest`, () => {
    const [t] = performanceTables({ ...base, partitions: [part(0, 6, 2), part(1, 2), part(2, 0)] });
    expect(t.rows.map((r) => r.key)).toEqual(["t-0", "t-1", "t-2"]);
    expect(t.rows.map((r) => r.cells.at(-1)!.bar)).toEqual([{ in: 0.75, out: 0.25 }, { in: 0.25, out: 0 }, { in: 0, out: 0 }]);
    expect(t.rows.map((r) => r.cells[t.head.indexOf("share of in + out")].text)).toEqual(["80.0 %", "20.0 %", "0.0 %"]);
    expect(t.more).toBeNull();
    const many = performanceTables({ ...base, partitions: Array.from({ length: MAX_PARTITION_ROWS + 7 }, (_, i) => part(i, MAX_PARTITION_ROWS + 7 - i)) })[0];
    expect(many.rows).toHaveLength(MAX_PARTITION_ROWS);
    expect(many.more).toBe("7 more partitions are left out here (all are in --json).");
  });
});

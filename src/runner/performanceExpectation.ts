import { z } from "zod";
import type { CheckInput, Checker, Finding } from "../check/input.js";
import { LatencyHistogram } from "../workload/perfTestStats.js";
import { endToEndSamples, perfTestRecordsPerSec, producerRecordsPerSec, produceSamples, summarise, summariseHistogram, type LatencySummary } from "./performance.js";

/** A bound on one figure: at least `min`, at most `max` (either or both), in the figure's unit. */
const bound = z
  .strictObject({
    min: z.number({ error: "must be a number ≥ 0" }).finite().min(0, "must be a number ≥ 0 (latencies and rates are not negative)").optional(),
    max: z.number({ error: "must be a number ≥ 0" }).finite().min(0, "must be a number ≥ 0 (latencies and rates are not negative)").optional(),
  })
  .refine((b) => b.min !== undefined || b.max !== undefined, { error: "needs min, max or both" })
  .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, { error: "min must not exceed max" });

const LATENCY_FIGURES = ["avgMs", "p50Ms", "p99Ms", "p999Ms", "maxMs"] as const;
const THROUGHPUT_FIGURES = ["recordsPerSec"] as const;

const schema = z
  .strictObject({
    /**
     * What is measured: `endToEnd` (send() to the consumer's first poll that returned the record, over the named
     * consumers' records), `produceLatency` (send() to the callback, each producer's steady state), `throughput`
     * (acknowledged records per second as kafka-producer-perf-test measures them, from each producer's first send() to
     * its last acknowledgement, summed over the producers).
     */
    measure: z.enum(["endToEnd", "produceLatency", "throughput"], { error: "must be endToEnd, produceLatency or throughput" }),
    /**
     * endToEnd only: `us` (default), the exact latency in µs of simulated time; `ms`, as OpenMessaging Benchmark
     * measures it (LocalWorker.messageReceived): floor(receipt ms) − floor(send ms) of two millisecond clocks,
     * differences ≤ 0 dropped (runner/performance.ts `endToEndMsClock`).
     */
    clock: z.enum(["us", "ms"], { error: 'must be "us" or "ms"' }).optional(),
    /** The clients measured together (default: every consumer for endToEnd, every producer otherwise). */
    clients: z.array(z.string().min(1)).min(1, "must list at least one client").optional(),
    avgMs: bound.optional(),
    p50Ms: bound.optional(),
    p99Ms: bound.optional(),
    p999Ms: bound.optional(),
    maxMs: bound.optional(),
    recordsPerSec: bound.optional(),
  })
  .superRefine((p, ctx) => {
    const latency = LATENCY_FIGURES.filter((f) => p[f] !== undefined);
    const throughput = THROUGHPUT_FIGURES.filter((f) => p[f] !== undefined);
    if (p.measure === "throughput" && latency.length > 0) ctx.addIssue({ code: "custom", path: [latency[0]], message: `is a latency figure; throughput takes ${THROUGHPUT_FIGURES.join(", ")}` });
    if (p.measure !== "throughput" && throughput.length > 0) ctx.addIssue({ code: "custom", path: [throughput[0]], message: `is a throughput figure; ${p.measure} takes ${LATENCY_FIGURES.join(", ")}` });
    if (p.clock !== undefined && p.measure !== "endToEnd") ctx.addIssue({ code: "custom", path: ["clock"], message: "is for measure: endToEnd (OMB's produce latency is timed with System.nanoTime, exact)" });
    if (latency.length + throughput.length === 0) ctx.addIssue({ code: "custom", message: `needs at least one figure with a bound (${p.measure === "throughput" ? THROUGHPUT_FIGURES.join(", ") : LATENCY_FIGURES.join(", ")})` });
  });

/** The parsed `performance:` parameter. */
export type PerformanceBounds = z.infer<typeof schema>;

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-US") : String(Math.round(n * 1000) / 1000));

/** What a `performance:` expectation measured: the figures (in `unit`) and who, or why nothing was measured. */
type Measured = { none: string } | { what: string; unit: string; values: Partial<Record<(typeof LATENCY_FIGURES)[number] | "recordsPerSec", number>> };

/**
 * The figures a `performance:` expectation judges, from the history: throughput as records/s summed over the chosen
 * producers, latency percentiles in ms over the chosen clients' samples merged (perf-test clients from their
 * histograms, History.perfTest). `none` when nothing was measured, saying why.
 */
function measurePerformance(input: CheckInput, p: PerformanceBounds): Measured {
  // Perf-test clients (perfTest: true) keep counters and histograms instead of ops (History.perfTest).
  const perf = input.history.perfTest;
  if (p.measure === "throughput") {
    const rates = [...[...produceSamples(input.history)].map(([c, s]) => [c, producerRecordsPerSec(s)] as const), ...[...perf.producers].filter(([, x]) => x.firstAckUs !== null).map(([c, x]) => [c, perfTestRecordsPerSec(x)] as const)];
    const samples = rates.filter(([c]) => !p.clients || p.clients.includes(c));
    if (samples.length === 0) return { none: `throughput: no producer${p.clients ? ` of ${p.clients.join(", ")}` : ""} acknowledged anything` };
    const total = samples.reduce((sum, [, r]) => sum + r, 0);
    return { what: `throughput of ${samples.map(([c]) => c).join(", ")} (from the first send() to the last acknowledgement, as kafka-producer-perf-test):`, unit: "records/s", values: { recordsPerSec: Math.round(total) } };
  }
  const msClock = p.clock === "ms";
  const source = p.measure === "endToEnd" ? [...endToEndSamples(input.history)].map(([c, s]) => [c, msClock ? s.msClockLatenciesUs : s.latenciesUs] as const) : [...produceSamples(input.history)].map(([c, s]) => [c, s.latenciesUs] as const);
  const chosen = source.filter(([c]) => !p.clients || p.clients.includes(c));
  const merged = chosen.flatMap(([, l]) => l);
  const perfSource = p.measure === "endToEnd" ? [...perf.consumers].map(([c, x]) => [c, msClock ? x.endToEndMsClock : x.endToEnd] as const) : [...perf.producers].map(([c, x]) => [c, x.latency] as const);
  const perfChosen = perfSource.filter(([c, h]) => h.count > 0 && (!p.clients || p.clients.includes(c)));
  let summary: LatencySummary | null;
  if (perfChosen.length === 0) summary = summarise(merged);
  else {
    // Histograms merged with the listed samples: the same nearest-rank figures as over one list of them all.
    const h = new LatencyHistogram();
    h.addValues(merged);
    for (const [, x] of perfChosen) h.merge(x);
    summary = summariseHistogram(h);
    chosen.push(...perfChosen.map(([c]) => [c, [] as number[]] as const));
  }
  // Produce latency is the steady state's (sends from each producer's first acknowledgement on), as the run's
  // performance lines: the producers table, over the whole run, counts more sends and a start-up tail.
  const label = p.measure === "endToEnd" ? (msClock ? "end-to-end latency (ms clocks, as OMB measures it)" : "end-to-end latency") : "produce latency in the steady state";
  if (!summary) {
    const whose = p.clients ? ` from ${p.clients.join(", ")}` : "";
    const why =
      p.measure === "endToEnd"
        ? "no consumer polled a record whose send() the history holds; a perf-test producer's records are timed only by a perf-test consumer"
        : "only acknowledged sends are timed";
    return { none: `${label}: no samples${whose} (${why})` };
  }
  const values: Record<(typeof LATENCY_FIGURES)[number], number> = { avgMs: summary.avgMs, p50Ms: summary.p50Ms, p99Ms: summary.p99Ms, p999Ms: summary.p999Ms, maxMs: summary.maxMs };
  return { what: `${label} of ${chosen.map(([c]) => c).join(", ")} (${fmt(summary.count)} records):`, unit: "ms", values };
}

/**
 * `performance: { measure, clients?, <figure>: { min?, max? }, ... }`: the run's measured figures lie within the
 * bounds, as a benchmark's published figures are checked (README "Capacity", "Validation"). Latency figures are
 * nearest-rank percentiles in ms of the named clients' samples merged (as OpenMessaging Benchmark merges its
 * workers' histograms and kafka-producer-perf-test ranks its latencies), the same samples as the run's `performance`
 * summary; throughput is the producers' records/s summed, each as kafka-producer-perf-test measures it. Judged from the history alone (send and poll
 * operations), so a real cluster's history could be judged the same way, and for perf-test clients (`perfTest: true`,
 * which record no ops) from their counters and histograms (`History.perfTest`). One finding per figure out of bounds, and
 * one when nothing was measured (no samples: the bound cannot hold).
 */
export const performanceExpectation: Checker<PerformanceBounds> = {
  name: "performance",
  description: "measured latency percentiles or throughput lie within bounds (for validation against published benchmarks)",
  param: {
    example: "performance: { measure: endToEnd, clock: ms, p50Ms: { min: 2, max: 4 }, p99Ms: { max: 8 } }",
    required: true,
    schema,
    // End-to-end latency is a consumer's figure; produce latency and throughput are producers'.
    refs: (p) => ({ [p.measure === "endToEnd" ? "consumers" : "producers"]: (p.clients ?? []).map((name, i) => ({ path: ["clients", i], name })) }),
  },
  run(input, p) {
    if (!p) return [];
    const m = measurePerformance(input, p);
    if ("none" in m) return [{ message: m.none }];
    const out: Finding[] = [];
    for (const [figure, value] of Object.entries(m.values)) {
      const b = p[figure as keyof PerformanceBounds] as { min?: number; max?: number } | undefined;
      if (!b) continue;
      if (b.min !== undefined && value < b.min) out.push({ message: `${m.what} ${figure} ${fmt(value)} ${m.unit} is below the min ${fmt(b.min)} ${m.unit}`, evidence: { figure, value, min: b.min } });
      if (b.max !== undefined && value > b.max) out.push({ message: `${m.what} ${figure} ${fmt(value)} ${m.unit} is above the max ${fmt(b.max)} ${m.unit}`, evidence: { figure, value, max: b.max } });
    }
    return out;
  },
  measured(input, p) {
    if (!p) return [];
    const m = measurePerformance(input, p);
    if ("none" in m) return [m.none];
    const shown = Object.entries(m.values).filter(([f]) => p[f as keyof PerformanceBounds] !== undefined);
    return [`${m.what} ${shown.map(([f, v]) => `${f} ${fmt(v)} ${m.unit}`).join(", ")}`];
  },
};

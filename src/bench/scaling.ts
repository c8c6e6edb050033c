import os from "node:os";
import { REFERENCE_SHAPE, type ReferenceShape } from "./referenceWorkload.js";
import { runShape } from "./rssBench.js";

/**
 * `npm run bench:scaling`: the reference workload at several shapes (duration, partitions, producers, brokers), each
 * in its own process, printed as the Markdown table README's Benchmarks section shows, with the machine and its load.
 */
const shapes: Partial<ReferenceShape>[] = [
  {},
  { durationS: 300 },
  { durationS: 600 },
  { partitions: 60 },
  { partitions: 600 },
  { producers: 3 },
  { brokers: 6 },
];
const rows: string[] = [];
const load = os.loadavg()[0];
for (const s of shapes) {
  const shape = { ...REFERENCE_SHAPE, ...s };
  const f = runShape(shape);
  rows.push(`| ${shape.durationS} s | ${shape.partitions} | ${shape.producers} | ${shape.brokers} | ${f.events.toLocaleString("en")} | ${f.simulatedMsPerWallMs} | ${(f.checksShare * 100).toFixed(1)} % | ${f.peakRssMb} |`);
  process.stderr.write(rows[rows.length - 1] + "\n");
}
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
process.stdout.write(
  [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, Node ${process.version}, load average ${load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} (start → end).`,
    "",
    "| duration | partitions | producers | brokers | events | sim ms / wall ms | checks | peak RSS (MB) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
  ].join("\n"),
);

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ReferenceShape } from "./referenceWorkload.js";

export interface ShapeFigures {
  simulatedMsPerWallMs: number;
  wallMs: number;
  checksShare: number;
  events: number;
  status: string;
  peakRssMb: number;
}

/**
 * Runs one reference-workload shape in a fresh Node process (so its peak RSS is the run's alone: the parent's
 * earlier figures do not count) and returns its figures. Throws when the child fails.
 */
export function runShape(shape: Partial<ReferenceShape>): ShapeFigures {
  const child = fileURLToPath(new URL("./rssChild.js", import.meta.url));
  const out = execFileSync(process.execPath, [child, JSON.stringify(shape)], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split("\n").pop()!) as ShapeFigures;
}

/** `kafka.peakRssMb`: peak RSS of a 10-minute reference run, checks included, in its own process. */
export function peakRssOfTenMinuteRun(): { peakRssMb: number; tenMinuteRun: ShapeFigures } {
  const f = runShape({ durationS: 600 });
  return { peakRssMb: f.peakRssMb, tenMinuteRun: f };
}

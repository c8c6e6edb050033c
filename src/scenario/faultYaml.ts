import type { FaultOp, LatencyModel } from "../sim/index.js";
import { formatDurationMs } from "./duration.js";

const us = (x: number) => formatDurationMs(x / 1000);

function latencyYaml(l: LatencyModel): Record<string, unknown> {
  switch (l.model) {
    case "constant":
      return { model: "constant", value: us(l.valueUs) };
    case "uniform":
      return { model: "uniform", min: us(l.minUs), max: us(l.maxUs) };
    case "normal":
      return { model: "normal", mean: us(l.meanUs), stddev: us(l.stddevUs) };
    case "lognormal":
      return { model: "lognormal", median: us(l.medianUs), sigma: l.sigma };
    case "pareto":
      return { model: "pareto", scale: us(l.scaleUs), shape: l.shape };
  }
}

/** A fault as a scenario file writes it (the inverse of resolveFault), so a schedule can be saved and replayed. */
export function faultToYaml(op: FaultOp): Record<string, unknown> {
  const out: Record<string, unknown> = { at: formatDurationMs(op.atMs) };
  switch (op.op) {
    case "crash":
      out.crash = op.node;
      if (op.loseUnflushed) out.loseUnflushed = true;
      break;
    case "restart":
    case "shutdown":
    case "pause":
    case "resume":
    case "isolate":
      out[op.op] = op.node;
      break;
    case "partition":
      out.partition = op.groups;
      break;
    case "partition-one-way":
      out.partition = { from: op.from, to: op.to };
      break;
    case "heal":
      out.heal = "all";
      break;
    case "slow-link":
      out["slow-link"] = { between: op.between, latency: latencyYaml(op.latency), ...(op.oneWay ? { oneWay: true } : {}) };
      break;
  }
  if ("forMs" in op && op.forMs !== undefined) out.for = formatDurationMs(op.forMs);
  return out;
}

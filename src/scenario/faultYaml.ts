import type { FaultOp, FaultTrigger, LatencyModel } from "../sim/index.js";
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
  const out: Record<string, unknown> = op.on && op.atMs === 0 ? {} : { at: formatDurationMs(op.atMs) };
  if (op.on) out.on = triggerYaml(op.on);
  switch (op.op) {
    case "crash":
      out.crash = op.node;
      if (op.loseUnflushed) out.loseUnflushed = true;
      break;
    case "replace-disk":
      out.replaceDisk = op.node;
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
    case "hold":
      // The scenario layer holds an API's requests and responses: its first type is the API's name.
      out.hold = { from: op.from, to: op.to, api: op.types[0], ...(op.count !== undefined ? { count: op.count } : {}) };
      break;
    case "slow-link":
      out["slow-link"] = { between: op.between, latency: latencyYaml(op.latency), ...(op.oneWay ? { oneWay: true } : {}) };
      break;
  }
  if ("forMs" in op && op.forMs !== undefined) out.for = formatDurationMs(op.forMs);
  if (op.until) out.until = triggerYaml(op.until);
  return out;
}

function triggerYaml(t: FaultTrigger): Record<string, unknown> {
  return {
    ...(t.actor !== undefined ? { actor: t.actor } : {}),
    event: t.event,
    ...(t.where !== undefined ? { where: { ...t.where } } : {}),
    ...(t.nth !== 1 ? { nth: t.nth } : {}),
    ...(t.delayMs > 0 ? { delay: formatDurationMs(t.delayMs) } : {}),
  };
}

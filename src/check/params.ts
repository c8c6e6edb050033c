import { z } from "zod";
import { parseDurationMs } from "../common/duration.js";

/**
 * A checker's parameter, as scenario files write it after the check's name (`noUnavailability: 15s`,
 * `rebalances: { group: billing, max: 2 }`): a zod schema that parses the YAML value into what `run` receives,
 * checked when the scenario loads (a bad one is bad input, exit 2 at its path). `refs` names the clients, groups
 * and topic-partitions it mentions, so the loader can check they exist in the scenario.
 */
export interface ParamSpec<P> {
  /** How a valid one reads, for error messages. */
  example: string;
  /** The check means nothing without it (e.g. zombieFenced: <instance>). */
  required?: boolean;
  schema: z.ZodType<P>;
  refs?: (p: P) => ParamRefs;
}

/** Names a parameter refers to, each with its path inside the parameter (for the error message). */
export interface ParamRefs {
  clients?: { path: (string | number)[]; name: string }[];
  groups?: { path: (string | number)[]; name: string }[];
  /** `topic-partition` names. */
  partitions?: { path: (string | number)[]; name: string }[];
  /** Clients that must be producers (a figure only a producer has, e.g. produce latency). */
  producers?: { path: (string | number)[]; name: string }[];
  /** Clients that must be consumers (a figure only a consumer has, e.g. end-to-end latency). */
  consumers?: { path: (string | number)[]; name: string }[];
}

const DURATION_HELP = 'a duration with a unit, like "250ms", "30s" or "2m"';

/** A parameter's value as the file wrote it: YAML's .nan and .inf, not JSON's null. */
function asWritten(v: unknown): string {
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf";
  return JSON.stringify(v) ?? String(v);
}

/** A duration with a unit → milliseconds. */
export const durationMs = z.unknown().transform((v, ctx) => {
  // z.unknown() lets a missing key through to here (a required parameter left out): not "got undefined".
  if (v === undefined) {
    ctx.addIssue({ code: "custom", message: "is required" });
    return z.NEVER;
  }
  const ms = parseDurationMs(v);
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: `must be ${DURATION_HELP} (got ${asWritten(v)})` });
    return z.NEVER;
  }
  return ms;
});

/**
 * A window or bound that must be longer than 0 (noUnavailability's gap, a storm's window, a progress window): 0s
 * would make every moment a finding, and a negative one means nothing.
 */
export const positiveDurationMs = z.unknown().transform((v, ctx) => {
  // z.unknown() lets a missing key through to here (a required parameter left out): not "got undefined".
  if (v === undefined) {
    ctx.addIssue({ code: "custom", message: "is required" });
    return z.NEVER;
  }
  const ms = parseDurationMs(v);
  const negative = typeof v === "string" ? /^\s*-/.test(v) && parseDurationMs(v.trim().slice(1)) !== null : typeof v === "number" && v < 0;
  if (ms === null && !negative) {
    ctx.addIssue({ code: "custom", message: `must be ${DURATION_HELP} (got ${asWritten(v)})` });
    return z.NEVER;
  }
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: "custom", message: `must be a duration > 0, like "10s" (got ${asWritten(v)})` });
    return z.NEVER;
  }
  return ms;
});

export const nameParam = z.string({ error: "must be a name" }).min(1, "must not be empty");

export const countParam = z.number({ error: "must be a whole number ≥ 0" }).int("must be a whole number ≥ 0").min(0, "must be a whole number ≥ 0");

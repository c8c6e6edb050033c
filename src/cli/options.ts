import { parseSeedText, SEED_RULE } from "../common/seed.js";
import { isWholeMicros, parseDurationMs, WHOLE_MICROS_RULE } from "../scenario/duration.js";
import { MAX_DURATION, spacedHint } from "../scenario/schema.js";

/** Thrown for a bad command-line value: printed alone, exit 2. */
export class UsageError extends Error {}

/** `--seed N` (`flag` names it in the message): an integer, as a scenario's `seed:` (src/common/seed.ts); else exit 2. */
export function parseSeed(v: unknown, flag = "--seed"): number | undefined {
  if (v === undefined) return undefined;
  const n = parseSeedText(String(v));
  if (n === null) throw new UsageError(`${flag}: ${SEED_RULE} (got ${JSON.stringify(v)})`);
  return n;
}

/**
 * `--duration 30s` (`flag` names it in the message) → ms: a positive duration with a unit, at most 365 days as a
 * scenario's `duration:` (schema.ts MAX_DURATION); else exit 2.
 */
export function parseDurationOption(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = parseDurationMs(String(v));
  if (ms === null || ms <= 0)
    throw new UsageError(`${flag}: must be a positive duration with a unit, like 30s or 2m${spacedHint(String(v))} (got ${JSON.stringify(v)})`);
  if (ms > MAX_DURATION) throw new UsageError(`${flag}: must be at most 365 days, as a scenario's duration: (got ${JSON.stringify(v)})`);
  if (!isWholeMicros(ms)) throw new UsageError(`${flag}: ${WHOLE_MICROS_RULE} (got ${JSON.stringify(v)})`);
  return ms;
}

export function parsePositiveInt(v: unknown, flag: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag}: must be a whole number ≥ 1 (got ${JSON.stringify(v)})`);
  return n;
}

/** `--shard K/N`: this process runs the seeds whose position modulo N is K-1. */
export function parseShard(v: unknown): { k: number; n: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(String(v));
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]))
    throw new UsageError(`--shard: must be K/N with 1 ≤ K ≤ N, like 2/4 (got ${JSON.stringify(v)})`);
  return { k: Number(m[1]), n: Number(m[2]) };
}

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { TimedOutcome } from "./seedTask.js";
import { UsageError } from "./options.js";
import { RARE_MOMENT_NAMES, type MomentCounts } from "../runner/rareMoments.js";

/**
 * `explore --shard K/N --out FILE.jsonl` (and `compare`): one JSON line per seed after one header line, so a sweep can
 * run as N jobs on the scheduler a team already has (a CI matrix, a Kubernetes Indexed Job) and `kafkasim merge`
 * can table them as one run. The header says what was run; merge refuses files whose headers disagree.
 */
export interface ShardHeader {
  kafkasim: "sweep-shard";
  version: 1;
  command: "explore" | "compare";
  scenario: string;
  file: string;
  /** sha256 of the scenario file's bytes: shards of an edited file are not one sweep. */
  scenarioSha256: string;
  from: number;
  /** How many seeds the whole sweep has (all shards). */
  seeds: number;
  shard: { k: number; n: number };
  /** compare: the variants' `--set` texts, in order ([] for explore). */
  variants: string[];
  durationMs: number | null;
  checkDeterminism: boolean;
  /** Whether every seed of this shard finished (false after Ctrl-C). */
  complete: boolean;
  /** A sweep scenario's `sweep.finds` (the table names them). */
  finds?: string[];
  /** explore: the `--set KEY=VALUE` changes every seed ran with (absent: none). */
  sets?: string[];
}

/** One seed's line. `moments` lists only moments reached (the rest were 0). */
export interface ShardLine {
  seed: number;
  variant: number;
  status: string;
  failed: string[];
  firstFinding: string;
  digest: string;
  events: number;
  wallMs: number;
  moments: Partial<MomentCounts>;
  drawn?: Record<string, unknown>;
  determinism?: TimedOutcome["determinism"];
}

export function fileSha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** The seeds a shard runs: positions i in [0, count) with i mod n = k-1, from `from`. */
export function shardSeeds(from: number, count: number, shard?: { k: number; n: number }): number[] {
  const seeds: number[] = [];
  for (let i = 0; i < count; i++) if (!shard || i % shard.n === shard.k - 1) seeds.push(from + i);
  return seeds;
}

/** The file's text: the header, then one line per finished seed in (variant, seed) order. */
export function shardText(h: ShardHeader, outcomes: readonly TimedOutcome[]): string {
  const sorted = [...outcomes].sort((a, b) => a.variant - b.variant || a.seed - b.seed);
  const lines = sorted.map((o): ShardLine => {
    const moments: Partial<MomentCounts> = {};
    for (const n of RARE_MOMENT_NAMES) if (o.moments[n] > 0) moments[n] = o.moments[n];
    return {
      seed: o.seed,
      variant: o.variant,
      status: o.status,
      failed: o.failed,
      firstFinding: o.firstFinding,
      digest: o.digest,
      events: o.events,
      wallMs: Math.round(o.wallMs * 1000) / 1000,
      moments,
      ...(o.drawn ? { drawn: o.drawn } : {}),
      ...(o.determinism ? { determinism: o.determinism } : {}),
    };
  });
  return [h, ...lines].map((x) => JSON.stringify(x)).join("\n") + "\n";
}

/** A shard file read back: its header and its seeds as outcomes. Throws UsageError naming the file and line. */
export function readShardFile(path: string, shown: string): { header: ShardHeader; outcomes: TimedOutcome[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`${shown}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const rows = text.split("\n").filter((l) => l.trim() !== "");
  const parse = (l: string, i: number): unknown => {
    try {
      return JSON.parse(l);
    } catch {
      throw new UsageError(`${shown}: line ${i + 1}: not JSON (a shard file from kafkasim explore --shard K/N --out FILE)`);
    }
  };
  const header = rows.length > 0 ? (parse(rows[0], 0) as ShardHeader) : null;
  if (!header || header.kafkasim !== "sweep-shard" || header.version !== 1) throw new UsageError(`${shown}: not a kafkasim shard file (its first line must be the header written by explore --shard K/N --out FILE)`);
  const outcomes = rows.slice(1).map((l, i) => {
    const x = parse(l, i + 1) as ShardLine;
    if (typeof x.seed !== "number" || typeof x.status !== "string" || !Array.isArray(x.failed)) throw new UsageError(`${shown}: line ${i + 2}: not a seed line`);
    const moments = Object.fromEntries(RARE_MOMENT_NAMES.map((n) => [n, x.moments?.[n] ?? 0])) as MomentCounts;
    const o: TimedOutcome = {
      seed: x.seed,
      variant: x.variant ?? 0,
      status: x.status as TimedOutcome["status"],
      ok: x.status === "ok",
      failed: x.failed,
      firstFinding: x.firstFinding ?? "",
      digest: x.digest,
      events: x.events ?? 0,
      wallMs: x.wallMs ?? 0,
      moments,
      drawn: x.drawn ?? null,
      ...(x.determinism ? { determinism: x.determinism } : {}),
    };
    return o;
  });
  return { header, outcomes };
}

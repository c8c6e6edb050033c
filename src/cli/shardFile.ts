import { createHash } from "node:crypto";
import { fileKindOf, unreadable, wrongFileKind } from "../scenario/fileKind.js";
import { readFileSync } from "node:fs";
import { type BoundedRead, MAX_LARGE_INPUT_BYTES, overLimit, readBounded } from "../common/readBounded.js";
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

/** The statuses a seed line may have: a run's (runner/run.ts RunStatus) or a determinism mismatch. */
const SEED_STATUSES = ["ok", "expectation-failed", "invariant-broken", "did-not-converge", "livelock", "event-budget", "nondeterministic"];

/**
 * A field's value for a message. JSON.parse turns a number too large for a double (1e400) into Infinity, which
 * JSON.stringify would print as null: say what it became.
 */
function shown(v: unknown): string {
  if (typeof v === "number" && !Number.isFinite(v)) return `${v} (a number too large to hold)`;
  const j = JSON.stringify(v);
  return j === undefined ? "nothing" : j.length > 60 ? `${j.slice(0, 57)}...` : j;
}

type Rule = [field: string, ok: (v: unknown) => boolean, allowed: string];
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isStrings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const optional = (test: (v: unknown) => boolean) => (v: unknown) => v === undefined || test(v);

/** What explore --shard --out writes in a header (shardText); anything else is refused at its field. */
const HEADER_RULES: Rule[] = [
  ["command", (v) => v === "explore" || v === "compare", '"explore" or "compare"'],
  ["scenario", (v) => typeof v === "string", "a string"],
  ["file", (v) => typeof v === "string", "a string"],
  ["scenarioSha256", (v) => typeof v === "string", "a string"],
  ["from", (v) => Number.isSafeInteger(v), "an integer seed"],
  ["seeds", (v) => Number.isSafeInteger(v) && (v as number) >= 1, "a whole number ≥ 1"],
  ["shard", (v) => isObject(v) && Number.isSafeInteger(v.k) && Number.isSafeInteger(v.n) && (v.k as number) >= 1 && (v.k as number) <= (v.n as number), "{k, n} with 1 ≤ k ≤ n"],
  ["variants", isStrings, "a list of strings"],
  ["durationMs", (v) => v === null || (typeof v === "number" && Number.isFinite(v) && v > 0), "null or a number of ms > 0"],
  ["checkDeterminism", (v) => typeof v === "boolean", "true or false"],
  ["complete", (v) => typeof v === "boolean", "true or false"],
  ["finds", optional(isStrings), "a list of strings"],
  ["sets", optional(isStrings), "a list of strings"],
];

/** What a seed line holds (ShardLine). */
const LINE_RULES: Rule[] = [
  ["seed", (v) => Number.isSafeInteger(v), "an integer seed"],
  ["variant", optional(isCount), "a whole number ≥ 0"],
  ["status", (v) => typeof v === "string" && SEED_STATUSES.includes(v), SEED_STATUSES.join(", ")],
  ["failed", isStrings, "a list of strings"],
  ["firstFinding", optional((v) => typeof v === "string"), "a string"],
  ["digest", (v) => typeof v === "string", "a string"],
  ["events", optional(isCount), "a whole number ≥ 0"],
  ["wallMs", optional((v) => typeof v === "number" && Number.isFinite(v) && v >= 0), "a number of ms ≥ 0"],
  ["moments", optional((v) => isObject(v) && Object.values(v).every(isCount)), "a map of moment names to whole numbers ≥ 0"],
  ["drawn", optional(isObject), "a map"],
  ["determinism", optional(isObject), "a map"],
];

function checkFields(x: Record<string, unknown>, rules: Rule[], where: string): void {
  for (const [field, ok, allowed] of rules) if (!ok(x[field])) throw new UsageError(`${where}: ${field}: must be ${allowed} (got ${shown(x[field])})`);
}

/** A shard file read back: its header and its seeds as outcomes. Throws UsageError naming the file and line. */
export function readShardFile(path: string, shownName: string): { header: ShardHeader; outcomes: TimedOutcome[] } {
  let read: BoundedRead;
  try {
    read = readBounded(path, MAX_LARGE_INPUT_BYTES);
  } catch (e) {
    throw new UsageError(`${shownName}: ${unreadable(e, "a shard")}`);
  }
  if (read.over) throw new UsageError(`${shownName}: ${overLimit(read, "500 MiB")}; merge reads shard files up to 500 MiB (${MAX_LARGE_INPUT_BYTES} bytes)`);
  const text = read.bytes.toString("utf8");
  // A scenario, history, trace or summary given to merge: say what it is, not "line 1: not JSON".
  const kind = fileKindOf(text);
  if (kind !== null && kind !== "shard") throw new UsageError(`${shownName}: ${wrongFileKind(kind, "a shard file")}`);
  // Each row keeps its line number in the file (blank lines are skipped, not renumbered).
  const rows = text.split("\n").flatMap((l, i) => (l.trim() === "" ? [] : [{ l, line: i + 1 }]));
  const parse = ({ l, line }: { l: string; line: number }): unknown => {
    try {
      return JSON.parse(l);
    } catch {
      throw new UsageError(`${shownName}: line ${line}: not JSON (a shard file from kafkasim explore --shard K/N --out FILE)`);
    }
  };
  const first = rows.length > 0 ? parse(rows[0]) : null;
  if (!isObject(first) || first.kafkasim !== "sweep-shard" || first.version !== 1) throw new UsageError(`${shownName}: not a kafkasim shard file (its first line must be the header written by explore --shard K/N --out FILE)`);
  checkFields(first, HEADER_RULES, `${shownName}: line ${rows[0].line}`);
  const header = first as unknown as ShardHeader;
  const outcomes = rows.slice(1).map((row) => {
    const raw = parse(row);
    if (!isObject(raw)) throw new UsageError(`${shownName}: line ${row.line}: not a seed line (must be a JSON object)`);
    checkFields(raw, LINE_RULES, `${shownName}: line ${row.line}`);
    const x = raw as unknown as ShardLine;
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

/** How many seeds shardSeeds(from, count, shard) lists, without listing them (a header may claim 2^53 seeds). */
export function shardSeedCount(count: number, shard: { k: number; n: number }): number {
  return count >= shard.k ? Math.floor((count - shard.k) / shard.n) + 1 : 0;
}

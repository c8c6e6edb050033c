import type { ChalkInstance } from "chalk";
import type { CliIO } from "./io.js";
import { UsageError } from "./options.js";
import { resolve } from "node:path";
import type { TimedOutcome } from "./seedTask.js";
import { readShardFile, type ShardHeader, shardSeedCount, shardSeeds } from "./shardFile.js";
import { formatSweep, summarizeSweep } from "./sweepSummary.js";
import { formatCompare, summarizeCompare } from "./compareSummary.js";

export interface MergeArgs {
  files: string[];
  json?: boolean;
}

/** Header fields every shard of one sweep shares. */
const SAME: (keyof ShardHeader)[] = ["command", "scenario", "file", "scenarioSha256", "from", "seeds", "variants", "durationMs", "checkDeterminism", "sets"];

/**
 * `kafkasim merge FILE...`: the shard files of one sweep (explore or compare with --shard K/N --out FILE) tabled as
 * one run over all seeds: the same table, `--json` object (timing fields aside) and exit code. Refused (exit 2):
 * files from different sweeps, two files for one shard or one seed, a missing shard, an interrupted shard.
 */
export function mergeCommand(args: MergeArgs, io: CliIO, c: ChalkInstance): number {
  if (args.files.length === 0) throw new UsageError("merge: name the shard files, e.g. kafkasim merge shard-*.jsonl");
  const shards = args.files.map((f) => ({ name: f, ...readShardFile(resolve(io.cwd, f), f) }));
  const first = shards[0];
  const n = first.header.shard.n;
  const byK = new Map<number, string>();
  for (const s of shards) {
    for (const k of SAME)
      if (JSON.stringify(s.header[k]) !== JSON.stringify(first.header[k]))
        throw new UsageError(`merge: ${s.name} and ${first.name} are not shards of one sweep (${k}: ${JSON.stringify(s.header[k])} vs ${JSON.stringify(first.header[k])})`);
    if (s.header.shard.n !== n) throw new UsageError(`merge: ${s.name} is shard ${s.header.shard.k}/${s.header.shard.n}, ${first.name} is one of ${n}`);
    const other = byK.get(s.header.shard.k);
    if (other !== undefined) throw new UsageError(`merge: ${s.name} and ${other} are both shard ${s.header.shard.k}/${n} (overlapping seeds)`);
    byK.set(s.header.shard.k, s.name);
    if (!s.header.complete) throw new UsageError(`merge: ${s.name} is an interrupted shard (Ctrl-C): run shard ${s.header.shard.k}/${n} again`);
    const variants = Math.max(1, s.header.variants.length);
    // Count before listing: a header claiming far more seeds than the file has lines is refused without a huge list.
    if (shardSeedCount(s.header.seeds, s.header.shard) * variants !== s.outcomes.length)
      throw new UsageError(`merge: ${s.name} does not hold the seeds of shard ${s.header.shard.k}/${n} (${s.outcomes.length} lines, ${shardSeedCount(s.header.seeds, s.header.shard) * variants} expected)`);
    const want = shardSeeds(s.header.from, s.header.seeds, s.header.shard);
    const got = new Set(s.outcomes.map((o) => `${o.variant}:${o.seed}`));
    if (got.size !== s.outcomes.length) throw new UsageError(`merge: ${s.name} holds a seed twice`);
    const missing = want.length * variants - s.outcomes.filter((o) => want.includes(o.seed) && o.variant < variants).length;
    if (missing !== 0 || s.outcomes.length !== want.length * variants) {
      // The count is right here (checked above): say which seed is absent and which line does not belong.
      const wantSet = new Set(want);
      const stray = s.outcomes.find((o) => !wantSet.has(o.seed) || o.variant >= variants);
      const absentSeed = want.find((seed) => !s.outcomes.some((o) => o.seed === seed));
      const why = [absentSeed !== undefined ? `no line for seed ${absentSeed}` : "", stray ? `seed ${stray.seed}${stray.variant >= variants ? ` variant ${stray.variant}` : ""} is not one of its seeds` : ""].filter(Boolean).join("; ");
      throw new UsageError(`merge: ${s.name} does not hold the seeds of shard ${s.header.shard.k}/${n} (${why || `${s.outcomes.length} lines, ${want.length * variants} expected`})`);
    }
  }
  const absent = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !byK.has(k));
  if (absent.length > 0) throw new UsageError(`merge: missing shard${absent.length > 1 ? "s" : ""} ${absent.map((k) => `${k}/${n}`).join(", ")} (of ${first.header.scenario}, ${first.header.seeds} seeds)`);
  const all: TimedOutcome[] = shards.flatMap((s) => s.outcomes);
  // Merged wall time: the seeds' own times summed (what one worker would have taken).
  const wallMs = all.reduce((t, o) => t + o.wallMs, 0);
  const h = first.header;
  if (h.command === "compare") {
    const s = summarizeCompare(all, { scenario: h.scenario, file: h.file, from: h.from, variants: h.variants, asked: h.seeds, interrupted: false, wallMs });
    if (args.json) io.out(JSON.stringify(s));
    else for (const l of formatCompare(s, c)) io.out(l);
    return 0;
  }
  const s = summarizeSweep(all, { scenario: h.scenario, file: h.file, sets: h.sets, durationMs: h.durationMs ?? undefined, from: h.from, asked: h.seeds, interrupted: false, wallMs });
  if (args.json) io.out(JSON.stringify(s));
  else for (const l of formatSweep(s, c, h.finds)) io.out(l);
  return s.failures.length === 0 ? 0 : 1;
}

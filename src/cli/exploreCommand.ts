import cliProgress from "cli-progress";
import type { ChalkInstance } from "chalk";
import { loadScenario } from "../scenario/load.js";
import { replayLine } from "../report/summary.js";
import { runScenario } from "../runner/run.js";
import type { CliIO } from "./io.js";
import { parsePositiveInt, parseSeed, parseShard, UsageError } from "./options.js";
import { findScenario } from "./scenarioFiles.js";

export interface ExploreArgs {
  scenario: string;
  seeds: unknown;
  from?: unknown;
  shard?: unknown;
  json?: boolean;
}

interface Failure {
  seed: number;
  status: string;
  failed: string[];
}

/** Runs many seeds one after another and tables the ones whose expectations fail. */
export function exploreCommand(args: ExploreArgs, io: CliIO, c: ChalkInstance): number {
  const file = findScenario(args.scenario, io.cwd);
  const count = parsePositiveInt(args.seeds, "--seeds");
  const fromRaw = parseSeed(args.from);
  if (typeof fromRaw === "string") throw new UsageError("--from: must be an integer seed");
  const shard = parseShard(args.shard);
  const scenario = loadScenario(file);
  const from = fromRaw ?? (typeof scenario.seed === "number" ? scenario.seed : 1);
  const seeds: number[] = [];
  for (let i = 0; i < count; i++) if (!shard || i % shard.n === shard.k - 1) seeds.push(from + i);

  const bar =
    io.interactive && !args.json
      ? new cliProgress.SingleBar(
          { format: "  {bar} {value}/{total} seeds  {failed} failing", stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(seeds.length, 0, { failed: 0 });
  const failures: Failure[] = [];
  const started = performance.now();
  let events = 0;
  for (const seed of seeds) {
    const r = runScenario(scenario, { seed });
    events += r.events;
    if (!r.ok) failures.push({ seed, status: r.status, failed: [...r.checks.filter((x) => !x.ok).map((x) => x.name), ...r.invariantViolations.slice(0, 1).map(() => "invariant")] });
    bar?.increment(1, { failed: failures.length });
  }
  bar?.stop();
  const wallMs = performance.now() - started;
  if (args.json) {
    io.out(JSON.stringify({ scenario: scenario.name, file, seeds: seeds.length, from, failures, events, wallMs: Math.round(wallMs), seedsPerSec: seeds.length / (wallMs / 1000), ok: failures.length === 0 }));
  } else {
    io.out(`${scenario.name}: ${seeds.length} seeds from ${from}, ${failures.length} failing  ${c.dim(`(${Math.round(wallMs)}ms wall, ${events} events)`)}`);
    if (failures.length > 0) {
      const byCheck = new Map<string, number[]>();
      for (const f of failures) for (const name of f.failed.length ? f.failed : [f.status]) byCheck.set(name, [...(byCheck.get(name) ?? []), f.seed]);
      io.out(c.bold("  failing check".padEnd(40) + "seeds"));
      for (const [name, s] of byCheck) io.out(`  ${name.padEnd(38)}${s.slice(0, 12).join(" ")}${s.length > 12 ? ` ... (${s.length})` : ""}`);
      io.out(c.dim(`  replay one: ${replayLine({ file, seed: failures[0].seed })}`));
    }
  }
  return failures.length === 0 ? 0 : 1;
}

import { basename, join } from "node:path";
import type { ChalkInstance } from "chalk";
import YAML from "yaml";
import { ADMIN_VERBS } from "../scenario/adminOps.js";
import { faultToYaml } from "../scenario/faultYaml.js";
import { readScenarioText } from "../scenario/load.js";
import { applyOverride, parseOverride } from "../scenario/overrides.js";
import { generatedFaults } from "../scenario/world.js";
import { checkWorkBudget } from "../scenario/workEstimate.js";
import { formatPath } from "../scenario/errors.js";
import { describeDrawn } from "../scenario/swarm.js";
import { scenarioForSeed } from "../scenario/swarmScenario.js";
import { describeFault } from "../sim/index.js";
import { shrinkFaults } from "../runner/shrink.js";
import { shellQuote } from "../report/shellQuote.js";
import type { CliIO } from "./io.js";
import { parseDurationOption, parseSeed } from "./options.js";
import { formatDurationMs } from "../common/duration.js";
import { checkOutputDir, makeOutputDir, writeOutputFile } from "./outputPaths.js";
import { findScenario } from "./scenarioFiles.js";
import { loadWithSets, setTexts } from "./setOption.js";

export interface ShrinkArgs {
  scenario: string;
  seed?: unknown;
  out?: string;
  /** `--set KEY=VALUE` (repeatable): the changes the failing run had; the new file has them written in. */
  set?: unknown;
  /** `--duration`: the simulated time the failing run had, when not the scenario's; the new file says it. */
  duration?: unknown;
}

/**
 * `kafkasim shrink`: the smallest fault schedule that still fails the same way, written as a new scenario file (a
 * swarm scenario's knobs written as the values the seed drew: a concrete scenario).
 * Exit 0 when it wrote a failing scenario (smaller, or already minimal), 1 when the run does not fail (nothing to
 * reproduce), 2 for bad input.
 */
export function shrinkCommand(args: ShrinkArgs, io: CliIO, c: ChalkInstance): number {
  const seedArg = parseSeed(args.seed);
  const durationMs = parseDurationOption(args.duration, "--duration");
  const dir = checkOutputDir(args.out ?? "reports", "--out", io.cwd, "the shrunk scenario");
  const file = findScenario(args.scenario, io.cwd);
  const sets = setTexts(args.set);
  const loaded = loadWithSets(file, sets, durationMs);
  const seed = seedArg ?? loaded.seed;
  // A swarm scenario: the configuration this seed draws is what failed; the shrunk file fixes it.
  const drawn = scenarioForSeed(loaded, seed);
  const scenario = durationMs !== undefined ? { ...drawn, durationMs } : drawn;
  checkWorkBudget(scenario); // before building anything: a scenario too big to run is refused with the reason
  const faults = [...scenario.faults, ...generatedFaults(scenario, seed)].sort((a, b) => a.atMs - b.atMs);
  const result = shrinkFaults(scenario, seed, faults);
  if (!result) {
    io.out(`${scenario.name} --seed ${seed}: every expectation holds, so there is no failure to reproduce and nothing to shrink.`);
    return 1;
  }
  // The new file is the original with its faults replaced and the seed fixed.
  // With --set changes the file is rewritten from its data with them applied (its comments are lost then).
  const doc = sets.length > 0 ? new YAML.Document(sets.map(parseOverride).reduce(applyOverride, YAML.parse(readScenarioText(file)) as unknown)) : YAML.parseDocument(readScenarioText(file));
  doc.set("name", `${scenario.name}-shrunk`);
  doc.set("seed", seed);
  if (durationMs !== undefined) doc.set("duration", formatDurationMs(durationMs));
  doc.delete("randomFaults");
  // A sweep's `finds` (the expectations some seeds break) speaks of the generator's seeds; the shrunk file is one
  // fixed failing run, not a sweep, and the comment that came with it would name seeds it no longer has.
  doc.delete("sweep");
  // The admin calls (operator verbs) stay as written: shrinking varies the injected faults only, and every run it
  // made had them.
  const adminEntries = (scenario.adminOps.length > 0 ? (doc.toJS() as { faults?: Record<string, unknown>[] }).faults ?? [] : []).filter((e) => ADMIN_VERBS.some((v) => e[v] !== undefined));
  doc.set("faults", [...result.shrunk.map(faultToYaml), ...adminEntries]);
  // The description told the original story; say what this file is before it.
  const description = doc.get("description");
  doc.set("description", `Shrunk by kafkasim shrink from ${scenario.name} at seed ${seed}: the fewest faults that still fail ${result.failing[0]}. The original description follows (its fault times and durations may no longer match). ${typeof description === "string" ? description : ""}`.trim());
  // randomFaults is gone (the shrunk schedule replaces it), and with it its knobs.
  for (const k of scenario.swarm?.knobs ?? []) if (k.path[0] !== "randomFaults") doc.setIn(k.path, doc.createNode(scenario.swarm!.drawn[formatPath(k.path)]));
  makeOutputDir(dir, "--out");
  const outFile = join(dir, `${basename(file).replace(/\.ya?ml$/, "")}-shrunk-seed-${String(seed).replace(/[^A-Za-z0-9_.-]/g, "_")}.yaml`);
  writeOutputFile(outFile, doc.toString(), "--out");
  io.out(`${scenario.name} --seed ${seed} fails ${result.failing.join(", ")}`);
  if (scenario.swarm) io.out(`with the configuration it drew: ${describeDrawn(scenario.swarm.drawn)}`);
  const count = (n: number) => `${n} fault${n === 1 ? "" : "s"}`;
  io.out(
    result.shrunk.length < result.original.length
      ? `shrunk ${count(result.original.length)} to ${result.shrunk.length} in ${result.runs} runs:`
      : `kept ${count(result.original.length)} (none can go), shortened where it still fails, in ${result.runs} runs:`,
  );
  for (const f of result.shrunk) io.out(`  ${(f.atMs / 1000).toFixed(3).padStart(8)}s  ${describeFault(f)}`);
  if (adminEntries.length > 0) io.out(`kept the ${adminEntries.length} admin call${adminEntries.length === 1 ? "" : "s"} as written (shrink varies injected faults only)`);
  io.out(c.dim(`written to ${outFile}; replay: kafkasim run ${shellQuote(outFile)}`));
  return 0;
}

import { relative } from "node:path";
import type { ChalkInstance } from "chalk";
import { ScenarioError } from "../scenario/errors.js";
import { loadScenario } from "../scenario/load.js";
import type { CliIO } from "./io.js";
import { listScenarioFiles, shippedScenarioDir } from "./scenarioFiles.js";

/** First sentence of a description, for one-line listings. */
function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const m = /^(.+?[.!?])(\s|$)/.exec(flat);
  return m ? m[1] : flat;
}

/** `kafkasim list`: the shipped scenarios by name (engine demos last), each with its description's first sentence. */
export function listCommand(io: CliIO, c: ChalkInstance, json: boolean): number {
  const dir = shippedScenarioDir();
  const rows: { name: string; file: string; description: string; sweep?: string[] }[] = [];
  for (const file of listScenarioFiles(dir)) {
    const shown = relative(dir, file).replace(/\.ya?ml$/, "");
    try {
      const s = loadScenario(file);
      rows.push({ name: shown, file: relative(io.cwd, file), description: firstSentence(s.description), ...(s.sweep ? { sweep: s.sweep.finds } : {}) });
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      rows.push({ name: shown, file: relative(io.cwd, file), description: `(invalid: ${e.problem})` });
    }
  }
  // By name, engine demos last: a scenario before its variants (eos-read-process-write, then -kip848), which the
  // files' order (".yaml" after "-") and localeCompare's punctuation rules did not give.
  rows.sort((a, b) => Number(a.name.includes("/")) - Number(b.name.includes("/")) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (json) io.out(JSON.stringify(rows));
  else {
    const width = Math.max(...rows.map((r) => r.name.length), 10) + 2;
    for (const r of rows) io.out(`${c.bold(r.name.padEnd(width))}${r.description}`);
  }
  return 0;
}

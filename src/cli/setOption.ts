import YAML from "yaml";
import { formatPath, problemsOf, ScenarioError } from "../scenario/errors.js";
import { loadScenario, readScenarioText } from "../scenario/load.js";
import { applyOverrideAt, type Override, OverrideError, parseOverride } from "../scenario/overrides.js";
import type { ResolvedScenario } from "../scenario/resolved.js";
import { UsageError } from "./options.js";

/** The `--set KEY=VALUE` texts as yargs hands them over (absent, one string, or a list), in the order given. */
export function setTexts(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
}

/**
 * A scenario file with `--set KEY=VALUE` changes applied before validation (scenario/overrides.ts), so the run is
 * checked exactly as if the file said it; the result's `sets` lists them for replay lines. A malformed `--set`, or
 * one whose KEY names nothing, is a UsageError (exit 2). A file that is invalid with the changes is exit 2 with one
 * line per problem, each naming the file and the path, as for any invalid file: a problem the changes made (at the
 * path a --set wrote, or one the file does not have on its own) is prefixed `--set KEY=VALUE: ` (a UsageError); a
 * problem the file has on its own is the file's, without a prefix (then, if no line is the changes', the
 * ScenarioError as it is). `runDurationMs` is the run's `--duration` (ms), when given: the file's times may reach up to it.
 */
export function loadWithSets(file: string, sets: readonly string[], runDurationMs?: number): ResolvedScenario {
  if (new Set(sets).size !== sets.length) throw new UsageError("--set: the same --set is given twice");
  let overrides: Override[] = [];
  try {
    overrides = sets.map(parseOverride);
    // Two values for one KEY: every --set applies here, so one would silently win (compare makes each a variant).
    for (let i = 0; i < overrides.length; i++) {
      const twin = overrides.findIndex((o, j) => j > i && o.key === overrides[i].key);
      if (twin >= 0)
        throw new UsageError(
          `--set ${overrides[i].label} and --set ${overrides[twin].label}: both set ${overrides[i].key}, and every --set applies to this run; give one (kafkasim compare runs each --set as its own variant)`,
        );
    }
    return loadScenario(file, { overrides, runDurationMs });
  } catch (e) {
    if (e instanceof OverrideError) throw new UsageError(e.message);
    if (overrides.length === 0 || !(e instanceof ScenarioError)) throw e;
    // e.file is the file read (a shipped scenario's name resolved to its path).
    throw attributeProblems(e, ownProblems(file, runDurationMs), writtenPaths(e.file, overrides));
  }
}

/** A problem as a key: its path and words (the same problem found twice is one). */
const problemKey = (p: { path: string; problem: string }) => `${p.path}\u0000${p.problem}`;

/** The problems the file has without the changes: none when it loads. */
function ownProblems(file: string, runDurationMs: number | undefined): Set<string> {
  try {
    loadScenario(file, { runDurationMs });
    return new Set();
  } catch (e) {
    if (e instanceof ScenarioError) return new Set(problemsOf(e).map(problemKey));
    throw e;
  }
}

/** Per override, the path it wrote in the file's data (formatted as problems name paths); empty when unknown. */
function writtenPaths(file: string, overrides: readonly Override[]): { label: string; path: string | null }[] {
  let data: unknown;
  try {
    data = YAML.parse(readScenarioText(file), { merge: true });
  } catch {
    return overrides.map((o) => ({ label: o.label, path: null }));
  }
  return overrides.map((o) => {
    try {
      const at = applyOverrideAt(data, o);
      data = at.data;
      return { label: o.label, path: formatPath(at.path) };
    } catch {
      return { label: o.label, path: null };
    }
  });
}

/** `at` is `path` or inside it (`clients[0].config` holds `clients[0].config.acks`, not `clients[0].configs`). */
const within = (at: string, path: string) => at === path || at.startsWith(`${path}.`) || at.startsWith(`${path}[`);

/**
 * The error to show for `e`, the problems of the file with the changes: each line as ScenarioError writes it, and a
 * line the changes made prefixed by the --set that made it. A problem at or under the path a --set wrote is that
 * --set's (its value is the one found there); else one the file has on its own is the file's; else (the changes made
 * it elsewhere, e.g. a shorter `duration` a client's `start` is now past) every --set is named.
 */
function attributeProblems(e: ScenarioError, own: ReadonlySet<string>, written: readonly { label: string; path: string | null }[]): Error {
  const all = written.map((w) => `--set ${w.label}`).join(" ");
  let changed = false;
  const lines = problemsOf(e).map((p, i) => {
    const line = `${e.file}: ${p.path ? `${p.path}: ` : ""}${i === 0 ? e.problem : p.problem}`;
    const mine = written.filter((w) => w.path !== null && p.path !== "" && within(p.path, w.path));
    if (mine.length === 0 && own.has(problemKey(p))) return line;
    changed = true;
    return `${mine.length > 0 ? mine.map((w) => `--set ${w.label}`).join(" ") : all}: ${line}`;
  });
  return changed ? new UsageError(lines.join("\n")) : e;
}

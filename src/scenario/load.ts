import { existsSync } from "node:fs";
import YAML from "yaml";
import { fileKindOf, unreadable, wrongFileKind } from "./fileKind.js";
import { formatPath, ScenarioError } from "./errors.js";
import type { ResolvedScenario } from "./resolved.js";
import { applyOverride, type Override } from "./overrides.js";
import { scenarioFromData } from "./fromData.js";
import { findKnobs } from "./swarm.js";
import { resolveSwarmScenario } from "./swarmScenario.js";
import { relative } from "node:path";
import { listScenarioFiles, scenariosDir, shippedScenarioPath } from "./shipped.js";
import { nearest } from "../common/suggest.js";
import { checkScenarioText, decodeScenarioBytes, MAX_SCENARIO_BYTES, ScenarioTextProblem } from "./scenarioText.js";
import { overLimit, readBounded, type BoundedRead } from "../common/readBounded.js";

/**
 * Reads, parses, validates and resolves a scenario: a file path, or the name of a shipped scenario
 * (`acks-1-leader-failover`, `engine/lease-gc-pause`) when no such file exists. Every user mistake becomes one
 * ScenarioError naming the file and the path inside it.
 */
export function loadScenario(fileOrName: string, options: LoadOptions = {}): ResolvedScenario {
  const file = existsSync(fileOrName) ? fileOrName : (shippedScenarioPath(fileOrName) ?? fileOrName);
  if (!existsSync(file)) throw new ScenarioError(file, "", notFound(file));
  return parseScenario(readScenarioText(file), file, options);
}

/**
 * A scenario that is neither a file nor a shipped name: a bare name (no folder, no .yaml) is said to be neither,
 * with the nearest shipped name; a path is "no such file".
 */
function notFound(fileOrName: string): string {
  const looksLikeName = !/[\\/]/.test(fileOrName.replace(/^engine\//, "")) && !/\.ya?ml$/.test(fileOrName);
  if (!looksLikeName) return "no such file";
  const names = listScenarioFiles().map((f) => relative(scenariosDir, f).replace(/\\/g, "/").replace(/\.ya?ml$/, ""));
  const near = nearest(fileOrName, names);
  return `no such file, nor a shipped scenario${near ? ` (did you mean ${near}?)` : ""}; \`kafkasim list\` names the shipped ones`;
}

/**
 * A scenario file's text: UTF-8 (a byte-order mark is dropped), at most 1 MiB. Throws ScenarioError for a missing or
 * unreadable file and for another encoding (named: UTF-16, UTF-32, Latin-1, binary).
 */
export function readScenarioText(file: string): string {
  let read: BoundedRead;
  try {
    // Past the limit only the first bytes are read: enough to name the file's kind, and /dev/zero is not read forever.
    read = readBounded(file, MAX_SCENARIO_BYTES);
  } catch (e) {
    throw new ScenarioError(file, "", unreadable(e, "a scenario"));
  }
  const bytes = read.bytes;
  // A history, shard file, trace or summary given to run (they can be past the size limit): say what it is.
  const kind = fileKindOf(bytes.subarray(0, 64 * 1024).toString("utf8"));
  if (kind !== null && kind !== "scenario") throw new ScenarioError(file, "", wrongFileKind(kind, "a scenario"));
  if (read.over)
    throw new ScenarioError(file, "", `${overLimit(read, "1 MiB")}; scenario files are limited to 1 MiB (${MAX_SCENARIO_BYTES} bytes)`);
  try {
    return decodeScenarioBytes(bytes);
  } catch (e) {
    if (e instanceof ScenarioTextProblem) throw new ScenarioError(file, e.where, e.problem);
    throw e;
  }
}

/** How a scenario is changed as it loads (`kafkasim compare --set`). */
export interface LoadOptions {
  /** Settings changed in the YAML data before it is validated (throws OverrideError for a key that names nothing). */
  overrides?: readonly Override[];
  /** The run's `--duration` in ms, when given: times in the file may reach up to it (resolve.ts ResolveOptions). */
  runDurationMs?: number;
}

/**
 * Parses scenario text (YAML). `file` is only used in messages. Throws ScenarioError. A scenario with swarm knobs
 * (`oneOf`, `someOf`, `range`; swarm.ts) resolves to its own seed's draw and carries the knobs, so runScenario draws
 * again for every other seed.
 */
export function parseScenario(text: string, file: string, options: LoadOptions = {}): ResolvedScenario {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    checkScenarioText(text);
  } catch (e) {
    if (e instanceof ScenarioTextProblem) throw new ScenarioError(file, e.where, e.problem);
    throw e;
  }
  let data: unknown;
  // maxAliasCount bounds alias expansion ("billion laughs"); uniqueKeys rejects a key given twice.
  const lineCounter = new YAML.LineCounter();
  // merge: YAML 1.1 merge keys (`<<: *base`), which YAML 1.2 files still use to share a client's settings.
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter, merge: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lineCounter.linePos(e.pos[0]);
    const where = `line ${pos.line}, column ${pos.col}`;
    // The library's words for this one tell a programmer to call parseAllDocuments().
    if (e.code === "MULTIPLE_DOCS")
      throw new ScenarioError(file, `line ${pos.line}`, "holds more than one YAML document (a --- line starts another): a scenario file is one scenario per file");
    throw new ScenarioError(file, where, `invalid YAML: ${e.message.split("\n")[0]}`);
  }
  // A tag the library cannot apply (`!foo 1s`, `!!int 1s`) is only a warning to it: the value would load as the
  // plain text, so a file that says one thing would run as another.
  if (doc.warnings.length > 0) {
    const w = doc.warnings[0];
    const pos = lineCounter.linePos(w.pos[0]);
    const where = `line ${pos.line}, column ${pos.col}`;
    if (w.code === "TAG_RESOLVE_FAILED") {
      const tag = w.message.replace(/^Unresolved tag: /, "").replace(/^tag:yaml\.org,2002:/, "!!");
      throw new ScenarioError(file, where, `YAML tag ${tag} cannot be applied to this value; a scenario needs no tags: write the value plainly`);
    }
    throw new ScenarioError(file, where, `invalid YAML: ${w.message.split("\n")[0]}`);
  }
  // A list or mapping as a key (`? [a, b]`, `{[acks]: all}`) would be turned into text, and Node would print a
  // warning of its own on stderr; no key of a scenario is one. A tag that makes something other than text, a number,
  // a boolean, null, a list or a mapping (`!!binary`, `!!set`, `!!timestamp`) is no value of a scenario either; an
  // alias of an anchor never set (`*base`) is named with its line, not as the library's exception.
  let problem: { node: YAML.Node; text: string } | undefined;
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isCollection(pair.key)) {
        problem = { node: pair.key, text: "a key must be a plain name, not a list or mapping" };
        return YAML.visit.BREAK;
      }
      return undefined;
    },
    Node(_, node, ancestors) {
      if (node.tag !== undefined && !PLAIN_TAGS.has(node.tag)) {
        problem = { node, text: `YAML tag ${node.tag.replace(/^tag:yaml\.org,2002:/, "!!")} makes no value a scenario has; write the value plainly` };
        return YAML.visit.BREAK;
      }
      if (YAML.isAlias(node)) {
        const target = node.resolve(doc);
        if (target === undefined) {
          problem = { node, text: `invalid YAML: alias *${node.source} names no anchor &${node.source} set before it` };
          return YAML.visit.BREAK;
        }
        // An alias inside the node its anchor names (`a: &a [*a]`) makes the value contain itself: endless nesting.
        if (ancestors.includes(target)) {
          problem = { node, text: `invalid YAML: alias *${node.source} is inside the node its anchor &${node.source} names, so that value would contain itself without end` };
          return YAML.visit.BREAK;
        }
      }
      return undefined;
    },
  });
  if (problem) {
    const at = problem.node.range ? `line ${lineCounter.linePos(problem.node.range[0]).line}` : "";
    throw new ScenarioError(file, at, problem.text);
  }
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ScenarioError(file, "", `invalid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw new ScenarioError(file, "", "must be a YAML mapping with name, description, duration, ...");
  // zod's maps (config:, hosts:, where:) drop a "__proto__" key without a word, so nothing would check it.
  const proto = protoKeyPath(data);
  if (proto) throw new ScenarioError(file, formatPath(proto), '"__proto__" is not a key of a scenario');
  // A name with a terminal escape (ESC [2J clears the screen) would be printed as it is on every line naming it.
  const control = controlCharPath(data);
  if (control)
    throw new ScenarioError(file, formatPath(control.path), `${control.key ? "a key here holds" : "holds"} the control character U+${control.code.toString(16).toUpperCase().padStart(4, "0")}; names and values are plain text (tabs and line breaks only in descriptions)`);
  const overrides = options.overrides ?? [];
  for (const o of overrides) data = applyOverride(data, o);
  const knobs = findKnobs(data, file);
  const resolveOptions = { runDurationMs: options.runDurationMs };
  const resolved = knobs.length > 0 ? resolveSwarmScenario(data, knobs, file, resolveOptions) : scenarioFromData(data, file, resolveOptions);
  return overrides.length > 0 ? { ...resolved, sets: overrides.map((o) => o.label) } : resolved;
}

/** YAML's core tags, whose values are JSON's: text, numbers, booleans, null, lists and mappings. */
const PLAIN_TAGS: ReadonlySet<string> = new Set(["str", "int", "float", "bool", "null", "seq", "map"].map((t) => `tag:yaml.org,2002:${t}`));

/**
 * The first string in parsed YAML data holding a control character other than tab, CR and LF, with its path; for a
 * key, the path of the mapping that holds it (`key`), so the message never prints the character itself.
 */
function controlCharPath(v: unknown, path: (string | number)[] = []): { path: (string | number)[]; code: number; key?: boolean } | null {
  const bad = (t: string) => /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.exec(t)?.[0].charCodeAt(0) ?? null;
  if (typeof v === "string") {
    const code = bad(v);
    return code === null ? null : { path, code };
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = controlCharPath(v[i], [...path, i]);
      if (p) return p;
    }
  } else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      const code = bad(k);
      if (code !== null) return { path, code, key: true };
      const p = controlCharPath(x, [...path, k]);
      if (p) return p;
    }
  }
  return null;
}

/** The path of the first own `__proto__` key in parsed YAML data (the YAML library keeps it as an own key), or null. */
function protoKeyPath(v: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = protoKeyPath(v[i], [...path, i]);
      if (p) return p;
    }
  } else if (v !== null && typeof v === "object") {
    if (Object.hasOwn(v, "__proto__")) return [...path, "__proto__"];
    for (const [k, x] of Object.entries(v)) {
      const p = protoKeyPath(x, [...path, k]);
      if (p) return p;
    }
  }
  return null;
}

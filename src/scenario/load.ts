import { readFileSync } from "node:fs";
import YAML from "yaml";
import type { z } from "zod";
import { formatPath, ScenarioError } from "./errors.js";
import type { ResolvedScenario } from "./resolved.js";
import { resolveScenario } from "./resolve.js";
import { scenarioInput } from "./schema.js";

/** Reads, parses, validates and resolves a scenario file. Every user mistake becomes one ScenarioError. */
export function loadScenario(file: string): ResolvedScenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(file, "", code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a scenario file" : `cannot read (${code ?? String(e)})`);
  }
  return parseScenario(text, file);
}

/** Parses scenario text (YAML). `file` is only used in messages. */
export function parseScenario(text: string, file: string): ResolvedScenario {
  let data: unknown;
  // maxAliasCount bounds alias expansion ("billion laughs"); uniqueKeys rejects a key given twice.
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lineCounter.linePos(e.pos[0]);
    const where = `line ${pos.line}, column ${pos.col}`;
    throw new ScenarioError(file, where, `invalid YAML: ${e.message.split("\n")[0]}`);
  }
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ScenarioError(file, "", `invalid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw new ScenarioError(file, "", "must be a YAML mapping with name, description, duration, ...");
  const parsed = scenarioInput.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const more = parsed.error.issues.length - 1;
    const { path, message } = describeIssue(issue);
    throw new ScenarioError(file, path, message + (more > 0 ? ` (and ${more} more problem${more > 1 ? "s" : ""})` : ""));
  }
  return resolveScenario(parsed.data, file);
}

function describeIssue(issue: z.core.$ZodIssue): { path: string; message: string } {
  const base = issue.path as PropertyKey[];
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    const allowed = allowedKeysAt(base);
    return {
      path: formatPath([...base, key]),
      message: `unknown key "${key}"${allowed ? ` (allowed: ${allowed.join(", ")})` : ""}`,
    };
  }
  const input = (issue as { input?: unknown }).input;
  if (issue.code === "invalid_type" && input === undefined) return { path: formatPath(base), message: "is required" };
  return { path: formatPath(base), message: issue.message };
}

/** Best-effort: the keys the schema allows at a path, to list them in an "unknown key" message. */
function allowedKeysAt(path: PropertyKey[]): string[] | null {
  let node: unknown = scenarioInput;
  const unwrap = (n: unknown): unknown => {
    let cur = n as { def?: { type?: string; innerType?: unknown; in?: unknown } };
    for (let i = 0; i < 10 && cur?.def; i++) {
      const t = cur.def.type;
      if (t === "optional" || t === "nullable" || t === "default") cur = cur.def.innerType as typeof cur;
      else if (t === "pipe") cur = cur.def.in as typeof cur;
      else break;
    }
    return cur;
  };
  for (const p of path) {
    node = unwrap(node);
    const def = (node as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown } }).def;
    if (!def) return null;
    if (def.type === "object" && typeof p === "string") node = def.shape?.[p];
    else if (def.type === "array" && typeof p === "number") node = def.element;
    else return null;
  }
  node = unwrap(node);
  const def = (node as { def?: { type?: string; shape?: Record<string, unknown> } }).def;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : null;
}

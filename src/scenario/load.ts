import { existsSync, readFileSync } from "node:fs";
import YAML from "yaml";
import { ScenarioError } from "./errors.js";
import type { ResolvedScenario } from "./resolved.js";
import { resolveScenario } from "./resolve.js";
import { scenarioInput } from "./schema.js";
import { shippedScenarioPath } from "./shipped.js";
import { checkScenarioText, decodeScenarioBytes, ScenarioTextProblem } from "./scenarioText.js";
import { describeIssue } from "./zodIssues.js";

/**
 * Reads, parses, validates and resolves a scenario: a file path, or the name of a shipped scenario
 * (`acks-1-leader-failover`, `engine/lease-gc-pause`) when no such file exists. Every user mistake becomes one
 * ScenarioError naming the file and the path inside it.
 */
export function loadScenario(fileOrName: string): ResolvedScenario {
  const file = existsSync(fileOrName) ? fileOrName : (shippedScenarioPath(fileOrName) ?? fileOrName);
  return parseScenario(readScenarioText(file), file);
}

/**
 * A scenario file's text: UTF-8 (a byte-order mark is dropped), at most 1 MiB. Throws ScenarioError for a missing or
 * unreadable file and for another encoding (named: UTF-16, UTF-32, Latin-1, binary).
 */
export function readScenarioText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(file, "", code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a scenario file" : `cannot read (${code ?? String(e)})`);
  }
  try {
    return decodeScenarioBytes(bytes);
  } catch (e) {
    if (e instanceof ScenarioTextProblem) throw new ScenarioError(file, e.where, e.problem);
    throw e;
  }
}

/** Parses scenario text (YAML). `file` is only used in messages. Throws ScenarioError. */
export function parseScenario(text: string, file: string): ResolvedScenario {
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
    const { path, message } = describeIssue(issue, scenarioInput);
    throw new ScenarioError(file, path, message + (more > 0 ? ` (and ${more} more problem${more > 1 ? "s" : ""})` : ""));
  }
  return resolveScenario(parsed.data, file);
}


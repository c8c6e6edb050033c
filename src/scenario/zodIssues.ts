import type { z } from "zod";
import { formatPath, shown } from "./errors.js";

/** One zod issue as a path inside the file and a message saying what is allowed. */
export function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType, prefix: PropertyKey[] = []): { path: string; message: string } {
  const local = issue.path as PropertyKey[];
  const base = [...prefix, ...local];
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    const allowed = allowedKeysAt(schema, local);
    return {
      path: formatPath([...base, key]),
      message: `unknown key "${key}"${allowed ? ` (allowed: ${allowed.join(", ")})` : ""}`,
    };
  }
  const input = (issue as { input?: unknown }).input;
  if (issue.code === "invalid_type" && input === undefined) return { path: formatPath(base), message: "is required" };
  if (issue.code === "invalid_type") {
    // In the file's own words: "a mapping" for an object, "a list" for an array; show what was written.
    const want = { object: "a mapping (key: value)", record: "a mapping (key: value)", array: "a list", string: "a string", number: "a number", int: "a whole number", boolean: "true or false" }[issue.expected as string] ?? issue.expected;
    const got = input === null ? "null" : Array.isArray(input) ? "a list" : typeof input === "object" ? "a mapping" : shown(input);
    // zod's own words for a whole number, a map and a pair are "int", "record" and "tuple": the schema's message says it for the file.
    const own = (issue.expected === "int" || issue.expected === "record" || issue.expected === "tuple") && issue.message.startsWith("must ") ? issue.message : `must be ${want}`;
    return { path: formatPath(base), message: `${own} (got ${got})` };
  }
  // A number out of range: show what was written next to the range.
  if ((issue.code === "too_big" || issue.code === "too_small" || issue.code === "not_multiple_of") && typeof input === "number")
    return { path: formatPath(base), message: `${issue.message} (got ${shown(input)})` };
  // A value outside a list of allowed ones (an enum, a literal): show what was written next to the list.
  if (issue.code === "invalid_value" && input !== undefined && !issue.message.includes("(got ")) return { path: formatPath(base), message: `${issue.message} (got ${shown(input)})` };
  return { path: formatPath(base), message: issue.message };
}

/** Best-effort: the keys the schema allows at a path, to list them in an "unknown key" message. */
function allowedKeysAt(schema: z.ZodType, path: PropertyKey[]): string[] | null {
  let node: unknown = schema;
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

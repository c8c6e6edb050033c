import type { z } from "zod";
import { formatPath, shown } from "./errors.js";

/**
 * Every zod issue of a failed parse as describeIssue words it, each (path, message) once: one value can fail two
 * checks that share a message (a number past 2^53 is neither a safe integer nor below the maximum of
 * `intIn`), and the user would read the same line twice.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, prefix: PropertyKey[] = []): { path: string; message: string }[] {
  const seen = new Set<string>();
  const out: { path: string; message: string }[] = [];
  for (const issue of issues) {
    const d = describeIssue(issue, schema, prefix);
    const key = `${d.path}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** One zod issue as a path inside the file and a message saying what is allowed. */
export function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType, prefix: PropertyKey[] = []): { path: string; message: string } {
  const local = issue.path as PropertyKey[];
  const base = [...prefix, ...local];
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    const allowed = allowedKeysAt(schema, local, (issue as { input?: unknown }).input);
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
    const got = gotText(input);
    // zod's own words for a whole number, a map and a pair are "int", "record" and "tuple": the schema's message says it for the file.
    // A number YAML read as infinite or NaN (1e400, .inf, .nan) is a number to its writer: say what the schema allows
    // (its range), or that it must be finite, not "must be a number".
    const nonFinite = typeof input === "number" && !Number.isFinite(input);
    const own =
      (issue.expected === "int" || issue.expected === "record" || issue.expected === "tuple" || nonFinite) && issue.message.startsWith("must ")
        ? issue.message
        : nonFinite
          ? "must be a finite number"
          : `must be ${want}`;
    return { path: formatPath(base), message: `${own} (got ${got})` };
  }
  const message = ownWords(issue);
  // A number out of range: show what was written next to the range.
  if ((issue.code === "too_big" || issue.code === "too_small" || issue.code === "not_multiple_of") && typeof input === "number")
    return { path: formatPath(base), message: `${message} (got ${shown(input)})` };
  // None of a union's forms (a count or {min, max}): show what was written next to the forms the schema names.
  if (issue.code === "invalid_union" && input !== undefined && !message.includes("(got ")) return { path: formatPath(base), message: `${message} (got ${gotText(input)})` };
  // A value outside a list of allowed ones (an enum, a literal): show what was written next to the list.
  if (issue.code === "invalid_value" && input !== undefined && !message.includes("(got ")) return { path: formatPath(base), message: `${message} (got ${shown(input)})` };
  return { path: formatPath(base), message };
}

/**
 * Best-effort: the keys the schema allows at a path, to list them in an "unknown key" message. Where the path ends
 * in a union of mappings (a latency model, a one-way or two-way partition), `input` (the mapping written) picks the
 * form: the one whose literal keys (`model: uniform`) it matches, else the only form whose keys it otherwise uses.
 */
function allowedKeysAt(schema: z.ZodType, path: PropertyKey[], input?: unknown): string[] | null {
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
  const def = (node as { def?: { type?: string; shape?: Record<string, unknown>; options?: unknown[] } }).def;
  if (def?.type === "object" && def.shape) return Object.keys(def.shape);
  if (def?.type !== "union" || !def.options || input === null || typeof input !== "object") return null;
  const written = input as Record<string, unknown>;
  const shapes = def.options
    .map((o) => (unwrap(o) as { def?: { type?: string; shape?: Record<string, unknown> } }).def)
    .flatMap((d) => (d?.type === "object" && d.shape ? [d.shape] : []));
  const literal = (v: unknown) => (v as { def?: { type?: string; values?: unknown[] } }).def;
  const byLiteral = shapes.filter((shape) => {
    const lits = Object.entries(shape).filter(([, v]) => literal(unwrap(v))?.type === "literal");
    return lits.length > 0 && lits.every(([k, v]) => literal(unwrap(v))!.values!.includes(written[k]));
  });
  if (byLiteral.length === 1) return Object.keys(byLiteral[0]);
  const known = Object.keys(written).filter((k) => shapes.some((shape) => k in shape));
  const byKeys = shapes.filter((shape) => known.every((k) => k in shape));
  return byKeys.length === 1 ? Object.keys(byKeys[0]) : null;
}

/** What was written, as the file would say it: null, a list, a mapping, or the value itself. */
function gotText(input: unknown): string {
  return input === null ? "null" : Array.isArray(input) ? "a list" : typeof input === "object" ? "a mapping" : shown(input);
}

/**
 * zod's default words for a bound or a union the schema gave no message of its own ("Too small: expected array to
 * have >=1 items", "Invalid input", "Invalid option: expected one of ..."): said in the file's words instead. A
 * schema's own message is kept as it is.
 */
function ownWords(issue: z.core.$ZodIssue): string {
  const m = issue.message;
  if ((issue.code === "too_small" || issue.code === "too_big") && /^Too (small|big)/.test(m)) {
    const small = issue.code === "too_small";
    const bound = Number(small ? issue.minimum : issue.maximum);
    const inclusive = issue.inclusive !== false;
    if (issue.origin === "array" || issue.origin === "set") {
      const n = inclusive ? bound : small ? bound + 1 : bound - 1;
      return small ? `must list at least ${n} item${n === 1 ? "" : "s"}` : `must list at most ${n} item${n === 1 ? "" : "s"}`;
    }
    if (issue.origin === "string") return small ? (bound <= 1 ? "must not be empty" : `must be at least ${bound} characters`) : `must be at most ${bound} characters`;
    return `must be ${small ? (inclusive ? "≥" : ">") : inclusive ? "≤" : "<"} ${bound}`;
  }
  if (issue.code === "invalid_union" && m.startsWith("Invalid input")) return "is none of the forms allowed here";
  if (issue.code === "invalid_value" && m.startsWith("Invalid option")) return `must be one of ${issue.values.map((v) => shown(v)).join(", ")}`;
  return m;
}

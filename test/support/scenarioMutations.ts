import fc from "fast-check";

/**
 * Structural mutations of a scenario's parsed YAML data, for the malformed-input fuzz tests: each is a small plain
 * object (what, where, with what) so a failing case shrinks to, and prints as, one readable change.
 *
 * `at` picks a node of the document by its position in `nodePaths(data)` (modulo their number), so it shrinks
 * towards the first node, the top of the file.
 */
export type Mutation =
  | { op: "delete"; at: number }
  | { op: "set"; at: number; value: unknown }
  | { op: "rename"; at: number; how: RenameKind }
  | { op: "duplicate"; at: number }
  | { op: "addKey"; at: number; key: string; value: unknown }
  | { op: "swapUnit"; at: number; unit: string }
  | { op: "ghostName"; at: number };

type RenameKind = "plural" | "chop" | "upper" | "typo" | "camel";
type Path = (string | number)[];

/** Values that are wrong somewhere: wrong kinds, edges of ranges, text that looks like a number or a duration. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    "",
    [],
    {},
    0,
    -1,
    -0.5,
    1.5,
    1e308,
    2 ** 53 + 1,
    Number.MAX_SAFE_INTEGER,
    "NaN",
    "Infinity",
    "-Infinity",
    ".nan",
    "undefined",
    "[object Object]",
    true,
    false,
    "5 parsecs",
    "-5s",
    "0s",
    "0ms",
    "1e400s",
    "999999999h",
    "1.5us",
    "0.0001ms",
    "all",
    "ghost",
    "broker-99",
    "__proto__",
    "constructor",
    "toString",
    "x".repeat(5000),
    "ünïcødé ✓",
    [null],
    [[]],
    [{}],
    { a: 1 },
  ),
  fc.integer({ min: -3, max: 3 }),
  fc.constant(deepNest(60)),
);

function deepNest(depth: number): unknown {
  let v: unknown = { leaf: 1 };
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(4000) }),
  { weight: 3, arbitrary: fc.record({ op: fc.constant("set" as const), at: fc.nat(4000), value: oddValue }) },
  fc.record({ op: fc.constant("rename" as const), at: fc.nat(4000), how: fc.constantFrom<RenameKind>("plural", "chop", "upper", "typo", "camel") }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat(4000) }),
  fc.record({
    op: fc.constant("addKey" as const),
    at: fc.nat(4000),
    key: fc.constantFrom("acks", "partitions", "unknown.key", "tiemout", "replicationFactor", "id", "kind", "at", "__proto__", "constructor", "toString", ""),
    value: oddValue,
  }),
  fc.record({ op: fc.constant("swapUnit" as const), at: fc.nat(4000), unit: fc.constantFrom("parsecs", "", "S", "sec", "msec", "µs", "d", "ns", "h", " s", "s s") }),
  fc.record({ op: fc.constant("ghostName" as const), at: fc.nat(4000) }),
);

/** Every node's path, parents before children, keys in file order (deterministic). */
export function nodePaths(data: unknown): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, p: Path) => {
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(data, []);
  return out;
}

function parentOf(root: unknown, path: Path): unknown {
  let cur = root;
  for (const p of path.slice(0, -1)) cur = (cur as Record<string | number, unknown>)[p];
  return cur;
}

function rename(key: string, how: RenameKind): string {
  switch (how) {
    case "plural":
      return `${key}s`;
    case "chop":
      return key.length > 1 ? key.slice(0, -1) : `${key}x`;
    case "upper":
      return key.toUpperCase() === key ? key.toLowerCase() + "_" : key.toUpperCase();
    case "typo":
      return key.length > 2 ? key[0] + key[2] + key[1] + key.slice(3) : `${key}_`;
    case "camel":
      return key.includes(".") ? key.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase()) : key.replace(/([A-Z])/g, ".$1").toLowerCase() + (/[A-Z]/.test(key) ? "" : "_");
  }
}

/** The data with `m` applied (a deep copy; the input is not touched). A mutation that does not fit its node is a no-op. */
export function applyMutation(data: unknown, m: Mutation): unknown {
  const root = structuredClone(data);
  const paths = nodePaths(root);
  // The root itself (index 0) can only be replaced by `set`; other kinds need a parent.
  const path = paths[m.at % paths.length];
  if (path.length === 0) return m.op === "set" ? structuredClone(m.value) : m.op === "addKey" ? addKey(root, m.key, m.value) : root;
  const parent = parentOf(root, path) as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const here = parent[last];
  switch (m.op) {
    case "delete":
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case "set":
      parent[last] = structuredClone(m.value);
      break;
    case "rename":
      if (!Array.isArray(parent) && typeof last === "string") {
        const renamed = rename(last, m.how);
        if (!(renamed in parent)) {
          // Keep the key order, so the message names the same place a user's file would.
          const entries = Object.entries(parent).map(([k, v]) => [k === last ? renamed : k, v] as const);
          for (const k of Object.keys(parent)) delete parent[k];
          for (const [k, v] of entries) parent[k] = v;
        }
      }
      break;
    case "duplicate":
      if (Array.isArray(parent)) parent.splice(last as number, 0, structuredClone(here));
      else if (Array.isArray(here) && here.length > 0) here.push(structuredClone(here[0]));
      break;
    case "addKey":
      if (here !== null && typeof here === "object" && !Array.isArray(here)) addKey(here, m.key, m.value);
      break;
    case "swapUnit":
      if (typeof here === "string" && /^\d+(\.\d+)?\s*[a-zµ]+$/i.test(here)) parent[last] = here.replace(/[a-zµ]+$/i, m.unit);
      break;
    case "ghostName":
      if (typeof here === "string") parent[last] = `${here}-ghost`;
      else if (Array.isArray(here) && typeof here[0] === "string") here[0] = `${here[0]}-ghost`;
      break;
  }
  return root;
}

function addKey(obj: unknown, key: string, value: unknown): unknown {
  if (obj !== null && typeof obj === "object" && !Array.isArray(obj)) Object.defineProperty(obj, key, { value: structuredClone(value), enumerable: true, writable: true, configurable: true });
  return obj;
}

/** A change to a history file's text (EDN or JSON): a token put in, a stretch cut out, a line repeated, an end cut off. */
export type TextMutation =
  | { op: "insert"; at: number; token: string }
  | { op: "cut"; at: number; length: number }
  | { op: "repeatLine"; at: number }
  | { op: "truncate"; at: number };

/** Tokens that are wrong somewhere in a history: brackets, EDN's odd literals, numbers past 2^63, keywords, tags. */
const historyToken = fc.constantFrom(
  "[", "]", "{", "}", "(", ")", "#{", "\"", "\\", ",", " nil ", " true ", ":", " :ok ", " :invoke ", " :fail ", " :info ", " :poll ", " :send ",
  " :txn ", " :f ", " :type ", " :value ", " :index ", " :process ", " ##NaN ", " ##Inf ", " ##-Inf ", " 1e999 ", " -1 ", " 0 ",
  " 9223372036854775808 ", " 1N ", " 1.5M ", " 0x10 ", " #inst \"2020-01-01\" ", " #uuid \"x\" ", " #_ ", " #foo ", " ; comment\n", "\n", " NaN ",
  " [0 [1]] ", " {0 [[0 1]]} ", " [:poll {0 [[1 2]]}] ", " [:send 0 [1 1]] ", " {} ", " [] ", " null ", " \"undefined\" ", " __proto__ ",
);

export const textMutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("insert" as const), at: fc.nat(1_000_000), token: historyToken }) },
  fc.record({ op: fc.constant("cut" as const), at: fc.nat(1_000_000), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant("repeatLine" as const), at: fc.nat(1_000_000) }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat(1_000_000) }),
);

/** The text with `m` applied; positions are taken modulo the text's length, so they shrink towards its start. */
export function applyTextMutation(text: string, m: TextMutation): string {
  const at = text.length === 0 ? 0 : m.at % text.length;
  switch (m.op) {
    case "insert":
      return text.slice(0, at) + m.token + text.slice(at);
    case "cut":
      return text.slice(0, at) + text.slice(at + m.length);
    case "repeatLine": {
      const lines = text.split("\n");
      const i = m.at % lines.length;
      return [...lines.slice(0, i + 1), lines[i], ...lines.slice(i + 1)].join("\n");
    }
    case "truncate":
      return text.slice(0, at);
  }
}

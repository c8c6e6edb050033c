import { parseEDNString } from "edn-data";
import { asJepsenOp, HistoryFormatError, type JepsenOp } from "./ops.js";

/**
 * Reads a history in Jepsen's op shape from text: a JSON array of ops, JSON lines (one op per line), or Jepsen's
 * EDN (`history.edn`: one op per line, plain maps or `#jepsen.history.Op{...}` records; or one vector of ops).
 * EDN is read by edn-data (a maintained, typed EDN library): keywords become strings (`:send` is "send"), maps of
 * ops become objects, and a poll's map of keys keeps its keys as they were (numbers stay numbers).
 * Throws HistoryFormatError naming the op (its position in the file) for anything unreadable or malformed.
 */
export function parseHistoryText(text: string): JepsenOp[] {
  const body = text.replace(/^\uFEFF/, "").trim();
  if (body === "") return [];
  const first = body[0];
  const raw = first === "[" ? parseJsonArray(body) : first === "{" && /^\{\s*"/.test(body) ? parseJsonLines(body) : parseEdn(body);
  return raw.map((op, i) => asJepsenOp(op, i));
}

function parseJsonArray(body: string): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (e) {
    // Not JSON: maybe an EDN vector of ops.
    if (/^\[\s*(#|\{\s*:)/.test(body)) return parseEdn(body);
    throw new HistoryFormatError(elementAt(body, positionOf(e)), `not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(v)) throw new HistoryFormatError(0, "a JSON history is an array of ops");
  return v;
}

function parseJsonLines(body: string): unknown[] {
  const out: unknown[] = [];
  for (const line of body.split("\n")) {
    const t = line.trim();
    if (t === "") continue;
    try {
      out.push(JSON.parse(t));
    } catch (e) {
      throw new HistoryFormatError(out.length, `not a JSON op (${(e as Error).message})`);
    }
  }
  return out;
}

const EDN_OPTIONS = {
  mapAs: "map",
  keywordAs: "string",
  listAs: "array",
  setAs: "array",
  charAs: "string",
  symbolAs: "string",
  // A Jepsen Op record prints as #jepsen.history.Op{...}: the map is the op.
  tagHandlers: { "jepsen.history.Op": (v: unknown) => v },
} as const;

function parseEdn(body: string): unknown[] {
  // Jepsen writes one op per line; reading line by line names the op that does not parse.
  const lines = body.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith(";"));
  const oneOpPerLine = lines.every((l) => /^\s*(#[\w.-]+\s*)?\{/.test(l) && /\}\s*(;.*)?$/.test(l));
  if (oneOpPerLine) return lines.map((l, i) => fromEdn(parseEdnForm(l, i), i));
  const v = parseEdnForm(body, 0);
  if (!Array.isArray(v)) throw new HistoryFormatError(0, "an EDN history is one op map per line, or a vector of op maps");
  return v.map((op, i) => fromEdn(op, i));
}

function parseEdnForm(text: string, opIndex: number): unknown {
  let v: unknown;
  try {
    v = parseEDNString(text, EDN_OPTIONS as never);
  } catch (e) {
    throw new HistoryFormatError(opIndex, `not valid EDN (${(e as Error).message})`);
  }
  if (v === undefined) throw new HistoryFormatError(opIndex, "not valid EDN (incomplete form)");
  return v;
}

/** An op map from EDN: a Map of keyword names becomes a plain object; nested values stay as parsed. */
function fromEdn(v: unknown, opIndex: number): unknown {
  const m = v !== null && typeof v === "object" && "tag" in v && "val" in v ? (v as { val: unknown }).val : v;
  if (!(m instanceof Map)) throw new HistoryFormatError(opIndex, "an op must be a map like {:type :invoke, :f :send, :process 0, :value [...]}");
  const out: Record<string, unknown> = {};
  for (const [k, x] of m) out[String(k)] = x;
  return out;
}

function positionOf(e: unknown): number {
  const m = /position (\d+)/.exec((e as Error).message);
  return m ? Number(m[1]) : -1;
}

/** Which top-level array element a character position falls in (for naming the op of a JSON syntax error). */
function elementAt(body: string, pos: number): number {
  if (pos < 0) return 0;
  let depth = 0;
  let element = 0;
  let inString = false;
  for (let i = 0; i < Math.min(pos, body.length); i++) {
    const c = body[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) element++;
  }
  return element;
}

import { parseEDNString } from "edn-data";
import { asJepsenOp, HistoryFormatError, type JepsenOp } from "./ops.js";

/**
 * Reads a history in Jepsen's op shape from text: a JSON array of ops, JSON lines (one op per line), or Jepsen's
 * EDN (`history.edn`: one op per line, plain maps or `#jepsen.history.Op{...}` records; or one vector of ops).
 * EDN is read by edn-data (a maintained, typed EDN library) as Clojure reads it (see parseEdn and fromEdn): a keyword
 * in the op's structure is its name (`:send` is "send"), one among keys and values stays `:a` (not "a"), maps of ops
 * become objects, and a poll's map of keys keeps its keys as they were (numbers stay numbers).
 * Throws HistoryFormatError naming the op (its position in the file) for anything unreadable or malformed.
 */
export function parseHistoryText(text: string): JepsenOp[] {
  const body = text.replace(/^\uFEFF/, "").trim();
  if (body === "") return [];
  const first = body[0];
  const raw = first === "[" ? parseJsonArray(body) : first === "{" && /^\{\s*"/.test(body) ? parseJsonLines(body) : parseEdn(body);
  return raw.map((op, i) => asJepsenOp(checkedDepth(op, i), i));
}

/**
 * How deeply one op may nest lists and maps. Jepsen's ops nest a handful of levels (op, value, micro-op, poll map,
 * pairs, pair, a value); far deeper is no history, and reading it further would exhaust the stack.
 */
export const MAX_OP_DEPTH = 100;

/** `v` itself; throws HistoryFormatError for op `opIndex` if it nests lists and maps past MAX_OP_DEPTH (no recursion). */
function checkedDepth<T>(v: T, opIndex: number): T {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    if (x === null || typeof x !== "object") continue;
    if (depth > MAX_OP_DEPTH) throw new HistoryFormatError(opIndex, `nests lists and maps more than ${MAX_OP_DEPTH} levels deep; a Jepsen op is a map of a few levels (:value [[:send k v] ...])`);
    const children = Array.isArray(x) ? x : x instanceof Map ? [...x.keys(), ...x.values()] : Object.values(x);
    for (const c of children) stack.push([c, depth + 1]);
  }
  return v;
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
  // Keywords as {key}, so :a and "a" stay apart (Clojure's = tells them apart): see plain().
  keywordAs: "object",
  listAs: "array",
  setAs: "array",
  charAs: "string",
  symbolAs: "string",
  // A Jepsen Op record prints as #jepsen.history.Op{...}: the map is the op.
  tagHandlers: { "jepsen.history.Op": (v: unknown) => v, "kafkasim.double": (v: unknown) => Number(v) },
} as const;

/**
 * Jepsen's EDN, read as Clojure's reader reads it: every form in the text, whether one op per line, several on a
 * line, an op over several lines, or one vector of ops. Lines are read one by one where each holds whole ops, so an
 * unreadable one names its op; otherwise the text is cut into its top-level forms (ednForms) and each is read on its
 * own, so a broken or cut-off op is named by its position (a file cut short mid-op names the op it ends in).
 */
function parseEdn(body: string): unknown[] {
  const text = exactIntegers(body);
  const lines = text.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith(";"));
  const wholeOpsPerLine = lines.every((l) => /^\s*(#[\w.-]+\s*)?\{/.test(l) && /\}\s*(;.*)?$/.test(l));
  const out: unknown[] = [];
  if (wholeOpsPerLine) {
    for (const l of lines) for (const form of parseEdnForms(l, out.length)) out.push(fromEdn(checkedDepth(form, out.length), out.length));
    return out;
  }
  let spans = ednForms(text, 0, text.length);
  // One vector of ops (Jepsen's pprint of a history): its elements are the ops.
  const vector = spans.forms.length === 1 && spans.open === null && text[spans.forms[0][0]] === "[" ? spans.forms[0] : spans.forms.length === 0 && spans.open !== null && text[spans.open] === "[" ? [spans.open, text.length + 1] : null;
  if (vector !== null) {
    const outer = spans;
    spans = ednForms(text, vector[0] + 1, vector[1] - 1);
    if (spans.stray === null && spans.open === null && outer.open !== null)
      throw new HistoryFormatError(spans.forms.length, "the file ends before the vector of ops is closed (no final ]): was it cut short?");
  }
  if (spans.stray !== null) throw new HistoryFormatError(spans.forms.length, "not valid EDN (a closing ], } or ) with no opening one)");
  if (spans.open !== null) throw new HistoryFormatError(spans.forms.length, "the file ends inside this op (a [, { or \" is never closed): was it cut short?");
  for (const [from, to] of spans.forms) for (const form of parseEdnForms(text.slice(from, to), out.length)) out.push(fromEdn(checkedDepth(form, out.length), out.length));
  return out;
}

/** The top-level forms of text[start, end): their spans; where one is still open at the end; a stray closer. */
interface EdnSpans {
  forms: [from: number, to: number][];
  /** Where the form the text ends inside began, or null. */
  open: number | null;
  /** Where a closing bracket with no opening one is, or null (the forms are those before it). */
  stray: number | null;
}

/**
 * Cuts text[start, end) into its top-level EDN forms, lexing as forEachEdnToken does (strings, `;` comments, `\c`
 * characters): a map, vector, list or set with all it holds, a string, or a token; a tag (`#jepsen.history.Op`,
 * `#inst`, the `#` of a set) belongs to the form after it. Brackets are counted, not matched: edn-data then reads
 * each form and names a mismatch.
 */
export function ednForms(text: string, start: number, end: number): EdnSpans {
  const forms: [number, number][] = [];
  let depth = 0;
  let from = -1;
  let tagged = false;
  let i = start;
  const close = (to: number) => {
    forms.push([from, to]);
    from = -1;
  };
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // "…": to the closing quote, past escapes.
      const at = i;
      for (i++; i < end && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      if (i >= end) return { forms, open: depth === 0 ? at : from, stray: null };
      i++;
      if (depth === 0) {
        if (!tagged) from = at;
        tagged = false;
        close(i);
      }
    } else if (c === 59) {
      while (i < end && text.charCodeAt(i) !== 10) i++;
    } else if (c === 91 || c === 123 || c === 40) {
      if (depth === 0 && !tagged) from = i;
      tagged = false;
      depth++;
      i++;
    } else if (c === 93 || c === 125 || c === 41) {
      if (depth === 0) return { forms, open: null, stray: i };
      depth--;
      i++;
      if (depth === 0) close(i);
    } else if (isEdnDelimiter(c)) {
      i++;
    } else {
      // A token (symbol, keyword, number, tag, \c character).
      const at = i;
      if (c === 92) i += 2;
      while (i < end && !isEdnDelimiter(text.charCodeAt(i)) && text.charCodeAt(i) !== 34 && text.charCodeAt(i) !== 59) i++;
      if (depth === 0) {
        const tag = c === 35 && text.charCodeAt(at + 1) !== 35;
        if (!tagged) from = at;
        tagged = tag;
        if (!tag) close(i);
      }
    }
  }
  return { forms, open: depth > 0 || tagged ? from : null, stray: null };
}

const NEVER_CLOSED = 'not valid EDN: this op never closes a [, { or " (was the file cut short?)';

/** Every top-level form of `text` (read as the elements of one vector). */
function parseEdnForms(text: string, opIndex: number): unknown[] {
  let v: unknown;
  try {
    v = parseEDNString(`[${text}\n]`, EDN_OPTIONS as never);
  } catch (e) {
    // A closing bracket with no opening one ends the vector the forms are read in: edn-data then fails on its own
    // internals ("undefined is not iterable"), which says nothing to the user.
    const msg = (e as Error).message;
    if (ednForms(text, 0, text.length).open !== null) throw new HistoryFormatError(opIndex, NEVER_CLOSED);
    throw new HistoryFormatError(opIndex, /is not iterable|Cannot read prop/.test(msg) ? "not valid EDN (a closing ], } or ) with no opening one)" : `not valid EDN (${msg})`);
  }
  if (!Array.isArray(v)) throw new HistoryFormatError(opIndex, ednForms(text, 0, text.length).open !== null ? NEVER_CLOSED : "not valid EDN (incomplete form)");
  return v;
}

const SPECIAL_DOUBLES: Record<string, string> = { Inf: "Infinity", "-Inf": "-Infinity", NaN: "NaN" };

/**
 * Integers too long for a double to hold exactly (16 digits or more) get Clojure's `N`, so edn-data reads them as
 * bigints instead of rounding two different longs to one number; ##Inf, ##-Inf and ##NaN become numbers. Text inside
 * strings and comments is left alone.
 */
function exactIntegers(text: string): string {
  const parts: string[] = [];
  let last = 0;
  forEachEdnToken(text, (from, to) => {
    if (to - from >= 16 && /^[-+]?\d{16,}$/.test(text.slice(from, to))) {
      parts.push(text.slice(last, to), "N");
      last = to;
    } else if (text.charCodeAt(from) === 35 && text.charCodeAt(from + 1) === 35) {
      // Clojure prints a double's infinities and NaN as ##Inf, ##-Inf and ##NaN, which edn-data cannot read.
      const special = SPECIAL_DOUBLES[text.slice(from + 2, to)];
      if (special !== undefined) {
        parts.push(text.slice(last, from), `#kafkasim.double "${special}"`);
        last = to;
      }
    }
  });
  parts.push(text.slice(last));
  return parts.join("");
}

/**
 * Calls `token(from, to, line)` for each EDN token of `text` (a symbol, keyword, tag or number: the text between
 * delimiters) outside strings, `;` comments and `\c` characters; `line` is 1-based. Stops when `token` returns true.
 * One pass by hand, not a regular expression: a quote in a comment opens no string, and a 10 MB text cannot overflow
 * the regexp engine's stack.
 */
export function forEachEdnToken(text: string, token: (from: number, to: number, line: number) => boolean | void): void {
  const n = text.length;
  let line = 1;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
    } else if (c === 34) {
      // "…": to the closing quote, past escapes.
      for (i++; i < n && text.charCodeAt(i) !== 34; i++) {
        if (text.charCodeAt(i) === 92) i++;
        else if (text.charCodeAt(i) === 10) line++;
      }
      i++;
    } else if (c === 59) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
    } else if (c === 92) {
      if (text.charCodeAt(i + 1) === 10) line++;
      i += 2; // a character literal: \a, \" (a named one, \space, reads on as a token)
    } else if (isEdnDelimiter(c)) {
      i++;
    } else {
      const from = i;
      while (i < n && !isEdnDelimiter(text.charCodeAt(i)) && text.charCodeAt(i) !== 34 && text.charCodeAt(i) !== 59) i++;
      if (token(from, i, line) === true) return;
    }
  }
}

/** Whitespace, a comma, a bracket or a quote mark: what ends an EDN token (a string's " and a comment's ; too). */
function isEdnDelimiter(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 11 || c === 44 || c === 91 || c === 93 || c === 123 || c === 125 || c === 40 || c === 41 || c === 39;
}

/** An edn-data keyword object ({key}), or undefined. */
function keywordName(x: unknown): string | undefined {
  return x !== null && typeof x === "object" && !Array.isArray(x) && !(x instanceof Map) && "key" in x && Object.keys(x).length === 1 ? String((x as { key: unknown }).key) : undefined;
}

/** A value inside an op (a key, a record value): a keyword prints as Clojure prints it (`:a`), distinct from "a". */
function plain(x: unknown): unknown {
  const kw = keywordName(x);
  if (kw !== undefined) return `:${kw}`;
  if (Array.isArray(x)) return x.map(plain);
  if (x instanceof Map) return new Map([...x].map(([k, v]) => [plain(k), plain(v)]));
  return x;
}

/** A name in the op's structure (a field, :type, :f, :process, a micro-op's :send/:poll): a keyword is its name. */
function named(x: unknown): unknown {
  return keywordName(x) ?? plain(x);
}

/**
 * An op map from EDN: a Map of keyword names becomes a plain object. The op's structure (field names, :type, :f,
 * :process, :error, micro-op names, the :keys of a rebalance) reads keywords as names; keys and record values keep
 * a keyword as `:name`.
 */
function fromEdn(v: unknown, opIndex: number): unknown {
  const m = v !== null && typeof v === "object" && "tag" in v && "val" in v ? (v as { val: unknown }).val : v;
  if (!(m instanceof Map)) throw new HistoryFormatError(opIndex, "an op must be a map like {:type :invoke, :f :send, :process 0, :value [...]}");
  const out: Record<string, unknown> = {};
  for (const [k, x] of m) {
    const field = String(named(k));
    // A process past 2^53 (read exactly as a bigint) is still an integer, so a client's (jepsen.history `client-op?`
    // is `integer?`): a number, exact up to 2^53 (Jepsen's processes grow by the concurrency per crash, far below).
    if (field === "process" && typeof x === "bigint") out[field] = Number(x);
    else if (field === "type" || field === "f" || field === "process" || field === "error") out[field] = named(x);
    // Times and positions past 2^53 (read exactly as bigints, see exactIntegers) are numbers here: they order ops, and
    // a double orders them as Jepsen's longs do but for ties within its rounding.
    else if ((field === "time" || field === "index") && typeof x === "bigint") out[field] = Number(x);
    else if (field === "value") out[field] = Array.isArray(x) ? x.map((e) => (Array.isArray(e) && keywordName(e[0]) !== undefined ? [keywordName(e[0]), ...e.slice(1).map(plain)] : plain(e))) : plain(x);
    else if (field === "rebalance-log" && Array.isArray(x)) out[field] = x.map((r) => (r instanceof Map ? new Map([...r].map(([rk, rv]) => [named(rk), plain(rv)])) : plain(r)));
    else out[field] = plain(x);
  }
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

/**
 * A scenario file's bytes to text, and the limits checked before the YAML parser sees it. Every refusal is a
 * `problem` string for a ScenarioError (file and path are added by the caller).
 */

/** Largest scenario file read (shipped ones are a few KiB; a fault list of thousands of entries still fits). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** Deepest nesting of YAML collections accepted (shipped scenarios reach 6): beyond it the parser would overflow its stack. */
export const MAX_NESTING = 64;

export class ScenarioTextProblem extends Error {
  constructor(
    readonly problem: string,
    readonly where = "",
  ) {
    super(problem);
  }
}

const CONVERT = "save it as UTF-8 (e.g. iconv -f <encoding> -t UTF-8 in > out, or your editor's Save with Encoding)";

/**
 * Decodes a scenario file: UTF-8, with or without a byte-order mark. UTF-16 and UTF-32 (detected by their BOM, or by
 * the NUL bytes YAML 1.2 §5.2 detection looks for), invalid UTF-8 and binary files are refused with the encoding
 * named. Throws ScenarioTextProblem.
 */
export function decodeScenarioBytes(b: Uint8Array): string {
  if (b.length > MAX_SCENARIO_BYTES) throw new ScenarioTextProblem(`is ${b.length} bytes; scenario files are limited to 1 MiB (${MAX_SCENARIO_BYTES} bytes)`);
  const at = (i: number) => (i < b.length ? b[i] : -1);
  const encoding =
    at(0) === 0 && at(1) === 0 && at(2) === 0xfe && at(3) === 0xff
      ? "UTF-32 (big-endian)"
      : at(0) === 0xff && at(1) === 0xfe && at(2) === 0 && at(3) === 0
        ? "UTF-32 (little-endian)"
        : at(0) === 0xfe && at(1) === 0xff
          ? "UTF-16 (big-endian) with a byte-order mark"
          : at(0) === 0xff && at(1) === 0xfe
            ? "UTF-16 (little-endian) with a byte-order mark"
            : at(0) === 0 && at(1) !== 0 && at(2) === 0 && b.length >= 4
              ? "UTF-16 (big-endian)"
              : at(0) !== 0 && at(1) === 0 && at(3) === 0 && b.length >= 4
                ? "UTF-16 (little-endian)"
                : null;
  if (encoding) throw new ScenarioTextProblem(`is ${encoding}; kafkasim reads UTF-8: ${CONVERT.replace("<encoding>", encoding.startsWith("UTF-32") ? "UTF-32" : "UTF-16")}`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    const { index, line } = firstInvalidUtf8(b);
    throw new ScenarioTextProblem(
      `is not valid UTF-8: byte 0x${b[index].toString(16).toUpperCase().padStart(2, "0")} at line ${line} (Latin-1 or Windows-1252?); ${CONVERT.replace("<encoding>", "LATIN1")}`,
    );
  }
  const nul = text.indexOf("\0");
  if (nul >= 0) throw new ScenarioTextProblem(`is a binary file (a NUL byte at line ${lineOf(text, nul)}), not YAML text`);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Refuses text over the size limit or nested deeper than MAX_NESTING (before the recursive YAML parser runs). */
export function checkScenarioText(text: string): void {
  if (text.length > MAX_SCENARIO_BYTES) throw new ScenarioTextProblem(`is ${text.length} characters; scenario files are limited to 1 MiB (${MAX_SCENARIO_BYTES} bytes)`);
  const deep = firstLineTooDeep(text, MAX_NESTING);
  if (deep !== null) throw new ScenarioTextProblem(`YAML nested more than ${MAX_NESTING} levels deep (scenario files need fewer than 10)`, `line ${deep}`);
}

/**
 * The first line where collections nest deeper than `limit`, or null. A linear scan, not a parser: block nesting is
 * the stack of increasing indentations (plus each `- ` that opens a sequence inline), flow nesting counts `[` and
 * `{` outside quotes and comments; block scalars (`|`, `>`) are skipped. It over-counts at worst (an irregular
 * indentation), never under-counts, so the YAML parser never recurses past the limit.
 */
export function firstLineTooDeep(text: string, limit: number): number | null {
  const lines = text.split(/\r?\n/);
  const indents: number[] = [];
  let flow = 0;
  let blockScalarParent = -1; // inside a block scalar: lines more indented than this belong to it
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    const indent = line.length - line.trimStart().length;
    const body = line.trimStart();
    if (blockScalarParent >= 0) {
      if (body === "" || indent > blockScalarParent) continue;
      blockScalarParent = -1;
    }
    if (body === "" || body.startsWith("#")) continue;
    let depth = 0;
    if (flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      // `- - - x` opens a sequence per dash on one line.
      const dashes = /^(-\s+)*/.exec(body)![0].split("-").length - 1;
      depth = indents.length + dashes;
    }
    let quote: string | null = null;
    let code = body; // the line without its comment
    for (let i = 0; i < body.length; i++) {
      const ch = body[i];
      if (quote) {
        if (ch === quote && !(quote === '"' && body[i - 1] === "\\")) quote = null;
        continue;
      }
      if (ch === "#" && (i === 0 || /\s/.test(body[i - 1]))) {
        code = body.slice(0, i).trimEnd();
        break;
      }
      if ((ch === '"' || ch === "'") && (i === 0 || /[\s[{,:]/.test(body[i - 1]))) quote = ch;
      else if (ch === "[" || ch === "{") flow++;
      else if ((ch === "]" || ch === "}") && flow > 0) flow--;
      if (depth + flow > limit) return n + 1;
    }
    if (depth + flow > limit) return n + 1;
    // `key: |`, `- >-`, a lone `|2`: the more indented lines that follow are text.
    if (flow === 0 && /(?:^|:\s+|-\s+)[|>][-+1-9]{0,2}$/.test(code)) blockScalarParent = indent;
  }
  return null;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Where UTF-8 decoding fails: the offending byte and its line. */
function firstInvalidUtf8(b: Uint8Array): { index: number; line: number } {
  let line = 1;
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const need = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (need < 0) return { index: i, line };
    for (let k = 1; k <= need; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return { index: i, line };
    if (c === 10) line++;
    i += need + 1;
  }
  return { index: 0, line };
}

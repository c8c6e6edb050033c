/**
 * What a file handed to the wrong command is, from its first line: another file kafkasim writes (a history, a shard
 * file, a trace, a run summary) or a scenario. The commands say so and name the one that reads it, instead of the
 * reader's first complaint ("invalid YAML: Missing , or :", "op 0: an op must be a map", "not JSON").
 */

/** The kinds of file kafkasim writes or reads that another command may be handed by mistake. */
export type FileKind = "scenario" | "history-edn" | "history-json" | "shard" | "trace" | "summary";

/** What each kind is, and what to do with it instead. */
const KINDS: Record<FileKind, { what: string; instead: string }> = {
  scenario: { what: "a scenario file", instead: "run it with kafkasim run FILE; --history h.edn writes a history to check" },
  "history-edn": { what: "a client history in Jepsen's EDN shape", instead: "judge it with kafkasim check FILE" },
  "history-json": { what: "a client history (JSON lines)", instead: "kafkasim check FILE judges the one run --history writes" },
  shard: { what: "a shard file of kafkasim explore or compare --out", instead: "table the shards with kafkasim merge FILE..." },
  trace: { what: "a trace (kafkasim run --trace)", instead: "grep it, or give the scenario it came from" },
  summary: { what: "a run summary (kafkasim run --json, or a report's summary.json)", instead: 'its "file" names the scenario' },
};

/**
 * Why a file could not be read (`e`: what readFileSync threw), for a file that should be `what` ("a scenario"):
 * "no such file", "is a directory, not a scenario file", or "cannot read (EACCES)".
 */
export function unreadable(e: unknown, what: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : code === "EISDIR" ? `is a directory, not ${what} file` : `cannot read (${code ?? String(e)})`;
}

/** The message for a file of `kind` given where `expected` ("a scenario", "a history") belongs: "is X, not Y (Z)". */
export function wrongFileKind(kind: FileKind, expected: string): string {
  return `is ${KINDS[kind].what}, not ${expected} (${KINDS[kind].instead})`;
}

/**
 * The kind of a file from its text (only the first non-blank line is read, so a large file costs nothing), or null
 * when it is none of those: then the command's own parser says what is wrong. A scenario is recognised by its
 * top-level `name:` and `duration:` keys; JSON files by the fields kafkasim writes first.
 */
export function fileKindOf(text: string): FileKind | null {
  const head = text.slice(0, 64 * 1024);
  const first = head.split(/\r?\n/).find((l) => l.trim() !== "" && !l.trimStart().startsWith("#"))?.trim() ?? "";
  if (/^(\{:|#jepsen\.history\.Op\{)/.test(first)) return "history-edn";
  // The fields kafkasim writes first in each JSON file (a summary's line can be longer than `head`: no JSON.parse).
  const json = head.trimStart().replace(/^\[\s*/, "");
  if (/^\{\s*"kafkasim"\s*:\s*"sweep-shard"/.test(json)) return "shard";
  if (/^\{\s*"index"\s*:/.test(json) && /"type"\s*:/.test(json) && /"f"\s*:/.test(json)) return "history-json";
  if (/^\{\s*"t"\s*:/.test(json) && /"actor"\s*:/.test(json)) return "trace";
  if (/^\{\s*"scenario"\s*:/.test(json) && /"digest"\s*:/.test(json)) return "summary";
  if (json.startsWith("{")) return null;
  if (/^name:\s/m.test(head) && /^duration:\s/m.test(head)) return "scenario";
  return null;
}

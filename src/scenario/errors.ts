/**
 * A user mistake in a scenario: names the file, the path inside it and what is allowed. The CLI prints the message
 * alone and exits 2; it never shows a stack trace for one of these.
 */
export class ScenarioError extends Error {
  /**
   * `more`: the file's other problems, each with its path; the message names each on a line of its own after the
   * first (the first line is the same with or without them).
   */
  constructor(
    readonly file: string,
    readonly path: string,
    readonly problem: string,
    readonly more: readonly { path: string; problem: string }[] = [],
  ) {
    const line = (path: string, problem: string) => `${file}: ${path ? `${path}: ` : ""}${problem}`;
    super([line(path, problem), ...more.map((m) => line(m.path, m.problem))].join("\n"));
    this.name = "ScenarioError";
  }
}

/** A first problem's note of how many more follow: `must be ... (and 2 more problems)`; none for 0. */
export function withMoreCount(problem: string, more: number): string {
  return problem + (more > 0 ? ` (and ${more} more problem${more > 1 ? "s" : ""})` : "");
}

/** A ScenarioError's problems, each with its path, in order, the first without withMoreCount's note. */
export function problemsOf(e: ScenarioError): { path: string; problem: string }[] {
  const note = withMoreCount("", e.more.length);
  return [{ path: e.path, problem: note !== "" && e.problem.endsWith(note) ? e.problem.slice(0, -note.length) : e.problem }, ...e.more];
}

/** `["clients", 1, "config", "acks"]` → `clients[1].config.acks`; an empty key is `""`, so a path never reads as nothing. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? formatKey(String(p)) : `.${formatKey(String(p))}`;
  }
  return out;
}

/** A key as a path shows it: as written, or `""` for the empty key. */
export function formatKey(key: string): string {
  return key === "" ? '""' : key;
}

/** A written value as YAML would show it: JSON, except .inf, -.inf and .nan, which JSON writes as null. */
export function shown(v: unknown): string {
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf";
  return JSON.stringify(v) ?? String(v);
}

/**
 * A user mistake in a scenario: names the file, the path inside it and what is allowed. The CLI prints the message
 * alone and exits 2; it never shows a stack trace for one of these.
 */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${file}: ${path ? `${path}: ` : ""}${problem}`);
    this.name = "ScenarioError";
  }
}

/** `["clients", 1, "config", "acks"]` → `clients[1].config.acks` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

/**
 * The one rule for a run's seed, shared by a scenario's `seed:` and the CLI's `--seed` / `--from`: an integer (a
 * JavaScript safe integer, negative allowed), as README's `--seed N` says. The engine's own seeds may be strings
 * (the benchmark's "bench"); a user's are not, so a typo such as `--seed 4O` is refused rather than run.
 */
export const SEED_RULE = "must be an integer, like 42, at most 2^53 - 1 either way";

/** Whether `v` is a seed a user may give: a safe integer. */
export function isSeed(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v);
}

/** A seed written as text (a command-line value): the integer, or null if the text is not one. */
export function parseSeedText(text: string): number | null {
  const s = text.trim();
  if (!/^-?\d+$/.test(s)) return null;
  const n = Number(s);
  return isSeed(n) ? n : null;
}

/**
 * The failing seeds of a sweep grouped by the check that failed, in first-failure order: `{ check -> seeds }`, each
 * seed under every check it failed (a seed that failed none by name, under its status). The terminal table and the
 * `--report` index both show this, so they count the same way.
 */
export function failuresByCheck(failures: readonly { seed: number; status: string; failed: readonly string[] }[]): Map<string, number[]> {
  const byCheck = new Map<string, number[]>();
  for (const f of failures) for (const name of f.failed.length ? f.failed : [f.status]) byCheck.set(name, [...(byCheck.get(name) ?? []), f.seed]);
  return byCheck;
}

/** Edit distance (insertions, deletions, substitutions, each 1) between two words; case counts. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The candidate nearest to what the user wrote, for "did you mean ...?", or null when none is close: within a
 * quarter of the word's length (at least 2 edits), comparing case-insensitively; ties go to the first candidate.
 */
export function nearest(written: string, candidates: readonly string[]): string | null {
  const w = written.toLowerCase();
  let best: string | null = null;
  let bestD = Math.max(2, Math.floor(written.length / 4)) + 1;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

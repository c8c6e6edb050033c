/**
 * Values of the form `<prefix><n>` with `n` a non-negative integer written as `String(n)` (no sign, no leading zero,
 * at most 9 digits, so it is a small integer to V8): the producer workload's values (`app-1-42`) are of this form.
 * Held as the prefix (shared by every value of one producer life) and the number, a value costs a small integer
 * where its string cost ~32 bytes; `prefix + n` gives back the very same string (issue 14 item 4).
 */
/** The length of the value's prefix when it is `<prefix><n>` (see splitSeqValue), else -1; allocates nothing. */
export function seqPrefixLength(value: string): number {
  let i = value.length;
  while (i > 0 && value.charCodeAt(i - 1) >= 48 && value.charCodeAt(i - 1) <= 57) i--;
  const digits = value.length - i;
  if (digits === 0 || digits > 9 || (digits > 1 && value.charCodeAt(i) === 48)) return -1;
  return i;
}

/** The number ending a value whose prefix is `prefixLength` long (see seqPrefixLength). */
export function seqOf(value: string, prefixLength: number): number {
  let n = 0;
  for (let i = prefixLength; i < value.length; i++) n = n * 10 + (value.charCodeAt(i) - 48);
  return n;
}

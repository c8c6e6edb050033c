/**
 * One word for a POSIX shell: left alone when it is only characters no shell treats specially, else single-quoted
 * (a single quote inside becomes '\''). So a printed replay line runs as printed, paths with spaces included.
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Clojure's `hash` (`hasheq`) of the values a Jepsen history holds, and the order a Clojure hash set iterates them
 * in: what `first` of a set returns, where kafka.clj takes one value of several (`version-orders`' `(map first)` of
 * each offset's set of values, `lost-write-cases`' `max-read`). Followed: clojure.lang.Murmur3 (`hashLong`,
 * `hashInt`, `hashUnencodedChars`), Numbers.hasheq, Keyword.hasheq / Symbol.hasheq, Util.hashCombine, and
 * PersistentHashMap's trie (BitmapIndexedNode / ArrayNode iterate by the hash's 5-bit chunks, lowest first).
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK1(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH1(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Murmur3.hashLong. */
export function hashLong(x: bigint): number {
  if (x === 0n) return 0;
  const u = BigInt.asUintN(64, x);
  const low = Number(u & 0xffffffffn) | 0;
  const high = Number(u >> 32n) | 0;
  return fmix(mixH1(mixH1(0, mixK1(low)), mixK1(high)), 8);
}

/** Murmur3.hashInt. */
export function hashInt(x: number): number {
  if (x === 0) return 0;
  return fmix(mixH1(0, mixK1(x | 0)), 4);
}

/** Murmur3.hashUnencodedChars (UTF-16 code units, as Java's String). */
export function hashUnencodedChars(s: string): number {
  let h = 0;
  for (let i = 1; i < s.length; i += 2) h = mixH1(h, mixK1(s.charCodeAt(i - 1) | (s.charCodeAt(i) << 16)));
  if ((s.length & 1) === 1) h ^= mixK1(s.charCodeAt(s.length - 1));
  return fmix(h, 2 * s.length);
}

/** java.lang.String.hashCode. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Util.hashCombine. */
function hashCombine(seed: number, hash: number): number {
  return (seed ^ ((hash + 0x9e3779b9 + (seed << 6) + (seed >> 2)) | 0)) | 0;
}

/** Keyword.hasheq of `:ns/name` or `:name` (given without the colon). */
export function keywordHash(kw: string): number {
  const slash = kw.indexOf("/");
  const ns = slash > 0 ? kw.slice(0, slash) : null;
  const name = slash > 0 ? kw.slice(slash + 1) : kw;
  return (hashCombine(hashUnencodedChars(name), ns === null ? 0 : javaStringHash(ns)) + 0x9e3779b9) | 0;
}

const f64 = new DataView(new ArrayBuffer(8));

/**
 * Clojure's hash of a history value as kafkasim holds it: a whole number is a Long, another number a Double, a
 * `:name` string a keyword (EDN keywords are read so), `123N` a BigInt (exactly read long), any other string a
 * String. Null for what kafkasim holds only as text (maps, sets): their hash is not known.
 */
export function clojureHash(v: unknown): number | null {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return hashLong(BigInt(v));
    if (Object.is(v, -0)) return 0;
    f64.setFloat64(0, v);
    return (f64.getInt32(0) ^ f64.getInt32(4)) | 0;
  }
  if (typeof v === "bigint") return BigInt.asIntN(64, v) === v ? hashLong(v) : null;
  if (typeof v === "string") {
    if (/^-?\d+N$/.test(v)) {
      const b = BigInt(v.slice(0, -1));
      return BigInt.asIntN(64, b) === b ? hashLong(b) : null;
    }
    if (v.length > 1 && v[0] === ":" && !/[\s,"]/.test(v)) return keywordHash(v.slice(1));
    return hashInt(javaStringHash(v));
  }
  return null;
}

/**
 * Whether a comes before b in a Clojure hash set's iteration: the hashes compared 5 bits at a time from the lowest
 * (the trie's levels). Equal hashes (a collision node keeps insertion order) or an unknown hash: false both ways.
 */
export function hashSetBefore(a: number | null, b: number | null): boolean {
  if (a === null || b === null || a === b) return false;
  for (let shift = 0; shift < 32; shift += 5) {
    const ca = (a >>> shift) & 31;
    const cb = (b >>> shift) & 31;
    if (ca !== cb) return ca < cb;
  }
  return false;
}

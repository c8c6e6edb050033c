/**
 * A fast, order-sensitive digest over the run's events: two FNV-1a style 32-bit lanes folded over numbers and
 * string char codes, printed as 16 hex digits. Not cryptographic; it exists so two runs compare in one line.
 */
const PRIME = 0x01000193;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

export class Digest {
  private a = 0x811c9dc5 | 0;
  private b = 0x050c5d1f | 0;

  foldInt(n: number): void {
    this.a = Math.imul(this.a ^ (n | 0), PRIME);
    this.b = Math.imul(this.b ^ ((n | 0) + 0x9e3779b9), 0x5bd1e995);
    this.b ^= this.b >>> 15;
  }

  /** Folds two int32s at once, one per lane (the engine's per-event fold: time and event identity). */
  foldPair(x: number, y: number): void {
    this.a = Math.imul(this.a ^ (x | 0), PRIME);
    this.b = Math.imul(this.b ^ (y | 0) ^ this.a, 0x5bd1e995);
    this.b ^= this.b >>> 15;
  }

  foldNumber(x: number): void {
    if (Number.isInteger(x) && x >= -0x80000000 && x <= 0x7fffffff) {
      this.foldInt(x);
    } else {
      f64[0] = x;
      this.foldInt(u32[0]);
      this.foldInt(u32[1]);
    }
  }

  foldString(s: string): void {
    for (let i = 0; i < s.length; i++) this.foldInt(s.charCodeAt(i));
    this.foldInt(s.length);
  }

  /** Folds a small JSON-like value; object keys in insertion order (deterministic for one code path). */
  foldValue(v: unknown): void {
    switch (typeof v) {
      case "number":
        this.foldNumber(v);
        return;
      case "string":
        this.foldString(v);
        return;
      case "boolean":
        this.foldInt(v ? 0x7471 : 0x6661);
        return;
      case "undefined":
        this.foldInt(0x756e);
        return;
      case "bigint":
        this.foldString(v.toString());
        return;
      case "object":
        if (v === null) {
          this.foldInt(0x6e75);
        } else if (Array.isArray(v)) {
          this.foldInt(0x5b);
          for (const x of v) this.foldValue(x);
          this.foldInt(v.length);
        } else {
          this.foldInt(0x7b);
          for (const k in v as Record<string, unknown>) {
            this.foldString(k);
            this.foldValue((v as Record<string, unknown>)[k]);
          }
        }
        return;
      default:
        this.foldInt(0);
    }
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, "0") + (this.b >>> 0).toString(16).padStart(8, "0");
  }
}

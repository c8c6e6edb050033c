import { toEDNString } from "edn-data";
import type { EDNVal } from "edn-data";
import type { JepsenOp } from "./ops.js";

/** Op fields whose values Jepsen writes as keywords (`:type :invoke`, `:f :send`). */
const KEYWORD_FIELDS = new Set(["type", "f"]);

/**
 * A history as Jepsen's `history.edn`: one op map per line, keyword keys, `:type`/`:f` and the micro-op verbs as
 * keywords (`[:send k [offset v]]`, `[:poll {k [[offset v] ...]}]`), everything else as plain EDN data. Written
 * with edn-data. Jepsen's own checker reads this (`jepsen.store` / `h/history` over the parsed ops).
 */
export function toEdnLines(ops: readonly JepsenOp[]): string {
  return ops.map((op) => toEDNString(opToEdn(op))).join("\n") + (ops.length > 0 ? "\n" : "");
}

/** A history as JSON lines, one op per line (what `kafkasim check` and most tools read most easily). */
export function toJsonLines(ops: readonly JepsenOp[]): string {
  return ops.map((op) => JSON.stringify(op)).join("\n") + (ops.length > 0 ? "\n" : "");
}

function opToEdn(op: JepsenOp): EDNVal {
  const map: [EDNVal, EDNVal][] = [];
  for (const [k, v] of Object.entries(op)) {
    if (v === undefined) continue;
    const value = KEYWORD_FIELDS.has(k) && typeof v === "string" ? { key: v } : k === "value" && (op.f === "send" || op.f === "poll" || op.f === "txn") && Array.isArray(v) ? mopsToEdn(v) : plain(v);
    map.push([{ key: k }, value]);
  }
  return { map };
}

function mopsToEdn(mops: unknown[]): EDNVal {
  return mops.map((m) => (Array.isArray(m) && typeof m[0] === "string" ? [{ key: m[0] }, ...m.slice(1).map(plain)] : plain(m)));
}

/** Plain data: arrays as vectors, objects as maps with string keys (a poll's topic-partitions), the rest as is. */
function plain(v: unknown): EDNVal {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object") return { map: Object.entries(v as Record<string, unknown>).map(([k, x]) => [k === "keys" ? { key: k } : k, plain(x)] as [EDNVal, EDNVal]) };
  return String(v);
}

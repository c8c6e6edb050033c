import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateKafkaHistory } from "../../../src/bench/kafkaHistoryGen.js";
import { analyzeKafkaHistory } from "../../../src/check/jepsen/analysis.js";
import type { JepsenOp } from "../../../src/check/jepsen/ops.js";

/**
 * The analysis on histories a correct Kafka would give (the bench's generator: concurrent clients, sends, polls and
 * transactions, timeouts, aborts, final polls): no false alarm, whatever the seed; and a write removed from every
 * read is always caught.
 */
describe("generated healthy histories", () => {
  it("are valid with no anomaly at all, for any seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 2, max: 8 }), (seed, keys) => {
        const a = analyzeKafkaHistory(generateKafkaHistory({ ops: 3_000, keys, processes: 6, seed: String(seed) }));
        expect(a.anomalyTypes).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it("with one acknowledged write erased from every poll, report it lost or unseen", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.nat(), (seed, pick) => {
        const h = generateKafkaHistory({ ops: 3_000, processes: 6, seed: String(seed) });
        const acked = h.filter((op) => op.f === "send" && op.type === "ok");
        const [, k, [, v]] = (acked[pick % acked.length].value as [string, number, [number, number]][])[0];
        // The log lost it: no poll, final one included, returns it.
        const erased = h.map((op): JepsenOp => (op.type !== "invoke" && (op.f === "poll" || op.f === "txn") ? { ...op, value: (op.value as unknown[]).map((m) => erase(m, k, v)) } : op));
        const a = analyzeKafkaHistory(erased);
        expect(a.valid).toBe(false);
        expect(a.anomalyTypes).toContain("unseen");
      }),
      { numRuns: 20 },
    );
  });
});

function erase(mop: unknown, k: number, v: number): unknown {
  if (!Array.isArray(mop) || mop[0] !== "poll" || !mop[1]) return mop;
  const polled = mop[1] as Record<string, [number, number][]>;
  return ["poll", Object.fromEntries(Object.entries(polled).map(([key, pairs]) => [key, key === String(k) ? pairs.filter(([, x]) => x !== v) : pairs]))];
}

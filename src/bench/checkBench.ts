import { analyzeKafkaHistory } from "../check/jepsen/analysis.js";
import { generateKafkaHistory } from "./kafkaHistoryGen.js";

/**
 * `check.opsPerSec`: Jepsen's Kafka analysis (indexing, version orders, every anomaly kind and the cycle search) of a
 * generated healthy history of `ops` entries (20 clients, 16 keys; sends, polls and transactions), on one core.
 * Best of `runs` after a warm-up, wall clock. `bytesPerOp`: how much the analysis keeps per history entry (its
 * typed-array columns and interned values), from the heap and array-buffer sizes around one analysis — linear in
 * the history.
 */
export function checkOpsPerSec(ops = 1_000_000, runs = 3): { opsPerSec: number; ops: number; bestMs: number; bytesPerOp: number; valid: boolean } {
  const history = generateKafkaHistory({ ops, seed: "bench" });
  analyzeKafkaHistory(history.slice(0, 100_000)); // warm the JIT up
  let bestMs = Infinity;
  let valid = false;
  let bytesPerOp = 0;
  for (let i = 0; i < runs; i++) {
    const before = process.memoryUsage();
    const t0 = performance.now();
    const a = analyzeKafkaHistory(history);
    const ms = performance.now() - t0;
    const after = process.memoryUsage();
    valid = a.valid;
    if (ms < bestMs) bestMs = ms;
    if (i === 0) bytesPerOp = Math.max(0, Math.round((after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / history.length));
  }
  return { opsPerSec: Math.round(history.length / (bestMs / 1000)), ops: history.length, bestMs: Math.round(bestMs), bytesPerOp, valid };
}

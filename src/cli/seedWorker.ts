import { setFlagsFromString } from "node:v8";
import { runSeedTask, type SeedTask, type TaskResult } from "./seedTask.js";

/**
 * A worker thread's seeds are short runs of the same code from a cold JIT: a 60-s zombie-producer seed costs
 * ~1.2 s CPU first and ~0.1 s from its seventh on, most of the difference TurboFan compiling large inlined graphs
 * (a few checkers took 100+ ms each) and recompiling them after deopts. A smaller cumulative inlining budget (V8's
 * default 920 bytecodes) cuts that warm-up by ~25% at about the same steady speed (measured in-process, 60 seeds,
 * CPU time: the first 30 seeds 6.7 s → 5.6 s, steady median within noise). Speed only: compiled code computes what
 * the interpreter does, so outcomes and digests do not change. V8 flags are per process, so this also reaches the
 * thread that made the pool (it only waits for outcomes).
 */
export const WORKER_V8_FLAGS = "--max-inlined-bytecode-size-cumulative=150";
setFlagsFromString(WORKER_V8_FLAGS);

/** The worker thread's entry (tinypool calls the default export with each task). Built: dist/cli/seedWorker.js. */
export default function seedWorker(task: SeedTask): TaskResult {
  return runSeedTask(task);
}

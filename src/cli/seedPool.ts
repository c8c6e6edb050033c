import { setMaxListeners } from "node:events";
import { availableParallelism } from "node:os";
import Tinypool from "tinypool";
import { runSeedTask, type SeedTask, type TaskResult, type TimedOutcome } from "./seedTask.js";
import { UsageError } from "./options.js";

/** `--workers` default: the machine's cores (os.availableParallelism()). */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * The worker entry next to this module: the built JS when this module is built JS (the package bin), else the
 * TypeScript sources through tsx (tests and `tsx src/cli/main.ts`).
 */
function workerEntry(): string {
  const here = import.meta.url;
  return new URL(here.endsWith(".js") ? "./seedWorker.js" : "./seedWorkerDev.mjs", here).href;
}

export interface SweepRun {
  /** Outcomes by task position; undefined for a task that did not finish (interrupted). */
  results: (TimedOutcome | undefined)[];
  interrupted: boolean;
}

export interface SweepOptions {
  workers: number;
  /** Aborted on Ctrl-C: no new seed starts; the outcomes so far are returned. */
  signal?: AbortSignal;
  onResult?: (o: TimedOutcome) => void;
}

/**
 * Runs sweep tasks: in this thread for one worker, else on a tinypool of worker threads (min(workers, tasks)).
 * Outcomes do not depend on the worker count: every seed is one whole deterministic run. Throws UsageError (exit 2)
 * for a run refused by its budget.
 */
export async function runSweep(tasks: SeedTask[], o: SweepOptions): Promise<SweepRun> {
  const results: (TimedOutcome | undefined)[] = new Array(tasks.length).fill(undefined);
  const take = (i: number, r: TaskResult) => {
    if (!r.ok) throw new UsageError(r.userError);
    results[i] = r.outcome;
    o.onResult?.(r.outcome);
  };
  const workers = Math.min(o.workers, tasks.length);
  if (workers <= 1) {
    for (let i = 0; i < tasks.length && !o.signal?.aborted; i++) {
      take(i, runSeedTask(tasks[i]));
      // Let Ctrl-C and the progress timer in between seeds.
      await new Promise((r) => setImmediate(r));
    }
    return { results, interrupted: o.signal?.aborted ?? false };
  }
  const pool = new Tinypool({ filename: workerEntry(), minThreads: workers, maxThreads: workers });
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // one listener per queued task (tinypool's own cancellation)
  const onAbort = () => stop.abort();
  o.signal?.addEventListener("abort", onAbort);
  let failure: unknown = null;
  try {
    await Promise.all(
      tasks.map((t, i) =>
        (pool.run(t, { signal: stop.signal }) as Promise<TaskResult>).then(
          (r) => {
            if (!stop.signal.aborted) take(i, r);
          },
          (e: unknown) => {
            if (stop.signal.aborted) return; // cancelled by Ctrl-C or by another task's failure
            failure ??= e;
            stop.abort();
          },
        ),
      ),
    );
  } catch (e) {
    failure ??= e;
    stop.abort();
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    await pool.destroy();
  }
  if (failure !== null) throw failure;
  return { results, interrupted: o.signal?.aborted ?? false };
}

import { runSeedTask, type SeedTask, type TaskResult } from "./seedTask.js";

/** The worker thread's entry (tinypool calls the default export with each task). Built: dist/cli/seedWorker.js. */
export default function seedWorker(task: SeedTask): TaskResult {
  return runSeedTask(task);
}

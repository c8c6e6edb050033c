import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: one on a 2-core CI machine. The suite is CPU-bound test
    // files, so every core runs one (5.3 min on 2 cores instead of about 9).
    maxWorkers: availableParallelism(),
    setupFiles: ["test/support/fastCheckSeed.ts"],
  },
});

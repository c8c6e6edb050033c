import { availableParallelism } from "node:os";
import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The suite's longest files, longest first (measured with `--reporter=json`: each takes from 40 s to well over a
 * minute on 2 cores). Without vitest's results cache — a fresh clone, CI — vitest runs the largest files first by
 * byte size, and these are among the smallest (shipped-part*.test.ts is four lines), so they ran last and one core
 * sat idle while the other finished the last of them. Started first, they overlap the many short files instead.
 */
const LONGEST_FIRST = [
  "test/scenarios/shipped-part2.test.ts",
  "test/scenarios/shipped-part1.test.ts",
  "test/scenarios/shipped-part3.test.ts",
  "test/kafka/groupRebalance.property.test.ts",
  "test/kafka/eos.property.test.ts",
  "test/kafka/idempotence.property.test.ts",
  "test/readme.test.ts",
  "test/kafka/replication.property.test.ts",
  "test/report/browser.test.ts",
  "test/kafka/connectionCases.test.ts",
  "test/scenarioSeeds.test.ts",
];

/** Vitest's order (cached durations, else size), with the files above moved to the front in their order. */
class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(relative(this.ctx.config.root, f.moduleId).replace(/\\/g, "/"));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Test files in one worker share its module graph (not re-imported and re-compiled per file): 321 s -> 180 s for
    // the suite on 2 quiet cores (issue 15 item 6: under 5 minutes). Safe because the model keeps no state in
    // modules (only caches of pure results) and every shipped scenario's golden digest is checked in whatever order
    // the files run.
    isolate: false,
    // Vitest's default is one worker fewer than the cores: one on a 2-core CI machine. The suite is CPU-bound test
    // files, so every core runs one (half the time of one worker).
    maxWorkers: availableParallelism(),
    sequence: { sequencer: LongestFirstSequencer },
    setupFiles: ["test/support/fastCheckSeed.ts"],
  },
});

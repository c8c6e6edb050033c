import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { WORKER_V8_FLAGS } from "../../src/cli/seedWorker.js";

describe("seedWorker", () => {
  // setFlagsFromString ignores a flag this V8 does not know, so a Node upgrade that renamed it would silently bring
  // the workers' slow warm-up back: every flag the workers set must be one this node's V8 lists.
  it("sets only V8 flags this node knows, each with a value", () => {
    const known = execFileSync(process.execPath, ["--v8-options"], { encoding: "utf8" });
    const flags = WORKER_V8_FLAGS.split(" ");
    expect(flags.length).toBeGreaterThan(0);
    for (const f of flags) {
      const m = /^(--[a-z-]+)=(\d+)$/.exec(f);
      expect(m, f).not.toBeNull();
      expect(known).toContain(`  ${m![1]} (`);
    }
  });
});

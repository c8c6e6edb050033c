import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";

/**
 * Scenarios written from public bug reports and incidents by someone who had only the README (each file's header
 * names its report): each holds its expectations at seed 1 — the bug shows where the report says it shows. Their
 * "fixed" variants were checked with `compare` when written; a model change that breaks one of these breaks a
 * user's reproduction of a known incident.
 */
const dir = join(import.meta.dirname, "..", "fixtures", "bug-reports");
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

describe.each(files)("bug report %s", (file) => {
  it("holds its expectations at seed 1", () => {
    const r = runScenario(loadScenario(join(dir, file)), { seed: 1 });
    const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.details.join("; ")}`);
    expect({ status: r.status, failed }).toEqual({ status: "ok", failed: [] });
  });
});

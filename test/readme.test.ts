import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../src/scenario/load.js";
import { cli } from "./support/cli.js";

/**
 * The README's Tour, as a newcomer runs it: every `explore` line finds failing seeds, and the `shrink` line after it
 * shrinks a seed that explore found to a single fault, whose file replays the failure.
 */
const readme = readFileSync("README.md", "utf8");
const tour = /## Tour\n\n```sh\n([\s\S]*?)```/.exec(readme)![1];
const commands = tour
  .split("\n")
  .map((l) => l.replace(/\s+#.*$/, "").trim())
  .filter((l) => l.startsWith("npx kafkasim "))
  .map((l) => l.slice("npx kafkasim ".length).split(/\s+/));
const out = mkdtempSync(join(tmpdir(), "kafkasim-tour-"));

describe("the README's Tour", () => {
  const explores = commands.filter((c) => c[0] === "explore");
  const shrinks = commands.filter((c) => c[0] === "shrink");

  it("has explore and shrink lines for the shipped sweeps", () => {
    expect(explores.length).toBeGreaterThanOrEqual(3);
    expect(shrinks.length).toBeGreaterThanOrEqual(1);
    for (const c of [...explores, ...shrinks]) expect(loadScenario(c[1]).sweep).not.toBeNull();
  });

  it.each(explores.map((c) => [c.join(" "), c]))("%s finds failing seeds", async (_line, c) => {
    const r = await cli(...c, "--json");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { failures: { seed: number; failed: string[] }[] };
    expect(j.failures.length).toBeGreaterThan(0);
    const finds = loadScenario(c[1]).sweep!.finds;
    for (const f of j.failures) expect(f.failed.every((x) => finds.includes(x))).toBe(true);
    // The shrink line for this scenario names a seed this sweep finds.
    const shrink = shrinks.find((s) => s[1] === c[1]);
    if (shrink) expect(j.failures.map((f) => f.seed)).toContain(Number(shrink[shrink.indexOf("--seed") + 1]));
  });

  it.each(shrinks.map((c) => [c.join(" "), c]))("%s writes a single-fault scenario that replays the failure", async (_line, c) => {
    const r = await cli(...c, "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/shrunk \d+ faults to 1 in \d+ runs/);
    const file = /written to (\S+);/.exec(r.stdout)![1];
    const replay = commands.find((x) => x[0] === "run" && x[1].endsWith(file.split("/").pop()!));
    expect(replay, "the Tour replays the shrunk file").toBeDefined();
    const run = await cli("run", file, "--quiet");
    expect(run.code).toBe(1);
    expect(loadScenario(file).faults).toHaveLength(1);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cli } from "../support/cli.js";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

/** A usage mistake: exit 2, nothing on stdout (so no run happened), one line naming the problem. */
async function expectUsageError(argv: string[], ...needles: string[]) {
  const r = await cli(...argv);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe(""); // the simulation never ran: no summary, no verdict, no replay line
  for (const n of needles) expect(r.stderr).toContain(n);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("every argument is checked before the simulation runs", () => {
  it("an unknown flag exits 2 at once, without running the scenario", async () => {
    await expectUsageError(["run", "engine/lease-gc-pause", "--sed", "5"], "Unknown argument: sed");
  });

  it("an unknown flag on explore or shrink exits 2 before any seed runs", async () => {
    await expectUsageError(["explore", "engine/lease-gc-pause", "--seeds", "3", "--sead", "1"], "Unknown argument");
    await expectUsageError(["shrink", "engine/lease-gc-pause", "--sed", "1"], "Unknown argument");
  });

  it("a missing required option or an extra positional exits 2 without running", async () => {
    await expectUsageError(["explore", "engine/lease-gc-pause"], "seeds");
    await expectUsageError(["run", "engine/lease-gc-pause", "extra"], "Unknown argument");
  });

  it("a bad option value exits 2 before the run", async () => {
    await expectUsageError(["run", "engine/lease-gc-pause", "--seed", ""], "--seed");
    await expectUsageError(["explore", "engine/lease-gc-pause", "--seeds", "0"], "--seeds");
  });
});

describe("small CLI truths", () => {
  it("--version prints the package version and exits 0", async () => {
    for (const flag of ["--version", "-V"]) {
      const r = await cli(flag);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });

  it("--help shows every command, explore and shrink included, and exits 0", async () => {
    const r = await cli("--help");
    expect(r.code).toBe(0);
    for (const cmd of ["run <scenario>", "explore <scenario>", "shrink <scenario>", "list"]) expect(r.stdout).toContain(cmd);
    expect(r.stdout).toContain("--version");
  });

  it("no command prints the usage with the commands and exits 2", async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("name a command");
  });
});

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The installed binary, as a user runs it (npm ci builds dist/ through the prepare script).
const BIN = "dist/cli/main.js";

describe("the kafkasim binary", () => {
  it("is built on install", () => {
    expect(existsSync(BIN)).toBe(true);
  });

  it("lists scenarios and runs one, honouring NO_COLOR", () => {
    const list = spawnSync("node", [BIN, "list"], { encoding: "utf8" });
    expect(list.status).toBe(0);
    expect(list.stdout).toContain("engine/lease-gc-pause");
    const run = spawnSync("node", [BIN, "run", "engine/heartbeat-false-suspicion", "--seed", "3"], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("digest");
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });

  it("a reader that goes away (kafkasim ... | head) ends it quietly, not with an EPIPE stack trace", () => {
    // `true` exits at once, so every write finds the pipe closed.
    const r = spawnSync("bash", ["-c", `set -o pipefail; node ${BIN} run engine/lease-gc-pause | true`], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("--version prints the package's version", () => {
    const r = spawnSync("node", [BIN, "--version"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  });

  it("exits 2 with one line and no stack trace on bad input", () => {
    const r = spawnSync("node", [BIN, "run", "does-not-exist.yaml"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("does-not-exist.yaml: no such file");
  });
});

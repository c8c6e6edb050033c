import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkOutputDir, checkOutputFile, plainReason, writeOutputFile } from "../../src/cli/outputPaths.js";
import { UsageError } from "../../src/cli/options.js";
import { cli } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-paths-"));
const aFile = join(dir, "a-file.txt");
writeFileSync(aFile, "x");
const aDir = join(dir, "a-dir");
mkdirSync(aDir);
// An unwritable place: a read-only folder for a normal user; root writes anywhere on a normal file system, so for root
// a folder of sysfs, where even root cannot create files.
const readOnly = join(dir, "read-only");
mkdirSync(readOnly);
chmodSync(readOnly, 0o555);
const unwritable = process.getuid?.() === 0 ? "/sys" : readOnly;

const SCENARIO = "engine/heartbeat-false-suspicion";

/** A bad output path: exit 2 before the run (nothing on stdout), one line naming the flag and the path. */
async function expectPathError(argv: string[], path: string, ...needles: string[]) {
  const r = await cli(...argv);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.split("\n")).toHaveLength(1);
  expect(r.stderr).toContain(path);
  for (const n of needles) expect(r.stderr).toContain(n);
}

describe("output paths are checked before the run", () => {
  it("--trace in a folder that does not exist", async () => {
    await expectPathError(["run", SCENARIO, "--trace", "/no/such/dir/x"], "/no/such/dir", "--trace", "does not exist");
  });

  it("--trace naming an existing folder", async () => {
    await expectPathError(["run", SCENARIO, "--trace", aDir], aDir, "--trace", "a folder is in the way");
  });

  it("--trace in an unwritable place", async () => {
    await expectPathError(["run", SCENARIO, "--trace", join(unwritable, "t.jsonl")], unwritable, "--trace", "not writable");
  });

  it("--report naming an existing file", async () => {
    await expectPathError(["run", SCENARIO, "--report", aFile], aFile, "--report", "a file is in the way");
  });

  it("--report under a missing parent folder", async () => {
    await expectPathError(["run", SCENARIO, "--report", join(dir, "missing", "deeper")], join(dir, "missing"), "does not exist");
  });

  it("--report in an unwritable place", async () => {
    await expectPathError(["run", SCENARIO, "--report", join(unwritable, "r")], unwritable, "not writable: permission denied");
  });

  it("why a folder is not writable is said in words, not as an errno name", async () => {
    // /proc exists, but creating a file in it fails with ENOENT: it used to read "not writable (ENOENT)".
    if (existsSync("/proc/self")) {
      const r = await cli("run", SCENARIO, "--report", "/proc/x");
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("--report /proc/x: the folder /proc is not writable: no file can be created in it (a special file system, such as /proc)");
    }
    expect(plainReason("EROFS", "x")).toBe("it is on a read-only file system");
    expect(plainReason("ENOSPC", "x")).toBe("no space left on the device");
    expect(plainReason("EIO", "x")).toBe("EIO");
    expect(plainReason(undefined, "Error: odd")).toBe("Error: odd");
  });

  it("shrink --out naming an existing file, or under a missing folder", async () => {
    await expectPathError(["shrink", SCENARIO, "--out", aFile], aFile, "--out", "a file is in the way (the shrunk scenario needs a folder there)");
    await expectPathError(["shrink", SCENARIO, "--out", "/no/such/dir/out"], "/no/such/dir", "--out", "does not exist");
  });

  it("a file-system error while writing is a user error naming the path, never an internal error", () => {
    // Checked fine, then the place went away before the write (a race, a full disk): still one line, exit 2.
    expect(() => writeOutputFile(join(aFile, "x.jsonl"), "text", "--trace")).toThrow(UsageError);
    expect(() => writeOutputFile(join(aFile, "x.jsonl"), "text", "--trace")).toThrow(/--trace: cannot write .*a-file.txt\/x.jsonl: ENOTDIR/);
  });
});

describe("good output paths work", () => {
  it("--trace and --report write where they are told; --report creates its last folder", async () => {
    const trace = join(dir, "ok.jsonl");
    const report = join(dir, "report-out");
    const r = await cli("run", SCENARIO, "--trace", trace, "--report", report, "--quiet");
    expect(r.code).toBe(0);
    expect(readFileSync(trace, "utf8").split("\n")[0]).toMatch(/^\{/);
    expect(readdirSync(report)).toContain("index.html");
  });
});

describe("the path checks, for any command that writes", () => {
  it("checkOutputFile: fine in an existing folder, else one line naming the path", () => {
    expect(checkOutputFile(join(dir, "new.txt"), "--history", dir)).toBe(join(dir, "new.txt"));
    expect(checkOutputFile(aFile, "--history", dir)).toBe(aFile); // overwriting a file is allowed
    expect(() => checkOutputFile(join(aFile, "x"), "--history", dir)).toThrow(UsageError);
    expect(() => checkOutputFile(join(aFile, "x"), "--history", dir)).toThrow(/^--history .*a-file.txt\/x: a file is in the way \(.*a-file.txt is not a folder\)$/);
  });

  it("checkOutputDir: an existing folder or a new one in an existing folder", () => {
    expect(checkOutputDir(aDir, "--out", dir)).toBe(aDir);
    expect(checkOutputDir(join(dir, "fresh"), "--out", dir)).toBe(join(dir, "fresh"));
    expect(existsSync(join(dir, "fresh"))).toBe(false); // checking creates nothing
    expect(() => checkOutputDir(aFile, "--out", dir)).toThrow(/a file is in the way/);
  });
});

describe("an output file is neither the scenario nor another output (outsider4: run s.yaml --trace s.yaml replaced the scenario)", () => {
  it("--trace or --history naming the scenario file (directly, by another spelling or by a link) is exit 2 and the file is kept", async () => {
    const scenario = join(dir, "mine.yaml");
    const text = readFileSync("scenarios/engine/heartbeat-false-suspicion.yaml", "utf8");
    writeFileSync(scenario, text);
    await expectPathError(["run", scenario, "--trace", scenario], scenario, "--trace", "is the scenario file this command reads");
    await expectPathError(["run", scenario, "--history", join(dir, ".", "..", dir.split("/").pop()!, "mine.yaml")], "mine.yaml", "--history", "is the scenario file");
    const { symlinkSync } = await import("node:fs");
    symlinkSync(scenario, join(dir, "link.yaml"));
    await expectPathError(["run", scenario, "--trace", join(dir, "link.yaml")], "link.yaml", "is the scenario file");
    expect(readFileSync(scenario, "utf8")).toBe(text);
  });

  it("--trace and --history naming one file is exit 2; two files run", async () => {
    const same = join(dir, "out.jsonl");
    await expectPathError(["run", SCENARIO, "--trace", same, "--history", same], same, "--history", "is also the file of --trace");
    const r = await cli("run", SCENARIO, "--trace", join(dir, "t.jsonl"), "--history", join(dir, "h.jsonl"), "--quiet");
    expect(r.code).not.toBe(2);
  });
});

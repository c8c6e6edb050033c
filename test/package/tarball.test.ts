import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The package as a user installs it: `npm pack`, then the tarball installed (from the local npm cache, so offline
 * and quick) into a CommonJS project (what `npm init -y` makes) and an ES-module project, each running a small
 * fast-check property over the model, and a type check of the CommonJS project's TypeScript.
 */
const ROOT = resolve(".");
const work = mkdtempSync(join(tmpdir(), "kafkasim-pack-"));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without the npm_* variables of the `npm test` around us (they would point npm at this repo). */
function run(cmd: string, args: string[], cwd: string): Promise<Ran> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));
  return new Promise((done) => {
    const p = spawn(cmd, args, { cwd, env: { ...env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** dist/ is current when no source file is newer than its build (CI builds on `npm ci`); else build a fresh copy. */
function distIsFresh(): boolean {
  const built = join(ROOT, "dist", "index.js");
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  const newest = (d: string): number =>
    Math.max(0, ...readdirSync(d, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs)));
  return newest(join(ROOT, "src")) <= builtAt;
}

// A property that holds (fencing tokens keep a paused leader's late write out, whatever the pauses) and one that
// must fail and shrink (without tokens, a pause longer than the lease lets a stale write in).
const PROPERTY = `
const fenced = loadScenario("engine/lease-gc-pause-fenced");
const unfenced = loadScenario("engine/lease-gc-pause");
const pauses = faultScheduleArbitrary({ nodes: ["node-1", "node-2"], kinds: ["pause"], fromMs: 5000, untilMs: 30000, durationMs: { min: 3000, max: 5000 } });
fc.assert(fc.property(pauses, (faults) => runScenario(fenced, { faults }).ok), { numRuns: 5, seed: 7 });
const out = fc.check(fc.property(pauses, (faults) => runScenario(unfenced, { faults }).ok), { numRuns: 30, seed: 7 });
if (!out.failed) throw new Error("the unfenced lease should lose a write");
const shipped = existsSync(join(scenariosDir, "acks-1-leader-failover.yaml"));
console.log(JSON.stringify({ held: true, failed: out.failed, shrunkTo: out.counterexample[0].length, shipped }));
`;

const CJS = `"use strict";
const fc = require("fast-check");
const { loadScenario, runScenario, faultScheduleArbitrary, scenariosDir } = require("kafkasim");
const { existsSync } = require("node:fs");
const { join } = require("node:path");
${PROPERTY}`;

const ESM = `import fc from "fast-check";
import { loadScenario, runScenario, faultScheduleArbitrary, scenariosDir } from "kafkasim";
import { existsSync } from "node:fs";
import { join } from "node:path";
${PROPERTY}`;

// The user's fast-check and ours must be one: fc.property takes our arbitrary's type in a CommonJS TypeScript project.
const CJS_TS = `import fc = require("fast-check");
import { faultScheduleArbitrary, loadScenario, runScenario, type FaultOp, type FaultGeneratorBounds } from "kafkasim";
const bounds: FaultGeneratorBounds = { nodes: ["node-1", "node-2"] };
const arb: fc.Arbitrary<FaultOp[]> = faultScheduleArbitrary(bounds);
const scenario = loadScenario("engine/lease-gc-pause-fenced");
fc.assert(fc.property(arb, fc.integer(), (faults, n) => runScenario(scenario, { faults, seed: n }).ok), { numRuns: 1 });
`;

let tarball = "";
const projects = { cjs: join(work, "cjs-user"), esm: join(work, "esm-user") };
let installs: Record<string, Ran> = {};

beforeAll(async () => {
  const stage = join(work, "stage");
  mkdirSync(stage);
  for (const f of ["package.json", "README.md"]) cpSync(join(ROOT, f), join(stage, f));
  cpSync(join(ROOT, "scenarios"), join(stage, "scenarios"), { recursive: true });
  if (distIsFresh()) cpSync(join(ROOT, "dist"), join(stage, "dist"), { recursive: true });
  else {
    // What `npm run build` does, into the staging copy (dist/ is in use by other test files).
    const built = await run(process.execPath, [TSC, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(stage, "dist")], ROOT);
    if (built.code !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
    cpSync(join(ROOT, "src", "index.d.cts"), join(stage, "dist", "index.d.cts"));
  }
  const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], stage);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  tarball = join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);

  // What `npm init -y` writes (CommonJS: no "type"), and the same with "type": "module".
  mkdirSync(projects.cjs);
  mkdirSync(projects.esm);
  writeFileSync(join(projects.cjs, "package.json"), JSON.stringify({ name: "cjs-user", version: "1.0.0", main: "index.js", license: "ISC" }, null, 2));
  writeFileSync(join(projects.esm, "package.json"), JSON.stringify({ name: "esm-user", version: "1.0.0", type: "module", license: "ISC" }, null, 2));
  writeFileSync(join(projects.cjs, "index.js"), CJS);
  writeFileSync(join(projects.cjs, "check.ts"), CJS_TS);
  writeFileSync(
    join(projects.cjs, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ["check.ts"] }),
  );
  writeFileSync(join(projects.esm, "index.js"), ESM);
  // fast-check is a peer dependency: npm installs it with kafkasim, and the user's code shares that one copy.
  const install = (dir: string) => run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", tarball], dir);
  const [cjs, esm] = await Promise.all([install(projects.cjs), install(projects.esm)]);
  installs = { cjs, esm };
}, 300_000);

describe("the packed package in a user's project", () => {
  it("installs from its tarball, with fast-check as a peer (one copy)", () => {
    for (const [name, r] of Object.entries(installs)) expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: "" });
    for (const dir of Object.values(projects)) {
      expect(existsSync(join(dir, "node_modules", "fast-check"))).toBe(true);
      expect(existsSync(join(dir, "node_modules", "kafkasim", "node_modules", "fast-check"))).toBe(false);
      expect(existsSync(join(dir, "node_modules", "kafkasim", "scenarios", "acks-1-leader-failover.yaml"))).toBe(true);
    }
  });

  it("require(\"kafkasim\") works from CommonJS and runs a property test with fast-check", async () => {
    const r = await run(process.execPath, ["index.js"], projects.cjs);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ held: true, failed: true, shipped: true });
    expect(JSON.parse(r.stdout).shrunkTo).toBeGreaterThanOrEqual(1);
  });

  it("import from an ES module does the same", async () => {
    const r = await run(process.execPath, ["index.js"], projects.esm);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ held: true, failed: true, shipped: true });
  });

  it("TypeScript in the CommonJS project agrees on fast-check's types with ours", async () => {
    const r = await run(process.execPath, [TSC, "-p", "tsconfig.json"], projects.cjs);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("the bin is installed and answers --version", async () => {
    const r = await run(process.execPath, [join(projects.cjs, "node_modules", "kafkasim", "dist", "cli", "main.js"), "--version"], projects.cjs);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

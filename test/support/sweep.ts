import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { listScenarioFiles } from "../../src/scenario/shipped.js";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";
import { type GoldenDigests, goldenName, readGolden } from "./goldenDigests.js";

/**
 * `npm run test:sweep`: every shipped scenario on seeds 1..N (default 20), in worker processes (default: one per
 * core, at most 2), then one table: per scenario pass or FAIL and which seeds failed which check. Exit 0 when every
 * scenario passes, 1 otherwise. A scenario passes when every expectation holds at every seed, except that a sweep
 * scenario (`sweep: { finds }`) may break what it finds (that is its point; the table counts the seeds that do).
 *
 *   npm run test:sweep                      # all scenarios, seeds 1..20
 *   npm run test:sweep -- --seeds 50 acks-1-random-leader-crashes
 *   npm run test:sweep -- --workers 1
 *   npm run test:sweep -- --from 2          # seeds 2..20: CI's run, the test command has run seed 1
 *
 * At the fixture's seeds (test/fixtures/golden-digests.json: 1..3) a run's digest and event count must also be the
 * fixture's: the test command checks seed 1 only (TEST_SEEDS), CI's sweep the others.
 */

interface ScenarioSweep {
  name: string;
  sweep: string[] | null;
  /** Seed → what failed there (check names, or the run status); seeds that held are absent. */
  failures: Record<string, string[]>;
  wallMs: number;
}

/** Runs one scenario on seeds from..n (in this process), checking the fixture's digests at its seeds (`golden`). */
export function sweepScenario(file: string, n: number, from = 1, fixture: GoldenDigests = readGolden()): ScenarioSweep {
  const s = loadScenario(file);
  const started = performance.now();
  const failures: Record<string, string[]> = {};
  const golden = fixture[goldenName(file)] ?? {};
  for (let seed = from; seed <= n; seed++) {
    const r = runScenario(s, { seed });
    // The fixture's seeds the test command does not run (it runs TEST_SEEDS): their digests are checked here.
    const want = golden[String(seed)];
    const digestOff = want !== undefined && (want.digest !== r.digest || want.events !== r.events) ? [`golden digest (${r.digest}/${r.events}, fixture ${want.digest}/${want.events}: npm run golden:update if the change is meant)`] : [];
    if (r.ok && digestOff.length === 0) continue;
    const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
    failures[seed] = [...digestOff, ...failed, ...(r.invariantViolations.length > 0 ? ["invariant"] : []), ...(r.status === "livelock" || r.status === "event-budget" ? [r.status] : []), ...(r.liveness && r.liveness.convergedAtMs === null ? [`did not converge: ${r.liveness.gaps[0] ?? "?"}`] : [])];
  }
  return { name: goldenName(file), sweep: s.sweep?.finds ?? null, failures, wallMs: Math.round(performance.now() - started) };
}

/** Whether a scenario's failures are allowed: none, or (for a sweep) only what it finds. */
export function passes(r: ScenarioSweep): boolean {
  return Object.values(r.failures).every((f) => r.sweep !== null && f.every((x) => r.sweep!.includes(x)));
}

function table(results: ScenarioSweep[], n: number, from: number): string {
  const width = Math.max(...results.map((r) => r.name.length), 8) + 2;
  const lines = [`${"scenario".padEnd(width)}${"result".padEnd(8)}${"wall".padStart(7)}  failing seeds (of ${from}..${n}) by check`];
  for (const r of results) {
    const byCheck = new Map<string, number[]>();
    for (const [seed, checks] of Object.entries(r.failures)) for (const c of checks) byCheck.set(c, [...(byCheck.get(c) ?? []), Number(seed)]);
    const detail = [...byCheck].map(([c, seeds]) => `${c}${r.sweep?.includes(c) ? " (found by the sweep)" : ""}: ${seeds.sort((a, b) => a - b).join(" ")}`).join("; ");
    lines.push(`${r.name.padEnd(width)}${(passes(r) ? "pass" : "FAIL").padEnd(8)}${`${(r.wallMs / 1000).toFixed(1)}s`.padStart(7)}  ${detail || "-"}`);
  }
  const failing = results.filter((r) => !passes(r)).length;
  lines.push(`${results.length - failing} passed, ${failing} failed (${results.length} scenarios × seeds ${from}..${n})`);
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  let n = 20;
  let from = 1;
  let workers = Math.min(2, availableParallelism());
  const names: string[] = [];
  let worker = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--seeds") n = Number(argv[++i]);
    else if (argv[i] === "--from") from = Number(argv[++i]);
    else if (argv[i] === "--workers") workers = Number(argv[++i]);
    else if (argv[i] === "--worker") worker = true;
    else names.push(argv[i]);
  }
  if (!Number.isSafeInteger(n) || n < 1 || !Number.isSafeInteger(from) || from < 1 || from > n || !Number.isSafeInteger(workers) || workers < 1) {
    process.stderr.write("usage: npm run test:sweep -- [--seeds N] [--from F] [--workers W] [scenario names]\n");
    return 2;
  }
  const all = listScenarioFiles();
  const files = names.length === 0 ? all : all.filter((f) => names.includes(goldenName(f)));
  if (files.length < names.length) {
    process.stderr.write(`unknown scenario among: ${names.join(", ")}\n`);
    return 2;
  }
  if (worker) {
    // A worker: one JSON line per scenario, for the parent to table.
    for (const f of files) process.stdout.write(JSON.stringify(sweepScenario(f, n, from)) + "\n");
    return 0;
  }
  // A pool of `workers` processes, one scenario each, the costliest first (by their golden event counts), so the
  // long ones do not end up queued behind each other.
  const golden = readGolden();
  const cost = (name: string) => Object.values(golden[name] ?? {}).reduce((a, r) => a + r.events, 0);
  const queue = files.map(goldenName).sort((a, b) => cost(b) - cost(a));
  const self = fileURLToPath(import.meta.url);
  const started = performance.now();
  const runOne = (name: string) =>
    new Promise<ScenarioSweep>((done, fail) => {
      const p = spawn(process.execPath, ["--import", "tsx", self, "--worker", "--seeds", String(n), "--from", String(from), name], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      p.stdout.on("data", (d) => (out += d));
      p.on("close", (code) => {
        if (code !== 0) return fail(new Error(`the sweep of ${name} exited ${code}`));
        process.stderr.write(".");
        done(JSON.parse(out.trim()) as ScenarioSweep);
      });
    });
  const results: ScenarioSweep[] = [];
  const pool = Math.min(workers, queue.length);
  await Promise.all(
    Array.from({ length: pool }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) results.push(await runOne(name));
    }),
  );
  results.sort((a, b) => a.name.localeCompare(b.name));
  process.stderr.write("\n");
  process.stdout.write(table(results, n, from) + `\n(${Math.round((performance.now() - started) / 1000)}s wall, ${pool} workers)\n`);
  return results.every(passes) ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 3;
    },
  );
}

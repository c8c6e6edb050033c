import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import fc from "fast-check";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/scenario/errors.js";
import { parseScenario } from "../../src/scenario/load.js";
import { listScenarioFiles, scenariosDir } from "../../src/scenario/shipped.js";
import { cli, type CliRun } from "../support/cli.js";
import { parseHistoryText } from "../../src/check/jepsen/parseHistory.js";
import { applyMutation, applyTextMutation, mutationArb, textMutationArb } from "../support/scenarioMutations.js";

/**
 * Malformed scenarios never crash (design.md §3, the bad-input rule): every shipped scenario, changed by one to three
 * random structural mutations (a key deleted or misspelt, a value of the wrong kind, negative, zero, huge, "NaN",
 * empty or deeply nested, a list entry repeated, a name that refers to nothing, a duration in parsecs), either loads
 * or is refused with one ScenarioError naming the file and the path inside it, in the file's words. What loads runs
 * briefly and ends with an exit code of the run (0 or 1, or 2 for a run refused by its work estimate), never an
 * internal error. Failures shrink to the fewest, simplest mutations (fast-check prints them with the scenario).
 *
 * Runs are bounded (numRuns below) so the file takes well under a minute on a loaded 2-core machine.
 */

const FILE = "fuzz.yaml";
/** Words of the program's insides, not of the file; a value the file wrote is shown quoted ("NaN") and is fine. */
const INTERNAL_WORDS = /undefined|\[object Object\]|\bNaN\b|Invalid input|Too (small|big):|expected (array|string|number|object) to|must be tuple/;

const shipped = listScenarioFiles().map((f) => ({
  name: relative(scenariosDir, f).replace(/\\/g, "/"),
  data: YAML.parse(readFileSync(f, "utf8"), { merge: true }) as Record<string, unknown>,
}));
const scenarioArb = fc.constantFrom(...shipped.map((s) => s.name));
const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 3 });

function mutated(name: string, mutations: readonly Parameters<typeof applyMutation>[1][], shortRun = false): string {
  let data: unknown = structuredClone(shipped.find((s) => s.name === name)!.data);
  // The liveness phase (up to its own bound after the duration) is not what a short run is for.
  if (shortRun && data && typeof data === "object" && "cluster" in data) (data as Record<string, unknown>).liveness = "none";
  for (const m of mutations) data = applyMutation(data, m);
  return YAML.stringify(data, { aliasDuplicateObjects: false }) ?? "";
}

/**
 * A message without what the user wrote: quoted values, and a name the file itself gives (a topic called
 * "undefined" is listed as written among the topics).
 */
function withoutUsersWords(message: string, input: string): string {
  let out = message.replace(/"[^"\n]*"/g, '""');
  for (const word of ["undefined", "[object Object]", "NaN"]) if (input.includes(word)) out = out.split(word).join("");
  return out;
}

/** A refusal as the rule says: the file, a path inside it (or a whole-file problem), each line the file's, no internals. */
function expectUserError(e: unknown, file: string, input = "") {
  if (!(e instanceof ScenarioError)) throw new Error(`not a ScenarioError: ${(e as Error)?.stack ?? String(e)}`);
  expect(e.file).toBe(file);
  for (const line of e.message.split("\n")) expect(line.startsWith(`${file}: `), line).toBe(true);
  if (e.path === "") expect(e.problem).toMatch(/must be a YAML mapping|invalid YAML|nested|no such file/);
  expect(withoutUsersWords(e.message, input), e.message).not.toMatch(INTERNAL_WORDS);
}

/** A CLI run as the rule says: 0, 1 or 2, never 3; a refusal is the file's message (or the flag's), no stack trace. */
function expectCliOutcome(r: CliRun, file?: string) {
  expect([0, 1, 2], r.stderr).toContain(r.code);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  if (r.code === 2) {
    if (file !== undefined) expect(r.stderr.startsWith(`${file}: `) || r.stderr.startsWith("kafkasim: ") || r.stderr.startsWith("--"), r.stderr).toBe(true);
    // A --set or a flag's value is echoed as typed ("--set x=NaN"): that is the user's word, not the program's.
    expect(r.stderr.replace(/"[^"\n]*"/g, '""').replace(/--set \S+/g, "--set"), r.stderr).not.toMatch(INTERNAL_WORDS);
  }
}

describe("fuzzing shipped scenarios with structural mutations", () => {
  it("every mutated scenario loads or is refused with one ScenarioError naming the file and the path", () => {
    fc.assert(
      fc.property(scenarioArb, mutationsArb, (name, mutations) => {
        const text = mutated(name, mutations);
        try {
          parseScenario(text, FILE, { runDurationMs: 300 });
        } catch (e) {
          expectUserError(e, FILE, text);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("a mutated scenario that loads runs briefly to an exit code of a run (0, 1, or 2 refused by its estimate), never an internal error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kafkasim-fuzz-"));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, mutationsArb, async (name, mutations) => {
        const f = join(dir, `m${n++}.yaml`);
        writeFileSync(f, mutated(name, mutations, true));
        expectCliOutcome(await cli("run", f, "--duration", "300ms", "--quiet"), f);
      }),
      { numRuns: 60 },
    );
  });
});

describe("fuzzing --set on a shipped scenario", () => {
  // KEY from the scenario's own paths (some misspelt, some a level too deep), VALUE from the same odd values.
  const data = shipped.find((s) => s.name === "acks-1-leader-failover.yaml")!.data;
  const keys = ["clients.app.config.acks", "clients.app.config.linger.ms", "brokers.config.min.insync.replicas", "topics.orders.config.retention.ms", "features.transaction.version", "duration", "seed", "cluster.brokers", "clients.0.kind", "clients.app.workload.rate", "faults.0.at", "faults.2.crash", "randomFaults.maxDown", "network.latency.max", "clients.ap.config.acks", "clients.app.config", "duration.ms", "faults.9.at", "clients.app.config.acks.x", "cluster.topics.0.partitions", "liveness"];
  const valueText = fc.constantFrom("all", "1", "-1", "0", "", "1.5", "NaN", ".nan", "1e400", "9223372036854775808", "[]", "{}", "null", "~", "[1, 2]", "{a: 1}", "5 parsecs", "-5s", "0s", "2m", "true", "'1'", "[", "}", "&a", "*a", "!!binary x");
  const dir = mkdtempSync(join(tmpdir(), "kafkasim-fuzz-set-"));
  const file = join(dir, "base.yaml");
  beforeAll(() => writeFileSync(file, YAML.stringify({ ...data, liveness: "none" })));

  it("a --set that names nothing or sets an impossible value exits 2 naming the --set and the path; one that fits runs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...keys), valueText), { minLength: 1, maxLength: 2 }), async (sets) => {
        const args = sets.flatMap(([k, v]) => ["--set", `${k}=${v}`]);
        const r = await cli("run", file, ...args, "--duration", "300ms", "--quiet");
        expectCliOutcome(r);
        if (r.code === 2) expect(r.stderr.startsWith("kafkasim: ") || r.stderr.startsWith("--set ") || r.stderr.startsWith(`${file}: `), r.stderr).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe("fuzzing command-line flags", () => {
  const dir = mkdtempSync(join(tmpdir(), "kafkasim-fuzz-cli-"));
  const scenario = join(dir, "quick.yaml");
  beforeAll(() => {
    const data = shipped.find((s) => s.name === "acks-1-leader-failover.yaml")!.data;
    // One simulated second and no faults: a run or a shrink with no --duration of its own stays short.
    writeFileSync(scenario, YAML.stringify({ ...data, duration: "1s", liveness: "none", faults: [] }));
  });
  const odd = fc.constantFrom("", "0", "-1", "1", "2", "1.5", "abc", "NaN", "Infinity", "1e3", "0x10", " 2", "99999999999999999999", "300ms", "5 parsecs", "-5s", "1/1", "2/1", "0/0", "1/0", "a/b", "3/4", "--", "-", "=", "[object Object]", "undefined");
  const flag = fc.constantFrom("--seed", "--seeds", "--from", "--duration", "--shard", "--workers", "--timeline", "--set", "--json", "--quiet", "--compacted", "--ww-deps", "--subscribe", "--out", "--trace", "--report", "--history", "--check-determinism", "--seedz", "-x");
  // Not list: it takes no value flags, and each list loads every shipped scenario (seconds on a loaded machine).
  const command = fc.constantFrom("run", "explore", "compare", "merge", "shrink", "check", "runn", "");
  // Output flags write under the temp folder; explore and compare are held to few seeds of a short run.
  const argvArb = fc.tuple(command, fc.array(fc.tuple(flag, fc.option(odd, { nil: undefined })), { maxLength: 3 })).map(([cmd, flags]) => {
    const argv: string[] = cmd === "" ? [] : [cmd];
    if (["run", "explore", "compare", "shrink"].includes(cmd)) argv.push(scenario);
    if (cmd === "check" || cmd === "merge") argv.push(join(dir, "missing.jsonl"));
    for (const [f, v] of flags) {
      argv.push(f);
      if (v !== undefined) argv.push(["--out", "--trace", "--report", "--history"].includes(f) ? join(dir, v || "x") : v);
    }
    if (cmd === "explore" || cmd === "compare") argv.push("--workers", "1", "--duration", "300ms");
    return argv;
  });

  it("every command with odd flag values exits 0, 1 or 2, with one message and no stack trace", async () => {
    await fc.assert(
      fc.asyncProperty(argvArb, async (argv) => {
        // A sweep with a valid huge --seeds would be a real sweep: held to a few seeds (--seeds is fuzzed on run).
        const seeds = argv.indexOf("--seeds");
        if (seeds >= 0 && /^\s*\d+$/.test(argv[seeds + 1] ?? "") && Number(argv[seeds + 1]) > 3) argv[seeds + 1] = "2";
        expectCliOutcome(await cli(...argv));
      }),
      { numRuns: 80 },
    );
  });

  it("through the real binary: malformed scenarios and flags exit 2 with one line on stderr, no stack trace", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, mutated("acks-1-leader-failover.yaml", [{ op: "set", at: 0, value: { name: "x", description: "d", duration: "5 parsecs", cluster: { brokers: 3 } } }]));
    const cases: [string[], string][] = [
      [["run", bad], `${bad}: duration: must be a duration with a unit`],
      [["run", scenario, "--duration", "5 parsecs"], "--duration: must be a positive duration"],
      [["explore", scenario, "--seeds", "2", "--shard", "3/2"], "--shard: must be K/N with 1 ≤ K ≤ N"],
      [["run", scenario, "--set", "clients.nobody.config.acks=all"], '--set clients.nobody.config.acks=all: clients has no "nobody"'],
    ];
    for (const [argv, needle] of cases) {
      const r = spawnSync("node", ["dist/cli/main.js", ...argv], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined } });
      expect({ argv, status: r.status }).toEqual({ argv, status: 2 });
      expect(r.stderr).toContain(needle);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
      expect(r.stdout).toBe("");
    }
  });
});

describe("fuzzing kafkasim check with mutated histories", () => {
  // Jepsen's history.edn fixtures and a history kafkasim wrote (JSON lines), each changed as text (a token put in, a
  // stretch cut out, a line repeated, the end cut off) or as ops (the scenario mutations, written back as JSON).
  const fixtures = ["test/fixtures/jepsen", "test/fixtures/jepsen/round3"].flatMap((d) => readdirSync(d).filter((f) => /\.(edn|jsonl?)$/.test(f)).map((f) => join(d, f)));
  const dir = mkdtempSync(join(tmpdir(), "kafkasim-fuzz-check-"));
  const simHistory = join(dir, "sim.jsonl");
  const texts: string[] = [];
  beforeAll(async () => {
    expect((await cli("run", "acks-1-leader-failover", "--duration", "2s", "--history", simHistory, "--quiet")).code).toBe(1);
    for (const f of [...fixtures, simHistory]) texts.push(readFileSync(f, "utf8"));
  });
  /** JSON with exact longs (the reader gives a long past 2^53 as a bigint). */
  const json = (v: unknown) => (JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `@@long${x}` : x)) ?? "").replace(/"@@long(-?\d+)"/g, "$1");
  const historyArb = fc.tuple(
    fc.nat(fixtures.length),
    fc.oneof(
      fc.record({ kind: fc.constant("text" as const), mutations: fc.array(textMutationArb, { minLength: 1, maxLength: 3 }) }),
      fc.record({ kind: fc.constant("ops" as const), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }), jsonLines: fc.boolean() }),
    ),
  );
  let n = 0;

  it("a malformed history exits 2 with one line naming the file (and the op), a well-formed one 0 or 1; never an internal error", async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async ([i, change]) => {
        let text = texts[i];
        if (change.kind === "text") for (const m of change.mutations) text = applyTextMutation(text, m);
        else {
          let ops: unknown = parseHistoryText(text);
          for (const m of change.mutations) ops = applyMutation(ops, m);
          text = change.jsonLines && Array.isArray(ops) ? ops.map(json).join("\n") : json(ops);
        }
        const f = join(dir, `h${n++}.${change.kind === "text" && i < fixtures.length ? "edn" : "json"}`);
        writeFileSync(f, text);
        const r = await cli("check", f);
        expectCliOutcome(r);
        if (r.code === 2) {
          expect(r.stderr.startsWith(`${f}: `), r.stderr).toBe(true);
          expect(r.stderr.split("\n"), r.stderr).toHaveLength(1);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("fuzzing kafkasim merge with mutated shard files", () => {
  const dir = mkdtempSync(join(tmpdir(), "kafkasim-fuzz-merge-"));
  const [a, b] = [join(dir, "a.jsonl"), join(dir, "b.jsonl")];
  let shardA = "";
  beforeAll(async () => {
    const data = shipped.find((s) => s.name === "acks-1-random-leader-crashes.yaml")!.data;
    const scenario = join(dir, "q.yaml");
    writeFileSync(scenario, YAML.stringify({ ...data, duration: "2s", liveness: "none" }));
    for (const [k, out] of [["1/2", a], ["2/2", b]]) expect((await cli("explore", scenario, "--seeds", "4", "--shard", k, "--out", out, "--workers", "1")).code).toBeLessThan(2);
    shardA = readFileSync(a, "utf8");
  });
  const changeArb = fc.oneof(
    fc.record({ kind: fc.constant("text" as const), mutations: fc.array(textMutationArb, { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant("line" as const), line: fc.nat(3), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) }),
  );
  let n = 0;

  it("a malformed or mismatched shard exits 2 with one line naming it; the shards as written merge", async () => {
    await fc.assert(
      fc.asyncProperty(changeArb, async (change) => {
        let text = shardA;
        if (change.kind === "text") for (const m of change.mutations) text = applyTextMutation(text, m);
        else {
          const lines = text.split("\n").filter((l) => l !== "");
          let line: unknown = JSON.parse(lines[change.line % lines.length]);
          for (const m of change.mutations) line = applyMutation(line, m);
          lines[change.line % lines.length] = JSON.stringify(line) ?? "";
          text = lines.join("\n") + "\n";
        }
        const f = join(dir, `m${n++}.jsonl`);
        writeFileSync(f, text);
        const r = await cli("merge", f, b);
        expectCliOutcome(r);
        if (r.code === 2) {
          expect(r.stderr.split("\n"), r.stderr).toHaveLength(1);
          expect(r.stderr, r.stderr).toMatch(/m\d+\.jsonl|b\.jsonl/);
          // "(2 lines, 2 expected)" says nothing about what is wrong.
          expect(r.stderr).not.toMatch(/\((\d+) lines, \1 expected\)/);
        }
      }),
      { numRuns: 100 },
    );
  });
});

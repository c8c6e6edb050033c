import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { cli } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-sweep-"));

// Random pauses against a heartbeat detector: some seeds make the monitor suspect a live node. Cheap (engine only).
const RANDOM = join(dir, "random.yaml");
writeFileSync(
  RANDOM,
  `name: random-pauses
description: random pauses against a heartbeat detector
duration: 10s
demo:
  heartbeat: { monitor: m, nodes: [a, b], interval: 100ms, timeout: 1s }
randomFaults: { nodes: [a, b], kinds: [pause], count: 1, duration: { min: 200ms, max: 2s } }
expect:
  - noFalseSuspicion
`,
);

/** The explore/merge JSON object without its timing fields (the only ones that may differ). */
function untimed(text: string): Record<string, unknown> {
  const j = JSON.parse(text) as Record<string, unknown>;
  for (const k of ["wallMs", "seedsPerSec", "workers", "shard"]) delete j[k];
  return j;
}

describe("explore --workers", () => {
  it("gives the same seeds, failures, digests and coverage on 2 worker threads as in one thread", async () => {
    const seq = await cli("explore", RANDOM, "--seeds", "10", "--workers", "1", "--json", "--out", join(dir, "seq.jsonl"));
    const par = await cli("explore", RANDOM, "--seeds", "10", "--workers", "2", "--json", "--out", join(dir, "par.jsonl"));
    expect(par.code).toBe(seq.code);
    expect(seq.code).toBe(1);
    expect(untimed(par.stdout)).toEqual(untimed(seq.stdout));
    const digests = (f: string) => readFileSync(join(dir, f), "utf8").trim().split("\n").slice(1).map((l) => [JSON.parse(l).seed, JSON.parse(l).digest]);
    expect(digests("par.jsonl")).toEqual(digests("seq.jsonl"));
    expect(digests("seq.jsonl").map(([s]) => s)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("takes --duration as run does, and refuses a bad one or a bad --workers", async () => {
    const j = JSON.parse((await cli("explore", RANDOM, "--seeds", "2", "--workers", "1", "--duration", "2s", "--json")).stdout);
    const full = JSON.parse((await cli("explore", RANDOM, "--seeds", "2", "--workers", "1", "--json")).stdout);
    expect(j.events).toBeLessThan(full.events);
    expect((await cli("explore", RANDOM, "--seeds", "2", "--duration", "soon")).code).toBe(2);
    expect((await cli("explore", RANDOM, "--seeds", "2", "--workers", "0")).code).toBe(2);
  });

  it("on Ctrl-C prints the table of the seeds finished so far and exits 130", async () => {
    const out: string[] = [];
    let done = 0;
    const code = await runCli(["explore", RANDOM, "--seeds", "50", "--workers", "1"], {
      out: (t) => out.push(t),
      err: () => {},
      interactive: false,
      colorLevel: 0,
      cwd: process.cwd(),
      // Interrupt once the sweep is under way (after its first seed yields).
      onInterrupt: (h) => {
        const t = setImmediate(() => (done++, h()));
        return () => clearImmediate(t);
      },
    });
    expect(done).toBe(1);
    expect(code).toBe(130);
    expect(out.join("\n")).toMatch(/interrupted: \d+ of 50 seeds finished/);
  });
});

describe("explore --shard --out and merge", () => {
  it("merges shards into the same table, --json object and exit code as one run over all seeds", async () => {
    const files = [1, 2, 3].map((k) => join(dir, `shard-${k}.jsonl`));
    for (const [i, f] of files.entries()) expect((await cli("explore", RANDOM, "--seeds", "10", "--shard", `${i + 1}/3`, "--out", f, "--workers", "1", "--json")).code).toBeLessThan(2);
    const one = await cli("explore", RANDOM, "--seeds", "10", "--workers", "1", "--json");
    const merged = await cli("merge", ...files, "--json");
    expect(merged.code).toBe(one.code);
    expect(untimed(merged.stdout)).toEqual(untimed(one.stdout));
    const table = (t: string) => t.split("\n").slice(1).join("\n"); // the first line has the wall time
    expect(table((await cli("merge", ...files.reverse())).stdout)).toBe(table((await cli("explore", RANDOM, "--seeds", "10", "--workers", "1")).stdout));
  });

  it("refuses overlapping, missing and mismatched shards with exit 2", async () => {
    const f = (k: number, n: number, seeds = "6") => join(dir, `m-${k}-${n}-${seeds}.jsonl`);
    for (const [k, n, s] of [[1, 2, "6"], [2, 2, "6"], [2, 2, "8"]] as const) await cli("explore", RANDOM, "--seeds", s, "--shard", `${k}/${n}`, "--out", f(k, n, s), "--workers", "1", "--json");
    const overlap = await cli("merge", f(1, 2), f(1, 2));
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toMatch(/both shard 1\/2/);
    const missing = await cli("merge", f(1, 2));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing shard 2\/2/);
    const mismatch = await cli("merge", f(1, 2), f(2, 2, "8"));
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/not shards of one sweep \(seeds/);
    writeFileSync(join(dir, "junk.jsonl"), "hello\n");
    expect((await cli("merge", join(dir, "junk.jsonl"))).code).toBe(2);
    expect((await cli("explore", RANDOM, "--seeds", "2", "--out", join(dir, "x.json"))).code).toBe(2);
  });

  it("refuses a malformed or impossible shard header or seed line with exit 2, naming the file and the line", async () => {
    const good = join(dir, "v-good.jsonl");
    expect((await cli("explore", RANDOM, "--seeds", "2", "--shard", "1/1", "--out", good, "--workers", "1")).code).toBeLessThan(2);
    const lines = readFileSync(good, "utf8").trim().split("\n");
    expect(lines).toHaveLength(3);
    const bad = async (name: string, text: string, ...needles: string[]) => {
      const f = join(dir, name);
      writeFileSync(f, text);
      const r = await cli("merge", f);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(f);
      for (const n of needles) expect(r.stderr).toContain(n);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr.split("\n")).toHaveLength(1);
    };
    const edit = (i: number, from: RegExp, to: string) => lines.map((l, j) => (j === i ? l.replace(from, to) : l)).join("\n") + "\n";
    // A number too large for a double parses as Infinity: refused, not looped over.
    await bad("v-seeds-inf.jsonl", edit(0, /"seeds":\d+/, '"seeds":1e400'), "line 1", "seeds", "Infinity");
    await bad("v-from-inf.jsonl", edit(0, /"from":\d+/, '"from":1e400'), "line 1", "from");
    await bad("v-shard.jsonl", edit(0, /"shard":\{[^}]*\}/, '"shard":{"k":3,"n":2}'), "line 1", "shard");
    await bad("v-seed-inf.jsonl", edit(2, /"seed":\d+/, '"seed":1e400'), "line 3", "seed", "Infinity");
    await bad("v-wall.jsonl", edit(1, /"wallMs":[^,]+/, '"wallMs":-1e400'), "line 2", "wallMs");
    await bad("v-status.jsonl", edit(1, /"status":"[^"]*"/, '"status":"great"'), "line 2", "status", "expectation-failed");
    await bad("v-events.jsonl", edit(1, /"events":\d+/, '"events":"many"'), "line 2", "events");
    // Line numbers are the file's, blank lines counted.
    await bad("v-blank.jsonl", [lines[0], "", lines[1], "{oops"].join("\n") + "\n", "line 4", "not JSON");
    // Another kind of file, or none at all, says what it is (newcomer pass: "line 1: not JSON", "cannot read (ENOENT)").
    await bad("v-scenario.jsonl", "name: t\ndescription: d\nduration: 5s\n", "is a scenario file, not a shard file");
    await bad("v-history.jsonl", '{:index 0 :type :invoke :f :send :process 0 :value []}\n', "is a client history in Jepsen's EDN shape, not a shard file");
    await bad("v-trace.jsonl", '{"t":0,"actor":"broker-1","type":"sim.start","data":{}}\n', "is a trace");
    const missing = await cli("merge", join(dir, "v-none.jsonl"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`${join(dir, "v-none.jsonl")}: no such file`);
    // A huge seed count is refused by the count of lines it implies, without listing its seeds.
    await bad("v-huge.jsonl", edit(0, /"seeds":\d+/, '"seeds":9007199254740991'), "does not hold the seeds");
    // The right number of lines, but a seed of another shard in place of one of this: named, not "2 lines, 2 expected" (found by fuzzScenario.property's merge fuzzing).
    await bad("v-wrong-seed.jsonl", edit(2, /"seed":\d+/, '"seed":7'), "does not hold the seeds of shard 1/1", "no line for seed 2", "seed 7 is not one of its seeds");
  });
});

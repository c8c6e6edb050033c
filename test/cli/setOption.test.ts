import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { cli } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-set-"));

/** A heartbeat detector (engine only: cheap) that holds with its 5-s timeout and suspects falsely with a 1-s one. */
const FILE = join(dir, "heartbeat.yaml");
writeFileSync(
  FILE,
  `name: heartbeat-set
description: a detector whose timeout --set changes
duration: 10s
seed: 3
demo:
  heartbeat: { monitor: m, nodes: [a, b], interval: 200ms, timeout: 5s }
randomFaults: { nodes: [a, b], kinds: [pause], count: 2, duration: { min: 1500ms, max: 3s } }
expect:
  - noFalseSuspicion
`,
);
const SET = "demo.heartbeat.timeout=1s";

describe("--set with a control character is refused, as a scenario's names and values are", () => {
  // An ESC in a value would be printed as it is on every line naming the --set (ESC [2J clears the screen).
  for (const [what, text] of [
    ["in the value", "clients.app.config.client.id=a\u001B[2Jb"],
    ["in the key", "clients.a\u0007pp.config.acks=all"],
    ["a C1 control", "demo.heartbeat.timeout=1s\u0085"],
    ["a line break", "demo.heartbeat.timeout=1s\nrm"],
  ] as const) {
    it(`${what}: exit 2, one line, the character shown escaped`, async () => {
      for (const command of [["run", FILE], ["explore", FILE, "--seeds", "1"], ["shrink", FILE]]) {
        const r = await cli(...command, "--set", text);
        expect(r.code, command[0]).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr.split("\n")).toHaveLength(1);
        expect(r.stderr).toMatch(/^--set \S+: holds the control character U\+00[0-9A-F]{2}; a --set is plain text on one line/);
        expect(r.stderr).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
      }
    });
  }
});

describe("--set on run, explore and shrink: one setting changed for this run, as if the file said it", () => {
  it("run: the change decides the outcome, and the replay line repeats it so the failure replays", async () => {
    const plain = await cli("run", FILE, "--quiet");
    expect(plain.code).toBe(0);
    const set = await cli("run", FILE, "--quiet", "--set", SET);
    expect(set.code).toBe(1);
    expect(set.stdout.trim()).toBe(`kafkasim run ${FILE} --seed 3 --set ${SET}`);
    const json = JSON.parse((await cli("run", FILE, "--json", "--set", SET)).stdout);
    expect(json.ok).toBe(false);
    expect(json.sets).toEqual([SET]);
    expect(JSON.parse(plain.stdout === "" ? (await cli("run", FILE, "--json")).stdout : plain.stdout).sets).toBeUndefined();
  });

  it("run: a --set naming nothing or a value the scenario refuses is exit 2 naming the --set; the file's own mistake stays the file's", async () => {
    const nothing = await cli("run", FILE, "--set", "clients.app.config.acks=all");
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/--set clients\.app\.config\.acks=all: the scenario has no clients/);
    const bad = await cli("run", FILE, "--set", "demo.heartbeat.timeout=soon");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--set demo\.heartbeat\.timeout=soon: .*demo\.heartbeat\.timeout/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, readFileSync(FILE, "utf8").replace("interval: 200ms", "interval: soon"));
    const own = await cli("run", broken, "--set", SET);
    expect(own.code).toBe(2);
    expect(own.stderr).toMatch(/demo\.heartbeat\.interval/);
    expect(own.stderr).not.toMatch(/--set/);
    expect((await cli("run", FILE, "--set", "timeout")).code).toBe(2);
  });

  it("run, explore, shrink: two --set of one KEY are exit 2 naming both and pointing at compare, not the last one silently (newcomer pass)", async () => {
    for (const argv of [["run", FILE], ["explore", FILE, "--seeds", "1"], ["shrink", FILE]]) {
      const r = await cli(...argv, "--set", "demo.heartbeat.timeout=1s", "--set", "demo.heartbeat.timeout=5s");
      expect(r.code, argv[0]).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        "--set demo.heartbeat.timeout=1s and --set demo.heartbeat.timeout=5s: both set demo.heartbeat.timeout, and every --set applies to this run; give one (kafkasim compare runs each --set as its own variant)",
      );
    }
    // Two different KEYs both apply.
    expect((await cli("run", FILE, "--quiet", "--set", SET, "--set", "demo.heartbeat.interval=100ms")).code).toBe(1);
  });

  it("run: a file invalid on its own, with --set: every line names the file and the path; a line a --set made starts with that --set", async () => {
    const broken = join(dir, "broken-too.yaml");
    writeFileSync(broken, readFileSync(FILE, "utf8").replace("interval: 200ms", "interval: soon"));
    const own = `${broken}: demo.heartbeat.interval: must be a duration with a unit, like "250ms", "30s" or "2m" (got "soon")`;
    // A --set that is fine elsewhere: the file's own problem, as without it.
    const unrelated = await cli("run", broken, "--set", SET);
    expect(unrelated.code).toBe(2);
    expect(unrelated.stderr.trim()).toBe(own);
    // A --set whose value is refused as well: the file's line, then the --set's (it was the file's words for both).
    const both = await cli("run", broken, "--set", "demo.heartbeat.timeout=later");
    expect(both.code).toBe(2);
    expect(both.stderr.trim().split("\n")).toEqual([
      `${own} (and 1 more problem)`,
      `--set demo.heartbeat.timeout=later: ${broken}: demo.heartbeat.timeout: must be a duration with a unit, like "250ms", "30s" or "2m" (got "later")`,
    ]);
    // A --set that writes another bad value where the file's was: the problem is the --set's now.
    const over = await cli("run", broken, "--set", "demo.heartbeat.interval=later", "--set", SET);
    expect(over.code).toBe(2);
    expect(over.stderr.trim()).toBe(`--set demo.heartbeat.interval=later: ${broken}: demo.heartbeat.interval: must be a duration with a unit, like "250ms", "30s" or "2m" (got "later")`);
    // A --set that mends the file: it runs, as if the file said it.
    expect((await cli("run", broken, "--quiet", "--set", "demo.heartbeat.interval=200ms")).code).toBe(0);
    expect(both.stderr + over.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("run: a file only the resolver refuses, with a --set the schema refuses: the --set's line (the file's comes once the --set is right)", async () => {
    const late = join(dir, "late-start.yaml");
    writeFileSync(late, `name: r\ndescription: a client starting after the run\nduration: 5s\ncluster: { brokers: 1, topics: [{ name: t, partitions: 1 }] }\nclients:\n  - { id: app, kind: producer, start: 9s, workload: { topic: t, rate: 10 } }\n`);
    const own = await cli("run", late, "--set", "clients.app.config.acks=1");
    expect(own.stderr.trim()).toBe(`${late}: clients[0].start: must be before the end of the run (duration 5s)`);
    // The schema's check comes before the resolver's: only the --set's problem is found, and it says so.
    const set = await cli("run", late, "--set", "seed=x");
    expect(set.code).toBe(2);
    expect(set.stderr.trim()).toBe(`--set seed=x: ${late}: seed: must be an integer, like 42, at most 2^53 - 1 either way (got "x")`);
    // A --set that changes the file's own problem's words (a shorter run) is named with it.
    expect((await cli("run", late, "--set", "duration=3s")).stderr.trim()).toBe(`--set duration=3s: ${late}: clients[0].start: must be before the end of the run (duration 3s)`);
  });

  it("run: a --set KEY through __proto__ or constructor is exit 2 naming it (it was an internal error, and wrote into Object.prototype)", async () => {
    for (const set of ["__proto__.x=1", "demo.__proto__.interval=1s", "constructor.prototype.x=1", "demo.heartbeat.__proto__=1"]) {
      const r = await cli("run", FILE, "--set", set);
      expect(r.code, set).toBe(2);
      expect(r.stderr, set).toContain(`--set ${set}: `);
      expect(r.stderr, set).toMatch(/is not a key of a scenario/);
      expect(r.stderr, set).not.toMatch(/internal error|\n\s+at /);
      expect(({} as Record<string, unknown>).x, set).toBeUndefined();
      expect(({} as Record<string, unknown>).interval, set).toBeUndefined();
    }
  });

  it("run: a --set KEY with a [N] index says to write .N", async () => {
    const r = await cli("run", FILE, "--set", "demo.heartbeat.nodes[0]=c");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--set demo.heartbeat.nodes[0]=c: ");
    expect(r.stderr).toContain("write demo.heartbeat.nodes.0");
  });

  it("explore: every seed runs with the change; its table, JSON and shard files carry it, and merge refuses shards of another change", async () => {
    const plain = JSON.parse((await cli("explore", FILE, "--seeds", "4", "--workers", "1", "--json")).stdout);
    expect(plain.failures).toEqual([]);
    expect(plain.sets).toBeUndefined();
    const set = await cli("explore", FILE, "--seeds", "4", "--workers", "1", "--json", "--set", SET);
    expect(set.code).toBe(1);
    const j = JSON.parse(set.stdout);
    expect(j.sets).toEqual([SET]);
    expect(j.failures.length).toBeGreaterThan(0);
    const table = await cli("explore", FILE, "--seeds", "4", "--workers", "1", "--set", SET);
    expect(table.stdout).toContain(`--set ${SET}`);
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    await cli("explore", FILE, "--seeds", "4", "--workers", "1", "--shard", "1/2", "--out", a, "--set", SET);
    await cli("explore", FILE, "--seeds", "4", "--workers", "1", "--shard", "2/2", "--out", b, "--set", SET);
    expect(JSON.parse(readFileSync(a, "utf8").split("\n")[0]).sets).toEqual([SET]);
    const merged = await cli("merge", a, b, "--json");
    expect(merged.code).toBe(1);
    expect(JSON.parse(merged.stdout).failures.map((f: { seed: number }) => f.seed)).toEqual(j.failures.map((f: { seed: number }) => f.seed));
    expect(JSON.parse(merged.stdout).sets).toEqual([SET]);
    const other = join(dir, "other.jsonl");
    await cli("explore", FILE, "--seeds", "4", "--workers", "1", "--shard", "2/2", "--out", other);
    const refused = await cli("merge", a, other);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not shards of one sweep \(sets/);
  });

  it("--duration is repeated too: run's replay line, explore's replay and shrink lines, and shrink writes it into the file", async () => {
    const run = await cli("run", FILE, "--quiet", "--duration", "8s", "--set", SET);
    expect(run.code).toBe(1);
    expect(run.stdout.trim()).toBe(`kafkasim run ${FILE} --seed 3 --duration 8s --set ${SET}`);
    const replayed = await cli(...run.stdout.trim().split(" ").slice(1));
    expect(replayed.code).toBe(1);
    const table = await cli("explore", FILE, "--seeds", "4", "--workers", "1", "--duration", "8s", "--set", SET);
    expect(table.stdout).toMatch(/replay one: kafkasim run \S+ --seed \d+ --duration 8s --set demo\.heartbeat\.timeout=1s/);
    expect(table.stdout).toMatch(/shrink it: +kafkasim shrink \S+ --seed \d+ --duration 8s --set demo\.heartbeat\.timeout=1s/);
    const out = join(dir, "shrunk-8s");
    expect((await cli("shrink", FILE, "--seed", "3", "--out", out, "--duration", "8s", "--set", SET)).code).toBe(0);
    expect((YAML.parse(readFileSync(join(out, readdirSync(out)[0]), "utf8")) as { duration: string }).duration).toBe("8s");
  });

  it("a run shortened by --duration marks the faults it never reaches", async () => {
    const fixed = join(dir, "fixed.yaml");
    writeFileSync(fixed, readFileSync(FILE, "utf8").replace(/randomFaults:.*\n/, "faults:\n  - { at: 2s, pause: a, for: 1s }\n  - { at: 6s, pause: b, for: 1s }\n"));
    const r = await cli("run", fixed, "--duration", "5s");
    expect(r.stdout).toMatch(/2\.000s  pause a for 1s\n/);
    expect(r.stdout).toMatch(/6\.000s  pause b for 1s  \(after --duration 5s: not done\)/);
    expect((await cli("run", fixed)).stdout).not.toContain("not done");
  });

  it("a fault past the file's duration is accepted when a longer --duration reaches it, and refused (exit 2) otherwise", async () => {
    const later = join(dir, "later.yaml");
    writeFileSync(later, readFileSync(FILE, "utf8").replace(/randomFaults:.*\n/, "faults:\n  - { at: 12s, pause: b, for: 1s }\n"));
    const refused = await cli("run", later);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("faults[0].at: must be within the run (duration 10s); got 12s");
    const longer = await cli("run", later, "--duration", "15s");
    expect(longer.code).toBe(0);
    expect(longer.stdout).toMatch(/12\.000s  pause b for 1s\n/);
    expect((await cli("explore", later, "--seeds", "2", "--workers", "1", "--duration", "15s")).code).toBe(0);
    const tooShort = await cli("run", later, "--duration", "11s");
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toContain("faults[0].at: must be within the run (--duration 11s); got 12s");
  });

  it("shrink: the shrunk file has the change written in, so it fails on its own", async () => {
    const out = join(dir, "shrunk");
    const r = await cli("shrink", FILE, "--seed", "3", "--out", out, "--set", SET);
    expect(r.code).toBe(0);
    const written = join(out, readdirSync(out)[0]);
    expect((YAML.parse(readFileSync(written, "utf8")) as { demo: { heartbeat: { timeout: string } } }).demo.heartbeat.timeout).toBe("1s");
    expect((await cli("run", written, "--quiet")).code).toBe(1);
  });
});

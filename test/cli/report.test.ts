import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../support/cli.js";
import { readGolden } from "../support/goldenDigests.js";

const dir = mkdtempSync(join(tmpdir(), "kafkasim-report-"));
const isRoot = process.getuid?.() === 0;

describe("kafkasim run --report", () => {
  it("writes a self-contained page, the summary with the timeline, and the history as JSON lines", async () => {
    const out = join(dir, "kip101");
    const r = await cli("run", "kip-101-truncation", "--report", out, "--timeline", "none");
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["history.jepsen.edn", "history.jsonl", "index.html", "summary.json"]);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.scenario).toBe("kip-101-truncation");
    expect(summary.wallMs).toBeGreaterThan(0);
    expect(summary.replay).toBe("kafkasim run scenarios/kip-101-truncation.yaml --seed 1");
    expect(summary.timeline.some((m: { kind: string; text: string }) => m.kind === "truncate" && m.text.startsWith("broker-3 truncated ledger-0"))).toBe(true);
    const history = readFileSync(join(out, "history.jsonl"), "utf8").trimEnd().split("\n");
    expect(JSON.parse(history[0])).toMatchObject({ index: 0, type: "invoke", f: "send", process: "app" });
    const page = readFileSync(join(out, "index.html"), "utf8");
    expect(page).toContain(summary.digest);
    expect(page).toContain("kafkasim run scenarios/kip-101-truncation.yaml --seed 1");
    expect(r.stdout).toContain(`report: ${join(out, "index.html")}`);
  });

  it("prints the same digest with and without a report", async () => {
    // Without a report, the run's digest at the scenario's seed (1) is the golden fixture's.
    const a = JSON.parse((await cli("run", "kip-101-truncation", "--json", "--report", join(dir, "same"))).stdout);
    expect({ digest: a.digest, events: a.events }).toEqual(readGolden()["kip-101-truncation"]["1"]);
  });

  it("refuses a file in the way before running anything: exit 2, one line", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const r = await cli("run", "kip-101-truncation", "--report", file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(""); // no run happened
    expect(r.stderr).toBe(`--report ${file}: a file is in the way (the report needs a folder there)`);
    const under = await cli("run", "kip-101-truncation", "--report", join(file, "sub"));
    expect(under.code).toBe(2);
    expect(under.stderr.split("\n")).toHaveLength(1);
    expect(under.stderr).toContain("a file is in the way");
  });

  it("refuses a folder where the page should be written", async () => {
    const out = join(dir, "blocked");
    mkdirSync(join(out, "index.html"), { recursive: true });
    const r = await cli("run", "kip-101-truncation", "--report", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`--report ${out}: index.html is a folder in the way`);
  });

  it.skipIf(isRoot)("refuses a folder it cannot write to (root can write anywhere)", async () => {
    const out = join(dir, "readonly");
    mkdirSync(out);
    chmodSync(out, 0o555);
    const r = await cli("run", "kip-101-truncation", "--report", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--report .*readonly: the folder is not writable/);
  });

  it("writes only into the report folder, whatever the scenario is called", async () => {
    const parent = join(dir, "contained");
    mkdirSync(parent);
    const scenario = join(parent, "s.yaml");
    writeFileSync(scenario, readFileSync("test/fixtures/report-hostile.yaml", "utf8").replace(/^name: .*$/m, 'name: "../../../escape/x"'));
    const out = join(parent, "out");
    const r = await cli("run", scenario, "--report", out, "--quiet");
    expect(r.code).toBe(1);
    expect(readdirSync(parent).sort()).toEqual(["out", "s.yaml"]);
    expect(readdirSync(out).sort()).toEqual(["history.jepsen.edn", "history.jsonl", "index.html", "summary.json"]);
    expect(existsSync(join(dir, "escape"))).toBe(false);
  });
});

describe("kafkasim run --timeline", () => {
  it("prints the brief timeline between the faults and the tables by default", async () => {
    const r = await cli("run", "kip-101-truncation");
    const lines = r.stdout.split("\n");
    const faults = lines.indexOf("faults:");
    const timeline = lines.findIndex((l) => l.startsWith("timeline"));
    const producers = lines.findIndex((l) => l.startsWith("producers"));
    expect(faults).toBeGreaterThanOrEqual(0);
    expect(timeline).toBeGreaterThan(faults);
    expect(producers).toBeGreaterThan(timeline);
    const body = lines.slice(timeline + 1, producers);
    expect(body.length).toBeLessThanOrEqual(41);
    expect(body).toContain("    10.100s  FAULT       crash broker-1");
    expect(body.some((l) => /^ {4}19\.\d{3}s {2}TRUNCATE {4}broker-3 truncated ledger-0/.test(l))).toBe(true);
    expect(body.some((l) => l.includes("FINDING") && l.includes("lostAcknowledgedWrites") && l.includes("(+5 more)"))).toBe(true);
  });

  it("full shows every moment, none shows no timeline", async () => {
    const full = await cli("run", "kip-101-truncation", "--timeline", "full");
    // The lost writes, and the LeaderCompleteness violation the scenario expects (invariantBroken).
    expect(full.stdout.split("\n").filter((l) => l.includes("FINDING"))).toHaveLength(7);
    // The violation sits at the moment it happened (33.204 s), not at the end of the run.
    expect(full.stdout).toMatch(/^\s+33\.204s\s+FINDING\s+invariantBroken: LeaderCompleteness/m);
    const none = await cli("run", "kip-101-truncation", "--timeline", "none");
    expect(none.stdout).not.toContain("timeline");
    expect(none.stdout).toContain("lostAcknowledgedWrites");
  });

  it("refuses an unknown mode: exit 2", async () => {
    const r = await cli("run", "kip-101-truncation", "--timeline", "verbose");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("--timeline: must be one of brief, full, none");
  });
});

describe("kafkasim explore --report", () => {
  it("writes an index of the failing seeds, each linked to its own page", async () => {
    const scenario = join(dir, "random.yaml");
    writeFileSync(
      scenario,
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
    const out = join(dir, "explore");
    const r = await cli("explore", scenario, "--seeds", "12", "--from", "100", "--report", out);
    expect(r.code).toBe(1);
    const index = readFileSync(join(out, "index.html"), "utf8");
    const links = [...index.matchAll(/<a href="(seed-\d+\/index\.html)">seed (\d+)<\/a>/g)];
    expect(links.length).toBeGreaterThan(0);
    for (const [, href, seed] of links) {
      expect(existsSync(join(out, href))).toBe(true);
      expect(index).toContain(`kafkasim run ${scenario} --seed ${seed}`);
    }
    expect(index).toContain("noFalseSuspicion");
    const json = JSON.parse((await cli("explore", scenario, "--seeds", "12", "--from", "100", "--json")).stdout);
    expect(links.map(([, , seed]) => Number(seed))).toEqual(json.failures.map((f: { seed: number }) => f.seed));
  });

  it("shows on its index every number explore --json gives for the same run, and each seed's page links back", async () => {
    const scenario = "acks-1-random-leader-crashes";
    const args = ["explore", scenario, "--seeds", "6", "--from", "13", "--workers", "1", "--duration", "12s"];
    const out = join(dir, "explore-numbers");
    expect((await cli(...args, "--report", out)).code).toBe(1);
    const json = JSON.parse((await cli(...args, "--json")).stdout);
    expect(json.failures.length).toBeGreaterThan(0);
    const index = readFileSync(join(out, "index.html"), "utf8");
    const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/\s+/g, " ");
    expect(text(index)).toContain(`${json.failures.length} of ${json.seeds} seeds failed`);
    expect(text(index)).toContain(`${json.seeds} from ${json.from}`);
    expect(text(index)).toContain("--duration 12s");
    const checks = text(index.match(/id="failing-checks"[\s\S]*?<\/table>/)![0]);
    expect(checks).toContain(`noLostAcknowledgedWrites ${json.failures.length} ${json.failures.map((f: { seed: number }) => f.seed).join(" ")}`);
    const coverage = text(index.match(/id="coverage"[\s\S]*?<\/table>/)![0]);
    for (const [name, c] of Object.entries(json.coverage as Record<string, { seeds: number; times: number }>)) {
      if (c.seeds > 0) expect(coverage).toContain(`${name} ${c.seeds}/${json.seeds} ${c.times}`);
      else expect(coverage).not.toContain(name);
    }
    for (const f of json.failures as { seed: number; digest: string }[]) {
      expect(f.digest).toMatch(/^[0-9a-f]{16}$/);
      const row = text(index.match(new RegExp(`<tr><td class="mono"><a href="seed-${f.seed}/index.html">[\\s\\S]*?</tr>`))![0]);
      expect(row).toContain(f.digest);
      // The seed's page is that very run, and links back to the index.
      const page = readFileSync(join(out, `seed-${f.seed}`, "index.html"), "utf8");
      expect(page).toContain(`<dd id="digest">${f.digest}</dd>`);
      expect(page).toContain('<a href="../index.html" id="back">');
      // The replay line shown, run as printed, gives the same digest.
      const replay = row.match(/kafkasim run .*--seed \d+ --duration 12s/)![0];
      expect(replay).toBe(`kafkasim run scenarios/${scenario}.yaml --seed ${f.seed} --duration 12s`);
      const again = JSON.parse((await cli(...replay.split(" ").slice(1), "--json")).stdout);
      expect(again.digest).toBe(f.digest);
    }
  }, 60_000);

  it("checks the folder before exploring: exit 2", async () => {
    const file = join(dir, "explore-file");
    writeFileSync(file, "x");
    const r = await cli("explore", "engine/lease-gc-pause-fenced", "--seeds", "2", "--report", file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
  });
});

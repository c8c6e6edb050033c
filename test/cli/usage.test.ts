import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shellQuote } from "../../src/report/shellQuote.js";
import { parseOverride } from "../../src/scenario/overrides.js";
import { shippedScenarioPath } from "../../src/scenario/shipped.js";
import { loadScenario } from "../../src/scenario/load.js";
import { HELP_EXAMPLES } from "../../src/cli/cli.js";
import { cli } from "../support/cli.js";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

/** A usage mistake: exit 2, nothing on stdout (so no run happened), one line naming the problem. */
async function expectUsageError(argv: string[], ...needles: string[]) {
  const r = await cli(...argv);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe(""); // the simulation never ran: no summary, no verdict, no replay line
  for (const n of needles) expect(r.stderr).toContain(n);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.split("\n"), r.stderr).toHaveLength(1); // newcomer pass: a second "Run kafkasim --help" line followed
}

describe("every argument is checked before the simulation runs", () => {
  it("an unknown flag exits 2 at once, without running the scenario", async () => {
    await expectUsageError(["run", "engine/lease-gc-pause", "--sed", "5"], "unknown option --sed (did you mean --seed?)");
  });

  it("an unknown flag on explore or shrink exits 2 before any seed runs", async () => {
    // explore takes no --seed: the nearest of its own options (newcomer pass; it used to suggest run's --seed).
    await expectUsageError(["explore", "engine/lease-gc-pause", "--seeds", "3", "--sead", "1"], "unknown option --sead (did you mean --seeds?)");
    await expectUsageError(["shrink", "engine/lease-gc-pause", "--sed", "1"], "unknown option --sed");
  });

  it("an option of another command names the commands that take it, not 'did you mean' the flag itself (newcomer pass)", async () => {
    await expectUsageError(["run", "engine/lease-gc-pause", "--seeds", "5"], "kafkasim: --seeds is an option of explore and compare, not of run (did you mean --seed?)");
    await expectUsageError(["explore", "engine/lease-gc-pause", "--seeds", "2", "--seed", "5"], "--seed is an option of run and shrink, not of explore (did you mean --seeds?)");
    await expectUsageError(["check", "h.edn", "--seed", "5"], "--seed is an option of run and shrink, not of check");
    expect((await cli("check", "h.edn", "--seed", "5")).stderr).not.toContain("did you mean");
  });

  it("the options the unknown-option message says a command takes are the ones its --help lists", async () => {
    const src = readFileSync("src/cli/cli.ts", "utf8");
    const table = /const COMMAND_OPTIONS[^{]*\{([\s\S]*?)\n\};/.exec(src)![1];
    const rows = [...table.matchAll(/^\s+(\w+): \[([^\]]*)\]/gm)];
    expect(rows.map((r) => r[1])).toEqual(["run", "explore", "compare", "merge", "shrink", "check", "list"]);
    for (const [, command, list] of rows) {
      const help = (await cli(command, "--help")).stdout;
      const listed = [...help.matchAll(/^\s+(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1]).sort();
      const said = [...list.matchAll(/"([a-z-]+)"/g)].map((m) => m[1]).sort();
      expect(said, command).toEqual(listed);
    }
  });

  it("list names a scenario before its variants, engine demos last (newcomer pass: -kip848 came before its base)", async () => {
    const names = (JSON.parse((await cli("list", "--json")).stdout) as { name: string }[]).map((r) => r.name);
    expect(names.indexOf("eos-read-process-write")).toBeLessThan(names.indexOf("eos-read-process-write-kip848"));
    expect(names.indexOf("lagging-consumer-evicts-page-cache")).toBeLessThan(names.indexOf("lagging-consumer-evicts-page-cache-nvme"));
    const firstEngine = names.findIndex((n) => n.startsWith("engine/"));
    expect(firstEngine).toBeGreaterThan(0);
    expect(names.slice(firstEngine).every((n) => n.startsWith("engine/"))).toBe(true);
  });

  it("a missing required option or an extra positional exits 2 without running", async () => {
    await expectUsageError(["explore", "engine/lease-gc-pause"], "seeds");
    await expectUsageError(["run", "engine/lease-gc-pause", "extra"], 'unexpected argument "extra"');
  });

  it("a missing scenario or history says what to give, not yargs' count of arguments", async () => {
    await expectUsageError(["run"], "run needs a scenario: a file, or a shipped scenario's name");
    await expectUsageError(["check"], "check needs a history file");
  });

  it("an option given twice exits 2 instead of picking one", async () => {
    await expectUsageError(["run", "engine/lease-gc-pause", "--seed", "1", "--seed", "2"], "--seed given more than once");
  });

  it("a bad option value exits 2 before the run", async () => {
    await expectUsageError(["run", "engine/lease-gc-pause", "--seed", ""], "--seed");
    await expectUsageError(["explore", "engine/lease-gc-pause", "--seeds", "0"], "--seeds");
  });

  it("a seed that is not an integer exits 2 with one line naming the flag and what is allowed (README: --seed N)", async () => {
    // 2^53 is an integer, but not one a seed may be (outsider4: the message said only "must be an integer").
    for (const bad of ["abc", "1.5", "4O", "99999999999999999999", "9007199254740992"]) {
      const r = await cli("run", "engine/lease-gc-pause", "--seed", bad);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")).toEqual([`--seed: must be an integer, like 42, at most 2^53 - 1 either way (got ${JSON.stringify(bad)})`]);
    }
    await expectUsageError(["shrink", "engine/lease-gc-pause", "--seed", "abc"], "--seed: must be an integer");
    await expectUsageError(["explore", "engine/lease-gc-pause", "--seeds", "2", "--from", "abc"], "--from: must be an integer");
  });

  it("a sweep past the safe seeds or too large for one process exits 2 with one line (--seeds 1e9 was a V8 fatal error, exit 133)", async () => {
    await expectUsageError(["explore", "acks-1-random-leader-crashes", "--seeds", "1e9"], "--seeds 1000000000: at most 10,000,000 seeds in one process", "--shard K/N");
    await expectUsageError(["compare", "acks-1-random-leader-crashes", "--seeds", "1e9", "--set", "clients.app.config.acks=1", "--set", "clients.app.config.acks=all"], "at most 10,000,000 seeds in one process");
    await expectUsageError(["explore", "acks-1-random-leader-crashes", "--seeds", "2", "--from", String(Number.MAX_SAFE_INTEGER)], "is past 9007199254740991 (2^53 - 1, the largest seed)");
  });

  it("an integer seed, negative included, runs", async () => {
    expect((await cli("run", "engine/lease-gc-pause", "--seed", "-7", "--quiet")).code).not.toBe(2);
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

describe("replay lines can be pasted into a shell", () => {
  const dir = mkdtempSync(join(tmpdir(), "kafkasim replay "));
  const failing = join(dir, "my scenario's file.yaml");
  writeFileSync(
    failing,
    `name: t
description: a pause the monitor takes for a crash
duration: 5s
demo:
  heartbeat: { monitor: m, nodes: [a, b], interval: 100ms, timeout: 500ms }
faults:
  - { at: 1s, pause: a, for: 1s }
expect:
  - noFalseSuspicion
`,
  );

  it("quotes a path with spaces and quotes", async () => {
    const r = await cli("run", failing, "--seed", "2");
    expect(r.code).toBe(1);
    const line = /replay: (.*)$/m.exec(r.stdout)![1];
    expect(line).toBe(`kafkasim run ${shellQuote(failing)} --seed 2`);
    expect(shellWords(line)).toEqual(["kafkasim", "run", failing, "--seed", "2"]);
  });

  it("--quiet prints only a runnable replay line when the run fails, nothing when it holds", async () => {
    const r = await cli("run", failing, "--quiet", "--seed", "4");
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")).toHaveLength(1);
    expect(r.stdout).toMatch(/^kafkasim run /);
    expect(shellWords(r.stdout)).toEqual(["kafkasim", "run", failing, "--seed", "4"]);
    const ok = await cli("run", "engine/heartbeat-false-suspicion", "--quiet");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe("");
  });
});

describe("shellQuote", () => {
  it("leaves plain words alone and single-quotes the rest", () => {
    expect(shellQuote("scenarios/acks-1.yaml")).toBe("scenarios/acks-1.yaml");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("$HOME")).toBe("'$HOME'");
  });
});

/** What a POSIX shell makes of a line of plain and single-quoted words (enough to check our quoting). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      cur = (cur ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (ch === "\\") {
      cur = (cur ?? "") + line[++i];
    } else if (ch === " ") {
      if (cur !== null) words.push(cur);
      cur = null;
    } else if (ch === "#") break;
    else cur = (cur ?? "") + ch;
  }
  if (cur !== null) words.push(cur);
  return words;
}

describe("the --help examples", () => {
  it("name shipped scenarios, and their --set keys exist in those scenarios (a newcomer copies them)", () => {
    const examples = HELP_EXAMPLES.map((e) => /^kafkasim (\w+) (\S+)(.*)$/.exec(e.command)!);
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const [, , name, rest] of examples) {
      const file = shippedScenarioPath(name);
      expect(file, `${name} is a shipped scenario`).toBeDefined();
      for (const [, text] of rest.matchAll(/--set (\S+)/g)) expect(() => loadScenario(file!, { overrides: [parseOverride(text)] }), `--set ${text}`).not.toThrow();
    }
  });
});

describe("--help prints each example command whole, on one line, at any terminal width", () => {
  // yargs gave an example's command at most half the wrap width: the compare example came out in three pieces.
  for (const columns of [undefined, 60, 200]) {
    it(`with ${columns ?? "no"} terminal columns`, async () => {
      const saved = Object.getOwnPropertyDescriptor(process.stdout, "columns");
      Object.defineProperty(process.stdout, "columns", { value: columns, configurable: true, writable: true });
      try {
        const out = (await cli("--help")).stdout;
        const section = out.slice(out.indexOf("Examples:")).split("\n").slice(1);
        // Only comments and whole commands: no line is the rest of a broken one.
        expect(section.length).toBe(2 * HELP_EXAMPLES.length);
        for (const line of section) expect(line, line).toMatch(/^ {2}(# |kafkasim )/);
        for (const e of HELP_EXAMPLES) expect(section).toContain(`  ${e.command}`);
        expect(HELP_EXAMPLES.some((e) => e.command.length > 60)).toBe(true); // the narrow case would break one
      } finally {
        if (saved) Object.defineProperty(process.stdout, "columns", saved);
        else delete (process.stdout as { columns?: number }).columns;
      }
    });
  }

  it("a command's own --help has no examples section", async () => {
    expect((await cli("run", "--help")).stdout).not.toContain("Examples:");
  });
});

describe("run --quiet with --json: they contradict each other", () => {
  it("exit 2 with one line, whichever comes first", async () => {
    await expectUsageError(["run", "engine/lease-gc-pause", "--quiet", "--json"], "--quiet and --json cannot be used together");
    await expectUsageError(["run", "engine/lease-gc-pause", "--json", "--quiet"], "--quiet and --json cannot be used together");
  });

  it("--json alone, or with --no-quiet, is not refused (the scenario is then looked for)", async () => {
    const r = await cli("run", "no-such-scenario-x", "--json", "--no-quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("cannot be used together");
    expect(r.stderr).toContain("no-such-scenario-x");
  });
});

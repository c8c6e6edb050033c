import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Chalk, type ChalkInstance } from "chalk";
import yargs from "yargs";
import { nearest } from "../common/suggest.js";
import { ScenarioError } from "../scenario/errors.js";
import { checkCommand } from "./checkCommand.js";
import { compareCommand } from "./compareCommand.js";
import { exploreCommand } from "./exploreCommand.js";
import { mergeCommand } from "./mergeCommand.js";
import type { CliIO } from "./io.js";
import { listCommand } from "./listCommand.js";
import { UsageError } from "./options.js";
import { runCommand } from "./runCommand.js";
import { shrinkCommand } from "./shrinkCommand.js";

/** The package's own version, from its package.json (next to dist/ or src/). */
export function packageVersion(): string {
  const file = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** Options that are lists on purpose (a flag given once per item); every other option takes one value. */
const LISTS = new Set(["compacted", "set", "files"]);

/**
 * The options that take a value, each with an example for the message when the value is missing: yargs reads a
 * string option at the end of the line, or before another flag, as "" and would run with it (`--report` alone wrote
 * the page into the current folder).
 */
const VALUE_EXAMPLES: Record<string, string> = {
  seed: "--seed 42",
  duration: "--duration 30s",
  trace: "--trace run.jsonl",
  report: "--report reports/run",
  timeline: "--timeline brief",
  history: "--history h.edn",
  set: "--set clients.app.config.acks=all",
  seeds: "--seeds 20",
  from: "--from 1",
  workers: "--workers 2",
  shard: "--shard 1/4",
  out: "--out shard-1.jsonl",
  compacted: "--compacted TOPIC",
};

/**
 * `--duration -5s`: yargs reads a value that starts with "-" and is not a number as more flags (-5 -s) and says
 * "Unknown arguments: 5, s". Joined as `--duration=-5s`, the option's own check says what is allowed.
 */
function joinDashValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (m && m[1] in VALUE_EXAMPLES && i + 1 < argv.length && /^-[\d.]/.test(argv[i + 1])) {
      out.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

/** Every option name some command takes (for "did you mean" on an unknown one). */
const OPTION_NAMES = [...Object.keys(VALUE_EXAMPLES), "json", "quiet", "trace-messages", "check-determinism", "ww-deps", "subscribe", "help", "version"];

/** The options each command takes (the unknown-option message names the command a misplaced one belongs to). */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  run: ["seed", "duration", "json", "trace", "trace-messages", "report", "timeline", "history", "set", "quiet", "help", "version"],
  explore: ["seeds", "from", "workers", "duration", "shard", "out", "set", "check-determinism", "report", "json", "help", "version"],
  compare: ["set", "seeds", "from", "workers", "duration", "shard", "out", "json", "help", "version"],
  merge: ["json", "help", "version"],
  shrink: ["seed", "out", "set", "duration", "help", "version"],
  check: ["json", "ww-deps", "subscribe", "compacted", "help", "version"],
  list: ["json", "help", "version"],
};

/** What each command's positional argument is, for a missing one. */
const POSITIONAL: Record<string, string> = {
  run: "a scenario: a file, or a shipped scenario's name (`kafkasim list` names them)",
  explore: "a scenario: a file, or a shipped scenario's name (`kafkasim list` names them)",
  compare: "a scenario: a file, or a shipped scenario's name (`kafkasim list` names them)",
  shrink: "a scenario: a file, or a shipped scenario's name (`kafkasim list` names them)",
  check: "a history file (history.edn, JSON or JSON lines)",
  merge: "the shard files explore --shard K/N --out FILE wrote",
};

/**
 * yargs' messages in the words of this CLI: a missing scenario or history says what to give, an unknown option
 * suggests the nearest known one. Anything else is yargs' own message.
 */
function plainUsageMessage(msg: string, argv: readonly string[]): string {
  const command = argv.find((a) => !a.startsWith("-"));
  if (/^Not enough non-option arguments/.test(msg) && command !== undefined && POSITIONAL[command]) return `${command} needs ${POSITIONAL[command]}`;
  const unknown = /^Unknown arguments?: (.+)$/.exec(msg);
  if (unknown) {
    const names = unknown[1].split(", ");
    return names
      .map((n) => {
        // yargs names an extra positional the same way: only a name written as a flag is an option.
        const flag = argv.find((a) => a === `--${n}` || a.startsWith(`--${n}=`) || a === `-${n}`);
        if (flag === undefined) return `unexpected argument ${JSON.stringify(n)}`;
        const name = flag.split("=")[0];
        // `run --seeds 5`: an option of another command; "did you mean --seeds?" would name the flag given.
        const takers = command === undefined ? [] : Object.keys(COMMAND_OPTIONS).filter((k) => COMMAND_OPTIONS[k].includes(n));
        if (takers.length > 0 && command !== undefined && COMMAND_OPTIONS[command]) {
          const own = nearest(n, COMMAND_OPTIONS[command]);
          const them = takers.length === 1 ? takers[0] : `${takers.slice(0, -1).join(", ")} and ${takers[takers.length - 1]}`;
          return `${name} is an option of ${them}, not of ${command}${own ? ` (did you mean --${own}?)` : ""}`;
        }
        const near = nearest(n, command !== undefined && COMMAND_OPTIONS[command] ? COMMAND_OPTIONS[command] : OPTION_NAMES);
        return `unknown option ${name}${near ? ` (did you mean --${near}?)` : ""}`;
      })
      .join("; ");
  }
  return msg;
}

/** The options of a sweep (explore and compare). */
const SWEEP_OPTIONS = {
  workers: { type: "string", describe: "worker threads (default: the machine's cores); results do not depend on it" },
  duration: { type: "string", describe: "simulated time per seed, e.g. 30s (default: the scenario's)" },
  shard: { type: "string", describe: "K/N: run only this shard of the seeds (with --out, for kafkasim merge)" },
  out: { type: "string", describe: "write FILE.jsonl: a header line, then one line per seed (status, failed checks, digest, wall time)" },
} as const;

/**
 * The examples of `kafkasim --help`, each a command a newcomer can copy. Printed by us, after yargs' help, rather
 * than with yargs' `.example`: yargs gives an example's command at most half the wrap width and breaks it there
 * (a `compare` line came out in three pieces), and a copied command must be one line at any terminal width.
 */
export const HELP_EXAMPLES: readonly { command: string; what: string }[] = [
  { command: "kafkasim run acks-1-leader-failover", what: "one run and its verdict" },
  { command: "kafkasim explore acks-1-random-leader-crashes --seeds 20", what: "20 seeds, each its own random faults" },
  { command: "kafkasim shrink acks-1-random-leader-crashes --seed N", what: "fewest faults that still fail" },
  { command: "kafkasim compare acks-1-random-leader-crashes --set clients.app.config.acks=all --set clients.app.config.acks=1 --seeds 50", what: "the same seeds under two settings" },
];

/** The examples as a shell snippet: what each does as a comment, then the command on a line of its own, unwrapped. */
function examplesText(): string {
  return ["Examples:", ...HELP_EXAMPLES.flatMap((e) => [`  # ${e.what}`, `  ${e.command}`])].join("\n");
}

/** `kafkasim --help` (or -h) with no command: the top-level help, the one with the examples. */
function isTopHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === "--help" || a === "-h") && !argv.some((a) => !a.startsWith("-"));
}

/** Thrown from yargs' fail hook so that parsing stops there: no command handler runs after a usage mistake. */
class ParseFailure extends Error {}

/**
 * Two flags that contradict each other (`run --quiet --json`: print nothing, or print one JSON object) are a usage
 * mistake. Checked on the values rather than with yargs' `.conflicts`, which also refuses `--no-quiet --json`.
 */
function notBoth(a: Record<string, unknown>, x: string, y: string): void {
  if (a[x] === true && a[y] === true) throw new ParseFailure(`--${x} and --${y} cannot be used together`);
}

/**
 * The `kafkasim` command line, runnable in-process (tests pass their own IO). Returns the exit code:
 * 0 every expectation holds, 1 an expectation (or invariant) failed, 2 bad input, 3 internal error.
 *
 * Parsing is strict and finishes before any work starts: a handler only records which command to run, so an unknown
 * flag, a missing option or an extra positional exits 2 at once instead of after a whole simulation.
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const c = new Chalk({ level: io.colorLevel });
  let job: (() => number | Promise<number>) | null = null;
  const later = (fn: () => number | Promise<number>) => {
    job = fn;
  };
  // yargs turns a flag given twice into a list; every option here takes one value.
  // `flags`: the command's options that take a value (its positionals are not among them: check's <history> is one).
  const once = (a: Record<string, unknown>, flags: readonly string[] = []) => {
    for (const [k, v] of Object.entries(a)) if (k !== "_" && !LISTS.has(k) && Array.isArray(v) && !k.includes("-")) throw new ParseFailure(`--${k} given more than once`);
    for (const k of flags) {
      const v = a[k];
      // A flag last on the line or followed by another flag has no value, even where yargs fills in a default (--timeline).
      const bare = argv.some((t, i) => t === `--${k}` && (i + 1 === argv.length || /^-[^\d.]/.test(argv[i + 1])));
      if (bare || v === "" || (Array.isArray(v) && v.some((x) => String(x) === ""))) throw new ParseFailure(`--${k} needs a value, e.g. ${k === "out" && a.seeds === undefined ? "--out reports" : VALUE_EXAMPLES[k]}`);
    }
  };
  argv = joinDashValues(argv);
  const parser = yargs(argv)
    .scriptName("kafkasim")
    .usage("$0 <command> [options]\n\nDeterministic simulation of Kafka clusters under faults, reproducible from one seed.")
    .command(
      "run <scenario>",
      "run one scenario and check its expectations",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true, describe: "a scenario file, or the name of a shipped one" })
          .option("seed", { type: "string", describe: "seed (default: the scenario's)" })
          .option("duration", { type: "string", describe: "simulated time to run, e.g. 30s (default: the scenario's)" })
          .option("json", { type: "boolean", describe: "print one JSON object" })
          .option("trace", { type: "string", describe: "write the trace as JSON lines to FILE" })
          .option("trace-messages", { type: "boolean", describe: "also trace every delivered message" })
          .option("report", { type: "string", describe: "write DIR/index.html (a self-contained page: lanes, timeline, message diagram), DIR/summary.json and the history" })
          .option("timeline", { type: "string", describe: "notable moments between the faults and the tables: brief (repeats collapsed), full or none", default: "brief" })
          .option("history", { type: "string", describe: "write the client history in Jepsen's Kafka shape to FILE (.edn: history.edn; else JSON lines)" })
          .option("set", { type: "string", array: true, describe: "KEY=VALUE: change one setting of the scenario for this run (repeatable), e.g. clients.app.config.acks=all, brokers.config.min.insync.replicas=2" })
          .option("quiet", { type: "boolean", describe: "print nothing unless the run fails, then the line that replays it (not with --json)" }),
      (a) => (once(a, ["seed", "duration", "trace", "report", "timeline", "history", "set"]), notBoth(a, "quiet", "json"), later(() => runCommand({ ...a, scenario: a.scenario!, traceMessages: a["trace-messages"] }, io, c))),
    )
    .command(
      "explore <scenario>",
      "run many seeds (each its own random fault schedule) and table the failing ones",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true, describe: "a scenario file, or the name of a shipped one" })
          .option("seeds", { type: "string", demandOption: true, describe: "how many seeds" })
          .option("from", { type: "string", describe: "first seed (default: the scenario's)" })
          .options(SWEEP_OPTIONS)
          .option("set", { type: "string", array: true, describe: "KEY=VALUE: change one setting of the scenario for every seed (repeatable), e.g. clients.app.config.acks=all" })
          .option("check-determinism", { type: "boolean", describe: "run each failing seed twice more and compare digests; a mismatch names the first event where the runs part" })
          .option("report", { type: "string", describe: "write DIR/index.html listing the failing seeds, with a page per failing seed in DIR/seed-N/" })
          .option("json", { type: "boolean", describe: "print one JSON object" }),
      (a) => (once(a, ["seeds", "from", "workers", "duration", "shard", "out", "set", "report"]), later(() => exploreCommand({ ...a, scenario: a.scenario!, checkDeterminism: a["check-determinism"] }, io, c))),
    )
    .command(
      "compare <scenario>",
      "run the same seeds (and fault schedules) under each --set variant and count, per variant, the seeds that failed each check",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true, describe: "a scenario file, or the name of a shipped one" })
          .option("set", { type: "string", array: true, describe: "KEY=VALUE: one variant per --set, e.g. clients.p1.config.acks=all, brokers.config.min.insync.replicas=2, features.transaction.version=1" })
          .option("seeds", { type: "string", demandOption: true, describe: "how many seeds (each run under every variant)" })
          .option("from", { type: "string", describe: "first seed (default: the scenario's)" })
          .options(SWEEP_OPTIONS)
          .option("json", { type: "boolean", describe: "print one JSON object" }),
      (a) => (once(a, ["set", "seeds", "from", "workers", "duration", "shard", "out"]), later(() => compareCommand({ ...a, scenario: a.scenario! }, io, c))),
    )
    .command(
      "merge <files..>",
      "table the shard files of one explore or compare sweep (--shard K/N --out FILE.jsonl) as one run over all seeds",
      (y) =>
        y
          .positional("files", { type: "string", array: true, demandOption: true, describe: "the shard files (.jsonl), one per shard" })
          .option("json", { type: "boolean", describe: "print one JSON object" }),
      (a) => (once(a), later(() => mergeCommand({ files: (a.files ?? []).map(String), json: a.json }, io, c))),
    )
    .command(
      "shrink <scenario>",
      "shrink a failing run's fault schedule and write it as a new scenario file",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true, describe: "a scenario file, or the name of a shipped one" })
          .option("seed", { type: "string", describe: "the failing seed (default: the scenario's)" })
          .option("out", { type: "string", describe: "directory for the new scenario file (default: reports)" })
          .option("set", { type: "string", array: true, describe: "KEY=VALUE: the --set changes the failing run had (repeatable); the new file has them written in" })
          .option("duration", { type: "string", describe: "the simulated time the failing run had, e.g. 12s (default: the scenario's); the new file says it" }),
      (a) => (once(a, ["seed", "out", "set", "duration"]), later(() => shrinkCommand({ ...a, scenario: a.scenario! }, io, c))),
    )
    .command(
      "check <history>",
      "judge a history in Jepsen's Kafka shape (JSON, JSON lines or history.edn) with Jepsen's Kafka analysis",
      (y) =>
        y
          .positional("history", { type: "string", demandOption: true, describe: "the history file" })
          .option("json", { type: "boolean", describe: "print one JSON object" })
          .option("ww-deps", { type: "boolean", describe: "infer write-write dependencies from offsets (Jepsen's :ww-deps)" })
          .option("subscribe", { type: "boolean", describe: "the test subscribed (default: some op is a subscribe)" })
          .option("compacted", {
            type: "string",
            array: true,
            describe: "a compacted topic (repeat for more): its partitions are not judged for lost-write, unseen, poll-skip and int-poll-skip, as the log cleaner removes superseded records",
          }),
      (a) => (once(a, ["compacted"]), later(() => checkCommand({ history: a.history!, json: a.json, wwDeps: a["ww-deps"], subscribe: a.subscribe, compacted: a.compacted }, io, c))),
    )
    .command(
      "list",
      "list the shipped scenarios",
      (y) => y.option("json", { type: "boolean", describe: "print a JSON array" }),
      (a) => (once(a), later(() => listCommand(io, c, a.json ?? false))),
    )
    .demandCommand(1, "name a command: run, explore, compare, merge, shrink, check or list")
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw new ParseFailure(plainUsageMessage(msg ?? err?.message ?? "bad usage", argv));
    })
    .help()
    .alias("help", "h")
    .version("version", "show the version number", packageVersion())
    .alias("version", "V")
    .wrap(Math.min(110, process.stdout.columns ?? 110));
  let output = "";
  try {
    await parser.parseAsync(argv, {}, (_err, _argv, out) => {
      output = out;
    });
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    // One line, as every other bad input (README "Exit codes"): the pointer to --help rides on it.
    io.err(`kafkasim: ${e.message} (kafkasim --help shows the usage)`);
    return 2;
  }
  if (output) io.out(isTopHelp(argv) ? `${output}\n\n${examplesText()}` : output);
  if (job === null) return 0; // --help or --version
  return guard(job, io, c);
}

/** Runs a command: a user's mistake (bad scenario, bad value, unusable path) is exit 2 with its one line. */
async function guard(fn: () => number | Promise<number>, io: CliIO, c: ChalkInstance): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof UsageError) {
      io.err(c.red(e.message));
      return 2;
    }
    // A file-system error nobody mapped (a write in a new command, a full disk): the user's environment, not a bug.
    const fsErr = e as NodeJS.ErrnoException;
    if (typeof fsErr?.code === "string" && typeof fsErr.path === "string") {
      io.err(c.red(`kafkasim: ${fsErr.path}: ${fsErr.message}`));
      return 2;
    }
    io.err(`kafkasim: internal error (a bug in kafkasim, not in your scenario):\n${(e as Error).stack ?? String(e)}`);
    return 3;
  }
}

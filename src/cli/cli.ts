import { Chalk } from "chalk";
import yargs from "yargs";
import { ScenarioError } from "../scenario/errors.js";
import { checkCommand } from "./checkCommand.js";
import { exploreCommand } from "./exploreCommand.js";
import type { CliIO } from "./io.js";
import { listCommand } from "./listCommand.js";
import { UsageError } from "./options.js";
import { runCommand } from "./runCommand.js";
import { shrinkCommand } from "./shrinkCommand.js";

/**
 * The `kafkasim` command line, runnable in-process (tests pass their own IO). Returns the exit code:
 * 0 every expectation holds, 1 an expectation (or invariant) failed, 2 bad input, 3 internal error.
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const c = new Chalk({ level: io.colorLevel });
  let code = 0;
  let usageProblem: string | null = null;
  const guard = (fn: () => number) => {
    try {
      code = fn();
    } catch (e) {
      if (e instanceof ScenarioError || e instanceof UsageError) {
        io.err(c.red(e.message));
        code = 2;
      } else {
        io.err(`kafkasim: internal error (a bug in kafkasim, not in your scenario):\n${(e as Error).stack ?? String(e)}`);
        code = 3;
      }
    }
  };
  const parser = yargs(argv)
    .scriptName("kafkasim")
    .usage("$0 <command> [options]\n\nDeterministic simulation of Kafka clusters under faults.")
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
          .option("quiet", { type: "boolean", describe: "print nothing unless the run fails" }),
      (a) => guard(() => runCommand({ ...a, scenario: a.scenario!, traceMessages: a["trace-messages"] }, io, c)),
    )
    .command(
      "explore <scenario>",
      "run many seeds and table the failing ones",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true })
          .option("seeds", { type: "string", demandOption: true, describe: "how many seeds" })
          .option("from", { type: "string", describe: "first seed (default: the scenario's)" })
          .option("shard", { type: "string", describe: "K/N: run only this shard of the seeds" })
          .option("report", { type: "string", describe: "write DIR/index.html listing the failing seeds, with a page per failing seed in DIR/seed-N/" })
          .option("json", { type: "boolean" }),
      (a) => guard(() => exploreCommand({ ...a, scenario: a.scenario! }, io, c)),
    )
    .command(
      "shrink <scenario>",
      "shrink a failing run's fault schedule and write it as a new scenario file",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true })
          .option("seed", { type: "string", describe: "the failing seed (default: the scenario's)" })
          .option("out", { type: "string", describe: "directory for the new scenario file (default: reports)" }),
      (a) => guard(() => shrinkCommand({ ...a, scenario: a.scenario! }, io, c)),
    )
    .command(
      "check <history>",
      "judge a history in Jepsen's Kafka shape (JSON, JSON lines or history.edn) with Jepsen's Kafka analysis",
      (y) =>
        y
          .positional("history", { type: "string", demandOption: true, describe: "the history file" })
          .option("json", { type: "boolean", describe: "print one JSON object" })
          .option("ww-deps", { type: "boolean", describe: "infer write-write dependencies from offsets (Jepsen's :ww-deps)" })
          .option("subscribe", { type: "boolean", describe: "the test subscribed (default: some op is a subscribe)" }),
      (a) => guard(() => checkCommand({ history: a.history!, json: a.json, wwDeps: a["ww-deps"], subscribe: a.subscribe }, io, c)),
    )
    .command(
      "list",
      "list the shipped scenarios",
      (y) => y.option("json", { type: "boolean" }),
      (a) => guard(() => listCommand(io, c, a.json ?? false)),
    )
    .demandCommand(1, "name a command: run, explore, shrink, check or list")
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      usageProblem = msg ?? err?.message ?? "bad usage";
    })
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110));
  let output = "";
  await parser.parseAsync(argv, {}, (_err, _argv, out) => {
    output = out;
  });
  if (usageProblem !== null) {
    io.err(`kafkasim: ${usageProblem}\nRun "kafkasim --help" for usage.`);
    return 2;
  }
  if (output) io.out(output);
  return code;
}

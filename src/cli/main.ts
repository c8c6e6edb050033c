#!/usr/bin/env node
import chalk from "chalk";
import { runCli } from "./cli.js";

// The only place that touches process.argv, real streams and the exit code.
// A reader that goes away (`kafkasim list | head`) is not an error: stop writing, keep the exit code.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(process.exitCode ?? 0);
  });
const io = {
  out: (t: string) => process.stdout.write(t + "\n"),
  err: (t: string) => process.stderr.write(t + "\n"),
  interactive: Boolean(process.stderr.isTTY),
  // chalk's own detection: NO_COLOR, FORCE_COLOR and a non-TTY stdout decide.
  colorLevel: chalk.level,
  cwd: process.cwd(),
  // Ctrl-C during a sweep: the first stops it (its table of the seeds so far is printed, exit 130); a second exits at once.
  onInterrupt(handler: () => void) {
    let count = 0;
    const on = () => (++count === 1 ? handler() : process.exit(130));
    process.on("SIGINT", on);
    return () => process.off("SIGINT", on);
  },
};
runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`kafkasim: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 3;
  },
);

#!/usr/bin/env node
import chalk from "chalk";
import { runCli } from "./cli.js";

// The only place that touches process.argv, real streams and the exit code.
const io = {
  out: (t: string) => process.stdout.write(t + "\n"),
  err: (t: string) => process.stderr.write(t + "\n"),
  interactive: Boolean(process.stderr.isTTY),
  // chalk's own detection: NO_COLOR, FORCE_COLOR and a non-TTY stdout decide.
  colorLevel: chalk.level,
  cwd: process.cwd(),
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

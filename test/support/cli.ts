import { runCli } from "../../src/cli/cli.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output and no colour. */
export async function cli(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    interactive: false,
    colorLevel: 0,
    cwd: process.cwd(),
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

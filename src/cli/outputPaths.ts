import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "./options.js";

/**
 * Output paths (`--trace FILE`, `--report DIR`, `--out DIR`, `--history FILE`, ...) are checked before a run starts,
 * so a typo costs nothing instead of a whole simulation; every problem is one line, `<flag> <path as given>: <why>`
 * (a UsageError: exit 2). Rules:
 * - a file's folder must exist (we do not create a chain of folders from a typo) and be writable; the file itself
 *   may exist (it is overwritten) but must not be a folder;
 * - a folder may exist (it must then be a writable folder, not a file) or be created: then its parent must exist and
 *   be writable. Only the last folder is ever created.
 * Writability is tested by creating and removing a probe file, which also catches read-only mounts and places where
 * even root may not write (access(2) says yes to root everywhere).
 */

/** Checks that `path` (relative to `cwd`) can be written as a file. Returns the absolute path. Creates nothing. */
export function checkOutputFile(path: string, flag: string, cwd: string): string {
  const abs = resolve(cwd, path);
  const say = (why: string) => new UsageError(`${flag} ${path}: ${why}`);
  const kind = kindOf(abs, say);
  if (kind === "folder") throw say(`a folder is in the way (${flag} needs a file name)`);
  checkWritableFolder(dirname(abs), say, false);
  return abs;
}

/** Whether two absolute paths name one file: the same device and inode when both exist (links too), else the same path. */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * Refuses (UsageError, exit 2) an output file that is the input file or another output's file: `run s.yaml --trace
 * s.yaml` wrote the trace over the scenario, and `--trace f --history f` kept only the last. `outputs` are the flags
 * given, with the absolute paths checkOutputFile returned; `input` is the file read, absolute.
 */
export function checkOutputsApart(outputs: readonly { flag: string; path: string; abs: string }[], input: { what: string; abs: string }): void {
  for (const [i, o] of outputs.entries()) {
    if (sameFile(o.abs, input.abs)) throw new UsageError(`${o.flag} ${o.path}: is the ${input.what} this command reads; writing there would replace it (give another file name)`);
    const other = outputs.slice(0, i).find((p) => sameFile(p.abs, o.abs));
    if (other) throw new UsageError(`${o.flag} ${o.path}: is also the file of ${other.flag}; each output needs its own file`);
  }
}

/**
 * Checks that `path` (relative to `cwd`) is, or can be made, a writable folder. `what` names what goes there, for
 * the message (`the report`). Returns the absolute path. Creates nothing.
 */
export function checkOutputDir(path: string, flag: string, cwd: string, what = `${flag}`): string {
  const abs = resolve(cwd, path);
  const say = (why: string) => new UsageError(`${flag} ${path}: ${why}`);
  const kind = kindOf(abs, say);
  if (kind === "file") throw say(`a file is in the way (${what} needs a folder there)`);
  if (kind === "folder") checkWritableFolder(abs, say, true);
  else checkWritableFolder(dirname(abs), say, false);
  return abs;
}

/** Writes a whole file; a file-system error becomes one line naming the flag and the path (exit 2). */
export function writeOutputFile(path: string, text: string, flag: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw fsError(e, flag, `cannot write ${path}`);
  }
}

/** Creates the folder (not its parents) if it is missing; errors as writeOutputFile. */
export function makeOutputDir(path: string, flag: string): void {
  try {
    mkdirSync(path, { recursive: false });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && statSync(path).isDirectory()) return;
    throw fsError(e, flag, `cannot create the folder ${path}`);
  }
}

/** A file-system error as one line: `--trace: cannot write /x/y: ENOSPC (no space left on device)`. */
export function fsError(e: unknown, flag: string, what: string): Error {
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== "string") return err instanceof Error ? err : new Error(String(e));
  const reason = err.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
  return new UsageError(`${flag}: ${what}: ${err.code} (${reason})`);
}

type Say = (why: string) => UsageError;

function kindOf(abs: string, say: Say): "missing" | "file" | "folder" {
  try {
    return statSync(abs).isDirectory() ? "folder" : "file";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "missing";
    // ENOTDIR: a file stands where a folder of the path should be.
    if (code === "ENOTDIR") throw say(`a file is in the way (${firstFileOnPath(abs) ?? abs} is not a folder)`);
    throw say(`cannot reach it (${plainReason(code, String(e))})`);
  }
}

/** `itself`: the folder is the path given (the message need not name it again). */
function checkWritableFolder(folder: string, say: Say, itself: boolean): void {
  const kind = kindOf(folder, say);
  if (kind === "missing") throw say(`the folder ${folder} does not exist`);
  if (kind === "file") throw say(`a file is in the way (${folder} is not a folder)`);
  const probe = join(folder, `.kafkasim-write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, "wx"));
    unlinkSync(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return; // a probe left by a killed run of the same pid: the folder took a file, so it is writable
    throw say(`the folder ${itself ? "" : `${folder} `}is not writable: ${plainReason(code, String(e))}`);
  }
}

/**
 * Why a folder cannot be written, in plain words rather than an errno name (`--report /proc/x` used to say "not
 * writable (ENOENT)", which reads as if /proc did not exist). Unknown codes are given as they are.
 */
export function plainReason(code: string | undefined, fallback: string): string {
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "it is on a read-only file system";
    case "ENOENT":
      // The folder exists (it was just looked at), yet creating a file in it says "no such file": a special file
      // system such as /proc, or the folder went away meanwhile.
      return "no file can be created in it (a special file system, such as /proc)";
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "the disk quota is used up";
    case "ENOTDIR":
      return "a file stands where a folder of the path should be";
    default:
      return code ?? fallback;
  }
}

/** The first prefix of `abs` that is a file (for "a-file.txt/x": a-file.txt), or null. */
function firstFileOnPath(abs: string): string | null {
  let cur = abs;
  const chain: string[] = [];
  while (dirname(cur) !== cur) {
    chain.unshift(cur);
    cur = dirname(cur);
  }
  for (const p of chain) {
    try {
      if (!statSync(p).isDirectory()) return p;
    } catch {
      return null;
    }
  }
  return null;
}

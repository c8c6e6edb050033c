import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The shipped scenarios folder (next to dist/ or src/ in the package). */
export function shippedScenarioDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "scenarios");
}

/** A path as given, else a shipped scenario by name (`acks-1-leader-failover` or `engine/lease-gc-pause`). */
export function findScenario(arg: string, cwd: string): string {
  const direct = resolve(cwd, arg);
  if (existsSync(direct)) return arg; // as the user wrote it, so messages name the file they know
  const dir = shippedScenarioDir();
  for (const candidate of [join(dir, arg), join(dir, `${arg}.yaml`)])
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(cwd, candidate);
  return arg;
}

export function listScenarioFiles(dir = shippedScenarioDir()): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(".yaml") || e.name.endsWith(".yml")) out.push(join(d, e.name));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

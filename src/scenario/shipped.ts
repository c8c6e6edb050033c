import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The scenarios that ship with the package: the folder's absolute path (next to dist/ or src/ in the package, so it
 * works from a clone and from node_modules), lookup by name and listing.
 */
export const scenariosDir: string = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "scenarios");

/**
 * A shipped scenario's file by name: `acks-1-leader-failover`, `engine/lease-gc-pause` (with or without `.yaml`),
 * or null when there is none.
 */
export function shippedScenarioPath(name: string, dir = scenariosDir): string | null {
  if (name.includes("\0")) return null;
  for (const candidate of [join(dir, name), join(dir, `${name}.yaml`)]) {
    // Only files inside the folder: a name is not a way to reach elsewhere.
    if (!resolve(candidate).startsWith(resolve(dir) + sep)) continue;
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Every scenario file under `dir` (default: the shipped ones), sorted by path. */
export function listScenarioFiles(dir = scenariosDir): string[] {
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

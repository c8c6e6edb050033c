import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { listScenarioFiles, scenariosDir, shippedScenarioPath } from "../scenario/shipped.js";

export { listScenarioFiles };

/** The shipped scenarios folder (next to dist/ or src/ in the package). */
export function shippedScenarioDir(): string {
  return scenariosDir;
}

/**
 * A path as given, else a shipped scenario by name (`acks-1-leader-failover` or `engine/lease-gc-pause`), relative to
 * `cwd` so messages and replay lines name a file the user can open.
 */
export function findScenario(arg: string, cwd: string): string {
  if (existsSync(resolve(cwd, arg))) return arg; // as the user wrote it, so messages name the file they know
  const shipped = shippedScenarioPath(arg);
  return shipped ? relative(cwd, shipped) : arg;
}

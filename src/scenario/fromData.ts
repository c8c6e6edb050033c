import { ScenarioError, withMoreCount } from "./errors.js";
import type { ResolvedScenario } from "./resolved.js";
import { resolveScenario } from "./resolve.js";
import type { ResolveOptions } from "./runBound.js";
import { scenarioInput } from "./schema.js";
import { describeIssues } from "./zodIssues.js";

/**
 * Validates a scenario's parsed YAML data against the schema and resolves it (defaults, names, Kafka configs).
 * Throws ScenarioError naming the file, the first problem's path and what is allowed (with how many more there are),
 * then each other problem on a line of its own with its path.
 */
export function scenarioFromData(data: unknown, file: string, options: ResolveOptions = {}): ResolvedScenario {
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new ScenarioError(file, "", "must be a YAML mapping with name, description, duration, ...");
  const parsed = scenarioInput.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const [first, ...rest] = describeIssues(parsed.error.issues, scenarioInput);
    const more = rest.length;
    const others = rest.map(({ path, message }) => ({ path, problem: message }));
    throw new ScenarioError(file, first.path, withMoreCount(first.message, more), others);
  }
  return resolveScenario(parsed.data, file, options);
}

import { formatPath, ScenarioError } from "./errors.js";
import { scenarioFromData } from "./fromData.js";
import type { ResolveOptions } from "./runBound.js";
import type { ResolvedScenario } from "./resolved.js";
import { applyValues, drawConfiguration, drawKnob, type Knob, knobAlternatives } from "./swarm.js";

/**
 * A scenario with swarm knobs (swarm.ts), resolved to the draw of its own seed. Every value a knob can take is
 * checked first, each with the other knobs at their first value, so a bad choice is exit 2 at its own path
 * (`clients[0].config.acks.oneOf[1]: ...`) before any seed runs, not in the middle of a sweep.
 */
export function resolveSwarmScenario(data: unknown, knobs: Knob[], file: string, options: ResolveOptions = {}): ResolvedScenario {
  const firsts = knobs.map((k) => knobAlternatives(k)[0].value);
  // A mistake that is not about a knob shows as it would in a scenario without knobs.
  const base = scenarioFromData(applyValues(data, knobs, firsts), file, options);
  knobs.forEach((k, i) => {
    for (const alt of knobAlternatives(k)) {
      const values = firsts.map((v, j) => (j === i ? alt.value : v));
      try {
        scenarioFromData(applyValues(data, knobs, values), file, options);
      } catch (e) {
        throw e instanceof ScenarioError ? atKnob(e, k, alt.where, alt.value) : e;
      }
    }
  });
  return concrete(data, knobs, file, base.seed, options);
}

/** The error moved to the knob's own path when it is about the knob's value, else told which value caused it. */
function atKnob(e: ScenarioError, k: Knob, where: (string | number)[], value: unknown): ScenarioError {
  const kp = formatPath(k.path);
  if (e.path === kp || e.path.startsWith(`${kp}.`) || e.path.startsWith(`${kp}[`))
    return new ScenarioError(e.file, `${kp}.${formatPath(where)}${e.path.slice(kp.length)}`, e.problem);
  return new ScenarioError(e.file, e.path, `${e.problem} (with ${kp} = ${JSON.stringify(value)})`);
}

function concrete(data: unknown, knobs: Knob[], file: string, seed: string | number, options: ResolveOptions): ResolvedScenario {
  const s = scenarioFromData(
    applyValues(
      data,
      knobs,
      knobs.map((k) => drawKnob(k, seed)),
    ),
    file,
    options,
  );
  return { ...s, swarm: { data, knobs, seed, drawn: drawConfiguration(knobs, seed), options } };
}

/**
 * The scenario as a seed sees it: for a swarm scenario, resolved with the values that seed draws (each knob from its
 * own stream `<seed>:swarm:<path>`); any other scenario unchanged. A draw was validated when the scenario loaded
 * (every choice and both ends of every range), so this does not throw for a loaded scenario.
 */
export function scenarioForSeed(s: ResolvedScenario, seed: string | number): ResolvedScenario {
  if (!s.swarm || s.swarm.seed === seed) return s;
  return { ...concrete(s.swarm.data, s.swarm.knobs, s.file, seed, s.swarm.options), sets: s.sets };
}

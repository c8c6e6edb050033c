import { parseDurationMs } from "./duration.js";
import { formatPath, ScenarioError } from "./errors.js";
import { RandomStream, streamName } from "../sim/index.js";

/**
 * Swarm testing (TigerBeetle VOPR's swarm mode; Groce et al., "Swarm Testing", ISSTA 2012): a scenario may give a
 * knob as a choice or a range instead of one value, and each seed draws its own configuration, so one sweep covers
 * many configurations and the fault mixes that only some of them expose.
 *
 * A knob is a YAML mapping with exactly one of these keys, anywhere a value goes (except name, description, seed,
 * expect and sweep):
 * - `{ oneOf: [a, b, ...] }` one of the listed values;
 * - `{ someOf: [a, b, ...] }` a non-empty subset, in the order listed (e.g. `randomFaults.kinds`: the fault mix);
 * - `{ range: [min, max] }` whole numbers (both ends included), decimals, or durations (`["1ms", "20ms"]`, drawn in
 *   whole µs).
 * Each knob draws from its own seedrandom.alea stream named `<seed>:swarm:<path>`, so a knob never shifts another
 * knob's draw or any stream of the run itself: a scenario without knobs has exactly the digests it had.
 */
export type Knob =
  | { path: KnobPath; kind: "oneOf"; choices: unknown[] }
  | { path: KnobPath; kind: "someOf"; items: unknown[] }
  /** min and max: the numbers, or for durations whole µs. */
  | { path: KnobPath; kind: "range"; unit: "int" | "decimal" | "duration"; min: number; max: number };

export type KnobPath = (string | number)[];

/** The values a seed drew, by path as written in messages (`clients[0].config.acks`). */
export type Drawn = Record<string, unknown>;

const KNOB_KEYS = ["oneOf", "someOf", "range"] as const;
/** Top-level keys that never hold knobs (what a scenario is, and what it expects). */
const NOT_KNOBS = new Set(["name", "description", "seed", "expect", "sweep"]);

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function knobKey(v: unknown): (typeof KNOB_KEYS)[number] | null {
  if (!isMap(v)) return null;
  const keys = Object.keys(v);
  return keys.length === 1 && (KNOB_KEYS as readonly string[]).includes(keys[0]) ? (keys[0] as (typeof KNOB_KEYS)[number]) : null;
}

/**
 * Every knob in a scenario's raw YAML data, in document order. Throws ScenarioError (exit 2) at the knob's path for
 * an empty list, a range that is not [min, max] of one kind with min ≤ max, or a knob inside a knob.
 */
export function findKnobs(data: unknown, file: string): Knob[] {
  const knobs: Knob[] = [];
  const walk = (v: unknown, path: KnobPath, inKnob: boolean): void => {
    const key = knobKey(v);
    if (key) {
      if (inKnob) throw new ScenarioError(file, formatPath(path), "a choice cannot itself be a oneOf, someOf or range");
      knobs.push(parseKnob(key, (v as Record<string, unknown>)[key], path, file));
      walk((v as Record<string, unknown>)[key], [...path, key], true);
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], inKnob));
    else if (isMap(v)) for (const [k, x] of Object.entries(v)) if (!(path.length === 0 && NOT_KNOBS.has(k))) walk(x, [...path, k], inKnob);
  };
  walk(data, [], false);
  return knobs;
}

function parseKnob(key: (typeof KNOB_KEYS)[number], v: unknown, path: KnobPath, file: string): Knob {
  const at = formatPath([...path, key]);
  if (key === "oneOf" || key === "someOf") {
    if (!Array.isArray(v) || v.length === 0) throw new ScenarioError(file, at, `must list at least one value, e.g. ${key}: ["1", "all"]`);
    return key === "oneOf" ? { path, kind: "oneOf", choices: v } : { path, kind: "someOf", items: v };
  }
  const help = 'must be [min, max]: whole numbers, decimals or durations, like [1, 3] or ["1ms", "20ms"]';
  if (!Array.isArray(v) || v.length !== 2) throw new ScenarioError(file, at, help);
  const [a, b] = v;
  let range: Knob;
  if (typeof a === "number" && typeof b === "number" && Number.isFinite(a) && Number.isFinite(b))
    range = { path, kind: "range", unit: Number.isInteger(a) && Number.isInteger(b) ? "int" : "decimal", min: a, max: b };
  else {
    const lo = typeof a === "string" ? parseDurationMs(a) : null;
    const hi = typeof b === "string" ? parseDurationMs(b) : null;
    if (lo === null || hi === null) throw new ScenarioError(file, at, `${help} (got ${JSON.stringify(v)})`);
    range = { path, kind: "range", unit: "duration", min: Math.round(lo * 1000), max: Math.round(hi * 1000) };
  }
  if (range.min > range.max) throw new ScenarioError(file, at, `min must not be above max (got ${JSON.stringify(v)})`);
  return range;
}

/** A range's value as it goes into the YAML data (a duration, held in whole µs, as ms: "1.25ms"). */
function rangeValue(k: Extract<Knob, { kind: "range" }>, x: number): unknown {
  return k.unit === "duration" ? `${x / 1000}ms` : x;
}

/** The values a knob can take that validation tries: every choice, every single item and all of them, both ends. */
export function knobAlternatives(k: Knob): { value: unknown; where: KnobPath }[] {
  switch (k.kind) {
    case "oneOf":
      return k.choices.map((value, i) => ({ value, where: ["oneOf", i] }));
    case "someOf":
      return [...k.items.map((x, i) => ({ value: [x], where: ["someOf", i] as KnobPath })), { value: k.items, where: ["someOf"] }];
    case "range":
      return [
        { value: rangeValue(k, k.min), where: ["range", 0] },
        { value: rangeValue(k, k.max), where: ["range", 1] },
      ];
  }
}

/** What one seed draws for one knob, from the knob's own stream `<seed>:swarm:<path>`. */
export function drawKnob(k: Knob, seed: string | number): unknown {
  const rnd = new RandomStream(streamName(seed, "swarm", formatPath(k.path)));
  switch (k.kind) {
    case "oneOf":
      return rnd.pick(k.choices);
    case "someOf": {
      const picked = k.items.filter(() => rnd.chance(0.5));
      return picked.length > 0 ? picked : [rnd.pick(k.items)];
    }
    case "range":
      if (k.unit === "decimal") return rangeValue(k, rnd.between(k.min, k.max));
      return rangeValue(k, k.min + rnd.int(k.max - k.min + 1));
  }
}

/** Every knob's draw for a seed, by path (`clients[0].config.acks`), in document order. */
export function drawConfiguration(knobs: readonly Knob[], seed: string | number): Drawn {
  const out: Drawn = {};
  for (const k of knobs) out[formatPath(k.path)] = drawKnob(k, seed);
  return out;
}

/** A deep copy of `data` with each knob replaced by the value given for its path. */
export function applyValues(data: unknown, knobs: readonly Knob[], values: readonly unknown[]): unknown {
  const copy = structuredClone(data) as Record<string, unknown>;
  knobs.forEach((k, i) => setIn(copy, k.path, values[i]));
  return copy;
}

function setIn(root: unknown, path: KnobPath, value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
}

/** One line for a terminal: `clients[0].config.acks=1 randomFaults.kinds=[crash, pause]`. */
export function describeDrawn(d: Drawn): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(", ")}]` : String(v)}`)
    .join("  ");
}

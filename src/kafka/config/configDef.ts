/**
 * Kafka configuration definitions in the shape of Kafka's `ConfigDef`: a key, a type, a default, a validator and
 * a doc line. Scenario files are validated against these, and resolved once into typed values keyed by Kafka's own
 * names (`ConfigValues`), which is all the model reads.
 */
import { nearest } from "../../common/suggest.js";

export type ConfigType = "int" | "long" | "double" | "boolean" | "string" | "enum" | "list";

/** One key: its Kafka name, its type, its default (the value's TypeScript type is `Value`). */
export interface ConfigKey<Name extends string = string, Value extends ConfigValue = ConfigValue> {
  name: Name;
  type: ConfigType;
  /** Kafka's default; null means "not set" (as Kafka's null defaults). */
  default: Value;
  /** Inclusive numeric range. */
  min?: number;
  max?: number;
  /** Allowed values for enum (and list items). */
  values?: readonly string[];
  /** An enum matched whatever the case, as Kafka's `ConfigDef.CaseInsensitiveValidString` (stored in `values`' case). */
  caseInsensitive?: boolean;
  /** A list that may be empty (Kafka's `ValidList` checks each item, so none is valid: cleanup.policy). */
  allowEmpty?: boolean;
  /** A string that must not be empty, as Kafka's `ConfigDef.NonEmptyString` ("String must be non-empty"). */
  nonEmpty?: boolean;
  doc: string;
}

export type ConfigValue = number | boolean | string | string[] | null;

export interface ConfigProblem {
  /** Path inside the config map, e.g. `acks`. */
  key: string;
  message: string;
}

/** Java Integer.MAX_VALUE: an INT key's own upper bound. */
export const INT_MAX = 2147483647;
/** Java's Integer.MIN_VALUE: the lower bound of an int key Kafka defines without a validator. */
export const INT_MIN = -2147483648;
/**
 * The model's Long.MAX_VALUE. Values are JavaScript numbers, exact only up to 2^53 - 1, so that is the largest long
 * kept; Kafka's own 9223372036854775807 (the default of flush.messages, flush.ms, max.compaction.lag.ms: "never") is
 * accepted and stored as this, which means "never" here as it does in Kafka.
 */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;
/** Java's Long.MAX_VALUE, as written. */
const JAVA_LONG_MAX = "9223372036854775807";
/** The double a YAML reader turns 9223372036854775807 into (2^63): the nearest one, as no double holds it exactly. */
const JAVA_LONG_MAX_AS_DOUBLE = 2 ** 63;

export function int<N extends string>(name: N, def: number, doc: string, min = 0, max = INT_MAX): ConfigKey<N, number> {
  return { name, type: "int", default: def, min, max, doc };
}
/** A long; a null default (Kafka's "not set") makes the value `number | null`. */
export function long<N extends string>(name: N, def: number, doc: string, min?: number, max?: number): ConfigKey<N, number>;
export function long<N extends string>(name: N, def: null, doc: string, min?: number, max?: number): ConfigKey<N, number | null>;
export function long<N extends string>(name: N, def: number | null, doc: string, min = 0, max = LONG_MAX): ConfigKey<N, number | null> {
  return { name, type: "long", default: def, min, max, doc };
}
/** A double (Kafka `Type.DOUBLE`) in the inclusive range [min, max]. */
export function double<N extends string>(name: N, def: number, doc: string, min: number, max: number): ConfigKey<N, number> {
  return { name, type: "double", default: def, min, max, doc };
}
export function bool<N extends string>(name: N, def: boolean, doc: string): ConfigKey<N, boolean> {
  return { name, type: "boolean", default: def, doc };
}
/**
 * A string whose default is Kafka's null ("not set"); `nonEmpty` refuses "" as Kafka's `ConfigDef.NonEmptyString`
 * does (transactional.id, group.instance.id).
 */
export function str<N extends string>(name: N, def: null, doc: string, opts: { nonEmpty?: boolean } = {}): ConfigKey<N, string | null> {
  return { name, type: "string", default: def, doc, ...(opts.nonEmpty ? { nonEmpty: true } : {}) };
}
/**
 * A string from a fixed set (Kafka `ConfigDef.ValidString.in`, case-sensitive); `caseInsensitive` matches as
 * `ConfigDef.CaseInsensitiveValidString.in` does (group.protocol: CONSUMER is consumer) and stores the listed spelling.
 */
export function oneOf<N extends string, const V extends string>(name: N, def: V, values: readonly V[], doc: string, opts: { caseInsensitive?: boolean } = {}): ConfigKey<N, V> {
  return { name, type: "enum", default: def, values, doc, ...(opts.caseInsensitive ? { caseInsensitive: true } : {}) };
}
/** A list of strings from a fixed set; `allowEmpty` accepts an empty list (and "" as one), as Kafka's `ValidList` does. */
export function list<N extends string>(name: N, def: string[], values: readonly string[], doc: string, opts: { allowEmpty?: boolean } = {}): ConfigKey<N, string[]> {
  return { name, type: "list", default: def, values, doc, ...(opts.allowEmpty ? { allowEmpty: true } : {}) };
}

/** The values of a set of keys, typed, by Kafka name: what `ConfigDef.resolve` returns. */
export type ConfigValues<Keys extends ConfigKey> = { [K in Keys as K["name"]]: K["default"] };

/** The resolved values of a ConfigDef. */
export type ConfigOf<D> = D extends ConfigDef<infer Keys> ? ConfigValues<Keys> : never;

/**
 * What a ConfigDef knows of Kafka's keys beyond the ones it models, so a real Kafka key is never called unknown: it is
 * refused with why (`notModelled`, or any key under a `notModelledPrefixes` prefix), or accepted and ignored with why
 * (`inert`: it changes nothing the model simulates, as a client's `bootstrap.servers` or serializers).
 */
export interface KafkaKeyCatalogue {
  /** Kafka keys the model does not have, with why: refused with that reason, not as "unknown". */
  notModelled?: Readonly<Record<string, string>>;
  /** Key prefixes (e.g. `ssl.`) whose every Kafka key is refused with that reason. */
  notModelledPrefixes?: Readonly<Record<string, string>>;
  /**
   * Kafka keys that name, locate, (de)serialise or observe and change nothing the model does: accepted (any scalar
   * or list value) and ignored, with why; `inertKeys` lists those a config block sets, so a run can say so.
   */
  inert?: Readonly<Record<string, string>>;
}

/** A set of config keys for one kind of thing (producer, consumer, broker, topic). */
export class ConfigDef<Keys extends ConfigKey = ConfigKey> {
  private readonly keys = new Map<string, ConfigKey>();

  constructor(
    readonly kind: string,
    defs: readonly Keys[],
    private readonly catalogue: KafkaKeyCatalogue = {},
  ) {
    for (const d of defs) this.keys.set(d.name, d);
  }

  names(): string[] {
    return [...this.keys.keys()].sort();
  }

  key(name: string): ConfigKey | undefined {
    return this.keys.get(name);
  }

  /** Checks a user map: unknown keys and impossible values are problems; nothing is coerced silently. */
  validate(input: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const [k, v] of Object.entries(input)) {
      const def = this.keys.get(k);
      if (def) {
        const err = checkValue(def, v);
        if (err) problems.push({ key: k, message: err });
        continue;
      }
      if (this.inertWhy(k) !== null) {
        if (!isInertValue(v)) problems.push({ key: k, message: `must be a string, a number, true/false or a list of strings (got ${shown(v)}); kafkasim accepts ${this.kind} config "${k}" and ignores it` });
        continue;
      }
      const why = this.notModelledWhy(k);
      problems.push({ key: k, message: why !== null ? `${this.kind} config "${k}" is Kafka's but not modelled: ${why} (modelled: ${this.names().join(", ")})` : `unknown ${this.kind} config "${k}"${didYouMean(k, [...this.names(), ...Object.keys(this.catalogue.inert ?? {})])} (known: ${this.names().join(", ")})` });
    }
    return problems;
  }

  /** The keys of a (validated) user map that Kafka has and the model ignores, each with why, in the order written. */
  inertKeys(input: Record<string, unknown>): { key: string; why: string }[] {
    const out: { key: string; why: string }[] = [];
    for (const k of Object.keys(input)) {
      const why = this.keys.has(k) ? null : this.inertWhy(k);
      if (why !== null) out.push({ key: k, why });
    }
    return out;
  }

  private inertWhy(k: string): string | null {
    const inert = this.catalogue.inert ?? {};
    return Object.hasOwn(inert, k) ? inert[k] : null;
  }

  private notModelledWhy(k: string): string | null {
    const nm = this.catalogue.notModelled ?? {};
    if (Object.hasOwn(nm, k)) return nm[k];
    const prefixes = this.catalogue.notModelledPrefixes ?? {};
    for (const p of Object.keys(prefixes)) if (k.startsWith(p) && k.length > p.length) return prefixes[p];
    return null;
  }

  /** Kafka defaults overlaid with the user's (already validated) values, normalised to their types. */
  resolve(input: Record<string, unknown>): ConfigValues<Keys> {
    const out: Record<string, ConfigValue> = {};
    for (const [k, d] of this.keys) out[k] = d.default;
    Object.assign(out, this.overrides(input));
    // Every key of the definition has its default or a value its validator accepted: the typed shape holds.
    return out as ConfigValues<Keys>;
  }

  /** Only the keys the user set (normalised, in the order written): overrides of defaults that live elsewhere. */
  overrides(input: Record<string, unknown>): Partial<ConfigValues<Keys>> {
    const out: Record<string, ConfigValue> = {};
    for (const [k, v] of Object.entries(input)) {
      const def = this.keys.get(k);
      if (def) out[k] = normalise(def, v);
    }
    return out as Partial<ConfigValues<Keys>>;
  }
}

/** What an ignored key may hold: what a properties file could say (a scalar, or a list of strings). */
function isInertValue(v: unknown): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) return true;
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

/**
 * The range a key allows in Kafka's own words (`ConfigDef.Range.toString`: "[1,...]" for atLeast(1),
 * "[1,...,1000]" for between(1, 1000)), or null when only the type bounds it (Kafka defines it without a validator).
 */
export function kafkaRange(def: ConfigKey): string | null {
  const lo = def.min === undefined || def.min <= typeMin(def) ? null : def.min;
  const hi = def.max === undefined || def.max >= typeMax(def) ? null : def.max;
  if (lo === null && hi === null) return null;
  return hi === null ? `[${lo},...]` : lo === null ? `[...,${hi}]` : `[${lo},...,${hi}]`;
}

function typeMin(def: ConfigKey): number {
  return def.type === "int" ? INT_MIN : -LONG_MAX;
}

function typeMax(def: ConfigKey): number {
  return def.type === "int" ? INT_MAX : LONG_MAX;
}

function describeRange(def: ConfigKey): string {
  const range = kafkaRange(def);
  return range === null ? "an integer" : `an integer in ${range}`;
}

/**
 * Kafka's Long.MAX_VALUE as a scenario can write it: the string "9223372036854775807", or the YAML number, which
 * reaches us as the double 2^63 (so 9223372036854775808, which YAML rounds to the same double, is taken as it too).
 */
function isJavaLongMax(v: unknown): boolean {
  return typeof v === "string" ? v.trim() === JAVA_LONG_MAX : v === JAVA_LONG_MAX_AS_DOUBLE;
}

/** An integer past 2^53 as what it is: a YAML number comes as the nearest double, shown exactly (not as 9.2e18 rounded). */
function shownInteger(v: unknown, n: number): string {
  if (typeof v === "string") return JSON.stringify(v);
  return Number.isSafeInteger(n) ? String(n) : `a number read as the double ${BigInt(n)}`;
}

function checkValue(def: ConfigKey, v: unknown): string | null {
  switch (def.type) {
    case "int":
    case "long": {
      if (def.type === "long" && def.max === LONG_MAX && isJavaLongMax(v)) return null;
      const n = typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
      if (typeof n !== "number" || !Number.isInteger(n)) return `must be ${describeRange(def)} (got ${shown(v)})`;
      // Past the type's own bounds Kafka fails to parse it ("Not a number of type INT"), whatever the validator says.
      if (def.type === "int" && (n > INT_MAX || n < INT_MIN))
        return `must be ${describeRange(def)} that fits an int (-2147483648 to 2147483647) (got ${shownInteger(v, n)})`;
      if (def.type === "long" && def.max === LONG_MAX && n > LONG_MAX)
        return `must be an integer in [${def.min}, ${LONG_MAX}] or ${JAVA_LONG_MAX} (Long.MAX_VALUE: never): kafkasim holds a long as a double, exact only up to 2^53 - 1 (got ${shownInteger(v, n)})`;
      if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max))
        return `must be ${describeRange(def)} (got ${shownInteger(v, n)})`;
      return null;
    }
    case "double": {
      const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
      if (typeof n !== "number" || !Number.isFinite(n) || n < def.min! || n > def.max!) return `must be a number in [${def.min}, ${def.max}] (got ${shown(v)})`;
      return null;
    }
    case "boolean":
      if (typeof v === "boolean" || booleanText(v) !== undefined) return null;
      return `must be true or false (got ${shown(v)})`;
    case "string":
      if (def.nonEmpty && typeof v === "string" && v.trim() === "") return `must be a non-empty string (Kafka's NonEmptyString: "String must be non-empty")`;
      if (v === null || typeof v === "string") return null;
      return `must be ${def.nonEmpty ? "a non-empty string" : "a string"} (got ${shown(v)})`;
    case "enum": {
      if (enumValue(def, v) !== undefined) return null;
      return `must be one of ${def.caseInsensitive ? "(case insensitive) " : ""}${def.values!.map((x) => `"${x}"`).join(", ")} (got ${shown(v)})`;
    }
    case "list": {
      const items = typeof v === "string" ? splitList(v) : v;
      if (!Array.isArray(items) || items.some((x) => typeof x !== "string"))
        return `must be a list of ${def.values!.join(", ")} (got ${shown(v)})`;
      const bad = items.find((x) => !def.values!.includes(x as string));
      if (bad !== undefined) return `must be a list of ${def.values!.map((x) => `"${x}"`).join(", ")} (got ${JSON.stringify(bad)})`;
      if (items.length === 0 && !def.allowEmpty) return `must not be empty`;
      return null;
    }
  }
}

function normalise(def: ConfigKey, v: unknown): ConfigValue {
  switch (def.type) {
    case "long":
      return def.max === LONG_MAX && isJavaLongMax(v) ? LONG_MAX : Number(v);
    case "int":
    case "double":
      return Number(v);
    case "boolean":
      return v === true || booleanText(v) === true;
    case "enum":
      return enumValue(def, v) ?? String(v);
    case "list":
      return typeof v === "string" ? splitList(v) : (v as string[]);
    default:
      // ConfigDef.parseType trims a STRING.
      return typeof v === "string" ? v.trim() : (v as string | null);
  }
}

/** A BOOLEAN written as text, as ConfigDef.parseType reads it: "true" or "false" in any case, trimmed. */
function booleanText(v: unknown): boolean | undefined {
  if (typeof v !== "string") return undefined;
  const t = v.trim().toLowerCase();
  return t === "true" ? true : t === "false" ? false : undefined;
}

/** A LIST written as one string, as ConfigDef.parseType reads it: comma-separated, trimmed; "" is the empty list. */
function splitList(v: string): string[] {
  return v.trim() === "" ? [] : v.split(",").map((x) => x.trim());
}

/** The listed value an enum key's input names (a number as its digits; any case where the key is case-insensitive). */
function enumValue(def: ConfigKey, v: unknown): string | undefined {
  // ConfigDef.parseType trims a STRING before its validator sees it.
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : v;
  if (typeof s !== "string") return undefined;
  return def.caseInsensitive ? def.values!.find((x) => x.toUpperCase() === s.toUpperCase()) : def.values!.find((x) => x === s);
}

/** A value as the scenario (YAML) wrote it: .nan, .inf and -.inf for the numbers JSON has no words for. */
function shown(v: unknown): string {
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf";
  return JSON.stringify(v);
}

/** `; did you mean "linger.ms"?` when a known key is a typo away, else "". */
function didYouMean(written: string, names: readonly string[]): string {
  const near = nearest(written, names);
  return near ? `; did you mean "${near}"?` : "";
}

import YAML from "yaml";

/**
 * `--set KEY=VALUE` (kafkasim compare): one setting changed in a scenario's YAML before it is validated, so a variant
 * is checked exactly as if the file said it.
 *
 * KEY is a dotted path from the top of the file, with readable shortcuts:
 * - `clients.<id>.config.<kafka key>`: a client by its `id` (a list element is chosen by `id`, `name` or index);
 * - `brokers.config.<kafka key>`: the brokers' config (`cluster.config`); `topics.<name>.config.<kafka key>`: a
 *   topic's (`cluster.topics`); `features.transaction.version`: a feature level (`cluster.features`);
 * - anything else as written: `randomFaults.maxDown`, `network.latency.max`, `duration`.
 * Under a `config` or `features` map the rest of KEY is one Kafka key, dots and all (`min.insync.replicas`).
 * VALUE is read as YAML: `1` is a number, `all` a string, `true` a boolean, `"1"` the string 1.
 */
export interface Override {
  /** As the user wrote it: `clients.p1.config.acks=1` (the variant's label). */
  label: string;
  key: string;
  value: unknown;
}

/** Thrown for a malformed KEY=VALUE or a KEY that names nothing in the scenario; the CLI prints it alone (exit 2). */
export class OverrideError extends Error {}

const SHORTCUTS: Record<string, string[]> = { brokers: ["cluster"], features: ["cluster", "features"], topics: ["cluster", "topics"] };
/** Maps a --set may create when the file has none (a client without `config:`, a cluster without `features:`). */
const CREATABLE = new Set(["cluster", "config", "features", "network", "randomFaults", "simulator", "latency"]);
/** Feature levels (kafka-features), which users often think of as broker configs. */
const FEATURES = new Set(["transaction.version"]);
/** Maps whose keys are Kafka's dotted names: the rest of the path is one key. */
const DOTTED_MAPS = new Set(["config", "features"]);

/** A control character (C0 and C1, DEL; tab and line breaks included): the first one's code, or null. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** The text with each control character written as `\uXXXX`, so a message quoting it is one line of plain text. */
function escapeControls(text: string): string {
  return text.replace(new RegExp(CONTROL.source, "g"), (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}

/**
 * Parses `KEY=VALUE`. Throws OverrideError. A control character anywhere is refused, as in a scenario's names and
 * values (load.ts): a terminal escape would be printed as it is on every line naming the --set, and a --set is one
 * line (no tab or line break either); the message shows it escaped (`\u001B`), never the character itself.
 */
export function parseOverride(text: string): Override {
  const control = CONTROL.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    throw new OverrideError(`--set ${escapeControls(text)}: holds the control character U+${code}; a --set is plain text on one line, as a scenario's names and values are`);
  }
  const eq = text.indexOf("=");
  if (eq <= 0) throw new OverrideError(`--set ${text}: must be KEY=VALUE, like clients.p1.config.acks=all`);
  const key = text.slice(0, eq).trim();
  const value = overrideValue(text, text.slice(eq + 1));
  const parts = key.split(".");
  if (parts.some((s) => s === "")) throw new OverrideError(`--set ${text}: KEY has an empty part`);
  // Walking these would reach Object.prototype (an internal error, and a write every object then sees).
  const proto = parts.find((s) => s === "__proto__" || s === "constructor" || s === "prototype");
  if (proto) throw new OverrideError(`--set ${text}: "${proto}" is not a key of a scenario`);
  const indexed = /^(.*?)\[(\d+)\]$/;
  const bracket = parts.findIndex((s) => indexed.test(s));
  if (bracket >= 0) {
    const fixed = parts.map((s) => s.replace(indexed, "$1.$2")).join(".");
    throw new OverrideError(`--set ${text}: a list element is chosen by a dot, not [N]: write ${fixed}=${text.slice(eq + 1)} (or the element's id or name)`);
  }
  return { label: text, key, value: value === null ? "" : value };
}

/** YAML's core tags, the only ones whose values a scenario has (as load.ts allows in a file). */
const PLAIN_TAGS: ReadonlySet<string> = new Set(["str", "int", "float", "bool", "null", "seq", "map"].map((t) => `tag:yaml.org,2002:${t}`));

/**
 * A --set's VALUE read as YAML (text that is not YAML stays the text). An alias is refused: `&a { x: *a }` made a
 * value that contains itself and the scenario walk overflowed the stack (an internal error, exit 3); a tag other than
 * YAML's core ones (`!!binary`, `!!timestamp`) is refused as in a file, rather than shown as a Buffer or a date.
 */
function overrideValue(text: string, source: string): unknown {
  const doc = YAML.parseDocument(source);
  if (doc.errors.length > 0) return source;
  // A tag YAML cannot apply (`!foo 1s`) is only a warning to the library, which would print it on stderr.
  if (doc.warnings.length > 0) {
    const w = doc.warnings[0];
    const tag = w.code === "TAG_RESOLVE_FAILED" ? /Unresolved tag: (\S+)/.exec(w.message)?.[1]?.replace(/^tag:yaml\.org,2002:/, "!!") : undefined;
    throw new OverrideError(`--set ${text}: ${tag !== undefined ? `YAML tag ${tag} cannot be applied to this value; write the value plainly` : `invalid YAML: ${w.message.split("\n")[0]}`}`);
  }
  let problem: string | undefined;
  YAML.visit(doc, {
    Node(_, node) {
      if (YAML.isAlias(node)) problem = `an alias (*${node.source}) has nothing to name in a --set: write the value itself`;
      else if (node.tag !== undefined && !PLAIN_TAGS.has(node.tag)) problem = `YAML tag ${node.tag.replace(/^tag:yaml\.org,2002:/, "!!")} makes no value a scenario has; write the value plainly`;
      return problem === undefined ? undefined : YAML.visit.BREAK;
    },
  });
  if (problem !== undefined) throw new OverrideError(`--set ${text}: ${problem}`);
  return doc.toJS();
}

/** A copy of the raw scenario data with the override applied. Throws OverrideError naming what was not found. */
export function applyOverride(data: unknown, o: Override): unknown {
  return applyOverrideAt(data, o).data;
}

/**
 * As applyOverride, and where it wrote: the path in the data (`["clients", 0, "config", "acks"]`: shortcuts
 * expanded, a list element by its index, a Kafka key as one segment), so a problem found there can be told to be
 * the override's (cli/setOption.ts). Throws OverrideError naming what was not found.
 */
export function applyOverrideAt(data: unknown, o: Override): { data: unknown; path: (string | number)[] } {
  const root = structuredClone(data) as Record<string, unknown>;
  const path: (string | number)[] = [];
  const done = () => ({ data: root, path });
  let segs = o.key.split(".");
  const short = SHORTCUTS[segs[0]];
  if (short && !(segs[0] in root)) segs = [...short, ...segs.slice(1)];
  let cur: unknown = root;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const last = i === segs.length - 1;
    const parentKey = i > 0 ? segs[i - 1] : "";
    if (Array.isArray(cur)) {
      const idx = /^\d+$/.test(seg) ? Number(seg) : cur.findIndex((x) => x && typeof x === "object" && ((x as { id?: unknown }).id === seg || (x as { name?: unknown }).name === seg));
      if (idx < 0 || idx >= cur.length) {
        const names = cur.map((x, j) => (x && typeof x === "object" ? ((x as { id?: string }).id ?? (x as { name?: string }).name ?? j) : j));
        throw new OverrideError(`--set ${o.label}: ${segs.slice(0, i).join(".")} has no "${seg}" (it has: ${names.join(", ")})`);
      }
      path.push(idx);
      if (last) cur[idx] = o.value;
      else cur = cur[idx];
      continue;
    }
    if (cur === null || typeof cur !== "object") throw new OverrideError(`--set ${o.label}: ${segs.slice(0, i).join(".")} is a value, not a map`);
    const map = cur as Record<string, unknown>;
    if (DOTTED_MAPS.has(parentKey) && i > 0) {
      const kafkaKey = segs.slice(i).join(".");
      if (parentKey === "config" && FEATURES.has(kafkaKey)) throw new OverrideError(`--set ${o.label}: ${kafkaKey} is a feature level, not a config: write features.${kafkaKey}=${String(o.value)}`);
      map[kafkaKey] = o.value;
      path.push(kafkaKey);
      return done();
    }
    path.push(seg);
    if (last) {
      map[seg] = o.value;
      return done();
    }
    if (!Object.hasOwn(map, seg) || map[seg] === undefined) {
      if (!CREATABLE.has(seg)) throw new OverrideError(`--set ${o.label}: the scenario has no ${segs.slice(0, i + 1).join(".")}`);
      map[seg] = {};
    }
    cur = map[seg];
  }
  return done();
}

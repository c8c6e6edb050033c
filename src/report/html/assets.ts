import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The page script's parts, in the order they run (each imports only parts before it). */
export const CLIENT_PARTS = ["state.js", "dom.js", "summaries.js", "charts.js", "lanes.js", "diagram.js", "perf.js", "main.js"];

/**
 * Joins the page script's parts into one script for the page, which loads nothing: the parts are ES modules (so
 * TypeScript checks them across files) whose imports name only each other, so dropping those imports and the
 * `export` keywords leaves one scope where every name is already defined by an earlier part. Reads the parts as
 * they are in src/ or as tsc copied them to dist/. Throws if a part imports anything else.
 */
export function bundleClient(dir: string): string {
  const parts = CLIENT_PARTS.map((name) => {
    const text = readFileSync(resolve(dir, name), "utf8")
      .replace(/^import\s[^;]*?from\s+"\.\/[a-z]+\.js";[ \t]*$/gm, "")
      .replace(/^export\s+(?=(?:async\s+)?(?:const|let|function|class)\s)/gm, "")
      .replace(/^export\s*\{\s*\};?[ \t]*$/gm, "");
    if (/^\s*(import|export)\b/m.test(text)) throw new Error(`report page script: ${name} imports or exports something the page cannot load`);
    return `// ---- ${name} ----\n${text}`;
  });
  return `(() => {\n"use strict";\n${parts.join("\n")}\n})();\n`;
}

/** What every report page inlines: the charting library, the page's own script, and kafkasim's version. */
export interface PageAssets {
  uplotJs: string;
  uplotCss: string;
  clientJs: string;
  version: string;
}

let cached: PageAssets | undefined;

/**
 * Reads the page's assets once per process: uPlot (a small, well-kept canvas chart library, MIT) from node_modules,
 * the page script's parts next to this module (client/*.js, copied to dist/ by tsc), and the package version.
 * Throws if a file is missing (a broken install, not a user mistake).
 */
export function pageAssets(): PageAssets {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(resolve(here, "..", "..", "..", "package.json"), "utf8")) as { version: string };
  cached = {
    uplotJs: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    uplotCss: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    clientJs: bundleClient(resolve(here, "client")),
    version: pkg.version,
  };
  return cached;
}

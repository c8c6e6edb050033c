import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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
 * the page script next to this module (client.js, copied to dist/ by tsc), and the package version. Throws if a file
 * is missing (a broken install, not a user mistake).
 */
export function pageAssets(): PageAssets {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(resolve(here, "..", "..", "..", "package.json"), "utf8")) as { version: string };
  cached = {
    uplotJs: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    uplotCss: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    clientJs: readFileSync(resolve(here, "client.js"), "utf8"),
    version: pkg.version,
  };
  return cached;
}

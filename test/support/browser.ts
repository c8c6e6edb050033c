import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's chromium (apt-get install chromium; .ci/run installs it). Never a downloaded browser. */
export const CHROMIUM = process.env.KAFKASIM_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Launches the system chromium headless, with nothing that talks to the network on its own. Playwright gives each
 * launch a fresh profile in a temporary folder (its own --user-data-dir), removed when the browser closes.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set KAFKASIM_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions"],
  });
}

export interface OpenedPage {
  page: Page;
  /** Console errors, uncaught exceptions and Content-Security-Policy violations. */
  errors: string[];
  /** Every request the page made, but the page itself. */
  requests: string[];
}

/** Opens a report page from disk, `width` CSS pixels wide, and waits until its script has drawn it (body[data-ready]). */
export async function openReport(browser: Browser, file: string, width = 1400): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  const url = `file://${file}`;
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.waitForSelector("body[data-ready]", { state: "attached" });
  return { page, errors, requests };
}

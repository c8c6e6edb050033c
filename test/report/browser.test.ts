import { mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_WORKLOAD } from "../../src/bench/kafkaBench.js";
import { pageAssets } from "../../src/report/html/assets.js";
import { renderRunPage } from "../../src/report/html/page.js";
import { buildReportData } from "../../src/report/html/reportData.js";
import { RunRecorder } from "../../src/report/recorder/runRecorder.js";
import { runScenario } from "../../src/runner/run.js";
import { loadScenario, parseScenario } from "../../src/scenario/load.js";
import { cli } from "../support/cli.js";
import { launchBrowser, openReport } from "../support/browser.js";

// The report pages in a real browser (Debian's chromium through playwright-core): they load with no error and no
// request, draw what the run holds, jump to a finding, and a hostile scenario's page runs nothing.
const dir = mkdtempSync(join(tmpdir(), "kafkasim-browser-"));
/** Where the screenshot for a person to look at goes (reports/ is not committed). */
const SCREENSHOT = resolve("reports", "browser-test", "kip-101-truncation.png");

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function report(name: string, ...args: string[]): Promise<string> {
  const out = join(dir, name.replace(/[^a-z0-9-]/gi, "_"));
  const r = await cli("run", name, "--report", out, "--quiet", ...args);
  expect(r.code).toBeLessThan(2);
  return join(out, "index.html");
}

describe("the report page of kip-101-truncation", () => {
  let file: string;
  beforeAll(async () => {
    file = await report("kip-101-truncation");
  });

  it("loads with no console error and no request, and draws the lanes, fault bands and diagram", async () => {
    const { page, errors, requests } = await openReport(browser, file);
    expect(await page.getAttribute("body", "data-ready")).toBe("1");
    expect(await page.locator("#scenario-name").textContent()).toBe("kip-101-truncation");
    // pause app, partition [broker-3] | [broker-2], crash broker-1, crash broker-2
    expect(await page.locator(".fault-band").count()).toBe(4);
    expect(await page.locator(".fault-band.crash").count()).toBe(2);
    // 6 lost writes (7 before KRaft pre-vote changed the elections' timing, 4 before brokers opened their listeners only
    // once unfenced), all acknowledged at the same moment: one dot; and the broken LeaderCompleteness invariant
    // the scenario expects (invariantBroken), at broker-3's election: another
    const markers = page.locator(".finding-marker");
    expect(await markers.count()).toBe(2);
    expect(await markers.evaluateAll((els) => els.map((e) => e.getAttribute("data-count")).sort())).toEqual(["1", "6"]);
    expect(await page.locator('.lane[data-lane="partition"]').count()).toBe(1);
    expect(await page.locator('.lane[data-lane="producer"]').count()).toBe(1);
    expect(await page.locator('.lane[data-lane="group"]').count()).toBe(0);
    expect(await page.locator("#moments tr").count()).toBeGreaterThan(15);
    // No capacity: no performance section.
    expect(await page.locator('#performance, nav a[href="#performance"]').count()).toBe(0);
    // The diagram is drawn when its section comes into view.
    const svg = page.locator("#diagram-wrap svg.lamport");
    await page.locator("#messages").scrollIntoViewIfNeeded();
    await expect.poll(() => svg.count()).toBe(1);
    expect(Number(await svg.getAttribute("data-arrows"))).toBeGreaterThan(0);
    expect(await svg.locator("text").filter({ hasText: /^broker-1$/ }).count()).toBe(1);
    // Lanes draw their charts as they come into view: the partition's state and offsets.
    await page.locator('.lane[data-lane="partition"]').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('.lane[data-lane="partition"] canvas').count()).toBe(2);
    mkdirSync(resolve(SCREENSHOT, ".."), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`report screenshot for a person to look at: ${SCREENSHOT}`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("clicking a finding scrolls to its lane at its moment, rings its record and lights its messages", async () => {
    const { page, errors } = await openReport(browser, file);
    const lane = page.locator('.lane[data-lane="partition"][data-tp="ledger-0"]');
    expect(await lane.evaluate((el) => el.getBoundingClientRect().top > window.innerHeight)).toBe(true);
    await page.locator("button.finding").first().click();
    await expect.poll(() => lane.getAttribute("class")).toContain("highlight");
    const box = await lane.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, height: window.innerHeight };
    });
    expect(box.bottom).toBeGreaterThan(0);
    expect(box.top).toBeLessThan(box.height);
    expect(await page.locator("#moments tr.selected").count()).toBe(1);
    expect(await page.locator("button.finding.selected").count()).toBe(1);
    // The diagram moved to the finding's moment, and lit the producer's requests to ledger-0.
    const svg = page.locator("#diagram-wrap svg.lamport");
    const from = Number(await svg.getAttribute("data-from-us"));
    const to = Number(await svg.getAttribute("data-to-us"));
    expect(from).toBeLessThanOrEqual(12_900_000);
    expect(to).toBeGreaterThanOrEqual(12_900_000);
    expect(await svg.locator("line.msg.hl").count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
  it("dragging on the overview zooms every chart, even when the drag starts on a fault's bar; hovering a bar still names its fault", async () => {
    const { page, errors } = await openReport(browser, file);
    // The partition bar (10s to the end) is the widest: start on it, where a person would.
    const band = (await page.locator('.fault-band[data-kind="partition"]').boundingBox())!;
    const y = band.y + band.height / 2;
    await page.mouse.move(band.x + 10, y);
    expect(await page.evaluate(([x, yy]) => document.elementFromPoint(x, yy)?.closest("#faults-chart") !== null, [band.x + 10, y])).toBe(true);
    await page.mouse.down();
    await page.mouse.move(band.x + 200, y, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => page.locator("#zoom-note").textContent()).toMatch(/^showing 1\d\.\d{3}s to \d+\.\d{3}s of 60\.000s$/);
    expect(await page.locator("#zoom-reset").isEnabled()).toBe(true);
    // Nothing moved on the page (the bar's zoom note changing length must not wrap it onto another line).
    const after = (await page.locator('.fault-band[data-kind="partition"]').boundingBox())!;
    expect(after.y).toBeCloseTo(band.y, 0);
    await page.mouse.move(band.x + 5, y);
    await expect.poll(() => page.locator("#faults-chart .u-over").getAttribute("title")).toMatch(/^partition \[broker-3\] \| \[broker-2\]: 10\.000s to /);
    expect(errors).toEqual([]);
  });

  it("at 390 px wide (a phone) nothing scrolls sideways: the charts, header and diagram fit or scroll in their own box", async () => {
    const { page, errors } = await openReport(browser, file, 390);
    for (const section of ["#partitions", "#producers", "#messages"]) await page.locator(section).scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('.lane[data-lane="partition"] canvas').count()).toBe(2);
    await expect.poll(() => page.locator("#diagram-wrap svg.lamport").count()).toBe(1);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    // Each chart fits the lane it is in, with room left to plot.
    const widths = await page.locator(".lane canvas").evaluateAll((cs) => cs.map((c) => c.getBoundingClientRect().width));
    expect(Math.max(...widths)).toBeLessThanOrEqual(390);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: resolve(SCREENSHOT, "..", "kip-101-truncation-390.png"), fullPage: true });
    // From wide to narrow: the charts follow the window.
    const wide = await openReport(browser, file, 1280);
    await wide.page.locator("#partitions").scrollIntoViewIfNeeded();
    await expect.poll(() => wide.page.locator('.lane[data-lane="partition"] canvas').count()).toBe(2);
    await wide.page.setViewportSize({ width: 390, height: 900 });
    await expect.poll(() => wide.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    expect(wide.errors).toEqual([]);
  });

  it("has a text alternative for every chart and the diagram, and works by keyboard: moments, findings, zoom reset, focus shown", async () => {
    const { page, errors } = await openReport(browser, file);
    for (const section of ["#partitions", "#producers", "#messages"]) await page.locator(section).scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator("#diagram-wrap svg.lamport").count()).toBe(1);
    await expect.poll(() => page.locator('.lane[data-lane="producer"] canvas').count()).toBeGreaterThan(0);
    const alts = await page.locator("canvas").evaluateAll((cs) => cs.map((c) => ({ role: c.getAttribute("role"), label: c.getAttribute("aria-label") ?? "" })));
    expect(alts.length).toBeGreaterThan(4);
    for (const a of alts) {
      expect(a.role).toBe("img");
      expect(a.label.length).toBeGreaterThan(20);
    }
    const ledger = await page.locator('.lane[data-tp="ledger-0"] canvas').evaluateAll((cs) => cs.map((c) => c.getAttribute("aria-label")));
    expect(ledger[0]).toMatch(/^ledger-0: leader \(epoch\), ISR over time; at the end: leader \(epoch\) broker-\d e\d+ \(\d+ change\(s\)\); ISR broker-/);
    expect(ledger[1]).toMatch(/^ledger-0: log end offset, high watermark over time; last values: log end offset \d+ \(max \d+\); high watermark \d+ \(max \d+\)$/);
    // The same numbers as the lane's line.
    const summary = (await page.locator('.lane[data-tp="ledger-0"] .lane-summary').textContent())!;
    expect(ledger[1]).toContain(`high watermark ${/high watermark (\d+)/.exec(summary)![1]} `);
    expect(ledger[1]).toContain(`log end offset ${/log end (\d+)/.exec(summary)![1]} `);
    expect(await page.locator("#faults-chart canvas").getAttribute("aria-label")).toMatch(/^Faults and findings over time: 4 faults \(.*crash broker-1.*\); findings at 2 moment\(s\)/);
    expect(await page.locator("svg.lamport").getAttribute("role")).toBe("img");
    expect(await page.locator("svg.lamport").getAttribute("aria-label")).toMatch(/^Space-time diagram: \d+ message\(s\) between \d+ actors from \d+\.\d{3}s to \d+\.\d{3}s/);

    // Tab from the timeline's last filter reaches its rows; arrows move, Enter selects (and zooms every chart).
    await page.locator("#moment-filters input").last().focus();
    await page.keyboard.press("Tab");
    const focused = () => page.evaluate(() => ({ tag: document.activeElement?.tagName, moment: document.activeElement?.getAttribute("data-moment") ?? null, outline: document.activeElement ? getComputedStyle(document.activeElement).outlineStyle : "" }));
    const first = await focused();
    expect(first.tag).toBe("TR");
    expect(first.outline).not.toBe("none");
    await page.keyboard.press("ArrowDown");
    const second = await focused();
    expect(second.tag).toBe("TR");
    expect(Number(second.moment)).toBeGreaterThan(Number(first.moment));
    const reset = page.locator("#zoom-reset");
    expect(await reset.isDisabled()).toBe(true);
    await page.keyboard.press("Enter");
    expect(await page.locator(`#moments tr[data-moment="${second.moment}"]`).getAttribute("class")).toContain("selected");
    await expect.poll(() => page.locator("#zoom-note").textContent()).toMatch(/^showing \d+\.\d{3}s to \d+\.\d{3}s of \d+\.\d{3}s$/);
    // The zoom comes back by keyboard too: the reset button is enabled, reachable by Tab, and shows its focus.
    expect(await reset.isEnabled()).toBe(true);
    await page.locator('nav a[href="#messages"]').focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("zoom-reset");
    expect(await reset.evaluate((b) => getComputedStyle(b).outlineStyle)).not.toBe("none");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#zoom-note").textContent()).toMatch(/^the whole run/);
    expect(await reset.isDisabled()).toBe(true);
    // A finding's button by keyboard.
    await page.locator("button.finding").first().focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("button.finding.selected").count()).toBe(1);
    expect(errors).toEqual([]);
  });
});

describe("the report page of rebalance-storm (45s)", () => {
  it("draws the group: its state, coordinator and each member's partitions, and the lag of each partition", async () => {
    const file = await report("rebalance-storm", "--duration", "45s");
    const { page, errors, requests } = await openReport(browser, file);
    const lane = page.locator('.lane[data-lane="group"][data-group="billing"]');
    expect(await lane.count()).toBe(1);
    await lane.scrollIntoViewIfNeeded();
    await expect.poll(() => lane.locator("canvas").count()).toBe(2);
    expect(await lane.locator(".u-legend th").allTextContents()).toEqual(expect.arrayContaining(["member-1", "member-2", "member-3", "invoices-0", "invoices-5"]));
    expect(await page.locator('.lane[data-lane="partition"]').count()).toBe(6 + 1); // invoices-0..5 and the group's __consumer_offsets partition
    expect(await page.locator("details[data-internal] .lane").count()).toBe(1);
    expect(await page.locator(".fault-band").count()).toBe(0);
    expect(await page.locator(".finding-marker").count()).toBeGreaterThan(5);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe("the report page of a run with capacity: (test/fixtures/report-capacity.yaml)", () => {
  it("draws the performance tables: producers, consumers, brokers, other hosts' NICs, the partitions with their bars", async () => {
    const recorder = new RunRecorder({ messages: true });
    const r = runScenario(loadScenario("test/fixtures/report-capacity.yaml"), { attach: recorder.attach });
    const file = join(dir, "capacity.html");
    writeFileSync(file, renderRunPage(buildReportData(r, recorder, "test", 0), pageAssets()));
    const { page, errors, requests } = await openReport(browser, file);
    expect(await page.getAttribute("body", "data-ready")).toBe("1");
    expect(await page.locator('nav a[href="#performance"]').textContent()).toBe("Performance");
    const section = page.locator("#performance");
    expect(await section.locator("h3").allTextContents()).toEqual(["Producers", "Consumers", "Brokers", "Other hosts' NICs", "Partitions by bytes"]);
    const rows = (table: string) => section.locator(`table[data-table="${table}"] tbody tr`);
    expect(await rows("perf-producers").count()).toBe(1);
    const producer = await rows("perf-producers").first().locator("td").allTextContents();
    expect(producer[0]).toBe("app");
    expect(Number(producer[3].replace(/,/g, ""))).toBe(r.performance!.producers[0].recordsPerSec);
    expect(await rows("perf-consumers").locator("td").first().textContent()).toBe("reader");
    expect(await rows("perf-brokers").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-key")))).toEqual(["broker-1", "broker-2", "broker-3"]);
    expect(await rows("perf-nics").count()).toBeGreaterThanOrEqual(2);
    // The partitions busiest first, each with a bar; the hot key's partition has the full one, the next a short one.
    const parts = rows("perf-partitions");
    expect(await parts.count()).toBe(r.performance!.partitions.length);
    const widths = await parts.evaluateAll((trs) =>
      trs.map((tr) => {
        const bar = tr.querySelector(".bar")!.getBoundingClientRect().width;
        const filled = [...tr.querySelectorAll(".bar > span")].reduce((s, e) => s + e.getBoundingClientRect().width, 0);
        return filled / bar;
      }),
    );
    expect(widths[0]).toBeCloseTo(1, 2);
    expect(widths[1]).toBeLessThan(0.5);
    expect([...widths].sort((a, b) => b - a)).toEqual(widths);
    await section.scrollIntoViewIfNeeded();
    expect(await section.isVisible()).toBe(true);
    // At 390 px the wide tables scroll in their own box; the page does not scroll sideways.
    await page.setViewportSize({ width: 390, height: 900 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await section.locator('table[data-table="perf-brokers"]').evaluate((t) => t.parentElement!.scrollWidth > t.parentElement!.clientWidth)).toBe(true);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe("a hostile scenario's page", () => {
  it("runs no script of the scenario's and loads nothing; a script added later is blocked by its policy", async () => {
    const file = await report("test/fixtures/report-hostile.yaml");
    const { page, errors, requests } = await openReport(browser, file);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.locator("img, iframe, svg[onload]").count()).toBe(0);
    expect(await page.locator("#scenario-name").textContent()).toBe("hostile</title><script>window.__pwned = 'name'</script>");
    expect(await page.title()).toContain("</title><script>");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    // Even markup that escaped escaping could not run: the policy allows only the page's own scripts.
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__pwned = 'injected'";
      document.body.append(s);
    });
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    await expect.poll(() => errors.some((e) => /CSP violation: script-src/.test(e))).toBe(true);
  });
});

describe("the report of the reference workload (3 brokers, 6 partitions RF3, acks=all, 5,000 rec/s, 60s)", () => {
  it("is under 10 MB and loads with no error", async () => {
    // The page alone (the CLI would also write the 100 MB history, which takes time and proves nothing here).
    const recorder = new RunRecorder({ messages: true });
    const r = runScenario(parseScenario(REFERENCE_WORKLOAD, "reference.yaml"), { attach: recorder.attach });
    const file = join(dir, "reference.html");
    writeFileSync(file, renderRunPage(buildReportData(r, recorder, "test", 0), pageAssets()));
    expect(statSync(file).size).toBeLessThan(10 * 1024 * 1024);
    const { page, errors, requests } = await openReport(browser, file);
    expect(await page.locator('.lane[data-lane="partition"]').count()).toBe(6);
    await page.locator("#messages").scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator("#diagram-wrap svg.lamport").count()).toBe(1);
    expect(Number(await page.locator("#diagram-wrap svg.lamport").getAttribute("data-arrows"))).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe("explore --report's index of a hostile scenario (test/fixtures/report-hostile.yaml, 1 seed)", () => {
  it("shows its names as text, fits a phone, and its seed links work from file:// by keyboard, there and back", async () => {
    const out = join(dir, "explore-hostile");
    const r = await cli("explore", "test/fixtures/report-hostile.yaml", "--seeds", "1", "--workers", "1", "--report", out);
    expect(r.code).toBe(1);
    const index = join(out, "index.html");
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (q) => void (q.isNavigationRequest() || requests.push(q.url())));
    await page.goto(`file://${index}`);
    expect(await page.locator("h1").textContent()).toBe("hostile</title><script>window.__pwned = 'name'</script>");
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    // Nothing scrolls sideways at 390 px: the tables scroll in their own box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Tab reaches the seed's link, shown focused; Enter opens its page from disk.
    const link = page.locator('#failing-seeds a[href="seed-1/index.html"]');
    for (let i = 0; i < 10 && !(await link.evaluate((a) => a === document.activeElement)); i++) await page.keyboard.press("Tab");
    expect(await link.evaluate((a) => getComputedStyle(a).outlineStyle)).not.toBe("none");
    await page.keyboard.press("Enter");
    await page.waitForURL(`file://${join(out, "seed-1", "index.html")}`);
    await page.waitForSelector("body[data-ready]", { state: "attached" });
    expect(await page.locator("#scenario-name").textContent()).toBe("hostile</title><script>window.__pwned = 'name'</script>");
    await page.locator("#back").click();
    await page.waitForURL(`file://${index}`);
    expect(await page.locator("#failing-seeds").count()).toBe(1);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});

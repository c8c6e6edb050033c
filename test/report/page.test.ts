import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleClient, CLIENT_PARTS, pageAssets } from "../../src/report/html/assets.js";
import { escapeHtml, jsonForScript, renderRunPage } from "../../src/report/html/page.js";
import { buildReportData } from "../../src/report/html/reportData.js";
import { MAX_MESSAGES, messageWindows } from "../../src/report/html/messageData.js";
import { RunRecorder } from "../../src/report/recorder/runRecorder.js";
import type { Moment } from "../../src/report/recorder/moments.js";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario } from "../../src/runner/run.js";

describe("page escaping", () => {
  it("escapes markup in text and attributes", () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe("&#60;img src=x onerror=&#34;a(&#39;b&#39;)&#34;&#62;&#38;");
  });

  it("writes JSON that no string can close its script block with, and that reads back the same", () => {
    const value = { name: "</script><script>alert(1)</script><!--", sep: "a\u2028b\u2029c", amp: "&lt;" };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe("a hostile scenario's page (without a browser)", () => {
  let page: string;
  beforeAll(() => {
    const rec = new RunRecorder({ messages: true });
    const r = runScenario(loadScenario("test/fixtures/report-hostile.yaml"), { attach: rec.attach });
    page = renderRunPage(buildReportData(r, rec, "test", 1), pageAssets());
  });

  it("holds no markup from the scenario: the only elements are the page's own", () => {
    expect(page.match(/<script/g)).toHaveLength(3); // data, uPlot, the page script
    expect(/<(img|iframe|svg)[\s>]/.test(page)).toBe(false);
    expect(page.includes("</script><script>window.__pwned")).toBe(false);
    expect(page.includes("<h1 id=\"scenario-name\">hostile&#60;/title&#62;&#60;script&#62;")).toBe(true);
  });

  it("loads nothing: no src or external href, and a Content-Security-Policy that names each script and the style by hash", () => {
    const markup = page.replace(/<script[^>]*>[^]*?<\/script>/g, "<script></script>");
    expect(/<[a-z][^<>]*\s(src|on\w+)=/i.test(markup)).toBe(false); // no tag loads or runs anything
    expect([...markup.matchAll(/<a\s[^<>]*href="([^"]*)"/g)].map((m) => m[1]).every((h) => h.startsWith("#"))).toBe(true);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(page)![1].replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'none'");
    const hash = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
    const scripts = [...page.matchAll(/<script(?: type="module")?>([^]*?)<\/script>/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(2);
    for (const s of scripts) expect(csp).toContain(hash(s));
    const style = /<style>([^]*?)<\/style>/.exec(page)![1];
    expect(csp).toContain(hash(style));
  });
});

describe("which messages a page keeps", () => {
  const log = (n: number, everyUs: number) => ({ count: n, sendUs: Float64Array.from({ length: n }, (_, i) => i * everyUs) });
  const at = (atUs: number, kind: Moment["kind"]): Moment => ({ atUs, kind, text: "", subject: "", actors: [] });

  it("all of them when they fit", () => {
    expect(messageWindows(log(1000, 1000), [], 1_000_000, 5000)).toEqual([[0, 1_000_000]]);
  });

  it("otherwise windows around findings first, then faults, within the budget", () => {
    // 1 message per ms over 100s; a window is 300ms (300 messages); room for 3 windows.
    const windows = messageWindows(log(100_000, 1000), [at(10e6, "leader"), at(50e6, "fault"), at(80e6, "finding")], 100e6, 1000);
    expect(windows).toEqual([
      [10e6 - 100_000, 10e6 + 200_000],
      [50e6 - 100_000, 50e6 + 200_000],
      [80e6 - 100_000, 80e6 + 200_000],
    ]);
    const small = messageWindows(log(100_000, 1000), [at(10e6, "leader"), at(50e6, "fault"), at(80e6, "finding")], 100e6, 700);
    expect(small).toEqual([
      [50e6 - 100_000, 50e6 + 200_000],
      [80e6 - 100_000, 80e6 + 200_000],
    ]);
  });

  it(`a page never holds more than ${MAX_MESSAGES} messages`, () => {
    const windows = messageWindows(log(2_000_000, 50), [], 100e6);
    const kept = windows.reduce((s, [a, b]) => s + (b - a) / 50, 0);
    expect(kept).toBeLessThanOrEqual(MAX_MESSAGES + windows.length);
    expect(windows.length).toBeGreaterThan(10); // spread over the run
  });

  it("stays within its budget when many moments' windows overlap (a 10-minute transactional run kept 633,138 of a 400,000 budget)", () => {
    // 1 message per ms over 100s; a moment every 50ms, so each 300ms window overlaps five others.
    const messages = log(100_000, 1000);
    const moments = Array.from({ length: 2000 }, (_, i) => at(i * 50_000, i % 2 ? "leader" : "isr"));
    const budget = 20_000;
    const windows = messageWindows(messages, moments, 100e6, budget);
    // What the page then holds: the messages sent inside each window, both ends included (messageData).
    const held = windows.reduce((s, [a, b]) => s + Math.floor(b / 1000) - Math.ceil(a / 1000) + 1, 0);
    expect(held).toBeLessThanOrEqual(budget);
    expect(held).toBeGreaterThan(budget * 0.9); // and it uses the budget
    for (let i = 1; i < windows.length; i++) expect(windows[i][0]).toBeGreaterThan(windows[i - 1][1]);
  });
});

describe("the page script", () => {
  it("is its parts joined into one script that imports and exports nothing", () => {
    const js = pageAssets().clientJs;
    expect(/^\s*(import|export)\b/m.test(js)).toBe(false);
    for (const part of CLIENT_PARTS) expect(js).toContain(`// ---- ${part} ----`);
    expect(() => new Function(js)).not.toThrow(); // it parses
  });

  it("refuses a part that imports anything but another part", () => {
    const dir = mkdtempSync(join(tmpdir(), "kafkasim-parts-"));
    for (const part of CLIENT_PARTS) writeFileSync(join(dir, part), part === "lanes.js" ? 'import { x } from "https://example.org/x.js";\n' : "export const a = 1;\n");
    expect(() => bundleClient(dir)).toThrow("lanes.js imports or exports something the page cannot load");
  });
});

import { describe, expect, it } from "vitest";
import { type ExploreIndex, renderExploreIndex } from "../../src/report/html/exploreIndex.js";
import { RARE_MOMENT_NAMES, type MomentCoverage } from "../../src/runner/rareMoments.js";

// `explore --report DIR`'s index page without a browser: every number the sweep's --json holds, escaped text.
function coverage(over: Partial<MomentCoverage>): MomentCoverage {
  return Object.fromEntries(RARE_MOMENT_NAMES.map((n) => [n, over[n] ?? { seeds: 0, times: 0 }])) as MomentCoverage;
}

const hostile = `x</td><script>alert(1)</script>`;
const index: ExploreIndex = {
  scenario: `evil<img src=x onerror=alert(1)>`,
  file: "scenarios/a b.yaml",
  sets: ["clients[0].config.acks=1"],
  durationMs: 30_000,
  seeds: 20,
  from: 1,
  finds: ["noLostAcknowledgedWrites"],
  coverage: coverage({ logTruncation: { seeds: 5, times: 12 }, controllerFailover: { seeds: 3, times: 3 } }),
  version: "test",
  entries: [
    { seed: 1, status: "expectation-failed", checks: ["noLostAcknowledgedWrites"], firstFinding: "lost app-1-9", digest: "114593b5c7bf9e8c", replay: "kafkasim run 'scenarios/a b.yaml' --seed 1", href: "seed-1/index.html", drawn: "acks=1" },
    { seed: 13, status: "expectation-failed", checks: ["noLostAcknowledgedWrites", hostile], firstFinding: hostile, digest: "00000000000000ff", replay: "kafkasim run 'scenarios/a b.yaml' --seed 13", href: null, determinism: "deterministic: two reruns gave the same digest" },
  ],
};
const page = renderExploreIndex(index);
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("the explore index page", () => {
  it("counts the failing seeds per check, with their seeds, as the terminal table does", () => {
    const table = page.match(/<table[^>]*id="failing-checks"[\s\S]*?<\/table>/)![0];
    expect(text(table)).toContain("noLostAcknowledgedWrites 2 1 13");
    expect(table).toContain("x&#60;/td&#62;&#60;script&#62;");
  });

  it("shows each failing seed's digest, draw and determinism next to its replay line", () => {
    const table = page.match(/<table[^>]*id="failing-seeds"[\s\S]*?<\/table>/)![0];
    expect(table).toContain("114593b5c7bf9e8c");
    expect(table).toContain("00000000000000ff");
    expect(table).toContain("acks=1");
    expect(table).toContain("deterministic: two reruns gave the same digest");
    expect(table).toContain("kafkasim run &#39;scenarios/a b.yaml&#39; --seed 13");
  });

  it("shows the coverage of rare moments: seeds reached of all, times, and the ones never reached", () => {
    const table = page.match(/<table[^>]*id="coverage"[\s\S]*?<\/table>/)![0];
    expect(text(table)).toContain("logTruncation 5/20 12");
    expect(text(table)).toContain("controllerFailover 3/20 3");
    expect(text(page)).toMatch(/never reached: uncleanElection, producerFenced/);
  });

  it("names the run: seeds, --set changes, --duration and what the sweep finds", () => {
    expect(text(page)).toContain("20 from 1");
    expect(page).toContain("clients[0].config.acks=1");
    expect(text(page)).toContain("30s");
    expect(text(page)).toContain("2 of 20 seeds failed");
  });

  it("fits a phone: a viewport, and tables that scroll in their own box, which the keyboard can focus and scroll", () => {
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page.match(/<div class="hscroll" tabindex="0" role="region" aria-label="[a-z ]+"><table/g)).toHaveLength(3);
  });

  it("holds no markup from the scenario or its findings, and no script", () => {
    expect(page).not.toMatch(/<script|<img/);
    expect(page).toContain("evil&#60;img src=x onerror=alert(1)&#62;");
  });

  it("with no failing seed: says so, and still shows the coverage", () => {
    const ok = renderExploreIndex({ ...index, entries: [] });
    expect(text(ok)).toContain("every seed passed");
    expect(ok).not.toContain('id="failing-seeds"');
    expect(ok).toContain('id="coverage"');
  });
});

import { createHash } from "node:crypto";
import type { PageAssets } from "./assets.js";
import type { ReportData } from "./reportData.js";

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the two JavaScript line separators are
 * written as \u escapes, so no string in the data can close the block or open a comment or tag.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The Content-Security-Policy of every page: nothing may load (no network, no other file), and only the page's own
 * scripts and style block run, by hash; so even a string that escaped escaping could not run script or fetch.
 */
export function contentSecurityPolicy(scripts: string[], styles: string[]): string {
  const script = scripts.length ? scripts.map(sha256).join(" ") : "'none'";
  return [
    "default-src 'none'",
    `script-src ${script}`,
    `style-src ${styles.map(sha256).join(" ")}`,
    "img-src 'none'",
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/**
 * The opening of every report page up to `<body>`: the policy above (`scripts` and `style` by hash), no referrer, a
 * phone's viewport, the escaped `title` and the one style block. Returns HTML text.
 */
export function pageHead(title: string, scripts: string[], style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(scripts, [style]))}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>`;
}

/** The page's own style (after uPlot's). */
export const PAGE_CSS = `
:root { --fg: #1d232b; --muted: #5b6673; --line: #d9dee4; --bg: #fff; --soft: #f4f6f8; --ok: #1a7f37; --bad: #c62828; --warn: #b26a00; --hl: #ffeb99; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main > section, nav { padding: 10px 22px; }
header { border-bottom: 1px solid var(--line); background: var(--soft); }
h1 { font-size: 22px; margin: 4px 0; } h2 { font-size: 17px; margin: 18px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 14px 0 4px; }
.desc { max-width: 980px; color: var(--muted); margin: 4px 0 8px; white-space: pre-wrap; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.verdict { display: inline-block; padding: 4px 10px; border-radius: 4px; font-weight: 600; color: #fff; margin: 6px 0; }
.verdict.ok { background: var(--ok); } .verdict.fail { background: var(--bad); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
nav { position: sticky; top: 0; z-index: 20; background: rgba(255,255,255,.96); border-bottom: 1px solid var(--line); display: flex; gap: 14px; flex-wrap: wrap; align-items: center; }
nav a { color: #0b57d0; text-decoration: none; } nav .zoom { margin-left: auto; color: var(--muted); white-space: nowrap; }
button { font: inherit; cursor: pointer; }
ul.checks { list-style: none; padding: 0; margin: 0; }
ul.checks > li { margin: 6px 0; } .check-ok { color: var(--ok); } .check-bad { color: var(--bad); } .check-expected { color: var(--warn); }
ol.findings { margin: 4px 0 4px 22px; padding: 0; } ol.findings li { margin: 2px 0; }
button.finding { border: 1px solid var(--line); background: #fff; border-radius: 3px; padding: 0 5px; font-family: ui-monospace, monospace; font-size: 12px; }
.lane { border-left: 3px solid transparent; padding-left: 8px; margin: 6px 0 14px; scroll-margin-top: 48px; }
.lane.highlight { border-left-color: var(--bad); background: #fff6f6; }
.lane-summary { color: var(--muted); font-size: 12.5px; margin: 2px 0 4px; }
.chart { margin: 2px 0; }
#faults-chart { margin-left: 11px; } /* the lanes' border and padding: every time axis lines up */
.uplot { font-family: inherit; } .u-legend { font-size: 12px; text-align: left; } .u-legend .u-marker { width: 10px; height: 10px; }
.fault-band { position: absolute; top: 0; opacity: .75; border-radius: 2px; pointer-events: none; } /* uPlot zooms only on drags that start on its own overlay */
.fault-band.crash, .fault-band.shutdown { background: #e57373; } .fault-band.pause { background: #ffb74d; }
.fault-band.partition { background: #9575cd; } .fault-band.slow-link { background: #fdd835; } .fault-band.hold { background: #4db6ac; }
.finding-marker { position: absolute; width: 12px; height: 12px; margin-left: -6px; border: 0; padding: 0; border-radius: 50%; background: var(--bad); box-shadow: 0 0 0 2px #fff; pointer-events: auto; }
.finding-marker.expected { background: var(--warn); }
.finding-marker.selected, button.finding.selected { outline: 3px solid #222; }
table.moments { border-collapse: collapse; width: 100%; font-size: 12.5px; }
table.moments td { padding: 2px 6px; border-bottom: 1px solid #eef0f2; vertical-align: top; }
table.moments tr { cursor: pointer; } table.moments tr:hover { background: var(--soft); }
table.moments tr.selected { background: var(--hl); }
td.k { font-weight: 600; font-size: 11px; white-space: nowrap; } td.t { white-space: nowrap; font-family: ui-monospace, monospace; }
.k-finding { color: var(--bad); } .k-fault { color: #c62828; } .k-heal { color: var(--ok); } .k-unclean, .k-truncate, .k-fenced { color: #8e24aa; }
.k-leader, .k-controller { color: #00838f; } .k-isr { color: #6d4c41; } .k-rebalance, .k-member, .k-coordinator { color: #1565c0; } .k-producer, .k-txn { color: #5d4037; }
.filters { display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 4px 0 8px; font-size: 12.5px; color: var(--muted); }
.scroll { max-height: 420px; overflow: auto; border: 1px solid var(--line); }
.note { color: var(--muted); font-size: 12.5px; }
#diagram-wrap { border: 1px solid var(--line); overflow: auto; max-height: 820px; }
svg.lamport text { font: 11px system-ui, sans-serif; fill: #333; }
svg.lamport line.actor { stroke: #c5ccd3; stroke-width: 1; }
svg.lamport .msg { stroke-width: 1.1; fill: none; } svg.lamport .msg.dropped { stroke-dasharray: 4 3; }
svg.lamport .msg.dim { opacity: .35; } svg.lamport .msg.hl { stroke-width: 2.6; }
svg.lamport .down { stroke: #e57373; stroke-width: 6; opacity: .6; } svg.lamport .paused { stroke: #ffb74d; stroke-width: 6; opacity: .7; }
svg.lamport .cut { stroke: #9575cd; stroke-width: 6; opacity: .45; }
svg.lamport circle.moment { stroke: #fff; stroke-width: 1; } svg.lamport .selected-time { stroke: var(--bad); stroke-dasharray: 6 4; }
details > summary { cursor: pointer; margin: 8px 0; color: #0b57d0; }
table.perf { border-collapse: collapse; font-size: 12.5px; margin: 2px 0 6px; }
table.perf th, table.perf td { padding: 2px 8px; border-bottom: 1px solid #eef0f2; text-align: left; white-space: nowrap; }
table.perf th { color: var(--muted); font-weight: 600; border-bottom-color: var(--line); }
table.perf .n { text-align: right; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; } table.perf th.n { font-family: inherit; }
table.perf td.hot { color: var(--bad); font-weight: 600; }
table.perf tbody tr:hover { background: var(--soft); }
.bar { display: flex; width: 260px; height: 11px; background: var(--soft); border-radius: 2px; overflow: hidden; }
.bar > span { display: block; height: 100%; } .bar-in { background: #1f77b4; } .bar-out { background: #2ca02c; }
#perf-tables .scroll { display: inline-block; max-width: 100%; }
/* Keyboard focus is always shown (uPlot's and the browser's own styles do not all show it). */
:focus-visible { outline: 2px solid #0b57d0; outline-offset: 2px; }
table.moments tr:focus-visible { outline-offset: -2px; }
#zoom-reset { border: 1px solid var(--line); background: #fff; border-radius: 3px; padding: 0 8px; }
#zoom-reset:disabled { color: var(--muted); cursor: default; }
.hscroll { overflow-x: auto; max-width: 100%; }
h1, .desc, dl.meta dd, .lane h3, .lane-summary, ul.checks, table.moments td { overflow-wrap: anywhere; }
/* A phone (390 px): less padding, and the bar is one line that scrolls sideways in itself rather than taking a third of the screen. */
@media (max-width: 600px) {
  header, main > section, nav { padding-left: 10px; padding-right: 10px; }
  nav { flex-wrap: nowrap; overflow-x: auto; white-space: nowrap; }
  dl.meta { grid-template-columns: 1fr; } dl.meta dd { margin-bottom: 4px; }
  .bar { width: 140px; }
}
table.index { border-collapse: collapse; } table.index td, table.index th { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
`;

/** The performance section (only for a run with `capacity:`): its tables are drawn by the page script (client/perf.js). */
const PERFORMANCE_SECTION = `<section id="performance"><h2>Performance</h2><p class="note">The run's capacity figures (its scenario has <code>capacity:</code>), as in its summary and <code>--json</code>.</p><div id="perf-tables"></div></section>\n`;

/** A link from a run's page up to the page it belongs to: `href` relative to the page, `text` what it says. */
export interface BackLink {
  href: string;
  text: string;
}

/**
 * One run's page: the header and checks written here (escaped), the lanes and diagram drawn by the page script.
 * `back`: a first link in its bar up to the page it belongs to (explore's index, for a failing seed's page).
 */
export function renderRunPage(data: ReportData, assets: PageAssets, back?: BackLink): string {
  const m = data.meta;
  const style = assets.uplotCss + PAGE_CSS;
  const scripts = [assets.uplotJs, assets.clientJs];
  // Inlined as they are: neither may close its own element early.
  if (scripts.some((x) => /<\/script/i.test(x)) || /<\/style/i.test(style)) throw new Error("a page asset contains a closing script or style tag");
  const checks = data.checks
    .map((c) => {
      const cls = c.ok ? (c.findings.length > 0 ? "check-expected" : "check-ok") : "check-bad";
      const details = c.details.map((d) => `<div class="note">${escapeHtml(d)}</div>`).join("");
      return `<li class="${cls}" data-check="${escapeHtml(c.name)}"><strong>${c.ok ? "✓" : "✗"} ${escapeHtml(c.name)}</strong>${details}</li>`;
    })
    .join("");
  const perf = data.performance !== null;
  const invariants = data.invariantViolations.map((v) => `<li class="check-bad">✗ invariant: ${escapeHtml(v)}</li>`).join("");
  return `${pageHead(`kafkasim: ${m.scenario} seed ${m.seed} ${m.ok ? "OK" : "FAILED"}`, scripts, style)}
<body>
<header>
<h1 id="scenario-name">${escapeHtml(m.scenario)}</h1>
<p class="desc" id="scenario-description">${escapeHtml(m.description)}</p>
<div class="verdict ${m.ok ? "ok" : "fail"}" id="verdict">${escapeHtml(m.statusText)}</div>
<dl class="meta">
<dt>scenario file</dt><dd>${escapeHtml(m.file)}</dd>
<dt>seed</dt><dd>${escapeHtml(String(m.seed))}</dd>
<dt>digest</dt><dd id="digest">${escapeHtml(m.digest)}</dd>
<dt>replay</dt><dd id="replay">${escapeHtml(m.replay)}</dd>
<dt>run</dt><dd>${m.events} events, ${(m.simulatedMs / 1000).toFixed(3)}s simulated, ${m.wallMs}ms wall</dd>
<dt>kafkasim</dt><dd>${escapeHtml(m.version)}</dd>
</dl>
</header>
<nav>${back ? `<a href="${escapeHtml(back.href)}" id="back">← ${escapeHtml(back.text)}</a>` : ""}<a href="#checks">Checks</a>${perf ? '<a href="#performance">Performance</a>' : ""}<a href="#overview">Faults and findings</a><a href="#timeline">Timeline</a><a href="#partitions">Partitions</a><a href="#groups">Groups</a><a href="#producers">Producers</a><a href="#messages">Messages</a><span class="zoom" id="zoom-note" aria-live="polite"></span><button type="button" id="zoom-reset" title="show the whole run on every chart (or double-click a chart)" disabled>whole run</button></nav>
<main>
<section id="checks"><h2>Checks</h2><ul class="checks">${invariants}${checks || '<li class="note">no expectations</li>'}</ul></section>
${perf ? PERFORMANCE_SECTION : ""}<section id="overview"><h2>Faults and findings</h2><p class="note">Each bar is an injected fault (crash, clean shutdown, pause, network partition, slow link); each dot a check finding: click one to jump to its moment.</p><div id="faults-chart" class="chart"></div></section>
<section id="timeline"><h2>Timeline</h2><div class="filters" id="moment-filters"></div><div class="scroll"><table class="moments" id="moments"></table></div></section>
<section id="partitions"><h2>Partitions</h2><p class="note">Leader (with leader epoch) and ISR as the controller recorded them; log end offset, high watermark and last stable offset at the acting leader.</p><div id="partition-lanes"></div></section>
<section id="groups"><h2>Consumer groups</h2><div id="group-lanes"></div></section>
<section id="producers"><h2>Producers</h2><div id="producer-lanes"></div></section>
<section id="messages"><h2>Messages: space-time diagram</h2><div class="filters" id="diagram-controls"></div><div class="note" id="diagram-note"></div><div id="diagram-wrap"></div></section>
</main>
<script type="application/json" id="kafkasim-data">${jsonForScript(data)}</script>
<script>${assets.uplotJs}</script>
<script>${assets.clientJs}</script>
</body>
</html>
`;
}

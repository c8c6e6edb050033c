import { formatDurationMs } from "../../common/duration.js";
import { RARE_MOMENT_NAMES, type MomentCoverage } from "../../runner/rareMoments.js";
import { failuresByCheck } from "../failuresByCheck.js";
import { escapeHtml, PAGE_CSS, pageHead } from "./page.js";

/** One failing seed of an exploration, for the index page. */
export interface ExploreEntry {
  seed: number;
  status: string;
  checks: string[];
  firstFinding: string;
  /** The seed's run digest, as `explore --json` gives it (16 hex digits). */
  digest: string;
  /** The shell line that replays the seed (shell-quoted). */
  replay: string;
  /** Relative link to that seed's page, or null when no page was written for it. */
  href: string | null;
  /** A swarm scenario: the configuration the seed drew, in one line. */
  drawn?: string;
  /** With --check-determinism: what the reruns showed. */
  determinism?: string;
}

/** What `explore --report DIR`'s index shows: the numbers of `explore --json` for the same run (sweepSummary.ts). */
export interface ExploreIndex {
  scenario: string;
  file: string;
  sets?: readonly string[];
  /** `--duration` (ms), when the seeds ran for other than the scenario's duration. */
  durationMs?: number;
  /** Seeds run. */
  seeds: number;
  from: number;
  /** A sweep scenario: the expectations whose failures are its findings. */
  finds?: readonly string[];
  coverage: MomentCoverage;
  /** Every failing seed, in seed order. */
  entries: readonly ExploreEntry[];
  /** kafkasim's version. */
  version: string;
}

/**
 * Tables scroll sideways in their own box, so a phone-wide page never does; the box takes focus (its label names it)
 * so the keyboard can scroll it too: the replay column has nothing focusable to bring it into view.
 */
const scroll = (label: string, table: string) => `<div class="hscroll" tabindex="0" role="region" aria-label="${label}">${table}</div>`;

const INDEX_CSS = `
/* Only the long free text may break anywhere: a check name, a status or a digest broken mid-word misreads. */
table.index td.finding { min-width: 16em; overflow-wrap: anywhere; } table.index td.replay { min-width: 18em; overflow-wrap: anywhere; }
table.index td.digest, table.index td:first-child { white-space: nowrap; } .note { color: var(--muted); overflow-wrap: anywhere; }
`;

/** `explore --report DIR`'s index: the failing checks, each failing seed with its page, and the rare moments reached. No script. */
export function renderExploreIndex(x: ExploreIndex): string {
  const e = escapeHtml;
  const failing = x.entries.length;
  const byCheck = [...failuresByCheck(x.entries.map((f) => ({ seed: f.seed, status: f.status, failed: f.checks })))];
  const checkRows = byCheck.map(([name, seeds]) => `<tr><td>${e(name)}</td><td class="num">${seeds.length}</td><td class="mono">${seeds.join(" ")}</td></tr>`).join("\n");
  const seedRows = x.entries
    .map((f) => {
      const seed = f.href ? `<a href="${e(f.href)}">seed ${f.seed}</a>` : `seed ${f.seed}`;
      const more = [f.drawn ? `<div class="note">drew: ${e(f.drawn)}</div>` : "", f.determinism ? `<div class="note">${e(f.determinism)}</div>` : ""].join("");
      return `<tr><td class="mono">${seed}</td><td>${e(f.status)}</td><td>${e(f.checks.join(", "))}</td><td class="finding">${e(f.firstFinding)}${more}</td><td class="mono digest">${e(f.digest)}</td><td class="mono replay"><code>${e(f.replay)}</code></td></tr>`;
    })
    .join("\n");
  const reached = RARE_MOMENT_NAMES.filter((n) => x.coverage[n].seeds > 0).sort((a, b) => x.coverage[b].seeds - x.coverage[a].seeds);
  const never = RARE_MOMENT_NAMES.filter((n) => x.coverage[n].seeds === 0);
  const coverageRows = reached.map((n) => `<tr><td>${n}</td><td class="num">${x.coverage[n].seeds}/${x.seeds}</td><td class="num">${x.coverage[n].times}</td></tr>`).join("\n");
  const meta = [
    ["scenario file", e(x.file)],
    ["seeds", `${x.seeds} from ${x.from}`],
    ...(x.sets && x.sets.length > 0 ? [["--set", x.sets.map(e).join("<br>")]] : []),
    ...(x.durationMs !== undefined ? [["--duration", formatDurationMs(x.durationMs)]] : []),
    ...(x.finds ? [["a sweep", `the seeds that break ${e(x.finds.join(", "))} are its findings`]] : []),
    ["kafkasim", e(x.version)],
  ];
  const style = PAGE_CSS + INDEX_CSS;
  return `${pageHead(`kafkasim explore: ${x.scenario}`, [], style)}
<body>
<header>
<h1>${e(x.scenario)}</h1>
<div class="verdict ${failing === 0 ? "ok" : "fail"}">${failing === 0 ? `every seed passed (${x.seeds} seeds)` : `${failing} of ${x.seeds} seeds failed`}</div>
<dl class="meta">${meta.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>
</header>
<main>
${
  failing === 0
    ? ""
    : `<section><h2>Failing checks</h2>
${scroll("failing checks", `<table class="index" id="failing-checks"><thead><tr><th>check</th><th>seeds failing</th><th>which</th></tr></thead>\n<tbody>\n${checkRows}\n</tbody></table>`)}
</section>
<section><h2>Failing seeds</h2>
${scroll("failing seeds", `<table class="index" id="failing-seeds"><thead><tr><th>seed</th><th>status</th><th>failing checks</th><th>first finding</th><th>digest</th><th>replay</th></tr></thead>\n<tbody>\n${seedRows}\n</tbody></table>`)}
${x.entries.some((f) => !f.href) ? `<p class="note">Pages are written for the first failing seeds only; replay another with its line above and --report.</p>` : ""}
</section>`
}
<section><h2>Rare moments reached</h2>
${scroll("rare moments reached", `<table class="index" id="coverage"><thead><tr><th>rare moment</th><th>seeds reached</th><th>times</th></tr></thead>\n<tbody>\n${coverageRows}\n</tbody></table>`)}
${never.length > 0 ? `<p class="note">never reached: ${never.join(", ")}</p>` : ""}
</section>
</main>
</body>
</html>
`;
}

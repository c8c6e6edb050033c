// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The report page: the checks and their findings, the overview of faults and findings, the moments, selecting a
 * finding or a moment, and the start (which also draws the performance tables, perf.js, when the run has them).
 */
import { byId, h, sec } from "./dom.js";
import { chartWidth, drawNow, drawWhenSeen, forgetWidth, noteZoom, redrawAll, ROW_H, stateChart, zoomAll } from "./charts.js";
import { groupLaneEls, partitionLaneEls, producerLaneEls, renderLanes } from "./lanes.js";
import { diagram, diagramReady, ensureDiagram, renderDiagram } from "./diagram.js";
import { renderPerformance } from "./perf.js";
import { charts, D, END, selected, shared } from "./state.js";
// ---- header: checks and their findings ----

/** @type {Map<number, HTMLElement[]>} */
const findingButtons = new Map();
/** @param {number} i @param {HTMLElement} el */
function registerFinding(i, el) {
  const list = findingButtons.get(i) || [];
  list.push(el);
  findingButtons.set(i, list);
}

function renderChecks() {
  const items = document.querySelectorAll("ul.checks > li[data-check]");
  D.checks.forEach((c, ci) => {
    const li = items[ci];
    if (!li || c.findings.length === 0) return;
    const item = (/** @type {number} */ i) => {
      const f = D.findings[i];
      const b = h("button", { class: "finding", "data-finding": i, title: "jump to this moment", on: { click: () => selectFinding(i) } }, f.atEnd ? "end" : sec(f.t));
      registerFinding(i, b);
      return h("li", null, b, " ", f.message);
    };
    const ol = h("ol", { class: "findings" }, ...c.findings.slice(0, 5).map(item));
    li.append(ol);
    if (c.findings.length > 5) {
      const rest = h("ol", { class: "findings", start: "6" }, ...c.findings.slice(5, 200).map(item));
      if (c.findings.length > 200) rest.append(h("li", { class: "note" }, `... ${c.findings.length - 200} more: each is a dot in the overview and a line in the timeline`));
      li.append(h("details", null, h("summary", { text: `${c.findings.length - 5} more finding(s)` }), rest));
    }
  });
}

// ---- faults and findings overview ----

/** @type {{ el: HTMLElement, from: number, to: number, row: number }[]} */
const bandEls = [];
/** @type {{ el: HTMLElement, t: number, row: number }[]} */
const markerEls = [];

function renderOverview() {
  const container = byId("faults-chart");
  /** @type {string[]} */
  const rowKeys = [];
  const rowOf = (/** @type {string} */ key) => {
    let i = rowKeys.indexOf(key);
    if (i < 0) i = rowKeys.push(key) - 1;
    return i;
  };
  const bands = D.faults.map((f) => ({ f, row: rowOf(f.kind === "partition" || f.kind === "slow-link" || f.kind === "hold" ? f.label : f.actors[0] || f.label) }));
  const findingRow = D.findings.length > 0 ? rowOf("findings") : -1;
  if (rowKeys.length === 0) {
    container.append(h("p", { class: "note" }, "No fault was injected and no check found anything."));
    return;
  }
  const rows = rowKeys.map((k) => ({ label: k, steps: { t: [], v: [] }, color: () => "#fff" }));
  // The text alternative lists what the bars and dots show (the dots are buttons too, each with its own title).
  const findingTimes = [...new Set(D.findings.map((f) => f.t))];
  const faultText = D.faults.map((f) => `${f.label} from ${sec(f.from)} to ${f.to === null ? "the end" : sec(f.to)}`);
  const alt =
    `Faults and findings over time: ${D.faults.length} faults${faultText.length ? ` (${faultText.slice(0, 30).join("; ")}${faultText.length > 30 ? "; ..." : ""})` : ""}; ` +
    `findings at ${findingTimes.length} moment(s)${findingTimes.length ? ` (${findingTimes.slice(0, 30).map(sec).join(", ")}${findingTimes.length > 30 ? ", ..." : ""})` : ""}`;
  const overview = stateChart(container, rows, "faults and findings", alt);
  shared.overview = overview;
  shared.afterRedraw = placeOverlays;
  const over = overview.over;
  for (const { f, row } of bands) {
    const el = h("div", { class: `fault-band ${f.kind}`, "data-kind": f.kind, title: `${f.label}: ${sec(f.from)} to ${f.to === null ? "the end" : sec(f.to)}` });
    over.append(el);
    bandEls.push({ el, from: f.from, to: f.to === null ? END : f.to, row });
  }
  // The bars let the mouse through (a drag that starts on one must zoom), so the overlay names the bars under it.
  over.addEventListener("mousemove", (/** @type {MouseEvent} */ e) => {
    const hits = bandEls.filter(({ el }) => {
      if (el.style.display === "none") return false;
      const r = el.getBoundingClientRect();
      return e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
    });
    const title = hits.map(({ el }) => el.title).join("\n");
    if (over.title !== title) over.title = title;
  });
  // One dot per moment with findings (several findings at one instant share it; it jumps to the first).
  /** @type {Map<number, number[]>} */
  const atTime = new Map();
  D.findings.forEach((f, i) => atTime.set(f.t, [...(atTime.get(f.t) || []), i]));
  for (const [t, list] of [...atTime].slice(0, 500)) {
    const f = D.findings[list[0]];
    const more = list.length > 1 ? ` (and ${list.length - 1} more finding(s) at this moment)` : "";
    const el = h("button", { class: `finding-marker${list.some((i) => D.findings[i].failed) ? "" : " expected"}`, "data-finding": list[0], "data-count": list.length, title: `${f.atEnd ? "at the end" : sec(t)} ${f.check}: ${f.message}${more}`, on: { click: () => selectFinding(list[0]) } });
    over.append(el);
    registerFinding(list[0], el);
    markerEls.push({ el, t, row: findingRow });
  }
  overview.hooks.draw = overview.hooks.draw || [];
  overview.hooks.draw.push(placeOverlays);
  overview.redraw(false, false);
}

/** Puts the fault bars and finding dots where the overview's current zoom says. */
function placeOverlays() {
  const u = shared.overview;
  if (!u) return;
  const n = u.scales.y.max;
  const rowTop = (/** @type {number} */ r) => u.valToPos(n - r, "y");
  const width = u.bbox.width / devicePixelRatio; // not over.clientWidth: reading layout between writes is slow
  for (const b of bandEls) {
    const x0 = Math.max(0, u.valToPos(b.from / 1e6, "x"));
    const x1 = Math.min(width, u.valToPos(b.to / 1e6, "x"));
    b.el.style.display = x1 <= 0 || x0 >= width ? "none" : "block";
    b.el.style.left = `${x0}px`;
    b.el.style.width = `${Math.max(2, x1 - x0)}px`;
    b.el.style.top = `${rowTop(b.row) + 3}px`;
    b.el.style.height = `${ROW_H - 6}px`;
  }
  for (const m of markerEls) {
    const x = u.valToPos(m.t / 1e6, "x");
    m.el.style.display = x < -6 || x > width + 6 ? "none" : "block";
    m.el.style.left = `${x}px`;
    m.el.style.top = `${rowTop(m.row) + ROW_H / 2 - 6}px`;
  }
}

// ---- timeline of moments ----

/** @type {Map<number, HTMLElement>} */
const momentRows = new Map();
const KIND_LABEL = /** @type {Record<string, string>} */ ({ fault: "FAULT", heal: "HEAL", admin: "ADMIN", controller: "CONTROLLER", leader: "LEADER", unclean: "UNCLEAN", isr: "ISR", truncate: "TRUNCATE", clean: "CLEAN", retention: "RETENTION", snapshot: "SNAPSHOT", producer: "PRODUCER", fenced: "FENCED", coordinator: "COORDINATOR", rebalance: "REBALANCE", member: "MEMBER", txn: "TXN", finding: "FINDING" });

function renderMoments() {
  const table = byId("moments");
  const filters = byId("moment-filters");
  const kinds = [...new Set(D.moments.map((m) => m.k))];
  const hidden = new Set();
  let hideInternal = true;
  let hideRoutine = true;
  const apply = () => {
    for (const [i, row] of momentRows) {
      const m = D.moments[i];
      row.style.display = hidden.has(m.k) || (hideInternal && m.i) || (hideRoutine && m.r) ? "none" : "";
    }
    rovingRow();
  };
  for (const k of kinds) {
    const box = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", checked: true, "data-kind": k }));
    box.checked = true;
    box.addEventListener("change", () => {
      if (box.checked) hidden.delete(k);
      else hidden.add(k);
      apply();
    });
    filters.append(h("label", null, box, ` ${KIND_LABEL[k] || k} (${D.moments.filter((m) => m.k === k).length})`));
  }
  const internal = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox" }));
  internal.addEventListener("change", () => {
    hideInternal = !internal.checked;
    apply();
  });
  filters.append(h("label", null, internal, " internal topics' partitions"));
  const routine = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox" }));
  routine.addEventListener("change", () => {
    hideRoutine = !routine.checked;
    apply();
  });
  filters.append(h("label", null, routine, " routine steps (a transactional producer's epoch moving on)"));
  const body = h("tbody");
  D.moments.forEach((m, i) => {
    const row = h("tr", { "data-moment": i, on: { click: () => (m.f !== undefined ? selectFinding(m.f, false) : selectTime(m.t, m.tp, m.a)) } }, h("td", { class: "t", text: sec(m.t) }), h("td", { class: `k k-${m.k}`, text: KIND_LABEL[m.k] || m.k }), h("td", { text: m.x }));
    row.tabIndex = -1;
    momentRows.set(i, row);
    body.append(row);
  });
  table.append(body);
  table.setAttribute("aria-label", "moments: Tab to reach, up and down arrows to move, Enter to show one on every chart");
  body.addEventListener("keydown", (e) => momentKey(/** @type {KeyboardEvent} */ (e)));
  if (D.momentsLeftOut > 0) filters.append(h("span", { class: "note" }, `(${D.momentsLeftOut} later moments left out of this page)`));
  apply();
}

/**
 * The moments are one stop for Tab (a long run has thousands): one row holds tabIndex 0, the arrows, Home and End
 * move it among the rows shown, Enter or Space does what a click does.
 */
function rovingRow() {
  const rows = [...momentRows.values()];
  const current = rows.find((r) => r.tabIndex === 0);
  if (current && current.style.display !== "none") return;
  if (current) current.tabIndex = -1;
  const first = rows.find((r) => r.style.display !== "none");
  if (first) first.tabIndex = 0;
}

/** @param {KeyboardEvent} e */
function momentKey(e) {
  const row = /** @type {HTMLElement} */ (e.target);
  if (!(row instanceof HTMLTableRowElement)) return;
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    row.click();
    return;
  }
  const shown = (/** @type {Element | null} */ r) => r !== null && /** @type {HTMLElement} */ (r).style.display !== "none";
  /** @type {Element | null} */
  let next = null;
  if (e.key === "ArrowDown") for (next = row.nextElementSibling; next && !shown(next); ) next = next.nextElementSibling;
  else if (e.key === "ArrowUp") for (next = row.previousElementSibling; next && !shown(next); ) next = next.previousElementSibling;
  else if (e.key === "Home") next = [...momentRows.values()].find(shown) || null;
  else if (e.key === "End") next = [...momentRows.values()].reverse().find(shown) || null;
  else return;
  e.preventDefault();
  if (!next) return;
  row.tabIndex = -1;
  const el = /** @type {HTMLElement} */ (next);
  el.tabIndex = 0;
  el.focus();
}

// ---- selecting a finding or a moment ----

function clearSelection() {
  for (const el of document.querySelectorAll(".selected")) el.classList.remove("selected");
  for (const el of document.querySelectorAll(".lane.highlight")) el.classList.remove("highlight");
}

/**
 * Shows one moment: the charts zoom around it, its lane is marked, the diagram moves to it.
 * @param {number} t @param {string | undefined} tp @param {string[]} actors @param {HTMLElement | null} target
 */
function show(t, tp, actors, target) {
  selected.t = t;
  const span = Math.max(2_000_000, END / 12);
  zoomAll(t - span / 2, t + span / 2);
  if (target) {
    const details = target.closest("details");
    if (details && !details.open) details.open = true;
    drawNow(target);
    target.classList.add("highlight");
  }
  if (D.messages) {
    ensureDiagram();
    diagram.start = Math.max(0, t - diagram.len / 3);
    diagram.highlight = { actors: new Set(actors), tp };
    renderDiagram();
  }
  redrawAll();
}

/** @param {number} t @param {string | undefined} tp @param {string[]} actors */
function selectTime(t, tp, actors) {
  clearSelection();
  selected.finding = null;
  const target = (tp && partitionLaneEls.get(tp)) || null;
  for (const [i, row] of momentRows) if (D.moments[i].t === t) row.classList.add("selected");
  show(t, tp, actors, target);
}

/** Jumps to a finding: its lane scrolls into view, marked, with the finding's record ringed and its messages lit. */
/** @param {number} i @param {boolean} [scroll] */
function selectFinding(i, scroll = true) {
  const f = D.findings[i];
  if (!f) return;
  clearSelection();
  selected.finding = i;
  for (const el of findingButtons.get(i) || []) el.classList.add("selected");
  let row = null;
  for (const [k, r] of momentRows)
    if (D.moments[k].f === i) {
      r.classList.add("selected");
      row = r;
    }
  const group = D.groups.find((g) => f.message.includes(`group ${g.group}`));
  const target = (f.tp && partitionLaneEls.get(f.tp)) || (group && groupLaneEls.get(group.group)) || f.actors.map((a) => producerLaneEls.get(a)).find(Boolean) || null;
  show(f.t, f.tp, f.actors, target);
  if (row) {
    const box = /** @type {HTMLElement} */ (row.closest(".scroll"));
    if (box) box.scrollTop = row.offsetTop - box.clientHeight / 2;
  }
  if (scroll) {
    // A lane's top (its name) under the sticky bar, else the finding's line in the timeline.
    if (target) target.scrollIntoView({ block: "start" });
    else (row || byId("timeline")).scrollIntoView({ block: "center" });
  }
}

// ---- start ----

function resize() {
  forgetWidth();
  const w = chartWidth();
  for (const c of charts) c.setSize({ width: w, height: c.height });
  placeOverlays();
  if (diagramReady()) renderDiagram();
}

try {
  noteZoom(0, END / 1e6);
  byId("zoom-reset").addEventListener("click", () => {
    zoomAll(0, END);
    redrawAll();
  });
  renderChecks();
  if (D.performance) renderPerformance(byId("perf-tables"), D.performance);
  renderOverview();
  renderMoments();
  renderLanes();
  // The diagram is drawn when its section comes near the viewport (or a finding jumps to it).
  drawWhenSeen(byId("messages"), () => {
    ensureDiagram();
    renderDiagram();
  });
  let resizeFrame = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(resize);
  });
  document.body.setAttribute("data-ready", "1");
} catch (e) {
  console.error(e);
  document.body.setAttribute("data-ready", "error");
}

// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The report page: the space-time (Lamport) diagram of the messages of a window, actors as columns and time going
 * down, drawn as SVG from the page's compact message columns.
 */
import { byId, h, lowerBound, niceStep, sec, strong, svg } from "./dom.js";
import { D, END, selected } from "./state.js";
// ---- the space-time diagram ----

const MAX_ARROWS = 4000;
/** The decoded messages, once the diagram is first needed (decoding a big run's takes a moment). */
let M = /** @type {ReturnType<typeof decodeMessages>} */ (null);
let ready = false;

/** Decodes the messages and builds the controls, the first time the diagram is needed (idempotent). */
export function ensureDiagram() {
  if (ready) return;
  ready = true;
  M = decodeMessages();
  renderDiagramControls();
}

/** Whether the diagram has been built (a resize redraws it then). */
export function diagramReady() {
  return ready;
}
export const diagram = {
  start: 0,
  len: 100_000,
  /** @type {Set<string>} */ hiddenActors: new Set(),
  /** @type {Set<string>} */ hiddenTypes: new Set(),
  /** @type {{ actors: Set<string>, tp: string | undefined } | null} */ highlight: null,
  /** @type {HTMLInputElement | null} */ startInput: null,
};

function decodeMessages() {
  const m = D.messages;
  if (!m) return null;
  const n = m.t.length;
  const send = new Float64Array(n);
  const end = new Float64Array(n);
  const from = new Uint16Array(n);
  const to = new Uint16Array(n);
  const type = new Uint16Array(n);
  const fate = new Uint8Array(n);
  const A = m.actors.length;
  const T = m.types.length;
  let acc = 0;
  let maxLat = 0;
  for (let i = 0; i < n; i++) {
    acc += m.t[i];
    send[i] = acc;
    end[i] = m.d[i] < 0 ? -1 : acc + m.d[i];
    if (m.d[i] > maxLat) maxLat = m.d[i];
    let k = m.k[i];
    fate[i] = k % 3;
    k = Math.floor(k / 3);
    type[i] = k % T;
    k = Math.floor(k / T);
    to[i] = k % A;
    from[i] = Math.floor(k / A);
  }
  return { n, send, end, from, to, type, fate, maxLat: Math.min(maxLat, 5_000_000), tp: m.p };
}

/** Actors in the diagram's order: brokers, controllers, then clients, each by name. @param {string[]} names */
function actorOrder(names) {
  const rank = (/** @type {string} */ a) => (a.startsWith("broker-") ? 0 : a.startsWith("controller-") ? 1 : 2);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, undefined, { numeric: true }));
}

/** @param {number} t µs */
function covered(t) {
  return !!D.messages && D.messages.windows.some(([a, b]) => t >= a && t <= b);
}

function renderDiagramControls() {
  const box = byId("diagram-controls");
  if (!M || !D.messages) {
    byId("diagram-note").textContent = "This report was written without message data.";
    return;
  }
  const md = D.messages;
  // Default window: around the first finding, else the first fault, else the start; sized for a few hundred arrows.
  const spanUs = md.windows.reduce((s, [a, b]) => s + (b - a), 0) || END;
  const density = md.kept / Math.max(1, spanUs);
  const lens = [5_000, 20_000, 50_000, 100_000, 250_000, 1_000_000, 5_000_000, 20_000_000];
  diagram.len = lens.find((l) => l * density >= 120) || lens[lens.length - 1];
  const first = D.findings.find((f) => !f.atEnd) || null;
  const fault = D.faults[0];
  const at = first ? first.t : fault ? fault.from : END / 2;
  diagram.start = Math.max(0, at - diagram.len / 3);
  if (!covered(diagram.start) && md.windows.length) diagram.start = md.windows[0][0];

  const startInput = /** @type {HTMLInputElement} */ (h("input", { type: "number", step: "0.001", min: "0", "data-control": "start" }));
  startInput.value = (diagram.start / 1e6).toFixed(3);
  startInput.addEventListener("change", () => {
    diagram.start = Math.max(0, Math.round(Number(startInput.value) * 1e6) || 0);
    renderDiagram();
  });
  const lenSelect = /** @type {HTMLSelectElement} */ (h("select", { "data-control": "length" }));
  for (const l of lens) lenSelect.append(h("option", { value: String(l), selected: l === diagram.len }, l >= 1e6 ? `${l / 1e6}s` : `${l / 1000}ms`));
  lenSelect.addEventListener("change", () => {
    diagram.len = Number(lenSelect.value);
    renderDiagram();
  });
  const step = (/** @type {number} */ dir) => () => {
    diagram.start = Math.max(0, diagram.start + (dir * diagram.len) / 2);
    renderDiagram();
  };
  box.append(
    h("label", null, "from (s) ", startInput),
    h("label", null, "window ", lenSelect),
    h("button", { on: { click: step(-1) }, "data-control": "earlier" }, "◀ earlier"),
    h("button", { on: { click: step(1) }, "data-control": "later" }, "later ▶"),
  );
  const actorBox = h("div", { class: "filters" }, h("span", null, "actors:"));
  for (const a of actorOrder(md.actors)) {
    const c = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", checked: true, "data-actor": a }));
    c.checked = true;
    c.addEventListener("change", () => {
      if (c.checked) diagram.hiddenActors.delete(a);
      else diagram.hiddenActors.add(a);
      renderDiagram();
    });
    actorBox.append(h("label", null, c, ` ${a}`));
  }
  const typeBox = h("div", { class: "filters" }, h("span", null, "messages:"));
  md.types.forEach((tname) => {
    const c = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", checked: true, "data-type": tname }));
    c.checked = true;
    c.addEventListener("change", () => {
      if (c.checked) diagram.hiddenTypes.delete(tname);
      else diagram.hiddenTypes.add(tname);
      renderDiagram();
    });
    const swatch = h("span", { text: "■ " });
    swatch.style.color = strong(tname);
    typeBox.append(h("label", null, c, " ", swatch, tname));
  });
  box.after(actorBox, typeBox);
  diagram.startInput = startInput;
}

/** Draws the window [start, start + len] as a space-time diagram: actors as columns, time downwards. */
export function renderDiagram() {
  const wrap = byId("diagram-wrap");
  const note = byId("diagram-note");
  if (!M || !D.messages) return;
  const md = D.messages;
  const w0 = diagram.start;
  const w1 = diagram.start + diagram.len;
  if (diagram.startInput) diagram.startInput.value = (w0 / 1e6).toFixed(3);
  const shown = actorOrder(md.actors).filter((a) => !diagram.hiddenActors.has(a));
  const col = new Map(shown.map((a, i) => [md.actors.indexOf(a), i]));
  const hiddenType = new Set([...diagram.hiddenTypes].map((t) => md.types.indexOf(t)));
  const width = Math.max(640, wrap.clientWidth - 4);
  const left = 70;
  const top = 30;
  const H = 760;
  const colW = (width - left - 10) / Math.max(1, shown.length);
  const x = (/** @type {number} */ c) => left + colW * (c + 0.5);
  const y = (/** @type {number} */ t) => top + ((t - w0) / (w1 - w0)) * H;
  const root = svg("svg", { class: "lamport", width, height: top + H + 16, "data-from-us": w0, "data-to-us": w1 });
  const defs = svg("defs");
  for (const [id, color] of [["arrow", "#555"], ["arrow-hl", "#c62828"]]) {
    const mk = svg("marker", { id, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    mk.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: color }));
    defs.append(mk);
  }
  root.append(defs);
  // time ticks
  const tick = niceStep(diagram.len / 10);
  for (let t = Math.ceil(w0 / tick) * tick; t <= w1; t += tick) {
    root.append(svg("line", { x1: left - 6, x2: width - 6, y1: y(t), y2: y(t), stroke: "#eef0f2" }));
    const label = svg("text", { x: 4, y: y(t) + 4 });
    label.textContent = `${(t / 1e6).toFixed(tick < 1000 ? 4 : 3)}s`;
    root.append(label);
  }
  shown.forEach((a, i) => {
    const label = svg("text", { x: x(i), y: 16, "text-anchor": "middle" });
    label.textContent = a;
    root.append(label, svg("line", { class: "actor", x1: x(i), x2: x(i), y1: top, y2: top + H }));
  });
  // faults on the actors' lines
  for (const f of D.faults) {
    const a = Math.max(w0, f.from);
    const b = Math.min(w1, f.to === null ? END : f.to);
    if (b <= a) continue;
    const cls = f.kind === "pause" ? "paused" : f.kind === "crash" || f.kind === "shutdown" ? "down" : "cut";
    for (const name of f.actors) {
      const c = shown.indexOf(name);
      if (c < 0) continue;
      const seg = svg("line", { class: cls, x1: x(c), x2: x(c), y1: y(a), y2: y(b) });
      const title = svg("title");
      title.textContent = f.label;
      seg.append(title);
      root.append(seg);
    }
  }
  // messages
  const hl = diagram.highlight;
  let drawn = 0;
  let over = 0;
  const lo = lowerBound(M.send, w0 - M.maxLat);
  const hi = lowerBound(M.send, w1);
  for (let i = lo; i < hi; i++) {
    const cf = col.get(M.from[i]);
    const ct = col.get(M.to[i]);
    if (cf === undefined || ct === undefined || hiddenType.has(M.type[i])) continue;
    const s = M.send[i];
    const e = M.end[i];
    if (e >= 0 && e < w0) continue;
    if (e < 0 && s < w0) continue;
    if (drawn >= MAX_ARROWS) {
      over++;
      continue;
    }
    drawn++;
    const from = md.actors[M.from[i]];
    const to = md.actors[M.to[i]];
    const tname = md.types[M.type[i]];
    const tp = M.tp[i] ? md.tps[M.tp[i] - 1] : undefined;
    const fate = M.fate[i];
    let x1 = x(cf);
    let y1 = y(s);
    let x2 = fate === 2 ? (x(cf) + x(ct)) / 2 : x(ct);
    let y2 = e < 0 ? top + H : y(e);
    // clip to the window
    const clip = (/** @type {number} */ yy) => (y2 === y1 ? 0 : (yy - y1) / (y2 - y1));
    if (y1 < top) {
      const k = clip(top);
      x1 = x1 + (x2 - x1) * k;
      y1 = top;
    }
    if (y2 > top + H) {
      const k = clip(top + H);
      x2 = x1 + (x2 - x1) * k;
      y2 = top + H;
    }
    const lit = hl !== null && (hl.tp && tp ? tp === hl.tp : hl.actors.has(from) || hl.actors.has(to));
    const line = svg("line", {
      class: `msg${fate === 2 ? " dropped" : ""}${e < 0 ? " unanswered" : ""}${hl ? (lit ? " hl" : " dim") : ""}`,
      x1,
      y1,
      x2,
      y2,
      stroke: fate === 2 ? "#c62828" : lit ? "#c62828" : strong(tname),
      "marker-end": fate === 2 || e < 0 ? "" : lit ? "url(#arrow-hl)" : "url(#arrow)",
      "data-type": tname,
    });
    const title = svg("title");
    title.textContent = `${tname}${tp ? ` (${tp})` : ""} ${from} -> ${to}: sent ${sec(s)}, ${fate === 1 ? `delivered ${sec(e)} (${((e - s) / 1000).toFixed(2)}ms)` : fate === 2 ? `dropped ${sec(e)}` : "never arrived"}`;
    line.append(title);
    root.append(line);
    if (fate === 2 && y2 < top + H) {
      const mark = svg("text", { x: x2 - 4, y: y2 + 4, fill: "#c62828" });
      mark.textContent = "×";
      root.append(mark);
    }
  }
  // moments on the actors' lines
  let dots = 0;
  for (const m of D.moments) {
    if (m.t < w0 || m.t > w1) continue;
    const c = m.a.map((a) => shown.indexOf(a)).find((k) => k >= 0);
    if (c === undefined) continue;
    const dot = svg("circle", { class: "moment", cx: x(c), cy: y(m.t), r: m.k === "finding" ? 6 : 4.5, fill: m.k === "finding" ? "#c62828" : m.k === "fault" ? "#e53935" : m.k === "heal" ? "#2e7d32" : "#00838f", "data-kind": m.k });
    const title = svg("title");
    title.textContent = `${sec(m.t)} ${m.x}`;
    dot.append(title);
    root.append(dot);
    dots++;
  }
  if (selected.t !== null && selected.t >= w0 && selected.t <= w1) root.append(svg("line", { class: "selected-time", x1: left - 6, x2: width - 6, y1: y(selected.t), y2: y(selected.t) }));
  root.setAttribute("data-arrows", String(drawn));
  root.setAttribute("data-moments", String(dots));
  // Its text alternative: what it holds, and the note under the controls says the rest.
  root.setAttribute("role", "img");
  root.setAttribute("aria-label", `Space-time diagram: ${drawn} message(s) between ${shown.length} actors from ${sec(w0)} to ${sec(w1)}, ${dots} moment(s) marked`);
  root.setAttribute("aria-describedby", "diagram-note");
  wrap.replaceChildren(root);
  const inside = md.windows.some(([a, b]) => w0 >= a && w1 <= b);
  note.replaceChildren(
    `${drawn} message(s) drawn in ${sec(w0)} – ${sec(w1)}${over ? `; ${over} more not drawn (narrow the window or hide actors or message types)` : ""}. ` +
      `Arrows go from sender to receiver at their send and delivery times; dashed red: dropped; no head: never arrived. ` +
      (md.kept < md.total ? `This page keeps ${md.kept} of the run's ${md.total} messages, around its notable moments` : `This page keeps all ${md.total} messages of the run`),
  );
  if (!inside) {
    note.append(h("div", { class: "note" }, "No message data for part of this window. Windows kept: "));
    for (const [a, b] of md.windows.slice(0, 40))
      note.append(
        h(
          "button",
          {
            on: {
              click: () => {
                diagram.start = a;
                renderDiagram();
              },
            },
          },
          `${sec(a)}–${sec(b)}`,
        ),
        " ",
      );
  }
}

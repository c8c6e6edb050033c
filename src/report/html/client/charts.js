// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The report page: charts on one time axis, with uPlot. Zooming one zooms all, the cursor moves on all, fault
 * bands shade every chart, and lanes draw their charts when they come near the viewport.
 */
import { charts, D, END, END_S, selected, shared, uPlot } from "./state.js";
import { floorIndex } from "./dom.js";
/** @typedef {import("./state.js").Steps} Steps */
let syncing = false;
const syncKey = uPlot.sync("kafkasim");

let widthCache = 0;
/** The page's width changed: charts measure it again. */
export function forgetWidth() {
  widthCache = 0;
}
/** The width of every chart (read once per layout: reading it forces a layout). */
export function chartWidth() {
  if (widthCache === 0) {
    const main = document.querySelector("main");
    // Down to a phone's width (390 px): the page must not scroll sideways.
    widthCache = Math.max(240, (main ? main.clientWidth : 1000) - 70);
  }
  return widthCache;
}

/** Axis labels in seconds. */
export const secAxis = (/** @type {any} */ _u, /** @type {number[]} */ splits) => splits.map((v) => (v == null ? "" : `${+v.toFixed(3)}s`));

/** Fault shading behind every chart's series. @param {any} u */
function drawFaultShade(u) {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  for (const f of D.faults) {
    const x0 = Math.max(left, u.valToPos(f.from / 1e6, "x", true));
    const x1 = Math.min(left + width, u.valToPos((f.to === null ? END : f.to) / 1e6, "x", true));
    if (x1 <= x0) continue;
    ctx.fillStyle = f.kind === "pause" ? "rgba(255,183,77,.12)" : f.kind === "partition" ? "rgba(149,117,205,.08)" : f.kind === "slow-link" ? "rgba(253,216,53,.12)" : f.kind === "hold" ? "rgba(77,182,172,.12)" : "rgba(229,115,115,.08)";
    ctx.fillRect(x0, top, x1 - x0, height);
  }
  ctx.restore();
}

/** The selected moment over every chart, and on the overview a line per finding. @param {any} u */
function drawMarks(u) {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.lineWidth = 1;
  ctx.strokeStyle = "rgba(198,40,40,.35)";
  for (const f of u === shared.overview ? D.findings : []) {
    const x = u.valToPos(f.t / 1e6, "x", true);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
  }
  if (selected.t !== null) {
    const x = u.valToPos(selected.t / 1e6, "x", true);
    ctx.strokeStyle = "#c62828";
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * A uPlot chart on the shared time axis: zooming one zooms all, the cursor moves on all, and the legend reads the
 * step value in force at the cursor (not the nearest point).
 * @param {HTMLElement} container @param {any} opts @param {any[]} data
 */
export function makeChart(container, opts, data) {
  const xs = data[0];
  const hooks = opts.hooks || {};
  const o = {
    width: chartWidth(),
    height: opts.height,
    scales: { x: { time: false, range: (/** @type {any} */ _u, /** @type {number} */ min, /** @type {number} */ max) => [min, max] }, ...(opts.scales || {}) },
    axes: opts.axes,
    series: [{ label: "time", value: (/** @type {any} */ _u, /** @type {number} */ v) => (v == null ? "-" : `${v.toFixed(3)}s`) }, ...opts.series],
    legend: opts.legend || { show: true },
    cursor: {
      sync: { key: syncKey.key, setSeries: false, scales: ["x", null] },
      dataIdx: (/** @type {any} */ _u, /** @type {number} */ _s, /** @type {number} */ idx, /** @type {number} */ x) => {
        const i = floorIndex(xs, x);
        return i < 0 ? idx : i;
      },
      points: { show: false },
      drag: { x: true, y: false, setScale: true },
    },
    hooks: {
      ...hooks,
      drawClear: [drawFaultShade, ...(hooks.drawClear || [])],
      draw: [...(hooks.draw || []), drawMarks],
      setScale: [
        (/** @type {any} */ u, /** @type {string} */ key) => {
          if (key === "x") noteZoom(u.scales.x.min, u.scales.x.max);
          if (key !== "x" || syncing) return;
          const { min, max } = u.scales.x;
          syncing = true;
          for (const c of charts) if (c !== u) c.setScale("x", { min, max });
          syncing = false;
        },
      ],
    },
  };
  const u = new uPlot(o, data, container);
  charts.push(u);
  const ref = charts.find((c) => c !== u);
  if (ref && (ref.scales.x.min !== 0 || ref.scales.x.max !== END_S)) {
    syncing = true;
    u.setScale("x", { min: ref.scales.x.min, max: ref.scales.x.max });
    syncing = false;
  }
  return u;
}

/**
 * Aligns series on one time axis (uPlot's data shape): step series carry their value forward, point series have
 * values only at their own times. Adds the run's start and end so every chart spans the whole run.
 * @param {{ t: number[], v: (number | null)[], step: boolean }[]} list
 */
export function align(list) {
  const set = new Set([0, END]);
  for (const s of list) for (const t of s.t) set.add(t);
  const ts = [...set].sort((a, b) => a - b);
  const out = [ts.map((t) => t / 1e6)];
  for (const s of list) {
    const ys = new Array(ts.length).fill(null);
    let j = 0;
    let cur = null;
    for (let i = 0; i < ts.length; i++) {
      let hit = false;
      while (j < s.t.length && s.t[j] <= ts[i]) {
        cur = s.v[j];
        hit = s.t[j] === ts[i];
        j++;
      }
      ys[i] = s.step ? cur : hit ? cur : null;
    }
    out.push(ys);
  }
  return out;
}

export const ROW_H = 24;
/** A page opened narrower than this (a phone) gets narrower axes, so its charts keep room to plot. */
const NARROW = window.innerWidth < 600;
/** Every chart's left axis is this wide, and its right margin this wide, so all time axes line up. */
const LEFT_AXIS = NARROW ? 84 : 130;
const RIGHT_AXIS = NARROW ? 28 : 64;
/** Row labels longer than this are cut (with …) to fit the left axis. */
const LABEL_CHARS = NARROW ? 11 : 18;

/** The last value of a series that is not null, as text ("-" if none). @param {any[]} vs */
function lastValue(vs) {
  for (let i = vs.length - 1; i >= 0; i--) if (vs[i] !== null && vs[i] !== undefined) return String(vs[i]);
  return "-";
}

/**
 * A chart's text alternative: what it draws, over time, and where each series ends (with how often a state row
 * changed, or a number series' maximum), for someone who cannot see the canvas.
 * @param {string} subject @param {{ label: string, end: string, more: string }[]} rows
 * @param {string} [lastIs] what the last values are (a point series' last point is not the run's end)
 */
function chartAlt(subject, rows, lastIs = "at the end") {
  return `${subject}: ${rows.map((r) => r.label).join(", ")} over time; ${lastIs}: ${rows.map((r) => `${r.label} ${r.end}${r.more}`).join("; ")}`;
}

/** Gives a chart's canvas its text alternative. @param {any} u @param {string} alt */
function giveAlt(u, alt) {
  const canvas = u.ctx.canvas;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", alt);
}

/**
 * Rows of discrete states over time (a leader, an ISR, a group state, a member's partitions), drawn as labelled
 * segments on a uPlot chart; the legend reads each row's state at the cursor. `subject` names what the rows are of
 * (a partition, a group, a producer) for the chart's text alternative; `alt` replaces that text when given.
 * @param {HTMLElement} container
 * @param {{ label: string, steps: Steps, color: (v: string) => string }[]} rows
 * @param {string} subject @param {string} [alt]
 */
export function stateChart(container, rows, subject, alt) {
  const n = rows.length;
  const valueLists = rows.map((r) => [...new Set(r.steps.v)]);
  const data = align(rows.map((r, i) => ({ t: r.steps.t, v: r.steps.v.map((v) => valueLists[i].indexOf(v)), step: true })));
  /** @param {any} u */
  const drawRows = (u) => {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    rows.forEach((r, i) => {
      const y0 = u.valToPos(n - i, "y", true);
      const y1 = u.valToPos(n - i - 1, "y", true);
      for (let k = 0; k < r.steps.t.length; k++) {
        const x0 = u.valToPos(r.steps.t[k] / 1e6, "x", true);
        const x1 = u.valToPos((k + 1 < r.steps.t.length ? r.steps.t[k + 1] : END) / 1e6, "x", true);
        if (x1 < left || x0 > left + width) continue;
        const v = String(r.steps.v[k]);
        ctx.fillStyle = r.color(v);
        ctx.fillRect(x0, y0 + 2 * devicePixelRatio, Math.max(1, x1 - x0), y1 - y0 - 4 * devicePixelRatio);
        const w = ctx.measureText(v).width;
        const from = Math.max(x0, left);
        if (Math.min(x1, left + width) - from > w + 6 * devicePixelRatio) {
          ctx.fillStyle = "#1d232b";
          ctx.fillText(v, from + 3 * devicePixelRatio, (y0 + y1) / 2);
        }
      }
    });
    ctx.restore();
  };
  const u = makeChart(
    container,
    {
      height: n * ROW_H + 58,
      padding: [6, RIGHT_AXIS, 0, 0],
      scales: { y: { range: [0, n] } },
      axes: [
        { values: secAxis },
        {
          splits: () => rows.map((_, i) => n - i - 0.5),
          values: () => rows.map((r) => (r.label.length > LABEL_CHARS ? `${r.label.slice(0, LABEL_CHARS - 1)}…` : r.label)),
          size: LEFT_AXIS,
          grid: { show: false },
          ticks: { show: false },
        },
      ],
      series: rows.map((r, i) => ({
        label: r.label,
        stroke: "transparent",
        paths: () => null,
        points: { show: false },
        value: (/** @type {any} */ _u, /** @type {number | null} */ v) => (v == null ? "-" : valueLists[i][v]),
      })),
      hooks: { draw: [drawRows] },
    },
    data,
  );
  giveAlt(u, alt ?? chartAlt(subject, rows.map((r) => ({ label: r.label, end: lastValue(r.steps.v), more: r.steps.v.length > 1 ? ` (${r.steps.v.length - 1} change(s))` : "" }))));
  return u;
}

/**
 * Numeric series (offsets, lag, latency) on the shared time axis; `opts.subject` names what they are of, for the
 * chart's text alternative.
 * @param {HTMLElement} container
 * @param {{ label: string, t: number[], v: (number|null)[], step?: boolean, color: string, dash?: number[], points?: boolean }[]} list
 * @param {{ y: string, subject: string, log?: boolean, fromZero?: boolean, height?: number, draw?: (u: any) => void }} opts
 */
export function numberChart(container, list, opts) {
  const data = align(list.map((s) => ({ t: s.t, v: s.v, step: !!s.step })));
  // uPlot adds an axis label's size to the axis size: the two together match the state charts' axes.
  const axes = [{ values: secAxis }, { label: opts.y, size: LEFT_AXIS - 20, labelSize: 20 }];
  const scales = /** @type {any} */ ({
    y: opts.log
      ? { distr: 3, log: 10, range: (/** @type {any} */ _u, /** @type {number} */ min, /** @type {number} */ max) => [Math.max(0.1, min / 1.5), Math.max(1, max * 1.5)] }
      : opts.fromZero === false
        ? { range: (/** @type {any} */ _u, /** @type {number} */ min, /** @type {number} */ max) => (max > min ? [min - (max - min) * 0.05, max + (max - min) * 0.05] : [min - 1, max + 1]) }
        : { range: (/** @type {any} */ _u, /** @type {number} */ min, /** @type {number} */ max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] },
  });
  const u = makeChart(
    container,
    {
      height: opts.height || 190,
      padding: [10, RIGHT_AXIS, 0, 0],
      scales,
      axes,
      series: list.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        dash: s.dash,
        spanGaps: false,
        paths: s.points ? () => null : s.step ? uPlot.paths.stepped({ align: 1 }) : undefined,
        points: s.points ? { show: true, size: 5, fill: s.color, stroke: s.color } : { show: false },
      })),
      hooks: opts.draw ? { draw: [opts.draw] } : {},
    },
    data,
  );
  const maxOf = (/** @type {(number|null)[]} */ vs) => vs.reduce((m, v) => (v !== null && (m === null || v > m) ? v : m), /** @type {number|null} */ (null));
  giveAlt(u, chartAlt(opts.subject, list.map((s) => ({ label: s.label, end: lastValue(s.v), more: s.v.length > 1 ? ` (max ${maxOf(s.v) ?? "-"})` : "" })), "last values"));
  return u;
}

/** Charts are drawn when their lane comes near the viewport (a run may have many lanes). */
const lazy = new IntersectionObserver(
  (entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      lazy.unobserve(e.target);
      const draw = pending.get(e.target);
      pending.delete(e.target);
      if (draw) draw();
    }
  },
  { rootMargin: "800px 0px" },
);
/** @type {Map<Element, () => void>} */
const pending = new Map();
/** @param {HTMLElement} lane @param {() => void} draw */
export function drawWhenSeen(lane, draw) {
  pending.set(lane, () => {
    try {
      draw();
    } catch (e) {
      console.error(e);
    }
  });
  lazy.observe(lane);
}
/** Draws a lane now (a finding jumps to it). @param {Element} lane */
export function drawNow(lane) {
  const draw = pending.get(lane);
  if (!draw) return;
  pending.delete(lane);
  lazy.unobserve(lane);
  draw();
}

export function redrawAll() {
  for (const c of charts) c.redraw(false, false);
  shared.afterRedraw();
}

/** Zooms every chart to [fromUs, toUs]. @param {number} fromUs @param {number} toUs */
export function zoomAll(fromUs, toUs) {
  const min = Math.max(0, fromUs) / 1e6;
  const max = Math.min(END, toUs) / 1e6;
  syncing = true;
  for (const c of charts) c.setScale("x", { min, max });
  syncing = false;
  noteZoom(min, max);
}

/**
 * The bar's zoom note says which stretch the charts show, and its button (a keyboard's way back, besides a
 * double-click) is enabled while they show less than the whole run. @param {number} min @param {number} max seconds
 */
export function noteZoom(min, max) {
  const note = document.getElementById("zoom-note");
  const reset = /** @type {HTMLButtonElement | null} */ (document.getElementById("zoom-reset"));
  const whole = min <= 0 && max >= END_S;
  const text = whole ? ZOOM_HINT : `showing ${min.toFixed(3)}s to ${max.toFixed(3)}s of ${END_S.toFixed(3)}s`;
  if (note && note.textContent !== text) note.textContent = text;
  if (reset) reset.disabled = whole;
}
/** The zoom note while the charts show the whole run. */
const ZOOM_HINT = "the whole run: drag on a chart to zoom all";

// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The report page's script (plain JavaScript, inlined into every page after uPlot as a module script: tsc adds
 * `export {}` to its copy in dist/, which a module may hold). It reads the run's data from
 * the page's JSON block and draws the lanes with uPlot and the space-time diagram as SVG. Every string that comes
 * from the run (names, descriptions, client ids, keys, values) reaches the page through textContent or an SVG text
 * node, never as markup; the page's Content-Security-Policy lets nothing load and no other script run.
 * Times in the data are simulated µs; charts show seconds.
 */
(() => {
  "use strict";

  /** @typedef {import("./reportData.js").ReportData} ReportData */
  /** @typedef {{ t: number[], v: any[] }} Steps absolute times (µs) and values */

  /** @type {any} */
  const uPlot = /** @type {any} */ (window).uPlot;
  const dataBlock = document.getElementById("kafkasim-data");
  /** @type {ReportData} */
  const D = JSON.parse(dataBlock ? dataBlock.textContent || "{}" : "{}");
  const END = D.meta.durationUs;
  const END_S = END / 1e6;

  // ---- small helpers ----

  /** @param {string} id */
  const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /**
   * An element with text and safe attributes only (class, data-*, title, a few form attributes).
   * @param {string} tag
   * @param {Record<string, any> | null} [props]
   * @param {...(Node | string | null | undefined)} kids
   * @returns {HTMLElement}
   */
  function h(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = String(v);
      else if (k === "text") e.textContent = String(v);
      else if (k === "title") e.title = String(v);
      else if (k === "on") for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
      else if (k.startsWith("data-") || ["type", "value", "min", "max", "step", "checked", "selected", "start"].includes(k)) e.setAttribute(k, v === true ? "" : String(v));
      else throw new Error(`attribute ${k} is not allowed here`);
    }
    for (const c of kids) if (c !== null && c !== undefined) e.append(typeof c === "string" ? document.createTextNode(c) : c);
    return e;
  }

  /**
   * An SVG element; attribute values are set as attributes (never parsed as markup).
   * @param {string} tag
   * @param {Record<string, string | number>} [attrs]
   * @returns {SVGElement}
   */
  function svg(tag, attrs) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return /** @type {SVGElement} */ (e);
  }

  /** @param {number} us */
  const sec = (us) => `${(us / 1e6).toFixed(3)}s`;

  /** @param {number[]} d delta-coded */
  function undelta(d) {
    const out = new Array(d.length);
    let acc = 0;
    for (let i = 0; i < d.length; i++) out[i] = acc += d[i];
    return out;
  }

  /** @param {{ t: number[], v: any[] }} s delta-coded steps @returns {Steps} */
  const abs = (s) => ({ t: undelta(s.t), v: s.v });

  const PALETTE = ["#a6c8ec", "#ffc999", "#a8d8a0", "#f4a6a7", "#b4dcd9", "#f6e08f", "#d8b8d0", "#ffd0d5", "#d2b8a8", "#c9d1f2", "#e0e7a5", "#f0c3a6"];
  const LINE = ["#1f77b4", "#2ca02c", "#ff7f0e", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
  /** @param {string} s */
  function hashOf(s) {
    let x = 7;
    for (let i = 0; i < s.length; i++) x = (x * 31 + s.charCodeAt(i)) | 0;
    return Math.abs(x);
  }
  /** @param {string} s */
  const tint = (s) => PALETTE[hashOf(s) % PALETTE.length];
  /** @param {string} s */
  const strong = (s) => LINE[hashOf(s) % LINE.length];

  /** The largest index whose value is ≤ x (-1 if none). @param {ArrayLike<number>} xs @param {number} x */
  function floorIndex(xs, x) {
    let lo = 0;
    let hi = xs.length - 1;
    if (hi < 0 || xs[0] > x) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (xs[mid] <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The first index whose value is ≥ x. @param {ArrayLike<number>} xs @param {number} x @param {number} [n] */
  function lowerBound(xs, x, n = xs.length) {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // ---- shared chart state: one time axis for every chart ----

  /** @type {any[]} */
  const charts = [];
  let syncing = false;
  /** The selected moment: a time (µs) and, for a finding, its index. */
  const selected = { t: /** @type {number | null} */ (null), finding: /** @type {number | null} */ (null) };
  const syncKey = uPlot.sync("kafkasim");

  let widthCache = 0;
  /** The width of every chart (read once per layout: reading it forces a layout). */
  function chartWidth() {
    if (widthCache === 0) {
      const main = document.querySelector("main");
      widthCache = Math.max(480, (main ? main.clientWidth : 1000) - 70);
    }
    return widthCache;
  }

  /** Axis labels in seconds. */
  const secAxis = (/** @type {any} */ _u, /** @type {number[]} */ splits) => splits.map((v) => (v == null ? "" : `${+v.toFixed(3)}s`));

  /** Fault shading behind every chart's series. @param {any} u */
  function drawFaultShade(u) {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    for (const f of D.faults) {
      const x0 = Math.max(left, u.valToPos(f.from / 1e6, "x", true));
      const x1 = Math.min(left + width, u.valToPos((f.to === null ? END : f.to) / 1e6, "x", true));
      if (x1 <= x0) continue;
      ctx.fillStyle = f.kind === "pause" ? "rgba(255,183,77,.12)" : f.kind === "partition" ? "rgba(149,117,205,.08)" : f.kind === "slow-link" ? "rgba(253,216,53,.12)" : "rgba(229,115,115,.08)";
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
    for (const f of u === overview ? D.findings : []) {
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
  function makeChart(container, opts, data) {
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
  function align(list) {
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

  const ROW_H = 24;
  /** Every chart's left axis is this wide, and its right margin this wide, so all time axes line up. */
  const LEFT_AXIS = 130;
  const RIGHT_AXIS = 64;

  /**
   * Rows of discrete states over time (a leader, an ISR, a group state, a member's partitions), drawn as labelled
   * segments on a uPlot chart; the legend reads each row's state at the cursor.
   * @param {HTMLElement} container
   * @param {{ label: string, steps: Steps, color: (v: string) => string }[]} rows
   */
  function stateChart(container, rows) {
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
    return makeChart(
      container,
      {
        height: n * ROW_H + 58,
        padding: [6, RIGHT_AXIS, 0, 0],
        scales: { y: { range: [0, n] } },
        axes: [
          { values: secAxis },
          {
            splits: () => rows.map((_, i) => n - i - 0.5),
            values: () => rows.map((r) => (r.label.length > 18 ? `${r.label.slice(0, 17)}…` : r.label)),
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
  }

  /**
   * Numeric series (offsets, lag, latency) on the shared time axis.
   * @param {HTMLElement} container
   * @param {{ label: string, t: number[], v: (number|null)[], step?: boolean, color: string, dash?: number[], points?: boolean }[]} list
   * @param {{ y: string, log?: boolean, fromZero?: boolean, height?: number, draw?: (u: any) => void }} opts
   */
  function numberChart(container, list, opts) {
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
    return makeChart(
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
  function drawWhenSeen(lane, draw) {
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
  function drawNow(lane) {
    const draw = pending.get(lane);
    if (!draw) return;
    pending.delete(lane);
    lazy.unobserve(lane);
    draw();
  }

  function redrawAll() {
    for (const c of charts) c.redraw(false, false);
    placeOverlays();
  }

  /** Zooms every chart to [fromUs, toUs]. @param {number} fromUs @param {number} toUs */
  function zoomAll(fromUs, toUs) {
    const min = Math.max(0, fromUs) / 1e6;
    const max = Math.min(END, toUs) / 1e6;
    syncing = true;
    for (const c of charts) c.setScale("x", { min, max });
    syncing = false;
  }

  // ---- colours of states ----

  /** @param {string} v `broker-2 e3` */
  const leaderColor = (v) => (v.startsWith("none") ? "#f28b82" : tint(v.split(" ")[0]));
  /** @param {number} full @returns {(v: string) => string} */
  const isrColor = (full) => (v) => {
    const size = v === "" ? 0 : v.split(",").length;
    return size === 0 ? "#f28b82" : size >= full ? "#b7e1b1" : size === full - 1 ? "#ffe08a" : "#ffb38a";
  };
  /** @param {string} v */
  const groupStateColor = (v) =>
    v.startsWith("Stable") ? "#b7e1b1" : v.startsWith("Preparing") ? "#ffb38a" : v.startsWith("Completing") || v.startsWith("Reconciling") ? "#ffe08a" : "#d6d9dc";
  /** @param {string} v */
  const ownedColor = (v) => (v === "-" ? "#eceff1" : v === "(down)" ? "#f28b82" : tint(v));

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
  /** @type {any} */
  let overview = null;

  function renderOverview() {
    const container = byId("faults-chart");
    /** @type {string[]} */
    const rowKeys = [];
    const rowOf = (/** @type {string} */ key) => {
      let i = rowKeys.indexOf(key);
      if (i < 0) i = rowKeys.push(key) - 1;
      return i;
    };
    const bands = D.faults.map((f) => ({ f, row: rowOf(f.kind === "partition" || f.kind === "slow-link" ? f.label : f.actors[0] || f.label) }));
    const findingRow = D.findings.length > 0 ? rowOf("findings") : -1;
    if (rowKeys.length === 0) {
      container.append(h("p", { class: "note" }, "No fault was injected and no check found anything."));
      return;
    }
    const rows = rowKeys.map((k) => ({ label: k, steps: { t: [], v: [] }, color: () => "#fff" }));
    overview = stateChart(container, rows);
    const over = overview.over;
    for (const { f, row } of bands) {
      const el = h("div", { class: `fault-band ${f.kind}`, "data-kind": f.kind, title: `${f.label}: ${sec(f.from)} to ${f.to === null ? "the end" : sec(f.to)}` });
      over.append(el);
      bandEls.push({ el, from: f.from, to: f.to === null ? END : f.to, row });
    }
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
    const u = overview;
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
  const KIND_LABEL = /** @type {Record<string, string>} */ ({ fault: "FAULT", heal: "HEAL", controller: "CONTROLLER", leader: "LEADER", unclean: "UNCLEAN", isr: "ISR", truncate: "TRUNCATE", producer: "PRODUCER", fenced: "FENCED", coordinator: "COORDINATOR", rebalance: "REBALANCE", member: "MEMBER", txn: "TXN", finding: "FINDING" });

  function renderMoments() {
    const table = byId("moments");
    const filters = byId("moment-filters");
    const kinds = [...new Set(D.moments.map((m) => m.k))];
    const hidden = new Set();
    let hideInternal = true;
    const apply = () => {
      for (const [i, row] of momentRows) {
        const m = D.moments[i];
        row.style.display = hidden.has(m.k) || (hideInternal && m.i) ? "none" : "";
      }
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
    const body = h("tbody");
    D.moments.forEach((m, i) => {
      const row = h("tr", { "data-moment": i, on: { click: () => (m.f !== undefined ? selectFinding(m.f, false) : selectTime(m.t, m.tp, m.a)) } }, h("td", { class: "t", text: sec(m.t) }), h("td", { class: `k k-${m.k}`, text: KIND_LABEL[m.k] || m.k }), h("td", { text: m.x }));
      momentRows.set(i, row);
      body.append(row);
    });
    table.append(body);
    if (D.momentsLeftOut > 0) filters.append(h("span", { class: "note" }, `(${D.momentsLeftOut} later moments left out of this page)`));
    apply();
  }

  // ---- lanes ----

  /** @type {Map<string, HTMLElement>} */
  const partitionLaneEls = new Map();
  /** @type {Map<string, HTMLElement>} */
  const groupLaneEls = new Map();
  /** @type {Map<string, HTMLElement>} */
  const producerLaneEls = new Map();

  /** @param {ReportData["partitions"][number]} p */
  function partitionLane(p) {
    const leader = abs(p.leader);
    const isr = abs(p.isr);
    const leo = abs(p.leo);
    const hw = abs(p.hw);
    const lso = abs(p.lso);
    const last = (/** @type {Steps} */ s) => (s.v.length ? s.v[s.v.length - 1] : "-");
    const full = Math.max(1, ...isr.v.map((v) => (v === "" ? 0 : String(v).split(",").length)));
    const trunc = p.truncations.map((x) => `${x.broker} truncated ${x.from} -> ${x.to} at ${sec(x.t)}`);
    const lane = h(
      "div",
      { class: "lane", "data-lane": "partition", "data-tp": p.tp },
      h("h3", { text: p.tp }),
      h("div", { class: "lane-summary", text: `at the end: leader ${last(leader)}, ISR [${String(last(isr)).split(",").join(", ")}], high watermark ${last(hw)}, log end ${last(leo)}${leader.v.length > 1 ? `; ${leader.v.length - 1} leader change(s)` : ""}${trunc.length ? `; ${trunc.join("; ")}` : ""}` }),
    );
    const stateEl = h("div", { class: "chart" });
    const numEl = h("div", { class: "chart" });
    lane.append(stateEl, numEl);
    drawWhenSeen(lane, () => {
      stateChart(stateEl, [
        { label: "leader (epoch)", steps: leader, color: leaderColor },
        { label: "ISR", steps: isr, color: isrColor(full) },
      ]);
      /** @type {any[]} */
      const series = [
        { label: "log end offset", ...leo, step: true, color: "#1f77b4" },
        { label: "high watermark", ...hw, step: true, color: "#2ca02c" },
      ];
      const lsoDiffers = lso.v.some((v, i) => v !== hw.v[floorIndex(hw.t, lso.t[i])]);
      if (lsoDiffers) series.push({ label: "last stable offset", ...lso, step: true, color: "#ff7f0e", dash: [5, 4] });
      numberChart(numEl, series, {
        y: "offset",
        fromZero: false,
        draw: (u) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = ctx.fillStyle = "#c62828";
          ctx.lineWidth = 2 * devicePixelRatio;
          for (const x of p.truncations) {
            const px = u.valToPos(x.t / 1e6, "x", true);
            const y0 = u.valToPos(x.from, "y", true);
            const y1 = u.valToPos(x.to, "y", true);
            ctx.beginPath();
            ctx.moveTo(px, y0);
            ctx.lineTo(px, y1);
            ctx.stroke();
            ctx.beginPath();
            ctx.moveTo(px - 6 * devicePixelRatio, y0 - 9 * devicePixelRatio);
            ctx.lineTo(px + 6 * devicePixelRatio, y0 - 9 * devicePixelRatio);
            ctx.lineTo(px, y0);
            ctx.fill();
          }
          const f = selected.finding === null ? null : D.findings[selected.finding];
          if (f && f.tp === p.tp && f.offset !== undefined) {
            ctx.beginPath();
            ctx.arc(u.valToPos(f.t / 1e6, "x", true), u.valToPos(f.offset, "y", true), 8 * devicePixelRatio, 0, 2 * Math.PI);
            ctx.stroke();
          }
          ctx.restore();
        },
      });
    });
    partitionLaneEls.set(p.tp, lane);
    return lane;
  }

  function renderPartitions() {
    const box = byId("partition-lanes");
    const user = D.partitions.filter((p) => !p.internal);
    const internal = D.partitions.filter((p) => p.internal);
    for (const p of user) box.append(partitionLane(p));
    if (user.length === 0) box.append(h("p", { class: "note" }, "No topic in this run."));
    if (internal.length > 0) {
      const details = h("details", { "data-internal": "" }, h("summary", { text: `internal topics: ${internal.length} partition(s) with data (__consumer_offsets, __transaction_state)` }));
      for (const p of internal) details.append(partitionLane(p));
      box.append(details);
    }
  }

  /** @param {ReportData["groups"][number]} g */
  function groupLane(g) {
    const state = abs(g.state);
    const coordinator = abs(g.coordinator);
    const lagT = undelta(g.lagT);
    const lastLag = g.lag.map((l) => `${l.tp} ${l.v[l.v.length - 1] ?? "-"}`).join(", ");
    const stables = state.v.filter((v) => String(v).startsWith("Stable")).length;
    const lane = h(
      "div",
      { class: "lane", "data-lane": "group", "data-group": g.group },
      h("h3", { text: `group ${g.group}` }),
      h("div", { class: "lane-summary", text: `${g.protocol === "consumer" ? "KIP-848 consumer protocol" : g.protocol === "classic" ? "classic protocol" : "protocol unknown"}; ${stables} stable generation(s); coordinator ${coordinator.v.join(" -> ") || "-"}; lag at the end: ${lastLag || "-"}` }),
    );
    const stateEl = h("div", { class: "chart" });
    const lagEl = h("div", { class: "chart" });
    lane.append(stateEl, h("div", { class: "note", text: "lag: log end (high watermark) minus the group's position, the next offset it would process (or its committed offset before it processed anything)" }), lagEl);
    drawWhenSeen(lane, () => {
      stateChart(stateEl, [
        { label: g.protocol === "consumer" ? "state (group epoch)" : "state (generation)", steps: state, color: groupStateColor },
        { label: "coordinator", steps: coordinator, color: tint },
        ...g.members.map((m) => ({ label: m.client, steps: abs(m.owned), color: ownedColor })),
      ]);
      if (g.lag.length) numberChart(lagEl, g.lag.map((l) => ({ label: l.tp, t: lagT, v: l.v, color: strong(l.tp) })), { y: "lag (records)" });
    });
    groupLaneEls.set(g.group, lane);
    return lane;
  }

  /** @param {ReportData["producers"][number]} p */
  function producerLane(p) {
    const epoch = abs(p.epoch);
    const s = p.sends;
    const errors = Object.entries(p.errorNames).map(([k, v]) => `${k} ×${v}`).join(", ");
    const lane = h(
      "div",
      { class: "lane", "data-lane": "producer", "data-client": p.client },
      h("h3", { text: p.client }),
      h("div", { class: "lane-summary", text: `${s.invoked} sends: ${s.ok} acknowledged, ${s.fail} failed, ${s.info} unknown outcome, ${s.invoked - s.ok - s.fail - s.info} unanswered at the end; errors (retried or failed batches): ${errors || "none"}` }),
    );
    const stateEl = h("div", { class: "chart" });
    const latEl = h("div", { class: "chart" });
    const flightEl = h("div", { class: "chart" });
    lane.append(stateEl, latEl, flightEl);
    drawWhenSeen(lane, () => {
      stateChart(stateEl, [{ label: "producer id, epoch", steps: epoch, color: tint }]);
      const latT = undelta(p.latency.t);
      numberChart(
        latEl,
        [
          { label: "ack latency p50", t: latT, v: p.latency.p50, color: "#1f77b4" },
          { label: "ack latency max", t: latT, v: p.latency.max, color: "#9467bd" },
        ],
        { y: "ack latency (ms, log)", log: true, height: 170 },
      );
      /** @type {any[]} */
      const series = [];
      if (p.inFlight) series.push({ label: "produce requests in flight", ...abs(p.inFlight), step: true, color: "#7f7f7f" });
      const errs = abs(p.errors);
      if (errs.t.length) series.push({ label: "errors (retried or failed batches) per bucket", ...errs, points: true, color: "#d62728" });
      if (series.length) numberChart(flightEl, series, { y: "count", height: 150 });
    });
    producerLaneEls.set(p.client, lane);
    return lane;
  }

  function renderLanes() {
    renderPartitions();
    const groups = byId("group-lanes");
    for (const g of D.groups) groups.append(groupLane(g));
    if (D.groups.length === 0) groups.append(h("p", { class: "note" }, "No consumer group in this run."));
    const producers = byId("producer-lanes");
    for (const p of D.producers) producers.append(producerLane(p));
    if (D.producers.length === 0) producers.append(h("p", { class: "note" }, "No producer in this run."));
  }

  // ---- the space-time diagram ----

  const MAX_ARROWS = 4000;
  const M = decodeMessages();
  const diagram = {
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
  function renderDiagram() {
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

  /** @param {number} raw */
  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(1, raw))));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
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
    if (M) {
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
    if (scroll) (target || row || byId("timeline")).scrollIntoView({ block: "center" });
  }

  // ---- start ----

  function resize() {
    widthCache = 0;
    const w = chartWidth();
    for (const c of charts) c.setSize({ width: w, height: c.height });
    placeOverlays();
    if (M) renderDiagram();
  }

  try {
    renderChecks();
    renderOverview();
    renderMoments();
    renderLanes();
    renderDiagramControls();
    renderDiagram();
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
})();

// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** The report page: a lane per partition, consumer group and producer, each a few charts on the shared time axis. */
import { abs, floorIndex, h, sec, strong, tint, undelta, byId } from "./dom.js";
import { groupSummary, producerSummary } from "./summaries.js";
import { drawWhenSeen, numberChart, stateChart } from "./charts.js";
import { D, selected } from "./state.js";
/** @typedef {import("./state.js").Steps} Steps */
/** @typedef {import("./state.js").ReportData} ReportData */
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

// ---- lanes ----

/** @type {Map<string, HTMLElement>} */
export const partitionLaneEls = new Map();
/** @type {Map<string, HTMLElement>} */
export const groupLaneEls = new Map();
/** @type {Map<string, HTMLElement>} */
export const producerLaneEls = new Map();

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
    ], p.tp);
    /** @type {any[]} */
    const series = [
      { label: "log end offset", ...leo, step: true, color: "#1f77b4" },
      { label: "high watermark", ...hw, step: true, color: "#2ca02c" },
    ];
    const lsoDiffers = lso.v.some((v, i) => v !== hw.v[floorIndex(hw.t, lso.t[i])]);
    if (lsoDiffers) series.push({ label: "last stable offset", ...lso, step: true, color: "#ff7f0e", dash: [5, 4] });
    numberChart(numEl, series, {
      y: "offset",
      subject: p.tp,
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
  const lane = h(
    "div",
    { class: "lane", "data-lane": "group", "data-group": g.group },
    h("h3", { text: `group ${g.group}` }),
    h("div", { class: "lane-summary", text: groupSummary(g) }),
  );
  const stateEl = h("div", { class: "chart" });
  const lagEl = h("div", { class: "chart" });
  lane.append(stateEl, h("div", { class: "note", text: "lag: log end (high watermark) minus the group's position, the next offset it would process (or its committed offset before it processed anything)" }), lagEl);
  drawWhenSeen(lane, () => {
    stateChart(stateEl, [
      { label: g.protocol === "consumer" ? "state (group epoch)" : "state (generation)", steps: state, color: groupStateColor },
      { label: "coordinator", steps: coordinator, color: tint },
      ...g.members.map((m) => ({ label: m.client, steps: abs(m.owned), color: ownedColor })),
    ], `group ${g.group}`);
    if (g.lag.length) numberChart(lagEl, g.lag.map((l) => ({ label: l.tp, t: lagT, v: l.v, color: strong(l.tp) })), { y: "lag (records)", subject: `group ${g.group}'s lag per partition` });
  });
  groupLaneEls.set(g.group, lane);
  return lane;
}

/** @param {ReportData["producers"][number]} p */
function producerLane(p) {
  const epoch = abs(p.epoch);
  const lane = h(
    "div",
    { class: "lane", "data-lane": "producer", "data-client": p.client },
    h("h3", { text: p.client }),
    h("div", { class: "lane-summary", text: producerSummary(p) }),
  );
  const stateEl = h("div", { class: "chart" });
  const latEl = h("div", { class: "chart" });
  const flightEl = h("div", { class: "chart" });
  lane.append(stateEl, latEl, flightEl);
  drawWhenSeen(lane, () => {
    stateChart(stateEl, [{ label: "producer id, epoch", steps: epoch, color: tint }], p.client);
    const latT = undelta(p.latency.t);
    // A perf-test producer records no sends, so no latency per bucket (its figures are in Performance).
    if (!p.perfTest)
      numberChart(
        latEl,
        [
          { label: "ack latency p50", t: latT, v: p.latency.p50, color: "#1f77b4" },
          { label: "ack latency max", t: latT, v: p.latency.max, color: "#9467bd" },
        ],
        { y: "ack latency (ms, log)", log: true, height: 170, subject: `${p.client}'s acknowledgement latency per time bucket, in ms` },
      );
    /** @type {any[]} */
    const series = [];
    if (p.inFlight) series.push({ label: "produce requests in flight", ...abs(p.inFlight), step: true, color: "#7f7f7f" });
    const errs = abs(p.errors);
    if (errs.t.length) series.push({ label: "errors (retried or failed batches) per bucket", ...errs, points: true, color: "#d62728" });
    if (series.length) numberChart(flightEl, series, { y: "count", height: 150, subject: p.client });
  });
  producerLaneEls.set(p.client, lane);
  return lane;
}

export function renderLanes() {
  renderPartitions();
  const groups = byId("group-lanes");
  for (const g of D.groups) groups.append(groupLane(g));
  if (D.groups.length === 0) groups.append(h("p", { class: "note" }, "No consumer group in this run."));
  const producers = byId("producer-lanes");
  for (const p of D.producers) producers.append(producerLane(p));
  if (D.producers.length === 0) producers.append(h("p", { class: "note" }, "No producer in this run."));
}

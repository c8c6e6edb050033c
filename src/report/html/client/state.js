// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The report page's script, in parts (state, dom, charts, lanes, diagram, main) that the page inlines as one module
 * script after uPlot (see ../assets.ts, which joins them). Each part is type-checked with JSDoc. This part: the run's
 * data, read from the page's JSON block, and the little state the parts share. Times in the data are simulated µs;
 * charts show seconds. Every string from the run reaches the page through textContent or an SVG text node, never as
 * markup; the page's Content-Security-Policy lets nothing load and no other script run.
 */

/** @typedef {import("../reportData.js").ReportData} ReportData */
/** @typedef {{ t: number[], v: any[] }} Steps absolute times (µs) and values */

/** uPlot, inlined before this script. @type {any} */
export const uPlot = /** @type {any} */ (window).uPlot;
const dataBlock = document.getElementById("kafkasim-data");
/** @type {ReportData} */
export const D = JSON.parse(dataBlock ? dataBlock.textContent || "{}" : "{}");
/** The run's length in µs, and in seconds. */
export const END = D.meta.durationUs;
export const END_S = END / 1e6;

/** The selected moment: a time (µs) and, for a finding, its index. */
export const selected = { t: /** @type {number | null} */ (null), finding: /** @type {number | null} */ (null) };
/** Every uPlot chart drawn so far (they share one time axis). @type {any[]} */
export const charts = [];
/** The overview chart (faults and findings), and what to do after every chart redrew. */
export const shared = {
  /** @type {any} */ overview: null,
  /** @type {() => void} */ afterRedraw: () => {},
};

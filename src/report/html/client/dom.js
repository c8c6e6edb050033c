// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/** The report page: small DOM, time and colour helpers (see state.js). */
/** @typedef {import("./state.js").Steps} Steps */

/** @param {string} id */
export const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * An element with text and safe attributes only (class, data-*, title, a few form attributes).
 * @param {string} tag
 * @param {Record<string, any> | null} [props]
 * @param {...(Node | string | null | undefined)} kids
 * @returns {HTMLElement}
 */
export function h(tag, props, ...kids) {
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
export function svg(tag, attrs) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return /** @type {SVGElement} */ (e);
}

/** @param {number} us */
export const sec = (us) => `${(us / 1e6).toFixed(3)}s`;

/** @param {number[]} d delta-coded */
export function undelta(d) {
  const out = new Array(d.length);
  let acc = 0;
  for (let i = 0; i < d.length; i++) out[i] = acc += d[i];
  return out;
}

/** @param {{ t: number[], v: any[] }} s delta-coded steps @returns {Steps} */
export const abs = (s) => ({ t: undelta(s.t), v: s.v });

export const PALETTE = ["#a6c8ec", "#ffc999", "#a8d8a0", "#f4a6a7", "#b4dcd9", "#f6e08f", "#d8b8d0", "#ffd0d5", "#d2b8a8", "#c9d1f2", "#e0e7a5", "#f0c3a6"];
export const LINE = ["#1f77b4", "#2ca02c", "#ff7f0e", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
/** @param {string} s */
export function hashOf(s) {
  let x = 7;
  for (let i = 0; i < s.length; i++) x = (x * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(x);
}
/** @param {string} s */
export const tint = (s) => PALETTE[hashOf(s) % PALETTE.length];
/** @param {string} s */
export const strong = (s) => LINE[hashOf(s) % LINE.length];

/** The largest index whose value is ≤ x (-1 if none). @param {ArrayLike<number>} xs @param {number} x */
export function floorIndex(xs, x) {
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
export function lowerBound(xs, x, n = xs.length) {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** @param {number} raw */
export function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(Math.max(1, raw))));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

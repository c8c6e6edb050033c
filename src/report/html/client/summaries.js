// @ts-check
/**
 * The report page: the one-line summaries of lanes, as text. Pure functions of the run's data (no document), so the
 * unit tests read the same lines the page shows.
 */
/** @typedef {import("../reportData.js").ReportData} ReportData */

/**
 * A producer lane's line. A perf-test producer (kafka-producer-perf-test, `perfTest: true`) keeps counters instead
 * of a send history, so its line gives those counters, the same the Performance table and `--json` give.
 * @param {ReportData["producers"][number]} p
 * @returns {string}
 */
export function producerSummary(p) {
  const errors = Object.entries(p.errorNames).map(([k, v]) => `${k} ×${v}`).join(", ");
  const errorText = `errors (retried or failed batches): ${errors || "none"}`;
  if (p.perfTest) {
    const t = p.perfTest;
    const refused = t.refused > 0 ? `, ${t.refused} refused by send()` : "";
    return `perf-test producer (counters, no send history, so no acknowledgement latency chart here: see Performance): ${t.sent} records sent, ${t.acknowledged} acknowledged and ${t.failed} failed of those sent from its first acknowledgement on${refused}; ${errorText}`;
  }
  const s = p.sends;
  return `${s.invoked} sends: ${s.ok} acknowledged, ${s.fail} failed, ${s.info} unknown outcome, ${s.invoked - s.ok - s.fail - s.info} unanswered at the end; ${errorText}`;
}

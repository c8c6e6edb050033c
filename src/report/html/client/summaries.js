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

/**
 * A group lane's line: its protocol, how many times it became Stable (each a generation, or under KIP-848 a group
 * epoch: the state chart names them `Stable g3` / `Stable e3`), its coordinators and each partition's last lag.
 * @param {ReportData["groups"][number]} g
 * @returns {string}
 */
export function groupSummary(g) {
  const kip848 = g.protocol === "consumer";
  const protocol = kip848 ? "KIP-848 consumer protocol" : g.protocol === "classic" ? "classic protocol" : "protocol unknown";
  const stables = g.state.v.filter((v) => String(v).startsWith("Stable")).length;
  const lastLag = g.lag.map((l) => `${l.tp} ${l.v[l.v.length - 1] ?? "-"}`).join(", ");
  return `${protocol}; ${stables} stable ${kip848 ? "group epoch(s)" : "generation(s)"}; coordinator ${g.coordinator.v.join(" -> ") || "-"}; lag at the end: ${lastLag || "-"}`;
}

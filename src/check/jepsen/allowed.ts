/**
 * kafka.clj `allowed-error-types` ("a *very* ad-hoc attempt" to make valid/invalid meaningful for Kafka): the
 * anomaly keys a test tolerates.
 * - always: `int-send-skip` (a transaction's writes interleave with others all the time) and G0 with its
 *   process/realtime variants and the cycle-exists cases that stand for them (writes are never isolated in Kafka);
 * - with subscribe: `poll-skip` and `nonmonotonic-poll`, because a rebalance can move a consumer between polls;
 * - with ww-deps: G1c and its variants, since without write isolation t0 <ww t1 <wr t0 is expected.
 */
export function allowedAnomalyTypes(test: { subscribe: boolean; wwDeps: boolean }): Set<string> {
  const out = new Set(["int-send-skip", "G0", "G0-process", "G0-realtime", "PL-1-cycle-exists", "strong-PL-1-cycle-exists"]);
  if (test.subscribe) for (const t of ["poll-skip", "nonmonotonic-poll"]) out.add(t);
  if (test.wwDeps) for (const t of ["G1c", "G1c-process", "G1c-realtime", "PL-2-cycle-exists", "strong-PL-2-cycle-exists"]) out.add(t);
  return out;
}

import { at, type Checker, type Finding } from "./input.js";
import type { InconsistentOffsetsCase, NonmonotonicPollCase, PollSkipCase } from "./jepsen/cases.js";
import { runAnalysis } from "./kafkasim/runAnalysis.js";
import { CaseReader } from "./kafkasim/viewSupport.js";

/**
 * Consumer checks, as views of the run's Jepsen analysis. A consumer is a client life: one that crashed and
 * restarted is a new process in Jepsen's sense (it resumes from the committed offset with no memory of where it
 * was), and a rebalance that moved a partition starts its reader afresh on it.
 */

/**
 * Jepsen's `inconsistent-offsets`: two different values at the same offset of one partition, among what producers
 * were acknowledged with, what consumers polled, and the final committed log. A consumer that read a record later
 * overwritten (KIP-320's invariant) shows up here.
 */
export const inconsistentOffsets: Checker = {
  name: "inconsistentOffsets",
  description: "two different values seen at the same offset of a partition (acks, polls, final log)",
  run(input) {
    const ra = runAnalysis(input);
    const r = new CaseReader(ra);
    return ((ra.analysis.anomalies["inconsistent-offsets"] ?? []) as InconsistentOffsetsCase[]).map((c): Finding => {
      const tp = r.tp(c.key);
      const values = c.values.map((v) => r.value(c.key, v));
      return { message: `${tp} offset ${c.offset} holds different values: ${values.join(" vs ")}`, jepsenKey: "inconsistent-offsets", evidence: { partition: tp, offset: c.offset, values } };
    });
  },
};

/** Jepsen's `nonmonotonic-poll`: a consumer's next poll of a partition starts at or before where its last one ended. */
export const nonmonotonicPoll: Checker = {
  name: "nonmonotonicPoll",
  description: "a consumer's next poll of a partition starts at or before where its previous poll ended",
  run(input) {
    const ra = runAnalysis(input);
    const r = new CaseReader(ra);
    return ((ra.analysis.anomalies["nonmonotonic-poll"] ?? []) as NonmonotonicPollCase[]).map((c): Finding => {
      const tp = r.tp(c.key);
      const from = r.offset(c.key, c.values[1]);
      const previous = r.offset(c.key, c.values[0]);
      const b = c.ops[1];
      return {
        message: `${r.client(b)} polled ${tp} from offset ${from} at ${at(r.atUs(b))} after having read up to ${previous}`,
        atUs: r.atUs(b),
        jepsenKey: "nonmonotonic-poll",
        evidence: { consumer: r.client(b), partition: tp, from, previous },
      };
    });
  },
};

/** Jepsen's `poll-skip`: a consumer's next poll of a partition jumped past records known to exist. */
export const pollSkip: Checker = {
  name: "pollSkip",
  description: "a consumer skipped records of a partition between two polls (e.g. an offset reset)",
  run(input) {
    const ra = runAnalysis(input);
    const r = new CaseReader(ra);
    return ((ra.analysis.anomalies["poll-skip"] ?? []) as PollSkipCase[]).map((c): Finding => {
      const tp = r.tp(c.key);
      const [a, b] = c.ops;
      const offsets = c.skipped.map((v) => r.offset(c.key, v));
      return {
        message: `${r.client(b)} jumped over ${c.skipped.length} record(s) of ${tp} (offsets ${offsets.length <= 4 ? offsets.join(", ") : `${offsets[0]}…${offsets[offsets.length - 1]}`}) between its poll at ${at(r.atUs(a))} and its poll at ${at(r.atUs(b))}`,
        atUs: r.atUs(b),
        jepsenKey: "poll-skip",
        evidence: { consumer: r.client(b), partition: tp, skipped: c.skipped.length, skippedOffsets: offsets },
      };
    });
  },
};

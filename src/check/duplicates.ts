import { committedPartitions } from "./committedView.js";
import type { Checker, Finding } from "./input.js";

/** One produced value at more than one offset of the final committed log (Jepsen's :duplicate). */
export const duplicates: Checker = {
  name: "duplicates",
  description: "one produced value appears at more than one offset",
  run({ logs }) {
    const out: Finding[] = [];
    for (const [tp, p] of committedPartitions(logs))
      for (const [value, offsets] of p.offsetsOf)
        if (offsets.length > 1) out.push({ message: `${value} appears ${offsets.length} times in ${tp}, at offsets ${offsets.join(", ")}`, evidence: { partition: tp, value, offsets } });
    return out;
  },
};

export { type FaultOp } from "../../src/sim/index.js";
export { faultScheduleArbitrary } from "../../src/sim/faultArbitrary.js";
import type { FaultOp } from "../../src/sim/index.js";

/** Heal every partition at the end so the final logs can converge. */
export function heal(atMs: number): FaultOp {
  return { atMs, op: "heal" };
}

import { at, type Checker, type Finding } from "./input.js";

/** The monitor suspected a node that then heartbeated from the same incarnation: it was never dead. */
export const falseSuspicion: Checker = {
  name: "falseSuspicion",
  description: "a failure detector suspected a node that was alive (paused or cut off, not crashed)",
  run({ history }) {
    const out: Finding[] = [];
    for (const op of history.ops) {
      if (op.f !== "trust") continue;
      const v = op.value as { node: string; incarnation: number; suspectedIncarnation: number };
      if (v.incarnation === v.suspectedIncarnation)
        out.push({
          message: `${v.node} was suspected but heartbeated again at ${at(op.time)} from the same incarnation ${v.incarnation}`,
          atUs: op.time,
          evidence: v,
        });
    }
    return out;
  },
};

/** The lease store accepted a write carrying an older token than one it had already granted. */
export const staleWrite: Checker = {
  name: "staleWrite",
  description: "a write from an expired lease holder was accepted after the lease moved on",
  run({ history }) {
    const out: Finding[] = [];
    for (const op of history.ops) {
      if (op.f !== "write" || op.type !== "ok") continue;
      const v = op.value as { node: string; token: number; newestToken: number };
      if (v.token < v.newestToken)
        out.push({
          message: `write from ${v.node} with lease token ${v.token} accepted at ${at(op.time)} after token ${v.newestToken} was granted`,
          atUs: op.time,
          evidence: v,
        });
    }
    return out;
  },
};

import { TRACE_EVENTS } from "../../src/scenario/traceEventRegistry.js";
import { fitsKind, type TraceObserver } from "../../src/sim/index.js";

/**
 * Watches a run's trace for records the registries do not declare (an unknown type, an undeclared field, a value
 * of another kind, a required field missing): each problem once, as "type.field: why".
 */
export function traceConformance(): { observe: TraceObserver; problems: Set<string> } {
  const problems = new Set<string>();
  const observe: TraceObserver = (r) => {
    const spec = TRACE_EVENTS[r.type];
    if (!spec) return void problems.add(`${r.type}: not in any trace event registry`);
    const data = r.data ?? {};
    for (const [field, value] of Object.entries(data)) {
      const kind = spec[field];
      if (kind === undefined) problems.add(`${r.type}.${field}: not declared`);
      else if (!fitsKind(kind, value)) problems.add(`${r.type}.${field}: ${JSON.stringify(value)} is not ${kind}`);
    }
    for (const [field, kind] of Object.entries(spec)) if (!(field in data) && !kind.endsWith("?")) problems.add(`${r.type}.${field}: missing (declare it optional?)`);
  };
  return { observe, problems };
}

import { z } from "zod";
import { errorName } from "./errorParams.js";
import { at, type Checker, type CheckInput } from "./input.js";
import { nameParam } from "./params.js";

export interface ErrorParams {
  client: string;
  error: string;
}

const schema = z.strictObject({ client: nameParam, error: errorName });

/** Every moment the client's history shows the Kafka error: a failed or unknown op's error, or an error it recorded. */
function sightings(input: CheckInput, p: ErrorParams): number[] {
  const out: number[] = [];
  for (const op of input.history.ops) {
    if (op.process !== p.client) continue;
    // Stryker disable next-line ConditionalExpression: `.error` of a string or number value is undefined as well (only null must be kept out)
    const recorded = op.value !== null && typeof op.value === "object" ? (op.value as { error?: unknown }).error : undefined;
    if (op.error === p.error || recorded === p.error) out.push(op.time);
  }
  return out;
}

/** The client saw the Kafka error at least once (e.g. `errorSeen: { client: app-1, error: PRODUCER_FENCED }`). */
export const errorSeen: Checker<ErrorParams> = {
  name: "errorSeen",
  description: "the client's history shows the Kafka error at least once",
  param: { example: "errorSeen: { client: app-1, error: PRODUCER_FENCED }", required: true, schema, refs: (p) => ({ clients: [{ path: ["client"], name: p.client }] }) },
  run(input, p) {
    if (!p) return [{ message: "errorSeen needs a client and an error" }];
    return sightings(input, p).length > 0 ? [] : [{ message: `no op of ${p.client} ended with ${p.error} (the history records what the application saw: an error the client retried on its own, and then got past, is not in it)`, evidence: { client: p.client, error: p.error } }];
  },
};

/** The client never saw the Kafka error (e.g. `errorNotSeen: { client: producer-1, error: OUT_OF_ORDER_SEQUENCE_NUMBER }`). */
export const errorNotSeen: Checker<ErrorParams> = {
  name: "errorNotSeen",
  description: "the client's history never shows the Kafka error",
  param: { example: "errorNotSeen: { client: producer-1, error: OUT_OF_ORDER_SEQUENCE_NUMBER }", required: true, schema, refs: (p) => ({ clients: [{ path: ["client"], name: p.client }] }) },
  run(input, p) {
    if (!p) return [{ message: "errorNotSeen needs a client and an error" }];
    const seen = sightings(input, p);
    return seen.length === 0 ? [] : [{ message: `${p.client} saw ${p.error} ${seen.length} time(s), first at ${at(seen[0])}`, atUs: seen[0], evidence: { client: p.client, error: p.error, times: seen.length } }];
  },
};

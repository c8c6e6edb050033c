import { z } from "zod";
import { ERRORS } from "../kafka/protocol/errors.js";

const NAMES = Object.keys(ERRORS);

/** A Kafka error name as the model reports it (Errors.java's names, plus the Java client's own, e.g. DELIVERY_TIMEOUT). */
export const errorName = z.string({ error: "must be a Kafka error name, e.g. DELIVERY_TIMEOUT" }).refine((e) => NAMES.includes(e), {
  error: (issue) => `must be a Kafka error name (got ${JSON.stringify(issue.input)}; known: ${NAMES.filter((n) => n !== "NONE").join(", ")})`,
});

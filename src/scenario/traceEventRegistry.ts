import { DEMO_TRACE_EVENTS } from "../demo/traceEvents.js";
import { API_KEYS } from "../kafka/protocol/apis.js";
import { KAFKA_TRACE_EVENTS } from "../kafka/traceEvents.js";
import { ENGINE_TRACE_EVENTS, type TraceEventSpecs } from "../sim/index.js";
import { WORKLOAD_TRACE_EVENTS } from "../workload/traceEvents.js";

/**
 * Every trace record type a scenario's run may emit, with its fields: the engine's, the Kafka model's, the
 * workloads' and the engine demos'. Event-triggered faults (`on:`) are checked against it.
 */
export const TRACE_EVENTS: TraceEventSpecs = {
  ...ENGINE_TRACE_EVENTS,
  ...KAFKA_TRACE_EVENTS,
  ...WORKLOAD_TRACE_EVENTS,
  ...DEMO_TRACE_EVENTS,
};

/** Kafka's API names a `hold:` may name (Kafka `ApiKeys`). */
export const HOLDABLE_APIS: readonly string[] = API_KEYS;

/**
 * The message types a hold of one API holds: its requests and its responses (a hold's direction tells which flow
 * its way; brokers send both to each other).
 */
export function messageTypesOfApi(api: string): string[] {
  return [api, `${api}Response`];
}

import { DYNAMIC_BROKER_CONFIGS } from "../config/brokerConfig.js";
import type { IncrementalAlterConfigsRequest } from "../protocol/configMessages.js";
import type { ErrorName } from "../protocol/errors.js";

/**
 * The receiving broker's check of an IncrementalAlterConfigs before it forwards it (Kafka
 * `ConfigAdminManager.preprocess`): a BROKER resource must be the cluster default ("") or this broker
 * (`validateResourceNameIsCurrentNodeId`: "Unexpected broker id"), and each key must be dynamically updatable
 * (`DynamicBrokerConfig.validateConfigs`: "Cannot update these configs dynamically", which the broker returns as
 * INVALID_REQUEST, KAFKA-13609). TOPIC resources pass (the controller checks them). Returns null when the request
 * may be forwarded, else the error and its message. The value's type was checked when the scenario was read.
 */
export function preprocessIncrementalAlterConfigs(self: string, req: IncrementalAlterConfigsRequest): { error: ErrorName; message: string } | null {
  if (req.broker === undefined) return null;
  if (req.broker !== "" && req.broker !== self) return { error: "INVALID_REQUEST", message: `Unexpected broker id, expected ${self}, but received ${req.broker}` };
  const nonDynamic = req.configs.map((c) => c.name).filter((n) => !DYNAMIC_BROKER_CONFIGS.includes(n));
  if (nonDynamic.length > 0) return { error: "INVALID_REQUEST", message: `Cannot update these configs dynamically: Set(${nonDynamic.join(", ")})` };
  return null;
}

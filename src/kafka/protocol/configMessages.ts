import type { ConfigValue } from "../config/configDef.js";
import type { ErrorName } from "./errors.js";

/**
 * One config change of an IncrementalAlterConfigs request (Kafka `IncrementalAlterConfigsRequest.json`,
 * `AlterableConfig`): SET the key to `value`, or DELETE the override when `value` is null (the topic falls back to
 * the broker's default). Kafka's APPEND and SUBTRACT (list configs) are not modelled: no alterable key is a list.
 */
export interface AlterableConfig {
  name: string;
  value: ConfigValue;
}

/**
 * IncrementalAlterConfigs for one topic (Kafka's Admin `incrementalAlterConfigs`, resource type TOPIC). A client
 * sends it to any broker, which forwards it to the active controller (KRaft: `ForwardingManager`; the model
 * forwards the request as it is, without Kafka's Envelope). Broker resources are not modelled.
 */
export interface IncrementalAlterConfigsRequest {
  type: "IncrementalAlterConfigs";
  correlationId: number;
  topic: string;
  configs: AlterableConfig[];
}

export interface IncrementalAlterConfigsResponse {
  type: "IncrementalAlterConfigsResponse";
  correlationId: number;
  topic: string;
  /** NONE, NOT_CONTROLLER (with a hint, between controller and broker), UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG. */
  error: ErrorName;
  errorMessage: string | null;
  leaderHint: string | null;
}

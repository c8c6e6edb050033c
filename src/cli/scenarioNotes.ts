import type { ChalkInstance } from "chalk";
import { magicOfMessageFormatVersion } from "../kafka/log/recordSize.js";
import type { ResolvedScenario } from "../scenario/resolved.js";

/**
 * Lines a run's summary prints before the timeline about settings that make the run stand for another era of Kafka
 * than a reader would assume. Today one: topics in a legacy message format (message.format.version before 0.11,
 * magic 0 or 1), which the model keeps as a cluster before Kafka 3.0 does, while every KRaft cluster (Kafka 3.x with
 * IBP >= 3.0) ignores the setting and Kafka 4.0 removed it (KIP-724). Empty when nothing applies.
 */
export function scenarioNotes(s: ResolvedScenario, c: ChalkInstance): string[] {
  const brokerDefault = s.brokerConfig["log.message.format.version"];
  const legacy = s.topics
    .map((t) => ({ name: t.name, version: t.config["message.format.version"] ?? brokerDefault }))
    .filter((t) => magicOfMessageFormatVersion(t.version) < 2);
  if (legacy.length === 0) return [];
  const which = legacy.map((t) => `${t.name} (${t.version})`).join(", ");
  return [
    c.yellow(
      `note: ${legacy.length === 1 ? "topic" : "topics"} ${which} in a legacy message format (magic 0 or 1), kept as a cluster before Kafka 3.0 keeps it; a KRaft cluster (Kafka 3.x with IBP 3.0 or later) ignores message.format.version and Kafka 4.0 removed it`,
    ),
  ];
}

/**
 * Kafka's rule for a legal topic name, as `org.apache.kafka.common.internals.Topic` states it (`validate`,
 * `detectInvalidTopic`, `containsValidPattern`): not empty, not "." or ".." (they would be path names of the log
 * directory), at most 249 characters (`MAX_NAME_LENGTH`: a partition's folder name adds "-" and the partition number
 * within a file system's 255), and only ASCII letters, digits, ".", "_" and "-" (`LEGAL_CHARS`). Kafka applies it to
 * topics and, through `JoinGroupRequest.validateGroupInstanceId`, to a consumer's group.instance.id.
 */

/** Topic.MAX_NAME_LENGTH. */
export const TOPIC_NAME_MAX_LENGTH = 249;

/** The rule in a few words, for messages that refuse a name. */
export const TOPIC_NAME_RULE = `must be 1–${TOPIC_NAME_MAX_LENGTH} characters of [a-zA-Z0-9._-], not "." or ".."`;

/**
 * Why `Topic.detectInvalidTopic` refuses `name`, in Kafka's own words (what follows "Topic name is invalid: " in its
 * InvalidTopicException), or null for a legal name. Length counts UTF-16 code units, as Java's `String.length()`.
 */
export function invalidTopicName(name: string): string | null {
  if (name === "") return "the empty string is not allowed";
  if (name === "." || name === "..") return `'${name}' is not allowed`;
  if (name.length > TOPIC_NAME_MAX_LENGTH) return `the length of '${name}' is longer than the max allowed length ${TOPIC_NAME_MAX_LENGTH}`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  return null;
}

/**
 * Kafka's `Topic.unifyCollisionChars`: "." as "_", the one spelling two colliding names share (metric names replace
 * "." with "_").
 */
export function unifyCollisionChars(topic: string): string {
  return topic.replaceAll(".", "_");
}

/**
 * Kafka's `Topic.hasCollision`: whether two topic names would clash in metric names ("." and "_" are the same there),
 * so Kafka refuses to create the second (InvalidTopicException, ReplicationControlManager.createTopic).
 */
export function hasCollision(topicA: string, topicB: string): boolean {
  return unifyCollisionChars(topicA) === unifyCollisionChars(topicB);
}

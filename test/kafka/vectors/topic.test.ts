import { describe, expect, it } from "vitest";
import { hasCollision, invalidTopicName, unifyCollisionChars } from "../../../src/kafka/config/topicName.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/common/internals/TopicTest.java (apache/kafka 1eb7644),
// run against kafkasim's src/kafka/config/topicName.ts (the topic-name rule scenario topics and group.instance.id
// are checked with, and the collision rule src/scenario/resolve.ts refuses a second topic with).
// `Topic.validate(name)` throwing InvalidTopicException is `invalidTopicName(name)` answering why (null: legal);
// `Topic.containsValidPattern(name)` false is the "contains one or more characters other than ..." answer.
// TestUtils.randomString(249) is 249 letters.
//
// Not ported, with why: testTopicHasCollisionChars (Topic.hasCollisionChars only decides whether Kafka logs a
// warning at creation, which the model has no use for).

describe("TopicTest", () => {
  it("shouldAcceptValidTopicNames", () => {
    const maxLengthString = "x".repeat(249);
    for (const topicName of ["valid", "TOPIC", "nAmEs", "ar6", "VaL1d", "_0-9_.", "...", maxLengthString]) expect(invalidTopicName(topicName), topicName).toBeNull();
  });

  it("shouldThrowOnInvalidTopicNames", () => {
    const longString = "a".repeat(250);
    for (const topicName of ["", "foo bar", "..", "foo:bar", "foo=bar", ".", longString])
      expect(invalidTopicName(topicName), `No exception was thrown for topic with invalid name: ${topicName}`).not.toBeNull();
  });

  it("shouldRecognizeInvalidCharactersInTopicNames", () => {
    for (const c of ["/", "\\", ",", "\u0000", ":", '"', "'", ";", "*", "?", " ", "\t", "\r", "\n", "="]) {
      const topicName = `Is ${c}illegal`;
      expect(invalidTopicName(topicName), JSON.stringify(topicName)).toMatch(/contains one or more characters other than ASCII alphanumerics/);
    }
    // Each character alone in an otherwise legal name is refused too (Kafka's names all carry the space of "Is ").
    for (const c of ["/", "\\", ",", "\u0000", ":", '"', "'", ";", "*", "?", "\t", "\r", "\n", "="]) expect(invalidTopicName(`Is${c}illegal`)).not.toBeNull();
  });

  it("testUnifyCollisionChars", () => {
    expect(unifyCollisionChars("topic")).toBe("topic");
    expect(unifyCollisionChars(".topic")).toBe("_topic");
    expect(unifyCollisionChars("_topic")).toBe("_topic");
    expect(unifyCollisionChars("_.topic")).toBe("__topic");
  });

  it("testTopicHasCollision", () => {
    const periodFirstMiddleLastNone = [".topic", "to.pic", "topic.", "topic"];
    const underscoreFirstMiddleLastNone = ["_topic", "to_pic", "topic_", "topic"];
    // Self
    for (const topic of periodFirstMiddleLastNone) expect(hasCollision(topic, topic)).toBe(true);
    for (const topic of underscoreFirstMiddleLastNone) expect(hasCollision(topic, topic)).toBe(true);
    // Same position
    for (let i = 0; i < periodFirstMiddleLastNone.length; ++i) expect(hasCollision(periodFirstMiddleLastNone[i], underscoreFirstMiddleLastNone[i])).toBe(true);
    // Different position
    underscoreFirstMiddleLastNone.reverse();
    for (let i = 0; i < periodFirstMiddleLastNone.length; ++i) expect(hasCollision(periodFirstMiddleLastNone[i], underscoreFirstMiddleLastNone[i])).toBe(false);
  });
});

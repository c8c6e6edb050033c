import { describe, expect, it } from "vitest";
import { invalidTopicName, TOPIC_NAME_MAX_LENGTH } from "../../../src/kafka/config/topicName.js";
import { invalidGroupInstanceId } from "../../../src/kafka/config/consumerConfig.js";

/** Kafka's Topic.detectInvalidTopic, case by case, in its own words; group.instance.id follows the same rule. */
describe("invalidTopicName (Topic.validate)", () => {
  it("refuses the empty name, '.', '..', a name over 249 characters and characters outside [a-zA-Z0-9._-]", () => {
    expect(invalidTopicName("")).toBe("the empty string is not allowed");
    expect(invalidTopicName(".")).toBe("'.' is not allowed");
    expect(invalidTopicName("..")).toBe("'..' is not allowed");
    const long = "a".repeat(TOPIC_NAME_MAX_LENGTH + 1);
    expect(invalidTopicName(long)).toBe(`the length of '${long}' is longer than the max allowed length 249`);
    for (const name of ["a b", "orders/1", "ördersé", "a:b", "a\u0000"]) expect(invalidTopicName(name), name).toBe(`'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`);
  });

  it("accepts legal names: 249 characters, dots and dashes, '...'", () => {
    for (const name of ["orders", "a".repeat(TOPIC_NAME_MAX_LENGTH), "my.topic_v2-x", "...", ".a", "_", "-"]) expect(invalidTopicName(name), name).toBeNull();
  });

  it("group.instance.id is judged by the same function (JoinGroupRequest.validateGroupInstanceId calls Topic.validate)", () => {
    for (const id of ["", ".", "..", "a b", "x".repeat(250), "static-1"]) expect(invalidGroupInstanceId(id), id).toBe(invalidTopicName(id));
  });
});

import { describe, expect, it } from "vitest";
import { parts, subs } from "../../support/assignorInput.js";
import { assign, type AssignorMember } from "../../../src/index.js";

// Vectors from Kafka's clients/src/test/java/org/apache/kafka/clients/consumer/RangeAssignorTest.java and
// RoundRobinAssignorTest.java (racks ignored: RackConfig.NO_CONSUMER_RACK), through the public assign().

describe("RangeAssignor — Kafka's RangeAssignorTest cases", () => {
  it("testOneConsumerNoTopic / NonexistentTopic", () => {
    expect(assign("range", {}, { consumer1: subs([]) })).toEqual({ consumer1: [] });
    expect(assign("range", {}, { consumer1: subs(["topic1"]) })).toEqual({ consumer1: [] });
  });

  it("testOneConsumerOneTopic / testOnlyAssignsPartitionsFromSubscribedTopics", () => {
    expect(assign("range", { topic1: 3, other: 3 }, { consumer1: subs(["topic1"]) })).toEqual({ consumer1: parts("topic1-0, topic1-1, topic1-2") });
  });

  it("testOneConsumerMultipleTopics", () => {
    expect(assign("range", { topic1: 1, topic2: 2 }, { consumer1: subs(["topic1", "topic2"]) })).toEqual({ consumer1: parts("topic1-0, topic2-0, topic2-1") });
  });

  it("testTwoConsumersOneTopicOnePartition / TwoPartitions", () => {
    expect(assign("range", { topic1: 1 }, { consumer1: subs(["topic1"]), consumer2: subs(["topic1"]) })).toEqual({ consumer1: parts("topic1-0"), consumer2: [] });
    expect(assign("range", { topic1: 2 }, { consumer1: subs(["topic1"]), consumer2: subs(["topic1"]) })).toEqual({ consumer1: parts("topic1-0"), consumer2: parts("topic1-1") });
  });

  it("testMultipleConsumersMixedTopics", () => {
    expect(assign("range", { topic1: 3, topic2: 2 }, { consumer1: subs(["topic1"]), consumer2: subs(["topic1", "topic2"]), consumer3: subs(["topic1"]) })).toEqual({
      consumer1: parts("topic1-0"),
      consumer2: parts("topic1-1, topic2-0, topic2-1"),
      consumer3: parts("topic1-2"),
    });
  });

  it("testTwoConsumersTwoTopicsSixPartitions (the javadoc example)", () => {
    expect(assign("range", { topic1: 3, topic2: 3 }, { consumer1: subs(["topic1", "topic2"]), consumer2: subs(["topic1", "topic2"]) })).toEqual({
      consumer1: parts("topic1-0, topic1-1, topic2-0, topic2-1"),
      consumer2: parts("topic1-2, topic2-2"),
    });
  });

  it("testTwoStaticConsumersTwoTopicsSixPartitions: static members compare by instance id", () => {
    const r = assign("range", { topic1: 3, topic2: 3 }, {
      "consumer-b": subs(["topic1", "topic2"], { groupInstanceId: "instance1" }),
      "consumer-a": subs(["topic1", "topic2"], { groupInstanceId: "instance2" }),
    });
    expect(r["consumer-b"]).toEqual(parts("topic1-0, topic1-1, topic2-0, topic2-1"));
    expect(r["consumer-a"]).toEqual(parts("topic1-2, topic2-2"));
  });

  it("testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions: a static member sorts first", () => {
    const r = assign("range", { topic1: 3, topic2: 3 }, { "consumer-b": subs(["topic1", "topic2"], { groupInstanceId: "instance1" }), "consumer-a": subs(["topic1", "topic2"]) });
    expect(r["consumer-b"]).toEqual(parts("topic1-0, topic1-1, topic2-0, topic2-1"));
    expect(r["consumer-a"]).toEqual(parts("topic1-2, topic2-2"));
  });

  it("testStaticMemberRangeAssignmentPersistent", () => {
    const statics = { consumer1: "instance1", consumer2: "instance2", consumer3: "instance3" };
    const members: Record<string, AssignorMember> = {};
    for (const [m, i] of Object.entries(statics)) members[m] = subs(["topic1", "topic2"], { groupInstanceId: i });
    const expected = {
      consumer1: parts("topic1-0, topic1-1, topic2-0"),
      consumer2: parts("topic1-2, topic2-1"),
      consumer3: parts("topic1-3, topic2-2"),
    };
    expect(assign("range", { topic1: 5, topic2: 4 }, { ...members, consumer4: subs(["topic1", "topic2"]) })).toEqual({ ...expected, consumer4: parts("topic1-4, topic2-3") });
    expect(assign("range", { topic1: 5, topic2: 4 }, { ...members, consumer5: subs(["topic1", "topic2"]) })).toEqual({ ...expected, consumer5: parts("topic1-4, topic2-3") });
  });

  it("testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges", () => {
    const byInstance = (r: Record<string, { topic: string; partition: number }[]>, ids: Record<string, string>) => Object.fromEntries(Object.entries(ids).map(([m, i]) => [i, r[m]]));
    const first = { consumer1: "instance1", consumer2: "instance2", consumer3: "instance3" };
    const second = { consumer1: "instance1", consumer5: "instance2", consumer4: "instance3" };
    const run = (ids: Record<string, string>) => byInstance(assign("range", { topic1: 5, topic2: 5 }, Object.fromEntries(Object.entries(ids).map(([m, i]) => [m, subs(["topic1", "topic2"], { groupInstanceId: i })]))), ids);
    const a = run(first);
    expect(a).toEqual({ instance1: parts("topic1-0, topic1-1, topic2-0, topic2-1"), instance2: parts("topic1-2, topic1-3, topic2-2, topic2-3"), instance3: parts("topic1-4, topic2-4") });
    expect(run(second)).toEqual(a);
  });

  it("the non-rack expectations of the rack-aware tests: each topic is split on its own", () => {
    const all = ["t1", "t2", "t3"];
    const three = (topics: string[][]) => ({ consumer0: subs(topics[0]), consumer1: subs(topics[1]), consumer2: subs(topics[2]) });
    expect(assign("range", { t1: 6, t2: 7, t3: 2 }, three([all, all, all]))).toEqual({
      consumer0: parts("t1-0, t1-1, t2-0, t2-1, t2-2, t3-0"),
      consumer1: parts("t1-2, t1-3, t2-3, t2-4, t3-1"),
      consumer2: parts("t1-4, t1-5, t2-5, t2-6"),
    });
    expect(assign("range", { t1: 6, t2: 7, t3: 2 }, three([all, all, ["t1", "t3"]]))).toEqual({
      consumer0: parts("t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0"),
      consumer1: parts("t1-2, t1-3, t2-4, t2-5, t2-6, t3-1"),
      consumer2: parts("t1-4, t1-5"),
    });
    const nine = ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];
    expect(assign("range", { t1: 6, t2: 6, t3: 2, t4: 2, t5: 4, t6: 4 }, three([nine, nine, nine]))).toEqual({
      consumer0: parts("t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1"),
      consumer1: parts("t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2"),
      consumer2: parts("t1-4, t1-5, t2-4, t2-5, t5-3, t6-3"),
    });
  });
});

describe("RoundRobinAssignor — Kafka's RoundRobinAssignorTest cases", () => {
  it("one consumer: no topic, nonexistent topic, one topic, multiple topics", () => {
    expect(assign("roundrobin", {}, { consumer: subs([]) })).toEqual({ consumer: [] });
    expect(assign("roundrobin", {}, { consumer: subs(["topic"]) })).toEqual({ consumer: [] });
    expect(assign("roundrobin", { topic: 3, other: 3 }, { consumer: subs(["topic"]) })).toEqual({ consumer: parts("topic-0, topic-1, topic-2") });
    expect(assign("roundrobin", { topic1: 1, topic2: 2 }, { consumer: subs(["topic1", "topic2"]) })).toEqual({ consumer: parts("topic1-0, topic2-0, topic2-1") });
  });

  it("testTwoConsumersOneTopicOnePartition / TwoPartitions", () => {
    expect(assign("roundrobin", { topic: 1 }, { consumer1: subs(["topic"]), consumer2: subs(["topic"]) })).toEqual({ consumer1: parts("topic-0"), consumer2: [] });
    expect(assign("roundrobin", { topic: 2 }, { consumer1: subs(["topic"]), consumer2: subs(["topic"]) })).toEqual({ consumer1: parts("topic-0"), consumer2: parts("topic-1") });
  });

  it("testMultipleConsumersMixedTopics", () => {
    expect(assign("roundrobin", { topic1: 3, topic2: 2 }, { consumer1: subs(["topic1"]), consumer2: subs(["topic1", "topic2"]), consumer3: subs(["topic1"]) })).toEqual({
      consumer1: parts("topic1-0"),
      consumer2: parts("topic1-1, topic2-0, topic2-1"),
      consumer3: parts("topic1-2"),
    });
  });

  it("testTwoDynamicConsumersTwoTopicsSixPartitions", () => {
    expect(assign("roundrobin", { topic1: 3, topic2: 3 }, { consumer1: subs(["topic1", "topic2"]), consumer2: subs(["topic1", "topic2"]) })).toEqual({
      consumer1: parts("topic1-0, topic1-2, topic2-1"),
      consumer2: parts("topic1-1, topic2-0, topic2-2"),
    });
  });

  it("testTwoStaticConsumersTwoTopicsSixPartitions / one static and one dynamic", () => {
    const both = assign("roundrobin", { topic1: 3, topic2: 3 }, {
      "consumer-b": subs(["topic1", "topic2"], { groupInstanceId: "instance1" }),
      "consumer-a": subs(["topic1", "topic2"], { groupInstanceId: "instance2" }),
    });
    expect(both).toEqual({ "consumer-a": parts("topic1-1, topic2-0, topic2-2"), "consumer-b": parts("topic1-0, topic1-2, topic2-1") });
    const mixed = assign("roundrobin", { topic1: 3, topic2: 3 }, { "consumer-b": subs(["topic1", "topic2"], { groupInstanceId: "instance1" }), "consumer-a": subs(["topic1", "topic2"]) });
    expect(mixed).toEqual(both);
  });

  it("testStaticMemberAssignmentPersistent", () => {
    const members: Record<string, AssignorMember> = {
      consumer1: subs(["topic1", "topic2"], { groupInstanceId: "instance1" }),
      consumer2: subs(["topic1", "topic2"], { groupInstanceId: "instance2" }),
      consumer3: subs(["topic1", "topic2"], { groupInstanceId: "instance3" }),
    };
    const expected = { consumer1: parts("topic1-0, topic2-1"), consumer2: parts("topic1-1, topic2-2"), consumer3: parts("topic1-2") };
    expect(assign("roundrobin", { topic1: 3, topic2: 3 }, { ...members, consumer4: subs(["topic1", "topic2"]) })).toEqual({ ...expected, consumer4: parts("topic2-0") });
    expect(assign("roundrobin", { topic1: 3, topic2: 3 }, { ...members, consumer5: subs(["topic1", "topic2"]) })).toEqual({ ...expected, consumer5: parts("topic2-0") });
  });

  it("testStaticMemberAssignmentPersistentAfterMemberIdChanges", () => {
    const run = (ids: Record<string, string>) => {
      const r = assign("roundrobin", { topic1: 3, topic2: 3 }, Object.fromEntries(Object.entries(ids).map(([m, i]) => [m, subs(["topic1", "topic2"], { groupInstanceId: i })])));
      return Object.fromEntries(Object.entries(ids).map(([m, i]) => [i, r[m]]));
    };
    const a = run({ consumer1: "instance1", consumer2: "instance2", consumer3: "instance3" });
    expect(a).toEqual({ instance1: parts("topic1-0, topic2-0"), instance2: parts("topic1-1, topic2-1"), instance3: parts("topic1-2, topic2-2") });
    expect(run({ consumer4: "instance1", consumer5: "instance2", consumer1: "instance3" })).toEqual(a);
  });
});

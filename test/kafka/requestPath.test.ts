import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/runner/run.js";
import { parseScenario } from "../../src/scenario/load.js";

/**
 * The broker's request path (src/kafka/broker/requestPath.ts) seen from a run: one broker, producers starting at 3 s
 * once the cluster is up, `capacity.brokerCpu` giving its threads a cost. Produce requests are counted from the
 * producers' `producer.send` trace (one per batch, with its request's correlation id) over the steady state, 3.5 s
 * to 5 s.
 */
function run(opts: { capacity: string; brokerConfig?: string; producers?: number; rate?: number; keys?: string; partitions?: number; inFlight?: number }) {
  const producers = opts.producers ?? 1;
  const clients = Array.from(
    { length: producers },
    (_, i) =>
      `  - { id: p${i}, kind: producer, start: 3s, config: { acks: 1, linger.ms: 0, max.in.flight.requests.per.connection: ${opts.inFlight ?? 5} }, workload: { topic: t, rate: ${opts.rate ?? 2000}, keys: ${opts.keys ?? "{ distribution: none }"}, valueSize: 100 } }`,
  ).join("\n");
  const text = `
name: request-path
description: a broker's request path under produce load
duration: 5s
cluster:
  brokers: 1
  config: ${opts.brokerConfig ?? "{}"}
  topics: [{ name: t, partitions: ${opts.partitions ?? 4}, replicationFactor: 1 }]
capacity: ${opts.capacity}
clients:
${clients}
`;
  const steadyRequests = new Set<string>();
  const r = runScenario(parseScenario(text, "request-path.yaml"), {
    observe: (t) => {
      if (t.type === "producer.send" && t.t >= 3_500_000) steadyRequests.add(`${t.actor}/${(t.data as { correlationId: number }).correlationId}`);
    },
  });
  expect(r.status).toBe("ok");
  const p = r.performance!;
  return { r, p, broker: p.brokers[0], produceRequestsPerSec: steadyRequests.size / 1.5 };
}

describe("the request path: I/O threads", () => {
  it("saturated I/O threads cap produce requests at threads / cost per request, and requests queue", () => {
    // 2 I/O threads at 5 ms a request: 400 requests/s at most. Four producers keep four requests at the broker.
    const slow = run({ capacity: "{ brokerCpu: { requestUs: 5000 } }", brokerConfig: "{ num.io.threads: 2 }", producers: 4 });
    expect(slow.produceRequestsPerSec).toBeGreaterThan(0.9 * 400);
    expect(slow.produceRequestsPerSec).toBeLessThan(1.02 * 400);
    // Two requests wait behind the two in service: a request queues for about one service time.
    expect(slow.broker.requestQueueP50Ms).toBeGreaterThan(4);
    // Busy from 3 s to 5 s of a 5 s run: ~40 %.
    expect(slow.broker.ioThreadUtilisation).toBeGreaterThan(0.35);
    // The producers batch what waits: records still flow, in fewer, larger requests, and their latency grows.
    expect(slow.p.producers[0].latency!.p50Ms).toBeGreaterThan(20);

    const fast = run({ capacity: "{ brokerCpu: { requestUs: 100 } }", brokerConfig: "{ num.io.threads: 2 }", producers: 4 });
    expect(fast.produceRequestsPerSec).toBeGreaterThan(2 * slow.produceRequestsPerSec);
    expect(fast.broker.requestQueueP99Ms).toBeLessThan(0.2);
    expect(fast.p.producers[0].latency!.p50Ms).toBeLessThan(5);
  });

  it("a produce's per-byte cost caps the bytes an I/O thread appends", () => {
    // 1 µs a byte on one thread: 1 MB/s of batches, ~9,000 records/s of ~110 bytes each, whatever is offered.
    const { p } = run({ capacity: "{ brokerCpu: { produceNsPerByte: 1000 } }", brokerConfig: "{ num.io.threads: 1 }", rate: 20_000 });
    expect(p.producers[0].recordsPerSec).toBeGreaterThan(8000);
    expect(p.producers[0].recordsPerSec).toBeLessThan(1e6 / 100);
    expect(p.producers[0].latency!.p50Ms).toBeGreaterThan(100);
  });

  it("a connection has one request in the broker at a time (the Processor mutes it until the response is sent)", () => {
    // One producer, 5 requests in flight allowed, 8 I/O threads at 5 ms: still 200 requests/s, one after another.
    const one = run({ capacity: "{ brokerCpu: { requestUs: 5000 } }", producers: 1, rate: 5000 });
    expect(one.produceRequestsPerSec).toBeGreaterThan(0.9 * 200);
    expect(one.produceRequestsPerSec).toBeLessThan(1.02 * 200);
    expect(one.broker.requestQueueP99Ms).toBeLessThan(0.1);
  });
});

describe("the request path: purgatory", () => {
  it("a fetch parked in DelayedFetch frees its I/O thread: one thread still serves the producer at once", () => {
    const text = `
name: parked
description: consumers long-polling an empty topic beside a producer, one I/O thread
duration: 5s
cluster:
  brokers: 1
  config: { num.io.threads: 1 }
  topics: [{ name: t, partitions: 1, replicationFactor: 1 }, { name: idle, partitions: 1, replicationFactor: 1 }]
capacity: { brokerCpu: { requestUs: 200 } }
clients:
  - { id: p, kind: producer, start: 3s, config: { acks: 1, linger.ms: 0 }, workload: { topic: t, rate: 200 } }
  - { id: c1, kind: consumer, workload: { assign: { topic: idle } } }
  - { id: c2, kind: consumer, workload: { assign: { topic: idle } } }
`;
    const r = runScenario(parseScenario(text, "parked.yaml"));
    expect(r.status).toBe("ok");
    const p = r.performance!;
    // Each consumer's fetch waits fetch.max.wait.ms (500 ms) in purgatory; were the thread held, sends would wait too.
    expect(p.producers[0].latency!.p99Ms).toBeLessThan(5);
    expect(p.brokers[0].requestQueueP99Ms).toBeLessThan(1);
  });
});

describe("the request path: queued.max.requests", () => {
  it("a full request queue blocks the network threads; a roomy one never does", () => {
    // One I/O thread at 5 ms, four producers: one request in service, up to three waiting.
    const full = run({ capacity: "{ brokerCpu: { requestUs: 5000 } }", brokerConfig: "{ num.io.threads: 1, queued.max.requests: 1 }", producers: 4 });
    expect(full.broker.networkThreadBlocked).toBeGreaterThan(0.05);
    // The blocked wait counts as queue time (RequestQueueTimeMs starts when the read completes): ~3 services.
    expect(full.broker.requestQueueP50Ms).toBeGreaterThan(10);
    const roomy = run({ capacity: "{ brokerCpu: { requestUs: 5000 } }", brokerConfig: "{ num.io.threads: 1 }", producers: 4 });
    expect(roomy.broker.networkThreadBlocked).toBe(0);
    expect(full.produceRequestsPerSec).toBeLessThan(1.02 * 200);
  });
});

describe("the request path: per-partition bytes", () => {
  it("a hot key's partition shows first, with the bytes produced to it", () => {
    const { p } = run({ capacity: "{}", keys: "{ distribution: hot, count: 8, hotShare: 0.9 }", partitions: 4, rate: 1000 });
    const [hot, ...rest] = p.partitions;
    expect(hot.inMiB).toBeGreaterThan(0);
    for (const x of rest) expect(x.inMiB).toBeLessThan(hot.inMiB / 3);
    // Without brokerCpu nothing is timed: no thread figures.
    expect(p.brokers[0].ioThreadUtilisation).toBeNull();
  });

  it("capacity without brokerCpu or NICs changes nothing: the same digest as without capacity", () => {
    const text = (capacity: string) => `
name: same
description: same run
duration: 4s
cluster:
  brokers: 3
  topics: [{ name: t, partitions: 2, replicationFactor: 3 }]
${capacity}
clients:
  - { id: p, kind: producer, config: { acks: all }, workload: { topic: t, rate: 200 } }
  - { id: c, kind: consumer, workload: { assign: { topic: t } } }
`;
    const without = runScenario(parseScenario(text(""), "a.yaml"));
    const counting = runScenario(parseScenario(text("capacity: {}"), "b.yaml"));
    expect(counting.digest).toBe(without.digest);
    expect(counting.events).toBe(without.events);
    // ... and it counted: replication to the followers shows per partition.
    expect(counting.performance!.partitions.some((x) => x.replicationOutMiB > 0 && x.outMiB > 0)).toBe(true);
  });
});

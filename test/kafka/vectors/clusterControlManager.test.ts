import { describe, expect, it } from "vitest";
import { placeReplicas } from "../../../src/kafka/controller/replicaPlacer.js";
import { ClusterControlHarness } from "../../support/clusterControlHarness.js";

// Vectors from Kafka's metadata/src/test/java/org/apache/kafka/controller/ClusterControlManagerTest.java
// (apache/kafka 1eb7644): registrations replayed into the controller's view, broker epochs and re-registration,
// and replica placement over the registered brokers, run against kafkasim's MetadataImage (which ClusterControlManager
// reads its registrations from), ClusterControlManager (src/kafka/controller/clusterControl.ts, through
// test/support/clusterControlHarness.ts) and placeReplicas (src/kafka/controller/replicaPlacer.ts). Shapes adapted:
// - `clusterControl.replay(record, offset)` is MetadataImage.apply(record, offset). kafkasim has one record form for
//   fencing (FenceBroker / UnfenceBroker), so the MetadataVersion parameterization of testReplay (FenceBrokerRecord
//   before 3.3, BrokerRegistrationChangeRecord after) is one case; a BrokerRegistrationChangeRecord that unfences is
//   an UnfenceBroker record, and a RegisterBrokerRecord with Fenced = false is RegisterBroker then UnfenceBroker
//   (kafkasim registers brokers fenced, as Kafka's controller does since 3.3).
// - `checkBrokerEpoch(id, epoch)` is what a heartbeat with that epoch is answered: NONE, or STALE_BROKER_EPOCH where
//   Kafka throws StaleBrokerEpochException (QuorumController.processBrokerHeartbeat calls checkBrokerEpoch first).
// - `registerBroker(request, newBrokerEpoch, ...)` is a BrokerRegistration; kafkasim's new broker epoch is the log
//   end offset at the registration (Kafka's is the offset the controller passes: QuorumController uses the same),
//   so the harness pads the log to Kafka's epochs (100, 111). Incarnation ids are numbers.
// - testPlaceReplicas: `replicaPlacer().place(PlacementSpec(0, 1, 3), usableBrokers)` is placeReplicas(usable, [],
//   p, 3); Kafka's placer starts at a random offset, which is why it places 100 times; kafkasim's starts at the
//   partition index (a documented simplification), so the 100 placements are of partitions 0..99.
//
// Not ported, with why: testReplayRegisterBrokerRecord (a RegisterBrokerRecord carrying Fenced /
// InControlledShutdown, which kafkasim's RegisterBroker does not), testRegistrationWithIncorrectClusterId,
// testRegisterBrokerRecordVersion, testRegistrationsToRecords, testRegistrationWithUnsupported* and
// testRegisterControlWithOlderMetadataVersion (cluster ids, features, metadata versions, endpoints: not modelled),
// testUnregister (no UnregisterBroker), testRegisterWithDuplicateDirectoryId / testHasOnlineDir / testDefaultDir
// (directory assignment, KIP-858's JBOD half: kafkasim has one log directory per broker).

const b = ClusterControlHarness.broker;

describe("ClusterControlManagerTest", () => {
  it("testReplay", () => {
    const h = new ClusterControlHarness(1);
    expect(h.isUnfenced(b(0))).toBe(false);
    h.image.apply({ type: "RegisterBroker", broker: b(1), brokerEpoch: 100, incarnation: 1, logDirs: [] }, 100);
    // checkBrokerEpoch(1, 100) passes (a heartbeat behind the registration record: it stays fenced).
    expect(h.heartbeat(b(1), 0, false, 100).response.error).toBe("NONE");
    expect(h.heartbeat(b(1), 0, false, 101).response.error).toBe("STALE_BROKER_EPOCH");
    expect(h.heartbeat(b(2), 0, false, 100).response.error).toBe("STALE_BROKER_EPOCH");
    expect(h.isUnfenced(b(0))).toBe(false);
    expect(h.isUnfenced(b(1))).toBe(false);

    h.image.apply({ type: "UnfenceBroker", broker: b(1) }, 101);
    expect(h.isUnfenced(b(0))).toBe(false);
    expect(h.isUnfenced(b(1))).toBe(true);

    h.image.apply({ type: "FenceBroker", broker: b(1) }, 102);
    expect(h.isUnfenced(b(0))).toBe(false);
    expect(h.isUnfenced(b(1))).toBe(false);
  });

  it("testReplayBrokerRegistrationChangeRecord", () => {
    const h = new ClusterControlHarness(1);
    const inControlledShutdown = (id: number) => h.image.brokers.get(b(id))?.inControlledShutdown === true;
    expect(h.isUnfenced(b(0))).toBe(false);
    expect(inControlledShutdown(0)).toBe(false);

    h.image.apply({ type: "RegisterBroker", broker: b(0), brokerEpoch: 100, incarnation: 1, logDirs: [] }, 100);
    h.image.apply({ type: "UnfenceBroker", broker: b(0) }, 101);
    expect(h.isUnfenced(b(0))).toBe(true);
    expect(inControlledShutdown(0)).toBe(false);

    h.image.apply({ type: "BrokerRegistrationChange", broker: b(0), brokerEpoch: 100, inControlledShutdown: true }, 102);
    expect(h.isUnfenced(b(0))).toBe(true);
    expect(inControlledShutdown(0)).toBe(true);

    h.image.apply({ type: "UnfenceBroker", broker: b(0) }, 103);
    expect(h.isUnfenced(b(0))).toBe(true);
    expect(inControlledShutdown(0)).toBe(true);
  });

  for (const newIncarnationId of [false, true]) {
    it(`testReRegistrationAndBrokerEpoch(newIncarnationId = ${newIncarnationId})`, () => {
      const h = new ClusterControlHarness(9000, 100);
      expect(h.register(b(1), 1)?.error).toBe("NONE");
      h.padTo(111);
      expect(h.register(b(1), newIncarnationId ? 2 : 1)?.error).toBe("NONE");
      const reg = h.image.brokers.get(b(1))!;
      if (newIncarnationId) {
        expect(reg.incarnation).toBe(2);
        expect(reg.brokerEpoch).toBe(111);
      } else {
        expect(reg.incarnation).toBe(1);
        expect(reg.brokerEpoch).toBe(100);
      }
    });
  }

  for (const numUsableBrokers of [3, 10]) {
    it(`testPlaceReplicas(numUsableBrokers = ${numUsableBrokers})`, () => {
      const h = new ClusterControlHarness(1);
      for (let i = 0; i < numUsableBrokers; i++) h.registerUnfenced(b(i));
      for (let i = 0; i < numUsableBrokers; i++) expect(h.isUnfenced(b(i)), `broker ${i} was not unfenced.`).toBe(true);
      const usable = [...h.image.brokers.keys()].filter((id) => h.image.isIsrEligible(id));
      for (let p = 0; p < 100; p++) {
        const replicas = placeReplicas(usable, [], p, 3);
        expect(Array.isArray(replicas)).toBe(true);
        const ids = (replicas as string[]).map((r) => Number(r.slice("broker-".length)));
        const seen = new Set<number>();
        for (const id of ids) {
          expect(id).toBeGreaterThanOrEqual(0);
          expect(id).toBeLessThan(numUsableBrokers);
          expect(seen.has(id)).toBe(false);
          seen.add(id);
        }
        expect(ids.length).toBe(3);
      }
    });
  }
});

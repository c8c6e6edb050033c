import { describe, expect, it } from "vitest";
import { MetadataImage } from "../../../src/kafka/metadata/metadataImage.js";
import type { MetadataRecord } from "../../../src/kafka/metadata/records.js";

/**
 * KIP-841's controlled-shutdown flag in the metadata image, replayed as Kafka's ClusterControlManager
 * .replayRegistrationChange and BrokerRegistration.cloneWith do: a BrokerRegistrationChangeRecord with
 * InControlledShutdown sets it on the registration of its broker epoch; fencing leaves it; the broker's next
 * RegisterBrokerRecord starts a registration without it. A broker in controlled shutdown is still active (unfenced,
 * KRaftMetadataCache.hasAliveBroker) but not ISR-eligible (ClusterControlManager.isActive, Partition.isReplicaIsrEligible).
 */
function imageWith(...records: MetadataRecord[]): MetadataImage {
  const img = new MetadataImage();
  records.forEach((r, i) => img.apply(r, i));
  return img;
}
const register = (brokerEpoch: number, incarnation = 1): MetadataRecord => ({ type: "RegisterBroker", broker: "b1", brokerEpoch, incarnation, logDirs: ["d"] });
const unfence: MetadataRecord = { type: "UnfenceBroker", broker: "b1" };
const fence: MetadataRecord = { type: "FenceBroker", broker: "b1" };
const shuttingDown = (brokerEpoch: number): MetadataRecord => ({ type: "BrokerRegistrationChange", broker: "b1", brokerEpoch, inControlledShutdown: true });
const state = (img: MetadataImage) => ({ active: img.isActive("b1"), shuttingDown: img.isShuttingDown("b1"), eligible: img.isIsrEligible("b1") });

describe("MetadataImage: a broker's controlled shutdown (KIP-841)", () => {
  it("an unfenced registration is eligible; the record makes it shutting down, still active, no longer eligible", () => {
    expect(state(imageWith(register(0), unfence))).toEqual({ active: true, shuttingDown: false, eligible: true });
    expect(state(imageWith(register(0), unfence, shuttingDown(0)))).toEqual({ active: true, shuttingDown: true, eligible: false });
  });

  it("fencing keeps the flag; a new registration (the restarted broker) starts without it and is eligible once unfenced", () => {
    const img = imageWith(register(0), unfence, shuttingDown(0), fence);
    expect(state(img)).toEqual({ active: false, shuttingDown: true, eligible: false });
    img.apply(register(4, 2), 4);
    expect(state(img)).toEqual({ active: false, shuttingDown: false, eligible: false });
    img.apply(unfence, 5);
    expect(state(img)).toEqual({ active: true, shuttingDown: false, eligible: true });
  });

  it("a record of another broker epoch, or of an unregistered broker, changes nothing", () => {
    expect(state(imageWith(register(3), unfence, shuttingDown(0)))).toEqual({ active: true, shuttingDown: false, eligible: true });
    const img = imageWith({ type: "BrokerRegistrationChange", broker: "b9", brokerEpoch: 0, inControlledShutdown: true });
    expect([img.brokers.size, img.isShuttingDown("b9"), img.isIsrEligible("b9")]).toEqual([0, false, false]);
  });

  it("a copy (a snapshot's image) and the image written as records keep the flag", () => {
    const img = imageWith(register(0), unfence, shuttingDown(0));
    expect(state(img.copy())).toEqual({ active: true, shuttingDown: true, eligible: false });
    expect(state(imageWith(...img.records()))).toEqual({ active: true, shuttingDown: true, eligible: false });
    expect(img.records().filter((r) => r.type === "BrokerRegistrationChange")).toEqual([shuttingDown(0)]);
    expect(imageWith(register(0), unfence).records().filter((r) => r.type === "BrokerRegistrationChange")).toEqual([]);
  });
});

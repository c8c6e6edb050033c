import { kafkaWireBytes } from "../kafka/protocol/wireSize.js";
import type { Simulation } from "../sim/index.js";
import type { ResolvedCapacity } from "./capacity.js";

/**
 * Gives the world's hosts their resources: each process with a NIC gets it, and the network sizes messages as
 * Kafka's wire has them (`kafkaWireBytes`). Nothing is set without `capacity:`, so runs without it are unchanged.
 */
export function applyCapacity(sim: Simulation, capacity: ResolvedCapacity | undefined): void {
  if (!capacity || capacity.nics.length === 0) return;
  sim.network.nics.messageBytes = kafkaWireBytes;
  for (const { name, nic } of capacity.nics) sim.setNic(name, nic);
}

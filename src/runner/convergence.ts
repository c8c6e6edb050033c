import type { BrokerActor } from "../kafka/broker/broker.js";
import type { ReplicaSnapshot } from "../kafka/broker/replicaManager.js";
import type { ControllerActor } from "../kafka/controller/controller.js";
import type { CoordinatedGroup } from "../kafka/coordinator/group/groupCoordinator.js";
import { CONSUMER_OFFSETS_TOPIC, offsetsPartitionFor, replayOffsets } from "../kafka/coordinator/offsetLog.js";
import { type KafkaRecord, lastOffsetOf, offsetOfRecord, type RecordBatch } from "../kafka/log/recordBatch.js";
import type { World } from "../scenario/world.js";
import type { HistoryOp } from "../workload/history.js";

/**
 * Whether a Kafka cluster has converged after its faults stopped (the liveness phase, issue 12 item 4), read from
 * the model's state and the client history without changing either. Converged means, in order of the checks:
 * - the running controllers agree on one quorum leader;
 * - every send of a client process still alive has an outcome (a crashed process's sends died with it);
 * - every partition has a leader, its full replica set (minus brokers the scenario keeps down) in the ISR, every
 *   replica at the leader's epoch with the same log end, HW = log end everywhere, identical logs, and no open
 *   transaction holding its LSO;
 * - every consumer group with a running member is Stable, its members are exactly its running consumers, every
 *   partition of its topics is owned, and its committed offsets are past the last data record (lag drained).
 *
 * `gaps(limit)` lists what is not converged yet, each as "what, where" (`orders-0: ISR [broker-1] of replicas
 * [broker-1,broker-2,broker-3]`), at most `limit` of them; `holds()` is `gaps(1)` being empty. Both are cheap enough
 * to read every simulated millisecond: the costly comparisons (whole logs, replayed offsets) run only once the cheap
 * ones pass, and replayed offsets are cached per `__consumer_offsets` log state.
 */
export interface ConvergenceProbe {
  holds(): boolean;
  gaps(limit?: number): string[];
}

export function convergenceProbe(world: World): ConvergenceProbe {
  const { sim, scenario: s, history, faultLog } = world;
  const running = (name: string) => sim.status(name) === "running" && !faultLog.staysDown.has(name);
  /** Send invocations without a completion yet, by index; fed incrementally from the append-only history. */
  const pendingSends = new Map<number, HistoryOp>();
  let scanned = 0;
  const scanHistory = () => {
    const ops = history.ops;
    for (; scanned < ops.length; scanned++) {
      const op = ops[scanned];
      if (op.f !== "send") continue;
      if (op.type === "invoke") pendingSends.set(op.index, op);
      else if (op.invoke !== undefined) pendingSends.delete(op.invoke);
    }
  };
  /** Consumers that stopped for good (a fatal error, e.g. fenced): not expected in their group. */
  const fatal = new Set<string>();
  let fatalScanned = 0;
  const scanFatal = () => {
    const ops = history.ops;
    for (; fatalScanned < ops.length; fatalScanned++) {
      const op = ops[fatalScanned];
      if (op.f === "consumer-fatal" && op.incarnation === sim.incarnationOf(op.process)) fatal.add(`${op.process}/${op.incarnation}`);
    }
  };
  const offsetsCache = new Map<string, { key: string; committed: Map<string, number> }>();
  /** Follower logs found identical to their leader's, by `tp/broker` → the log shapes compared (unchanged: still equal). */
  const sameLog = new Map<string, string>();

  const groupConsumers = new Map<string, { members: string[]; topics: string[] }>();
  for (const c of s.clients) {
    if (c.kind !== "group-consumer" || !c.settings.groupId) continue;
    const g = groupConsumers.get(c.settings.groupId) ?? { members: [], topics: [] };
    g.members.push(c.id);
    for (const t of c.workload.topics) if (!g.topics.includes(t)) g.topics.push(t);
    groupConsumers.set(c.settings.groupId, g);
  }
  const partitionCount = new Map<string, number>(s.topics.map((t) => [t.name, t.partitions]));
  if (s.usesGroups) partitionCount.set(CONSUMER_OFFSETS_TOPIC, s.brokerConfig["offsets.topic.num.partitions"]);
  if (s.transactional) partitionCount.set("__transaction_state", s.brokerConfig["transaction.state.log.num.partitions"]);

  function gaps(limit = Infinity): string[] {
    const out: string[] = [];
    const full = () => out.length >= limit;

    // The controller quorum.
    const controllers = s.controllers.filter(running);
    const leaders = controllers.map((c) => sim.actorOf<ControllerActor>(c)!.inspect().leader);
    const agreed = leaders[0];
    if (controllers.length > 0 && (agreed === null || !leaders.every((l) => l === agreed) || !running(agreed)))
      out.push(`controllers: no agreed quorum leader (${controllers.map((c, i) => `${c} knows ${leaders[i] ?? "none"}`).join(", ")})`);
    if (full()) return out;

    // Sends without an outcome, of processes still alive.
    scanHistory();
    const waiting: HistoryOp[] = [];
    for (const op of pendingSends.values()) if (running(op.process) && op.incarnation === sim.incarnationOf(op.process)) waiting.push(op);
    if (waiting.length > 0) {
      const first = waiting[0];
      out.push(`sends: ${waiting.length} without an outcome (first: ${first.process} ${(first.value as { value: string }).value}, sent at ${(first.time / 1e6).toFixed(3)}s)`);
    }
    if (full()) return out;

    // Partitions.
    const byTp = new Map<string, { broker: string; r: ReplicaSnapshot }[]>();
    const brokers = s.brokers.filter(running);
    for (const b of brokers)
      for (const r of sim.actorOf<BrokerActor>(b)!.inspect()) {
        const tp = `${r.topic}-${r.partition}`;
        let list = byTp.get(tp);
        if (!list) byTp.set(tp, (list = []));
        list.push({ broker: b, r });
        // Partitions an addPartitions created count too, once some broker hosts them.
        if ((partitionCount.get(r.topic) ?? Infinity) <= r.partition) partitionCount.set(r.topic, r.partition + 1);
      }
    const leaderOf = new Map<string, { broker: string; r: ReplicaSnapshot }>();
    for (const [topic, n] of partitionCount)
      for (let p = 0; p < n && !full(); p++) {
        const tp = `${topic}-${p}`;
        const replicas = byTp.get(tp) ?? [];
        const leader = replicas.filter((x) => x.r.role === "leader").sort((a, b) => b.r.leaderEpoch - a.r.leaderEpoch)[0];
        if (!leader) {
          out.push(`${tp}: no leader`);
          continue;
        }
        leaderOf.set(tp, leader);
        const l = leader.r;
        const expected = l.replicas.filter((b) => !faultLog.staysDown.has(b));
        if (l.isr.length !== expected.length || !expected.every((b) => l.isr.includes(b))) {
          out.push(`${tp}: ISR [${l.isr.join(",")}] of replicas [${expected.join(",")}] (leader ${leader.broker})`);
          continue;
        }
        const leo = l.log.logEndOffset;
        if (l.highWatermark !== leo) {
          out.push(`${tp}: HW ${l.highWatermark} below log end ${leo} on leader ${leader.broker}`);
          continue;
        }
        if (l.openTransactions > 0) {
          out.push(`${tp}: ${l.openTransactions} open transaction(s) hold the LSO on leader ${leader.broker}`);
          continue;
        }
        for (const b of expected) {
          if (b === leader.broker) continue;
          const f = replicas.find((x) => x.broker === b)?.r;
          if (!f) out.push(`${tp}: ${b} ${running(b) ? "does not host it yet" : "is not running"}`);
          else if (f.leaderEpoch !== l.leaderEpoch || f.log.logEndOffset !== leo || f.highWatermark !== leo)
            out.push(`${tp}: ${b} at epoch ${f.leaderEpoch} log end ${f.log.logEndOffset} HW ${f.highWatermark}, leader ${leader.broker} at epoch ${l.leaderEpoch} log end ${leo}`);
          else {
            // Logs only grow or truncate: with the same epochs, log ends and batch counts, a log found equal still is.
            const shape = `${l.leaderEpoch}/${leo}/${l.log.logStartOffset}/${l.log.batches.length}/${f.log.logStartOffset}/${f.log.batches.length}`;
            if (sameLog.get(`${tp}/${b}`) !== shape) {
              const diverged = l.log.cleanerCheckpoint >= 0 || f.log.cleanerCheckpoint >= 0 ? firstDifferenceCleaned(l.log.batches, f.log.batches) : firstDifference(l.log.batches, f.log.batches);
              if (diverged !== null) out.push(`${tp}: ${b}'s log differs from leader ${leader.broker}'s at offset ${diverged}`);
              else sameLog.set(`${tp}/${b}`, shape);
            }
          }
          if (full()) break;
        }
      }
    if (full()) return out;

    // Consumer groups.
    scanFatal();
    const coordinated = new Map<string, CoordinatedGroup>();
    for (const b of brokers) for (const g of sim.actorOf<BrokerActor>(b)!.inspectGroups()) coordinated.set(g.group, g);
    for (const [group, spec] of groupConsumers) {
      if (full()) break;
      const live = spec.members.filter((m) => running(m) && !fatal.has(`${m}/${sim.incarnationOf(m)}`) && !stoppedByScenario(m)).sort();
      if (live.length === 0) continue;
      const g = coordinated.get(group);
      if (!g) {
        out.push(`group ${group}: no coordinator has it loaded`);
        continue;
      }
      if (g.state !== "Stable") {
        out.push(`group ${group}: ${g.state}`);
        continue;
      }
      const members = g.members.map((m) => m.clientId).sort();
      if (members.join(",") !== live.join(",")) {
        out.push(`group ${group}: members [${members.join(",")}] but running consumers [${live.join(",")}]`);
        continue;
      }
      const owned = new Set(g.members.flatMap((m) => m.assignment));
      const all = spec.topics.flatMap((t) => Array.from({ length: partitionCount.get(t) ?? 0 }, (_, p) => `${t}-${p}`));
      const unowned = all.filter((tp) => !owned.has(tp));
      if (unowned.length > 0) {
        out.push(`group ${group}: ${unowned.join(", ")} not assigned`);
        continue;
      }
      const committed = committedOffsets(group);
      if (!committed) {
        out.push(`group ${group}: its offsets partition has no leader`);
        continue;
      }
      for (const tp of all) {
        const leader = leaderOf.get(tp);
        if (!leader) continue;
        const end = endOfLastData(leader.r.log.batches, leader.r.highWatermark);
        const at = committed.get(tp) ?? 0;
        if (at < end) {
          out.push(`group ${group}: ${tp} lag ${end - at} (committed ${at}, last record ends at ${end})`);
          break;
        }
      }
    }
    return out;
  }

  /** A client the scenario stopped (`stop:` within the run) is not expected back in its group. */
  function stoppedByScenario(client: string): boolean {
    const c = s.clients.find((x) => x.id === client);
    return c !== undefined && c.stopMs !== null && c.stopMs <= world.durationMs;
  }

  /** A group's committed offsets below the HW of its `__consumer_offsets` partition leader (as OffsetFetch answers). */
  function committedOffsets(group: string): Map<string, number> | null {
    const tp = `${CONSUMER_OFFSETS_TOPIC}-${offsetsPartitionFor(group, s.brokerConfig["offsets.topic.num.partitions"])}`;
    for (const b of s.brokers.filter(running)) {
      const r = sim.actorOf<BrokerActor>(b)!.inspect().find((x) => `${x.topic}-${x.partition}` === tp && x.role === "leader");
      if (!r) continue;
      const key = `${b}/${r.leaderEpoch}/${r.highWatermark}/${r.log.logEndOffset}/${r.log.batches.length}`;
      const cached = offsetsCache.get(group);
      if (cached && cached.key === key) return cached.committed;
      const committed = new Map<string, number>();
      for (const o of replayOffsets(r.log.batches, r.highWatermark).committed.get(group)?.values() ?? []) committed.set(`${o.topic}-${o.partition}`, o.offset);
      offsetsCache.set(group, { key, committed });
      return committed;
    }
    return null;
  }

  return { holds: () => gaps(1).length === 0, gaps };
}

/** The offset after the last data (non-control) batch below the HW: a drained consumer's position is at least this. */
function endOfLastData(batches: readonly RecordBatch[], highWatermark: number): number {
  for (let i = batches.length - 1; i >= 0; i--) {
    const b = batches[i];
    if (b.isControl || b.baseOffset >= highWatermark) continue;
    return lastOffsetOf(b) + 1;
  }
  return 0;
}

/**
 * `firstDifference` for logs the cleaner has been at: each replica cleans its own log (LogCleaner runs per broker),
 * so which records remain differs; two logs differ where both hold a record at one offset and they are not the same.
 */
function firstDifferenceCleaned(a: readonly RecordBatch[], b: readonly RecordBatch[]): number | null {
  const at = new Map<number, KafkaRecord>();
  for (const x of a) if (!x.isControl) x.records.forEach((r, i) => at.set(offsetOfRecord(x, i), r));
  for (const y of b) {
    if (y.isControl) continue;
    const ys = y.records; // built afresh on each read for a packed batch: read once
    for (let i = 0; i < ys.length; i++) {
      const o = offsetOfRecord(y, i);
      const r = at.get(o);
      if (r && (r.value !== ys[i].value || r.key !== ys[i].key)) return o;
    }
  }
  return null;
}

/** The base offset of the first batch two logs disagree on (offset, epoch, producer, records, control), or null. */
function firstDifference(a: readonly RecordBatch[], b: readonly RecordBatch[]): number | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) return (x ?? y).baseOffset;
    if (x === y) continue; // a follower appends the leader's batch object itself
    const xs = x.records; // built afresh on each read for a packed batch: read once
    const ys = y.records;
    if (x.baseOffset !== y.baseOffset || x.leaderEpoch !== y.leaderEpoch || x.producerId !== y.producerId || x.isControl !== y.isControl || xs.length !== ys.length) return Math.min(x.baseOffset, y.baseOffset);
    for (let j = 0; j < xs.length; j++) if (xs[j].value !== ys[j].value || xs[j].key !== ys[j].key) return x.baseOffset + j;
  }
  return null;
}

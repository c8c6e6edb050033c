import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Assignment, type AssignorMember, assign } from "../../src/index.js";

const key = (tp: { topic: string; partition: number }) => `${tp.topic}-${tp.partition}`;

/** A random group: topics with partition counts, members with subscriptions (possibly static). */
const group = fc
  .record({
    topics: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
    members: fc.array(fc.record({ subs: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), static: fc.boolean() }), { minLength: 1, maxLength: 7 }),
    uniform: fc.boolean(),
  })
  .map(({ topics, members, uniform }) => {
    const partitionsPerTopic = Object.fromEntries(topics.map((n, i) => [`t${i}`, n]));
    const names = Object.keys(partitionsPerTopic);
    const ms: Record<string, AssignorMember> = {};
    members.forEach((m, i) => {
      const chosen = uniform ? names : names.filter((_, j) => m.subs[j]);
      ms[`member-${i}`] = { topics: chosen.length ? chosen : [names[0]], ...(m.static ? { groupInstanceId: `instance-${(i * 7) % 11}-${i}` } : {}) };
    });
    return { partitionsPerTopic, members: ms };
  });

function checkValidity(a: Assignment, partitionsPerTopic: Record<string, number>, members: Record<string, AssignorMember>, everything: boolean) {
  const seen = new Set<string>();
  for (const [m, tps] of Object.entries(a))
    for (const tp of tps) {
      expect(members[m].topics).toContain(tp.topic);
      expect(seen.has(key(tp))).toBe(false); // no partition assigned to two members
      seen.add(key(tp));
    }
  if (everything) {
    const subscribed = new Set(Object.values(members).flatMap((m) => m.topics));
    for (const t of subscribed) for (let p = 0; p < (partitionsPerTopic[t] ?? 0); p++) expect(seen.has(`${t}-${p}`)).toBe(true);
  }
}

/** AbstractStickyAssignorTest.verifyValidityAndBalance: counts differ by > 1 only between members sharing no topic the bigger one holds. */
function checkBalance(a: Assignment, members: Record<string, AssignorMember>) {
  const ids = Object.keys(a);
  for (const x of ids)
    for (const y of ids) {
      if (a[x].length - a[y].length <= 1) continue;
      for (const tp of a[x]) expect(members[y].topics.includes(tp.topic)).toBe(false);
    }
}

const withOwned = (members: Record<string, AssignorMember>, a: Assignment) =>
  Object.fromEntries(Object.entries(members).map(([m, s]) => [m, { ...s, ownedPartitions: a[m] ?? [] }]));

describe("sticky assignors: the properties Kafka's AbstractStickyAssignorTest asserts", () => {
  it("sticky: valid, complete and balanced for any group; stable when nothing changes", () => {
    fc.assert(
      fc.property(group, ({ partitionsPerTopic, members }) => {
        const a = assign("sticky", partitionsPerTopic, members);
        checkValidity(a, partitionsPerTopic, members, true);
        checkBalance(a, members);
        expect(assign("sticky", partitionsPerTopic, withOwned(members, a))).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it("sticky: when a member leaves, the others keep what they owned if the result stays balanced (uniform subscriptions)", () => {
    fc.assert(
      fc.property(group, fc.nat(), ({ partitionsPerTopic, members }, pick) => {
        const all = Object.keys(partitionsPerTopic);
        const uniform = Object.fromEntries(Object.keys(members).map((m) => [m, { ...members[m], topics: all }]));
        const before = assign("sticky", partitionsPerTopic, uniform);
        const ids = Object.keys(uniform);
        if (ids.length < 2) return;
        const leaver = ids[pick % ids.length];
        const rest = withOwned(Object.fromEntries(ids.filter((m) => m !== leaver).map((m) => [m, uniform[m]])), before);
        const after = assign("sticky", partitionsPerTopic, rest);
        checkValidity(after, partitionsPerTopic, rest, true);
        checkBalance(after, rest);
        const total = Object.values(partitionsPerTopic).reduce((x, y) => x + y, 0);
        const maxQuota = Math.ceil(total / (ids.length - 1));
        for (const m of Object.keys(rest)) {
          const kept = after[m].filter((tp) => before[m].some((b) => key(b) === key(tp))).length;
          // A stayer loses owned partitions only above the new quota.
          expect(kept).toBe(Math.min(before[m].length, maxQuota, after[m].length));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("cooperative-sticky: never revokes and assigns one partition in the same round; converges within 4 rounds", () => {
    fc.assert(
      fc.property(group, group, ({ partitionsPerTopic, members }, other) => {
        // Start from some earlier, possibly unrelated, assignment: owned partitions from another group shape.
        const earlier = assign("roundrobin", partitionsPerTopic, Object.fromEntries(Object.keys(members).map((m, i) => [m, other.members[`member-${i}`] ?? members[m]])));
        let owned = Object.fromEntries(Object.keys(members).map((m) => [m, (earlier[m] ?? []).filter((tp) => members[m].topics.includes(tp.topic))]));
        for (let round = 0; round < 5; round++) {
          const a = assign("cooperative-sticky", partitionsPerTopic, withOwned(members, owned));
          checkValidity(a, partitionsPerTopic, members, false);
          const added = new Set(Object.entries(a).flatMap(([m, tps]) => tps.filter((tp) => !owned[m].some((o) => key(o) === key(tp))).map(key)));
          const revoked = new Set(Object.entries(owned).flatMap(([m, tps]) => tps.filter((tp) => !a[m].some((o) => key(o) === key(tp))).map(key)));
          for (const k of added) expect(revoked.has(k)).toBe(false); // verifyCooperativeValidity
          if (revoked.size === 0) {
            checkValidity(a, partitionsPerTopic, members, true);
            checkBalance(a, members);
            expect(round).toBeLessThanOrEqual(4);
            return;
          }
          owned = a;
        }
        throw new Error("did not converge within 4 follow-up rebalances");
      }),
      { numRuns: 300 },
    );
  });
});

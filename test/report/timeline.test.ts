import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import type { Moment } from "../../src/report/recorder/moments.js";
import { BRIEF_MAX_LINES, findingMoments, timelineLines } from "../../src/report/timeline.js";

const c = new Chalk({ level: 0 });
const m = (atUs: number, kind: Moment["kind"], text: string, subject: string, extra: Partial<Moment> = {}): Moment => ({ atUs, kind, text, subject, actors: [], ...extra });
const body = (lines: string[]) => lines.slice(1);

describe("the terminal timeline", () => {
  it("prints one line per moment with its virtual time (full)", () => {
    const lines = timelineLines([m(12_004_000, "fault", "crash broker-1", "broker-1 down and up"), m(19_184_000, "leader", "ledger-0 leader broker-1 -> broker-2", "ledger-0 leader changes")], "full", c);
    expect(body(lines)).toEqual(["    12.004s  FAULT       crash broker-1", "    19.184s  LEADER      ledger-0 leader broker-1 -> broker-2"]);
  });

  it("prints nothing with none, or with no moments", () => {
    expect(timelineLines([m(1, "fault", "x", "x")], "none", c)).toEqual([]);
    expect(timelineLines([], "brief", c)).toEqual([]);
  });

  it("brief: merges changes of one kind within 1ms into one line, not those further apart", () => {
    const lines = body(
      timelineLines(
        [
          m(5_000_000, "leader", "orders-0 leader broker-1 -> broker-2", "orders-0 leader changes", { merge: "leader", tp: "orders-0" }),
          m(5_000_400, "leader", "orders-1 leader broker-1 -> broker-3", "orders-1 leader changes", { merge: "leader", tp: "orders-1" }),
          m(5_000_900, "leader", "orders-2 leader broker-1 -> broker-2", "orders-2 leader changes", { merge: "leader", tp: "orders-2" }),
          m(9_000_000, "leader", "orders-0 leader broker-2 -> broker-1", "orders-0 leader changes", { merge: "leader", tp: "orders-0" }),
        ],
        "brief",
        c,
      ),
    );
    expect(lines).toEqual(["     5.000s  LEADER      orders-0 leader broker-1 -> broker-2  (the same for orders-1, orders-2)", "     9.000s  LEADER      orders-0 leader broker-2 -> broker-1"]);
  });

  it("brief: merged coordinator moves are named by their group, and only moves between the same brokers merge", () => {
    const move = (atUs: number, group: string, from: string, to: string) =>
      m(atUs, "coordinator", `group ${group}: coordinator moved from ${from} to ${to}`, `group ${group} coordinator moves`, { merge: `coordinator ${from} ${to}`, group, actors: [from, to] });
    const lines = body(timelineLines([move(3_000_000, "billing", "broker-4", "broker-5"), move(3_000_200, "audit", "broker-4", "broker-5"), move(3_000_300, "clicks", "broker-4", "broker-6")], "brief", c));
    expect(lines).toEqual([
      "     3.000s  COORDINATOR group billing: coordinator moved from broker-4 to broker-5  (the same for audit)",
      "     3.000s  COORDINATOR group clicks: coordinator moved from broker-4 to broker-6",
    ]);
  });

  it("brief: merged members of one group are named by member, not by their common group", () => {
    // Newcomer's finding: rebalance-storm printed "(the same for billing, billing)".
    const leave = (atUs: number, member: string) =>
      m(atUs, "member", `${member} did not poll within max.poll.interval.ms=5000: it leaves group billing`, "group billing members leaving", { merge: "poll-timeout billing", group: "billing", actors: [member] });
    const lines = body(timelineLines([leave(12_300_000, "member-1"), leave(12_300_200, "member-2"), leave(12_300_400, "member-3")], "brief", c));
    expect(lines).toEqual(["    12.300s  MEMBER      member-1 did not poll within max.poll.interval.ms=5000: it leaves group billing  (the same for member-2, member-3)"]);
  });

  it("brief: the cleaner's passes are shown once, then summed up; full shows each", () => {
    const clean = (s: number) => m(s * 1e6, "clean", `broker-1 cleaned t-0 below offset ${s * 100}: 5 records removed (900 -> 400 bytes)`, "t-0 cleaned", { tp: "t-0" });
    const all = [clean(3), clean(4), clean(5), clean(6)];
    expect(body(timelineLines(all, "brief", c))).toEqual([
      "     3.000s  CLEAN       broker-1 cleaned t-0 below offset 300: 5 records removed (900 -> 400 bytes)",
      "     4.000s  CLEAN       ... 3 more like these: t-0 cleaned, until 6.000s",
    ]);
    expect(body(timelineLines(all, "full", c))).toHaveLength(4);
  });

  it("brief: never merges moments without a merge key (a fault and a heal stay apart)", () => {
    const lines = body(timelineLines([m(1_000, "heal", "heal [a] | [b]", "partition [a] | [b]"), m(1_000, "heal", "restart b (incarnation 2)", "b down and up")], "brief", c));
    expect(lines).toHaveLength(2);
  });

  it("brief: a subject that repeats is shown six times, then summed up in one line", () => {
    const storm = Array.from({ length: 20 }, (_, i) => m((i + 1) * 1_000_000, "rebalance", `group g generation ${i + 1} is Stable`, "group g rebalances"));
    const lines = body(timelineLines(storm, "brief", c));
    expect(lines).toHaveLength(7);
    expect(lines[5]).toContain("generation 6 is Stable");
    expect(lines[6]).toBe("     7.000s  REBALANCE   ... 14 more like these: group g rebalances, until 20.000s");
  });

  it("brief: each check's findings are its first finding and a count", () => {
    const findings = findingMoments(
      [
        { name: "noLostAcknowledgedWrites", ok: false, details: [], findings: [{ message: "a lost", atUs: 2_000_000 }, { message: "b lost", atUs: 3_000_000 }, { message: "c lost" }] },
        { name: "noDuplicates", ok: true, details: [], findings: [] },
      ],
      10_000_000,
    );
    expect(findings.map((f) => f.atUs)).toEqual([2_000_000, 3_000_000, 10_000_000]); // no time: the end of the run
    const lines = body(timelineLines(findings, "brief", c));
    expect(lines).toEqual(["     2.000s  FINDING     noLostAcknowledgedWrites: a lost  (+2 more)"]);
  });

  it(`brief: at most ${BRIEF_MAX_LINES} lines, the least telling cut first, and says so`, () => {
    const many = Array.from({ length: 100 }, (_, i) => m(i * 1_000_000, "member", `member ${i} left`, `member ${i}`));
    many.push(m(50_500_000, "fault", "crash broker-1", "broker-1 down and up"), ...findingMoments([{ name: "noX", ok: false, details: [], findings: [{ message: "x", atUs: 70_500_000 }] }], 100e6));
    const lines = body(timelineLines(many, "brief", c));
    expect(lines).toHaveLength(BRIEF_MAX_LINES + 1);
    expect(lines.some((l) => l.includes("crash broker-1"))).toBe(true);
    expect(lines.some((l) => l.includes("FINDING"))).toBe(true);
    expect(lines[lines.length - 1]).toBe("  ... 62 more line(s) of lesser moments left out (--timeline full shows every moment)");
  });

  it("brief: leaves out internal topics' partitions, but not their truncations", () => {
    const lines = body(
      timelineLines(
        [m(1, "leader", "__consumer_offsets-3 leader a -> b", "x", { internal: true }), m(2, "truncate", "b truncated __consumer_offsets-3", "y", { internal: true })],
        "brief",
        c,
      ),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("TRUNCATE");
  });

  it("brief: leaves out routine steps (a transactional producer's epoch moving on), full keeps them", () => {
    const moments = [m(1, "producer", "app has producer id 7, epoch 0", "app producer id and epoch"), m(2, "producer", "app's epoch moves on to 1 (producer id 7)", "app epoch steps", { routine: true })];
    expect(body(timelineLines(moments, "brief", c))).toHaveLength(1);
    expect(body(timelineLines(moments, "full", c))).toHaveLength(2);
  });
});

import type { AssignorMember } from "../../src/index.js";

/** "t1-0, t1-1" → [{ topic: "t1", partition: 0 }, …]; "" → []. The partition is the number after the last dash. */
export const parts = (s: string) =>
  s === ""
    ? []
    : s.split(",").map((x) => {
        const [topic, p] = x.trim().split(/-(?=\d+$)/);
        return { topic, partition: Number(p) };
      });

/** A member subscribed to `topics`, with any other AssignorMember fields (ownedPartitions, groupInstanceId…). */
export const subs = (topics: string[], extra: Partial<AssignorMember> = {}): AssignorMember => ({ topics, ...extra });

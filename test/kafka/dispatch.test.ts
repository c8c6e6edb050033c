import { describe, expect, it } from "vitest";
import { dispatch, type Handlers, isMessageOf } from "../../src/kafka/protocol/dispatch.js";

interface Msgs {
  Ping: { type: "Ping"; n: number };
  Pong: { type: "Pong"; s: string };
}

describe("typed dispatch at an actor's door (isMessageOf)", () => {
  const seen: string[] = [];
  const handlers: Handlers<Msgs> = {
    Ping: (_from, m) => seen.push(`ping ${m.n}`),
    Pong: (_from, m) => seen.push(`pong ${m.s}`),
  };
  const receive = (msg: unknown) => {
    if (isMessageOf(handlers, msg)) dispatch(handlers, msg.type, "peer", msg, 0);
  };

  it("hands a message whose type the table serves to its handler, typed", () => {
    receive({ type: "Ping", n: 7 });
    receive({ type: "Pong", s: "x" });
    expect(seen).toEqual(["ping 7", "pong x"]);
  });

  it("drops what is not a message of the table: another API, no type, not an object, an inherited key", () => {
    seen.length = 0;
    for (const m of [{ type: "Fetch" }, { n: 1 }, "Ping", null, 42, { type: "toString" }]) receive(m);
    expect(seen).toEqual([]);
  });
});

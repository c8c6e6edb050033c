import { describe, expect, it } from "vitest";
import { type Actor, type ActorContext, Simulation } from "../../src/sim/index.js";
import { recorder } from "../support/actors.js";

describe("actor lifecycle", () => {
  it("a paused actor processes nothing; its messages wait and its timers fire late after resume", () => {
    const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: 1000 } } });
    const log: string[] = [];
    sim.addActor("p", (ctx) => ({ ...recorder(log)(ctx), onStart: () => ctx.setTimer(100, "t100") }));
    sim.addActor("q", (ctx) => ({ onMessage: () => {}, onTimer: () => {}, onStart: () => ctx.setTimer(50, "x") }));
    sim.addActor("s", (ctx) => ({ onMessage: () => {}, onTimer: () => ctx.send("p", "hello"), onStart: () => ctx.setTimer(200, "go") }));
    sim.at(10_000, () => sim.pause("p"));
    sim.at(500_000, () => sim.resume("p"));
    sim.run(1_000_000);
    // The timer due at 100ms and the message due at 201ms both run at the resume instant, in their original order.
    expect(log).toEqual(['500000 p timer "t100"', '500000 p msg s "hello"']);
  });

  it("a cancelled timer, or one of a stopped process, leaves the queue: it costs no event and no digest fold", () => {
    const run = (cancel: boolean) => {
      const sim = new Simulation({ seed: 1 });
      sim.addActor("c", (ctx) => {
        const t = ctx.timer(() => {});
        return {
          onStart: () => {
            // A request timeout set per request and cancelled by its answer, as the clients do.
            for (let i = 0; i < 100; i++) {
              const id = t.set(30, undefined);
              if (cancel) t.cancel(id);
            }
            ctx.setTimer(1, "crash-me");
          },
          onMessage: () => {},
          onTimer: () => {},
        };
      });
      sim.addActor("d", (ctx) => ({ onStart: () => ctx.setTimer(60, "later"), onMessage: () => {}, onTimer: () => {} }));
      sim.at(5_000, () => sim.crash("d"));
      return sim.run(100_000);
    };
    const cancelled = run(true);
    const kept = run(false);
    // Both runs: the starts, the 1-ms timer, the crash. The second also fires its hundred 30-ms timers; neither fires
    // d's 60-ms timer, which left the queue when d crashed.
    expect(kept.events - cancelled.events).toBe(100);
    // The two starts, c's 1-ms timer and the crash: d's timer would be a fifth.
    expect(cancelled.events).toBe(4);
  });

  it("a component's own timer calls it back with its payload; a cancelled one calls nothing; a paused one fires late", () => {
    const sim = new Simulation({ seed: 1 });
    const fired: string[] = [];
    sim.addActor("c", (ctx) => {
      // Two components of one actor, each with its timer and its own payload type: nobody routes or parses tags.
      const retries = ctx.timer((attempt: number) => fired.push(`${ctx.nowUs} retry ${attempt}`));
      const expiries = ctx.timer((member: { group: string; id: string }) => fired.push(`${ctx.nowUs} expire ${member.group}/${member.id}`));
      return {
        onStart: () => {
          retries.set(10, 1);
          const cancelled = retries.set(20, 2);
          expiries.set(30, { group: "g", id: "m-1" });
          retries.cancel(cancelled);
        },
        onMessage: () => {},
      };
    });
    sim.at(25_000, () => sim.pause("c"));
    sim.at(100_000, () => sim.resume("c"));
    sim.run(1_000_000);
    expect(fired).toEqual(["10000 retry 1", "100000 expire g/m-1"]);
  });

  it("crash loses volatile state, timers and in-flight deliveries; restart rebuilds from the factory and disk", () => {
    const sim = new Simulation({ seed: 1 });
    const log: string[] = [];
    let volatileCount = 0;
    const counter = (ctx: ActorContext): Actor => {
      let volatile = 0;
      return {
        onStart: () => {
          ctx.disk.kv.put("starts", (ctx.disk.kv.get<number>("starts") ?? 0) + 1);
          ctx.disk.kv.fsync();
          log.push(`start ${ctx.incarnation} disk-starts=${ctx.disk.kv.get("starts")} volatile=${volatile}`);
          ctx.setTimer(100, "tick");
        },
        onMessage: () => {},
        onTimer: () => {
          volatile++;
          volatileCount = volatile;
          ctx.setTimer(100, "tick");
        },
      };
    };
    sim.addActor("c", counter);
    sim.at(550_000, () => sim.crash("c"));
    sim.at(2_000_000, () => sim.restart("c"));
    sim.run(2_250_000);
    expect(log).toEqual(["start 1 disk-starts=1 volatile=0", "start 2 disk-starts=2 volatile=0"]);
    expect(volatileCount).toBe(2); // 5 ticks before the crash, then 2 after the restart; nothing while down
  });

  it("an unclean crash can lose un-fsynced writes; a clean shutdown never does", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addActor("d", (ctx) => ({
      onStart: () => {
        ctx.disk.kv.put("durable", 1);
        ctx.disk.kv.fsync();
        ctx.disk.kv.put("pending", 1);
      },
      onMessage: () => {},
      onTimer: () => {},
    }));
    sim.addActor("e", (ctx) => ({ onStart: () => ctx.disk.kv.put("pending", 1), onMessage: () => {}, onTimer: () => {} }));
    sim.at(1000, () => sim.crash("d", true));
    sim.at(1000, () => sim.shutdown("e"));
    sim.run(10_000);
    expect(sim.diskOf("d").kv.get("durable")).toBe(1);
    expect(sim.diskOf("d").kv.get("pending")).toBeUndefined();
    expect(sim.diskOf("e").kv.get("pending")).toBe(1);
  });

  it("messages to a crashed process are dropped, even if it restarts first; the sender is told its connection was reset", () => {
    const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: 10_000 } } });
    const log: string[] = [];
    const senderLog: string[] = [];
    sim.addActor("r", recorder(log));
    sim.addActor("s", (ctx) => ({ onStart: () => ctx.send("r", "lost"), onMessage: (from, m) => senderLog.push(`${ctx.nowUs} ${from} ${JSON.stringify(m)}`), onTimer: () => {} }));
    sim.at(1000, () => sim.crash("r"));
    sim.at(2000, () => sim.restart("r"));
    sim.run(100_000);
    expect(log.filter((l) => l.includes("msg"))).toEqual([]);
    expect(senderLog).toEqual(['20000 r {"type":"Disconnected"}']);
  });

  it("a process crash resets its peers' connections; a machine going down (power loss) tells nobody", () => {
    const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: 1000 } } });
    const heard: string[] = [];
    sim.addActor("server", (ctx) => ({ onMessage: () => {}, onTimer: () => {} }));
    sim.addActor("server2", (ctx) => ({ onMessage: () => {}, onTimer: () => {} }));
    sim.addActor("client", (ctx) => ({
      onStart: () => {
        ctx.send("server", "hello");
        ctx.send("server2", "hello");
      },
      onMessage: (from, m) => heard.push(`${ctx.nowUs} ${from} ${JSON.stringify(m)}`),
      onTimer: () => {},
    }));
    sim.at(10_000, () => sim.crash("server"));
    sim.at(10_000, () => sim.crash("server2", true));
    sim.run(100_000);
    expect(heard).toEqual(['11000 server {"type":"Disconnected"}']);
  });

  it("the event budget stops a livelock and says so", () => {
    const sim = new Simulation({ seed: 1, maxEvents: 1000, network: { latency: { model: "constant", valueUs: 0 } } });
    const ping = (peer: string) => (ctx: ActorContext): Actor => ({
      onStart: () => ctx.send(peer, "ping"),
      onMessage: () => ctx.send(peer, "ping"),
      onTimer: () => {},
    });
    sim.addActor("a", ping("b"));
    sim.addActor("b", ping("a"));
    const out = sim.run(1_000_000);
    expect(out.status).toBe("event-limit");
    expect(out.events).toBe(1000);
    expect(out.simulatedUs).toBe(0);
  });

  it("an actor that exits stops as a crashed one (timers gone, peers told, disk kept) and stays down until started", () => {
    const run = (how: "exit" | "crash") => {
      const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: 1000 } } });
      const log: string[] = [];
      const types: string[] = [];
      sim.observe((r) => r.actor === "p" && types.push(`${r.t} ${r.actor} ${r.type}${r.data ? " " + JSON.stringify(r.data) : ""}`), ["sim.exit", "sim.crash", "sim.start"]);
      sim.addActor("server", (ctx) => ({ onMessage: () => {}, onConnection: (_c, peer, event) => log.push(`${ctx.nowUs} server ${event} ${peer}`) }));
      sim.addActor("p", (ctx) => ({
        onStart: () => {
          ctx.connect("server");
          ctx.disk.open("state", () => ({ starts: 0 })).starts++;
          ctx.setTimer(30, "later");
          if (how === "exit" && ctx.incarnation === 1) ctx.setTimer(10, "exit");
        },
        onMessage: () => {},
        onConnection: () => {},
        onTimer: (tag) => {
          log.push(`${ctx.nowUs} p timer ${String(tag)}`);
          if (tag === "exit") ctx.exit(1);
        },
      }));
      if (how === "crash") sim.at(10_000, () => sim.crash("p"));
      sim.at(50_000, () => sim.start("p"));
      sim.run(200_000);
      return { log, types, status: sim.status("p"), starts: (sim.diskOf("p").open("state", () => ({ starts: 0 })) as { starts: number }).starts };
    };
    const exited = run("exit");
    const crashed = run("crash");
    // The exit at 10 ms: its 30-ms timer never fires; the server's connection is reset as after a crash; the start at
    // 50 ms brings it back (its disk kept), and the new life's timer fires.
    expect(exited.log).toEqual(["10000 p timer exit", "11000 server reset p", "80000 p timer later"]);
    expect(exited.types).toEqual(['0 p sim.start {"incarnation":1}', '10000 p sim.exit {"status":1}', '50000 p sim.start {"incarnation":2}']);
    expect(crashed.log.filter((l) => l.includes("server"))).toEqual(exited.log.filter((l) => l.includes("server")));
    expect(crashed.types[1]).toBe('10000 p sim.crash {"loseUnflushed":false}');
    expect(exited.status).toBe("running");
    expect(exited.starts).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import { type Actor, type ActorContext, type ConnectionId, Simulation } from "../../src/sim/index.js";

/**
 * The engine's TCP connections (src/sim/tcp.ts), told as small stories: a client process and a server process on
 * links with a constant 1 ms latency, and a log of what each saw and when (µs).
 */

const MS = 1000;

interface Client {
  ctx: ActorContext;
  log: string[];
}

/** A server that logs what it receives and answers `ping` with `pong` on the same connection. */
function server(log: string[]) {
  return (ctx: ActorContext): Actor => ({
    onMessage: (from, msg, conn) => {
      const m = msg as { type: string; n?: number };
      log.push(`${ctx.nowUs} ${ctx.name} got ${m.type}${m.n !== undefined ? m.n : ""} from ${from} on ${conn}`);
      if (m.type === "ping") ctx.write(conn, { type: "pong", n: m.n });
    },
    onConnection: (conn, peer, event) => log.push(`${ctx.nowUs} ${ctx.name} ${event} ${peer} ${conn}`),
  });
}

/** A client whose context the test drives from `sim.at` callbacks. */
function client(holder: { c?: Client }, log: string[]) {
  return (ctx: ActorContext): Actor => {
    holder.c = { ctx, log };
    return {
      onMessage: (from, msg, conn) => {
        const m = msg as { type: string; n?: number };
        log.push(`${ctx.nowUs} ${ctx.name} got ${m.type}${m.n !== undefined ? m.n : ""} from ${from} on ${conn}`);
      },
      onConnection: (conn, peer, event) => log.push(`${ctx.nowUs} ${ctx.name} ${event} ${peer} ${conn}`),
    };
  };
}

function world(seed = 1) {
  const sim = new Simulation({ seed, network: { latency: { model: "constant", valueUs: MS } } });
  const log: string[] = [];
  const holder: { c?: Client } = {};
  sim.addActor("server", server(log));
  sim.addActor("client", client(holder, log));
  return { sim, log, c: () => holder.c!.ctx };
}

describe("TCP connections", () => {
  it("a connection opens after one round trip and carries messages both ways, in order", () => {
    const { sim, log, c } = world();
    let conn: ConnectionId = -1;
    sim.at(10 * MS, () => (conn = c().connect("server")));
    sim.at(20 * MS, () => {
      for (let n = 0; n < 3; n++) c().write(conn, { type: "ping", n });
    });
    sim.run(100 * MS);
    expect(log).toEqual([
      "12000 client connected server 0",
      "21000 server got ping0 from client on 1",
      "21000 server got ping1 from client on 1",
      "21000 server got ping2 from client on 1",
      "22000 client got pong0 from server on 0",
      "22000 client got pong1 from server on 0",
      "22000 client got pong2 from server on 0",
    ]);
  });

  it("a connection to a host whose process is down is refused after a round trip", () => {
    const { sim, log, c } = world();
    sim.at(1 * MS, () => sim.crash("server"));
    sim.at(10 * MS, () => c().connect("server"));
    sim.run(100 * MS);
    expect(log).toEqual(["12000 client refused server 0"]);
  });

  it("a process whose listening socket is closed (ctx.listen(false)) refuses connections, while its own go out; listening again, it accepts", () => {
    const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: MS } } });
    const log: string[] = [];
    const srv: { c?: Client } = {};
    const cli: { c?: Client } = {};
    sim.addActor("server", client(srv, log));
    sim.addActor("client", client(cli, log));
    sim.at(1 * MS, () => srv.c!.ctx.listen(false));
    sim.at(10 * MS, () => cli.c!.ctx.connect("server"));
    sim.at(20 * MS, () => srv.c!.ctx.connect("client"));
    sim.at(30 * MS, () => srv.c!.ctx.listen(true));
    sim.at(40 * MS, () => cli.c!.ctx.connect("server"));
    sim.run(100 * MS);
    expect(log).toEqual(["12000 client refused server 0", "22000 server connected client 2", "42000 client connected server 4"]);
  });

  it("a restarted process listens again, whatever its previous life said", () => {
    const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: MS } } });
    const log: string[] = [];
    const srv: { c?: Client } = {};
    const cli: { c?: Client } = {};
    sim.addActor("server", client(srv, log));
    sim.addActor("client", client(cli, log));
    sim.at(1 * MS, () => srv.c!.ctx.listen(false));
    sim.at(2 * MS, () => sim.crash("server"));
    sim.at(3 * MS, () => sim.restart("server"));
    sim.at(10 * MS, () => cli.c!.ctx.connect("server"));
    sim.run(100 * MS);
    expect(log).toEqual(["12000 client connected server 0"]);
  });

  it("a SYN to a host that is down, or across a cut, is retried (1 s, 2 s, ...) and gets through after the heal", () => {
    const { sim, log, c } = world();
    let heal = () => {};
    sim.at(0, () => (heal = sim.partition([["client"], ["server"]])));
    sim.at(10 * MS, () => c().connect("server"));
    sim.at(2_500 * MS, () => heal());
    sim.run(10_000 * MS);
    // SYN lost at 11 ms; retried at 1011 ms (lost), at 3011 ms (through): the handshake completes at 3013 ms.
    expect(log).toEqual(["3013000 client connected server 0"]);
  });

  it("bytes sent across a cut are held and retransmitted (RTO 200 ms, doubling), delivered in order after the heal", () => {
    const { sim, log, c } = world();
    let conn: ConnectionId = -1;
    let heal = () => {};
    sim.at(0, () => (conn = c().connect("server")));
    sim.at(10 * MS, () => (heal = sim.partitionOneWay(["client"], ["server"])));
    sim.at(20 * MS, () => {
      c().write(conn, { type: "ping", n: 1 });
      c().write(conn, { type: "ping", n: 2 });
    });
    sim.at(1_000 * MS, () => heal());
    sim.run(10_000 * MS);
    // Lost at 21 ms; retransmissions at 221, 621, 1421 ms: the first after the heal (1000 ms) delivers both.
    expect(log).toEqual([
      "2000 client connected server 0",
      "1422000 server got ping1 from client on 1",
      "1422000 server got ping2 from client on 1",
      "1423000 client got pong1 from server on 0",
      "1423000 client got pong2 from server on 0",
    ]);
  });

  it("what was sent after a lost segment waits for it at the receiver, even if it got through", () => {
    const { sim, log, c } = world();
    let conn: ConnectionId = -1;
    let heal = () => {};
    sim.at(0, () => (conn = c().connect("server")));
    sim.at(10 * MS, () => {
      heal = sim.partitionOneWay(["client"], ["server"]);
      c().write(conn, { type: "ping", n: 1 }); // arrives at 11 ms: lost
    });
    sim.at(11.5 * MS, () => heal());
    sim.at(11 * MS, () => c().write(conn, { type: "ping", n: 2 })); // arrives at 12 ms: kept until 1 comes
    sim.run(1_000 * MS);
    expect(log.filter((l) => l.includes("server got"))).toEqual(["212000 server got ping1 from client on 1", "212000 server got ping2 from client on 1"]);
  });

  it("a message on an old connection can arrive after messages on a newer one", () => {
    const { sim, log, c } = world();
    let old: ConnectionId = -1;
    let fresh: ConnectionId = -1;
    let release = () => {};
    sim.at(0, () => (old = c().connect("server")));
    sim.at(10 * MS, () => (release = sim.hold("client", "server", "commit")));
    sim.at(20 * MS, () => {
      c().write(old, { type: "commit", n: 1 });
      c().write(old, { type: "note", n: 1 }); // behind the held commit on the same connection
      c().close(old); // the client gives up on it: FIN after the data
      fresh = c().connect("server");
    });
    sim.at(30 * MS, () => c().write(fresh, { type: "note", n: 2 }));
    sim.at(100 * MS, () => release());
    sim.run(1_000 * MS);
    expect(log.filter((l) => /^\d+ server /.test(l))).toEqual([
      "31000 server got note2 from client on 3",
      "101000 server got commit1 from client on 1",
      "101000 server got note1 from client on 1",
      "101000 server closed client 1",
    ]);
  });

  it("data unacknowledged past the user timeout resets the connection", () => {
    const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: MS } }, tcpUserTimeoutUs: 5_000 * MS });
    const log: string[] = [];
    const holder: { c?: Client } = {};
    sim.addActor("server", server(log));
    sim.addActor("client", client(holder, log));
    let conn: ConnectionId = -1;
    sim.at(0, () => (conn = holder.c!.ctx.connect("server")));
    sim.at(10 * MS, () => sim.partition([["client"], ["server"]]));
    sim.at(20 * MS, () => holder.c!.ctx.write(conn, { type: "ping", n: 1 }));
    sim.run(60_000 * MS);
    // Lost at 21 ms; retries at 0.2, 0.6, 1.4, 3.0, 6.2 s after: the one due 6.2 s later gives up (> 5 s).
    expect(log).toEqual(["2000 client connected server 0", "6221000 client timeout server 0"]);
  });

  it("closing sends FIN after the data; the peer's end closes too", () => {
    const { sim, log, c } = world();
    let conn: ConnectionId = -1;
    sim.at(0, () => (conn = c().connect("server")));
    sim.at(10 * MS, () => {
      c().write(conn, { type: "note", n: 1 });
      c().close(conn);
    });
    sim.run(100 * MS);
    expect(log).toEqual(["2000 client connected server 0", "11000 server got note1 from client on 1", "11000 server closed client 1"]);
  });

  it("a process crash resets its connections after what is on the wire; the peer learns one latency later", () => {
    const { sim, log, c } = world();
    let conn: ConnectionId = -1;
    sim.at(0, () => (conn = c().connect("server")));
    sim.at(10 * MS, () => c().write(conn, { type: "ping", n: 1 })); // pong leaves the server at 11 ms
    sim.at(11.5 * MS, () => sim.crash("server"));
    sim.run(100 * MS);
    expect(log).toEqual(["2000 client connected server 0", "11000 server got ping1 from client on 1", "12000 client got pong1 from server on 0", "12500 client reset server 0"]);
  });

  it("a power loss tells nobody; the rebooted host answers the next retransmission with a reset", () => {
    const { sim, log, c } = world();
    let conn: ConnectionId = -1;
    sim.at(0, () => (conn = c().connect("server")));
    sim.at(10 * MS, () => sim.crash("server", true));
    sim.at(20 * MS, () => c().write(conn, { type: "ping", n: 1 })); // lost at 21 ms: host down
    sim.at(500 * MS, () => sim.restart("server"));
    sim.run(10_000 * MS);
    // Retransmissions at 221 ms (host still down) and 621 ms (rebooted: reset, back at 623 ms).
    expect(log).toEqual(["2000 client connected server 0", "623000 client reset server 0"]);
  });

  it("a hold keeps one type of message (and what follows it on its connection) until released, then delivers in order", () => {
    const { sim, log, c } = world();
    let conn: ConnectionId = -1;
    let release = () => {};
    sim.at(0, () => (conn = c().connect("server")));
    sim.at(5 * MS, () => (release = sim.hold("client", "server", "commit")));
    sim.at(10 * MS, () => {
      c().write(conn, { type: "ping", n: 1 });
      c().write(conn, { type: "commit", n: 2 });
      c().write(conn, { type: "ping", n: 3 });
    });
    sim.at(50 * MS, () => release());
    sim.run(100 * MS);
    expect(log.filter((l) => l.includes("server got"))).toEqual([
      "11000 server got ping1 from client on 1",
      "51000 server got commit2 from client on 1",
      "51000 server got ping3 from client on 1",
    ]);
  });

  it("a loss resets the connection: both ends are told, and the next connection works", () => {
    const sim = new Simulation({ seed: 3, network: { latency: { model: "constant", valueUs: MS } } });
    const log: string[] = [];
    const holder: { c?: Client } = {};
    sim.addActor("server", server(log));
    sim.addActor("client", client(holder, log));
    let conn: ConnectionId = -1;
    sim.at(0, () => (conn = holder.c!.ctx.connect("server")));
    sim.at(10 * MS, () => {
      sim.setLink("client", "server", { lossRate: 1 });
      holder.c!.ctx.write(conn, { type: "ping", n: 1 });
      sim.setLink("client", "server", { lossRate: 0 });
    });
    sim.at(20 * MS, () => {
      conn = holder.c!.ctx.connect("server");
    });
    sim.at(30 * MS, () => holder.c!.ctx.write(conn, { type: "ping", n: 2 }));
    sim.run(100 * MS);
    expect(log).toEqual([
      "2000 client connected server 0",
      "11000 client reset server 0",
      "11000 server reset client 1",
      "22000 client connected server 2",
      "31000 server got ping2 from client on 3",
      "32000 client got pong2 from server on 2",
    ]);
  });

  it("a paused process gets its connection's messages and notices after it resumes, in order", () => {
    const { sim, log, c } = world();
    let conn: ConnectionId = -1;
    sim.at(0, () => (conn = c().connect("server")));
    sim.at(10 * MS, () => sim.pause("server"));
    sim.at(11 * MS, () => {
      c().write(conn, { type: "note", n: 1 });
      c().close(conn);
    });
    sim.at(50 * MS, () => sim.resume("server"));
    sim.run(100 * MS);
    expect(log.filter((l) => /^\d+ server /.test(l))).toEqual(["50000 server got note1 from client on 1", "50000 server closed client 1"]);
  });
});

describe("clean shutdown", () => {
  it("an actor may finish its work first (done), within the bound it gives; then its connections close", () => {
    const sim = new Simulation({ seed: 1, network: { latency: { model: "constant", valueUs: MS } } });
    const log: string[] = [];
    const holder: { c?: Client } = {};
    sim.addActor("server", server(log));
    sim.addActor("client", (ctx) => ({
      ...client(holder, log)(ctx),
      onShutdown: (done) => {
        ctx.timer(() => done()).set(30);
        return 1000;
      },
    }));
    sim.at(0, () => holder.c!.ctx.connect("server"));
    sim.at(10 * MS, () => sim.shutdown("client"));
    sim.at(20 * MS, () => expect(sim.status("client")).toBe("running"));
    sim.run(100 * MS);
    expect(sim.status("client")).toBe("down");
    expect(log).toEqual(["2000 client connected server 0", "41000 server closed client 1"]);
  });

  it("the bound stops an actor that never finishes", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addActor("a", () => ({ onMessage: () => {}, onShutdown: () => 500 }));
    sim.at(0, () => sim.shutdown("a"));
    sim.at(499 * MS, () => expect(sim.status("a")).toBe("running"));
    sim.run(1_000 * MS);
    expect(sim.status("a")).toBe("down");
  });
});

import type { ConnectionId } from "../../sim/index.js";

/**
 * Typed dispatch of protocol messages (the shape of Kafka's `KafkaApis.handle`: one handler per API key). A
 * message map names, for each `type` an actor serves, the request it is; a handler table has one handler per
 * type, so the compiler proves every request an actor can receive is handled, and each handler gets its request
 * typed, without casts, with the connection it came on (the answer goes back on it, as Kafka's RequestChannel does).
 */

/** A map from message `type` to message: each entry's `type` is its key. */
export type MessageMap<M> = { [K in keyof M]: { type: K } };

/** One handler per message type of `M`; `conn` is the connection the request came on. */
export type Handlers<M> = { [K in keyof M]: (from: string, msg: M[K], conn: ConnectionId) => void };

/** Any message of the map. */
export type MessageOf<M> = M[keyof M];

/** Calls the handler of `msg`'s type: `dispatch(handlers, msg.type, from, msg, conn)`. */
export function dispatch<M extends MessageMap<M>, K extends keyof M>(handlers: Handlers<M>, type: K, from: string, msg: M[K], conn: ConnectionId): void {
  handlers[type](from, msg, conn);
}

/**
 * Whether `msg`, as the engine hands it over (unknown), is a message some handler of the table serves: an object
 * whose `type` is one of the table's keys. An actor drops anything else (a Kafka broker closes the connection on an
 * API it does not know; the model's peers never send one).
 */
export function isMessageOf<M extends MessageMap<M>>(handlers: Handlers<M>, msg: unknown): msg is MessageOf<M> {
  return typeof msg === "object" && msg !== null && "type" in msg && typeof msg.type === "string" && Object.hasOwn(handlers, msg.type);
}

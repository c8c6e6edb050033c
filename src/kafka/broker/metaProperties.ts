import { type ActorContext, KeyValueFile } from "../../sim/index.js";

/**
 * A log directory's `meta.properties` (Kafka `MetaProperties`, KIP-858): here the one field the model reads, the
 * directory's `directory.id`. A broker's log directory has none until it is formatted: `kafka-storage.sh format`
 * (Kafka `Formatter`) or, for a directory that has a meta.properties without one, `KafkaRaftServer.initializeLogDirs`
 * (`MetaPropertiesEnsemble.Copier.generateValidDirectoryId`) writes a new random id. The model formats an empty
 * directory at the broker's start, as the operator does before starting a broker on a new disk: so a replaced disk
 * (the `replaceDisk` fault) comes back with a new directory.id, which the broker sends in its BrokerRegistration's
 * LogDirs. Simplification: one log directory per broker (log.dirs with one entry), holding the metadata log too.
 */
export class MetaProperties {
  /** The log directory's directory.id: 22 characters, Kafka's `Uuid.toString()` (base64url of 16 bytes, no padding). */
  readonly directoryId: string;

  constructor(ctx: ActorContext) {
    const file = ctx.disk.open("meta/meta.properties", () => new KeyValueFile());
    const stored = file.get<string>("directory.id");
    if (stored !== undefined) this.directoryId = stored;
    else {
      this.directoryId = newDirectoryId(ctx);
      file.put("directory.id", this.directoryId);
      file.fsync();
      // A disk formatted after the broker's first start replaced one: the producer ids the old disk counted were
      // handed out all the same (see producerIdAllocator).
      if (ctx.incarnation > 1) {
        ctx.disk.kv.put("producer-id.start", ctx.incarnation * 100_000);
        ctx.disk.kv.fsync();
      }
    }
  }
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * A random directory id from the broker's own `directory.id` stream (Kafka `Uuid.randomUuid`). 128 random bits are
 * never one of DirectoryId's reserved ids (UNASSIGNED, LOST, MIGRATING: the first 100 ids), which
 * `generateValidDirectoryId` redraws.
 */
function newDirectoryId(ctx: ActorContext): string {
  const r = ctx.stream("directory.id");
  let bits = 0;
  let acc = 0;
  let out = "";
  for (let i = 0; i < 16; i++) {
    acc = (acc << 8) | r.int(256);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += BASE64URL[(acc >> bits) & 63];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE64URL[(acc << (6 - bits)) & 63];
  return out;
}

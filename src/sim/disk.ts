/**
 * Durable state an actor keeps across crashes. A resident object is opened by name and survives the actor's
 * volatile state; on an unclean crash that asks for it, `loseUnflushed()` is called so the object can drop what it
 * had not fsynced (e.g. a partition log's tail past its flush point).
 */
export interface DiskResident {
  /** Drop writes not yet flushed (unclean crash with data loss). */
  loseUnflushed(): void;
  /** Make everything durable (clean shutdown). */
  flush(): void;
}

/** A small key-value file with an fsync point: `put` is volatile until `fsync`. */
export class KeyValueFile implements DiskResident {
  private readonly durable = new Map<string, unknown>();
  private readonly pending = new Map<string, unknown>();

  get<T>(key: string): T | undefined {
    if (this.pending.has(key)) return this.pending.get(key) as T;
    return this.durable.get(key) as T | undefined;
  }

  put(key: string, value: unknown): void {
    this.pending.set(key, value);
  }

  fsync(): void {
    for (const [k, v] of this.pending) this.durable.set(k, v);
    this.pending.clear();
  }

  loseUnflushed(): void {
    this.pending.clear();
  }

  flush(): void {
    this.fsync();
  }
}

export class Disk {
  private readonly residents = new Map<string, unknown>();

  /** Opens (or creates on first use) a named durable object. */
  open<T>(name: string, create: () => T): T {
    let r = this.residents.get(name) as T | undefined;
    if (r === undefined) {
      r = create();
      this.residents.set(name, r);
    }
    return r;
  }

  /** The key-value file every actor has. */
  get kv(): KeyValueFile {
    return this.open("kv", () => new KeyValueFile());
  }

  names(): string[] {
    return [...this.residents.keys()];
  }

  /** Deletes a named durable object (a log directory removed): the next `open` creates it afresh. */
  delete(name: string): void {
    this.residents.delete(name);
  }

  /**
   * The disk is replaced by a new, empty one: every resident object is gone, flushed or not. Objects opened after
   * this start empty (`open` creates them afresh). Only for an actor that is down.
   */
  wipe(): void {
    this.residents.clear();
  }

  loseUnflushed(): void {
    for (const r of this.residents.values()) (r as Partial<DiskResident>).loseUnflushed?.();
  }

  flush(): void {
    for (const r of this.residents.values()) (r as Partial<DiskResident>).flush?.();
  }
}

import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** What readBounded read. */
export interface BoundedRead {
  /** The file's first bytes: all of them, or `limit` + 1 when it holds more. */
  bytes: Buffer;
  /** Whether the file holds more than `limit` bytes. */
  over: boolean;
  /** The file's length in bytes when it is a regular file; null for a device, pipe or socket (its length is unknown). */
  size: number | null;
}

const CHUNK = 64 * 1024;

/**
 * The largest history (`check`) or shard file (`merge`) read: a little under what one JavaScript string can hold
 * (about 512 Mi characters), and far past a long Jepsen run's history.edn. A larger file, or one that never ends, is
 * refused.
 */
export const MAX_LARGE_INPUT_BYTES = 500 * 1024 * 1024;

/**
 * Reads at most `limit` + 1 bytes of a file, so an input that never ends (`/dev/zero`, `/dev/urandom`, a pipe fed
 * without end) cannot keep a command reading, and filling memory, without end; a pipe or process substitution that
 * ends (`run <(sed ... s.yaml)`) is read as a file. Throws what openSync and readSync throw (ENOENT, EISDIR, EACCES),
 * for the caller to name.
 */
export function readBounded(path: string, limit: number): BoundedRead {
  const fd = openSync(path, "r");
  try {
    const st = fstatSync(fd);
    const size = st.isFile() ? st.size : null;
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= limit) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
    }
    return { bytes: Buffer.concat(chunks, total), over: total > limit, size };
  } finally {
    closeSync(fd);
  }
}

/**
 * How a read past its limit is named in the refusal: `is N bytes` for a regular file (its length known), `holds more
 * than LIMIT` for a device, pipe or socket (`limitLabel`, e.g. "1 MiB").
 */
export function overLimit(read: BoundedRead, limitLabel: string): string {
  return read.size !== null ? `is ${read.size} bytes` : `holds more than ${limitLabel}`;
}

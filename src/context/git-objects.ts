import { existsSync, openSync, readdirSync, readFileSync, readSync, closeSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";

/**
 * The committer time of `commit` (ISO 8601, UTC), read from a `.git` directory's object
 * store without git: a loose object, or one in a pack (idx v2), deltas applied. For where
 * git is not installed but the repository's files are: the Dagger module runs it in its
 * node tool image over the source's `.git`. Undefined when the object is not there
 * (a shallow or partial clone can lack it).
 */
export function commitTimeFromObjects(gitDir: string, commit: string): string | undefined {
  const object = readObject(gitDir, commit);
  if (!object || object.type !== "commit") return undefined;
  const line = object.data
    .toString("utf8")
    .split("\n")
    .find((l) => l.startsWith("committer "));
  const seconds = line?.match(/ (\d+) [+-]\d{4}$/)?.[1];
  return seconds ? new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z") : undefined;
}

type ObjectType = "commit" | "tree" | "blob" | "tag";
export interface GitObject {
  readonly type: ObjectType;
  readonly data: Buffer;
}

const PACK_TYPES: Record<number, ObjectType> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };
const OFS_DELTA = 6;
const REF_DELTA = 7;

/** An object's type and bytes (as `git cat-file <type> <sha>` prints them), loose or packed; undefined when absent. */
export function readObject(gitDir: string, sha: string): GitObject | undefined {
  const loose = join(gitDir, "objects", sha.slice(0, 2), sha.slice(2));
  if (existsSync(loose)) {
    const raw = inflateSync(readFileSync(loose));
    const nul = raw.indexOf(0);
    const type = raw.subarray(0, nul).toString("latin1").split(" ")[0] as ObjectType;
    return { type, data: raw.subarray(nul + 1) };
  }
  const packDir = join(gitDir, "objects", "pack");
  if (!existsSync(packDir)) return undefined;
  for (const idx of readdirSync(packDir).filter((f) => f.endsWith(".idx"))) {
    const offset = findInIndex(readFileSync(join(packDir, idx)), sha);
    if (offset !== undefined) return readPacked(gitDir, join(packDir, idx.replace(/\.idx$/, ".pack")), offset);
  }
  return undefined;
}

/** The pack offset of `sha` in a version 2 pack index, or undefined. */
function findInIndex(idx: Buffer, sha: string): number | undefined {
  if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) return undefined;
  const target = Buffer.from(sha, "hex");
  const fanout = 8;
  const first = target[0]!;
  const lo0 = first === 0 ? 0 : idx.readUInt32BE(fanout + (first - 1) * 4);
  const hi0 = idx.readUInt32BE(fanout + first * 4);
  const count = idx.readUInt32BE(fanout + 255 * 4);
  const names = fanout + 256 * 4;
  let lo = lo0;
  let hi = hi0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const cmp = idx.compare(target, 0, 20, names + mid * 20, names + mid * 20 + 20);
    if (cmp === 0) {
      const offsets = names + count * 20 + count * 4;
      const small = idx.readUInt32BE(offsets + mid * 4);
      if ((small & 0x80000000) === 0) return small;
      const large = offsets + count * 4 + (small & 0x7fffffff) * 8;
      return Number(idx.readBigUInt64BE(large));
    }
    if (cmp < 0) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}

function readPacked(gitDir: string, packFile: string, offset: number): GitObject | undefined {
  const fd = openSync(packFile, "r");
  try {
    return unpack(gitDir, fd, offset);
  } finally {
    closeSync(fd);
  }
}

function unpack(gitDir: string, fd: number, offset: number): GitObject | undefined {
  // A header is at most a few bytes; the compressed body follows. 64 KiB at a time until it inflates.
  const head = Buffer.alloc(32);
  readSync(fd, head, 0, head.length, offset);
  let pos = 0;
  let byte = head[pos++]!;
  const type = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte & 0x80) {
    byte = head[pos++]!;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  let base: GitObject | undefined;
  if (type === OFS_DELTA) {
    byte = head[pos++]!;
    let back = byte & 0x7f;
    while (byte & 0x80) {
      byte = head[pos++]!;
      back = (back + 1) * 128 + (byte & 0x7f);
    }
    base = unpack(gitDir, fd, offset - back);
  } else if (type === REF_DELTA) {
    base = readObject(gitDir, head.subarray(pos, pos + 20).toString("hex"));
    pos += 20;
  }
  const data = inflateAt(fd, offset + pos, size);
  if (type === OFS_DELTA || type === REF_DELTA) return base && { type: base.type, data: applyDelta(base.data, data) };
  const name = PACK_TYPES[type];
  return name && { type: name, data };
}

function inflateAt(fd: number, position: number, size: number): Buffer {
  for (let length = Math.max(1024, size + 64); ; length *= 4) {
    const chunk = Buffer.alloc(length);
    const read = readSync(fd, chunk, 0, length, position);
    try {
      return inflateSync(chunk.subarray(0, read), {
        finishFlush: 2 /* Z_SYNC_FLUSH: the stream may run on into the next object */,
      }).subarray(0, size);
    } catch (error) {
      if (read < length) throw error;
    }
  }
}

/** Git's delta format: source and target sizes, then copy (from the base) and insert instructions. */
function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  varint(); // the base's size
  const out = Buffer.alloc(varint());
  let at = 0;
  while (pos < delta.length) {
    const op = delta[pos++]!;
    if (op & 0x80) {
      let copyOffset = 0;
      let copySize = 0;
      for (let i = 0; i < 4; i++) if (op & (1 << i)) copyOffset += delta[pos++]! * 2 ** (8 * i);
      for (let i = 0; i < 3; i++) if (op & (1 << (4 + i))) copySize += delta[pos++]! * 2 ** (8 * i);
      if (copySize === 0) copySize = 0x10000;
      base.copy(out, at, copyOffset, copyOffset + copySize);
      at += copySize;
    } else if (op > 0) {
      delta.copy(out, at, pos, pos + op);
      at += op;
      pos += op;
    }
  }
  return out;
}

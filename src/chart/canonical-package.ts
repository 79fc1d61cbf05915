import { gunzipSync, gzipSync } from "node:zlib";

/** One tar entry as raw bytes: any PAX header blocks, its header, its data. */
interface Entry {
  readonly name: string;
  readonly bytes: Buffer;
}

const BLOCK = 512;

/**
 * Rewrites a chart package so the same chart always gives the same bytes: helm
 * (4.1.4) writes a chart's subcharts in Go map order, which changes from run to run
 * for a chart with more than one dependency. The entries and their headers are kept
 * as helm wrote them; only subchart groups are put in name order (recursively), and
 * the tar is gzipped again with a fixed header.
 */
export function canonicalPackageBytes(tgz: Buffer): Buffer {
  const entries = readTar(gunzipSync(tgz));
  const base = entries[0]?.name.split("/")[0] ?? "";
  const ordered = order(entries, base);
  return gzipSync(Buffer.concat([...ordered.map((e) => e.bytes), Buffer.alloc(BLOCK * 2)]), { level: 9 });
}

/** The chart's own files in helm's order, then each subchart's group by name, each ordered the same way. */
function order(entries: readonly Entry[], base: string): Entry[] {
  const own: Entry[] = [];
  const groups = new Map<string, Entry[]>();
  for (const entry of entries) {
    const sub = entry.name.slice(base.length + 1).match(/^charts\/([^/]+)\/./)?.[1];
    if (sub === undefined) own.push(entry);
    else groups.set(sub, [...(groups.get(sub) ?? []), entry]);
  }
  const subcharts = [...groups.keys()].sort().flatMap((sub) => order(groups.get(sub)!, `${base}/charts/${sub}`));
  return [...own, ...subcharts];
}

function readTar(tar: Buffer): Entry[] {
  const entries: Entry[] = [];
  let offset = 0;
  let pending: { start: number; path?: string } | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(header.toString("ascii", 124, 136).replace(/\0.*$/, "").trim() || "0", 8);
    const type = String.fromCharCode(header[156]!);
    const dataEnd = offset + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    const start = pending?.start ?? offset;
    if (type === "x" || type === "g") {
      // A PAX header belongs to the entry that follows; it may carry that entry's long path.
      const records = tar.toString("utf8", offset + BLOCK, offset + BLOCK + size);
      pending = { start, path: records.match(/^\d+ path=(.*)$/m)?.[1] ?? pending?.path };
    } else {
      const prefix = header.toString("utf8", 345, 500).replace(/\0.*$/s, "");
      const short = header.toString("utf8", 0, 100).replace(/\0.*$/s, "");
      const name = pending?.path ?? (prefix ? `${prefix}/${short}` : short);
      entries.push({ name, bytes: tar.subarray(start, dataEnd) });
      pending = undefined;
    }
    offset = dataEnd;
  }
  return entries;
}

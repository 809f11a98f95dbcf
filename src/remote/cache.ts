/**
 * The remote cache protocol, the same over every transport. Under the remote's prefix:
 *
 *   convlens-cache.json                   {"format":1}: written by readwrite builds (the write probe)
 *   blobs/sha256/<ab>/<sha256>            a file's bytes, addressed by their hash
 *   checkpoint-blobs/sha256/<ab>/<sha256> the same for checkpoints (expire this prefix, entries/checkpoints/, latest/)
 *   entries/<kind>/<key>.json             an entry's manifest: every file's name, sha256 and size
 *   latest/checkpoints/<train key>.json   the newest pushed checkpoint of a run (mutable pointer)
 *   shards/<experiment set>.json          which shard runs which experiment (for the merge's messages)
 *
 * Writing: every blob first, the manifest last and create-only, so a manifest never points at a
 * missing blob, and a writer killed during upload leaves blobs nobody references (harmless)
 * but no manifest. Two writers of one key: the first complete manifest wins (`If-None-Match: *`;
 * for a server that cannot refuse, a HEAD first narrows the race, and the loser's manifest is
 * just as complete, because its blobs were all stored before it). Reading: the manifest is
 * validated and every blob is checked against its size and sha256 before the local store takes
 * it; anything wrong is a warning and a miss — the build recomputes, never trusts.
 *
 * A blob found damaged is remembered and re-uploaded by the next push that needs it (blobs are
 * otherwise written once: same hash, same bytes).
 */
import { z } from 'zod';
import { sha256, type StoreKind } from '../pipeline/store.ts';
import type { Transport } from './transport.ts';

const FORMAT = 1;

const manifestSchema = z.object({
  format: z.literal(FORMAT),
  kind: z.string(),
  key: z.string(),
  files: z.record(z.string(), z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() })),
});
type Manifest = z.infer<typeof manifestSchema>;

const pointerSchema = z.object({ format: z.literal(FORMAT), entry: z.string() });
const shardPlanSchema = z.object({ format: z.literal(FORMAT), count: z.number().int().positive(), shards: z.record(z.string(), z.number().int().positive()) });
export type ShardPlan = z.infer<typeof shardPlanSchema>;

/** Counts for the closing log line and the note: what crossed the wire. */
export interface RemoteTraffic {
  pulled: number;
  pulledBytes: number;
  pushed: number;
  pushedBytes: number;
}

export interface RemoteCache {
  readonly display: string;
  readonly traffic: RemoteTraffic;
  /** Fail early with the transport's error: read mode reads the marker, readwrite writes it. */
  probe(write: boolean): Promise<void>;
  /** The entry's files, checked; undefined when absent or not trustworthy (`warn` says why). */
  pull(kind: StoreKind, key: string): Promise<Map<string, Buffer> | undefined>;
  /** Whether an entry's manifest exists (not checked further). */
  has(kind: StoreKind, key: string): Promise<boolean>;
  /** Blobs first, then the manifest, create-only. Returns whether this call stored the manifest. */
  push(kind: StoreKind, key: string, files: Map<string, Buffer | string>): Promise<boolean>;
  /** The newest pushed checkpoint entry of a run, or undefined. */
  latestCheckpoint(series: string): Promise<string | undefined>;
  setLatestCheckpoint(series: string, entry: string): Promise<void>;
  readShardPlan(setDigest: string): Promise<ShardPlan | undefined>;
  writeShardPlan(setDigest: string, plan: ShardPlan): Promise<void>;
}

/** Checkpoint bytes get their own prefix, so one bucket lifecycle rule can expire all of them. */
const blobPath = (kind: string, hash: string) => `${kind === 'checkpoints' ? 'checkpoint-blobs' : 'blobs'}/sha256/${hash.slice(0, 2)}/${hash}`;
const entryPath = (kind: string, key: string) => `entries/${kind}/${key}.json`;
const json = (value: unknown) => Buffer.from(`${JSON.stringify(value)}\n`);

/** Keys and file names come from convlens itself, but a remote is shared: refuse odd names outright. */
const SAFE = /^[A-Za-z0-9._-]+$/;

export function remoteCache(transport: Transport, warn: (message: string) => void): RemoteCache {
  const traffic: RemoteTraffic = { pulled: 0, pulledBytes: 0, pushed: 0, pushedBytes: 0 };
  const damaged = new Set<string>();
  const base = transport.display.endsWith('/') ? transport.display : `${transport.display}/`;
  const where = (kind: string, key: string) => `${base}${entryPath(kind, key)}`;

  async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<{ value?: T; invalid?: true }> {
    const bytes = await transport.get(path);
    if (!bytes) return {};
    try {
      return { value: schema.parse(JSON.parse(bytes.toString('utf8'))) };
    } catch {
      return { invalid: true };
    }
  }

  async function pull(kind: StoreKind, key: string): Promise<Map<string, Buffer> | undefined> {
    const { value: manifest, invalid } = await readJson(entryPath(kind, key), manifestSchema);
    if (invalid || (manifest && (manifest.kind !== kind || manifest.key !== key))) {
      warn(`remote cache entry ${where(kind, key)} is not a valid manifest; ignoring it and computing the entry here.`);
      return undefined;
    }
    if (!manifest) return undefined;
    const files = new Map<string, Buffer>();
    let bytes = 0;
    for (const [name, { sha256: hash, size }] of Object.entries(manifest.files)) {
      if (!SAFE.test(name)) {
        warn(`remote cache entry ${where(kind, key)} names a file "${name.slice(0, 40)}" convlens never writes; ignoring the entry.`);
        return undefined;
      }
      const blob = await transport.get(blobPath(kind, hash));
      const problem = !blob ? 'is missing' : blob.length !== size ? `has ${blob.length} bytes instead of ${size}` : sha256(blob) !== hash ? 'does not match its sha256' : undefined;
      if (problem) {
        damaged.add(hash);
        warn(`remote cache entry ${where(kind, key)}: its file ${name} (${blobPath(kind, hash)}) ${problem}; ignoring the entry and computing it here.`);
        return undefined;
      }
      files.set(name, blob!);
      bytes += size;
    }
    traffic.pulled += 1;
    traffic.pulledBytes += bytes;
    return files;
  }

  async function push(kind: StoreKind, key: string, files: Map<string, Buffer | string>): Promise<boolean> {
    const manifest: Manifest = { format: FORMAT, kind, key, files: {} };
    let bytes = 0;
    for (const [name, data] of files) {
      if (!SAFE.test(name)) throw new Error(`store file name ${name} cannot be pushed`);
      const buffer = typeof data === 'string' ? Buffer.from(data) : data;
      const hash = sha256(buffer);
      manifest.files[name] = { sha256: hash, size: buffer.length };
      const path = blobPath(kind, hash);
      if (!damaged.has(hash) && (await transport.head(path)) === buffer.length) continue;
      await transport.put(path, buffer);
      damaged.delete(hash);
      bytes += buffer.length;
    }
    // The manifest last: only now is every blob it names in place.
    const path = entryPath(kind, key);
    if ((await transport.head(path)) !== undefined) return false;
    const body = json(manifest);
    const outcome = await transport.put(path, body, { createOnly: true });
    if (outcome === 'stored') {
      traffic.pushed += 1;
      traffic.pushedBytes += bytes + body.length;
    }
    return outcome === 'stored';
  }

  return {
    display: transport.display,
    traffic,
    async probe(write) {
      if (write) await transport.put('convlens-cache.json', json({ format: FORMAT }));
      else await transport.get('convlens-cache.json');
    },
    pull,
    has: async (kind, key) => (await transport.head(entryPath(kind, key))) !== undefined,
    push,
    async latestCheckpoint(series) {
      const { value } = await readJson(`latest/checkpoints/${series}.json`, pointerSchema);
      return value && value.entry.startsWith(`${series}.`) && SAFE.test(value.entry) ? value.entry : undefined;
    },
    async setLatestCheckpoint(series, entry) {
      await transport.put(`latest/checkpoints/${series}.json`, json({ format: FORMAT, entry }));
    },
    async readShardPlan(setDigest) {
      return (await readJson(`shards/${setDigest}.json`, shardPlanSchema)).value;
    },
    async writeShardPlan(setDigest, plan) {
      await transport.put(`shards/${setDigest}.json`, json(plan));
    },
  };
}

/** What the remote cache tests check on disk: published reports equal up to timings, and every manifest on the server complete. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'vitest';
import { filesUnder } from './convlens-process.ts';

/** The published report with what differs by design (timings, whether a stage was cached) taken out of its JSON. */
export async function published(cache: string, dir = 'report'): Promise<Map<string, string>> {
  // When it ran and how long it took differ by design; every other byte must not.
  const byDesign = new Set(['timings', 'cached', 'memory', 'trainImagesPerSecond', 'date']);
  const out = new Map<string, string>();
  for (const [path, bytes] of await filesUnder(join(cache, dir))) {
    if (path.endsWith('.json')) out.set(path, JSON.stringify(JSON.parse(bytes.toString()), (key, value) => (byDesign.has(key) ? undefined : value), 1));
    else out.set(path, bytes.toString('base64'));
  }
  return out;
}

/** Every manifest on the server names blobs that exist with the right size and hash. */
export async function everyManifestComplete(dir: string): Promise<number> {
  const files = await filesUnder(dir).catch(() => new Map<string, Buffer>());
  let manifests = 0;
  for (const [path, bytes] of files) {
    if (!path.startsWith('entries/')) continue;
    manifests++;
    const m = JSON.parse(bytes.toString()) as { kind: string; files: Record<string, { sha256: string; size: number }> };
    for (const { sha256, size } of Object.values(m.files)) {
      const blob = files.get(`${m.kind === 'checkpoints' ? 'checkpoint-blobs' : 'blobs'}/sha256/${sha256.slice(0, 2)}/${sha256}`);
      expect(blob?.length, `${path} → ${sha256}`).toBe(size);
      expect(createHash('sha256').update(blob!).digest('hex')).toBe(sha256);
    }
  }
  return manifests;
}


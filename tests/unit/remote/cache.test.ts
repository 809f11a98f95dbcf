/** The remote cache protocol (src/remote/cache.ts) over an in-memory transport. */
import { describe, expect, it } from 'vitest';
import { remoteCache } from '../../../src/remote/cache.ts';
import { sha256 } from '../../../src/pipeline/store.ts';
import { memoryRemote } from './memory-transport.ts';

const files = () =>
  new Map<string, Buffer | string>([
    ['model.json', '{"layers":[]}'],
    ['weights.bin', Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])],
    ['run.json', '{"epochs":2}'],
  ]);
const blob = (content: Buffer | string) => {
  const hash = sha256(content);
  return `blobs/sha256/${hash.slice(0, 2)}/${hash}`;
};
const asText = (m: Map<string, Buffer> | undefined) => m && Object.fromEntries([...m].map(([k, v]) => [k, v.toString('hex')]));
const expected = asText(new Map([...files()].map(([k, v]) => [k, Buffer.from(v)])));

describe('remote cache protocol', () => {
  it('stores every blob before the manifest, the manifest create-only, and reads the entry back', async () => {
    const mem = memoryRemote();
    const cache = remoteCache(mem.transport, () => {});
    expect(await cache.push('runs', 'k1', files())).toBe(true);
    expect(mem.writes).toEqual([
      `PUT ${blob('{"layers":[]}')}`,
      `PUT ${blob(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]))}`,
      `PUT ${blob('{"epochs":2}')}`,
      'PUT entries/runs/k1.json (create-only)',
    ]);
    const manifest = JSON.parse(mem.objects.get('entries/runs/k1.json')!.toString());
    expect(manifest).toEqual({
      format: 1,
      kind: 'runs',
      key: 'k1',
      files: {
        'model.json': { sha256: sha256('{"layers":[]}'), size: 13 },
        'weights.bin': { sha256: sha256(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])), size: 8 },
        'run.json': { sha256: sha256('{"epochs":2}'), size: 12 },
      },
    });
    expect(asText(await cache.pull('runs', 'k1'))).toEqual(expected);
    expect(await cache.pull('runs', 'absent')).toBeUndefined();
    expect(cache.traffic).toEqual({ pushed: 1, pushedBytes: 13 + 8 + 12 + mem.objects.get('entries/runs/k1.json')!.length, pulled: 1, pulledBytes: 33 });
  });

  it('uploads a blob the remote already has only once', async () => {
    const mem = memoryRemote();
    const cache = remoteCache(mem.transport, () => {});
    await cache.push('runs', 'k1', files());
    mem.writes.length = 0;
    await cache.push('analysis', 'k2', new Map([['run.json', '{"epochs":2}']]));
    expect(mem.writes).toEqual(['PUT entries/analysis/k2.json (create-only)']);
  });

  it.each([
    ['a flipped byte', (b: Buffer) => Buffer.from(b.map((x, i) => (i === 3 ? x ^ 1 : x))), 'does not match its sha256'],
    ['a truncated file', (b: Buffer) => b.subarray(0, 5), 'has 5 bytes instead of 8'],
    ['a missing file', undefined, 'is missing'],
  ])('refuses an entry with %s, warns, and heals the blob on the next push', async (_what, damage, problem) => {
    const mem = memoryRemote();
    const warnings: string[] = [];
    const cache = remoteCache(mem.transport, (w) => warnings.push(w));
    await cache.push('runs', 'k1', files());
    const weights = blob(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    if (damage) mem.objects.set(weights, damage(mem.objects.get(weights)!));
    else mem.objects.delete(weights);
    expect(await cache.pull('runs', 'k1')).toBeUndefined();
    expect(warnings).toEqual([`remote cache entry memory://cache/entries/runs/k1.json: its file weights.bin (${weights}) ${problem}; ignoring the entry and computing it here.`]);
    // The recomputed entry is pushed again: the damaged blob is rewritten, the manifest (already there) is left.
    mem.writes.length = 0;
    expect(await cache.push('runs', 'k1', files())).toBe(false);
    expect(mem.writes).toEqual([`PUT ${weights}`]);
    expect(asText(await cache.pull('runs', 'k1'))).toEqual(expected);
  });

  it('ignores a manifest that is not one (truncated, other key, odd file name)', async () => {
    const mem = memoryRemote();
    const warnings: string[] = [];
    const cache = remoteCache(mem.transport, (w) => warnings.push(w));
    mem.objects.set('entries/runs/a.json', Buffer.from('{"format":1,"kind":"runs","key":"a","fi'));
    mem.objects.set('entries/runs/b.json', Buffer.from(JSON.stringify({ format: 1, kind: 'runs', key: 'other', files: {} })));
    mem.objects.set('entries/runs/c.json', Buffer.from(JSON.stringify({ format: 1, kind: 'runs', key: 'c', files: { '../../etc/passwd': { sha256: sha256('x'), size: 1 } } })));
    mem.objects.set(blob('x'), Buffer.from('x'));
    expect(await cache.pull('runs', 'a')).toBeUndefined();
    expect(await cache.pull('runs', 'b')).toBeUndefined();
    expect(await cache.pull('runs', 'c')).toBeUndefined();
    expect(warnings).toEqual([
      'remote cache entry memory://cache/entries/runs/a.json is not a valid manifest; ignoring it and computing the entry here.',
      'remote cache entry memory://cache/entries/runs/b.json is not a valid manifest; ignoring it and computing the entry here.',
      'remote cache entry memory://cache/entries/runs/c.json names a file "../../etc/passwd" convlens never writes; ignoring the entry.',
    ]);
  });

  it('a writer that dies during upload leaves blobs but no manifest: nothing a reader trusts', async () => {
    for (let dieAt = 0; dieAt < 4; dieAt++) {
      const mem = memoryRemote({ failOnPut: (_path, count) => (count === dieAt ? new Error('killed') : undefined) });
      const cache = remoteCache(mem.transport, () => {});
      await expect(cache.push('runs', 'k1', files())).rejects.toThrow('killed');
      expect(mem.objects.has('entries/runs/k1.json')).toBe(false);
      const reader = remoteCache(mem.transport, () => {});
      expect(await reader.pull('runs', 'k1')).toBeUndefined();
    }
  });

  it('two writers of one key: the first complete entry wins on a server that refuses overwrites', async () => {
    const mem = memoryRemote({ tick: true });
    const a = remoteCache(mem.transport, () => {});
    const b = remoteCache(mem.transport, () => {});
    const other = new Map<string, Buffer | string>([...files(), ['run.json', '{"epochs":3}']]);
    const [storedA, storedB] = await Promise.all([a.push('runs', 'k', files()), b.push('runs', 'k', other)]);
    expect([storedA, storedB].filter(Boolean)).toHaveLength(1);
    expect(mem.writes.filter((w) => w.startsWith('PUT entries/'))).toHaveLength(2);
    const pulled = asText(await remoteCache(mem.transport, () => {}).pull('runs', 'k'));
    expect(pulled).toEqual(storedA ? expected : asText(new Map([...other].map(([k, v]) => [k, Buffer.from(v)]))));
  });

  it('two writers of one key on a server that overwrites: whichever manifest stays is complete', async () => {
    const mem = memoryRemote({ tick: true, refusesOverwrite: false });
    const other = new Map<string, Buffer | string>([...files(), ['run.json', '{"epochs":3}']]);
    await Promise.all([remoteCache(mem.transport, () => {}).push('runs', 'k', files()), remoteCache(mem.transport, () => {}).push('runs', 'k', other)]);
    const warnings: string[] = [];
    const pulled = asText(await remoteCache(mem.transport, (w) => warnings.push(w)).pull('runs', 'k'));
    expect(warnings).toEqual([]);
    expect([expected, asText(new Map([...other].map(([k, v]) => [k, Buffer.from(v)])))]).toContainEqual(pulled);
  });

  it('keeps the newest checkpoint pointer and the shard plan', async () => {
    const mem = memoryRemote();
    const cache = remoteCache(mem.transport, () => {});
    expect(await cache.latestCheckpoint('abc')).toBeUndefined();
    await cache.setLatestCheckpoint('abc', 'abc.00002');
    await cache.setLatestCheckpoint('abc', 'abc.00003');
    expect(await cache.latestCheckpoint('abc')).toBe('abc.00003');
    mem.objects.set('latest/checkpoints/zzz.json', Buffer.from(JSON.stringify({ format: 1, entry: 'abc.00003' })));
    expect(await cache.latestCheckpoint('zzz')).toBeUndefined();
    await cache.writeShardPlan('d1', { format: 1, count: 2, shards: { a: 1, b: 2 } });
    expect(await cache.readShardPlan('d1')).toEqual({ format: 1, count: 2, shards: { a: 1, b: 2 } });
    expect(await cache.readShardPlan('d2')).toBeUndefined();
  });
});

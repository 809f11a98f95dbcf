import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, sha256 } from '../../../src/pipeline/store.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'convlens-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('store', () => {
  it('round-trips an entry and lists the sha256 of every file', async () => {
    const store = openStore(root);
    await store.put('runs', 'k1', new Map<string, Buffer | string>([['a.txt', 'hello'], ['b.bin', Buffer.from([1, 2, 3])]]));
    const files = await store.get('runs', 'k1');
    expect(files?.get('a.txt')?.toString()).toBe('hello');
    expect([...files!.get('b.bin')!]).toEqual([1, 2, 3]);
    const index = JSON.parse(await readFile(join(root, 'runs', 'k1', 'entry.json'), 'utf8'));
    expect(index.files['a.txt']).toBe(sha256('hello'));
  });

  it('a missing entry is undefined, and leaves no temporary directories behind', async () => {
    const store = openStore(root);
    expect(await store.get('runs', 'nope')).toBeUndefined();
    await store.put('runs', 'k', new Map([['x', 'y']]));
    expect((await readdir(join(root, 'runs'))).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  });

  it('detects a damaged file, names it, and drops the entry', async () => {
    const damaged: string[] = [];
    const store = openStore(root, (what) => damaged.push(what));
    await store.put('analysis', 'k', new Map([['m.json', '{"a":1}']]));
    await writeFile(join(root, 'analysis', 'k', 'm.json'), '{"a":2}');
    expect(await store.get('analysis', 'k')).toBeUndefined();
    expect(damaged).toEqual([`${join(root, 'analysis', 'k', 'm.json')} is damaged (its hash does not match)`]);
    expect(await readdir(join(root, 'analysis'))).toEqual([]);
  });

  it('detects a missing file', async () => {
    const damaged: string[] = [];
    const store = openStore(root, (what) => damaged.push(what));
    await store.put('runs', 'k', new Map([['w.bin', 'weights'], ['m.json', '{}']]));
    await rm(join(root, 'runs', 'k', 'w.bin'));
    expect(await store.get('runs', 'k')).toBeUndefined();
    expect(damaged).toEqual([`${join(root, 'runs', 'k', 'w.bin')} is missing`]);
  });

  it('a temporary directory left by a killed writer is never read as an entry', async () => {
    const store = openStore(root);
    await store.put('runs', 'k', new Map([['a', '1']]));
    // Simulate a crash mid-write of another key: files exist only in a .tmp directory.
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(root, 'runs', '.tmp-k2-1-abcd'), { recursive: true });
    await writeFile(join(root, 'runs', '.tmp-k2-1-abcd', 'a'), 'partial');
    expect(await store.get('runs', 'k2')).toBeUndefined();
  });
});

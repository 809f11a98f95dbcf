import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapLimit, writeFiles } from '../../../src/pipeline/publish-files.ts';

describe('mapLimit', () => {
  it('keeps item order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3], 2, async (n, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10 + i;
    });
    expect(results).toEqual([50, 11, 42, 23, 34]);
    expect(peak).toBe(2);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });

  it('passes a failure on', async () => {
    await expect(mapLimit([1, 2], 2, async (n) => (n === 2 ? Promise.reject(new Error('no')) : n))).rejects.toThrow('no');
  });
});

describe('writeFiles', () => {
  it('writes every file under the root, creating nested directories', async () => {
    const root = mkdtempSync(join(tmpdir(), 'convlens-write-'));
    await writeFiles(root, new Map<string, string | Buffer>([['a/b/c.txt', 'c'], ['a/d.bin', Buffer.from([1, 2])], ['e.txt', 'e']]));
    expect(readFileSync(join(root, 'a/b/c.txt'), 'utf8')).toBe('c');
    expect([...readFileSync(join(root, 'a/d.bin'))]).toEqual([1, 2]);
    expect(readdirSync(root).sort()).toEqual(['a', 'e.txt']);
  });
});

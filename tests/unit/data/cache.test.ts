import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CacheFs, cacheFile, decodeCache, encodeCache, loadSource, nodeCacheFs } from '../../../src/data/cache.ts';
import { mnist } from '../../../src/data/sources/mnist.ts';
import { syntheticSource, tempDir } from './helpers.ts';

describe('dataset cache', () => {
  it('round trip: the second load reads the file and equals the parse, without parsing again', async () => {
    const dir = await tempDir();
    const source = syntheticSource([3, 2, 4], [0, 3, 5]);
    const first = await loadSource(source, dir);
    expect(first.status).toBe('missing');
    const second = await loadSource(source, dir);
    expect(second.status).toBe('fresh');
    expect(source.parses).toBe(1);
    expect(second.warnings).toEqual([]);
    expect(second.data).toEqual(source.data);
    expect(second.payloadHash).toBe(first.payloadHash);
    expect(await readdir(join(dir, 'datasets'))).toEqual(['mnist-0.0.0-test.bin']);
  });

  it('a flipped payload byte is detected, the data re-parsed, a warning names the file, and the file is rewritten', async () => {
    const dir = await tempDir();
    const source = syntheticSource([3, 2, 4]);
    await loadSource(source, dir);
    const file = cacheFile(dir, source.name, source.version);
    const bytes = await readFile(file);
    bytes[bytes.length - 5]! ^= 0x01;
    await writeFile(file, bytes);

    const damaged = await loadSource(source, dir);
    expect(damaged.status).toBe('damaged');
    expect(source.parses).toBe(2);
    expect(damaged.data).toEqual(source.data);
    expect(damaged.warnings).toHaveLength(1);
    expect(damaged.warnings[0]).toContain(file);
    expect(damaged.warnings[0]).toContain('checksum');

    const again = await loadSource(source, dir);
    expect(again.status).toBe('fresh');
    expect(source.parses).toBe(2);
  });

  it('rejects truncation, a foreign source/version and garbage, each with a reason', () => {
    const source = syntheticSource([2, 2]);
    const { bytes } = encodeCache('mnist', '1.0.0', source.data);
    expect(decodeCache(bytes, 'mnist', '1.0.0')).toHaveProperty('data');
    expect(decodeCache(bytes.subarray(0, bytes.length - 1), 'mnist', '1.0.0')).toEqual({ error: expect.stringContaining('truncated') });
    expect(decodeCache(bytes, 'mnist', '1.0.1')).toEqual({ error: expect.stringContaining('expected mnist 1.0.1') });
    expect(decodeCache(new Uint8Array([1, 2, 3]), 'mnist', '1.0.0')).toEqual({ error: 'not a convlens dataset cache' });
  });

  it('never reads a partially written temp file: a leftover *.tmp is ignored and the source parsed', async () => {
    const dir = await tempDir();
    const source = syntheticSource([3, 3]);
    const file = cacheFile(dir, source.name, source.version);
    const { bytes } = encodeCache(source.name, source.version, source.data);
    await loadSource(syntheticSource([1]), dir).catch(() => {}); // create datasets/ (different data, same name)
    await nodeCacheFs.rmForce(file);
    await writeFile(`${file}.4242-0.tmp`, bytes.subarray(0, bytes.length >> 1));
    const result = await loadSource(source, dir);
    expect(result.status).toBe('missing');
    expect(source.parses).toBe(1);
    expect(result.data).toEqual(source.data);
  });

  it('a crash during the write leaves no file at the cache path, so the next run parses again', async () => {
    const dir = await tempDir();
    const source = syntheticSource([3, 3]);
    const file = cacheFile(dir, source.name, source.version);
    const crashing: CacheFs = {
      ...nodeCacheFs,
      // Writes half the bytes, then dies, as a killed process would.
      writeFile: async (path, data) => {
        await writeFile(path, data.subarray(0, data.length >> 1));
        throw new Error('simulated crash');
      },
    };
    const result = await loadSource(source, dir, crashing);
    expect(result.data).toEqual(source.data);
    expect(result.warnings.join()).toContain('could not be written');
    expect(await readdir(join(dir, 'datasets'))).toEqual([]); // no final file, temp cleaned up
    const next = await loadSource(source, dir);
    expect(next.status).toBe('missing');
    expect(source.parses).toBe(2);
    expect(await readFile(file)).toHaveLength(encodeCache(source.name, source.version, source.data).bytes.length);
  });

  it('real mnist: the cached copy equals a direct parse of the package', { timeout: 60_000 }, async () => {
    const dir = await tempDir();
    const def = mnist();
    await loadSource(def, dir);
    const cached = await loadSource(def, dir);
    expect(cached.status).toBe('fresh');
    const direct = await def.parse();
    expect(cached.data.labels).toEqual(direct.labels);
    expect(Buffer.from(cached.data.pixels).equals(Buffer.from(direct.pixels))).toBe(true);
    expect(cached.data.classes).toEqual(direct.classes);
    expect(cached.data.fixedTest).toBeUndefined();
  });
});

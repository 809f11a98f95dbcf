/** The store decorator (src/remote/store.ts): read vs readwrite, pulls checked into the local store, a remote that fails mid-build. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remoteCache } from '../../../src/remote/cache.ts';
import { withRemote } from '../../../src/remote/store.ts';
import { RemoteError } from '../../../src/remote/transport.ts';
import { openStore } from '../../../src/pipeline/store.ts';
import { memoryRemote } from './memory-transport.ts';

let dir: string;
beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'convlens-remote-store-'))));
afterEach(async () => rm(dir, { recursive: true, force: true }));

const files = () => new Map<string, Buffer | string>([['run.json', '{"epochs":1}']]);

describe('withRemote', () => {
  it('read mode pulls a missing entry into the local store and never pushes', async () => {
    const mem = memoryRemote();
    await remoteCache(mem.transport, () => {}).push('runs', 'k', files());
    mem.writes.length = 0;
    const store = withRemote(openStore(join(dir, 'a')), remoteCache(mem.transport, () => {}), 'read', () => {});
    expect((await store.get('runs', 'k'))?.get('run.json')?.toString()).toBe('{"epochs":1}');
    expect((await openStore(join(dir, 'a')).get('runs', 'k'))?.get('run.json')?.toString()).toBe('{"epochs":1}');
    await store.put('analysis', 'x', files());
    await store.recordShardPlan('d', { format: 1, count: 2, shards: { a: 1 } });
    expect(mem.writes).toEqual([]);
  });

  it('a remote failing mid-build is one warning; later writes are listed as not pushed, and a shard plan write that fails does not throw', async () => {
    let fail = false;
    const mem = memoryRemote({ failOnPut: () => (fail ? new RemoteError('unavailable', 'memory://cache/', 'PUT x', 'connection refused') : undefined) });
    const warnings: string[] = [];
    const store = withRemote(openStore(join(dir, 'b')), remoteCache(mem.transport, () => {}), 'readwrite', (w) => warnings.push(w));
    await store.put('runs', 'one', files());
    fail = true;
    await store.recordShardPlan('d', { format: 1, count: 2, shards: { a: 1 } });
    await store.put('runs', 'two', files());
    await store.put('checkpoints', 'two.00001', files());
    expect(warnings).toEqual(['remote cache memory://cache/: PUT x failed: connection refused. Going on without the remote cache for the rest of this build.']);
    expect(store.unpushed()).toEqual({ entries: ['runs/two'], reason: 'remote cache memory://cache/: PUT x failed: connection refused' });
    expect((await openStore(join(dir, 'b')).get('runs', 'two'))?.size).toBe(1);
  });
});

/**
 * The remote cache against a real server: Debian's nginx with WebDAV locations on 127.0.0.1
 * (tests/servers/nginx.ts), driven through the convlens CLI as separate processes.
 *
 * Without nginx the tests are recorded as not run (scripts/test.js lists them); with
 * CONVLENS_REQUIRE_SERVERS=1 (CI) they fail instead.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { convlens, filesUnder, startConvlens } from '../servers/convlens-process.ts';
import { everyManifestComplete, published } from '../servers/remote-checks.ts';
import { findNginx, PASSWORD, requireNginx, startNginx, type Nginx } from '../servers/nginx.ts';

const EXPERIMENTS = 'tests/fixtures/experiments/remote';
const found = findNginx();
let nginx: Nginx | undefined;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'convlens-remote-'));
  if ('path' in found) nginx = await startNginx(found.path);
});
afterAll(async () => {
  await nginx?.stop();
  await rm(root, { recursive: true, force: true });
});

let n = 0;
const fresh = () => join(root, `c${++n}`);
const args = (cache: string, ...more: string[]) => ['--experiments', EXPERIMENTS, '--cache', cache, ...more];

let reference: Map<string, string>;

describe('remote cache over HTTP (nginx WebDAV)', () => {
  beforeEach((ctx) => void requireNginx(ctx, nginx, found));

  it('round trip: a readwrite run pushes, an empty cache pulls everything and trains nothing', async () => {
    const remote = `${nginx!.origin}/strict/round/`;
    const writer = await convlens(['run', ...args(fresh(), '--remote', remote, '--remote-mode', 'readwrite')]);
    expect(writer.code, writer.out).toBe(0);
    expect(writer.out).toMatch(/\[fresh\] fashion-a/);
    expect(writer.out).toMatch(new RegExp(`remote cache ${remote}: pulled 0 entries \\(0\\.0 kB\\), pushed \\d+ \\(`));
    expect(await everyManifestComplete(join(nginx!.root, 'strict/round'))).toBeGreaterThan(4);

    const readerCache = fresh();
    const reader = await convlens(['run', ...args(readerCache, '--remote', remote)]);
    expect(reader.code, reader.out).toBe(0);
    expect(reader.out).toMatch(/\[cached\] fashion-a/);
    expect(reader.out).toMatch(/\[cached\] fashion-b/);
    expect(reader.out).not.toMatch(/epoch 1\//);
    expect(reader.out).toMatch(/pushed 0 \(0\.0 kB\)/);
    reference = await published(join(root, 'c1'));
    expect(await published(readerCache)).toEqual(reference);
  });

  it('refused credentials: 401 is a clear error before any work, and the password is never printed', async () => {
    const cache = fresh();
    const withoutAuth = await convlens(['run', ...args(cache, '--remote', `${nginx!.origin}/private/`)]);
    expect(withoutAuth.code).toBe(1);
    expect(withoutAuth.out).toContain(
      `The remote cache ${nginx!.origin}/private/ refused the credentials (HTTP 401 on GET convlens-cache.json). For an http(s) remote set CONVLENS_REMOTE_TOKEN (sent as a bearer token) or put user:password in the URL; for s3:// use the AWS SDK's usual chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance or pod role).`,
    );
    const wrong = await convlens(['run', ...args(cache, '--remote', `http://convlens:wrong-${PASSWORD}@127.0.0.1:${nginx!.port}/private/`)]);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain(`The remote cache ${nginx!.origin}/private/ refused the credentials (HTTP 401`);
    expect(wrong.out).not.toContain(PASSWORD);
    const token = await convlens(['run', ...args(cache, '--remote', `${nginx!.origin}/private/`)], { CONVLENS_REMOTE_TOKEN: 'planted-token-9a8b7c' });
    expect(token.code).toBe(1);
    expect(token.out).not.toContain('planted-token-9a8b7c');
    // Nothing was started: no dataset cached, no store written.
    expect(await readdir(join(cache, 'store')).catch(() => [])).toEqual([]);
  });

  it('a read-only location: pushing is refused with a clear error (403), reading works', async () => {
    const cache = fresh();
    const push = await convlens(['run', ...args(cache, '--remote', `${nginx!.origin}/ro/`, '--remote-mode', 'readwrite')]);
    expect(push.code).toBe(1);
    expect(push.out).toContain(
      `The remote cache ${nginx!.origin}/ro/ refused to store anything (HTTP 403 on PUT convlens-cache.json): these credentials may only read there. Use --remote-mode read, or give them write access.`,
    );
    const read = await convlens(['run', 'fashion-a', ...args(cache, '--remote', `${nginx!.origin}/ro/`)]);
    expect(read.code, read.out).toBe(0);
    expect(read.out).toMatch(/\[fresh\] fashion-a/);
  });

  it('a blob corrupted on the server is detected, recomputed, and repaired by the next readwrite push', async () => {
    const remote = `${nginx!.origin}/cache/corrupt/`;
    const first = await convlens(['run', 'fashion-a', ...args(fresh(), '--remote', remote, '--remote-mode', 'readwrite')]);
    expect(first.code, first.out).toBe(0);
    const tree = join(nginx!.root, 'cache/corrupt');
    const runManifest = [...(await filesUnder(join(tree, 'entries/runs'))).values()][0]!;
    const weights = (JSON.parse(runManifest.toString()) as { files: Record<string, { sha256: string }> }).files['weights.bin']!.sha256;
    const blobFile = join(tree, 'blobs/sha256', weights.slice(0, 2), weights);
    const bytes = await readFile(blobFile);
    bytes[bytes.length >> 1]! ^= 0xff;
    await writeFile(blobFile, bytes);

    const second = await convlens(['run', 'fashion-a', ...args(fresh(), '--remote', remote, '--remote-mode', 'readwrite')]);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain(`: its file weights.bin (blobs/sha256/${weights.slice(0, 2)}/${weights}) does not match its sha256; ignoring the entry and computing it here.`);
    expect(second.out).toMatch(/\[fresh\] fashion-a/);
    // Training is deterministic, so the recomputed weights are the same bytes: the blob is whole again.
    expect((await import('node:crypto')).createHash('sha256').update(await readFile(blobFile)).digest('hex')).toBe(weights);
    const third = await convlens(['run', 'fashion-a', ...args(fresh(), '--remote', remote)]);
    expect(third.out).toMatch(/\[cached\] fashion-a/);
    expect(third.out).not.toContain('does not match');
  });

  it('the server going away mid-build: the build finishes locally, a readwrite run fails naming what was not pushed, a rerun pushes it', async () => {
    const remote = `${nginx!.origin}/cache/away/`;
    const cache = fresh();
    const running = startConvlens(['run', ...args(cache, '--remote', remote, '--remote-mode', 'readwrite')]);
    await running.waitFor(/fashion-b {2}epoch 1\//);
    nginx!.kill();
    const result = await running.done;
    await nginx!.restart();
    expect(result.code, result.out).toBe(1);
    expect(result.out).toMatch(/remote cache http:\/\/127\.0\.0\.1:\d+\/cache\/away\/: (PUT|HEAD|GET) \S+ failed: connection refused\. Going on without the remote cache for the rest of this build\./);
    expect(result.out).toMatch(/\[fresh\] fashion-b/);
    expect(result.out).toMatch(/\d+ cache entries were not pushed to the remote cache http:\/\/127\.0\.0\.1:\d+\/cache\/away\/ \((runs|analysis|figures)\/[0-9a-f]+/);
    expect(result.out).not.toMatch(/not pushed[^\n]*checkpoints\//);
    expect(result.out).toContain('The local cache has them: rerun the same command once the remote is reachable and they are pushed without recomputing.');

    const rerun = await convlens(['run', ...args(cache, '--remote', remote, '--remote-mode', 'readwrite')]);
    expect(rerun.code, rerun.out).toBe(0);
    expect(rerun.out).toMatch(/\[cached\] fashion-a/);
    expect(rerun.out).toMatch(/\[cached\] fashion-b/);
    const pulled = await convlens(['run', ...args(fresh(), '--remote', remote)]);
    expect(pulled.out).toMatch(/\[cached\] fashion-b/);
    expect(pulled.out).not.toMatch(/epoch 1\//);
    expect(await everyManifestComplete(join(nginx!.root, 'cache/away'))).toBeGreaterThan(4);
  });

  it('a planted secret (password in the URL) reaches no log line, no output file and nothing on the server', async () => {
    const cache = fresh();
    const out = join(root, 'secret-site');
    const remote = `http://convlens:${PASSWORD}@127.0.0.1:${nginx!.port}/private/secret/?sig=planted-query-secret-77`;
    const result = await convlens(['build', ...args(cache, '--out', out, '--remote', remote, '--remote-mode', 'readwrite')]);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain(`remote cache: http://127.0.0.1:${nginx!.port}/private/secret/ (read and write)`);
    for (const secret of [PASSWORD, 'planted-query-secret-77', encodeURIComponent(PASSWORD)]) {
      expect(result.out).not.toContain(secret);
      for (const dir of [cache, out, join(nginx!.root, 'private')]) {
        for (const [path, bytes] of await filesUnder(dir)) expect(bytes.includes(secret), `${path} contains the secret`).toBe(false);
      }
    }
  });
});

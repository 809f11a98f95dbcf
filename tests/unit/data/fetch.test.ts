/**
 * `fetchCifar10` end to end against a local HTTP server on 127.0.0.1 serving an archive the test
 * generates (tiny batches in the official layout): resume after a broken transfer, a server
 * without Range support, corruption, wrong sizes, HTTP and network failures, unpack failures.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCifar10 } from '../../../src/data/fetch/cifar10.ts';
import { createProgress, progressLine } from '../../../src/data/fetch/progress.ts';
import { loadDataset } from '../../../src/data/index.ts';
import { CIFAR_BATCHES, cifarCacheDir } from '../../../src/data/sources/cifar10.ts';
import { UserError } from '../../../src/lib/errors.ts';
import { cifarArchive, writeCifarDir } from './fixtures.ts';
import { tempDir } from './helpers.ts';

let archive: Uint8Array;
let md5: string;
let server: Server;
let base: string;
/** Range header of every request, per path (undefined when none was sent). */
const requests: Record<string, (string | undefined)[]> = {};
const bodies: Record<string, Uint8Array> = {};

const md5Of = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

function send(req: IncomingMessage, res: ServerResponse, body: Uint8Array, rangeSupport: boolean): void {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (rangeSupport && m) {
    const start = Number(m[1]);
    if (start >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    res.end(body.subarray(start));
    return;
  }
  res.writeHead(200, { 'content-length': body.length, 'accept-ranges': rangeSupport ? 'bytes' : 'none' });
  res.end(body);
}

beforeAll(async () => {
  archive = await cifarArchive(2);
  md5 = md5Of(archive);
  const corrupt = archive.slice();
  corrupt[corrupt.length >> 1]! ^= 0xff;
  bodies['/ok'] = archive;
  bodies['/flaky'] = archive;
  bodies['/norange'] = archive;
  bodies['/stall'] = archive;
  bodies['/corrupt'] = corrupt;
  bodies['/garbage'] = new TextEncoder().encode('this is not a gzip stream at all, just text');
  server = createServer((req, res) => {
    const path = req.url ?? '';
    (requests[path] ??= []).push(req.headers.range);
    const body = bodies[path];
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    if (path === '/flaky' && requests[path]!.length === 1) {
      // First request: promise the whole archive, send half, then close the connection (a clean
      // FIN after the data, so the client surely receives the half before it sees the end).
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.end());
      return;
    }
    if (path === '/stall') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 1000)); // then nothing, and the connection stays open
      return;
    }
    send(req, res, body, path !== '/norange');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function userError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

const part = (cacheDir: string) => join(cacheDir, 'downloads', 'cifar-10-binary.tar.gz.part');
const exists = (path: string) => stat(path).then(() => true, () => false);
const BY_HAND = 'Without network access, download cifar-10-binary.tar.gz by hand, unpack it, and set data.path to its cifar-10-batches-bin directory.';

describe('fetchCifar10 against a local server', () => {
  it('downloads, verifies and installs the batches where the cifar10 source finds them; a second fetch does nothing', async () => {
    const cacheDir = await tempDir();
    const result = await fetchCifar10({ cacheDir, url: `${base}/ok`, md5, size: archive.length });
    const dir = cifarCacheDir(cacheDir);
    expect(result).toEqual({ dir, downloaded: true, message: `CIFAR-10 is ready in ${dir}. Experiments with data.source: cifar10 and no data.path use it.` });
    const expected = await writeCifarDir(join(await tempDir(), 'expected'), 2);
    for (const f of CIFAR_BATCHES) expect(Buffer.compare(await readFile(join(dir, f)), await readFile(join(expected, f)))).toBe(0);
    expect(await exists(part(cacheDir))).toBe(false);
    expect((await readdir(join(cacheDir, 'datasets'))).sort()).toEqual(['cifar10']); // no temp dirs left

    const data = { source: 'cifar10' as const, limit: {}, split: { validation: 0, test: 0.2, stratify: true }, normalize: 'rescale' as const, onError: 'fail' as const };
    const image = { fit: 'stretch' as const, interpolation: 'bilinear' as const, padValue: 0, maxPixels: 1e9 };
    const { dataset } = await loadDataset({ ...data, image }, { init: 1, dropout: 1, split: 1, shuffle: 1, augment: 1, report: 9 }, { cacheDir });
    expect([dataset.train.count, dataset.test.count]).toEqual([10, 2]);

    const before = requests['/ok']!.length;
    const again = await fetchCifar10({ cacheDir, url: `${base}/ok`, md5, size: archive.length });
    expect(again).toEqual({ dir, downloaded: false, message: `CIFAR-10 is already in ${dir}; nothing to do. Delete that directory to fetch it again.` });
    expect(requests['/ok']!.length).toBe(before);
  });

  it('a transfer cut off halfway keeps the partial file; the next run resumes it with a Range request', async () => {
    const cacheDir = await tempDir();
    const half = archive.length >> 1;
    const message = await userError(fetchCifar10({ cacheDir, url: `${base}/flaky`, md5, size: archive.length }));
    expect(message.startsWith(`The download of ${base}/flaky stopped after ${half} of ${archive.length} bytes (`)).toBe(true);
    expect(message.endsWith(`). Run the command again to resume from there. ${BY_HAND}`)).toBe(true);
    expect(Buffer.compare(await readFile(part(cacheDir)), archive.subarray(0, half))).toBe(0);
    expect(await exists(cifarCacheDir(cacheDir))).toBe(false);

    const lines: string[] = [];
    let t = 0;
    const clock = { now: () => (t += 250) };
    await fetchCifar10({
      cacheDir,
      url: `${base}/flaky`,
      md5,
      size: archive.length,
      progress: (total) => createProgress({ total, tty: false, write: (s) => lines.push(s), clock, label: 'cifar-10-binary.tar.gz' }),
    });
    expect(requests['/flaky']).toEqual([undefined, `bytes=${half}-`]);
    expect(await exists(join(cifarCacheDir(cacheDir), 'test_batch.bin'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^cifar-10-binary\.tar\.gz .+ \(100%\) at .+\/s\n$/);
  });

  it('a stalled connection is aborted after the idle timeout, keeping what arrived', async () => {
    const cacheDir = await tempDir();
    expect(await userError(fetchCifar10({ cacheDir, url: `${base}/stall`, md5, size: archive.length, idleTimeoutMs: 200 }))).toBe(
      `The download of ${base}/stall stopped after 1000 of ${archive.length} bytes (no data for 0.2 s). Run the command again to resume from there. ${BY_HAND}`,
    );
    expect((await stat(part(cacheDir))).size).toBe(1000);
  });

  it('a server that ignores Range: the notice says it starts over, and the result is still right', async () => {
    const cacheDir = await tempDir();
    await mkdir(join(cacheDir, 'downloads'), { recursive: true });
    await writeFile(part(cacheDir), archive.subarray(0, 100));
    const notices: string[] = [];
    await fetchCifar10({ cacheDir, url: `${base}/norange`, md5, size: archive.length, notice: (n) => notices.push(n) });
    expect(requests['/norange']).toEqual(['bytes=100-']);
    expect(notices).toEqual([
      'The server does not support resuming (it ignored the Range request), so the download starts over; the 100 bytes downloaded before are discarded.',
    ]);
    expect(await exists(join(cifarCacheDir(cacheDir), 'data_batch_5.bin'))).toBe(true);
  });

  it('a corrupted archive fails the checksum: the partial is deleted and nothing is installed', async () => {
    const cacheDir = await tempDir();
    expect(await userError(fetchCifar10({ cacheDir, url: `${base}/corrupt`, md5, size: archive.length }))).toBe(
      `The file downloaded from ${base}/corrupt has MD5 ${md5Of(bodies['/corrupt']!)}, not the expected ${md5}: it is corrupt or not the official archive. ` +
        'The partial download was deleted; run the command again to download it afresh.',
    );
    expect(await exists(part(cacheDir))).toBe(false);
    expect(await exists(cifarCacheDir(cacheDir))).toBe(false);
  });

  it('a file longer than expected is deleted with a size message', async () => {
    const cacheDir = await tempDir();
    expect(await userError(fetchCifar10({ cacheDir, url: `${base}/ok`, md5, size: archive.length - 10 }))).toBe(
      `The file downloaded from ${base}/ok has ${archive.length} bytes, not the expected ${archive.length - 10}, so it is not the official archive. ` +
        'It was deleted; check --url and run the command again.',
    );
    expect(await exists(part(cacheDir))).toBe(false);
  });

  it('HTTP 404 and a refused connection say what to do, including the manual route', async () => {
    const cacheDir = await tempDir();
    expect(await userError(fetchCifar10({ cacheDir, url: `${base}/missing`, md5, size: 10 }))).toBe(
      `The server answered HTTP 404 for ${base}/missing. Check the address (--url) and run the command again. ${BY_HAND}`,
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await userError(fetchCifar10({ cacheDir, url: `http://127.0.0.1:${port}/x`, md5, size: 10 }))).toBe(
      `Could not download http://127.0.0.1:${port}/x (ECONNREFUSED). Check the network connection and run the command again; it resumes where it stopped. ${BY_HAND}`,
    );
  });

  it('an archive that verifies but will not unpack installs nothing and leaves no temp directory', async () => {
    const cacheDir = await tempDir();
    const garbage = bodies['/garbage']!;
    const message = await userError(fetchCifar10({ cacheDir, url: `${base}/garbage`, md5: md5Of(garbage), size: garbage.length }));
    expect(message).toMatch(
      new RegExp(
        `^Unpacking ${part(cacheDir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} failed \\(.+\\), so nothing was installed in ${cifarCacheDir(cacheDir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\. ` +
          'Check free disk space and run the command again; the verified archive is kept, so it is not downloaded again\\.$',
      ),
    );
    expect(await exists(cifarCacheDir(cacheDir))).toBe(false);
    expect(await readdir(join(cacheDir, 'datasets'))).toEqual([]);
    expect(await exists(part(cacheDir))).toBe(true); // verified, so kept: the next run does not download it again
    const asked = requests['/garbage']!.length;
    expect(await userError(fetchCifar10({ cacheDir, url: `${base}/garbage`, md5: md5Of(garbage), size: garbage.length }))).toBe(message);
    expect(requests['/garbage']!.length).toBe(asked);
  });

  it('an archive without the batches is refused by name', async () => {
    const cacheDir = await tempDir();
    const { create } = await import('tar');
    const work = await tempDir();
    await mkdir(join(work, 'cifar-10-batches-bin'));
    await writeFile(join(work, 'cifar-10-batches-bin', 'data_batch_1.bin'), 'x');
    await create({ gzip: true, file: join(work, 'a.tgz'), cwd: work }, ['cifar-10-batches-bin']);
    bodies['/partial-archive'] = new Uint8Array(await readFile(join(work, 'a.tgz')));
    const body = bodies['/partial-archive'];
    expect(await userError(fetchCifar10({ cacheDir, url: `${base}/partial-archive`, md5: md5Of(body), size: body.length }))).toBe(
      `The archive ${part(cacheDir)} has no cifar-10-batches-bin/data_batch_2.bin, so it is not CIFAR-10's binary version; nothing was installed. ` +
        'Check --url, delete the archive and run the command again.',
    );
    expect(await exists(cifarCacheDir(cacheDir))).toBe(false);
  });

  it('a cache path that cannot be written is a disk error naming it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    const cacheDir = join(dir, 'file', 'cache');
    expect(await userError(fetchCifar10({ cacheDir, url: `${base}/ok`, md5, size: archive.length }))).toBe(
      `Could not write ${join(cacheDir, 'downloads')} (ENOTDIR). Free disk space or fix the permissions, or choose another cache directory with --cache, ` +
        'then run the command again; a partial download is kept and resumes.',
    );
  });
});

describe('progress', () => {
  it('formats bytes, percentage and rate', () => {
    expect(progressLine(0, 170_052_171, undefined)).toBe('0 B / 162.2 MiB (0%)');
    expect(progressLine(12 * 1024 * 1024, 170_052_171, 3.25 * 1024 * 1024)).toBe('12.0 MiB / 162.2 MiB (7%) at 3.3 MiB/s');
    expect(progressLine(1536, 2048, 512)).toBe('1.5 KiB / 2.0 KiB (75%) at 512 B/s');
  });

  it('off a terminal: one plain line per 10% step, rate over the time since the start', () => {
    const lines: string[] = [];
    let t = 0;
    const p = createProgress({ total: 1000, tty: false, write: (s) => lines.push(s), clock: { now: () => t }, label: 'x' });
    for (const done of [50, 100, 150, 990, 1000]) {
      t += 1000;
      p.update(done, done);
    }
    p.finish(1000, 1000);
    expect(lines).toEqual([
      'x 50 B / 1000 B (5%) at 50 B/s\n',
      'x 100 B / 1000 B (10%) at 50 B/s\n',
      'x 990 B / 1000 B (99%) at 248 B/s\n',
      'x 1000 B / 1000 B (100%) at 200 B/s\n',
    ]);
  });

  it('on a terminal: one line rewritten in place, at most every 100 ms', () => {
    const out: string[] = [];
    let t = 0;
    const p = createProgress({ total: 100, tty: true, write: (s) => out.push(s), clock: { now: () => t }, label: 'x' });
    t = 1000;
    p.update(10, 10);
    t = 1050;
    p.update(20, 20); // within 100 ms of the last draw: skipped
    t = 2000;
    p.update(40, 40);
    p.finish(100, 100);
    expect(out).toEqual(['\rx 10 B / 100 B (10%) at 10 B/s\x1b[K', '\rx 40 B / 100 B (40%) at 20 B/s\x1b[K', '\rx 100 B / 100 B (100%) at 50 B/s\x1b[K\n']);
  });
});

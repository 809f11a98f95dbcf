/**
 * `convlens datasets fetch cifar10` through the CLI entry: argument errors, and the wiring of
 * --url and --cache to the fetch with the official checksum and size (a local server's small
 * archive is therefore rejected by size, which proves the official numbers are the ones used).
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { cifarArchive } from './fixtures.ts';
import { tempDir } from './helpers.ts';

let server: Server;
let url: string;
let archive: Uint8Array;

beforeAll(async () => {
  archive = await cifarArchive(1);
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': archive.length });
    res.end(archive);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cifar-10-binary.tar.gz`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('convlens datasets', () => {
  it('names the one command it knows when given anything else', async () => {
    const hint = 'Use "convlens datasets fetch cifar10" (optionally with --url URL for a mirror and --cache DIR).\n';
    expect(await run(['datasets'])).toEqual({ code: 1, out: '', err: `convlens datasets needs an action. ${hint}` });
    expect(await run(['datasets', 'fetch', 'mnist'])).toEqual({ code: 1, out: '', err: `"convlens datasets fetch mnist" is not a datasets command. ${hint}` });
  });

  it('fetches from --url into --cache (tagged for clean), checking against the official size', async () => {
    const cache = join(await tempDir(), 'cache');
    const result = await run(['datasets', 'fetch', 'cifar10', '--url', url, '--cache', cache]);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain(
      `The file downloaded from ${url} has ${archive.length} bytes, not the expected 170052171, so it is not the official archive. ` +
        'It was deleted; check --url and run the command again.\n',
    );
    // Progress went to stderr as plain lines (not a terminal): the first one at 0%.
    expect(result.err.split('\n')[0]).toMatch(/^cifar-10-binary\.tar\.gz \d+\.\d KiB \/ 162\.2 MiB \(0%\)/);
    expect(await readFile(join(cache, 'CACHEDIR.TAG'), 'utf8')).toContain('convlens');
    expect(await stat(join(cache, 'datasets', 'cifar10')).catch(() => undefined)).toBeUndefined();
  });
});

// Astro failing mid-build (after writing part of the site) must not touch the previous outDir.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('astro', () => ({
  build: async (config: { outDir: string }) => {
    mkdirSync(config.outDir, { recursive: true });
    writeFileSync(join(config.outDir, 'index.html'), 'half-written');
    throw new Error('[GetStaticPathsRequired] getStaticPaths() function is required for dynamic routes.');
  },
}));

const { buildSite } = await import('../../../src/site/build-site.ts');

describe('buildSite when Astro fails', () => {
  it('keeps the previous site, removes its temporary directory and says what happened', async () => {
    const work = mkdtempSync(join(tmpdir(), 'convlens-build-fail-'));
    const outDir = join(work, 'dist');
    mkdirSync(outDir);
    writeFileSync(join(outDir, 'index.html'), 'previous site');

    const error = await buildSite({ reportDir: 'tests/fixtures/site/report', outDir, cacheDir: join(work, 'cache') }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'The static site could not be built: [GetStaticPathsRequired] getStaticPaths() function is required for dynamic routes. ' +
        `Nothing was written to ${outDir}; the previous site there, if any, is unchanged. ` +
        'Fix the problem above and run `convlens build` again.',
    );
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toBe('previous site');
    expect(readdirSync(work).some((d) => d.includes('.tmp-'))).toBe(false);
  });

  it('restores the environment it changed for Astro', async () => {
    const work = mkdtempSync(join(tmpdir(), 'convlens-build-fail-'));
    const before = { ...process.env };
    await buildSite({ reportDir: 'tests/fixtures/site/report', outDir: join(work, 'dist') }).catch(() => undefined);
    expect(process.env).toEqual(before);
  });
});

/**
 * Playwright global setup: build the site from a report directory into a temp dir, serve it
 * under `/sub/` (proving `base` works), and hand the URL to the tests in CONVLENS_E2E_URL.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSite } from '../../src/site/build-site.ts';
import { serveStatic } from './serve.ts';

/** Where the e2e tests expect Chromium (the system package; never `npx playwright install`). */
export const CHROMIUM = '/usr/bin/chromium';

/** URL sub-path the site is built for and served under. */
export const BASE = '/sub/';

/**
 * The report directory the e2e site is built from. For now the hand-made fixture; the pipeline
 * replaces this with a real build of a tiny experiment.
 */
export async function prepareReport(): Promise<string> {
  return fileURLToPath(new URL('../fixtures/site/report/', import.meta.url));
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM}, so the end-to-end tests cannot open the site. ` +
        'Install the system package with `apt-get install -y chromium` (do not run `npx playwright install`), then run the tests again.',
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'convlens-e2e-'));
  try {
    const reportDir = await prepareReport();
    const outDir = join(work, 'dist');
    await buildSite({ reportDir, outDir, base: BASE, cacheDir: join(work, 'cache') });
    const server = await serveStatic(outDir, BASE);
    process.env.CONVLENS_E2E_URL = server.url;
    return async () => {
      await server.close();
      await rm(work, { recursive: true, force: true });
    };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}

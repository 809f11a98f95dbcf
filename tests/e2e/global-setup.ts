/**
 * Playwright global setup: build the site from a report directory into a temp dir, serve it
 * under `/sub/` (proving `base` works), and hand the URL to the tests in CONVLENS_E2E_URL.
 */
import { spawnSync } from 'node:child_process';
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

/** URL sub-path of the site built by the real pipeline from a tiny experiment. */
export const PIPELINE_BASE = '/pipeline/';

/**
 * The hand-made report directory: exercises site features no tiny training run produces
 * (failed runs with hostile text, experiments without validation data).
 */
export async function prepareReport(): Promise<string> {
  return fileURLToPath(new URL('../fixtures/site/report/', import.meta.url));
}

/**
 * The real path: `convlens build` (the CLI, in a child process) trains the tiny fixture
 * experiment for one epoch and builds its site into `outDir`.
 */
export async function buildPipelineSite(work: string): Promise<string> {
  const outDir = join(work, 'pipeline-dist');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const args = ['bin/convlens.js', 'build', '--experiments', 'tests/fixtures/experiments/e2e', '--cache', join(work, 'pipeline-cache'), '--out', outDir, '--base', PIPELINE_BASE, '--backend', 'wasm', '--quiet'];
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`convlens build of the e2e fixture exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return outDir;
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
    const pipelineServer = await serveStatic(await buildPipelineSite(work), PIPELINE_BASE);
    process.env.CONVLENS_E2E_PIPELINE_URL = pipelineServer.url;
    return async () => {
      await server.close();
      await pipelineServer.close();
      await rm(work, { recursive: true, force: true });
    };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}

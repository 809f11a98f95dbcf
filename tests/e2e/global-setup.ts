/**
 * Playwright global setup: build the site from a report directory into a temp dir, serve it
 * under `/sub/` (proving `base` works), and hand the URL to the tests in CONVLENS_E2E_URL.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
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

/** URL sub-path of the site the real pipeline builds from hostile and diverging experiments. */
export const TROUBLE_BASE = '/trouble/';

/** URL sub-path of the site of imported models (a real Keras file, and a model trained here imported back). */
export const IMPORT_BASE = '/imports/';

/** URL base of the Starlight docs site (tests/fixtures/starlight) that holds the reports under `reports/` through the Astro integration. */
export const STARLIGHT_BASE = '/docs/';

/** Words an attacker might get into a report: each would set `window.__pwned` if it ever ran. */
export const PAYLOADS = {
  title: 'Hostile <script>window.__pwned="title"</script> run',
  description: 'Described with <img src=x onerror="window.__pwned=\'description\'"> and [a link](javascript:window.__pwned=1).',
  classA: '<img src=x onerror=window.__pwned=1>',
  classB: '"><svg onload=window.__pwned=2>',
  badFile: '<script>window.__pwned=3<\\script>.png',
};

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

/**
 * The real pipeline on trouble: a folder dataset whose class names, file names, title and
 * description are HTML/JS payloads (one file unreadable, so its name is listed as skipped), and
 * the diverging experiment. `convlens build` exits 1 (one experiment failed) but builds the site.
 */
export async function buildTroubleSite(work: string): Promise<string> {
  const experiments = join(work, 'trouble-experiments');
  const images = join(experiments, 'images');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  for (const [k, name] of [PAYLOADS.classA, PAYLOADS.classB].entries()) {
    await mkdir(join(images, name), { recursive: true });
    for (let i = 0; i < 12; i++) {
      // 8×8 gray squares, the bright half on the left for class A and on the right for B; i varies the shades.
      const pixels = Buffer.alloc(64, 40 + i * 3);
      for (let y = 0; y < 8; y++) for (let x = 0; x < 4; x++) pixels[y * 8 + x + 4 * k] = 220 - i * 5;
      await sharp(pixels, { raw: { width: 8, height: 8, channels: 1 } }).png().toFile(join(images, name, `${name} ${i}.png`));
    }
  }
  await writeFile(join(images, PAYLOADS.classA, PAYLOADS.badFile), 'not an image at all but named like one');
  await writeFile(
    join(experiments, 'hostile.yaml'),
    [
      `title: ${JSON.stringify(PAYLOADS.title)}`,
      `description: ${JSON.stringify(PAYLOADS.description)}`,
      'seed: 4',
      'data: { source: folder, path: images, onError: skip, split: { validation: 0.25, test: 0.25 } }',
      'model:',
      '  layers:',
      '    - conv2d: { filters: 2, kernel: 3, activation: relu }',
      '    - flatten: {}',
      '    - dense: { units: 2, activation: softmax }',
      'train: { epochs: 1, batchSize: 4 }',
      'report: { samples: 2, explain: { images: 2, integratedGradients: { steps: 4 }, smoothgrad: { samples: 2 }, expectedGradients: { background: 4, samples: 4 } }, filters: { count: 2, steps: 4 } }',
      '',
    ].join('\n'),
  );
  await copyFile(join(root, 'tests/fixtures/experiments/diverged/diverges.yaml'), join(experiments, 'diverges.yaml'));
  const outDir = join(work, 'trouble-dist');
  const args = ['bin/convlens.js', 'build', '--experiments', experiments, '--cache', join(work, 'trouble-cache'), '--out', outDir, '--base', TROUBLE_BASE, '--backend', 'wasm', '--quiet'];
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (result.status !== 1 || !result.stderr.includes('1 experiment failed: diverges.')) {
    throw new Error(`convlens build of the trouble experiments should fail for diverges only (exit 1); it exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return outDir;
}

/** Runs `convlens build` on `experiments` into `outDir` under `base`; throws with its output unless it exits 0. */
function convlensBuild(experiments: string, cache: string, outDir: string, base: string): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const args = ['bin/convlens.js', 'build', '--experiments', experiments, '--cache', cache, '--out', outDir, '--base', base, '--backend', 'wasm', '--quiet'];
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`convlens build of ${experiments} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
}

/**
 * Models trained elsewhere, through the real CLI:
 * - `keras`: a real Keras 2.2.4 HDF5 file (Deeplearning4j's import corpus: DepthwiseConv2D,
 *   ZeroPadding2D, Cropping2D, UpSampling2D, SpatialDropout2D; 10×10×3 → 3 logits) on a folder
 *   of generated 10×10 images, with a CSVLogger history. The model never saw these images, so its
 *   accuracy is near chance: the page is what is under test.
 * - `trained` (the tiny e2e experiment) and `reimported`, its published model.json imported back:
 *   the compare page sets them side by side (same test set, same predictions).
 * - `pytorch`: a CNN trained in PyTorch on Fashion-MNIST and exported to ONNX (opset 17), on the
 *   same test images as `trained`.
 */
export async function buildImportSite(work: string): Promise<string> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const experiments = join(work, 'import-experiments');
  const images = join(experiments, 'images');
  for (const [k, name] of ['red', 'green', 'blue'].entries()) {
    await mkdir(join(images, name), { recursive: true });
    for (let i = 0; i < 10; i++) {
      const pixels = Buffer.alloc(10 * 10 * 3, 30 + i * 4);
      for (let p = 0; p < 100; p++) pixels[p * 3 + k] = 200 - i * 6 + (p % 7) * 3;
      await sharp(pixels, { raw: { width: 10, height: 10, channels: 3 } }).png().toFile(join(images, name, `${i}.png`));
    }
  }
  await writeFile(join(experiments, 'history.csv'), 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.41,1.05,0.38,1.08\n1,0.52,0.97,0.47,1.01\n2,0.6,0.9,0.5,0.99\n');
  const small = 'report: { samples: 4, explain: { images: 2, integratedGradients: { steps: 8 }, smoothgrad: { samples: 4 }, expectedGradients: { background: 8, samples: 8 } }, filters: { count: 2, steps: 8 } }';
  await writeFile(
    join(experiments, 'keras.yaml'),
    [
      'title: A Keras model trained elsewhere',
      'description: Deeplearning4j\'s Keras-import test model, read from its HDF5 file.',
      'seed: 2',
      'data: { source: folder, path: images, split: { validation: 0.2, test: 0.3 }, normalize: rescale }',
      'model:',
      `  load: ${join(root, 'tests/fixtures/models/keras-h5/dl4j-cnn2d_101.h5')}`,
      '  output: logits',
      '  history: history.csv',
      small,
      '',
    ].join('\n'),
  );
  await copyFile(join(root, 'tests/fixtures/experiments/e2e/tiny-e2e.yaml'), join(experiments, 'trained.yaml'));
  const trainedYaml = (await readFile(join(experiments, 'trained.yaml'), 'utf8')).split('\n');
  const data = trainedYaml.slice(trainedYaml.indexOf('data:'), trainedYaml.indexOf('model:')).join('\n');
  await writeFile(
    join(experiments, 'pytorch.yaml'),
    [
      'title: A PyTorch CNN through ONNX',
      'seed: 3',
      data,
      '  normalize: { mean: [0.2860], std: [0.3530] }',
      'model:',
      `  load: ${join(root, 'tests/fixtures/models/onnx/fashion-cnn/fashion-cnn-opset17.onnx')}`,
      '  output: logits',
      small,
      '',
    ].join('\n'),
  );
  const cache = join(work, 'import-cache');
  const outDir = join(work, 'import-dist');
  convlensBuild(experiments, cache, outDir, IMPORT_BASE);
  // The model the first build trained and published, imported back as a file from elsewhere.
  await mkdir(join(experiments, 'models', 'trained'), { recursive: true });
  for (const file of ['model.json', 'weights.bin']) await copyFile(join(outDir, 'experiments', 'trained', 'model', file), join(experiments, 'models', 'trained', file));
  await writeFile(join(experiments, 'reimported.yaml'), ['title: The tiny run, imported back', 'seed: 3', data, 'model:', '  load: models/trained/model.json', ''].join('\n'));
  convlensBuild(experiments, cache, outDir, IMPORT_BASE);
  return outDir;
}

/**
 * A docs site as a user has one: the Starlight fixture (tests/fixtures/starlight) with the convlens
 * integration at `/reports/` and `<ConvlensFigure>` in an MDX page, built by Astro itself against
 * the hand-made report, under the host base `/docs/` so that both paths must compose.
 */
export async function buildStarlightSite(work: string): Promise<string> {
  const root = fileURLToPath(new URL('../fixtures/starlight/', import.meta.url));
  const outDir = join(work, 'starlight-dist');
  const saved = { report: process.env.CONVLENS_REPORT_DIR, telemetry: process.env.ASTRO_TELEMETRY_DISABLED };
  process.env.ASTRO_TELEMETRY_DISABLED = '1';
  try {
    const { build } = await import('astro');
    await build({ root, outDir, base: STARLIGHT_BASE, cacheDir: join(work, 'starlight-cache'), logLevel: 'error', vite: { cacheDir: join(work, 'starlight-cache', 'vite'), logLevel: 'error' } });
  } finally {
    // The integration points the report pages at its report through this variable; restore it.
    for (const [name, value] of [['CONVLENS_REPORT_DIR', saved.report], ['ASTRO_TELEMETRY_DISABLED', saved.telemetry]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
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
    const troubleServer = await serveStatic(await buildTroubleSite(work), TROUBLE_BASE);
    process.env.CONVLENS_E2E_TROUBLE_URL = troubleServer.url;
    const importServer = await serveStatic(await buildImportSite(work), IMPORT_BASE);
    process.env.CONVLENS_E2E_IMPORT_URL = importServer.url;
    const starlightServer = await serveStatic(await buildStarlightSite(work), STARLIGHT_BASE);
    process.env.CONVLENS_E2E_STARLIGHT_URL = starlightServer.url;
    return async () => {
      await starlightServer.close();
      await server.close();
      await pipelineServer.close();
      await troubleServer.close();
      await importServer.close();
      await rm(work, { recursive: true, force: true });
    };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}

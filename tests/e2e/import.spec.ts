/**
 * Reports on models trained elsewhere, built by the real CLI (see global-setup.ts
 * `buildImportSite`) and opened in Chromium: a real Keras HDF5 file gets the complete report
 * (origin facts, imported history, every figure, explanations, sample pages, a stock published
 * model), and a model imported back sits beside the run that trained it on the compare page.
 */
import { expect, test } from '@playwright/test';
import { brokenImages, importUrl, watch } from './helpers.ts';

test('a Keras HDF5 model: the whole report, marked imported, with its origin and imported history', async ({ page, request }) => {
  const root = importUrl();
  const problems = watch(page, new URL(root).origin);
  await page.goto(root);
  // Every image of the index loaded first: leaving with lazy images still in flight aborts them.
  expect(await brokenImages(page)).toEqual([]);
  const row = page.locator('table.experiments tbody tr', { hasText: 'A Keras model trained elsewhere' });
  await expect(row).toContainText('imported');
  await row.locator('a').first().click();
  await expect(page).toHaveURL(/\/imports\/experiments\/keras\/$/);

  await expect(page.locator('.dateline')).toContainText('Imported model: trained elsewhere and reported as it is, from dl4j-cnn2d_101.h5: Keras HDF5, written by tf.keras 2.2.4.');
  const facts = page.locator('#overview table.kv').last();
  await expect(facts).toContainText('dl4j-cnn2d_101.h5');
  await expect(facts).toContainText('logits; softmax appended for the report');
  const manifest = await (await request.get(`${root}experiments/keras/data/manifest.json`)).json();
  expect(manifest.origin.sha256).toMatch(/^753d78bf26235713[0-9a-f]{48}$/); // PROVENANCE.md's digest
  await expect(facts).toContainText(manifest.origin.sha256);
  expect(manifest.input).toEqual({ size: [10, 10], channels: 3, normalize: 'rescale', classes: ['blue', 'green', 'red'] });

  // Every section a trained model's report has, the training one from the imported history.
  const toc = await page.locator('nav.toc a').allTextContents();
  expect(toc).toEqual(expect.arrayContaining(['Overview', 'Data', 'Model', 'Training', 'Performance', 'Interpretability']));
  await expect(page.locator('#training')).toContainText('Imported history: 3 epochs as recorded by the model\'s own training in history.csv');
  await expect(page.locator('#figure-training-curves')).toContainText('Training curves (imported history)');
  const figures = await page.locator('figure.figure').evaluateAll((els) => els.map((e) => e.id));
  expect(figures).toEqual(expect.arrayContaining(['figure-architecture', 'figure-training-curves', 'figure-confusion-matrix', 'figure-roc-curves', 'figure-gradcam', 'figure-saliency', 'figure-filters']));
  // The layer table lists the Keras layers by their names in the file.
  for (const name of ['depthwise_conv2d', 'zero_padding2d', 'cropping2d', 'up_sampling2d', 'spatial_dropout2d', 'convlens_softmax']) {
    await expect(page.locator('#model table')).toContainText(name);
  }
  expect(await brokenImages(page)).toEqual([]);

  // The published model is a stock tfjs layers model, its weights beside it.
  const modelJson = await (await request.get(`${root}experiments/keras/model/model.json`)).json();
  expect(modelJson.format).toBe('layers-model');
  expect((await request.get(`${root}experiments/keras/model/weights.bin`)).status()).toBe(200);

  // A sample page, with its explanations.
  const sample = page.locator('#performance a[href*="/samples/"], #interpretability a[href*="/samples/"]').first();
  await sample.click();
  await expect(page).toHaveURL(/\/imports\/experiments\/keras\/samples\/\d+\/$/);
  expect(await brokenImages(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test('a PyTorch model through ONNX: the whole report, its origin, beside the model trained here', async ({ page, request }) => {
  const root = importUrl();
  const problems = watch(page, new URL(root).origin);
  await page.goto(`${root}experiments/pytorch/`);
  await expect(page.locator('.dateline')).toContainText('from fashion-cnn-opset17.onnx: PyTorch 1.13.0 (ONNX opset 17).');
  await expect(page.locator('#overview table.kv').last()).toContainText('logits; softmax appended for the report');
  const manifest = await (await request.get(`${root}experiments/pytorch/data/manifest.json`)).json();
  expect(manifest.origin).toMatchObject({ format: 'onnx', producer: 'PyTorch 1.13.0 (ONNX opset 17)', output: 'logits' });
  expect(manifest.input).toMatchObject({ size: [28, 28], channels: 1, normalize: { mean: [0.286], std: [0.353] }, mean: [0.286], std: [0.353] });
  const figures = await page.locator('figure.figure').evaluateAll((els) => els.map((e) => e.id));
  expect(figures).toEqual(expect.arrayContaining(['figure-architecture', 'figure-confusion-matrix', 'figure-gradcam', 'figure-saliency', 'figure-filters']));
  // The PyTorch network's layers, converted to NHWC, by the names the converter gives them.
  await expect(page.locator('#model table')).toContainText('Conv2D');
  await expect(page.locator('#model table')).toContainText('convlens_softmax');
  expect(await brokenImages(page)).toEqual([]);
  await page.goto(`${root}compare/`);
  await expect(page.locator('main')).toContainText('A PyTorch CNN through ONNX');
  expect(problems).toEqual([]);
});

test('a model imported back sits beside the run that trained it, with the same accuracy', async ({ page, request }) => {
  const root = importUrl();
  const trained = await (await request.get(`${root}experiments/trained/data/metrics.json`)).json();
  const reimported = await (await request.get(`${root}experiments/reimported/data/metrics.json`)).json();
  expect(reimported.accuracy).toBe(trained.accuracy);
  expect(reimported.confusion_matrix).toEqual(trained.confusion_matrix);
  const problems = watch(page, new URL(root).origin);
  await page.goto(`${root}compare/`);
  await expect(page.locator('main')).toContainText('The tiny run, imported back');
  await expect(page.locator('main')).toContainText('Tiny end-to-end run');
  expect(await brokenImages(page)).toEqual([]);
  expect(problems).toEqual([]);
});

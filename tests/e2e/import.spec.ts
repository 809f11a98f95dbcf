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

  // What changed: the model imported back predicts exactly what it predicted when trained here.
  const report = await (await request.get(`${root}report.json`)).json();
  const group = report.comparisons.find((c: { experiments: string[] }) => c.experiments.includes('reimported'));
  const same = group.pairs.find((p: { a: string; b: string }) => [p.a, p.b].includes('reimported') && [p.a, p.b].includes('trained'));
  const changed = group.pairs.find((p: { a: string; b: string }) => [p.a, p.b].includes('pytorch'));
  const sameSection = page.locator('.what-changed').filter({ hasText: `${same.a === 'trained' ? 'Tiny end-to-end run' : 'The tiny run, imported back'} →` });
  await expect(sameSection).toContainText("are right on exactly the same images (no discordant pairs), so McNemar's test has nothing to test: p = 1.");
  await expect(sameSection.locator('table').first()).toContainText('0.00 pp');
  expect(group.figures.map((f: { name: string }) => f.name)).toEqual(['roc-overlaid', 'pr-overlaid', 'reliability-overlaid']);
  await expect(page.locator('#figure-roc-overlaid img')).toBeVisible();
  // The PyTorch model differs: its flipped images link to their pages, which exist.
  const flipped = page.locator('.what-changed', { hasText: changed.mcnemar.sentence.slice(0, 40) }).locator('.flip-list a').first();
  const href = await flipped.getAttribute('href');
  expect(href).toMatch(new RegExp(`/experiments/${changed.b}/samples/\\d+/$`));
  await flipped.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  expect(await brokenImages(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test('every explanation comes with its evidence: the trust table, the sanity check and completeness, also for an imported model', async ({ page }) => {
  const root = importUrl();
  const problems = watch(page, new URL(root).origin);
  await page.goto(`${root}experiments/keras/`);
  const trust = page.locator('#which-map-to-trust');
  await expect(trust).toBeVisible();
  const table = page.locator('table', { hasText: 'Which map to trust' });
  for (const method of ['Grad-CAM', 'HiResCAM', 'XGrad-CAM', 'Layer-CAM', 'Score-CAM', 'Eigen-CAM', 'Saliency', 'SmoothGrad', 'Integrated Gradients', 'Expected Gradients (SHAP)', 'Occlusion']) {
    await expect(table).toContainText(method);
  }
  await expect(page.locator('dl.column-notes')).toContainText('ROAD gap is the mean class probability when the least relevant pixels are removed');
  await expect(page.locator('#interpretability')).toContainText('Sanity check:');
  await expect(page.locator('details.completeness').first()).toContainText('the attributions add up to the change in probability within');
  const figures = await page.locator('figure.figure').evaluateAll((els) => els.map((e) => e.id));
  // The network ends in pooling → softmax (no Dense): the map shows the scores the softmax reads.
  expect(figures).toEqual(expect.arrayContaining(['figure-class-activation-maps', 'figure-layer-cam', 'figure-road', 'figure-sanity-checks', 'figure-embedding-pca', 'figure-embedding-umap']));
  await expect(page.locator('#what-the-network-learned')).toBeVisible();
  expect(await brokenImages(page)).toEqual([]);
  expect(problems).toEqual([]);
});

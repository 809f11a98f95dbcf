/**
 * The end-to-end path: a tiny experiment trained and built by the real `convlens build`
 * (see global-setup.ts), served under /pipeline/, opened in Chromium: index → experiment page,
 * every figure decodes, every published file resolves, no console error.
 */
import { expect, test } from '@playwright/test';
import { pipelineUrl } from './helpers.ts';

test('a site built by the pipeline: index → experiment page, all figures load, no console errors', async ({ page, request }) => {
  const root = pipelineUrl();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });

  await page.goto(root);
  const row = page.locator('table.experiments tbody tr', { hasText: 'Tiny end-to-end run' });
  await expect(row).toHaveCount(1);
  // The index shows the test accuracy that metrics.json publishes.
  const metrics = await (await request.get(`${root}experiments/tiny-e2e/data/metrics.json`)).json();
  await expect(row).toContainText((metrics.accuracy * 100).toFixed(1));

  await row.locator('a').first().click();
  await expect(page).toHaveURL(/\/pipeline\/experiments\/tiny-e2e\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tiny end-to-end run');

  const names = await page.locator('figure.figure').evaluateAll((els) => els.map((e) => e.id));
  expect(names).toEqual(expect.arrayContaining(['figure-samples', 'figure-class-distribution', 'figure-training-curves', 'figure-confusion-matrix', 'figure-confusion-matrix-normalized']));
  for (const img of await page.locator('figure img').all()) {
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  }
  for (const href of await page.locator('#downloads a').evaluateAll((els) => (els as HTMLAnchorElement[]).map((a) => a.href))) {
    expect((await request.get(href)).status(), href).toBe(200);
  }
  // The YAML as run is on the page verbatim.
  const yaml = await (await request.get(`${root}experiments/tiny-e2e/data/experiment.yaml`)).text();
  await expect(page.locator('#definition pre code')).toHaveText(yaml.trimEnd());
  expect(errors).toEqual([]);
});

test('a site built by the pipeline: confusion counts → cell page → sample page, with crisp test images', async ({ page }) => {
  const root = pipelineUrl();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(`${root}experiments/tiny-e2e/`);
  // The first off-diagonal count with a page: a mistake.
  const link = page.locator('#confusion-cells td:not(.diagonal) a').first();
  const label = await link.getAttribute('aria-label');
  await link.click();
  await expect(page).toHaveURL(/\/pipeline\/experiments\/tiny-e2e\/confusion\/\d+\/\d+\/$/);
  const [, count, truth, predicted] = /^(\d+) (.+) predicted as (.+)$/.exec(label!)!;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${truth} predicted as ${predicted}`);
  const thumbs = page.locator('ul.thumbs li');
  expect(await thumbs.count()).toBe(Math.min(24, Number(count)));

  await thumbs.first().locator('a').click();
  await expect(page).toHaveURL(/\/samples\/\d+\/$/);
  await expect(page.locator('p.lead')).toContainText(`True class ${truth}; predicted ${predicted}`);
  // The published test image is the 28×28 original upscaled 4× without smoothing.
  const img = page.locator('.sample-image img');
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(112);
  await expect(page.locator('table.probabilities tbody tr')).toHaveCount(10);
  expect(errors).toEqual([]);
});

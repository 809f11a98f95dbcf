/**
 * Walk the built site in real Chromium, served under /sub/: index → each experiment page; every
 * image decodes, every link resolves, and nothing errors or leaves the site's origin.
 */
import { expect, test } from '@playwright/test';
import { brokenImages, links, siteUrl, watch } from './helpers.ts';

test('index lists experiments and failed runs; every experiment page renders completely', async ({ page, request }) => {
  const root = siteUrl();
  const problems = watch(page, new URL(root).origin);

  await page.goto(root);
  await expect(page.getByRole('heading', { level: 1, name: 'Experiments' })).toBeVisible();
  const failed = page.locator('.failed li');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('cifar-broken');
  await expect(failed).toContainText('<script>alert("not escaped")</script>');
  await expect(page.locator('a[href*="cifar-broken"]')).toHaveCount(0);

  const experimentLinks = page.locator('table.experiments tbody a');
  const hrefs = await experimentLinks.evaluateAll((els) => (els as HTMLAnchorElement[]).map((a) => a.getAttribute('href') ?? ''));
  expect(hrefs.length).toBeGreaterThan(0);
  for (const href of hrefs) expect(href.startsWith('/sub/experiments/')).toBe(true);

  const checked = new Set<string>();
  for (let i = 0; i < hrefs.length; i++) {
    await page.goto(root);
    await page.locator('table.experiments tbody a').nth(i).click();
    await expect(page).toHaveURL(new RegExp(`${hrefs[i]}$`));
    await expect(page.locator('nav.toc')).toBeVisible();
    for (const id of ['overview', 'data', 'model', 'performance', 'definition', 'downloads']) {
      await expect(page.locator(`section#${id}`)).toHaveCount(1);
    }
    await expect(page.locator('#definition pre code')).not.toBeEmpty();
    // Every table-of-contents entry points at a section on the page.
    for (const target of await page.locator('nav.toc a').evaluateAll((els) => els.map((a) => a.getAttribute('href')))) {
      await expect(page.locator(target!)).toHaveCount(1);
    }

    const figures = page.locator('figure.figure');
    expect(await figures.count()).toBeGreaterThan(0);
    for (const img of await page.locator('figure img').all()) {
      await expect(img).toHaveAttribute('width', /^\d+$/);
      await expect(img).toHaveAttribute('height', /^\d+$/);
      await expect(img).toHaveAttribute('alt', /\S/);
    }
    expect(await brokenImages(page)).toEqual([]);

    for (const link of await links(page)) {
      // Links leaving the site (a note's reference) are the reader's to follow; the site itself must resolve.
      if (checked.has(link) || new URL(link).origin !== new URL(root).origin) continue;
      checked.add(link);
      const response = await request.get(link);
      expect(response.status(), `GET ${link}`).toBe(200);
    }
    expect(await page.locator('#downloads a').count()).toBeGreaterThan(0);
  }
  expect(problems).toEqual([]);
});

test('skipped images and source notes are listed in the data section, as text', async ({ page }) => {
  const problems = watch(page, new URL(siteUrl()).origin);
  await page.goto(`${siteUrl()}experiments/mnist-no-validation/`);
  const skipped = page.locator('#data details.skipped');
  await expect(skipped.locator('summary')).toHaveText('2 images could not be read and were left out');
  await skipped.locator('summary').click();
  await expect(skipped.locator('li')).toHaveText(['digits/7/broken.png: the file is not a complete PNG image', 'digits/<img src=x onerror=alert(1)>.png: unreadable']);
  await expect(page.locator('#data ul.description')).toContainText('2 files that are not images were ignored');
  expect(problems).toEqual([]);
});

test('figure sections absent from report.json are absent from the page', async ({ page }) => {
  const problems = watch(page, new URL(siteUrl()).origin);
  await page.goto(`${siteUrl()}experiments/mnist-no-validation/`);
  await expect(page.locator('#figure-confusion-matrix')).toHaveCount(1);
  await expect(page.locator('#figure-confusion-matrix-normalized')).toHaveCount(0);
  await expect(page.locator('p.lead')).toContainText('names like <b>this</b> must show as text');
  expect(problems).toEqual([]);
});

test('the dark theme follows the system setting', async ({ browser }) => {
  const background = async (colorScheme: 'light' | 'dark') => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto(siteUrl());
    const color = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await context.close();
    return color;
  };
  expect(await background('light')).toBe('rgb(255, 255, 255)');
  expect(await background('dark')).toBe('rgb(20, 23, 27)');
});

test('a run trained with label smoothing says what its loss measures, and pages comparing validation losses warn', async ({ page }) => {
  const caveat =
    'Validation losses are not measured alike: fashion-tiny trains with label smoothing or weight penalties, which raise its validation loss. Compare test loss instead: it is plain cross-entropy for every experiment.';
  await page.goto(`${siteUrl()}experiments/fashion-tiny/`);
  await expect(page.locator('#training p.note').first()).toHaveText(
    'Training and validation loss are the training objective: cross-entropy with targets smoothed by 0.1. The test loss is plain cross-entropy, so it reads lower than the validation loss for equally good predictions.',
  );
  await page.goto(`${siteUrl()}experiments/mnist-no-validation/`);
  await expect(page.locator('#training p.note')).toHaveCount(0);
  for (const path of ['', 'compare/']) {
    await page.goto(`${siteUrl()}${path}`);
    await expect(page.locator('p.note', { hasText: 'Validation losses are not measured alike' })).toHaveText(caveat);
  }
});

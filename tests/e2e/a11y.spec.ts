/**
 * Accessibility and looks: axe-core finds no violation on the index, an experiment page, the
 * compare page, a sample page, a confusion-cell page and the search page, in the light and the
 * dark theme; a full-page screenshot of each is attached to the test output for a person to look at.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { loadLazyImages, siteUrl, watch } from './helpers.ts';

const PAGES = [
  { name: 'index', path: '' },
  { name: 'experiment', path: 'experiments/fashion-tiny/' },
  { name: 'experiment-branched', path: 'experiments/mnist-no-validation/' },
  { name: 'compare', path: 'compare/' },
  { name: 'sample', path: 'experiments/fashion-tiny/samples/27/' },
  { name: 'confusion-cell', path: 'experiments/fashion-tiny/confusion/4/5/' },
  { name: 'search', path: 'search/' },
];

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });

    for (const { name, path } of PAGES) {
      test(`${name}: no axe violations; screenshot attached`, async ({ page }, testInfo) => {
        const problems = watch(page, new URL(siteUrl()).origin);
        await page.goto(siteUrl() + path);
        // Open what readers open (embed snippets, per-epoch values) so their contents are checked too.
        await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
        await loadLazyImages(page);
        const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
        const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
        await testInfo.attach(`${name}-${scheme}.png`, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
        expect(summary).toEqual([]);
        expect(problems).toEqual([]);
      });
    }
  });
}

test('a reader’s theme choice applies, survives navigation, and keeps figures on white', async ({ page }, testInfo) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${siteUrl()}experiments/fashion-tiny/`);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(await background()).toBe('rgb(255, 255, 255)');

  await page.getByLabel('Theme').selectOption('dark');
  expect(await background()).toBe('rgb(20, 23, 27)');
  // Figures are drawn on white: their mat stays white in the dark theme.
  const mat = await page.locator('.figure-image').first().evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(mat).toBe('rgb(255, 255, 255)');

  await page.goto(`${siteUrl()}compare/`);
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  expect(await background()).toBe('rgb(20, 23, 27)');
  await expect(page.getByLabel('Theme')).toHaveValue('dark');
  await testInfo.attach('compare-chosen-dark.png', { body: await page.screenshot(), contentType: 'image/png' });

  // "System" forgets the choice and follows the system again.
  await page.getByLabel('Theme').selectOption('system');
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
  expect(await background()).toBe('rgb(255, 255, 255)');
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await background()).toBe('rgb(20, 23, 27)');

  // Light chosen on a dark system wins.
  await page.getByLabel('Theme').selectOption('light');
  expect(await background()).toBe('rgb(255, 255, 255)');
});

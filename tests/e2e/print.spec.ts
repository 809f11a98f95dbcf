/**
 * The print stylesheet, for archiving a report as PDF: no navigation chrome or controls, the
 * light palette even when the reader chose dark, figures and tables not split across pages,
 * collapsed details printed open, and the addresses of downloads printed after their links.
 * The PDF itself is attached to the test output.
 */
import { expect, test } from '@playwright/test';
import { siteUrl } from './helpers.ts';

test('an experiment page prints without chrome, on white, with figures whole and download addresses', async ({ page }, testInfo) => {
  await page.goto(`${siteUrl()}experiments/fashion-tiny/`);
  await page.getByLabel('Theme').selectOption('dark');
  await page.emulateMedia({ media: 'print' });

  for (const selector of ['.site-header nav', '.theme-picker', 'nav.toc', '.site-footer', 'details.embed']) {
    await expect(page.locator(selector).first(), selector).toBeHidden();
  }
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
  expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(0, 0, 0)');
  expect(await page.locator('figure.figure').first().evaluate((el) => getComputedStyle(el).breakInside)).toBe('avoid');
  expect(await page.locator('table.data').first().evaluate((el) => getComputedStyle(el).breakInside)).toBe('avoid');
  // The per-epoch values sit in a closed <details> on screen; on paper they are shown.
  await expect(page.locator('details.history table')).toBeVisible();
  const after = await page.locator('#downloads a').first().evaluate((a) => getComputedStyle(a, '::after').content);
  expect(after).toBe('" (/sub/experiments/fashion-tiny/data/metrics.json)"');

  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  await testInfo.attach('experiment.pdf', { body: pdf, contentType: 'application/pdf' });
});

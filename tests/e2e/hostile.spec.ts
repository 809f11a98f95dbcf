/**
 * Hostile text: the fixture's `fashion-hostile` experiment has `<script>` and `<img onerror>` in
 * its title, a class name and its notes (and a skipped file name elsewhere). Every place they
 * appear shows them as text, and none of it runs: `window.__pwned` stays unset and no request
 * goes to the injected `x` image.
 */
import { expect, test } from '@playwright/test';
import { siteUrl, watch } from './helpers.ts';

const TITLE = 'Fashion <script>window.__pwned = "title"</script> wide & “quoted” <img src=x onerror="window.__pwned=\'title-img\'">';
const CLASS = 'Bag <img src=x onerror="window.__pwned=\'class\'">';

const PAGES = [
  '',
  'compare/',
  'search/',
  'experiments/fashion-hostile/',
  'experiments/fashion-hostile/confusion/8/8/',
  'experiments/fashion-hostile/confusion/7/8/',
  'experiments/fashion-hostile/samples/27/',
];

test('hostile titles, class names and notes show as text and never run', async ({ page }) => {
  const problems = watch(page, new URL(siteUrl()).origin);
  for (const path of PAGES) {
    await page.goto(siteUrl() + path);
    await page.waitForLoadState('load');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), `script ran on /${path}`).toBeUndefined();
    expect(await page.locator('img[src="x"], img[src$="/x"], iframe').count(), `injected element on /${path}`).toBe(0);
  }

  await page.goto(`${siteUrl()}experiments/fashion-hostile/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  await expect(page).toHaveTitle(`${TITLE} · convlens report`);
  await expect(page.locator('#class-8 th')).toHaveText(CLASS);
  const notes = page.locator('.notes');
  await expect(notes).toContainText('A <script>window.__pwned = "notes"</script> tag and an <img src=x onerror="window.__pwned=\'notes-img\'"> stay text.');
  await expect(notes).toContainText('<iframe src="javascript:window.__pwned=1"></iframe>');
  // The javascript: link keeps its words and loses its address; the https one stays a link.
  await expect(notes).toContainText('a script link keeps only its words; a safe link stays a link.');
  await expect(notes.locator('a')).toHaveCount(1);
  await expect(notes.locator('a')).toHaveAttribute('href', 'https://example.org/');
  expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);

  await page.goto(`${siteUrl()}experiments/fashion-hostile/confusion/7/8/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Sneaker predicted as ${CLASS}`);

  await page.goto(`${siteUrl()}search/?q=bag`);
  await expect(page.locator('[data-results] li', { hasText: CLASS })).toHaveCount(1);

  await page.goto(`${siteUrl()}compare/`);
  await expect(page.locator('table[data-compare] tbody th', { hasText: 'wide & “quoted”' })).toHaveText(TITLE);
  await expect(page.getByLabel(TITLE)).toBeChecked();

  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(problems).toEqual([]);
});

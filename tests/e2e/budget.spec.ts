/**
 * Page-weight and layout budgets, measured in the browser (sizes and shifts, never time):
 * an experiment page's first load transfers at most 250 KB apart from lazily loaded images, and
 * nothing moves as images arrive (every image reserves its box with width and height), on the
 * fixture site and on the site the real pipeline built.
 */
import { expect, test, type Page } from '@playwright/test';
import { loadLazyImages, pipelineUrl, siteUrl } from './helpers.ts';

/** Budget for an experiment page's initial transfer, lazy images excluded (bytes). */
const INITIAL_BUDGET = 250 * 1024;

/** Bytes transferred by the page so far, without the images marked loading="lazy". */
async function initialBytes(page: Page): Promise<{ total: number; lazy: number; entries: number }> {
  return page.evaluate(() => {
    const lazy = new Set(Array.from(document.querySelectorAll<HTMLImageElement>('img[loading="lazy"]'), (img) => img.src));
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const counted = resources.filter((r) => !lazy.has(r.name));
    return {
      total: navigation.transferSize + counted.reduce((s, r) => s + r.transferSize, 0),
      lazy: resources.length - counted.length,
      entries: counted.length + 1,
    };
  });
}

/** The sum of layout-shift scores since the page started (buffered), after scrolling through it. */
async function layoutShift(page: Page): Promise<number> {
  await page.evaluate(() => {
    (window as unknown as { __cls: number }).__cls = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) (window as unknown as { __cls: number }).__cls += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await loadLazyImages(page);
  return page.evaluate(() => (window as unknown as { __cls: number }).__cls);
}

for (const [site, url] of [['fixture', () => `${siteUrl()}experiments/fashion-tiny/`], ['pipeline', () => `${pipelineUrl()}experiments/tiny-e2e/`]] as const) {
  test(`${site} experiment page: initial transfer within budget, no layout shift`, async ({ page }, testInfo) => {
    await page.goto(url(), { waitUntil: 'load' });
    const bytes = await initialBytes(page);
    const line = `${site} experiment page, initial transfer: ${(bytes.total / 1024).toFixed(1)} KB in ${bytes.entries} responses (${bytes.lazy} lazy images not counted)`;
    await testInfo.attach('page-weight.txt', { body: line, contentType: 'text/plain' });
    console.log(line);
    expect(bytes.total).toBeGreaterThan(0);
    expect(bytes.total).toBeLessThanOrEqual(INITIAL_BUDGET);
    expect(await layoutShift(page)).toBe(0);
  });
}

test('no page moves while it loads: not from images, not from the controls scripts add', async ({ page }) => {
  for (const path of ['', 'compare/', 'search/', 'experiments/fashion-tiny/samples/27/', 'experiments/fashion-tiny/confusion/4/5/']) {
    await page.goto(siteUrl() + path, { waitUntil: 'load' });
    expect(await layoutShift(page), `layout shift on /${path}`).toBe(0);
  }
});

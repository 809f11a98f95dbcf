/**
 * Shared helpers of the browser tests: where the sites are served, what counts as a problem on a
 * page, and waiting for lazy images.
 */
import { expect, type Page } from '@playwright/test';

/** The fixture site's root URL (under /sub/), set by the global setup. */
export function siteUrl(): string {
  const url = process.env.CONVLENS_E2E_URL;
  if (!url) throw new Error('CONVLENS_E2E_URL is not set; run the e2e tests with `npx playwright test` so the global setup serves the site.');
  return url;
}

/** The pipeline-built site's root URL (under /pipeline/), set by the global setup. */
export function pipelineUrl(): string {
  const url = process.env.CONVLENS_E2E_PIPELINE_URL;
  if (!url) throw new Error('CONVLENS_E2E_PIPELINE_URL is not set; run the e2e tests with `npx playwright test` so the global setup builds and serves the site.');
  return url;
}

/** The site built from hostile and diverging experiments (under /trouble/), set by the global setup. */
export function troubleUrl(): string {
  const url = process.env.CONVLENS_E2E_TROUBLE_URL;
  if (!url) throw new Error('CONVLENS_E2E_TROUBLE_URL is not set; run the e2e tests with `npx playwright test` so the global setup builds and serves the site.');
  return url;
}

/** The site of imported models (under /imports/), set by the global setup. */
export function importUrl(): string {
  const url = process.env.CONVLENS_E2E_IMPORT_URL;
  if (!url) throw new Error('CONVLENS_E2E_IMPORT_URL is not set; run the e2e tests with `npx playwright test` so the global setup builds and serves the site.');
  return url;
}

/** Records console errors, page errors, failed or non-2xx requests, and requests to other origins. */
export function watch(page: Page, origin: string): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  page.on('requestfailed', (r) => {
    // ERR_ABORTED is the browser cancelling a request it no longer needs (the test navigated on
    // while a lazy image or the search index was still loading), not the site failing to serve
    // it: a missing file is a 404 below, and images that do not decode fail brokenImages.
    const reason = r.failure()?.errorText ?? 'unknown';
    if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} (${reason})`);
  });
  page.on('request', (r) => {
    if (new URL(r.url()).origin !== origin) problems.push(`request to another origin: ${r.url()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/**
 * Load every image on the page (lazy ones too) and return those that did not decode. Faster
 * than scrolling: the images are switched to eager loading and awaited together.
 */
export async function brokenImages(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const images = Array.from(document.images);
    for (const img of images) img.loading = 'eager';
    const results = await Promise.all(images.map((img) => img.decode().then(() => null, () => img.currentSrc || img.src)));
    return results.filter((r): r is string => r !== null);
  });
}

/** Scroll through the page so lazy images load, then back to the top (for screenshots and layout checks). */
export async function loadLazyImages(page: Page): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const step = page.viewportSize()?.height ?? 800;
  for (let y = 0; y < height; y += step) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(20);
  }
  await expect.poll(() => page.evaluate(() => Array.from(document.images).every((i) => i.complete)), { message: 'images never finished loading' }).toBe(true);
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** Every distinct link on the page, absolute, without fragments. */
export async function links(page: Page): Promise<string[]> {
  const hrefs = await page.locator('a[href]').evaluateAll((els) => (els as HTMLAnchorElement[]).map((a) => a.href));
  return [...new Set(hrefs.map((h) => h.split('#')[0]!))];
}

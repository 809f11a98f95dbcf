/**
 * The crawler: starting from the index of the fixture site (served under /sub/), follow every
 * link that stays on the site and visit every page — index, experiment pages, compare, search,
 * sample pages, confusion-cell pages. On each: no console or page error, no failed request,
 * every image decodes, every same-site link and asset resolves, every figure offers SVG, PNG
 * and data downloads that resolve. The pages found must be exactly the pages report.json
 * implies, so a page the site forgot to link is noticed too.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ReportSchema } from '../../src/site/report.ts';
import { brokenImages, siteUrl, watch } from './helpers.ts';

/** The pages report.json implies, relative to the site root. */
function expectedPages(): string[] {
  const file = fileURLToPath(new URL('../fixtures/site/report/report.json', import.meta.url));
  const report = ReportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return [
    '',
    'compare/',
    'search/',
    ...report.experiments.flatMap((e) => [
      `experiments/${e.id}/`,
      ...e.tests.map((t) => `experiments/${e.id}/samples/${t.index}/`),
      ...e.confusionCells.filter((c) => c.shown.length > 0).map((c) => `experiments/${e.id}/confusion/${c.true}/${c.predicted}/`),
    ]),
  ].sort();
}

/** A page: a same-site URL that ends in `/` (directory-format pages). */
const isPage = (url: URL) => url.pathname.endsWith('/');

/** Pages visited at once: navigation is mostly waiting, so a few tabs make the crawl much faster. */
const TABS = 4;

test('every page of the site is reachable, renders without errors, and every link, image and download resolves', async ({ context }) => {
  test.setTimeout(180_000);
  const root = siteUrl();
  const origin = new URL(root).origin;
  const problems: string[] = [];
  const queue = [root];
  const seen = new Set(queue);
  const checked = new Set<string>();
  const visited: string[] = [];

  async function visit(page: Page, url: string): Promise<void> {
    const response = await page.goto(url);
    expect(response?.status(), `GET ${url}`).toBe(200);
    visited.push(url.slice(root.length));
    // One round trip per page: the checks run in the page and come back as data.
    const facts = await page.evaluate(() => ({
      h1: document.querySelectorAll('h1').length,
      unsized: Array.from(document.querySelectorAll('main img')).filter((img) => !/^\d+$/.test(img.getAttribute('width') ?? '') || !/^\d+$/.test(img.getAttribute('height') ?? '')).map((img) => (img as HTMLImageElement).src),
      figures: Array.from(document.querySelectorAll('figure.figure')).map((f) => ({
        id: f.id,
        anchored: f.querySelector(`a.anchor[href="#${CSS.escape(f.id)}"]`) !== null,
        downloads: Array.from(f.querySelectorAll<HTMLAnchorElement>('.downloads-inline a')).map((a) => a.pathname.split('.').at(-1)),
        embed: f.querySelector('details.embed code')?.textContent ?? '',
        alt: f.querySelector('img')?.getAttribute('alt') ?? '',
      })),
      urls: Array.from(document.querySelectorAll<HTMLAnchorElement | HTMLImageElement>('a[href], img[src]')).map((el) => (el instanceof HTMLAnchorElement ? el.href : el.src)),
    }));
    expect(facts.h1, `one h1 on ${url}`).toBe(1);
    expect(facts.unsized, `images without width and height on ${url}`).toEqual([]);
    for (const figure of facts.figures) {
      expect(figure.id, `figure id on ${url}`).toMatch(/^figure-/);
      expect(figure.anchored, `permalink of ${figure.id} on ${url}`).toBe(true);
      expect(figure.downloads, `downloads of ${figure.id} on ${url}`).toEqual(['svg', 'png', expect.stringMatching(/^(csv|json)$/)]);
      expect(figure.embed, `embed snippet of ${figure.id} on ${url}`).toMatch(/^<img src="[^"]+\.svg" width="\d+" height="\d+" alt="/);
      expect(figure.alt, `alt text of ${figure.id} on ${url}`).toMatch(/\S/);
    }
    expect(await brokenImages(page), `images on ${url}`).toEqual([]);

    const files: string[] = [];
    for (const href of new Set(facts.urls.map((h) => h.split('#')[0]!))) {
      const target = new URL(href);
      // A note may link elsewhere on the web; the site itself must never depend on another origin.
      if (target.origin !== origin) continue;
      expect(target.pathname.startsWith(new URL(root).pathname), `${href} on ${url} ignores the base`).toBe(true);
      if (isPage(target)) {
        if (!seen.has(href)) {
          seen.add(href);
          queue.push(href);
        }
      } else if (!checked.has(href)) {
        checked.add(href);
        files.push(href);
      }
    }
    // Published files (downloads, figures, images), checked from the page in parallel.
    // (Whole GETs: Chromium reports a HEAD response's unread body as an aborted request.)
    const statuses = await page.evaluate((list) => Promise.all(list.map((u) => fetch(u).then(async (r) => [u, r.status, (await r.arrayBuffer()).byteLength] as const))), files);
    for (const [href, code, bytes] of statuses) {
      expect(code, `GET ${href} (linked from ${url})`).toBe(200);
      expect(bytes, `GET ${href} (linked from ${url}) is empty`).toBeGreaterThan(0);
    }
  }

  const tabs = await Promise.all(Array.from({ length: TABS }, async () => {
    const page = await context.newPage();
    const found = watch(page, origin);
    return { page, found };
  }));
  // Each tab takes the next queued page until none is left and no tab can add more.
  let busy = 0;
  await Promise.all(tabs.map(async ({ page }) => {
    for (;;) {
      const url = queue.shift();
      if (url === undefined) {
        if (busy === 0) return;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      busy++;
      try {
        await visit(page, url);
      } finally {
        busy--;
      }
    }
  }));
  for (const { found } of tabs) problems.push(...found);

  expect(visited.sort()).toEqual(expectedPages());
  expect(problems).toEqual([]);
});

/**
 * The reports inside a docs site: the Starlight fixture (tests/fixtures/starlight), built by Astro
 * with the convlens integration at `/reports/` under the host base `/docs/` (global setup), and
 * served under `/docs/` only. The MDX page's `<ConvlensFigure>` shows the picture, caption, alt
 * text and downloads from report.json; every report page the report implies is reachable from
 * `/docs/reports/`, renders without errors, and every link and file it names resolves under the
 * prefix. A figure name the report lacks fails the build, listing the valid ones.
 */
import { expect, test, type Page } from '@playwright/test';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReportSchema } from '../../src/site/report.ts';
import { brokenImages, watch } from './helpers.ts';

/** The docs site's root URL (under /docs/), set by the global setup. */
function starlightUrl(): string {
  const url = process.env.CONVLENS_E2E_STARLIGHT_URL;
  if (!url) throw new Error('CONVLENS_E2E_STARLIGHT_URL is not set; run the e2e tests with `npx playwright test` so the global setup builds and serves the Starlight site.');
  return url;
}

const FIXTURE = fileURLToPath(new URL('../fixtures/starlight/', import.meta.url));
const report = ReportSchema.parse(JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/site/report/report.json', import.meta.url)), 'utf8')));
const tiny = report.experiments.find((e) => e.id === 'fashion-tiny')!;

/** The report pages report.json implies, relative to the reports' root. */
function expectedPages(): string[] {
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

/** GET every URL from the page (so the browser's view of the server counts); status and size each. */
async function fetchAll(page: Page, urls: string[]): Promise<Array<readonly [string, number, number, string]>> {
  return page.evaluate(
    (list) => Promise.all(list.map((u) => fetch(u).then(async (r) => [u, r.status, (await r.arrayBuffer()).byteLength, r.headers.get('content-type') ?? ''] as const))),
    urls,
  );
}

test('an MDX page of the docs site shows a convlens figure: picture, caption, alt text, downloads that resolve', async ({ page }) => {
  const root = starlightUrl();
  const problems = watch(page, new URL(root).origin);
  await page.goto(`${root}results/`);
  await expect(page.locator('h1')).toHaveText('Results');

  const curves = tiny.figures.find((f) => f.name === 'training-curves')!;
  const figure = page.locator('figure[data-convlens-figure="fashion-tiny/training-curves"]');
  await expect(figure).toHaveCount(1);
  const img = figure.locator('img');
  await expect(img).toHaveAttribute('alt', curves.alt);
  await expect(img).toHaveAttribute('src', '/docs/reports/experiments/fashion-tiny/figures/training-curves.svg');
  await expect(img).toHaveAttribute('width', String(curves.width));
  await expect(img).toHaveAttribute('height', String(curves.height));
  await expect(figure.locator('figcaption')).toContainText(`${curves.title}. ${curves.alt}`);
  const links = figure.locator('figcaption a');
  await expect(links).toHaveText(['SVG', 'PNG (2×)', 'data (CSV)', 'in the report']);
  const hrefs = await links.evaluateAll((els) => (els as HTMLAnchorElement[]).map((a) => a.href));
  expect(hrefs.map((h) => new URL(h).pathname + new URL(h).hash)).toEqual([
    '/docs/reports/experiments/fashion-tiny/figures/training-curves.svg',
    '/docs/reports/experiments/fashion-tiny/figures/training-curves.png',
    '/docs/reports/experiments/fashion-tiny/figures/training-curves.csv',
    '/docs/reports/experiments/fashion-tiny/#figure-training-curves',
  ]);

  // The second figure is shown as its 2× PNG; both decode.
  const matrix = page.locator('figure[data-convlens-figure="fashion-tiny/confusion-matrix"] img');
  await expect(matrix).toHaveAttribute('src', '/docs/reports/experiments/fashion-tiny/figures/confusion-matrix.png');
  await expect(page.locator('figure[data-convlens-figure="fashion-tiny/confusion-matrix"] figcaption a').nth(2)).toHaveText('data (JSON)');
  expect(await brokenImages(page)).toEqual([]);
  expect(await page.locator('figure.convlens-figure img').evaluateAll((els) => (els as HTMLImageElement[]).map((i) => i.naturalWidth > 0))).toEqual([true, true]);

  // Every download is the published file, byte for byte.
  const files = await fetchAll(page, hrefs.slice(0, 3));
  const published = fileURLToPath(new URL('../fixtures/site/report/experiments/fashion-tiny/', import.meta.url));
  for (const [i, [url, status, bytes, type]] of files.entries()) {
    expect(status, `GET ${url}`).toBe(200);
    expect(bytes, `size of ${url}`).toBe((await readFile(join(published, [curves.svg, curves.png, curves.data][i]!))).byteLength);
    expect(type, `type of ${url}`).toMatch(i === 0 ? /svg/ : i === 1 ? /png/ : /csv/);
  }

  // "in the report" lands on the figure in the injected report page.
  await links.nth(3).click();
  await expect(page).toHaveURL(`${root}reports/experiments/fashion-tiny/#figure-training-curves`);
  await expect(page.locator('#figure-training-curves img')).toHaveAttribute('alt', curves.alt);
  expect(problems).toEqual([]);
});

test('the docs site links to the reports, and every report page under /docs/reports/ renders without errors with every link and file resolving', async ({ context }) => {
  test.setTimeout(180_000);
  const root = starlightUrl();
  const reports = `${root}reports/`;
  const origin = new URL(root).origin;

  // The docs site's own navigation reaches the reports (Starlight's sidebar, under the host base).
  const home = await context.newPage();
  const homeProblems = watch(home, origin);
  await home.goto(root);
  await home.getByRole('link', { name: 'All reports' }).first().click();
  await expect(home).toHaveURL(reports);
  await expect(home.locator('h1')).toHaveText('Experiments');
  expect(homeProblems).toEqual([]);
  await home.close();

  const queue = [reports];
  const seen = new Set(queue);
  const checked = new Set<string>();
  const visited: string[] = [];
  const problems: string[] = [];

  async function visit(page: Page, url: string): Promise<void> {
    const response = await page.goto(url);
    expect(response?.status(), `GET ${url}`).toBe(200);
    visited.push(url.slice(reports.length));
    const urls = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLAnchorElement | HTMLImageElement | HTMLLinkElement | HTMLScriptElement>('a[href], img[src], link[href], script[src]')).map((el) =>
        el instanceof HTMLImageElement || el instanceof HTMLScriptElement ? el.src : el.href,
      ),
    );
    expect(await brokenImages(page), `images on ${url}`).toEqual([]);
    const files: string[] = [];
    for (const href of new Set(urls.map((h) => h.split('#')[0]!))) {
      const target = new URL(href);
      if (target.protocol === 'data:' || target.origin !== origin) continue;
      // Pages and files of the report stay under the prefix; only the bundled CSS/JS are the host's.
      if (!target.pathname.startsWith('/docs/_astro/')) expect(target.pathname.startsWith('/docs/reports/'), `${href} on ${url} leaves the prefix`).toBe(true);
      if (target.pathname.endsWith('/')) {
        if (!seen.has(href)) {
          seen.add(href);
          queue.push(href);
        }
      } else if (!checked.has(href)) {
        checked.add(href);
        files.push(href);
      }
    }
    for (const [href, status, bytes] of await fetchAll(page, files)) {
      expect(status, `GET ${href} (linked from ${url})`).toBe(200);
      expect(bytes, `GET ${href} (linked from ${url}) is empty`).toBeGreaterThan(0);
    }
  }

  const tabs = await Promise.all(Array.from({ length: 4 }, async () => {
    const page = await context.newPage();
    return { page, found: watch(page, origin) };
  }));
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

test('a report figure offers Markdown beside HTML to embed it, with the full address under the docs site', async ({ page }) => {
  const root = starlightUrl();
  const problems = watch(page, new URL(root).origin);
  const curves = tiny.figures.find((f) => f.name === 'training-curves')!;
  await page.goto(`${root}reports/experiments/fashion-tiny/#figure-training-curves`);
  await page.locator('#figure-training-curves details.embed summary').click();
  const src = `${root}reports/experiments/fashion-tiny/figures/training-curves.svg`;
  const markdown = page.locator('#figure-training-curves [data-embed-format="markdown"]');
  expect(await markdown.locator('pre').evaluate((pre) => pre.textContent)).toBe(`![${curves.alt}](${src})\n\n*Training curves.* ${curves.alt}`);
  expect(curves.alt).toBe('Loss and accuracy over 4 epochs; training loss falls from 1.92 to 0.74, training accuracy rises to 75.0%.');
  await expect(page.locator('#figure-training-curves details.embed code')).toHaveText(`<img src="${src}" width="640" height="260" alt="${curves.alt}">`);
  await expect(page.locator('#figure-training-curves .copy-button')).toHaveText(['Copy HTML', 'Copy Markdown']);
  expect(problems).toEqual([]);
});

test('the search page of the injected report filters through search.json under the prefix and links into the report', async ({ page }) => {
  const root = starlightUrl();
  const problems = watch(page, new URL(root).origin);
  await page.goto(`${root}reports/search/`);
  await page.getByLabel('Search experiments, classes and metrics').fill('coat');
  await expect(page.locator('[data-results] li')).toHaveCount(2);
  await page.locator('[data-results] li a').first().click();
  await expect(page).toHaveURL(`${root}reports/experiments/fashion-tiny/#class-4`);
  expect(problems).toEqual([]);
});

test('a figure name the report lacks fails the docs build, naming the valid figures', async () => {
  test.setTimeout(120_000);
  // Inside the repository (its ignored .scratch/), so Starlight and Astro resolve from its node_modules as the fixture's do.
  const scratch = fileURLToPath(new URL('../../.scratch/', import.meta.url));
  await mkdir(scratch, { recursive: true });
  const work = await mkdtemp(join(scratch, 'starlight-bad-'));
  const saved = process.env.CONVLENS_REPORT_DIR;
  try {
    const site = join(work, 'site');
    await cp(FIXTURE, site, { recursive: true, filter: (src) => !/\/(\.astro|node_modules)(\/|$)/.test(src) });
    const integration = fileURLToPath(new URL('../../src/astro/integration.ts', import.meta.url));
    const component = fileURLToPath(new URL('../../src/astro/ConvlensFigure.astro', import.meta.url));
    const config = (await readFile(join(site, 'astro.config.mjs'), 'utf8'))
      .replace('../../../src/astro/integration.ts', integration)
      .replace("'../site/report'", JSON.stringify(fileURLToPath(new URL('../fixtures/site/report/', import.meta.url))));
    await writeFile(join(site, 'astro.config.mjs'), config);
    await writeFile(
      join(site, 'src/content/docs/results.mdx'),
      `---\ntitle: Results\n---\nimport ConvlensFigure from ${JSON.stringify(component)};\n\n<ConvlensFigure experiment="fashion-tiny" name="roc-curves" />\n`,
    );
    const { build } = await import('astro');
    const failure = await build({ root: site, outDir: join(work, 'dist'), cacheDir: join(work, 'cache'), logLevel: 'silent', vite: { cacheDir: join(work, 'cache', 'vite') } }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toContain(
      'ConvlensFigure: experiment "fashion-tiny" has no figure "roc-curves". Its figures are: training-curves, confusion-matrix, confusion-matrix-normalized, architecture. Fix the name attribute of <ConvlensFigure>.',
    );
  } finally {
    if (saved === undefined) delete process.env.CONVLENS_REPORT_DIR;
    else process.env.CONVLENS_REPORT_DIR = saved;
    await rm(work, { recursive: true, force: true });
  }
});

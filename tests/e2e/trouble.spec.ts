/**
 * The real pipeline on trouble (global-setup.ts `buildTroubleSite`): payloads in a title, a
 * description, class names and file names stay text on every page and in every figure, even
 * opened on its own; and the run that diverged has a page marked as failed with its partial
 * history.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { PAYLOADS } from './global-setup.ts';
import { brokenImages, troubleUrl, watch } from './helpers.ts';

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);

/** Every page of the site reachable from the index, by following same-site links. */
async function crawl(page: Page, root: string): Promise<string[]> {
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length > 0) {
    const url = queue.shift()!;
    await page.goto(url);
    expect(await pwned(page), `script ran on ${url}`).toBeUndefined();
    expect(await page.locator('img[src="x"], img[src$="/x"], iframe, svg[onload]').count(), `injected element on ${url}`).toBe(0);
    for (const href of await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) {
      const next = href.split('#')[0]!;
      if (next.startsWith(root) && next.endsWith('/') && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...seen];
}

test('payloads in titles, descriptions, class and file names never run, on any page', async ({ page }) => {
  const root = troubleUrl();
  const problems = watch(page, new URL(root).origin);
  const pages = await crawl(page, root);
  // Index, compare, search, the two experiment pages and the hostile run's sample and confusion pages.
  expect(pages.length).toBeGreaterThan(8);
  expect(problems).toEqual([]);

  await page.goto(`${root}experiments/hostile/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(PAYLOADS.title);
  await expect(page.locator('body')).toContainText(PAYLOADS.classA);
  await expect(page.locator('body')).toContainText(PAYLOADS.classB);
  // The unreadable file is listed by its name, as text.
  await expect(page.locator('body')).toContainText(PAYLOADS.badFile);
  expect(await brokenImages(page)).toEqual([]);
  expect(await pwned(page)).toBeUndefined();
});

test('every figure of the hostile run, opened on its own as SVG, runs nothing', async ({ page, request }) => {
  const root = troubleUrl();
  const report = await (await request.get(`${root}report.json`)).json();
  const entry = report.experiments.find((e: { id: string }) => e.id === 'hostile');
  const svgs: string[] = [...entry.figures.map((f: { svg: string }) => f.svg), ...entry.tests.flatMap((t: { explanations?: { svg: string } }) => (t.explanations ? [t.explanations.svg] : []))];
  expect(svgs.length).toBeGreaterThan(10);
  for (const svg of svgs) {
    const url = `${root}experiments/hostile/${svg}`;
    await page.goto(url);
    expect(await pwned(page), `script ran in ${svg}`).toBeUndefined();
    // The payloads are in the figures only as text: no element they name, no event attribute. The
    // one link a figure may carry is convlens's own, from a test image to its sample page.
    const injected = await page.evaluate(() =>
      Array.from(document.querySelectorAll('*')).flatMap((el) => [
        ...(['script', 'img', 'iframe', 'foreignObject'].includes(el.localName) ? [el.localName] : []),
        ...(el.localName === 'a' && !/^\.\.\/samples\/\d+\/$/.test(el.getAttribute('href') ?? '') ? [`a[href=${el.getAttribute('href')}]`] : []),
        ...Array.from(el.attributes).filter((a) => a.name.startsWith('on')).map((a) => `${el.localName}[${a.name}]`),
      ]),
    );
    expect(injected, svg).toEqual([]);
  }
  // The class names are in the figures as text (escaped), where the figure draws text at all.
  const distribution = await (await request.get(`${root}experiments/hostile/figures/class-distribution.svg`)).text();
  expect(distribution).toContain('&lt;img src=x onerror=window.__pwned=1&gt;');
});

test('the run that diverged: listed as failed, its page marked failed with the partial history', async ({ page }) => {
  const root = troubleUrl();
  const problems = watch(page, new URL(root).origin);
  await page.goto(root);
  const failed = page.locator('section[aria-labelledby="failed"]');
  await expect(failed).toContainText('Diverges in its fourth epoch');
  await failed.getByRole('link', { name: 'Diverges in its fourth epoch' }).click();
  await expect(page).toHaveURL(/\/trouble\/experiments\/diverges\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Diverges in its fourth epoch Failed');
  await expect(page.locator('pre.error')).toHaveText(
    "Training diverged: the model's weights became NaN or infinite at epoch 4, batch 6. Lower train.optimizer's learningRate (for example by a factor of 10) and run again.",
  );
  await expect(page.locator('#error')).toContainText('3 epochs completed before training diverged at epoch 4, batch 6.');
  await expect(page.locator('#training figure img')).toHaveCount(1);
  await expect(page.locator('details.history tbody tr')).toHaveCount(3);
  await expect(page.locator('details.history tbody tr').first().locator('td').last()).toHaveText('0.0100');
  await expect(page.locator('#definition pre')).toContainText('factor: 1.0e+20');
  expect(await brokenImages(page)).toEqual([]);
  const csv = await page.request.get(`${root}experiments/diverges/data/history.csv`);
  expect((await csv.text()).trim().split('\n')).toHaveLength(4);
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  expect(problems).toEqual([]);
});

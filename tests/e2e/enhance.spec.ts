/**
 * Scripts only enhance. Without JavaScript every page reads completely (plain tables, the
 * search page's full list, deltas against the first experiment, the system theme); with it,
 * tables sort, search filters, the compare page takes another baseline or a subset, and embed
 * snippets carry full URLs.
 */
import { expect, test, type Page } from '@playwright/test';
import { brokenImages, siteUrl, watch } from './helpers.ts';

const columnTexts = (page: Page, table: string, column: number) =>
  page.locator(`${table} tbody tr`).evaluateAll((rows, c) => rows.map((r) => (r as HTMLTableRowElement).cells[c]!.textContent!.trim()), column);

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false, colorScheme: 'dark' });

  test('every page type reads completely; controls that need a script are absent', async ({ page }) => {
    const problems = watch(page, new URL(siteUrl()).origin);
    await page.goto(siteUrl());
    await expect(page.locator('.experiment-card')).toHaveCount(3);
    await expect(page.locator('table.experiments tbody tr')).toHaveCount(3);
    await expect(page.locator('.sort-button')).toHaveCount(0);
    await expect(page.locator('.theme-picker')).toBeHidden();
    // The system preference still applies (the media query, not the script).
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 23, 27)');

    await page.goto(`${siteUrl()}search/`);
    await expect(page.locator('[data-search]')).toBeHidden();
    await expect(page.locator('[data-search-fallback] h2 a')).toHaveCount(3);
    await expect(page.locator('[data-search-fallback] a', { hasText: 'Coat' })).toHaveCount(2);

    await page.goto(`${siteUrl()}compare/`);
    await expect(page.locator('[data-compare-controls]')).toBeHidden();
    await expect(page.locator('table[data-compare] tbody tr').first().locator('.delta').first()).toHaveText('baseline');
    await expect(page.locator('table[data-compare] tbody tr').nth(1).locator('td[data-metric="accuracy"] .delta')).toHaveText('+5.00 pp better');

    await page.goto(`${siteUrl()}experiments/fashion-tiny/`);
    for (const id of ['overview', 'data', 'model', 'training', 'performance', 'interpretability', 'definition', 'downloads']) await expect(page.locator(`section#${id}`)).toHaveCount(1);
    await expect(page.locator('.notes h4')).toHaveText('Why this run');
    await expect(page.locator('#figure-training-curves details.embed code')).toContainText('<img src="/sub/experiments/fashion-tiny/figures/training-curves.svg"');

    await page.goto(`${siteUrl()}experiments/fashion-tiny/samples/27/`);
    await expect(page.locator('table.probabilities tbody tr')).toHaveCount(10);
    expect(await page.locator('img').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});

test.describe('with JavaScript', () => {
  test('the comparison table sorts by any column, missing values last', async ({ page }) => {
    const problems = watch(page, new URL(siteUrl()).origin);
    await page.goto(siteUrl());
    const accuracy = page.locator('table.experiments thead th', { hasText: 'Test accuracy' });
    await accuracy.getByRole('button').click();
    await expect(accuracy).toHaveAttribute('aria-sort', 'descending');
    expect(await columnTexts(page, 'table.experiments', 2)).toEqual(['84.00%', '83.00%', '79.00%']);
    await accuracy.getByRole('button').click();
    await expect(accuracy).toHaveAttribute('aria-sort', 'ascending');
    expect(await columnTexts(page, 'table.experiments', 2)).toEqual(['79.00%', '83.00%', '84.00%']);

    const valLoss = page.locator('table.experiments thead th', { hasText: 'Final validation loss' });
    const valIndex = await valLoss.evaluate((th) => (th as HTMLTableCellElement).cellIndex);
    await valLoss.getByRole('button').click();
    expect(await columnTexts(page, 'table.experiments', valIndex)).toEqual(['0.9500', '0.8400', '—']);
    await valLoss.getByRole('button').click();
    expect(await columnTexts(page, 'table.experiments', valIndex)).toEqual(['0.8400', '0.9500', '—']);
    await expect(accuracy).not.toHaveAttribute('aria-sort', /./);

    await page.locator('table.experiments thead th', { hasText: 'Experiment' }).getByRole('button').click();
    expect((await columnTexts(page, 'table.experiments', 0)).map((t) => t.slice(0, 8))).toEqual(['Fashion ', 'Fashion-', 'MNIST di']);
    expect(problems).toEqual([]);
  });

  test('search filters the static index as you type and keeps the query in the address', async ({ page }) => {
    const problems = watch(page, new URL(siteUrl()).origin);
    await page.goto(`${siteUrl()}search/`);
    const input = page.getByLabel('Search experiments, classes and metrics');
    await input.fill('coat');
    await expect(page.locator('[data-results] li')).toHaveCount(2);
    await expect(page.locator('[data-status]')).toHaveText('2 matches.');
    await expect(page.locator('[data-search-fallback]')).toBeHidden();
    await expect(page).toHaveURL(/\?q=coat$/);
    await page.locator('[data-results] li a').first().click();
    await expect(page).toHaveURL(/experiments\/fashion-tiny\/#class-4$/);

    await page.goto(`${siteUrl()}search/?q=calibration%20digits`);
    await expect(page.locator('[data-results] li')).toHaveCount(1);
    await expect(page.locator('[data-results] li')).toContainText('Calibration error (ECE)');
    await page.getByLabel('Search experiments, classes and metrics').fill('zzz');
    await expect(page.locator('[data-status]')).toHaveText('No match for “zzz”.');
    await page.getByLabel('Search experiments, classes and metrics').fill('');
    await expect(page.locator('[data-search-fallback]')).toBeVisible();
    expect(problems).toEqual([]);
  });

  test('the compare page takes another baseline and a subset of experiments', async ({ page }) => {
    const problems = watch(page, new URL(siteUrl()).origin);
    await page.goto(`${siteUrl()}compare/`);
    const row = (id: string) => page.locator(`table[data-compare] tr[data-experiment="${id}"]`);
    await expect(row('fashion-tiny').locator('td[data-metric="accuracy"] .delta')).toHaveText('baseline');

    await page.getByLabel('Baseline').selectOption('mnist-no-validation');
    await expect(page.locator('[data-baseline-name]')).toHaveText('MNIST digits — no validation split');
    await expect(row('mnist-no-validation').locator('td[data-metric="accuracy"] .delta')).toHaveText('baseline');
    await expect(row('fashion-tiny').locator('td[data-metric="accuracy"] .delta')).toHaveText('\u22125.00 pp worse');
    await expect(row('fashion-tiny').locator('td[data-metric="loss"] .delta')).toHaveText('+0.0535 worse');
    await expect(row('fashion-tiny').locator('td[data-metric="val-loss"] .delta')).toHaveText('—');
    await expect(row('fashion-tiny').locator('td[data-metric="params"] .delta')).toHaveText('+6,572');

    await page.getByRole('checkbox', { name: /wide/ }).uncheck();
    await expect(row('fashion-hostile')).toBeHidden();
    await expect(page.locator('table.same-images [data-experiment="fashion-hostile"]').first()).toBeHidden();
    await expect(page.locator('table.same-images [data-experiment="fashion-tiny"]').first()).toBeVisible();
    await page.getByRole('checkbox', { name: /wide/ }).check();
    await expect(row('fashion-hostile')).toBeVisible();
    expect(await brokenImages(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('embed snippets carry the figure’s full address', async ({ page }) => {
    await page.goto(`${siteUrl()}experiments/fashion-tiny/#figure-training-curves`);
    await page.locator('#figure-training-curves details.embed summary').click();
    await expect(page.locator('#figure-training-curves details.embed code')).toContainText(`<img src="${siteUrl()}experiments/fashion-tiny/figures/training-curves.svg" width="640" height="260" alt="Loss and accuracy`);
  });
});

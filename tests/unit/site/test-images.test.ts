import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../src/site/report.ts';
import { cellTitle, className, countTable, findCell, neighbours, pagesFor, testRoles } from '../../../src/site/test-images.ts';

const report = ReportSchema.parse(JSON.parse(readFileSync('tests/fixtures/site/report/report.json', 'utf8')));
const fashion = report.experiments[0]!;

describe('test images with pages', () => {
  it('links every non-empty confusion cell that has a page, and no empty one', () => {
    const table = countTable(fashion);
    expect(table).toHaveLength(10);
    for (const row of table) {
      for (const cell of row) {
        expect(cell.count).toBe(fashion.metrics.confusion[cell.actual]![cell.predicted]);
        expect(cell.linked).toBe(cell.count > 0);
      }
    }
    // A report without cells (an older pipeline) links nothing.
    expect(countTable({ ...fashion, confusionCells: [] }).flat().some((c) => c.linked)).toBe(false);
  });

  it('names cells and classes, never throwing on an unknown class', () => {
    expect(cellTitle(fashion, 4, 5)).toBe('Coat predicted as Sandal');
    expect(cellTitle(fashion, 1, 1)).toBe('Trouser predicted correctly');
    expect(className(fashion, 42)).toBe('class 42');
    expect(findCell(fashion, 4, 5)?.count).toBe(5);
    expect(findCell(fashion, 4, 7)).toBeUndefined();
  });

  it('says why an image has a page and walks to its neighbours', () => {
    const explained = fashion.explain.images[0]!.index;
    expect(testRoles(fashion, explained)).toContain('explained by every interpretability method');
    const sorted = fashion.tests.map((t) => t.index).sort((a, b) => a - b);
    expect(neighbours(fashion, sorted[1]!)).toMatchObject({ previous: { index: sorted[0] }, next: { index: sorted[2] } });
    expect(neighbours(fashion, sorted[0]!).previous).toBeUndefined();
    expect(neighbours(fashion, -1)).toEqual({});
    expect(pagesFor(fashion, [sorted[0]!, -5]).map((t) => t.index)).toEqual([sorted[0]]);
  });
});

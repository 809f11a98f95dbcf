import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../src/site/report.ts';
import { hasInterpretability, pageFigures, tableOfContents } from '../../../src/site/sections.ts';

const report = ReportSchema.parse(JSON.parse(readFileSync('tests/fixtures/site/report/report.json', 'utf8')));
const [fashion, mnist] = report.experiments;

describe('page sections', () => {
  it('places known figures in their sections and omits absent ones', () => {
    expect(pageFigures(fashion!).performance.map((f) => f.name)).toEqual(['confusion-matrix', 'confusion-matrix-normalized']);
    expect(pageFigures(mnist!).performance.map((f) => f.name)).toEqual(['confusion-matrix']);
    expect(pageFigures(mnist!).other).toEqual([]);
  });

  it('keeps figures it does not know under "More figures"', () => {
    const extra = { ...fashion!.figures[0]!, name: 'a-figure-from-the-future' };
    const entry = { ...fashion!, figures: [...fashion!.figures, extra] };
    expect(pageFigures(entry).other.map((f) => f.name)).toEqual(['a-figure-from-the-future']);
    expect(tableOfContents(entry).map((t) => t.id)).toContain('more-figures');
    expect(tableOfContents(fashion!).map((t) => t.id)).toEqual(['overview', 'data', 'model', 'training', 'performance', 'interpretability', 'definition', 'downloads']);
  });
});

describe('model and interpretability sections', () => {
  it('shows the architecture figure in the Model section', () => {
    expect(pageFigures(fashion!).model.map((f) => f.name)).toEqual(['architecture']);
    expect(pageFigures(mnist!).model).toEqual([]);
  });

  it('has an Interpretability section when explained images have pages, even without its figures', () => {
    expect(hasInterpretability(fashion!)).toBe(true);
    expect(hasInterpretability(mnist!)).toBe(false);
    expect(hasInterpretability({ ...fashion!, tests: [] })).toBe(false);
  });
});

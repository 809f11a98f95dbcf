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

describe('the interpretability section in three parts', () => {
  it('puts maps first, then the evidence, then what the network learned (each layer\'s patterns beside its top images)', () => {
    const names = [
      'embedding-umap', 'filter-top-images-conv2d_2', 'filter-patterns-conv2d_2', 'filter-patterns-conv2d_1', 'filter-top-images-conv2d_1', 'filters',
      'feature-maps-conv2d_1', 'sanity-checks', 'road', 'faithfulness', 'occlusion', 'layer-cam', 'class-activation-maps', 'gradcam', 'embedding-pca',
    ];
    const figure = fashion!.figures[0]!;
    const entry = { ...fashion!, figures: names.map((name) => ({ ...figure, name })) };
    const parts = pageFigures(entry);
    expect(parts.explanations.map((f) => f.name)).toEqual(['gradcam', 'class-activation-maps', 'layer-cam', 'occlusion']);
    expect(parts.evidence.map((f) => f.name)).toEqual(['faithfulness', 'road', 'sanity-checks']);
    expect(parts.learned.map((f) => f.name)).toEqual([
      'feature-maps-conv2d_1', 'filters',
      'filter-patterns-conv2d_2', 'filter-top-images-conv2d_2', 'filter-patterns-conv2d_1', 'filter-top-images-conv2d_1',
      'embedding-pca', 'embedding-umap',
    ]);
    expect(parts.interpretability.map((f) => f.name)).toEqual([...parts.explanations, ...parts.evidence, ...parts.learned].map((f) => f.name));
    expect(parts.other).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../src/site/report.ts';
import { buildSearchIndex } from '../../../src/site/search-index.ts';
import { normalizeText, queryWords, searchEntries } from '../../../src/site/search.ts';

const report = ReportSchema.parse(JSON.parse(readFileSync('tests/fixtures/site/report/report.json', 'utf8')));
const index = buildSearchIndex(report, '/sub/');

describe('buildSearchIndex', () => {
  it('lists each experiment, then its classes and its metrics, with URLs under base', () => {
    const kinds = index.entries.map((e) => e.kind);
    const fashion = report.experiments[0]!;
    expect(index.version).toBe(1);
    expect(kinds.filter((k) => k === 'experiment')).toHaveLength(report.experiments.length);
    expect(kinds.filter((k) => k === 'class')).toHaveLength(report.experiments.reduce((s, e) => s + e.dataset.classes.length, 0));
    expect(index.entries[0]).toMatchObject({ kind: 'experiment', title: fashion.title, url: '/sub/experiments/fashion-tiny/' });
    expect(index.entries[1]).toMatchObject({ kind: 'class', title: 'T-shirt/top', url: '/sub/experiments/fashion-tiny/#class-0' });
    for (const e of index.entries) expect(e.url.startsWith('/sub/experiments/')).toBe(true);
  });

  it('leaves out metrics an experiment does not have', () => {
    const mnistMetrics = index.entries.filter((e) => e.kind === 'metric' && e.url.includes('mnist-no-validation')).map((e) => e.title);
    expect(mnistMetrics).toContain('Test accuracy');
    expect(mnistMetrics).not.toContain('Final validation loss');
  });
});

describe('searchEntries', () => {
  it('normalizes case, accents and punctuation', () => {
    expect(normalizeText('Fashion-MNIST — T-shirt/Top Éclair')).toBe('fashion mnist t shirt top eclair');
    expect(queryWords('  Coat   RECALL ')).toEqual(['coat', 'recall']);
  });

  it('finds a class in every experiment that has it, by word prefix', () => {
    const hits = searchEntries(index.entries, 'coa');
    expect(hits.map((h) => [h.kind, h.title])).toEqual([['class', 'Coat'], ['class', 'Coat']]);
  });

  it('needs every word, and ranks entries with more of the words in their title first', () => {
    const hits = searchEntries(index.entries, 'accuracy mnist');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => `${h.title} ${h.detail} ${h.terms}`.toLowerCase().includes('mnist'))).toBe(true);
    const inTitle = hits.map((h) => queryWords('accuracy mnist').filter((w) => ` ${normalizeText(h.title)}`.includes(` ${w}`)).length);
    expect(inTitle).toEqual([...inTitle].sort((a, b) => b - a));
    expect(searchEntries(index.entries, 'tiny accuracy')[0]).toMatchObject({ kind: 'experiment', title: 'Fashion-MNIST — tiny CNN' });
  });

  it('finds metrics by the words people use for them', () => {
    expect(searchEntries(index.entries, 'ece').map((h) => h.title)).toEqual(report.experiments.map(() => 'Calibration error (ECE)'));
    expect(searchEntries(index.entries, 'val_loss fashion-tiny').map((h) => h.title)).toEqual(['Final validation loss']);
  });

  it('matches nothing for an empty query and respects the limit', () => {
    expect(searchEntries(index.entries, '   ')).toEqual([]);
    expect(searchEntries(index.entries, 'fashion', 3)).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import { classAnchor, comparePageUrl, confusionCellUrl, experimentFileUrl, experimentPageUrl, figureAnchor, reportFileUrl, samplePageUrl, searchIndexUrl, searchPageUrl, siteUrl } from '../../../src/site/urls.ts';

describe('site URLs', () => {
  it('puts every path under base, whatever slashes base has', () => {
    for (const base of ['/sub/', '/sub', 'sub/', 'sub']) {
      expect(siteUrl(base)).toBe('/sub/');
      expect(siteUrl(base, '/experiments/a/')).toBe('/sub/experiments/a/');
    }
    expect(siteUrl('/')).toBe('/');
    expect(siteUrl('/', 'experiments/a/')).toBe('/experiments/a/');
    expect(siteUrl('/a/b/', 'x.json')).toBe('/a/b/x.json');
  });

  it('encodes ids and path segments but keeps the slashes', () => {
    expect(experimentPageUrl('/r/', 'a b')).toBe('/r/experiments/a%20b/');
    expect(experimentFileUrl('/r/', 'x', 'figures/roc #1.svg')).toBe('/r/experiments/x/figures/roc%20%231.svg');
  });

  it('builds every page and file URL under base', () => {
    expect(samplePageUrl('/sub/', 'a', 12)).toBe('/sub/experiments/a/samples/12/');
    expect(confusionCellUrl('/sub/', 'a', 3, 5)).toBe('/sub/experiments/a/confusion/3/5/');
    expect(comparePageUrl('/sub')).toBe('/sub/compare/');
    expect(searchPageUrl('/')).toBe('/search/');
    expect(searchIndexUrl('/sub/')).toBe('/sub/search.json');
    expect(reportFileUrl('/sub/', 'figures/final metrics.svg')).toBe('/sub/figures/final%20metrics.svg');
  });

  it('makes fragment-safe anchors', () => {
    expect(figureAnchor('training-curves')).toBe('figure-training-curves');
    expect(figureAnchor('feature-maps-conv2d_1')).toBe('figure-feature-maps-conv2d_1');
    expect(figureAnchor('a "b"#c')).toBe('figure-a--b--c');
    expect(classAnchor(3)).toBe('class-3');
  });
});

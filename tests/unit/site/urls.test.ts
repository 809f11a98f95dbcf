import { describe, expect, it } from 'vitest';
import { experimentFileUrl, experimentPageUrl, siteUrl } from '../../../src/site/urls.ts';

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
});

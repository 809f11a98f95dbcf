import { describe, expect, it } from 'vitest';
import { injectedPages, normalizePrefix, reportBase, routeOfPage } from '../../../src/astro/routes.ts';

describe('the report pages inside a host site', () => {
  it('normalizes the prefix and refuses the site root or odd segments, naming the value', () => {
    expect(normalizePrefix('/reports/')).toBe('reports');
    expect(normalizePrefix('reports')).toBe('reports');
    expect(normalizePrefix('/ml/reports')).toBe('ml/reports');
    for (const bad of ['/', '', '/../x/', '/a b/', '/a//b/']) {
      expect(() => normalizePrefix(bad), bad).toThrow(`the reports' prefix ${JSON.stringify(bad)} is not a sub-path`);
    }
  });

  it("joins the host's base and the prefix into the report's base, with or without the base's slash", () => {
    expect(reportBase('/', 'reports')).toBe('/reports/');
    expect(reportBase('/docs', 'reports')).toBe('/docs/reports/');
    expect(reportBase('/docs/', 'ml/reports')).toBe('/docs/ml/reports/');
  });

  it("names each page file's route as Astro's file routing does", () => {
    expect(routeOfPage('index.astro')).toBe('');
    expect(routeOfPage('compare/index.astro')).toBe('compare');
    expect(routeOfPage('search.json.ts')).toBe('search.json');
    expect(routeOfPage('experiments/[id]/samples/[index].astro')).toBe('experiments/[id]/samples/[index]');
  });

  it('injects every page under the prefix with its file as the entrypoint', () => {
    const pages = injectedPages('reports', '/pkg/src/pages', ['index.astro', 'search.json.ts', 'compare/index.astro', 'experiments/[id]/index.astro', 'README.md']);
    expect(pages).toEqual([
      { pattern: '/reports', entrypoint: '/pkg/src/pages/index.astro' },
      { pattern: '/reports/compare', entrypoint: '/pkg/src/pages/compare/index.astro' },
      { pattern: '/reports/experiments/[id]', entrypoint: '/pkg/src/pages/experiments/[id]/index.astro' },
      { pattern: '/reports/search.json', entrypoint: '/pkg/src/pages/search.json.ts' },
    ]);
  });
});

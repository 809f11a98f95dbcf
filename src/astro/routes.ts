/**
 * Where the report pages go inside a host Astro site: the prefix, the links' base, and one
 * injected route per file of `src/pages`. Pure (the page list is read by the caller), so the
 * mapping is unit-tested without Astro.
 */
import { siteUrl } from '../site/urls.ts';
import { prefixInvalid } from './messages.ts';

/** A URL segment of a prefix: letters, digits, `.`, `_`, `-` (no `..`, no spaces, nothing to encode). */
const SEGMENT = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;

/** The prefix's path without slashes, e.g. `reports` or `docs/reports`; throws a message naming the value when it is not a sub-path. */
export function normalizePrefix(prefix: string): string {
  const path = prefix.trim().replace(/^\/+|\/+$/g, '');
  const segments = path.split('/');
  if (path === '' || !segments.every((s) => SEGMENT.test(s))) throw new Error(prefixInvalid(prefix));
  return path;
}

/** The URL path the report's links are built under: the host's `base` joined with the prefix, ending in `/` (e.g. `/docs/reports/`). */
export function reportBase(hostBase: string, prefixPath: string): string {
  return siteUrl(hostBase, `${prefixPath}/`);
}

/** The route of a page file (relative to `src/pages`, `/`-separated), as Astro's file routing names it: `compare/index.astro` → `compare`, `search.json.ts` → `search.json`. */
export function routeOfPage(file: string): string {
  const withoutExt = file.replace(/\.(astro|ts|js|mjs)$/, '');
  return withoutExt === 'index' ? '' : withoutExt.replace(/\/index$/, '');
}

/** A page file of the report site, as injected: the route pattern (relative to the host's base) and the file. */
export interface InjectedPage {
  pattern: string;
  entrypoint: string;
}

/** The injected routes for `pageFiles` (relative to `pagesDir`) under `prefixPath`, in a stable order. */
export function injectedPages(prefixPath: string, pagesDir: string, pageFiles: readonly string[]): InjectedPage[] {
  return pageFiles
    .filter((file) => /\.(astro|ts)$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => {
      const route = routeOfPage(file);
      return { pattern: `/${prefixPath}${route === '' ? '' : `/${route}`}`, entrypoint: `${pagesDir.replace(/\/+$/, '')}/${file}` };
    })
    .sort((a, b) => a.pattern.localeCompare(b.pattern));
}

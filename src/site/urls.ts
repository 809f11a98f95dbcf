/**
 * Site URLs. Every link and asset goes through `siteUrl`, so the site works under any
 * sub-path (`base`, e.g. `/reports/`) and opened from any host. Ids and paths come from
 * report.json, so every segment is percent-encoded: a class name or file name can never
 * change where a link points.
 */

/** `path` (relative to the site root) under `base`; keeps a trailing slash when `path` has one. */
export function siteUrl(base: string, path = ''): string {
  const root = `/${base.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  return root + path.replace(/^\/+/, '');
}

/** Percent-encode each segment of a relative path (keeps the slashes). */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The page of experiment `id`. */
export function experimentPageUrl(base: string, id: string): string {
  return siteUrl(base, `experiments/${encodeURIComponent(id)}/`);
}

/** A published file of experiment `id`; `path` is relative to `experiments/<id>/`, as in report.json. */
export function experimentFileUrl(base: string, id: string, path: string): string {
  return siteUrl(base, `experiments/${encodeURIComponent(id)}/${encodePath(path)}`);
}

/** A published file outside any experiment; `path` is relative to the report root (report-level figures, comparisons). */
export function reportFileUrl(base: string, path: string): string {
  return siteUrl(base, encodePath(path));
}

/** The page of one test image of experiment `id` (`index` is its position in the test set). */
export function samplePageUrl(base: string, id: string, index: number): string {
  return siteUrl(base, `experiments/${encodeURIComponent(id)}/samples/${index}/`);
}

/** The page of one confusion-matrix cell: test images of class `actual` predicted as `predicted` (class indices). */
export function confusionCellUrl(base: string, id: string, actual: number, predicted: number): string {
  return siteUrl(base, `experiments/${encodeURIComponent(id)}/confusion/${actual}/${predicted}/`);
}

/** The compare page (all experiments side by side). */
export function comparePageUrl(base: string): string {
  return siteUrl(base, 'compare/');
}

/** The search page (a plain list without JavaScript, filtered with it). */
export function searchPageUrl(base: string): string {
  return siteUrl(base, 'search/');
}

/** The search index the search page's script fetches (built with the site, see search-index.ts). */
export function searchIndexUrl(base: string): string {
  return siteUrl(base, 'search.json');
}

/** The element id of a figure on its page, so `#figure-<name>` is its permalink. */
export function figureAnchor(name: string): string {
  return `figure-${anchorSafe(name)}`;
}

/** A class's row in the experiment page's classification report (`#class-<k>`). */
export function classAnchor(k: number): string {
  return `class-${k}`;
}

/** Letters, digits, `-` and `_` kept; anything else (spaces, quotes, `#`) becomes `-`, so an id is a valid fragment. */
function anchorSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-');
}

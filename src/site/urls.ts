/**
 * Site URLs. Every link and asset goes through `siteUrl`, so the site works under any
 * sub-path (`base`, e.g. `/reports/`) and opened from any host.
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

/**
 * `/search.json`: the static search index (site/search-index.ts), written at build time and
 * fetched by the search page's script.
 */
import { loadReport } from '../site/load.ts';
import { buildSearchIndex } from '../site/search-index.ts';

/** The index as JSON, URLs under the build's base. */
export function GET(): Response {
  const index = buildSearchIndex(loadReport(), import.meta.env.BASE_URL);
  return new Response(JSON.stringify(index), { headers: { 'content-type': 'application/json; charset=utf-8' } });
}

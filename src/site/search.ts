/**
 * Matching a query against the search index, in the browser (client/search-page.ts) and in
 * tests. Pure and dependency-free. Every word of the query must occur in an entry (title,
 * detail or terms), case- and accent-insensitively, as a word prefix; results with more of
 * the words in their title rank first, then experiments before classes before metrics, then
 * index order.
 */
import type { SearchEntry, SearchKind } from './search-index.ts';

/** Lower-case, accents removed, punctuation as spaces: "Fashion-MNIST — T-shirt/Top" → "fashion mnist t shirt top". */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}.]+/gu, ' ')
    .trim();
}

/** The query's words (normalized); empty when the query has none. */
export function queryWords(query: string): string[] {
  return normalizeText(query).split(' ').filter(Boolean);
}

/** Whether every word starts a word of `haystack` (both normalized). */
function matchesAll(words: readonly string[], haystack: string): boolean {
  const padded = ` ${haystack}`;
  return words.every((w) => padded.includes(` ${w}`));
}

const KIND_RANK: Record<SearchKind, number> = { experiment: 0, class: 1, metric: 2 };

/** Entries matching every word of `query`, best first, at most `limit`. An empty query matches nothing. */
export function searchEntries(entries: readonly SearchEntry[], query: string, limit = 50): SearchEntry[] {
  const words = queryWords(query);
  if (words.length === 0) return [];
  const hits: { entry: SearchEntry; rank: number; index: number }[] = [];
  entries.forEach((entry, index) => {
    const title = normalizeText(entry.title);
    if (!matchesAll(words, `${title} ${normalizeText(entry.detail)} ${normalizeText(entry.terms)}`)) return;
    const inTitle = words.filter((w) => matchesAll([w], title)).length;
    hits.push({ entry, rank: (words.length - inTitle) * 10 + KIND_RANK[entry.kind], index });
  });
  return hits
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .slice(0, limit)
    .map((h) => h.entry);
}

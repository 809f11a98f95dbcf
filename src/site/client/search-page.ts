/**
 * The search page's filter (browser only). Without JavaScript the page is a plain list of
 * everything in the index; with it, a search box appears, the index is fetched from
 * `search.json` and the matches (site/search.ts) replace the list. Results are built with
 * textContent and element properties only, so report text can never become markup.
 */
import type { SearchEntry, SearchIndex } from '../search-index.ts';
import { searchEntries } from '../search.ts';

const KIND_LABEL: Record<SearchEntry['kind'], string> = { experiment: 'Experiment', class: 'Class', metric: 'Metric' };

function resultItem(entry: SearchEntry): HTMLLIElement {
  const li = document.createElement('li');
  const kind = document.createElement('span');
  kind.className = 'result-kind';
  kind.textContent = KIND_LABEL[entry.kind];
  const link = document.createElement('a');
  link.href = entry.url;
  link.textContent = entry.title;
  const detail = document.createElement('span');
  detail.className = 'result-detail';
  detail.textContent = entry.detail;
  li.append(kind, ' ', link, detail);
  return li;
}

/** Wire the search form in `root` (`[data-search]`, holding the index URL in `data-index`). */
export async function initSearch(root: HTMLElement): Promise<void> {
  const form = root.querySelector<HTMLFormElement>('form');
  const input = root.querySelector<HTMLInputElement>('input[type="search"]');
  const results = root.querySelector<HTMLOListElement>('[data-results]');
  const status = root.querySelector<HTMLElement>('[data-status]');
  const fallback = document.querySelector<HTMLElement>('[data-search-fallback]');
  const url = root.dataset.index;
  if (!form || !input || !results || !status || !url) return;
  let entries: SearchEntry[];
  try {
    const response = await fetch(url);
    if (!response.ok) return; // Keep the plain list: it holds the same entries.
    entries = ((await response.json()) as SearchIndex).entries;
  } catch {
    return;
  }
  const update = () => {
    const query = input.value;
    const hits = searchEntries(entries, query);
    results.replaceChildren(...hits.map(resultItem));
    if (fallback) fallback.hidden = query.trim() !== '';
    status.textContent = query.trim() === '' ? '' : hits.length === 0 ? `No match for “${query.trim()}”.` : `${hits.length} ${hits.length === 1 ? 'match' : 'matches'}${hits.length === 50 ? ' (the first 50)' : ''}.`;
    const params = new URLSearchParams(location.search);
    if (query) params.set('q', query);
    else params.delete('q');
    history.replaceState(null, '', `${location.pathname}${params.size > 0 ? `?${params}` : ''}${location.hash}`);
  };
  form.addEventListener('submit', (event) => event.preventDefault());
  input.addEventListener('input', update);
  input.value = new URLSearchParams(location.search).get('q') ?? '';
  root.hidden = false;
  update();
}

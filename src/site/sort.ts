/**
 * Sorting table rows, shared by the build (the initial order) and the browser script that
 * makes tables sortable (client/sortable-table.ts). Pure and dependency-free, so the same
 * code runs in both places.
 *
 * A cell's sort key is its `data-sort` value when present (numbers as written by the page,
 * not as formatted: "91.23%" sorts by 0.9123) and its text otherwise. Missing values ("—",
 * empty) always sort last, whichever the direction, so a table sorted by validation loss
 * does not open with the experiments that have none.
 */

/** A cell's sort key: a number, a string, or null when the cell has no value. */
export type SortKey = number | string | null;

/** Ascending or descending, as in `aria-sort`. */
export type SortDirection = 'ascending' | 'descending';

/** Text that marks a cell without a value. */
const MISSING = new Set(['', '—', '-', 'n/a']);

/**
 * The key of a cell: `dataSort` (the `data-sort` attribute) parsed as a number when it is one;
 * otherwise the trimmed text. `numeric` columns treat non-numbers as missing.
 */
export function sortKey(text: string, dataSort: string | null | undefined, numeric: boolean): SortKey {
  const raw = (dataSort ?? text).trim();
  if (MISSING.has(raw)) return null;
  if (numeric || dataSort != null) {
    const value = Number(raw);
    if (Number.isFinite(value)) return value;
    if (numeric) return null;
  }
  return raw;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Compare two keys ascending: numbers before strings, numbers by value, strings by a natural collation. Missing last. */
export function compareKeys(a: SortKey, b: SortKey): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return collator.compare(a, b);
}

/**
 * Row positions in sorted order (stable: equal keys keep their original order). Missing keys
 * stay last in both directions.
 */
export function sortOrder(keys: readonly SortKey[], direction: SortDirection): number[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return keys
    .map((key, index) => ({ key, index }))
    .sort((x, y) => {
      if (x.key === null || y.key === null) return compareKeys(x.key, y.key) || x.index - y.index;
      return sign * compareKeys(x.key, y.key) || x.index - y.index;
    })
    .map((r) => r.index);
}

/**
 * The direction after a click on a column header: a new column starts with its preferred
 * direction (numbers descending, so the best accuracy comes first; text ascending); the same
 * column flips.
 */
export function nextDirection(current: SortDirection | null, numeric: boolean): SortDirection {
  if (current === null) return numeric ? 'descending' : 'ascending';
  return current === 'ascending' ? 'descending' : 'ascending';
}

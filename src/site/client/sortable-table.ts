/**
 * Sortable tables (browser only). A `<table data-sortable>` is a plain table without
 * JavaScript; with it, each column header marked `data-sort-type="number|text"` gets a button
 * that sorts the body rows, and `aria-sort` tells assistive technology the current order. The
 * order itself comes from site/sort.ts, shared with the unit tests.
 */
import { nextDirection, sortKey, sortOrder, type SortDirection } from '../sort.ts';

function sortBy(table: HTMLTableElement, column: number, header: HTMLTableCellElement, numeric: boolean): void {
  const body = table.tBodies[0];
  if (!body) return;
  const current = header.getAttribute('aria-sort');
  const direction: SortDirection = nextDirection(current === 'ascending' || current === 'descending' ? current : null, numeric);
  const rows = Array.from(body.rows);
  const keys = rows.map((row) => {
    const cell = row.cells[column];
    return sortKey(cell?.textContent ?? '', cell?.getAttribute('data-sort'), numeric);
  });
  for (const th of Array.from(table.tHead?.rows[0]?.cells ?? [])) th.removeAttribute('aria-sort');
  header.setAttribute('aria-sort', direction);
  body.append(...sortOrder(keys, direction).map((i) => rows[i]!));
}

/** Make every `table[data-sortable]` on the page sortable. */
export function initSortableTables(): void {
  for (const table of Array.from(document.querySelectorAll<HTMLTableElement>('table[data-sortable]'))) {
    const headers = Array.from(table.tHead?.rows[0]?.cells ?? []);
    headers.forEach((header, column) => {
      const type = header.dataset.sortType;
      if (type !== 'number' && type !== 'text') return;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort-button';
      button.append(...Array.from(header.childNodes));
      const icon = document.createElement('span');
      icon.className = 'sort-icon';
      icon.setAttribute('aria-hidden', 'true');
      button.append(icon);
      header.append(button);
      button.addEventListener('click', () => sortBy(table, column, header, type === 'number'));
    });
    table.classList.add('is-sortable');
  }
}

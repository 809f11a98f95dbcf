/**
 * The compare page's controls (browser only): pick the baseline the deltas are taken against and
 * which experiments are shown. Without JavaScript the deltas are against the first experiment
 * and every experiment is shown. Deltas are recomputed with site/compare.ts from the values in
 * each cell's `data-value`, so they read exactly as the build wrote them.
 */
import { formatDelta, verdict, type Better, type MetricKind } from '../compare.ts';

function cellValue(cell: Element | null | undefined): number | null {
  const raw = cell?.getAttribute('data-value');
  return raw === null || raw === undefined || raw === '' ? null : Number(raw);
}

/** Rewrite every delta in `table` against the row of experiment `baseline`. */
function applyBaseline(table: HTMLTableElement, baseline: string): void {
  const rows = Array.from(table.tBodies[0]!.rows);
  const base = rows.find((r) => r.dataset.experiment === baseline);
  if (!base) return;
  for (const row of rows) {
    row.classList.toggle('is-baseline', row === base);
    for (const cell of Array.from(row.querySelectorAll<HTMLElement>('td[data-metric]'))) {
      const kind = cell.dataset.kind as MetricKind;
      const better = (cell.dataset.better || null) as Better;
      const baseCell = base.querySelector(`td[data-metric="${CSS.escape(cell.dataset.metric!)}"]`);
      const delta = cell.querySelector<HTMLElement>('.delta');
      if (!delta) continue;
      const value = cellValue(cell);
      const reference = cellValue(baseCell);
      if (row === base) {
        delta.textContent = 'baseline';
        delta.dataset.verdict = '';
        continue;
      }
      const v = verdict(kind, better, value, reference);
      delta.textContent = `${formatDelta(kind, value, reference)}${v && v !== 'same' ? ` ${v}` : ''}`;
      delta.dataset.verdict = v ?? '';
    }
  }
  for (const caption of Array.from(document.querySelectorAll<HTMLElement>('[data-baseline-name]'))) {
    caption.textContent = base.dataset.title ?? baseline;
  }
}

/** Show only the chosen experiments: rows of the metrics table, columns of the comparisons. */
function applySubset(chosen: Set<string>): void {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-experiment]'))) {
    if (el.closest('[data-compare-controls]')) continue;
    el.hidden = !chosen.has(el.dataset.experiment!);
  }
}

/** Wire the controls in `[data-compare-controls]` to the table `table[data-compare]`. */
export function initComparePicker(): void {
  const controls = document.querySelector<HTMLElement>('[data-compare-controls]');
  const table = document.querySelector<HTMLTableElement>('table[data-compare]');
  if (!controls || !table) return;
  const select = controls.querySelector<HTMLSelectElement>('select[name="baseline"]');
  const boxes = Array.from(controls.querySelectorAll<HTMLInputElement>('input[type="checkbox"][name="show"]'));
  select?.addEventListener('change', () => applyBaseline(table, select.value));
  const subset = () => applySubset(new Set(boxes.filter((b) => b.checked).map((b) => b.value)));
  for (const box of boxes) box.addEventListener('change', subset);
  controls.hidden = false;
}

/** `convlens diff` without --md or --json: the same tables as the Markdown, as aligned plain text for a terminal. */
import type { Diff, DiffSet } from './shape.ts';
import { diffTables, repeatsLine, type Table } from './tables.ts';

/** Columns padded to their widest cell, two spaces apart, indented by `indent`. */
function table(t: Table, indent = '  '): string[] {
  const widths = t.header.map((h, c) => Math.max(h.length, ...t.rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) => (indent + cells.map((cell, c) => (t.align[c] === 'r' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ')).trimEnd();
  return [line(t.header), ...t.rows.map(line), ''];
}

/** A user string on one line, without control characters (a class name cannot move the cursor or recolour the terminal). */
const flat = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');

function section(d: Omit<Diff, 'version'>, title: string): string[] {
  const t = diffTables(d, flat);
  const sides = (['a', 'b'] as const).map((k) => `  ${k.toUpperCase()}  ${flat(d[k].id)}: ${flat(d[k].title)} (from ${flat(d[k].source)})`);
  const out = [title, ...sides, '', flat(d.test_set), '', ...table(t.metrics)];
  if (d.mcnemar) out.push(`McNemar's test: ${d.mcnemar.sentence}`, '');
  if (t.flips) out.push('Prediction flips', ...table({ ...t.flips, header: ['', 'Images'] }));
  if (t.pairs) {
    const shown = t.pairs.table.rows.length;
    out.push(shown < t.pairs.total ? `The ${shown} most frequent of ${t.pairs.total} class changes` : 'Class changes', ...table(t.pairs.table));
  }
  if (t.perClass) out.push('Per class', ...table(t.perClass));
  if (t.repeats) out.push(`Repeated runs. ${repeatsLine(d) ?? ''}`, ...table(t.repeats));
  if (d.notes.length > 0) out.push(...d.notes.map((n) => `Note: ${flat(n)}`), '');
  if (d.bootstrap) {
    const b = d.bootstrap;
    out.push(`95% CI: ${b.method}, ${b.resamples} resamples, seed ${b.seed}.`, '');
  }
  return out;
}

/** Text of one pair's diff. */
export function diffText(d: Diff): string {
  return section(d, flat(`convlens diff: ${d.a.id} → ${d.b.id}`)).join('\n').trimEnd() + '\n';
}

/** Text of a set of diffs (two directories). */
export function diffSetText(s: DiffSet): string {
  const out = [`convlens diff: ${flat(s.a.source)} → ${flat(s.b.source)} (${s.diffs.length} experiment${s.diffs.length === 1 ? '' : 's'} in both)`];
  if (s.only_in_a.length > 0) out.push(`Only in A: ${s.only_in_a.map(flat).join(', ')}`);
  if (s.only_in_b.length > 0) out.push(`Only in B: ${s.only_in_b.map(flat).join(', ')}`);
  if (s.failed_in_a.length > 0) out.push(`Failed in A: ${s.failed_in_a.map(flat).join(', ')}`);
  if (s.failed_in_b.length > 0) out.push(`Failed in B: ${s.failed_in_b.map(flat).join(', ')}`);
  out.push('');
  for (const d of s.diffs) out.push(...section(d, `== ${flat(d.a.id === d.b.id ? d.a.id : `${d.a.id} → ${d.b.id}`)} ==`));
  return out.join('\n').trimEnd() + '\n';
}

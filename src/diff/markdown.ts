/**
 * `convlens diff --md`: GitHub-flavoured Markdown to post as a pull-request comment. Every
 * user string (titles, class names, paths) is escaped, so a class named `<img …>` or `a|b` stays
 * text and keeps the tables whole.
 */
import type { Diff, DiffSet } from './shape.ts';
import { diffTables, methodNote, repeatsLine, type Table } from './tables.ts';

/** Escape Markdown and inline HTML in a user string (CommonMark backslash escapes; GitHub math `$` too); control characters and line breaks become a space. */
export function mdText(text: string): string {
  return text.replace(/[\\`*_[\]<>|&~$]/g, '\\$&').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function table(t: Table): string[] {
  return [`| ${t.header.join(' | ')} |`, `|${t.align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`, ...t.rows.map((r) => `| ${r.join(' | ')} |`), ''];
}

/** One diff's sections, headings starting at `level` (2 for a lone diff, 3 inside a set). */
function section(d: Omit<Diff, 'version'>, level: number, title: string): string[] {
  const h = '#'.repeat(level);
  const t = diffTables(d, mdText);
  const sides = { ...t.sides, rows: t.sides.rows.map(([side, ...rest]) => [`**${side}**`, ...rest]) };
  const out = [`${h} ${title}`, '', ...table(sides), mdText(d.test_set), '', ...table(t.metrics)];
  if (d.mcnemar) out.push(`**McNemar's test:** ${mdText(d.mcnemar.sentence)}`, '');
  if (t.flips) out.push(`${h}# Prediction flips`, '', ...table(t.flips));
  if (t.pairs) {
    const shown = t.pairs.table.rows.length;
    out.push(shown < t.pairs.total ? `The ${shown} most frequent of ${t.pairs.total} class changes:` : 'Class changes:', '', ...table(t.pairs.table));
  }
  if (t.perClass) out.push(`${h}# Per class`, '', ...table(t.perClass));
  if (t.repeats) out.push(`${h}# Repeated runs`, '', mdText(repeatsLine(d) ?? ''), '', ...table(t.repeats));
  if (d.notes.length > 0) out.push(...d.notes.map((n) => `- ${mdText(n)}`), '');
  const method = methodNote(d);
  if (method) out.push(`<sub>${mdText(method)}</sub>`, '');
  return out;
}

/** Markdown of one pair's diff. */
export function diffMarkdown(d: Diff): string {
  return section(d, 2, `convlens diff: ${mdText(d.a.id)} → ${mdText(d.b.id)}`).join('\n').trimEnd() + '\n';
}

/** Markdown of a set of diffs (two directories): one section per shared experiment id. */
export function diffSetMarkdown(s: DiffSet): string {
  const out = [`## convlens diff: ${mdText(s.a.source)} → ${mdText(s.b.source)}`, ''];
  out.push(`A is ${mdText(s.a.source)}, B is ${mdText(s.b.source)}: ${s.diffs.length} experiment${s.diffs.length === 1 ? '' : 's'} compared.`, '');
  if (s.only_in_a.length > 0) out.push(`Only in A: ${s.only_in_a.map(mdText).join(', ')}.`, '');
  if (s.only_in_b.length > 0) out.push(`Only in B: ${s.only_in_b.map(mdText).join(', ')}.`, '');
  if (s.failed_in_a.length > 0) out.push(`Failed in A: ${s.failed_in_a.map(mdText).join(', ')}.`, '');
  if (s.failed_in_b.length > 0) out.push(`Failed in B: ${s.failed_in_b.map(mdText).join(', ')}.`, '');
  for (const d of s.diffs) out.push(...section(d, 3, d.a.id === d.b.id ? mdText(d.a.id) : `${mdText(d.a.id)} → ${mdText(d.b.id)}`));
  return out.join('\n').trimEnd() + '\n';
}

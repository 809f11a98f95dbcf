/**
 * The tables of a diff as cells of text, shared by the Markdown and the plain-text outputs
 * (each writes them its own way). `esc` escapes user strings (titles, class names, paths) for
 * the output at hand; numbers are written by format.ts.
 */
import { countText, deltaText, intervalText, valueText } from './format.ts';
import { repeatUnit } from './repeats.ts';
import type { Diff } from './shape.ts';

/** A table: header, alignment per column (l/r), rows of cells. */
export interface Table {
  header: string[];
  align: ('l' | 'r')[];
  rows: string[][];
}

/** Flip pairs listed in the tables (the JSON has all of them). */
export const TOP_PAIRS = 10;

/** Every table of one diff; absent where the diff has no such part. */
export interface DiffTables {
  sides: Table;
  metrics: Table;
  flips?: Table;
  /** The most frequent class changes, and how many there are in all. */
  pairs?: { table: Table; total: number };
  perClass?: Table;
  repeats?: Table;
}

const plain = (v: number) => String(Number(v.toPrecision(4)));

/** The tables of `d`, user strings passed through `esc`. */
export function diffTables(d: Omit<Diff, 'version'>, esc: (text: string) => string): DiffTables {
  const cls = (i: number) => esc(d.classes[i] ?? String(i));
  const tables: DiffTables = {
    sides: {
      header: ['', 'Experiment', 'From'],
      align: ['l', 'l', 'l'],
      rows: (['a', 'b'] as const).map((k) => [k.toUpperCase(), `${esc(d[k].id)}: ${esc(d[k].title)}`, esc(d[k].source)]),
    },
    metrics: {
      header: ['Metric', 'A', 'B', 'Δ (B − A)', '95% CI of Δ'],
      align: ['l', 'r', 'r', 'r', 'l'],
      rows: Object.values(d.metrics).map((m) => [esc(m.label), valueText(m.unit, m.a), valueText(m.unit, m.b), deltaText(m.unit, m.delta), intervalText(m.unit, m.ci95)]),
    },
  };
  if (d.flips) {
    const f = d.flips;
    tables.flips = {
      header: ['Flips', 'Images'],
      align: ['l', 'r'],
      rows: [
        ['Right → wrong (A right, B wrong)', countText(f.right_to_wrong.count)],
        ['Wrong → right (A wrong, B right)', countText(f.wrong_to_right.count)],
        ['Both wrong, differently', countText(f.both_wrong_differently.count)],
        ['Both right', countText(f.both_right)],
        ['Both wrong alike', countText(f.both_wrong_same)],
      ],
    };
    if (f.by_pair.length > 0) {
      tables.pairs = {
        total: f.by_pair.length,
        table: {
          header: ['True class', 'A predicted', 'B predicted', 'Images'],
          align: ['l', 'l', 'l', 'r'],
          rows: f.by_pair.slice(0, TOP_PAIRS).map((p) => [cls(p.true), cls(p.a), cls(p.b), countText(p.count)]),
        },
      };
    }
  }
  if (d.per_class.length > 0) {
    tables.perClass = {
      header: ['Class', 'Support', 'F1 A', 'F1 B', 'Δ F1', '95% CI of Δ F1', 'Δ precision', 'Δ recall'],
      align: ['l', 'r', 'r', 'r', 'r', 'l', 'r', 'r'],
      rows: d.per_class.map((c) => [
        esc(c.class),
        countText(c.a.support),
        valueText('score', c.a.f1),
        valueText('score', c.b.f1),
        deltaText('score', c.delta.f1),
        intervalText('score', c.ci95?.f1),
        deltaText('score', c.delta.precision),
        deltaText('score', c.delta.recall),
      ]),
    };
  }
  if (d.repeats) {
    // Per-class entries stay in the JSON: a table of every class's every score would drown the rest.
    const rows = d.repeats.metrics.filter((r) => !r.key.startsWith('per_class.'));
    tables.repeats = {
      header: ['Metric', 'A mean ± sd (runs)', 'B mean ± sd (runs)', 'Δ of means'],
      align: ['l', 'r', 'r', 'r'],
      rows: rows.map((r) => {
        const unit = repeatUnit(r);
        const value = (v: number) => (unit ? valueText(unit, v) : plain(v));
        const summary = (s: { mean: number; std: number; n: number } | null) => (s ? `${value(s.mean)} ± ${value(s.std)} (${s.n})` : '—');
        const delta = r.delta_mean === null ? '—' : unit ? deltaText(unit, r.delta_mean) : plain(r.delta_mean);
        return [esc(r.metric ? (d.metrics[r.metric]?.label ?? r.key) : r.key), summary(r.a), summary(r.b), delta];
      }),
    };
  }
  return tables;
}

/** The footnote on how the intervals and the test were computed. */
export function methodNote(d: Omit<Diff, 'version'>): string | undefined {
  const b = d.bootstrap;
  if (!b) return undefined;
  return `95% CI: ${b.method}, ${countText(b.resamples)} resamples, seed ${b.seed}, percentiles ${b.percentiles[0]} and ${b.percentiles[1]} (numpy's linear method). McNemar: chi-square with continuity correction (statsmodels' exact=False, correction=True).`;
}

/** "A: 3 runs (seeds 1, 2, 3); B: one run." and, when per-class entries were left out of the table, where they are. */
export function repeatsLine(d: Omit<Diff, 'version'>): string | undefined {
  const r = d.repeats;
  if (!r) return undefined;
  const runs = (s: { seeds: number[] } | null) => (s ? `${s.seeds.length} runs (seeds ${s.seeds.join(', ')})` : 'one run');
  const perClass = r.metrics.some((m) => m.key.startsWith('per_class.')) ? ' Per-class means and standard deviations are in the --json output (repeats.metrics).' : '';
  return `A: ${runs(r.a)}; B: ${runs(r.b)}.${perClass}`;
}

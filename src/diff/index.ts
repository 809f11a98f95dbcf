/**
 * `convlens diff A B`: two experiments (or two reports' shared experiments) compared from their
 * published files alone.
 *
 *   1. resolve   arguments → report directories and entries (sources.ts)
 *   2. load      each side's predictions.csv and repeats (compute.ts loadSide)
 *   3. compute   the documented JSON object per pair (compute.ts buildDiff, shape.ts)
 *   4. write     text, Markdown (markdown.ts) or JSON
 */
import { buildDiff, loadSide } from './compute.ts';
import { diffMarkdown, diffSetMarkdown } from './markdown.ts';
import { DIFF_VERSION, type Diff, type DiffSet } from './shape.ts';
import { resolveDiff } from './sources.ts';
import { diffSetText, diffText } from './text.ts';

export type { Diff, DiffSet } from './shape.ts';

/** How the result is written. */
export type DiffFormat = 'text' | 'md' | 'json';

/** The diff of two arguments: one Diff, or a DiffSet when both are bare report directories. */
export function computeDiffs(args: readonly string[], cache: string): Diff | DiffSet {
  const plan = resolveDiff(args, cache);
  const diffs = plan.pairs.map(({ a, b }) => buildDiff(loadSide(a), loadSide(b)));
  if (!plan.set) return diffs[0]!;
  return {
    version: DIFF_VERSION,
    a: { source: plan.set.a.label },
    b: { source: plan.set.b.label },
    diffs: diffs.map(({ version: _, ...rest }) => rest),
    only_in_a: plan.set.onlyInA,
    only_in_b: plan.set.onlyInB,
    failed_in_a: plan.set.failedInA,
    failed_in_b: plan.set.failedInB,
  };
}

const isSet = (d: Diff | DiffSet): d is DiffSet => 'diffs' in d;

/** The result written in `format` (ends with a newline). */
export function writeDiff(result: Diff | DiffSet, format: DiffFormat): string {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  if (format === 'md') return isSet(result) ? diffSetMarkdown(result) : diffMarkdown(result);
  return isSet(result) ? diffSetText(result) : diffText(result);
}

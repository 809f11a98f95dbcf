/** The Markdown and text outputs, exactly, for a small case; escaping; and docs/diff.md's example. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeDiffs, writeDiff, type Diff, type DiffSet } from '../../../src/diff/index.ts';
import { mdText } from '../../../src/diff/markdown.ts';
import { currentDocsBlock, diffExample, docsBlock, DOCS } from '../../fixtures/compare/diff-example.ts';
import { writeReport } from '../../fixtures/compare/diff-fixture.ts';
import { small, useTempCwd } from './small.ts';

const temp = useTempCwd('convlens-diff-md-');

/** The 12-image pair, B with three repeated runs. */
function smallDiff(): Diff {
  const [a, b] = small({
    b: {
      repeats: {
        seeds: [7, 8, 9],
        histories: [[], [], []],
        metrics: {
          accuracy: { mean: 0.7222, std: 0.0481, values: [0.75, 0.6667, 0.75] },
          'macro_avg.f1': { mean: 0.7, std: 0.05, values: [0.7, 0.65, 0.75] },
          'per_class.cat.f1': { mean: 0.8, std: 0.1, values: [0.7, 0.8, 0.9] },
        },
      },
    },
  });
  writeReport('r', [a, b]);
  return computeDiffs(['r:pets-small', 'r:pets-wide'], '.convlens') as Diff;
}

describe('diff output', () => {
  it('--md: the whole comment for the 12-image pair', () => {
    expect(writeDiff(smallDiff(), 'md').split('\n')).toEqual([
      '## convlens diff: pets-small → pets-wide',
      '',
      '|  | Experiment | From |',
      '|:---|:---|:---|',
      '| **A** | pets-small: Pets: small CNN | r |',
      '| **B** | pets-wide: Pets: wide CNN | r |',
      '',
      'Both were tested on the same 12 pets test images: same data source, same number of images and the same true class at every index of predictions.csv.',
      '',
      '| Metric | A | B | Δ (B − A) | 95% CI of Δ |',
      '|:---|---:|---:|---:|:---|',
      '| Accuracy | 58.33% | 75.00% | +16.67 pp | [−16.67 pp, +50.00 pp] |',
      '| Macro F1 | 0.579 | 0.758 | +0.179 | [−0.125, +0.523] |',
      '| Macro precision | 0.589 | 0.783 | +0.194 | [−0.093, +0.538] |',
      '| Macro recall | 0.583 | 0.750 | +0.167 | [−0.155, +0.511] |',
      '| Weighted F1 | 0.579 | 0.758 | +0.179 | — |',
      '| Top-2 accuracy | 90.00% | 100.00% | +10.00 pp | — |',
      '| Test loss | 0.9000 | 0.7000 | −0.2000 | — |',
      '| ROC AUC (macro) | 0.800 | 0.850 | +0.050 | — |',
      '| Average precision (macro) | 0.700 | 0.750 | +0.050 | — |',
      '| Calibration error (ECE) | 0.100 | 0.080 | −0.020 | — |',
      '',
      "**McNemar's test:** B gets 3 images right that A got wrong and 1 the other way; McNemar's χ² = 0.25, p = 0.62: a difference this large could well be chance (not significant at the 5% level).",
      '',
      '### Prediction flips',
      '',
      '| Flips | Images |',
      '|:---|---:|',
      '| Right → wrong (A right, B wrong) | 1 |',
      '| Wrong → right (A wrong, B right) | 3 |',
      '| Both wrong, differently | 1 |',
      '| Both right | 6 |',
      '| Both wrong alike | 1 |',
      '',
      'Class changes:',
      '',
      '| True class | A predicted | B predicted | Images |',
      '|:---|:---|:---|---:|',
      '| cat | cat | dog | 1 |',
      '| cat | dog | cat | 1 |',
      '| dog | cat | dog | 1 |',
      '| fox | cat | dog | 1 |',
      '| fox | dog | fox | 1 |',
      '',
      '### Per class',
      '',
      '| Class | Support | F1 A | F1 B | Δ F1 | 95% CI of Δ F1 | Δ precision | Δ recall |',
      '|:---|---:|---:|---:|---:|:---|---:|---:|',
      '| cat | 4 | 0.667 | 0.857 | +0.190 | [−0.400, +1.000] | +0.400 | 0.000 |',
      '| dog | 4 | 0.500 | 0.667 | +0.167 | [−0.200, +0.636] | +0.100 | +0.250 |',
      '| fox | 4 | 0.571 | 0.750 | +0.179 | [0.000, +0.750] | +0.083 | +0.250 |',
      '',
      '### Repeated runs',
      '',
      'A: one run; B: 3 runs (seeds 7, 8, 9). Per-class means and standard deviations are in the --json output (repeats.metrics).',
      '',
      '| Metric | A mean ± sd (runs) | B mean ± sd (runs) | Δ of means |',
      '|:---|---:|---:|---:|',
      '| Accuracy | — | 72.22% ± 4.81% (3) | — |',
      '| Macro F1 | — | 0.700 ± 0.050 (3) | — |',
      '',
      "- Flips, McNemar's test and the bootstrap use each experiment's first run (the one predictions.csv holds); the repeated runs give the means and standard deviations.",
      '',
      "<sub>95% CI: paired percentile bootstrap over test images, 2,000 resamples, seed 0, percentiles 2.5 and 97.5 (numpy's linear method). McNemar: chi-square with continuity correction (statsmodels' exact=False, correction=True).</sub>",
      '',
    ]);
  });

  it('text: the same tables, aligned for a terminal', () => {
    expect(writeDiff(smallDiff(), 'text').split('\n')).toEqual([
      'convlens diff: pets-small → pets-wide',
      '  A  pets-small: Pets: small CNN (from r)',
      '  B  pets-wide: Pets: wide CNN (from r)',
      '',
      'Both were tested on the same 12 pets test images: same data source, same number of images and the same true class at every index of predictions.csv.',
      '',
      '  Metric                          A        B  Δ (B − A)  95% CI of Δ',
      '  Accuracy                   58.33%   75.00%  +16.67 pp  [−16.67 pp, +50.00 pp]',
      '  Macro F1                    0.579    0.758     +0.179  [−0.125, +0.523]',
      '  Macro precision             0.589    0.783     +0.194  [−0.093, +0.538]',
      '  Macro recall                0.583    0.750     +0.167  [−0.155, +0.511]',
      '  Weighted F1                 0.579    0.758     +0.179  —',
      '  Top-2 accuracy             90.00%  100.00%  +10.00 pp  —',
      '  Test loss                  0.9000   0.7000    −0.2000  —',
      '  ROC AUC (macro)             0.800    0.850     +0.050  —',
      '  Average precision (macro)   0.700    0.750     +0.050  —',
      '  Calibration error (ECE)     0.100    0.080     −0.020  —',
      '',
      "McNemar's test: B gets 3 images right that A got wrong and 1 the other way; McNemar's χ² = 0.25, p = 0.62: a difference this large could well be chance (not significant at the 5% level).",
      '',
      'Prediction flips',
      '                                    Images',
      '  Right → wrong (A right, B wrong)       1',
      '  Wrong → right (A wrong, B right)       3',
      '  Both wrong, differently                1',
      '  Both right                             6',
      '  Both wrong alike                       1',
      '',
      'Class changes',
      '  True class  A predicted  B predicted  Images',
      '  cat         cat          dog               1',
      '  cat         dog          cat               1',
      '  dog         cat          dog               1',
      '  fox         cat          dog               1',
      '  fox         dog          fox               1',
      '',
      'Per class',
      '  Class  Support   F1 A   F1 B    Δ F1  95% CI of Δ F1    Δ precision  Δ recall',
      '  cat          4  0.667  0.857  +0.190  [−0.400, +1.000]       +0.400     0.000',
      '  dog          4  0.500  0.667  +0.167  [−0.200, +0.636]       +0.100    +0.250',
      '  fox          4  0.571  0.750  +0.179  [0.000, +0.750]        +0.083    +0.250',
      '',
      'Repeated runs. A: one run; B: 3 runs (seeds 7, 8, 9). Per-class means and standard deviations are in the --json output (repeats.metrics).',
      '  Metric    A mean ± sd (runs)  B mean ± sd (runs)  Δ of means',
      '  Accuracy                   —  72.22% ± 4.81% (3)           —',
      '  Macro F1                   —   0.700 ± 0.050 (3)           —',
      '',
      "Note: Flips, McNemar's test and the bootstrap use each experiment's first run (the one predictions.csv holds); the repeated runs give the means and standard deviations.",
      '',
      '95% CI: paired percentile bootstrap over test images, 2000 resamples, seed 0.',
      '',
    ]);
  });

  it('--json is the Diff object itself', () => {
    const d = smallDiff();
    expect(JSON.parse(writeDiff(d, 'json'))).toEqual(JSON.parse(JSON.stringify(d)));
  });

  it('user strings cannot break out of the Markdown: HTML, pipes, emphasis and math stay text', () => {
    expect(mdText('Bag <img src=x onerror="alert(1)"> | *a* _b_ `c` [d](e) $x$ ~f~ & \\')).toBe(
      'Bag \\<img src=x onerror="alert(1)"\\> \\| \\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\$x\\$ \\~f\\~ \\& \\\\',
    );
    expect(mdText('a\nb\u001b[31mc')).toBe('a b \\[31mc');
    const [a, b] = small();
    const hostile = ['<script>alert(1)</script>', 'a|b', 'fox\u001b[2J'];
    writeReport('h', [{ ...a, classes: hostile, title: 'T <b>x</b>' }, { ...b, classes: hostile }]);
    const md = writeDiff(computeDiffs(['h:pets-small', 'h:pets-wide'], '.convlens'), 'md');
    expect(md).not.toMatch(/<script>|<b>|[^\\]\|b /);
    expect(md).toContain('| \\<script\\>alert(1)\\</script\\> | 4 |');
    expect(md).toContain('| a\\|b | 4 |');
    // The terminal output keeps the names but drops control characters (no clearing the screen).
    const text = writeDiff(computeDiffs(['h:pets-small', 'h:pets-wide'], '.convlens'), 'text');
    expect(text).toContain('  fox [2J ');
    expect(text).not.toContain('\u001b');
    // Every table row keeps its column count.
    for (const table of md.split('\n\n').filter((block) => block.startsWith('|'))) {
      const rows = table.split('\n');
      const columns = (row: string) => row.replace(/\\\|/g, '').split('|').length;
      for (const row of rows) expect(columns(row), row).toBe(columns(rows[0]!));
    }
  });

  it('two directories: one section per shared id, and the ids only one side has', () => {
    const [a, b] = small();
    writeReport('main-site', [a, { ...a, id: 'gone' }, { ...a, id: 'broke' }]);
    writeReport('dist', [{ ...b, id: 'pets-small' }, { ...b, id: 'new' }], [{ id: 'broke', error: 'Training diverged.' }]);
    const set = computeDiffs(['main-site', 'dist'], '.convlens') as DiffSet;
    expect([set.only_in_a, set.only_in_b, set.failed_in_a, set.failed_in_b]).toEqual([['gone'], ['new'], [], ['broke']]);
    expect(Object.keys(set)).toEqual(['version', 'a', 'b', 'diffs', 'only_in_a', 'only_in_b', 'failed_in_a', 'failed_in_b']);
    expect(set.diffs.map((d) => [d.a.id, d.b.id, 'version' in d])).toEqual([['pets-small', 'pets-small', false]]);
    const md = writeDiff(set, 'md');
    expect(md.split('\n').slice(0, 11)).toEqual([
      '## convlens diff: main-site → dist',
      '',
      'A is main-site, B is dist: 1 experiment compared.',
      '',
      'Only in A: gone.',
      '',
      'Only in B: new.',
      '',
      'Failed in B: broke.',
      '',
      '### pets-small',
    ]);
    expect(md).toContain('\n#### Prediction flips\n');
    const text = writeDiff(set, 'text');
    expect(text.split('\n').slice(0, 6)).toEqual(['convlens diff: main-site → dist (1 experiment in both)', 'Only in A: gone', 'Only in B: new', 'Failed in B: broke', '', '== pets-small ==']);
  });

  it("docs/diff.md shows exactly what the pull-request fixture prints (regenerate: node tests/fixtures/compare/diff-example.ts --write)", () => {
    process.chdir(temp.home());
    expect(currentDocsBlock(readFileSync(DOCS, 'utf8'))).toBe(docsBlock(diffExample()));
  });
});

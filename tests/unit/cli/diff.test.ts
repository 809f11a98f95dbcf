/** `convlens diff` on the command line: outputs, exit codes, exact errors, and no tfjs. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { writeReport } from '../../fixtures/compare/diff-fixture.ts';
import { small } from '../diff/small.ts';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

let work: string;
let cache: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'convlens-cli-diff-'));
  cache = join(work, 'cache');
  const [a, b] = small();
  writeReport(join(cache, 'report'), [a, b, { ...b, id: 'digits', source: 'digits', classes: ['0', '1', '2'] }]);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('convlens diff', () => {
  it('text by default, --md and --json on request; exit 0, nothing on stderr', async () => {
    const text = await cli('diff', 'pets-small', 'pets-wide', '--cache', cache);
    expect(text).toMatchObject({ code: 0, err: '' });
    expect(text.out.split('\n')[0]).toBe('convlens diff: pets-small → pets-wide');
    expect(text.out).toContain("McNemar's test: B gets 3 images right that A got wrong and 1 the other way; McNemar's χ² = 0.25, p = 0.62");
    const md = await cli('diff', 'pets-small', 'pets-wide', '--cache', cache, '--md');
    expect(md).toMatchObject({ code: 0, err: '' });
    expect(md.out.split('\n')[0]).toBe('## convlens diff: pets-small → pets-wide');
    const json = await cli('diff', 'pets-small', 'pets-wide', '--cache', cache, '--json');
    expect(json).toMatchObject({ code: 0, err: '' });
    const d = JSON.parse(json.out);
    expect(d.version).toBe(1);
    expect(d.flips.right_to_wrong).toEqual({ count: 1, indices: [2] });
    expect(d.flips.wrong_to_right).toEqual({ count: 3, indices: [3, 6, 10] });
  });

  it('different test sets: exit 0, the metrics, and the sentence saying why the rest is missing', async () => {
    const r = await cli('diff', 'pets-small', 'digits', '--cache', cache, '--json');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect([d.same_test_set, d.flips, d.mcnemar, d.bootstrap]).toEqual([false, null, null, null]);
    expect(d.test_set).toBe(
      "The test sets differ (A was tested on pets and B on digits), so flips, McNemar's test and the confidence intervals, which pair the two models image by image, are left out; only the published metrics are compared.",
    );
  });

  it('mistakes exit 1 with one message naming what exists', async () => {
    const forms =
      'two experiment ids of the built report (convlens diff baseline wider), two report directories or built sites (convlens diff main-site/ dist/), or DIR:ID for one experiment of a directory';
    expect(await cli('diff', 'pets-small', 'nope', '--cache', cache)).toEqual({
      code: 1,
      out: '',
      err: `There is no experiment "nope" in the built report (${join(cache, 'report')}). It has: pets-small, pets-wide, digits. Give one of those ids, or ${forms}.\n`,
    });
    expect(await cli('diff', 'pets-small', '--cache', cache)).toEqual({ code: 1, out: '', err: `convlens diff compares two experiments, A and B, and received 1 argument. Give ${forms}.\n` });
    expect(await cli('diff', 'pets-small', 'pets-wide', '--cache', cache, '--md', '--json')).toEqual({
      code: 1,
      out: '',
      err: '--md and --json choose different outputs; give one of them (or neither, for text).\n',
    });
    const missing = join(work, 'nowhere');
    expect((await cli('diff', 'a', 'b', '--cache', missing)).err).toBe(
      `"a" is not a directory, so it was taken as an experiment id of the built report, but there is no report at ${join(missing, 'report')} (no report.json). Run "convlens run" or "convlens build" first, pass --cache DIR for another cache, or give ${forms}.\n`,
    );
  });

  it('works on the bundled site fixture: two experiments of one report directory', async () => {
    const dir = 'tests/fixtures/site/report';
    const r = await cli('diff', `${dir}:fashion-tiny`, `${dir}:fashion-hostile`, '--json');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.same_test_set).toBe(true);
    expect(d.flips.wrong_to_right.count).toBe(4);
    expect(d.notes[0]).toMatch(/^The class names differ \(A's "Bag" is B's "Bag <img/);
    expect((await cli('diff', `${dir}:cifar-broken`, `${dir}:fashion-tiny`)).err).toMatch(/^Experiment "cifar-broken" failed in tests\/fixtures\/site\/report \(/);
  });

  it('has a help page, reached both ways', async () => {
    const page = await cli('help', 'diff');
    expect(page).toEqual({
      code: 0,
      err: '',
      out:
        'Usage: convlens diff A B [--md | --json] [options]\n' +
        '\n' +
        'Compare two experiments: metrics with their differences (B - A), per-class precision/recall/F1, prediction\n' +
        'flips (right to wrong, wrong to right, per class pair), McNemar\'s test and bootstrap 95% confidence intervals\n' +
        'of the accuracy and macro-F1 differences (2000 paired resamples, seed 0). A and B are experiment ids of the\n' +
        'built report in <cache>/report, report directories or built sites (anything with report.json at its root),\n' +
        'or DIR:ID. Two directories alone compare every experiment id they share. Reads only report.json and\n' +
        'predictions.csv. On different test sets only the metrics are compared, and the output says why (exit 0).\n' +
        'Output: text, --md (Markdown for a pull-request comment) or --json (a stable shape, see docs/diff.md).\n' +
        '\n' +
        'Options:\n' +
        '  --cache DIR  cache directory (default: .convlens)\n' +
        '  --md         write GitHub-flavoured Markdown (a pull-request comment)\n' +
        '  --json       write the documented JSON object instead of text\n' +
        '  -h, --help   show this help\n' +
        '\n' +
        'Examples:\n' +
        '  convlens diff fashion-mnist-cnn fashion-mnist-wide\n' +
        '  convlens diff main-site/ dist/ --md > comment.md\n' +
        '  convlens diff main-site/:fashion-mnist-cnn fashion-mnist-cnn --json\n',
    });
    expect(await cli('diff', '--help')).toEqual(page);
  });

  it('never loads TensorFlow.js: only report.json and predictions.csv are read', () => {
    const harness = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.push(r.url); return r; } });
      process.on('exit', () => process.stderr.write('\\n@@' + JSON.stringify(seen)));
      await import(process.argv[1]);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', harness, pathToFileURL(resolve('bin/convlens.js')).href, 'diff', 'pets-small', 'pets-wide', '--cache', cache, '--md'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const urls = JSON.parse(r.stderr.split('@@').pop()!) as string[];
    expect(urls.some((u) => u.endsWith('/src/analysis/compare/bootstrap.ts'))).toBe(true);
    expect(urls.filter((u) => u.includes('@tensorflow') || u.includes('/src/pipeline/'))).toEqual([]);
  });
});

/** What `convlens diff A B` compares, and the exact errors when the arguments name nothing comparable. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveDiff } from '../../../src/diff/sources.ts';
import { writeReport } from '../../fixtures/compare/diff-fixture.ts';
import { small, useTempCwd } from './small.ts';

const temp = useTempCwd('convlens-diff-sources-');
beforeEach(() => {
  const work = temp.dir();
  const [a, b] = small();
  writeReport(join(work, '.convlens', 'report'), [a, b], [{ id: 'broken', error: 'experiments/broken.yaml:3:1: data.source: unknown source\nmore' }]);
  writeReport(join(work, 'main-site'), [a, { ...b, id: 'only-main' }]);
  writeReport(join(work, 'branch-site'), [{ ...b, id: 'pets-small' }, { ...a, id: 'only-branch' }]);
  writeReport(join(work, 'one-a'), [a]);
  writeReport(join(work, 'one-b'), [b]);
  mkdirSync(join(work, 'not-a-report'));
});

const ids = (plan: ReturnType<typeof resolveDiff>) => plan.pairs.map(({ a, b }) => [`${a.source.dir}:${a.entry.id}`, `${b.source.dir}:${b.entry.id}`]);

describe('resolveDiff', () => {
  it('two ids: the built report in <cache>/report, read once', () => {
    const plan = resolveDiff(['pets-small', 'pets-wide'], '.convlens');
    expect(ids(plan)).toEqual([['.convlens/report:pets-small', '.convlens/report:pets-wide']]);
    expect(plan.pairs[0]!.a.source).toBe(plan.pairs[0]!.b.source);
    expect(plan.pairs[0]!.a.source.label).toBe('the built report (.convlens/report)');
    expect(plan.set).toBeUndefined();
  });

  it('DIR:ID, an id and a one-experiment directory mix freely', () => {
    expect(ids(resolveDiff(['main-site:pets-small', 'pets-wide'], '.convlens'))).toEqual([['main-site:pets-small', '.convlens/report:pets-wide']]);
    expect(ids(resolveDiff(['one-a', 'branch-site:pets-small'], '.convlens'))).toEqual([['one-a:pets-small', 'branch-site:pets-small']]);
  });

  it('two directories: every shared id, and the ids only one has', () => {
    const plan = resolveDiff(['main-site', 'branch-site/'], '.convlens');
    expect(ids(plan)).toEqual([['main-site:pets-small', 'branch-site/:pets-small']]);
    expect(plan.set!.onlyInA).toEqual(['only-main']);
    expect(plan.set!.onlyInB).toEqual(['only-branch']);
    // One experiment each, with different ids: those two.
    expect(ids(resolveDiff(['one-a', 'one-b'], '.convlens'))).toEqual([['one-a:pets-small', 'one-b:pets-wide']]);
  });

  it('errors say what exists and what to give', () => {
    const forms =
      'two experiment ids of the built report (convlens diff baseline wider), two report directories or built sites (convlens diff main-site/ dist/), or DIR:ID for one experiment of a directory';
    const cases: [args: string[], cache: string, message: string][] = [
      [['pets-small'], '.convlens', `convlens diff compares two experiments, A and B, and received 1 argument. Give ${forms}.`],
      [[], '.convlens', `convlens diff compares two experiments, A and B, and received no argument. Give ${forms}.`],
      [['pets-small', 'nope'], '.convlens', `There is no experiment "nope" in the built report (.convlens/report). It has: pets-small, pets-wide. Give one of those ids, or ${forms}.`],
      [['main-site:nope', 'pets-small'], '.convlens', `There is no experiment "nope" in main-site. It has: pets-small, only-main. Give one of those ids, or ${forms}.`],
      [['broken', 'pets-small'], '.convlens', 'Experiment "broken" failed in the built report (.convlens/report) (experiments/broken.yaml:3:1: data.source: unknown source), so it has no test predictions to compare. Fix it and build again, or compare another experiment.'],
      [
        ['pets-small', 'pets-wide'],
        'elsewhere',
        `"pets-small" is not a directory, so it was taken as an experiment id of the built report, but there is no report at elsewhere/report (no report.json). Run "convlens run" or "convlens build" first, pass --cache DIR for another cache, or give ${forms}.`,
      ],
      [['sites/main', 'pets-wide'], '.convlens', `There is no directory sites/main. Give a report directory (<cache>/report) or a built site (dist/), both of which hold report.json at their root, or ${forms}.`],
      [['missing/:x', 'pets-wide'], '.convlens', `There is no directory missing/. Give a report directory (<cache>/report) or a built site (dist/), both of which hold report.json at their root, or ${forms}.`],
      [
        ['not-a-report', 'pets-wide'],
        '.convlens',
        'not-a-report is a directory but holds no report.json, so it is neither a report directory nor a built site. Give the report directory (<cache>/report, which "convlens run" publishes) or the site "convlens build" writes (dist/ by default); both have report.json at their root.',
      ],
      [['not-a-report:pets-small', 'pets-wide'], '.convlens', 'not-a-report is a directory but holds no report.json, so it is neither a report directory nor a built site.'],
      [['main-site:', 'pets-wide'], '.convlens', '"main-site:" names a directory but no experiment after the colon. Give DIR:ID, e.g. main-site:fashion-mnist-cnn, or the directory alone.'],
      [['main-site', 'pets-wide'], '.convlens', 'main-site holds 2 experiments (pets-small, only-main), so it does not name one to compare. Give main-site:ID, e.g. main-site:pets-small.'],
    ];
    for (const [args, cache, message] of cases) expect(() => resolveDiff(args, cache), args.join(' ')).toThrow(message);
  });

  it('two directories without a shared id (and more than one experiment) name their ids', () => {
    writeReport(join(temp.dir(), 'two-c'), [{ ...small()[0], id: 'c1' }, { ...small()[0], id: 'c2' }]);
    expect(() => resolveDiff(['main-site', 'two-c'], '.convlens')).toThrow(
      'main-site and two-c have no experiment id in common (main-site: pets-small, only-main; two-c: c1, c2), so there is no pair to compare. Name the two to compare as main-site:ID and two-c:ID.',
    );
  });
});

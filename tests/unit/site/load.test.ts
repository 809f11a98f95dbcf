import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lib/errors.ts';
import { loadReport, readReport, reportDirFromEnv } from '../../../src/site/load.ts';

const FIXTURE = resolve('tests/fixtures/site/report');

function reportDirWith(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-load-'));
  writeFileSync(join(dir, 'report.json'), content);
  return dir;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

describe('loadReport', () => {
  it('reads and validates the fixture named by CONVLENS_REPORT_DIR', () => {
    const report = loadReport({ CONVLENS_REPORT_DIR: FIXTURE });
    expect(report.experiments.map((e) => e.id)).toEqual(['fashion-tiny', 'mnist-no-validation', 'fashion-hostile']);
    expect(report.failed.map((f) => f.id)).toEqual(['cifar-broken']);
  });

  it('names the variable and what to do when it is unset or blank', () => {
    for (const env of [{}, { CONVLENS_REPORT_DIR: '  ' }]) {
      const error = errorOf(() => loadReport(env));
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toBe(
        'CONVLENS_REPORT_DIR is not set, so the site does not know which report to show. ' +
          'It must name a report directory (the folder holding report.json that `convlens run` publishes). ' +
          'Build the site with `convlens build`, or set CONVLENS_REPORT_DIR, for example CONVLENS_REPORT_DIR=tests/fixtures/site/report.',
      );
    }
  });

  it('names the path and the variable when report.json is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convlens-load-'));
    const error = errorOf(() => loadReport({ CONVLENS_REPORT_DIR: dir }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `No report was found at ${join(dir, 'report.json')} (from CONVLENS_REPORT_DIR). ` +
        'The site is built from the report directory the pipeline publishes. ' +
        'Run `convlens build`, or point CONVLENS_REPORT_DIR at a directory that contains report.json.',
    );
  });

  it('says when report.json is not JSON', () => {
    const dir = reportDirWith('{"convlens": ');
    const error = errorOf(() => readReport(dir));
    expect(error.message).toMatch(new RegExp(`^The report at ${join(dir, 'report.json').replaceAll('/', '\\/')} \\(given as the report directory\\) is not valid JSON: `));
    expect(error.message).toMatch(/Run `convlens build` again to publish a fresh report\.$/);
  });

  it('lists the key path and the problem when report.json does not match the schema', () => {
    const report = JSON.parse(readFileSync(join(FIXTURE, 'report.json'), 'utf8'));
    report.experiments[1].metrics.accuracy = '84%';
    delete report.failed;
    const dir = reportDirWith(JSON.stringify(report));
    const error = errorOf(() => loadReport({ CONVLENS_REPORT_DIR: dir }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `The report at ${join(dir, 'report.json')} (from CONVLENS_REPORT_DIR) does not match the report schema: ` +
        'experiments.1.metrics.accuracy: Invalid input: expected number, received string; ' +
        'failed: Invalid input: expected array, received undefined. ' +
        'It was probably written by a different convlens version. ' +
        'Run `convlens build` again to publish a report this site can read.',
    );
  });

  it('resolves a relative directory against the working directory', () => {
    expect(reportDirFromEnv({ CONVLENS_REPORT_DIR: 'tests/fixtures/site/report' })).toBe(FIXTURE);
  });
});

describe('readReport cross-checks', () => {
  it('rejects two entries with one id, since they would share a page', () => {
    const report = JSON.parse(readFileSync(join(FIXTURE, 'report.json'), 'utf8'));
    report.failed[0].id = 'fashion-tiny';
    const dir = reportDirWith(JSON.stringify(report));
    expect(errorOf(() => readReport(dir)).message).toBe(
      `The report at ${join(dir, 'report.json')} (given as the report directory) lists more than one experiment with the id "fashion-tiny". ` +
        'Each experiment gets one page at experiments/<id>/, so ids must be unique. ' +
        'Rename one of the experiment files (the id is the file name) and run `convlens build` again.',
    );
  });
});

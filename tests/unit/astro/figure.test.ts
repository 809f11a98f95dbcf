import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findFigure } from '../../../src/astro/figure.ts';
import { ReportSchema } from '../../../src/site/report.ts';

const report = ReportSchema.parse(JSON.parse(readFileSync(new URL('../../fixtures/site/report/report.json', import.meta.url), 'utf8')));

describe('<ConvlensFigure> lookup', () => {
  it("finds a figure by experiment id and name, with its files' and its permalink's addresses under the report's base", () => {
    const view = findFigure(report, '/r', '/docs/reports/', 'fashion-tiny', 'confusion-matrix');
    expect(view.figure.title).toBe('Confusion matrix (counts)');
    expect(view).toMatchObject({
      svg: '/docs/reports/experiments/fashion-tiny/figures/confusion-matrix.svg',
      png: '/docs/reports/experiments/fashion-tiny/figures/confusion-matrix.png',
      data: '/docs/reports/experiments/fashion-tiny/figures/confusion-matrix.json',
      dataLabel: 'JSON',
      permalink: '/docs/reports/experiments/fashion-tiny/#figure-confusion-matrix',
    });
  });

  it('lists the valid experiments when the id is unknown', () => {
    expect(() => findFigure(report, '/r', '/', 'fashion', 'training-curves')).toThrow(
      'ConvlensFigure: the report in /r has no experiment "fashion". Its experiments are: fashion-tiny, mnist-no-validation, fashion-hostile. Fix the experiment attribute of <ConvlensFigure>.',
    );
  });

  it("lists the experiment's figures when the name is unknown", () => {
    expect(() => findFigure(report, '/r', '/', 'mnist-no-validation', 'roc')).toThrow(
      'ConvlensFigure: experiment "mnist-no-validation" has no figure "roc". Its figures are: training-curves, confusion-matrix. Fix the name attribute of <ConvlensFigure>.',
    );
  });
});

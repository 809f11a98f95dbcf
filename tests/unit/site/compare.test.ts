import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPARE_METRICS, formatDelta, formatMetric, verdict } from '../../../src/site/compare.ts';
import { ReportSchema } from '../../../src/site/report.ts';

const report = ReportSchema.parse(JSON.parse(readFileSync('tests/fixtures/site/report/report.json', 'utf8')));
const [fashion, mnist] = report.experiments;
const metric = (key: string) => COMPARE_METRICS.find((m) => m.key === key)!;

describe('compared metrics', () => {
  it('read each value from report.json, null where an experiment has none', () => {
    expect(metric('accuracy').value(fashion!)).toBe(fashion!.metrics.accuracy);
    expect(metric('val-loss').value(fashion!)).toBe(0.95);
    expect(metric('val-loss').value(mnist!)).toBeNull();
    expect(metric('params').value(mnist!)).toBe(mnist!.model.params.total);
  });

  it('format values as the tables write them', () => {
    expect(formatMetric('percent', 0.91234)).toBe('91.23%');
    expect(formatMetric('loss', 0.25)).toBe('0.2500');
    expect(formatMetric('score', 0.9)).toBe('0.900');
    expect(formatMetric('count', 12345)).toBe('12,345');
    expect(formatMetric('loss', null)).toBe('—');
    expect(formatMetric('score', Number.NaN)).toBe('—');
  });
});

describe('deltas against a baseline', () => {
  it('write percentage points for percents, a true minus sign, and a plus for gains', () => {
    expect(formatDelta('percent', 0.84, 0.79)).toBe('+5.00 pp');
    expect(formatDelta('percent', 0.79, 0.84)).toBe('\u22125.00 pp');
    expect(formatDelta('loss', 0.7383, 0.7918)).toBe('\u22120.0535');
    expect(formatDelta('count', 238, 6810)).toBe('\u22126,572');
    expect(formatDelta('score', 0.9, 0.9)).toBe('0.000');
    expect(formatDelta('loss', null, 0.5)).toBe('—');
  });

  it('say better or worse by the metric’s direction, same when the shown difference is zero', () => {
    expect(verdict('loss', 'lower', 0.7, 0.8)).toBe('better');
    expect(verdict('percent', 'higher', 0.7, 0.8)).toBe('worse');
    expect(verdict('score', 'higher', 0.9001, 0.9)).toBe('same');
    expect(verdict('count', null, 1, 2)).toBeNull();
    expect(verdict('loss', 'lower', null, 2)).toBeNull();
  });
});

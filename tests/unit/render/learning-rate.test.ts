/**
 * The learning-rate figure: drawn from the history's rates, on a log axis only when the rates span
 * more than 20×, with an alt text that reads the schedule back from the data.
 */
import { describe, expect, it } from 'vitest';
import { learningRateAlt, learningRateSpec, rateText, rateVaries } from '../../../src/render/specs/learning-rate.ts';
import type { HistoryRow } from '../../../src/render/specs/training-curves.ts';
import { renderVegaLite } from '../../../src/render/vega.ts';
import { scheduledFactor } from '../../../src/engine/schedules.ts';

const rows = (rates: number[]): HistoryRow[] => rates.map((lr, i) => ({ epoch: i + 1, loss: 1, accuracy: 0.5, val_loss: null, val_accuracy: null, lr }));
type Spec = { data: { values: unknown }; layer: { encoding: { y: { title: string; scale: Record<string, unknown> } } }[] };

describe('learning-rate figure', () => {
  it('is drawn only when the rate changed', () => {
    expect(rateVaries(rows([0.001, 0.001, 0.001]))).toBe(false);
    expect(rateVaries(rows([0.001, 0.001, 0.0005]))).toBe(true);
  });

  it('plots epoch and rate; linear from zero for a mild decay, log beyond a 20× span', () => {
    const mild = learningRateSpec(rows([0.002, 0.001, 0.0005])) as unknown as Spec;
    expect(mild.data.values).toEqual([{ epoch: 1, lr: 0.002 }, { epoch: 2, lr: 0.001 }, { epoch: 3, lr: 0.0005 }]);
    expect(mild.layer[0]!.encoding.y.scale).toEqual({ zero: true, nice: true });
    const steep = learningRateSpec(rows([0.1, 0.01, 0.001])) as unknown as Spec;
    expect(steep.layer[0]!.encoding.y.scale).toEqual({ type: 'log' });
    expect(steep.layer[0]!.encoding.y.title).toBe('Learning rate (log scale)');
  });

  it('renders its axis and mark labels as text', async () => {
    const { svg } = await renderVegaLite(learningRateSpec(rows([0.002, 0.001, 0.0005]), [{ epoch: 2, kind: 'restored' }]));
    const texts = [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const t of ['Epoch', 'Learning rate', 'restored']) expect(texts).toContain(t);
  });

  it('alt text: a cosine schedule with a one-epoch warm-up, computed by the engine’s own schedule', () => {
    const base = 0.002;
    const rates = [0, 1, 2, 3, 4].map((e) => base * scheduledFactor({ type: 'cosine', warmup: 1, minFactor: 0 }, e, 5));
    // Warm-up epoch at half the rate, then cos over 4 epochs: 1, (1+cos(π/4))/2, 1/2, (1+cos(3π/4))/2.
    expect(rates.map(rateText)).toEqual(['0.001', '0.002', '0.00171', '0.001', '0.000293']);
    expect(learningRateAlt(rows(rates))).toBe('Learning rate per epoch over 5 epochs: starts at 0.001, peaks at 0.002 at epoch 2, ends at 0.000293 at epoch 5.');
  });

  it('alt text: a piecewise schedule lists where it changed, and says when the axis is logarithmic', () => {
    expect(learningRateAlt(rows([0.1, 0.1, 0.01, 0.01, 0.001]))).toBe(
      'Learning rate per epoch over 5 epochs (log scale): starts at 0.1, ends at 0.001 at epoch 5. It changes at epochs 3 and 5.',
    );
  });
});

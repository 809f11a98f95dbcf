/**
 * Early stopping on scripted sequences, against Keras's EarlyStopping worked by hand.
 */
import { describe, expect, it } from 'vitest';
import type { EarlyStoppingSpec } from '../../../../src/config/spec.ts';
import { earlyStoppingState, observeEarlyStopping } from '../../../../src/engine/callbacks/early-stopping.ts';

function run(spec: EarlyStoppingSpec, values: number[]) {
  let s = earlyStoppingState(spec);
  const improved: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const r = observeEarlyStopping(spec, s, i + 1, values[i]!);
    s = r.state;
    if (r.improved) improved.push(i + 1);
    if (s.stoppedEpoch > 0) break;
  }
  return { ...s, improved };
}

const base: EarlyStoppingSpec = { monitor: 'val_loss', mode: 'min', patience: 2, minDelta: 0.005, restoreBest: true };

describe('early stopping', () => {
  it('stops after `patience` epochs without an improvement larger than minDelta; remembers the best epoch', () => {
    // 1.0 best; 0.8 best; 0.81 wait 1; 0.79 (0.79+0.005 < 0.8) best; 0.80 wait 1; 0.82 wait 2 → stop at 6.
    expect(run(base, [1.0, 0.8, 0.81, 0.79, 0.8, 0.82, 0.85])).toEqual({ best: 0.79, bestEpoch: 4, wait: 2, stoppedEpoch: 6, improved: [1, 2, 4] });
  });

  it('an improvement smaller than minDelta does not count', () => {
    expect(run(base, [1.0, 0.997, 0.996])).toMatchObject({ bestEpoch: 1, stoppedEpoch: 3 });
  });

  it('max mode for accuracies', () => {
    const spec = { ...base, monitor: 'val_accuracy', mode: 'max', minDelta: 0 } as const;
    expect(run(spec, [0.5, 0.7, 0.69, 0.7, 0.71])).toMatchObject({ bestEpoch: 2, stoppedEpoch: 4 });
  });

  it('patience 0 stops at the first epoch without improvement, but never at the first epoch', () => {
    const spec = { ...base, patience: 0, minDelta: 0 };
    // Epoch 1 (NaN) is not an improvement, but training never stops at the first epoch.
    expect(run(spec, [Number.NaN, 1, 2])).toMatchObject({ bestEpoch: 2, stoppedEpoch: 3 });
    expect(run(spec, [1, 0.9, 0.95])).toMatchObject({ bestEpoch: 2, stoppedEpoch: 3 });
  });

  it('NaN never improves', () => {
    expect(run(base, [1, Number.NaN, Number.NaN])).toMatchObject({ bestEpoch: 1, stoppedEpoch: 3 });
  });
});
